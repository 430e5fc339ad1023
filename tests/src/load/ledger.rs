//! What one conversation's two sides sent and saw, shared by their socket tasks.
//!
//! The ledger is the load's ground truth on the client side: every message is recorded before
//! it goes on the wire, every ack and every received event is checked against what was recorded,
//! and the transcript fetched at the end is compared with it.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use baton_shared::{Author, Event};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Customer,
    Agent,
}

impl Side {
    pub fn index(self) -> usize {
        match self {
            Side::Customer => 0,
            Side::Agent => 1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Side::Customer => "customer",
            Side::Agent => "agent",
        }
    }

    /// Which side wrote an event; the bot and the system are neither.
    pub fn of(author: &Author) -> Option<Side> {
        match author {
            Author::Customer => Some(Side::Customer),
            Author::Agent(_) => Some(Side::Agent),
            Author::Bot | Author::System => None,
        }
    }
}

/// One client message, from its first send on.
#[derive(Debug, Clone)]
pub struct Sent {
    pub from: Side,
    pub text: String,
    pub first_sent: Instant,
    /// The seq of the first ack, and when it came.
    pub ack: Option<(u64, Instant)>,
    /// When the other side first received the event.
    pub delivered_at: Option<Instant>,
    /// An error frame that refused it for good (not a rate limit).
    pub refused: Option<String>,
}

/// The seqs one side has received.
#[derive(Debug, Default)]
pub struct Seen {
    pub seqs: HashSet<u64>,
    /// Highest seq received: what the side says in `hello` when it reconnects.
    pub last: u64,
    /// Events received again (normal only if a welcome overlaps what the socket already had).
    pub redelivered: u64,
    /// Times a seq arrived while an earlier one had never come: an event skipped.
    pub gaps: u64,
}

/// What an ack told us about a message.
#[derive(Debug, PartialEq, Eq)]
pub enum AckOutcome {
    First,
    /// A resend acked with the original seq, as it must be.
    Repeat,
    /// Acked with a seq different from an earlier ack: the message was stored twice.
    Conflict {
        first: u64,
    },
    /// An ack for a client id this conversation never sent.
    Unknown,
}

#[derive(Debug)]
pub struct Ledger {
    /// Whether an agent takes part (otherwise the customer talks to the bot).
    pub with_agent: bool,
    messages: HashMap<String, Sent>,
    seen: [Seen; 2],
    /// Every event as first received by either side, to catch a seq that carries two contents.
    events: HashMap<u64, Event>,
    /// The seq each client id was first received under.
    stored_at: HashMap<String, u64>,
    /// Whether each side has seen the agent take over (the agent: that it holds the conversation).
    pub taken_over: [bool; 2],
    pub anomalies: Vec<String>,
}

const MAX_ANOMALIES: usize = 50;

impl Ledger {
    pub fn new(with_agent: bool) -> Ledger {
        Ledger {
            with_agent,
            messages: HashMap::new(),
            seen: [Seen::default(), Seen::default()],
            events: HashMap::new(),
            stored_at: HashMap::new(),
            taken_over: [false, false],
            anomalies: Vec::new(),
        }
    }

    pub fn anomaly(&mut self, what: String) {
        if self.anomalies.len() < MAX_ANOMALIES {
            self.anomalies.push(what);
        }
    }

    /// Records a new message just before it is first sent.
    pub fn record_sent(&mut self, client_id: &str, from: Side, text: &str, now: Instant) {
        let sent = Sent { from, text: text.to_string(), first_sent: now, ack: None, delivered_at: None, refused: None };
        self.messages.insert(client_id.to_string(), sent);
    }

    pub fn message(&self, client_id: &str) -> Option<&Sent> {
        self.messages.get(client_id)
    }

    pub fn messages(&self) -> impl Iterator<Item = (&String, &Sent)> {
        self.messages.iter()
    }

    pub fn seen(&self, side: Side) -> &Seen {
        &self.seen[side.index()]
    }

    pub fn ack(&mut self, client_id: &str, seq: u64, now: Instant) -> AckOutcome {
        let Some(sent) = self.messages.get_mut(client_id) else {
            self.anomaly(format!("ack for unknown client id {client_id} (seq {seq})"));
            return AckOutcome::Unknown;
        };
        match sent.ack {
            None => {
                sent.ack = Some((seq, now));
                AckOutcome::First
            }
            Some((first, _)) if first == seq => AckOutcome::Repeat,
            Some((first, _)) => {
                self.anomaly(format!("{client_id} acked with seq {first}, then with seq {seq}"));
                AckOutcome::Conflict { first }
            }
        }
    }

    pub fn refuse(&mut self, client_id: &str, why: String) {
        if let Some(sent) = self.messages.get_mut(client_id) {
            sent.refused.get_or_insert(why);
        }
    }

    /// Takes in one event received by `side`; returns true when it delivers a message of the
    /// other side for the first time.
    pub fn observe(&mut self, side: Side, event: &Event, now: Instant) -> bool {
        let seen = &mut self.seen[side.index()];
        let repeat = !seen.seqs.insert(event.seq);
        let skipped = !repeat && event.seq > seen.last + 1;
        if repeat {
            seen.redelivered += 1;
        }
        if skipped {
            seen.gaps += 1;
        }
        let last_before = seen.last;
        seen.last = seen.last.max(event.seq);
        if skipped {
            self.anomaly(format!("{} received seq {} after {last_before}: events skipped", side.name(), event.seq));
        }

        match self.events.get(&event.seq) {
            Some(known) if known != event => {
                let what = format!("seq {} arrived as two different events: {known:?} and {event:?}", event.seq);
                self.anomaly(what);
            }
            Some(_) => {}
            None => {
                self.events.insert(event.seq, event.clone());
            }
        }

        let Some(client_id) = event.client_id.as_deref() else { return false };
        match self.stored_at.get(client_id) {
            Some(&seq) if seq != event.seq => {
                self.anomaly(format!("{client_id} received at seq {seq} and at seq {}", event.seq));
            }
            Some(_) => {}
            None => {
                self.stored_at.insert(client_id.to_string(), event.seq);
            }
        }
        let Some(sent) = self.messages.get_mut(client_id) else {
            self.anomaly(format!("seq {} carries client id {client_id} that nobody here sent", event.seq));
            return false;
        };
        if Side::of(&event.author) != Some(sent.from) {
            let what =
                format!("seq {}: {client_id} of the {} arrived as {:?}", event.seq, sent.from.name(), event.author);
            self.anomaly(what);
            return false;
        }
        if sent.from == side || sent.delivered_at.is_some() {
            return false;
        }
        sent.delivered_at = Some(now);
        true
    }

    /// Every message acked (or refused) and, with an agent, received by the other side.
    pub fn settled(&self) -> bool {
        self.messages
            .values()
            .all(|m| m.refused.is_some() || (m.ack.is_some() && (!self.with_agent || m.delivered_at.is_some())))
    }

    /// Whether both sides (only the customer without an agent) have received every seq up to `last`.
    pub fn caught_up(&self, last: u64) -> bool {
        let customer = self.seen[0].last >= last;
        customer && (!self.with_agent || self.seen[1].last >= last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::{AgentInfo, EventBody};

    fn event(seq: u64, author: Author, client_id: Option<&str>) -> Event {
        Event {
            seq,
            ts: 0,
            epoch: 1,
            author,
            body: EventBody::Text { text: format!("m{seq}"), bot: None },
            client_id: client_id.map(str::to_string),
        }
    }

    fn agent() -> Author {
        Author::Agent(AgentInfo { id: "a".into(), name: "A".into(), avatar: None })
    }

    #[test]
    fn delivery_counts_once_and_only_on_the_other_side() {
        let now = Instant::now();
        let mut ledger = Ledger::new(true);
        ledger.record_sent("c-1", Side::Customer, "hi", now);
        let e = event(1, Author::Customer, Some("c-1"));
        assert!(!ledger.observe(Side::Customer, &e, now), "the sender's own echo is not a delivery");
        assert!(ledger.observe(Side::Agent, &e, now));
        assert!(!ledger.observe(Side::Agent, &e, now), "a redelivery is not a second delivery");
        assert_eq!(ledger.seen(Side::Agent).redelivered, 1);
        assert!(!ledger.settled(), "not acked yet");
        assert_eq!(ledger.ack("c-1", 1, now), AckOutcome::First);
        assert_eq!(ledger.ack("c-1", 1, now), AckOutcome::Repeat);
        assert!(ledger.settled());
        assert!(ledger.anomalies.is_empty(), "{:?}", ledger.anomalies);
    }

    #[test]
    fn skipped_seqs_conflicting_acks_and_double_storage_are_anomalies() {
        let now = Instant::now();
        let mut ledger = Ledger::new(true);
        ledger.record_sent("a-1", Side::Agent, "yo", now);
        ledger.observe(Side::Customer, &event(1, agent(), Some("a-1")), now);
        ledger.observe(Side::Customer, &event(3, agent(), Some("a-1")), now);
        assert_eq!(ledger.seen(Side::Customer).gaps, 1);
        assert_eq!(ledger.ack("a-1", 1, now), AckOutcome::First);
        assert_eq!(ledger.ack("a-1", 3, now), AckOutcome::Conflict { first: 1 });
        assert_eq!(ledger.anomalies.len(), 3, "{:?}", ledger.anomalies);
        assert!(!ledger.caught_up(3), "the agent saw nothing");
    }
}
