//! The end-of-run check of one conversation: its stored transcript against what both sides
//! sent, were acknowledged and received.
//!
//! Two reads of the transcript take part. `shown` was read while the sockets were still open,
//! and the sides were then given time to receive all of it: every event in it must have reached
//! every side. `stored` was read after every socket closed: every acknowledged message must be
//! in it exactly once.

use std::collections::HashMap;

use baton_shared::machine::audit;

use crate::load::ledger::{Ledger, Side};
use crate::load::rest::Transcript;

#[derive(Debug, Default)]
pub struct Verdict {
    /// Acknowledged, yet not stored.
    pub lost: Vec<String>,
    /// Never acknowledged and not stored: still waiting in its client when the run stopped.
    pub unacknowledged: Vec<String>,
    /// Stored under more than one seq.
    pub duplicated: Vec<String>,
    /// Acknowledged with a seq other than the one it is stored under.
    pub ack_mismatches: Vec<String>,
    /// Refused by an error frame (not a rate limit) and so, rightly, not stored.
    pub refused: Vec<String>,
    /// Stored events a side never received.
    pub undelivered: Vec<String>,
    /// Client ids in the transcript nobody in this run sent.
    pub unknown: Vec<String>,
    /// What `baton_shared::machine::audit` found wrong (order, epochs, speakers).
    pub audit: Option<String>,
}

pub fn check(ledger: &Ledger, shown: &Transcript, stored: &Transcript) -> Verdict {
    let transcript = stored;
    let last_event = transcript.events.last().map_or(0, |e| e.seq);
    let consistent = if last_event == transcript.state.last_seq {
        Ok(())
    } else {
        // The load sends no private notes, so the customer's transcript must reach the state's last seq.
        Err(format!("state says last_seq {} but the last event is seq {last_event}", transcript.state.last_seq))
    };
    let mut verdict = Verdict { audit: audit(&transcript.events).and(consistent).err(), ..Verdict::default() };

    let mut seqs_of: HashMap<&str, Vec<u64>> = HashMap::new();
    for event in &transcript.events {
        if let Some(client_id) = event.client_id.as_deref() {
            seqs_of.entry(client_id).or_default().push(event.seq);
        }
    }
    for (client_id, sent) in ledger.messages() {
        let seqs = seqs_of.get(client_id.as_str()).map(Vec::as_slice).unwrap_or_default();
        match (seqs, &sent.refused) {
            ([], Some(why)) => verdict.refused.push(format!("{client_id} ({why})")),
            ([], None) => match sent.ack {
                Some((seq, _)) => verdict.lost.push(format!("{client_id} (acknowledged as seq {seq})")),
                None => verdict.unacknowledged.push(client_id.clone()),
            },
            ([seq], _) => {
                if let Some((acked, _)) = sent.ack
                    && acked != *seq
                {
                    verdict.ack_mismatches.push(format!("{client_id} acked as seq {acked}, stored as seq {seq}"));
                }
            }
            (many, _) => verdict.duplicated.push(format!("{client_id} stored at seqs {many:?}")),
        }
    }
    for client_id in seqs_of.keys() {
        if ledger.message(client_id).is_none() {
            verdict.unknown.push(client_id.to_string());
        }
    }

    let sides: &[Side] = if ledger.with_agent { &[Side::Customer, Side::Agent] } else { &[Side::Customer] };
    for event in &shown.events {
        for side in sides {
            if !ledger.seen(*side).seqs.contains(&event.seq) {
                verdict.undelivered.push(format!("seq {} never reached the {}", event.seq, side.name()));
            }
        }
    }
    verdict
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use baton_shared::{Author, ConversationView, Event, EventBody, Mode};

    use super::*;

    fn text(seq: u64, author: Author, client_id: &str) -> Event {
        let body = EventBody::Text { text: "x".into(), bot: None };
        Event { seq, ts: 0, epoch: 0, author, body, client_id: Some(client_id.into()) }
    }

    fn transcript(events: Vec<Event>) -> Transcript {
        let last_seq = events.last().map(|e| e.seq).unwrap_or(0);
        Transcript { state: ConversationView { mode: Mode::Bot, epoch: 0, holder: None, last_seq }, events }
    }

    #[test]
    fn finds_lost_doubled_and_unreceived_messages() {
        let now = Instant::now();
        let mut ledger = Ledger::new(false);
        for id in ["c0-1", "c0-2", "c0-3"] {
            ledger.record_sent(id, Side::Customer, "x", now);
        }
        let stored = vec![text(1, Author::Customer, "c0-1"), text(2, Author::Customer, "c0-2")];
        ledger.observe(Side::Customer, &stored[0], now);
        ledger.ack("c0-1", 1, now);
        let mut doubled = stored.clone();
        doubled.push(text(3, Author::Customer, "c0-2"));
        let doubled = transcript(doubled);
        let verdict = check(&ledger, &doubled, &doubled);
        assert_eq!(verdict.unacknowledged, vec!["c0-3".to_string()]);
        assert!(verdict.lost.is_empty());
        assert_eq!(verdict.duplicated.len(), 1);
        assert_eq!(verdict.undelivered.len(), 2, "{:?}", verdict.undelivered);
        assert!(verdict.audit.is_none(), "{:?}", verdict.audit);
    }
}
