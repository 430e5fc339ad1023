//! What the widget tells the embedding page: the events of `Baton('on', name, callback)`, each
//! a name and a JSON detail the loader hands to the page's listeners. Pure, so the mapping from
//! conversation events is tested natively.

use baton_shared::{Author, Event, EventBody, Mode, ModeReason};

use crate::json::write_str;

/// The page events that `events` (new to this page, in seq order) amount to.
pub fn events<'a>(events: impl Iterator<Item = &'a Event>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for e in events {
        let (name, detail) = match (&e.author, &e.body) {
            (author, EventBody::Text { text, .. } | EventBody::NoAgent { text }) => {
                let from = match author {
                    Author::Customer => "customer",
                    Author::Agent(_) => "agent",
                    Author::Bot => "bot",
                    Author::System => continue,
                };
                ("message", detail(&[("from", from), ("text", text)]))
            }
            (_, EventBody::OfflineMessage { text, .. }) => ("message", detail(&[("from", "customer"), ("text", text)])),
            (_, EventBody::Mode { mode: Mode::Human, holder: Some(agent), .. }) => {
                ("agent_joined", detail(&[("agent", &agent.name)]))
            }
            (_, EventBody::Mode { reason: ModeReason::AgentLeft, .. }) => ("agent_left", "{}".into()),
            (_, EventBody::Mode { mode: Mode::Bot, reason: ModeReason::HandedBack, .. }) => {
                ("handed_back", "{}".into())
            }
            (_, EventBody::Mode { mode: Mode::Closed, reason, .. }) => {
                ("conversation_ended", detail(&[("reason", reason.as_str())]))
            }
            (_, EventBody::Rating { score }) => ("rating", format!("{{\"score\":{score}}}")),
            _ => continue,
        };
        out.push((name, detail));
    }
    out
}

/// The `unread` event's detail.
pub fn unread(count: u32) -> String {
    format!("{{\"count\":{count}}}")
}

fn detail(fields: &[(&str, &str)]) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(&mut out, key);
        out.push(':');
        write_str(&mut out, value);
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::AgentInfo;

    fn event(seq: u64, author: Author, body: EventBody) -> Event {
        Event { seq, ts: 0, epoch: 0, author, body, client_id: None }
    }

    fn dana() -> AgentInfo {
        AgentInfo { id: "a1".into(), name: "Dana \"D\"".into(), avatar: None }
    }

    fn text(text: &str) -> EventBody {
        EventBody::Text { text: text.into(), bot: None }
    }

    fn mode(mode: Mode, reason: ModeReason, holder: Option<AgentInfo>) -> EventBody {
        EventBody::Mode { mode, holder, reason }
    }

    #[test]
    fn a_takeover_journey_reads_as_the_page_events_in_order() {
        let log = [
            event(1, Author::Customer, text("hi")),
            event(2, Author::Bot, text("Hello!")),
            event(3, Author::Customer, mode(Mode::Queued, ModeReason::CustomerAsked, None)),
            event(4, Author::Agent(dana()), mode(Mode::Human, ModeReason::AgentTookOver, Some(dana()))),
            event(5, Author::Agent(dana()), text("Dana here")),
            event(6, Author::Agent(dana()), mode(Mode::Bot, ModeReason::HandedBack, None)),
            event(7, Author::Customer, EventBody::Rating { score: 5 }),
            event(8, Author::Customer, mode(Mode::Closed, ModeReason::CustomerEnded, None)),
        ];
        let got = events(log.iter());
        let want = [
            ("message", r#"{"from":"customer","text":"hi"}"#),
            ("message", r#"{"from":"bot","text":"Hello!"}"#),
            ("agent_joined", r#"{"agent":"Dana \"D\""}"#),
            ("message", r#"{"from":"agent","text":"Dana here"}"#),
            ("handed_back", "{}"),
            ("rating", r#"{"score":5}"#),
            ("conversation_ended", r#"{"reason":"customer_ended"}"#),
        ];
        let got: Vec<(&str, &str)> = got.iter().map(|(n, d)| (*n, d.as_str())).collect();
        assert_eq!(got, want);
        for (_, detail) in &got {
            assert!(crate::json::parse(detail).is_some(), "{detail}");
        }
    }

    #[test]
    fn an_agent_leaving_and_notes_and_system_lines() {
        let log = [
            event(1, Author::Agent(dana()), mode(Mode::Queued, ModeReason::AgentLeft, None)),
            event(2, Author::System, text("internal")),
        ];
        assert_eq!(events(log.iter()), vec![("agent_left", "{}".to_string())]);
        assert_eq!(unread(3), r#"{"count":3}"#);
    }
}
