//! What a chat client keeps of one conversation: the stored events in seq order, and its own
//! messages on their way to becoming stored events. The widget and the console both build on
//! it, so the rules that keep a message from showing twice, or from never being resent, exist
//! once. Pure and small: it ships in the widget, so nothing here formats or allocates beyond
//! what it stores.

use crate::protocol::Event;

/// The stored events a client has seen, sorted by seq without duplicates whatever the arrival
/// order: a live event can overtake a welcome's history, and a reconnect replays some events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventLog {
    events: Vec<Event>,
    /// Highest seq of an event the client could not read: seen, though not kept.
    skipped_to: u64,
}

impl EventLog {
    /// The highest seq seen, announced in `hello` so the conversation sends exactly the gap.
    /// Skipped events count: asking for them again would not help.
    pub fn last_seq(&self) -> u64 {
        self.events.last().map_or(0, |e| e.seq).max(self.skipped_to)
    }

    /// Records an event the client could not read as seen. It is not kept, and an older
    /// readable event still finds its place.
    pub fn skip(&mut self, seq: u64) {
        self.skipped_to = self.skipped_to.max(seq);
    }

    pub fn contains(&self, seq: u64) -> bool {
        self.position(seq).is_ok()
    }

    pub fn get(&self, seq: u64) -> Option<&Event> {
        self.position(seq).ok().and_then(|at| self.events.get(at))
    }

    /// In seq order.
    pub fn iter(&self) -> std::slice::Iter<'_, Event> {
        self.events.iter()
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    fn position(&self, seq: u64) -> Result<usize, usize> {
        self.events.binary_search_by_key(&seq, |e| e.seq)
    }

    /// Private: only `Thread::insert` adds events, so none arrives without retiring the
    /// message it stores.
    fn insert(&mut self, event: Event) -> bool {
        match self.position(event.seq) {
            Ok(_) => false,
            Err(at) => {
                self.events.insert(at, event);
                true
            }
        }
    }
}

/// Where one of the client's own messages stands. Acked and failed exclude each other: an
/// ack means stored, whatever refusal a duplicate of the frame met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendState {
    /// Not confirmed: sent again on every (re)connect under the same client id, which the
    /// conversation stores once.
    Waiting,
    /// Stored at this seq; its event has not arrived yet.
    Acked(u64),
    /// Refused: not resent unless the user retries.
    Failed,
}

/// One message the client sent and has not yet seen as a stored event. `T` is what each side
/// keeps of it (the widget its text, the console its text, kind and override).
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing<T> {
    pub client_id: String,
    pub payload: T,
    state: SendState,
}

impl<T> Outgoing<T> {
    pub fn state(&self) -> SendState {
        self.state
    }

    pub fn acked(&self) -> bool {
        matches!(self.state, SendState::Acked(_))
    }

    /// Neither confirmed nor given up on: it goes out again on every (re)connect.
    pub fn waiting(&self) -> bool {
        self.state == SendState::Waiting
    }
}

/// The client's messages not yet seen as stored events, in the order typed (the order they
/// are resent in). An entry leaves when its event arrives (`Thread::insert`), or when the
/// caller takes it back (`remove`).
#[derive(Debug, Clone, PartialEq)]
pub struct Outbox<T> {
    items: Vec<Outgoing<T>>,
}

/// By hand: a derive would require `T: Default`.
impl<T> Default for Outbox<T> {
    fn default() -> Self {
        Outbox { items: Vec::new() }
    }
}

impl<T> Outbox<T> {
    /// Queues a message just sent; it waits for its ack.
    pub fn push(&mut self, client_id: String, payload: T) {
        self.items.push(Outgoing { client_id, payload, state: SendState::Waiting });
    }

    pub fn get(&self, client_id: &str) -> Option<&Outgoing<T>> {
        self.items.iter().find(|o| o.client_id == client_id)
    }

    fn get_mut(&mut self, client_id: &str) -> Option<&mut Outgoing<T>> {
        self.items.iter_mut().find(|o| o.client_id == client_id)
    }

    /// The conversation refused it. An acked message stays acked: it is stored. Returns the
    /// payload so the caller can keep why.
    pub fn fail(&mut self, client_id: &str) -> Option<&mut T> {
        let o = self.get_mut(client_id).filter(|o| !o.acked())?;
        o.state = SendState::Failed;
        Some(&mut o.payload)
    }

    /// Makes a failed message wait again; returns it for sending.
    pub fn retry(&mut self, client_id: &str) -> Option<&T> {
        let o = self.get_mut(client_id).filter(|o| o.state == SendState::Failed)?;
        o.state = SendState::Waiting;
        Some(&o.payload)
    }

    /// Stops tracking a message whatever its state, so it is neither shown nor resent.
    pub fn remove(&mut self, client_id: &str) -> Option<T> {
        let at = self.items.iter().position(|o| o.client_id == client_id)?;
        Some(self.items.remove(at).payload)
    }

    /// What to send again after a (re)connect, in the order typed.
    pub fn waiting(&self) -> impl Iterator<Item = &Outgoing<T>> {
        self.items.iter().filter(|o| o.waiting())
    }

    /// Everything in flight, in the order typed, for showing.
    pub fn iter(&self) -> std::slice::Iter<'_, Outgoing<T>> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// One conversation as a client holds it: the event log and the outbox, changed together so
/// a message is shown exactly once, first from the outbox, then from its stored event.
#[derive(Debug, Clone, PartialEq)]
pub struct Thread<T> {
    pub log: EventLog,
    pub outbox: Outbox<T>,
}

/// By hand: a derive would require `T: Default`.
impl<T> Default for Thread<T> {
    fn default() -> Self {
        Thread { log: EventLog::default(), outbox: Outbox::default() }
    }
}

impl<T> Thread<T> {
    /// Adds a stored event once, in seq order, and retires the outgoing message it stores:
    /// the one carrying its client id, or acked at its seq. False when it was already known.
    pub fn insert(&mut self, event: Event) -> bool {
        if self.log.contains(event.seq) {
            return false;
        }
        let (id, seq) = (event.client_id.as_deref(), event.seq);
        self.outbox.items.retain(|o| id != Some(o.client_id.as_str()) && o.state != SendState::Acked(seq));
        self.log.insert(event)
    }

    /// The conversation stored the message at `seq`. If that event is already here the message
    /// is done; otherwise it shows as sent until the event arrives. A refusal is overridden.
    pub fn ack(&mut self, client_id: &str, seq: u64) {
        if self.log.contains(seq) {
            self.outbox.remove(client_id);
        } else if let Some(o) = self.outbox.get_mut(client_id) {
            o.state = SendState::Acked(seq);
        }
    }

    /// Moves to another conversation: its seqs start over, so the log empties and acked
    /// messages (stored in the old one) go; waiting and failed ones stay, to go to the new one.
    pub fn start_over(&mut self) {
        self.log = EventLog::default();
        self.outbox.items.retain(|o| !o.acked());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Author, EventBody};

    fn ev(seq: u64, client_id: Option<&str>) -> Event {
        Event {
            seq,
            ts: 0,
            epoch: 0,
            author: Author::Customer,
            body: EventBody::Text { text: seq.to_string(), bot: None },
            client_id: client_id.map(str::to_string),
        }
    }

    fn seqs(t: &Thread<&'static str>) -> Vec<u64> {
        t.log.iter().map(|e| e.seq).collect()
    }

    fn in_flight<'t>(t: &'t Thread<&'static str>) -> Vec<(&'t str, SendState)> {
        t.outbox.iter().map(|o| (o.client_id.as_str(), o.state())).collect()
    }

    fn waiting(t: &Thread<&'static str>) -> Vec<&'static str> {
        t.outbox.waiting().map(|o| o.payload).collect()
    }

    #[test]
    fn events_keep_seq_order_whatever_the_arrival_order() {
        // All 24 orders of four events (the k-th read as a Lehmer code), each delivered twice.
        for mut k in 0..24 {
            let (mut pool, mut order) = (vec![1, 2, 3, 4], Vec::new());
            for radix in [6, 2, 1, 1] {
                order.push(pool.remove(k / radix));
                k %= radix;
            }
            let mut t = Thread::<&str>::default();
            let fresh: usize = order.iter().chain(&order).map(|&s| usize::from(t.insert(ev(s, None)))).sum();
            assert_eq!(fresh, 4, "{order:?}");
            assert_eq!(seqs(&t), [1, 2, 3, 4], "{order:?}");
            assert_eq!((t.log.last_seq(), t.log.len()), (4, 4));
        }
    }

    #[test]
    fn a_duplicate_is_reported_and_does_not_replace_the_first() {
        let mut t = Thread::<&str>::default();
        assert!(t.insert(ev(1, None)));
        let mut again = ev(1, None);
        again.ts = 99;
        assert!(!t.insert(again));
        assert_eq!(t.log.get(1).map(|e| e.ts), Some(0));
        assert!(t.log.contains(1) && !t.log.contains(2) && t.log.get(2).is_none());
    }

    #[test]
    fn skipped_seqs_count_as_seen_without_hiding_older_events() {
        let mut t = Thread::<&str>::default();
        assert_eq!(t.log.last_seq(), 0);
        t.insert(ev(1, None));
        t.log.skip(3);
        t.log.skip(2);
        assert_eq!(t.log.last_seq(), 3);
        assert!(t.insert(ev(2, None)));
        assert_eq!((seqs(&t), t.log.last_seq()), (vec![1, 2], 3));
        assert!(!t.log.contains(3));
        t.insert(ev(5, None));
        assert_eq!(t.log.last_seq(), 5);
    }

    #[test]
    fn ack_then_event_shows_the_message_once() {
        let mut t = Thread::default();
        t.outbox.push("c-1".into(), "hello");
        assert_eq!(in_flight(&t), [("c-1", SendState::Waiting)]);
        t.ack("c-1", 1);
        assert_eq!(in_flight(&t), [("c-1", SendState::Acked(1))]);
        assert!(waiting(&t).is_empty(), "an acked message is not resent");
        t.insert(ev(1, Some("c-1")));
        assert!(t.outbox.is_empty());
        assert_eq!(seqs(&t), [1]);
    }

    #[test]
    fn event_before_ack_does_not_double_the_message() {
        let mut t = Thread::default();
        t.outbox.push("c-1".into(), "hello");
        t.insert(ev(1, Some("c-1")));
        assert!(t.outbox.is_empty());
        t.ack("c-1", 1);
        t.ack("c-1", 1);
        assert!(t.outbox.is_empty());
        assert_eq!(seqs(&t), [1]);
    }

    #[test]
    fn an_event_at_the_acked_seq_retires_the_message_even_without_its_client_id() {
        let mut t = Thread::default();
        t.outbox.push("c-1".into(), "hello");
        t.ack("c-1", 4);
        t.insert(ev(4, None));
        assert!(t.outbox.is_empty());
        // An ack naming a seq already here retires at once.
        t.outbox.push("c-2".into(), "again");
        t.ack("c-2", 4);
        assert!(t.outbox.is_empty());
    }

    #[test]
    fn a_duplicate_event_retires_nothing() {
        let mut t = Thread::default();
        t.insert(ev(1, Some("c-1")));
        t.outbox.push("c-1".into(), "late");
        assert!(!t.insert(ev(1, Some("c-1"))));
        assert_eq!(waiting(&t), ["late"]);
    }

    #[test]
    fn waiting_messages_are_resent_in_the_order_typed() {
        let mut t = Thread::default();
        for (id, text) in [("a", "one"), ("b", "two"), ("c", "three"), ("d", "four")] {
            t.outbox.push(id.into(), text);
        }
        assert_eq!(waiting(&t), ["one", "two", "three", "four"]);
        t.ack("b", 7);
        t.insert(ev(1, Some("c")));
        assert_eq!(waiting(&t), ["one", "four"]);
        assert_eq!(in_flight(&t), [("a", SendState::Waiting), ("b", SendState::Acked(7)), ("d", SendState::Waiting)]);
    }

    #[test]
    fn a_failed_message_is_not_resent_until_retried() {
        let mut t = Thread::default();
        t.outbox.push("a".into(), "one");
        t.outbox.push("b".into(), "two");
        assert_eq!(t.outbox.fail("a").copied(), Some("one"));
        assert_eq!(waiting(&t), ["two"]);
        assert_eq!(t.outbox.get("a").map(Outgoing::state), Some(SendState::Failed));
        assert_eq!(t.outbox.retry("b"), None, "only a failed message is retried");
        assert_eq!(t.outbox.retry("a").copied(), Some("one"));
        assert_eq!(waiting(&t), ["one", "two"]);
        assert_eq!(t.outbox.fail("nope"), None);
    }

    #[test]
    fn an_ack_outranks_a_refusal_in_either_order() {
        let mut t = Thread::default();
        t.outbox.push("a".into(), "one");
        t.outbox.push("b".into(), "two");
        t.outbox.fail("a");
        t.ack("a", 1);
        t.ack("b", 2);
        assert_eq!(t.outbox.fail("b"), None);
        assert_eq!(in_flight(&t), [("a", SendState::Acked(1)), ("b", SendState::Acked(2))]);
        assert_eq!(t.outbox.retry("a"), None);
    }

    #[test]
    fn removed_messages_are_neither_shown_nor_resent() {
        let mut t = Thread::default();
        t.outbox.push("a".into(), "one");
        assert_eq!(t.outbox.remove("a"), Some("one"));
        assert_eq!(t.outbox.remove("a"), None);
        assert!(t.outbox.is_empty() && waiting(&t).is_empty());
    }

    #[test]
    fn starting_over_keeps_only_unstored_messages() {
        let mut t = Thread::default();
        t.insert(ev(1, None));
        t.log.skip(5);
        t.outbox.push("a".into(), "stored");
        t.outbox.push("b".into(), "waiting");
        t.outbox.push("c".into(), "refused");
        t.ack("a", 2);
        t.outbox.fail("c");
        t.start_over();
        assert_eq!((t.log.last_seq(), t.log.is_empty()), (0, true));
        assert_eq!(in_flight(&t), [("b", SendState::Waiting), ("c", SendState::Failed)]);
        // Seq 2 of the new conversation is someone else's message, not the old ack.
        t.insert(ev(2, None));
        assert_eq!(t.outbox.len(), 2);
    }
}
