//! Run-wide counters, bumped by every socket task; read for progress lines and the report.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Counters {
    pub sent: AtomicU64,
    pub acked: AtomicU64,
    pub delivered: AtomicU64,
    /// Frames of messages sent again under their original client id (after a reconnect or a rate limit).
    pub resends: AtomicU64,
    pub connections_opened: AtomicU64,
    /// Sockets that completed `hello` again after losing an earlier one.
    pub resumed: AtomicU64,
    /// Streams the load dropped on purpose, without a close frame.
    pub dropped_by_load: AtomicU64,
    /// Of those, drops right after sending a message, before its ack could arrive.
    pub dropped_after_send: AtomicU64,
    pub rate_limited: AtomicU64,
    /// Milliseconds from starting to connect to the welcome, per side (customer, agent).
    pub time_to_welcome: [Mutex<Vec<f64>>; 2],
    /// `error` frames other than `rate_limited`, by code.
    pub errors: Tally,
    /// What went wrong on the client's side of a socket (refused connects, sockets the server
    /// closed, missing welcomes, stalls), by kind.
    pub incidents: Tally,
}

pub fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

pub fn read(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}

/// Counts by kind, with the first few details kept to say what happened without flooding.
#[derive(Default)]
pub struct Tally {
    counts: Mutex<BTreeMap<String, u64>>,
    samples: Mutex<Vec<String>>,
}

const MAX_SAMPLES: usize = 20;

impl Counters {
    pub fn welcomed(&self, side_index: usize, ms: f64) {
        if let Ok(mut samples) = self.time_to_welcome[side_index].lock() {
            samples.push(ms);
        }
    }

    pub fn time_to_welcome(&self, side_index: usize) -> Vec<f64> {
        self.time_to_welcome[side_index].lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Tally {
    pub fn add(&self, kind: &str, detail: &str) {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry(kind.to_string()).or_default() += 1;
        }
        if let Ok(mut samples) = self.samples.lock()
            && samples.len() < MAX_SAMPLES
        {
            samples.push(format!("{kind}: {detail}"));
        }
    }

    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    pub fn total(&self) -> u64 {
        self.counts().values().sum()
    }

    pub fn samples(&self) -> Vec<String> {
        self.samples.lock().map(|s| s.clone()).unwrap_or_default()
    }
}
