//! The team as the console shows it: each account with its languages, skills and capacity, and
//! each agent's presence and load. What a supervisor writes is checked here, so the console
//! refuses early with the same rules the edge applies.

use serde::{Deserialize, Serialize};

use crate::avatar::validate_avatar_url;
use crate::error::{ApiError, ErrorCode, wire_names};
use crate::limits::MAX_NAME_CHARS;
use crate::protocol::{AccountRole, AgentInfo};

/// Most conversations an agent holds at once unless the supervisor says otherwise.
pub const DEFAULT_CAPACITY: u32 = 3;
pub const MAX_CAPACITY: u32 = 50;
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_LANGUAGES: usize = 20;
pub const MAX_SKILLS: usize = 30;
pub const MAX_SKILL_CHARS: usize = 40;

/// Whether an agent takes conversations now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Takes new conversations.
    #[default]
    Online,
    /// Signed in but takes no new conversations (chosen, or after missed offers).
    Away,
    Offline,
}

wire_names!(Presence { Online = "online", Away = "away", Offline = "offline" });

impl Presence {
    /// The word the console shows.
    pub fn label(self) -> &'static str {
        match self {
            Presence::Online => "Online",
            Presence::Away => "Away",
            Presence::Offline => "Offline",
        }
    }
}

/// How queued conversations reach agents, chosen per site by a supervisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutingMode {
    /// Agents pick from the queue themselves.
    #[default]
    Manual,
    /// Baton assigns each queued conversation to an agent.
    Auto,
    /// Baton offers each queued conversation to one agent, who accepts or declines.
    Offer,
}

wire_names!(RoutingMode { Manual = "manual", Auto = "auto", Offer = "offer" });

pub const MIN_OFFLINE_AFTER_S: u32 = 10;
pub const MAX_WAIT_SETTING_S: u32 = 3_600;

/// The desk's settings for a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskSettings {
    #[serde(default)]
    pub mode: RoutingMode,
    /// An agent whose consoles have all been gone this long counts as Offline, and the
    /// conversations they hold go back to the queue.
    #[serde(default = "default_offline_after_s")]
    pub offline_after_s: u32,
    /// An offer not accepted within this goes to the next agent.
    #[serde(default = "default_offer_timeout_s")]
    pub offer_timeout_s: u32,
    /// A conversation nobody is eligible for this long stops requiring its skill; after twice
    /// as long, its language. 0 never requires either.
    #[serde(default = "default_relax_after_s")]
    pub relax_after_s: u32,
    /// A conversation nobody wrote in for this long closes by itself; 0 never.
    #[serde(default = "default_inactivity_close_s")]
    pub inactivity_close_s: u32,
    /// Closed conversations older than this many days are erased (objects and history); 0 keeps
    /// them.
    #[serde(default)]
    pub retention_days: u32,
    /// A customer who has waited this long for a person is offered to leave a message or keep
    /// chatting with the bot; 0 never.
    #[serde(default = "default_max_queue_wait_s")]
    pub max_queue_wait_s: u32,
    /// While a customer waits for a person, the bot still answers questions its articles
    /// answer, saying that a person is coming.
    #[serde(default = "yes")]
    pub bot_answers_while_queued: bool,
    /// When the team is there; none means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<BusinessHours>,
}

/// A weekly schedule in a time zone, with dates the team is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    /// An IANA time zone, e.g. "Europe/Madrid".
    pub time_zone: String,
    #[serde(default)]
    pub weekly: Vec<Opening>,
    /// Local dates ("2026-12-25") the team is closed whatever the weekly schedule says.
    #[serde(default)]
    pub closed_dates: Vec<String>,
}

/// One opening span on a weekday, in local time ("09:00" to "17:30").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    /// 0 is Monday, 6 Sunday.
    pub weekday: u32,
    pub from: String,
    pub to: String,
}

impl Opening {
    /// The span in minutes after midnight, if both times are valid and `from` comes first.
    pub fn minutes(&self) -> Option<(u32, u32)> {
        let (from, to) = (clock_minutes(&self.from)?, clock_minutes(&self.to)?);
        (from < to).then_some((from, to))
    }
}

/// "09:30" → 570; "24:00" is the end of the day.
fn clock_minutes(clock: &str) -> Option<u32> {
    let (h, m) = clock.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

fn is_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && [y, m, d].iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)) && (1..=31).contains(&d.parse::<u32>().unwrap_or(0)))
}

fn default_max_queue_wait_s() -> u32 {
    10 * 60
}

fn default_offline_after_s() -> u32 {
    60
}
fn default_offer_timeout_s() -> u32 {
    30
}
fn default_relax_after_s() -> u32 {
    60
}
fn default_inactivity_close_s() -> u32 {
    30 * 60
}

pub const DAY_MS: u64 = 24 * 3_600_000;
/// Ten years: longer is what 0 (keep) is for.
pub const MAX_RETENTION_DAYS: u32 = 3_650;

/// The longest a site may let a quiet conversation stay open.
pub const MAX_INACTIVITY_CLOSE_S: u32 = 7 * 24 * 3_600;

impl Default for DeskSettings {
    fn default() -> Self {
        DeskSettings {
            mode: RoutingMode::Manual,
            offline_after_s: default_offline_after_s(),
            offer_timeout_s: default_offer_timeout_s(),
            relax_after_s: default_relax_after_s(),
            inactivity_close_s: default_inactivity_close_s(),
            retention_days: 0,
            max_queue_wait_s: default_max_queue_wait_s(),
            bot_answers_while_queued: true,
            hours: None,
        }
    }
}

impl DeskSettings {
    pub fn offline_after_ms(&self) -> u64 {
        u64::from(self.offline_after_s) * 1000
    }

    /// Conversations closed before this (ms) are due for erasure, if the site keeps them only
    /// for a while.
    pub fn retention_cutoff(&self, now: u64) -> Option<u64> {
        (self.retention_days > 0).then(|| now.saturating_sub(u64::from(self.retention_days) * DAY_MS))
    }

    /// When a conversation last written in at `last_message_at` closes for inactivity.
    pub fn inactive_at(&self, last_message_at: u64) -> Option<u64> {
        (self.inactivity_close_s > 0).then(|| last_message_at + u64::from(self.inactivity_close_s) * 1000)
    }
}

/// Refuses desk settings the desk could not keep to.
pub fn validate_desk_settings(settings: DeskSettings) -> Result<DeskSettings, ApiError> {
    let range = |value: u32, min: u32, what: &str| {
        if (min..=MAX_WAIT_SETTING_S).contains(&value) {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::BadRequest, format!("{what} is from {min} to {MAX_WAIT_SETTING_S} seconds")))
        }
    };
    range(settings.offline_after_s, MIN_OFFLINE_AFTER_S, "offline_after_s")?;
    range(settings.offer_timeout_s, 5, "offer_timeout_s")?;
    range(settings.relax_after_s, 0, "relax_after_s")?;
    if settings.inactivity_close_s != 0 && !(5..=MAX_INACTIVITY_CLOSE_S).contains(&settings.inactivity_close_s) {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("inactivity_close_s is 0 (never) or from 5 to {MAX_INACTIVITY_CLOSE_S} seconds"),
        ));
    }
    if settings.max_queue_wait_s != 0 && !(5..=MAX_WAIT_SETTING_S).contains(&settings.max_queue_wait_s) {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("max_queue_wait_s is 0 (never) or from 5 to {MAX_WAIT_SETTING_S} seconds"),
        ));
    }
    if let Some(hours) = &settings.hours {
        let zone = hours.time_zone.trim();
        if zone.is_empty() || zone.len() > 64 {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                "hours.time_zone is an IANA time zone like Europe/Madrid",
            ));
        }
        if hours.weekly.len() > 50 || hours.weekly.iter().any(|o| o.weekday > 6 || o.minutes().is_none()) {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                "hours.weekly lists {weekday: 0 (Monday) to 6, from: \"09:00\", to: \"17:00\"} with from before to",
            ));
        }
        if hours.closed_dates.len() > 400 || !hours.closed_dates.iter().all(|d| is_date(d)) {
            return Err(ApiError::new(ErrorCode::BadRequest, "hours.closed_dates are dates like 2026-12-25"));
        }
    }
    if settings.retention_days > MAX_RETENTION_DAYS {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("retention_days is 0 (keep) or at most {MAX_RETENTION_DAYS}"),
        ));
    }
    Ok(settings)
}

/// `POST /api/sites/{site}/conversations/{id}/transfer`, by the agent who holds it: to a
/// colleague (`agent`, an account id), or back to the queue (no `agent`), needing `skill` if
/// given; `note` is for the next agent only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /api/sites/{site}/conversations/{id}/reassign`, by a supervisor: give the
/// conversation to `agent` (an account id), as the supervisor saw it at `epoch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReassignInput {
    pub agent: String,
    pub epoch: u64,
}

/// One account as the team screen lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub agent: AgentInfo,
    pub email: String,
    pub role: AccountRole,
    /// Lowercase ISO 639-1 codes ("en", "es").
    pub languages: Vec<String>,
    /// Site-defined skill names, lowercase ("billing").
    pub skills: Vec<String>,
    pub capacity: u32,
    /// A deactivated account cannot sign in and is never routed to.
    pub active: bool,
    pub presence: Presence,
    /// Why the desk, not the agent, set the presence ("Away after 3 missed offers").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence_note: Option<String>,
    /// Conversations the agent holds now.
    pub held: u32,
}

impl TeamMember {
    /// "2 of 3".
    pub fn load(&self) -> String {
        format!("{} of {}", self.held, self.capacity)
    }
}

/// `POST /api/sites/{site}/team` (a new account) and `PUT /api/sites/{site}/team/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInput {
    pub email: String,
    pub name: String,
    pub role: AccountRole,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default = "default_capacity")]
    pub capacity: u32,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// Required for a new account; on an edit, a new password (else the old one stays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

pub(crate) fn default_capacity() -> u32 {
    DEFAULT_CAPACITY
}

fn yes() -> bool {
    true
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidAccount, message)
}

/// A display name: 1–80 characters of plain text on one line.
pub fn check_name(value: &str, what: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_NAME_CHARS || value.chars().any(char::is_control) {
        return Err(bad(format!("{what} must be 1-{MAX_NAME_CHARS} characters of plain text")));
    }
    Ok(value.to_string())
}

/// A sign-in email, lowercased.
pub fn check_email(value: &str) -> Result<String, ApiError> {
    let email = value.trim().to_lowercase();
    let well_formed = email.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
    if !well_formed
        || email.len() > crate::limits::MAX_EMAIL_BYTES
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad(format!("{value:?} is not an email address")));
    }
    Ok(email)
}

pub fn check_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(bad(format!("a password has at least {MIN_PASSWORD_CHARS} characters")));
    }
    Ok(())
}

/// Language codes, lowercased and without repeats: two or three letters each ("en", "pt").
pub fn check_languages(languages: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for language in languages {
        let code = language.trim().to_ascii_lowercase();
        if !(2..=3).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(bad(format!("{language:?} is not a language code such as \"en\" or \"es\"")));
        }
        if !out.contains(&code) {
            out.push(code);
        }
    }
    if out.len() > MAX_LANGUAGES {
        return Err(bad(format!("at most {MAX_LANGUAGES} languages")));
    }
    Ok(out)
}

/// Skill names, lowercased and without repeats: letters, digits, `-` and `_`.
pub fn check_skills(skills: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for skill in skills {
        let name = skill.trim().to_lowercase();
        let allowed = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
        if name.is_empty() || name.chars().count() > MAX_SKILL_CHARS || !name.chars().all(allowed) {
            return Err(bad(format!("{skill:?} is not a skill name (1-{MAX_SKILL_CHARS} letters, digits, - or _)")));
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    if out.len() > MAX_SKILLS {
        return Err(bad(format!("at most {MAX_SKILLS} skills")));
    }
    Ok(out)
}

/// Normalises an account a supervisor wrote and refuses what the desk could not use. A new
/// account needs a password; an edit may leave it out.
pub fn validate_account(input: AccountInput, creating: bool) -> Result<AccountInput, ApiError> {
    let email = check_email(&input.email)?;
    let name = check_name(&input.name, "name")?;
    let languages = check_languages(&input.languages)?;
    let skills = check_skills(&input.skills)?;
    if !(1..=MAX_CAPACITY).contains(&input.capacity) {
        return Err(bad(format!("capacity is a whole number from 1 to {MAX_CAPACITY}")));
    }
    match &input.password {
        Some(password) => check_password(password)?,
        None if creating => return Err(bad("a new account needs an initial password")),
        None => {}
    }
    let avatar = input.avatar.map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
    if let Some(avatar) = &avatar {
        validate_avatar_url(avatar)?;
    }
    Ok(AccountInput { email, name, languages, skills, avatar, ..input })
}

/// Splits "en, es" or "billing returns" as the console's text fields take them.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::assert_names_match_serde;

    fn input() -> AccountInput {
        AccountInput {
            email: " Sam@Example.COM ".into(),
            name: " Sam ".into(),
            role: AccountRole::Agent,
            languages: vec!["ES".into(), "en".into(), "es".into()],
            skills: vec!["Billing".into()],
            capacity: 3,
            active: true,
            avatar: None,
            password: Some("long enough".into()),
        }
    }

    #[test]
    fn presence_and_routing_modes_are_named_as_serde_names_them() {
        assert_names_match_serde(Presence::ALL, Presence::as_str, Presence::parse);
        assert_names_match_serde(RoutingMode::ALL, RoutingMode::as_str, RoutingMode::parse);
    }

    #[test]
    fn desk_settings_default_to_manual_routing_and_the_stated_times() {
        let settings: DeskSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(settings, DeskSettings::default());
        assert_eq!((settings.mode, settings.offline_after_ms()), (RoutingMode::Manual, 60_000));
        assert!(validate_desk_settings(DeskSettings { offer_timeout_s: 1, ..settings.clone() }).is_err());
        assert!(validate_desk_settings(DeskSettings { offline_after_s: 0, ..settings.clone() }).is_err());
        assert!(validate_desk_settings(DeskSettings { relax_after_s: 0, ..settings.clone() }).is_ok());
        assert!(validate_desk_settings(DeskSettings { inactivity_close_s: 0, ..settings.clone() }).is_ok());
        assert!(validate_desk_settings(DeskSettings { inactivity_close_s: 4, ..settings.clone() }).is_err());
        assert_eq!(settings.inactive_at(1_000), Some(1_000 + 1_800_000));
        assert_eq!(DeskSettings { inactivity_close_s: 0, ..settings.clone() }.inactive_at(1_000), None);
        assert_eq!(settings.retention_cutoff(5 * DAY_MS), None, "kept by default");
        let month = DeskSettings { retention_days: 30, ..settings.clone() };
        assert_eq!(month.retention_cutoff(40 * DAY_MS), Some(10 * DAY_MS));
        assert!(validate_desk_settings(DeskSettings { retention_days: 3_651, ..settings.clone() }).is_err());
        assert!(settings.bot_answers_while_queued && settings.max_queue_wait_s == 600 && settings.hours.is_none());
        let opening = |from: &str, to: &str| Opening { weekday: 0, from: from.into(), to: to.into() };
        assert_eq!(opening("09:00", "17:30").minutes(), Some((540, 1050)));
        assert_eq!(opening("17:00", "09:00").minutes(), None);
        assert_eq!(opening("9", "10:00").minutes(), None);
        assert_eq!(opening("00:00", "24:00").minutes(), Some((0, 1440)));
        let hours = |weekly: Vec<Opening>, closed: &[&str]| DeskSettings {
            hours: Some(BusinessHours {
                time_zone: "Europe/Madrid".into(),
                weekly,
                closed_dates: closed.iter().map(|d| d.to_string()).collect(),
            }),
            ..settings.clone()
        };
        assert!(validate_desk_settings(hours(vec![opening("09:00", "17:00")], &["2026-12-25"])).is_ok());
        assert!(validate_desk_settings(hours(vec![opening("17:00", "09:00")], &[])).is_err());
        assert!(validate_desk_settings(hours(vec![], &["25/12/2026"])).is_err());
    }

    #[test]
    fn an_account_is_normalised() {
        let account = validate_account(input(), true).unwrap();
        assert_eq!(account.email, "sam@example.com");
        assert_eq!(account.name, "Sam");
        assert_eq!(account.languages, ["es", "en"]);
        assert_eq!(account.skills, ["billing"]);
    }

    #[test]
    fn each_bad_field_is_refused_with_a_stable_code_naming_it() {
        let cases: Vec<(AccountInput, &str)> = vec![
            (AccountInput { email: "sam".into(), ..input() }, "email"),
            (AccountInput { name: "  ".into(), ..input() }, "name"),
            (AccountInput { languages: vec!["english".into()], ..input() }, "language"),
            (AccountInput { skills: vec!["two words!".into()], ..input() }, "skill"),
            (AccountInput { capacity: 0, ..input() }, "capacity"),
            (AccountInput { capacity: MAX_CAPACITY + 1, ..input() }, "capacity"),
            (AccountInput { password: Some("short".into()), ..input() }, "password"),
            (AccountInput { password: None, ..input() }, "password"),
        ];
        for (bad_input, field) in cases {
            let err = validate_account(bad_input.clone(), true).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidAccount, "{bad_input:?}");
            assert!(err.message.contains(field), "{field}: {}", err.message);
        }
        let avatar = AccountInput { avatar: Some("javascript:alert(1)".into()), ..input() };
        assert_eq!(validate_account(avatar, true).unwrap_err().code, ErrorCode::InvalidAvatar);
    }

    #[test]
    fn an_edit_may_keep_the_password() {
        assert!(validate_account(AccountInput { password: None, ..input() }, false).is_ok());
    }

    #[test]
    fn lists_split_on_commas_and_spaces() {
        assert_eq!(split_list(" en, es  pt,"), ["en", "es", "pt"]);
        assert!(split_list(" , ").is_empty());
    }

    #[test]
    fn load_reads_held_of_capacity() {
        let member = TeamMember {
            agent: AgentInfo { id: "a".into(), name: "A".into(), avatar: None },
            email: "a@x.test".into(),
            role: AccountRole::Agent,
            languages: vec![],
            skills: vec![],
            capacity: 3,
            active: true,
            presence: Presence::Online,
            presence_note: None,
            held: 2,
        };
        assert_eq!(member.load(), "2 of 3");
    }
}
