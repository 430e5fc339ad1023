//! The transfer dialog: who or what the conversation can go to, and what to send.

use baton_shared::Presence;
use baton_shared::team::{TeamMember, TransferInput};

/// One entry of the "Transfer to" list; `value` is `agent:<id>`, `skill:<name>` or `queue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferChoice {
    pub value: String,
    pub label: String,
}

/// Active accounts other than `except`, Online first, with their presence and load.
pub fn agent_choices(team: &[TeamMember], except: Option<&str>) -> Vec<TransferChoice> {
    let mut agents: Vec<&TeamMember> =
        team.iter().filter(|m| m.active && Some(m.agent.id.as_str()) != except).collect();
    agents.sort_by_key(|m| (m.presence != Presence::Online, m.agent.name.to_lowercase()));
    agents
        .iter()
        .map(|m| TransferChoice {
            value: format!("agent:{}", m.agent.id),
            label: format!("{} ({}, {})", m.agent.name, m.presence.label(), m.load()),
        })
        .collect()
}

/// Active colleagues, Online first with their load, then the queue for each skill anyone on
/// the team has, then the queue for anyone.
pub fn choices(team: &[TeamMember], me: &str) -> Vec<TransferChoice> {
    let mut out = agent_choices(team, Some(me));
    let mut skills: Vec<&str> =
        team.iter().filter(|m| m.active).flat_map(|m| m.skills.iter().map(String::as_str)).collect();
    skills.sort_unstable();
    skills.dedup();
    out.extend(
        skills.into_iter().map(|s| TransferChoice { value: format!("skill:{s}"), label: format!("Queue: {s}") }),
    );
    out.push(TransferChoice { value: "queue".into(), label: "Queue: anyone".into() });
    out
}

/// The account id of an `agent:` entry.
pub fn chosen_agent(choice: &str) -> Option<&str> {
    choice.strip_prefix("agent:").filter(|id| !id.is_empty())
}

/// The request for a chosen entry and the note as typed; `None` for an unknown entry.
pub fn input(choice: &str, note: &str) -> Option<TransferInput> {
    let note = Some(note.trim().to_string()).filter(|n| !n.is_empty());
    match choice.split_once(':') {
        Some(("agent", id)) if !id.is_empty() => Some(TransferInput { agent: Some(id.into()), skill: None, note }),
        Some(("skill", skill)) if !skill.is_empty() => {
            Some(TransferInput { agent: None, skill: Some(skill.into()), note })
        }
        None if choice == "queue" => Some(TransferInput { agent: None, skill: None, note }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use baton_shared::protocol::{AccountRole, AgentInfo};

    use super::*;

    fn member(id: &str, name: &str, presence: Presence, skills: &[&str]) -> TeamMember {
        TeamMember {
            agent: AgentInfo { id: id.into(), name: name.into(), avatar: None },
            email: format!("{id}@x.test"),
            role: AccountRole::Agent,
            languages: vec!["en".into()],
            skills: skills.iter().map(|s| s.to_string()).collect(),
            capacity: 3,
            active: true,
            presence,
            presence_note: None,
            held: 1,
        }
    }

    #[test]
    fn colleagues_online_first_then_each_skills_queue_then_anyone() {
        let mut gone = member("z", "Zed", Presence::Online, &["legal"]);
        gone.active = false;
        let team = vec![
            member("me", "Dana", Presence::Online, &["billing"]),
            member("a", "Amy", Presence::Away, &["returns"]),
            member("s", "Sam", Presence::Online, &["billing"]),
            gone,
        ];
        let labels: Vec<String> = choices(&team, "me").into_iter().map(|c| c.label).collect();
        assert_eq!(
            labels,
            ["Sam (Online, 1 of 3)", "Amy (Away, 1 of 3)", "Queue: billing", "Queue: returns", "Queue: anyone"]
        );
    }

    #[test]
    fn each_choice_becomes_its_request_with_the_note() {
        assert_eq!(
            input("agent:s", " be kind "),
            Some(TransferInput { agent: Some("s".into()), skill: None, note: Some("be kind".into()) })
        );
        assert_eq!(
            input("skill:billing", ""),
            Some(TransferInput { agent: None, skill: Some("billing".into()), note: None })
        );
        assert_eq!(input("queue", ""), Some(TransferInput::default()));
        assert_eq!(input("agent:", ""), None);
        assert_eq!(input("", ""), None);
    }
}
