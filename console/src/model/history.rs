//! The History screen: the filter form as typed, the list of closed conversations page by page,
//! how a row reads, and one closed conversation read back (transcript, summary, who held it).

use baton_shared::history::{HistoryEntry, HistoryPage, HistoryQuery, HistoryRecord, MAX_SEARCH_CHARS, Outcome};
use baton_shared::insight::FlagKind;
use baton_shared::protocol::{AgentInfo, Author, EventBody, ModeReason};
use serde::{Deserialize, Serialize};

use super::conversation::{BOT_TAG, EntryKind, LEFT_TAG, left_detail, mode_notice};
use baton_shared::calendar::{days_from_civil, days_in_month};

use super::format::{bot_detail, clock, date_time, day_label, format_wait};

/// The viewer's offset from UTC in minutes (east positive) at an instant. It is asked per
/// instant, not once, because daylight saving moves it: a conversation closed in winter reads
/// in winter time, and a summer date's day starts at summer midnight.
pub type OffsetAt<'a> = &'a dyn Fn(u64) -> i64;

const DAY_MS: i64 = 86_400_000;

/// The filter form's fields as typed: the search words, `<input type="date">` values
/// ("YYYY-MM-DD" or empty) and the selects' values (wire names, an account id, "1"–"5", or
/// empty for "Any").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilters {
    pub q: String,
    pub from: String,
    pub to: String,
    pub agent: String,
    pub outcome: String,
    pub rating: String,
    pub flag: String,
}

impl HistoryFilters {
    /// What to ask the server; every empty field is left out. `from` is the start of its day and
    /// `to` the start of the day after (the server's `to` is exclusive), both at local midnight.
    pub fn query(&self, offset_at: OffsetAt) -> Result<HistoryQuery, String> {
        let q = self.q.trim();
        if q.chars().count() > MAX_SEARCH_CHARS {
            return Err(format!("Search for at most {MAX_SEARCH_CHARS} characters."));
        }
        let from = optional(&self.from).map(|d| parse_day(d, "From")).transpose()?;
        let to = optional(&self.to).map(|d| parse_day(d, "To")).transpose()?;
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err("The From date is after the To date.".to_string());
        }
        let outcome = optional(&self.outcome)
            .map(|o| Outcome::parse(o).ok_or_else(|| "Choose an outcome from the list.".to_string()))
            .transpose()?;
        let rating = optional(&self.rating)
            .map(|r| {
                r.parse::<u8>().ok().filter(|r| (1..=5).contains(r)).ok_or_else(|| "A rating is 1 to 5.".to_string())
            })
            .transpose()?;
        let flag = optional(&self.flag)
            .map(|f| flag_named(f).ok_or_else(|| "Choose a flag from the list.".to_string()))
            .transpose()?;
        Ok(HistoryQuery {
            q: optional(q).map(str::to_string),
            from: from.map(|days| local_midnight(days, offset_at)),
            to: to.map(|days| local_midnight(days + 1, offset_at)),
            agent: optional(&self.agent).map(str::to_string),
            outcome,
            rating,
            flag,
            before: None,
            limit: None,
        })
    }
}

fn optional(field: &str) -> Option<&str> {
    Some(field.trim()).filter(|f| !f.is_empty())
}

fn flag_named(name: &str) -> Option<FlagKind> {
    FlagKind::ALL.into_iter().find(|f| f.as_str() == name)
}

/// Days since 1970-01-01 of a "YYYY-MM-DD" date, checked strictly: a browser without a date
/// picker lets the agent type anything.
fn parse_day(value: &str, field: &str) -> Result<i64, String> {
    let invalid = || format!("{field} must be a date like 2024-05-31.");
    let mut parts = value.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(invalid());
    }
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err(invalid());
    };
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(invalid());
    }
    if year < 1970 {
        return Err(format!("{field} must be in 1970 or later."));
    }
    Ok(days_from_civil(year, month, day))
}

/// The instant (ms) local midnight begins on a day. The offset is asked at UTC midnight first,
/// then again at the guess, so a day whose offset differs from the night before (daylight
/// saving) still starts at its own midnight.
fn local_midnight(days: i64, offset_at: OffsetAt) -> u64 {
    let utc = days * DAY_MS;
    let at = |ms: i64| offset_at(ms.max(0) as u64) * 60_000;
    let guess = utc - at(utc);
    (utc - at(guess)).max(0) as u64
}

/// The options of the filter selects: `(value, label)`, "Any" first with an empty value.
pub fn outcome_options() -> Vec<(&'static str, &'static str)> {
    let any = std::iter::once(("", "Any"));
    any.chain(Outcome::ALL.iter().map(|o| (o.as_str(), o.label()))).collect()
}

pub fn rating_options() -> Vec<(&'static str, &'static str)> {
    vec![("", "Any"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")]
}

pub fn flag_options() -> Vec<(&'static str, &'static str)> {
    std::iter::once(("", "Any")).chain(FlagKind::ALL.into_iter().map(|f| (f.as_str(), f.label()))).collect()
}

/// One call for a page: `id` tells its answer from a stale one; `more` appends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub id: u64,
    pub query: HistoryQuery,
    pub more: bool,
}

/// The closed conversations shown, newest first, as pages arrive. Only the answer to the latest
/// request counts: an agent who searches again while a page is on its way must not see the old
/// search's rows appear under the new one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryList {
    /// The search the rows answer, without a cursor.
    shown: HistoryQuery,
    entries: Vec<HistoryEntry>,
    next: Option<String>,
    loaded: bool,
    pending: Option<PageRequest>,
    requests: u64,
}

impl HistoryList {
    /// A new search: its first page replaces the rows when it comes.
    pub fn search(&mut self, query: HistoryQuery) -> PageRequest {
        self.requests += 1;
        let request = PageRequest { id: self.requests, query: HistoryQuery { before: None, ..query }, more: false };
        self.pending = Some(request.clone());
        request
    }

    /// The same search again (after an erasure, or on coming back to the screen).
    pub fn refresh(&mut self) -> PageRequest {
        self.search(self.shown.clone())
    }

    /// "Load more": the page after the last one, unless there is none or a call is on its way.
    pub fn load_more(&mut self) -> Option<PageRequest> {
        if self.pending.is_some() {
            return None;
        }
        let before = self.next.clone()?;
        self.requests += 1;
        let query = HistoryQuery { before: Some(before), ..self.shown.clone() };
        let request = PageRequest { id: self.requests, query, more: true };
        self.pending = Some(request.clone());
        Some(request)
    }

    /// Folds a page in; false (and nothing changes) when it answers a request since superseded.
    pub fn receive(&mut self, id: u64, page: HistoryPage) -> bool {
        let Some(request) = self.pending.take_if(|r| r.id == id) else { return false };
        if !request.more {
            self.entries.clear();
            self.shown = request.query;
        }
        // Rows can shift between pages (a late rating rewrites a row), so one may come twice.
        for entry in page.conversations {
            if !self.entries.iter().any(|e| e.id == entry.id) {
                self.entries.push(entry);
            }
        }
        self.next = page.next;
        self.loaded = true;
        true
    }

    /// The call failed: the rows stay as they were and the agent can try again. False when it
    /// was superseded, so its error is not worth showing.
    pub fn failed(&mut self, id: u64) -> bool {
        self.pending.take_if(|r| r.id == id).is_some()
    }

    /// A conversation erased for good leaves the list at once.
    pub fn remove(&mut self, id: &str) {
        self.entries.retain(|e| e.id != id);
    }

    pub fn entries(&self) -> &[HistoryEntry] {
        &self.entries
    }

    pub fn has_more(&self) -> bool {
        self.next.is_some()
    }

    /// A first page has arrived since the screen opened.
    pub fn loaded(&self) -> bool {
        self.loaded
    }

    pub fn searching(&self) -> bool {
        self.pending.as_ref().is_some_and(|r| !r.more)
    }

    pub fn loading_more(&self) -> bool {
        self.pending.as_ref().is_some_and(|r| r.more)
    }

    /// The empty state reads only when the latest search answered with nothing.
    pub fn is_empty_result(&self) -> bool {
        self.loaded && !self.searching() && self.entries.is_empty()
    }

    /// "3 conversations" / "25 shown, more to load".
    pub fn count_text(&self) -> String {
        let n = self.entries.len();
        match (n, self.has_more()) {
            (_, true) => format!("{n} shown, more to load"),
            (1, false) => "1 conversation".to_string(),
            (n, false) => format!("{n} conversations"),
        }
    }
}

/// The visitor as the history names them: their name, else their email, else "Visitor".
pub fn history_visitor(name: Option<&str>, email: Option<&str>) -> String {
    let given = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    given(name).or_else(|| given(email)).unwrap_or_else(|| "Visitor".to_string())
}

/// Why the conversation closed, in words.
pub fn closed_because_text(reason: ModeReason) -> &'static str {
    match reason {
        ModeReason::Resolved => "Resolved by an agent",
        ModeReason::CustomerEnded => "Ended by the customer",
        ModeReason::Inactive => "Closed after a period without messages",
        ModeReason::LeftMessage => "The customer left a message",
        _ => "Closed",
    }
}

/// "★ 4" as shown, and how a screen reader should say it.
pub fn rating_text(score: u8) -> (String, String) {
    (format!("\u{2605} {score}"), format!("Rated {score} out of 5"))
}

fn agent_names(agents: &[AgentInfo]) -> Option<String> {
    let names: Vec<&str> = agents.iter().map(|a| a.name.as_str()).collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// A row of the list as it reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HistoryRow {
    pub id: String,
    pub visitor: String,
    /// The visitor's email under their name, when both are known.
    pub email: Option<String>,
    pub preview: String,
    pub outcome: &'static str,
    /// The outcome's wire name, for its colour.
    pub outcome_key: &'static str,
    pub closed_because: &'static str,
    pub agents: Option<String>,
    /// "★ 4" and "Rated 4 out of 5".
    pub rating: Option<(String, String)>,
    pub closed: String,
    pub flags: Vec<(&'static str, &'static str)>,
}

pub fn history_row(entry: &HistoryEntry, offset_at: OffsetAt) -> HistoryRow {
    let visitor = history_visitor(entry.visitor_name.as_deref(), entry.visitor_email.as_deref());
    let email = entry.visitor_email.clone().filter(|e| !e.trim().is_empty() && e.trim() != visitor);
    HistoryRow {
        id: entry.id.clone(),
        visitor,
        email,
        preview: entry.preview.clone(),
        outcome: entry.outcome.label(),
        outcome_key: entry.outcome.as_str(),
        closed_because: closed_because_text(entry.closed_because),
        agents: agent_names(&entry.agents),
        rating: entry.rating.map(rating_text),
        closed: date_time(entry.closed_at, offset_at(entry.closed_at)),
        flags: entry.flags.iter().map(|f| (f.as_str(), f.label())).collect(),
    }
}

/// The visitor a record is about: the record's own details first, the row's if it has none.
pub fn record_visitor(record: &HistoryRecord) -> String {
    let name = record.visitor.name.as_deref().or(record.entry.visitor_name.as_deref());
    let email = record.visitor.email.as_deref().or(record.entry.visitor_email.as_deref());
    history_visitor(name, email)
}

/// One line of a closed transcript. Read-only: nothing is sending, nothing is "mine".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLine {
    pub key: String,
    pub kind: EntryKind,
    pub who: String,
    pub avatar: Option<String>,
    pub text: String,
    /// "Private note" for notes, "Bot" for the bot's replies, "Left for the team" for the
    /// message a customer left when nobody could come.
    pub tag: Option<&'static str>,
    /// What the bot based a reply on; for a bot draft, that the customer never saw it; for a
    /// message left, where the answer goes.
    pub detail: Option<String>,
    pub time: String,
}

/// The whole transcript, notes included, with mode changes in the live view's words.
pub fn record_lines(record: &HistoryRecord, bot_name: &str, offset_at: OffsetAt) -> Vec<RecordLine> {
    let visitor = record_visitor(record);
    record
        .events
        .iter()
        .map(|event| {
            let (who, avatar) = match &event.author {
                Author::Customer => (visitor.clone(), None),
                Author::Bot => (bot_name.to_string(), None),
                Author::Agent(a) => (a.name.clone(), a.avatar.clone()),
                Author::System => ("System".to_string(), None),
            };
            let (kind, text, tag, detail) = match &event.body {
                EventBody::Text { text, bot } => {
                    let (kind, tag) = match event.author {
                        Author::Customer => (EntryKind::Customer, None),
                        Author::Bot => (EntryKind::Bot, Some(BOT_TAG)),
                        Author::Agent(_) => (EntryKind::Agent, None),
                        Author::System => (EntryKind::Notice, None),
                    };
                    (kind, text.clone(), tag, bot.as_ref().map(bot_detail))
                }
                EventBody::Note { text } => {
                    let draft =
                        (event.author == Author::Bot).then(|| "Bot draft, not sent to the customer".to_string());
                    (EntryKind::Note, text.clone(), Some("Private note"), draft)
                }
                EventBody::Mode { holder, reason, .. } => {
                    (EntryKind::Notice, mode_notice(&event.author, holder.as_ref(), *reason, bot_name), None, None)
                }
                EventBody::Rating { score } => {
                    (EntryKind::Notice, format!("{visitor} rated the conversation {score}/5"), None, None)
                }
                EventBody::NoAgent { text } => (EntryKind::Bot, text.clone(), Some(BOT_TAG), None),
                EventBody::OfflineMessage { email, text } => {
                    (EntryKind::Customer, text.clone(), Some(LEFT_TAG), Some(left_detail(email)))
                }
            };
            // The customer read "nobody can come" from the bot, whoever the server signed it with.
            let who = if matches!(event.body, EventBody::NoAgent { .. }) { bot_name.to_string() } else { who };
            RecordLine {
                key: format!("e{}", event.seq),
                kind,
                who,
                avatar,
                text,
                tag,
                detail,
                time: clock(event.ts, offset_at(event.ts)),
            }
        })
        .collect()
}

/// The brain's summary, if it wrote one.
pub fn record_summary(record: &HistoryRecord) -> Option<String> {
    record.insight.as_ref().map(|i| i.summary.trim().to_string()).filter(|s| !s.is_empty())
}

/// "Dana: 5 Mar 2024, 14:05 – 14:20 (15m 00s)", one per holding in order; the end carries its
/// day only when it differs from the start's.
pub fn holding_lines(record: &HistoryRecord, offset_at: OffsetAt) -> Vec<String> {
    record
        .holdings
        .iter()
        .map(|h| {
            let (from_offset, to_offset) = (offset_at(h.from), offset_at(h.to));
            let to = if day_label(h.from, from_offset) == day_label(h.to, to_offset) {
                clock(h.to, to_offset)
            } else {
                date_time(h.to, to_offset)
            };
            let held = format_wait(h.to.saturating_sub(h.from));
            format!("{}: {} \u{2013} {to} ({held})", h.agent.name, date_time(h.from, from_offset))
        })
        .collect()
}

/// The record's facts as label and value, in reading order; absent facts are left out.
pub fn record_facts(record: &HistoryRecord, offset_at: OffsetAt) -> Vec<(&'static str, String)> {
    let entry = &record.entry;
    let mut facts = Vec::new();
    if let Some(email) = record.visitor.email.as_deref().or(entry.visitor_email.as_deref()) {
        facts.push(("Email", email.to_string()));
    }
    facts.push(("Started", date_time(entry.started_at, offset_at(entry.started_at))));
    facts.push(("Closed", date_time(entry.closed_at, offset_at(entry.closed_at))));
    facts.push(("Lasted", format_wait(entry.closed_at.saturating_sub(entry.started_at))));
    facts.push(("Outcome", entry.outcome.label().to_string()));
    facts.push(("Ended", closed_because_text(entry.closed_because).to_string()));
    if let Some(agents) = agent_names(&entry.agents) {
        facts.push(("Agents", agents));
    }
    if let Some(score) = entry.rating {
        facts.push(("Rating", format!("{score} out of 5")));
    }
    if !entry.flags.is_empty() {
        let labels: Vec<&str> = entry.flags.iter().map(|f| f.label()).collect();
        facts.push(("Flags", labels.join(", ")));
    }
    if let Some(page) = record.visitor.page.as_deref() {
        facts.push(("Page", page.to_string()));
    }
    facts
}

/// `POST .../history/erase`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EraseVisitor {
    pub email: String,
}

/// What both erasures answer: how many conversations went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Erased {
    #[serde(default)]
    pub erased: u64,
}

/// The "Visitor email" field, checked before asking for confirmation: erasing by a typo would
/// erase nothing and say so, but only after the agent confirmed something irreversible.
pub fn erase_email(typed: &str) -> Result<String, String> {
    let email = typed.trim();
    let looks_like_one =
        email.split_once('@').is_some_and(|(user, host)| !user.is_empty() && !host.is_empty() && !host.contains('@'))
            && !email.chars().any(char::is_whitespace);
    if looks_like_one { Ok(email.to_string()) } else { Err("Enter the visitor's email address.".to_string()) }
}

/// The status line after erasing a visitor's data.
pub fn erased_text(erased: u64, email: &str) -> String {
    match erased {
        0 => format!("No closed conversations of {email} were found; nothing was erased."),
        1 => format!("Erased 1 conversation of {email}."),
        n => format!("Erased {n} conversations of {email}."),
    }
}

#[cfg(test)]
mod tests {
    use baton_shared::history::Holding;
    use baton_shared::insight::Insight;
    use baton_shared::protocol::{BotMeta, Event, Mode, VisitorInfo};

    use super::*;

    const UTC: OffsetAt = &|_| 0;

    fn dana() -> AgentInfo {
        AgentInfo { id: "a1".into(), name: "Dana".into(), avatar: None }
    }

    fn entry(id: &str, closed_at: u64) -> HistoryEntry {
        HistoryEntry {
            id: id.into(),
            started_at: closed_at.saturating_sub(600_000),
            closed_at,
            visitor_name: None,
            visitor_email: None,
            outcome: Outcome::ResolvedByBot,
            closed_because: ModeReason::Inactive,
            agents: Vec::new(),
            rating: None,
            flags: Vec::new(),
            preview: "Where is my parcel?".into(),
            previous: None,
        }
    }

    fn page(ids: &[&str], next: Option<&str>) -> HistoryPage {
        HistoryPage { conversations: ids.iter().map(|id| entry(id, 1_000)).collect(), next: next.map(str::to_string) }
    }

    fn ids(list: &HistoryList) -> Vec<&str> {
        list.entries().iter().map(|e| e.id.as_str()).collect()
    }

    /// 2024-03-05 00:00 UTC.
    const MARCH_5: u64 = 1_709_596_800_000;

    #[test]
    fn empty_fields_are_left_out_and_the_rest_read_as_the_server_expects() {
        assert_eq!(HistoryFilters::default().query(UTC), Ok(HistoryQuery::default()));
        let filters = HistoryFilters {
            q: "  refund  ".into(),
            from: "2024-03-05".into(),
            to: "2024-03-05".into(),
            agent: "a1".into(),
            outcome: "resolved_by_person".into(),
            rating: "4".into(),
            flag: "asked_for_person".into(),
        };
        let query = filters.query(UTC).unwrap();
        assert_eq!(
            query,
            HistoryQuery {
                q: Some("refund".into()),
                from: Some(MARCH_5),
                to: Some(MARCH_5 + DAY_MS as u64),
                agent: Some("a1".into()),
                outcome: Some(Outcome::ResolvedByPerson),
                rating: Some(4),
                flag: Some(FlagKind::AskedForPerson),
                before: None,
                limit: None,
            }
        );
        let blank = HistoryFilters { q: "   ".into(), agent: " ".into(), ..HistoryFilters::default() };
        assert_eq!(blank.query(UTC), Ok(HistoryQuery::default()));
    }

    #[test]
    fn days_start_at_the_agents_midnight() {
        let filters =
            HistoryFilters { from: "2024-03-05".into(), to: "2024-03-06".into(), ..HistoryFilters::default() };
        // Two hours east, midnight is 22:00 UTC the day before.
        let query = filters.query(&|_| 120).unwrap();
        assert_eq!(query.from, Some(MARCH_5 - 2 * 3_600_000));
        assert_eq!(query.to, Some(MARCH_5 + 2 * DAY_MS as u64 - 2 * 3_600_000));
        // Five hours west, it is 05:00 UTC.
        assert_eq!(filters.query(&|_| -300).unwrap().from, Some(MARCH_5 + 5 * 3_600_000));
        // Each day starts at its own midnight across a clock change: +1h until 2024-03-05 00:30
        // UTC and +2h after, so the 5th starts at 23:00 UTC and the 7th at 22:00 UTC.
        let dst: OffsetAt = &|ms| if ms < MARCH_5 + 1_800_000 { 60 } else { 120 };
        let query = filters.query(dst).unwrap();
        assert_eq!(query.from, Some(MARCH_5 - 3_600_000));
        assert_eq!(query.to, Some(MARCH_5 + 2 * DAY_MS as u64 - 2 * 3_600_000));
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        let with = |f: fn(&mut HistoryFilters)| {
            let mut filters = HistoryFilters::default();
            f(&mut filters);
            filters.query(UTC).unwrap_err()
        };
        assert_eq!(with(|f| f.from = "5/3/2024".into()), "From must be a date like 2024-05-31.");
        assert_eq!(with(|f| f.to = "2023-02-29".into()), "To must be a date like 2024-05-31.");
        assert_eq!(with(|f| f.to = "2024-13-01".into()), "To must be a date like 2024-05-31.");
        assert_eq!(with(|f| f.to = "2024-1-01".into()), "To must be a date like 2024-05-31.");
        assert_eq!(with(|f| f.from = "1969-12-31".into()), "From must be in 1970 or later.");
        assert_eq!(
            with(|f| {
                f.from = "2024-03-06".into();
                f.to = "2024-03-05".into();
            }),
            "The From date is after the To date."
        );
        assert!(with(|f| f.q = "x".repeat(MAX_SEARCH_CHARS + 1)).contains("200"));
        assert_eq!(with(|f| f.rating = "6".into()), "A rating is 1 to 5.");
        assert_eq!(with(|f| f.outcome = "won".into()), "Choose an outcome from the list.");
        assert_eq!(with(|f| f.flag = "loud".into()), "Choose a flag from the list.");
        let leap = HistoryFilters { from: "2024-02-29".into(), ..HistoryFilters::default() };
        assert!(leap.query(UTC).is_ok());
    }

    #[test]
    fn select_options_offer_any_then_every_value() {
        let outcomes = outcome_options();
        assert_eq!(outcomes[0], ("", "Any"));
        assert_eq!(outcomes.len(), Outcome::ALL.len() + 1);
        assert!(outcomes.contains(&("left_message", "Left a message")));
        assert_eq!(flag_options().len(), FlagKind::ALL.len() + 1);
        assert_eq!(rating_options().last(), Some(&("5", "5")));
        // Every option the form offers is one the query accepts.
        for &(value, _) in &flag_options() {
            assert!(HistoryFilters { flag: value.into(), ..HistoryFilters::default() }.query(UTC).is_ok());
        }
    }

    #[test]
    fn load_more_appends_the_next_page_without_duplicates() {
        let mut list = HistoryList::default();
        assert!(!list.loaded() && list.load_more().is_none());
        let query = HistoryQuery { q: Some("parcel".into()), ..HistoryQuery::default() };
        let first = list.search(query.clone());
        assert!(list.searching() && !first.more);
        assert!(list.receive(first.id, page(&["c3", "c2"], Some("1000.c2"))));
        assert_eq!(
            (ids(&list), list.has_more(), list.count_text()),
            (vec!["c3", "c2"], true, "2 shown, more to load".into())
        );

        let more = list.load_more().unwrap();
        assert_eq!(more.query, HistoryQuery { before: Some("1000.c2".into()), ..query.clone() });
        assert!(list.loading_more() && list.load_more().is_none(), "one page at a time");
        assert!(list.receive(more.id, page(&["c2", "c1"], None)));
        assert_eq!(
            (ids(&list), list.has_more(), list.count_text()),
            (vec!["c3", "c2", "c1"], false, "3 conversations".into())
        );
        assert!(list.load_more().is_none(), "the last page");

        // Coming back runs the same search again and replaces the rows.
        let again = list.refresh();
        assert_eq!(again.query, query);
        assert!(list.receive(again.id, page(&["c4"], None)));
        assert_eq!(ids(&list), ["c4"]);
    }

    #[test]
    fn only_the_latest_search_counts() {
        let mut list = HistoryList::default();
        let old = list.search(HistoryQuery::default());
        let new = list.search(HistoryQuery { rating: Some(5), ..HistoryQuery::default() });
        assert!(!list.receive(old.id, page(&["stale"], None)), "superseded");
        assert!(!list.loaded());
        assert!(!list.failed(old.id));
        assert!(list.searching(), "an old failure does not end the new search");
        assert!(list.receive(new.id, page(&[], None)));
        assert!(list.is_empty_result());

        // A failed "Load more" leaves the rows and lets the agent try again.
        let first = list.search(HistoryQuery::default());
        list.receive(first.id, page(&["c2"], Some("c")));
        let more = list.load_more().unwrap();
        assert!(list.failed(more.id));
        assert_eq!(ids(&list), ["c2"]);
        // A new search while a page is coming drops that page.
        let more = list.load_more().unwrap();
        let newer = list.search(HistoryQuery::default());
        assert!(!list.receive(more.id, page(&["x"], None)));
        assert!(list.searching() && list.receive(newer.id, page(&["c2"], None)));
        list.remove("c2");
        assert!(list.entries().is_empty());
    }

    #[test]
    fn rows_read_with_visitor_outcome_reason_agents_rating_and_time() {
        let mut e = entry("c1", MARCH_5 + (14 * 60 + 5) * 60_000);
        let row = history_row(&e, UTC);
        assert_eq!(
            (row.visitor.as_str(), row.outcome, row.closed_because, row.agents, row.rating, row.closed.as_str()),
            (
                "Visitor",
                "Resolved by the bot",
                "Closed after a period without messages",
                None,
                None,
                "5 Mar 2024, 14:05"
            )
        );
        e.visitor_email = Some("ana@x.test".into());
        assert_eq!((history_row(&e, UTC).visitor, history_row(&e, UTC).email), ("ana@x.test".into(), None));
        e.visitor_name = Some("Ana".into());
        e.outcome = Outcome::ResolvedByPerson;
        e.closed_because = ModeReason::Resolved;
        e.agents = vec![dana(), AgentInfo { id: "a2".into(), name: "Lee".into(), avatar: None }];
        e.rating = Some(4);
        e.flags = vec![FlagKind::Vip];
        let row = history_row(&e, &|_| 60);
        assert_eq!((row.visitor.as_str(), row.email.as_deref()), ("Ana", Some("ana@x.test")));
        assert_eq!((row.outcome, row.outcome_key), ("Resolved by a person", "resolved_by_person"));
        assert_eq!(row.closed_because, "Resolved by an agent");
        assert_eq!(row.agents.as_deref(), Some("Dana, Lee"));
        assert_eq!(row.rating, Some(("\u{2605} 4".into(), "Rated 4 out of 5".into())));
        assert_eq!((row.closed.as_str(), row.flags), ("5 Mar 2024, 15:05", vec![("vip", "VIP")]));
        assert_eq!(closed_because_text(ModeReason::CustomerEnded), "Ended by the customer");
        assert_eq!(history_visitor(Some(" "), Some(" ")), "Visitor");
    }

    fn ev(seq: u64, author: Author, body: EventBody) -> Event {
        Event { seq, ts: MARCH_5 + seq * 60_000, epoch: 0, author, body, client_id: None }
    }

    fn record() -> HistoryRecord {
        let said = |t: &str| EventBody::Text { text: t.into(), bot: None };
        let bot = EventBody::Text {
            text: "Parcels take 3 days".into(),
            bot: Some(BotMeta { confidence: 0.4, article_id: None, article_title: Some("Shipping".into()) }),
        };
        let events = vec![
            ev(1, Author::Customer, said("Where is my parcel?")),
            ev(2, Author::Bot, bot),
            ev(
                3,
                Author::Customer,
                EventBody::Mode { mode: Mode::Queued, holder: None, reason: ModeReason::CustomerAsked },
            ),
            ev(
                4,
                Author::Agent(dana()),
                EventBody::Mode { mode: Mode::Human, holder: Some(dana()), reason: ModeReason::AgentTookOver },
            ),
            ev(5, Author::Bot, EventBody::Note { text: "Maybe reship?".into() }),
            ev(6, Author::Agent(dana()), said("Reshipping it now")),
            ev(7, Author::Agent(dana()), EventBody::Note { text: "Resolution: reshipped".into() }),
            ev(
                8,
                Author::Agent(dana()),
                EventBody::Mode { mode: Mode::Closed, holder: None, reason: ModeReason::Resolved },
            ),
            ev(9, Author::Customer, EventBody::Rating { score: 5 }),
        ];
        let visitor =
            VisitorInfo { name: Some("Ana".into()), email: Some("ana@x.test".into()), ..VisitorInfo::default() };
        let insight = Insight { summary: " Parcel late; reshipped. ".into(), ..Insight::default() };
        HistoryRecord::of("c1", &visitor, &events, Some(insight), Some("c0".into())).expect("a closed conversation")
    }

    #[test]
    fn a_record_reads_back_with_notes_marked_and_mode_changes_in_words() {
        let record = record();
        assert_eq!(record_visitor(&record), "Ana");
        let lines = record_lines(&record, "Baton Assistant", UTC);
        let read: Vec<(EntryKind, &str, &str, Option<&str>)> =
            lines.iter().map(|l| (l.kind, l.who.as_str(), l.text.as_str(), l.tag)).collect();
        assert_eq!(
            read,
            [
                (EntryKind::Customer, "Ana", "Where is my parcel?", None),
                (EntryKind::Bot, "Baton Assistant", "Parcels take 3 days", Some("Bot")),
                (EntryKind::Notice, "Ana", "Customer asked for a person", None),
                (EntryKind::Notice, "Dana", "Dana took over", None),
                (EntryKind::Note, "Baton Assistant", "Maybe reship?", Some("Private note")),
                (EntryKind::Agent, "Dana", "Reshipping it now", None),
                (EntryKind::Note, "Dana", "Resolution: reshipped", Some("Private note")),
                (EntryKind::Notice, "Dana", "Resolved by Dana", None),
                (EntryKind::Notice, "Ana", "Ana rated the conversation 5/5", None),
            ]
        );
        assert_eq!(lines[1].detail.as_deref(), Some("Confidence 40% · Article: Shipping"));
        assert_eq!(lines[4].detail.as_deref(), Some("Bot draft, not sent to the customer"));
        assert_eq!((lines[0].key.as_str(), lines[0].time.as_str()), ("e1", "00:01"));
        assert_eq!(record_summary(&record).as_deref(), Some("Parcel late; reshipped."));
    }

    #[test]
    fn a_message_left_for_the_team_reads_back_labelled_with_the_bots_no_one_can_come_before_it() {
        let events = vec![
            ev(1, Author::Customer, EventBody::Text { text: "Anyone there?".into(), bot: None }),
            ev(2, Author::Bot, EventBody::NoAgent { text: "Our team is away right now.".into() }),
            ev(3, Author::Customer, EventBody::OfflineMessage { email: "rosa@x.test".into(), text: "Call me".into() }),
            ev(
                4,
                Author::System,
                EventBody::Mode { mode: Mode::Closed, holder: None, reason: ModeReason::LeftMessage },
            ),
        ];
        let visitor = VisitorInfo { name: Some("Rosa".into()), ..VisitorInfo::default() };
        let record = HistoryRecord::of("c1", &visitor, &events, None, None).expect("a closed conversation");
        let lines = record_lines(&record, "Baton Assistant", UTC);
        let read: Vec<(EntryKind, &str, &str, Option<&str>)> =
            lines.iter().map(|l| (l.kind, l.who.as_str(), l.text.as_str(), l.tag)).collect();
        assert_eq!(
            read[1..],
            [
                (EntryKind::Bot, "Baton Assistant", "Our team is away right now.", Some("Bot")),
                (EntryKind::Customer, "Rosa", "Call me", Some("Left for the team")),
                (EntryKind::Notice, "System", "The customer left a message", None),
            ]
        );
        assert_eq!(lines[2].detail.as_deref(), Some("To be answered by email at rosa@x.test"));
        assert_eq!(closed_because_text(ModeReason::LeftMessage), "The customer left a message");
        assert_eq!(
            record_facts(&record, UTC).iter().find(|(l, _)| *l == "Outcome").map(|(_, v)| v.as_str()),
            Some("Left a message")
        );
    }

    #[test]
    fn who_held_it_when_and_the_facts() {
        let mut record = record();
        assert_eq!(holding_lines(&record, UTC), ["Dana: 5 Mar 2024, 00:04 \u{2013} 00:08 (4m 00s)"]);
        // Held over midnight: the end names its day.
        record.holdings = vec![Holding { agent: dana(), from: MARCH_5 - 60_000, to: MARCH_5 + 60_000 }];
        assert_eq!(holding_lines(&record, UTC), ["Dana: 4 Mar 2024, 23:59 \u{2013} 5 Mar 2024, 00:01 (2m 00s)"]);
        let facts = record_facts(&record, UTC);
        let get = |label: &str| facts.iter().find(|(l, _)| *l == label).map(|(_, v)| v.as_str());
        assert_eq!(get("Email"), Some("ana@x.test"));
        assert_eq!(get("Lasted"), Some("7m 00s"));
        assert_eq!(get("Outcome"), Some("Resolved by a person"));
        assert_eq!(get("Ended"), Some("Resolved by an agent"));
        assert_eq!((get("Agents"), get("Rating"), get("Flags")), (Some("Dana"), Some("5 out of 5"), None));
        record.insight = None;
        assert_eq!(record_summary(&record), None);
    }

    #[test]
    fn erasing_checks_the_email_and_says_how_many_went() {
        assert_eq!(erase_email("  ana@x.test "), Ok("ana@x.test".into()));
        for bad in ["", "ana", "@x.test", "ana@", "a b@x.test", "a@b@c"] {
            assert!(erase_email(bad).is_err(), "{bad}");
        }
        assert_eq!(erased_text(0, "a@x"), "No closed conversations of a@x were found; nothing was erased.");
        assert_eq!(erased_text(1, "a@x"), "Erased 1 conversation of a@x.");
        assert_eq!(erased_text(3, "a@x"), "Erased 3 conversations of a@x.");
        let answer: Erased = serde_json::from_str(r#"{"erased":2}"#).unwrap();
        assert_eq!(answer.erased, 2);
        assert_eq!(serde_json::to_string(&EraseVisitor { email: "a@x".into() }).unwrap(), r#"{"email":"a@x"}"#);
    }
}
