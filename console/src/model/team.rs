//! The Team page: the account form as typed, and how the list reads.

use baton_shared::protocol::AccountRole;
use baton_shared::team::{AccountInput, DEFAULT_CAPACITY, TeamMember, split_list};

use super::knowledge::join_list;

/// The account form's fields as typed. Checks are the server's: its message is shown as it says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountForm {
    /// The account being edited; `None` adds one.
    pub editing: Option<String>,
    pub email: String,
    pub name: String,
    pub role: AccountRole,
    pub languages: String,
    pub skills: String,
    pub capacity: String,
    /// The initial password of a new account, or a new one for an edit (blank keeps it).
    pub password: String,
    pub active: bool,
    pub avatar: Option<String>,
}

impl Default for AccountForm {
    fn default() -> Self {
        AccountForm {
            editing: None,
            email: String::new(),
            name: String::new(),
            role: AccountRole::Agent,
            languages: String::new(),
            skills: String::new(),
            capacity: DEFAULT_CAPACITY.to_string(),
            password: String::new(),
            active: true,
            avatar: None,
        }
    }
}

impl AccountForm {
    pub fn from_member(member: &TeamMember) -> Self {
        AccountForm {
            editing: Some(member.agent.id.clone()),
            email: member.email.clone(),
            name: member.agent.name.clone(),
            role: member.role,
            languages: join_list(&member.languages),
            skills: join_list(&member.skills),
            capacity: member.capacity.to_string(),
            password: String::new(),
            active: member.active,
            avatar: member.agent.avatar.clone(),
        }
    }

    /// What to send; a capacity that is not a number is refused here, the rest by the server.
    pub fn input(&self) -> Result<AccountInput, String> {
        let capacity = self
            .capacity
            .trim()
            .parse::<u32>()
            .map_err(|_| "Capacity is the number of conversations the agent can hold at once.".to_string())?;
        Ok(AccountInput {
            email: self.email.trim().to_string(),
            name: self.name.trim().to_string(),
            role: self.role,
            languages: split_list(&self.languages),
            skills: split_list(&self.skills),
            capacity,
            active: self.active,
            avatar: self.avatar.clone(),
            password: (!self.password.is_empty()).then(|| self.password.clone()),
        })
    }

    /// The same account with only its active flag changed, for "Deactivate" and "Reactivate".
    pub fn toggled(member: &TeamMember) -> AccountInput {
        let form = AccountForm { active: !member.active, ..AccountForm::from_member(member) };
        // A stored capacity is always a number.
        form.input().unwrap_or_else(|_| AccountInput {
            email: member.email.clone(),
            name: member.agent.name.clone(),
            role: member.role,
            languages: member.languages.clone(),
            skills: member.skills.clone(),
            capacity: member.capacity,
            active: !member.active,
            avatar: member.agent.avatar.clone(),
            password: None,
        })
    }
}

pub fn role_label(role: AccountRole) -> &'static str {
    match role {
        AccountRole::Agent => "Agent",
        AccountRole::Supervisor => "Supervisor",
    }
}

/// "Away · Set to Away after 3 offers…" or just "Online"; a deactivated account says so.
pub fn presence_text(member: &TeamMember) -> String {
    if !member.active {
        return "Deactivated".to_string();
    }
    match &member.presence_note {
        Some(note) => format!("{} · {note}", member.presence.label()),
        None => member.presence.label().to_string(),
    }
}

/// Puts a saved account in the list: replaces the one with its id, or adds it.
pub fn upsert_member(list: &mut Vec<TeamMember>, member: TeamMember) {
    match list.iter_mut().find(|m| m.agent.id == member.agent.id) {
        Some(slot) => *slot = member,
        None => list.push(member),
    }
}

#[cfg(test)]
mod tests {
    use baton_shared::Presence;
    use baton_shared::protocol::AgentInfo;

    use super::*;

    fn member() -> TeamMember {
        TeamMember {
            agent: AgentInfo { id: "a1".into(), name: "Ana".into(), avatar: None },
            email: "ana@x.test".into(),
            role: AccountRole::Agent,
            languages: vec!["es".into(), "en".into()],
            skills: vec!["billing".into()],
            capacity: 3,
            active: true,
            presence: Presence::Online,
            presence_note: None,
            held: 1,
        }
    }

    #[test]
    fn an_edit_round_trips_the_account_and_keeps_the_password_unless_typed() {
        let form = AccountForm::from_member(&member());
        assert_eq!((form.languages.as_str(), form.skills.as_str(), form.capacity.as_str()), ("es, en", "billing", "3"));
        let input = form.input().unwrap();
        assert_eq!(
            (input.languages, input.skills, input.capacity),
            (vec!["es".into(), "en".into()], vec!["billing".into()], 3)
        );
        assert_eq!(input.password, None);
        let typed = AccountForm { password: "new secret".into(), ..AccountForm::from_member(&member()) };
        assert_eq!(typed.input().unwrap().password.as_deref(), Some("new secret"));
    }

    #[test]
    fn a_capacity_that_is_not_a_number_is_refused_before_sending() {
        let form = AccountForm { capacity: "three".into(), ..AccountForm::default() };
        assert!(form.input().unwrap_err().contains("Capacity"));
        assert_eq!(AccountForm::default().capacity, "3");
    }

    #[test]
    fn deactivating_flips_only_the_active_flag() {
        let input = AccountForm::toggled(&member());
        assert!(!input.active);
        assert_eq!((input.email.as_str(), input.capacity, input.password), ("ana@x.test", 3, None));
    }

    #[test]
    fn presence_reads_with_the_desks_reason_and_deactivation() {
        let mut m = member();
        assert_eq!(presence_text(&m), "Online");
        m.presence = Presence::Away;
        m.presence_note = Some("Set to Away after 3 offers in a row went unanswered".into());
        assert_eq!(presence_text(&m), "Away · Set to Away after 3 offers in a row went unanswered");
        m.active = false;
        assert_eq!(presence_text(&m), "Deactivated");
    }

    #[test]
    fn saved_accounts_replace_or_join_the_list() {
        let mut list = vec![member()];
        upsert_member(&mut list, TeamMember { capacity: 5, ..member() });
        let mut other = member();
        other.agent.id = "a2".into();
        upsert_member(&mut list, other);
        assert_eq!((list.len(), list[0].capacity), (2, 5));
    }
}
