//! What the engine keeps between inputs, behind a small trait: the edge implements it on the
//! Durable Object's SQLite, tests and the fuzzer on [`MemoryStore`].
//!
//! Every method is synchronous. That is the engine's atomicity: nothing can run between a
//! `decide`, the write of its event and the `apply` that follows.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use baton_brain::watch::Watch;
use baton_shared::{Event, Insight};

use crate::record::Record;

/// A storage failure, with the backend's own words.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One conversation's storage: its record, its transcript and what the brain remembers.
pub trait Store {
    /// The stored record as written, or `None` if the conversation was never started.
    fn record(&self) -> StoreResult<Option<Record>>;
    /// Stores the record of a new conversation; keeps an existing one.
    fn create(&self, record: &Record) -> StoreResult<()>;
    fn save(&self, record: &Record) -> StoreResult<()>;
    /// Appends a committed event; `client_key` (sender and client id) is unique.
    fn insert_event(&self, event: &Event, client_key: Option<&str>) -> StoreResult<()>;
    /// The seq a message with this client key was stored under, if it was.
    fn seq_of(&self, client_key: &str) -> StoreResult<Option<u64>>;
    /// Every event with a seq above `seq`, in order.
    fn events_after(&self, seq: u64) -> StoreResult<Vec<Event>>;
    /// The first `limit` events with a seq above `seq`, in order.
    fn events_page(&self, seq: u64, limit: usize) -> StoreResult<Vec<Event>>;
    /// The newest `limit` events with a seq above `seq`, in order.
    fn recent_events(&self, seq: u64, limit: usize) -> StoreResult<Vec<Event>>;
    /// The last text message anyone said (notes, mode changes and ratings skipped).
    fn last_spoken(&self) -> StoreResult<Option<Event>>;
    /// What the brain remembers; a fresh watch if nothing readable is stored.
    fn watch(&self) -> StoreResult<Watch>;
    fn save_watch(&self, watch: &Watch) -> StoreResult<()>;
    /// The insight agents were last sent.
    fn insight(&self) -> StoreResult<Option<Insight>>;
    fn save_insight(&self, insight: &Insight) -> StoreResult<()>;
}

/// The store of tests and the fuzzer: the same contract in memory. `fail_watch` makes every
/// read of the watch fail, to test what happens when the brain's memory cannot be read.
#[derive(Default)]
pub struct MemoryStore {
    pub record: RefCell<Option<Record>>,
    pub events: RefCell<Vec<Event>>,
    pub keys: RefCell<HashMap<String, u64>>,
    pub watch: RefCell<Option<Watch>>,
    pub insight: RefCell<Option<Insight>>,
    pub fail_watch: std::cell::Cell<bool>,
}

impl Store for MemoryStore {
    fn record(&self) -> StoreResult<Option<Record>> {
        Ok(self.record.borrow().clone())
    }

    fn create(&self, record: &Record) -> StoreResult<()> {
        self.record.borrow_mut().get_or_insert_with(|| record.clone());
        Ok(())
    }

    fn save(&self, record: &Record) -> StoreResult<()> {
        match self.record.borrow_mut().as_mut() {
            Some(stored) => *stored = record.clone(),
            None => return Err(StoreError("no conversation to update".into())),
        }
        Ok(())
    }

    fn insert_event(&self, event: &Event, client_key: Option<&str>) -> StoreResult<()> {
        let mut events = self.events.borrow_mut();
        if events.iter().any(|e| e.seq == event.seq) {
            return Err(StoreError(format!("seq {} is already stored", event.seq)));
        }
        if let Some(key) = client_key {
            if self.keys.borrow().contains_key(key) {
                return Err(StoreError(format!("client key {key} is already stored")));
            }
            self.keys.borrow_mut().insert(key.to_string(), event.seq);
        }
        events.push(event.clone());
        Ok(())
    }

    fn seq_of(&self, client_key: &str) -> StoreResult<Option<u64>> {
        Ok(self.keys.borrow().get(client_key).copied())
    }

    fn events_after(&self, seq: u64) -> StoreResult<Vec<Event>> {
        Ok(self.events.borrow().iter().filter(|e| e.seq > seq).cloned().collect())
    }

    fn events_page(&self, seq: u64, limit: usize) -> StoreResult<Vec<Event>> {
        Ok(self.events.borrow().iter().filter(|e| e.seq > seq).take(limit).cloned().collect())
    }

    fn recent_events(&self, seq: u64, limit: usize) -> StoreResult<Vec<Event>> {
        let events = self.events.borrow();
        let after: Vec<&Event> = events.iter().filter(|e| e.seq > seq).collect();
        Ok(after[after.len().saturating_sub(limit)..].iter().map(|e| (*e).clone()).collect())
    }

    fn last_spoken(&self) -> StoreResult<Option<Event>> {
        let events = self.events.borrow();
        Ok(events.iter().rev().find(|e| matches!(e.body, baton_shared::EventBody::Text { .. })).cloned())
    }

    fn watch(&self) -> StoreResult<Watch> {
        if self.fail_watch.get() {
            return Err(StoreError("the watch cannot be read".into()));
        }
        Ok(self.watch.borrow().clone().unwrap_or_default())
    }

    fn save_watch(&self, watch: &Watch) -> StoreResult<()> {
        *self.watch.borrow_mut() = Some(watch.clone());
        Ok(())
    }

    fn insight(&self) -> StoreResult<Option<Insight>> {
        Ok(self.insight.borrow().clone())
    }

    fn save_insight(&self, insight: &Insight) -> StoreResult<()> {
        *self.insight.borrow_mut() = Some(insight.clone());
        Ok(())
    }
}
