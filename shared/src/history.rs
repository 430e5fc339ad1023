//! A closed conversation as the history keeps it, and how the console searches it. Pure: the
//! conversation builds its record when it closes, the edge stores it in D1 and asks it back.

use serde::{Deserialize, Serialize};

use crate::error::wire_names;
use crate::insight::{FlagKind, Insight};
use crate::protocol::{AgentInfo, Author, Event, EventBody, Mode, ModeReason, VisitorInfo};
use crate::text::preview;

/// How a conversation ended, for the history's filter and the analytics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nobody but the bot answered, and nobody waited for a person in vain.
    ResolvedByBot,
    /// A person held the conversation at some point.
    ResolvedByPerson,
    /// The customer left a message for the team.
    LeftMessage,
    /// The customer waited for a person who never came.
    Abandoned,
}

wire_names!(Outcome {
    ResolvedByBot = "resolved_by_bot",
    ResolvedByPerson = "resolved_by_person",
    LeftMessage = "left_message",
    Abandoned = "abandoned",
});

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::ResolvedByBot => "Resolved by the bot",
            Outcome::ResolvedByPerson => "Resolved by a person",
            Outcome::LeftMessage => "Left a message",
            Outcome::Abandoned => "Abandoned",
        }
    }
}

/// One agent's time holding the conversation (ms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    pub agent: AgentInfo,
    pub from: u64,
    pub to: u64,
}

/// A row of the history list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: String,
    pub started_at: u64,
    pub closed_at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_email: Option<String>,
    pub outcome: Outcome,
    /// Why it closed: resolved, ended by the customer, inactive.
    pub closed_because: ModeReason,
    /// The agents who held it, in order, each once.
    #[serde(default)]
    pub agents: Vec<AgentInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    #[serde(default)]
    pub flags: Vec<FlagKind>,
    /// The customer's first message.
    #[serde(default)]
    pub preview: String,
    /// The visitor's conversation before this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

/// A closed conversation, whole: what the history screen shows when one is opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    pub entry: HistoryEntry,
    pub visitor: VisitorInfo,
    /// The whole transcript, notes included (agents only read the history).
    pub events: Vec<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insight: Option<Insight>,
    /// Who held it when.
    #[serde(default)]
    pub holdings: Vec<Holding>,
}

impl HistoryRecord {
    /// The record of a closed conversation, or `None` if it is not closed or the customer never
    /// wrote (a visitor who opened the chat and left is not history).
    pub fn of(
        conversation: &str,
        visitor: &VisitorInfo,
        events: &[Event],
        insight: Option<Insight>,
        previous: Option<String>,
    ) -> Option<HistoryRecord> {
        let (closed_at, closed_because) = events.iter().rev().find_map(|e| match e.body {
            EventBody::Mode { mode: Mode::Closed, reason, .. } => Some((e.ts, reason)),
            _ => None,
        })?;
        let first = events.iter().find_map(|e| match (&e.author, &e.body) {
            (Author::Customer, EventBody::Text { text, .. } | EventBody::OfflineMessage { text, .. }) => {
                Some(preview(text))
            }
            _ => None,
        })?;
        let holdings = holdings(events);
        let mut agents: Vec<AgentInfo> = Vec::new();
        for holding in &holdings {
            if !agents.iter().any(|a| a.id == holding.agent.id) {
                agents.push(holding.agent.clone());
            }
        }
        let rating = events.iter().rev().find_map(|e| match e.body {
            EventBody::Rating { score } => Some(score),
            _ => None,
        });
        let mut flags: Vec<FlagKind> = insight.iter().flat_map(|i| i.flags.iter().map(|f| f.kind)).collect();
        flags.sort();
        flags.dedup();
        let entry = HistoryEntry {
            id: conversation.to_string(),
            started_at: events.first().map_or(closed_at, |e| e.ts),
            closed_at,
            visitor_name: visitor.name.clone(),
            visitor_email: visitor.email.clone(),
            outcome: outcome(events),
            closed_because,
            agents,
            rating,
            flags,
            preview: first,
            previous,
        };
        Some(HistoryRecord { entry, visitor: visitor.clone(), events: events.to_vec(), insight, holdings })
    }

    /// Everything a search may find the conversation by: every message and note, the visitor's
    /// name and email, the agents' names.
    pub fn search_text(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        parts.extend(self.visitor.name.as_deref());
        parts.extend(self.visitor.email.as_deref());
        parts.extend(self.entry.agents.iter().map(|a| a.name.as_str()));
        for event in &self.events {
            match &event.body {
                EventBody::Text { text, .. } | EventBody::Note { text } => parts.push(text),
                EventBody::OfflineMessage { email, text } => {
                    parts.push(email);
                    parts.push(text);
                }
                _ => {}
            }
        }
        parts.join("\n")
    }
}

/// How the conversation ended: a person held it; else a message was left; else someone waited
/// for a person in vain; else the bot dealt with it.
pub fn outcome(events: &[Event]) -> Outcome {
    let mode = |wanted: Mode| events.iter().any(|e| matches!(e.body, EventBody::Mode { mode, .. } if mode == wanted));
    if mode(Mode::Human) {
        Outcome::ResolvedByPerson
    } else if events.iter().any(|e| matches!(e.body, EventBody::OfflineMessage { .. })) {
        Outcome::LeftMessage
    } else if mode(Mode::Queued) {
        Outcome::Abandoned
    } else {
        Outcome::ResolvedByBot
    }
}

/// Who held the conversation when, from its mode changes.
pub fn holdings(events: &[Event]) -> Vec<Holding> {
    let mut out: Vec<Holding> = Vec::new();
    let mut current: Option<(AgentInfo, u64)> = None;
    for event in events {
        if let EventBody::Mode { mode, holder, .. } = &event.body {
            if let Some((agent, from)) = current.take() {
                out.push(Holding { agent, from, to: event.ts });
            }
            if *mode == Mode::Human {
                current = holder.clone().map(|h| (h, event.ts));
            }
        }
    }
    if let (Some((agent, from)), Some(last)) = (current, events.last()) {
        out.push(Holding { agent, from, to: last.ts });
    }
    out
}

/// `GET /api/sites/{site}/history`: newest first, `limit` at a time; `before` is the cursor the
/// previous page gave. Every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    /// Words that must all appear in the transcript, the visitor's name or email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Closed at or after (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u64>,
    /// Closed before (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u64>,
    /// An agent's account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<FlagKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

pub const HISTORY_PAGE: u32 = 25;
pub const MAX_HISTORY_PAGE: u32 = 100;
/// Longer searches are refused rather than cut.
pub const MAX_SEARCH_CHARS: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub conversations: Vec<HistoryEntry>,
    /// Pass as `before` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The search box's words as an FTS5 query that cannot be anything but words: each run of
/// letters and digits becomes a quoted term, all required, the last also as a prefix (so
/// "refun" finds "refund" while typing). `None` when there is no word.
pub fn fts_query(q: &str) -> Option<String> {
    let words: Vec<&str> = q.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(16).collect();
    let (last, rest) = words.split_last()?;
    let mut terms: Vec<String> = rest.iter().map(|w| format!("\"{w}\"")).collect();
    terms.push(format!("\"{last}\"*"));
    Some(terms.join(" "))
}

/// A page cursor: the last row's close time and id.
pub fn cursor(entry: &HistoryEntry) -> String {
    format!("{}.{}", entry.closed_at, entry.id)
}

/// The close time and id a cursor names, if it is one.
pub fn parse_cursor(cursor: &str) -> Option<(u64, String)> {
    let (at, id) = cursor.split_once('.')?;
    Some((at.parse().ok()?, id.to_string()))
}

/// A message a customer left for the team when nobody could come, as the console's "Offline
/// messages" list shows it: `GET /api/sites/{site}/offline-messages`, unhandled first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineMessage {
    pub conversation: String,
    /// When it was left (ms).
    pub at: u64,
    pub email: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handled: Option<Handled>,
}

/// An agent answered the message (the answer goes out by email through the site's webhook).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handled {
    pub at: u64,
    pub by: AgentInfo,
    pub reply: String,
}

/// `POST /api/sites/{site}/offline-messages/{conversation}/reply`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineReply {
    pub text: String,
}

impl HistoryRecord {
    /// The message the customer left, if they left one.
    pub fn offline_message(&self) -> Option<OfflineMessage> {
        self.events.iter().find_map(|e| match &e.body {
            EventBody::OfflineMessage { email, text } => Some(OfflineMessage {
                conversation: self.entry.id.clone(),
                at: e.ts,
                email: email.clone(),
                text: text.clone(),
                visitor_name: self.visitor.name.clone(),
                handled: None,
            }),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dana() -> AgentInfo {
        AgentInfo { id: "a1".into(), name: "Dana".into(), avatar: None }
    }

    fn ev(seq: u64, ts: u64, author: Author, body: EventBody) -> Event {
        Event { seq, ts, epoch: 0, author, body, client_id: None }
    }

    fn text(seq: u64, author: Author, t: &str) -> Event {
        ev(seq, seq * 10, author, EventBody::Text { text: t.into(), bot: None })
    }

    fn mode(seq: u64, mode: Mode, holder: Option<AgentInfo>, reason: ModeReason) -> Event {
        ev(seq, seq * 10, Author::System, EventBody::Mode { mode, holder, reason })
    }

    #[test]
    fn a_closed_conversation_becomes_a_record_with_its_outcome_agents_and_rating() {
        let events = vec![
            text(1, Author::Customer, "My parcel never arrived"),
            mode(2, Mode::Queued, None, ModeReason::CustomerAsked),
            mode(3, Mode::Human, Some(dana()), ModeReason::AgentTookOver),
            text(4, Author::Agent(dana()), "Reshipping it now"),
            ev(5, 50, Author::Agent(dana()), EventBody::Note { text: "Resolution: reshipped".into() }),
            mode(6, Mode::Closed, None, ModeReason::Resolved),
            ev(7, 70, Author::Customer, EventBody::Rating { score: 5 }),
        ];
        let visitor = VisitorInfo { email: Some("ana@x.test".into()), ..VisitorInfo::default() };
        let record = HistoryRecord::of("c1", &visitor, &events, None, Some("c0".into())).expect("a record");
        let entry = &record.entry;
        assert_eq!((entry.started_at, entry.closed_at, entry.closed_because), (10, 60, ModeReason::Resolved));
        assert_eq!(
            (entry.outcome, entry.rating, entry.agents.clone()),
            (Outcome::ResolvedByPerson, Some(5), vec![dana()])
        );
        assert_eq!((entry.preview.as_str(), entry.previous.as_deref()), ("My parcel never arrived", Some("c0")));
        assert_eq!(record.holdings, vec![Holding { agent: dana(), from: 30, to: 60 }]);
        let found = record.search_text();
        assert!(found.contains("ana@x.test") && found.contains("reshipped") && found.contains("Dana"), "{found}");
        assert_eq!(HistoryRecord::of("c1", &visitor, &events[..5], None, None), None, "not closed yet");
        let silent = [mode(1, Mode::Closed, None, ModeReason::Inactive)];
        assert_eq!(HistoryRecord::of("c1", &visitor, &silent, None, None), None, "the customer never wrote");
    }

    #[test]
    fn outcomes() {
        let asked = [text(1, Author::Customer, "hi"), mode(2, Mode::Queued, None, ModeReason::CustomerAsked)];
        assert_eq!(outcome(&asked), Outcome::Abandoned);
        assert_eq!(outcome(&asked[..1]), Outcome::ResolvedByBot);
        let left = ev(3, 30, Author::Customer, EventBody::OfflineMessage { email: "a@b.c".into(), text: "x".into() });
        assert_eq!(outcome(&[asked[0].clone(), asked[1].clone(), left]), Outcome::LeftMessage);
        for &o in Outcome::ALL {
            assert_eq!(serde_json::to_string(&o).unwrap(), format!("\"{}\"", o.as_str()));
        }
    }

    #[test]
    fn searches_are_words_only_and_cursors_round_trip() {
        assert_eq!(fts_query("ana@x.test").as_deref(), Some("\"ana\" \"x\" \"test\"*"));
        assert_eq!(fts_query("refund\" OR *").as_deref(), Some("\"refund\" \"OR\"*"), "operators are words");
        assert_eq!(fts_query("  ¿ ? "), None);
        assert_eq!(fts_query("Café crème").as_deref(), Some("\"Café\" \"crème\"*"));
        let entry = HistoryRecord::of(
            "c.1",
            &VisitorInfo::default(),
            &[text(1, Author::Customer, "x"), mode(2, Mode::Closed, None, ModeReason::Inactive)],
            None,
            None,
        )
        .expect("record")
        .entry;
        assert_eq!(parse_cursor(&cursor(&entry)), Some((20, "c.1".to_string())));
        assert_eq!(parse_cursor("nope"), None);
    }
}
