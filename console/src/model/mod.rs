//! View-model logic: plain Rust, no browser APIs, unit tested natively.

pub mod alerts;
pub mod appearance;
pub mod context;
pub mod conversation;
pub mod dashboard;
pub mod desk;
pub mod format;
pub mod history;
pub mod knowledge;
pub mod net;
pub mod offline;
pub mod rest;
pub mod rules;
pub mod session;
pub mod team;
pub mod transfer;
pub mod triage;
pub mod typing;
pub mod usage;

/// A dashboard row for tests: a bot conversation with one customer message and nothing flagged.
#[cfg(test)]
pub(crate) fn sample_row(id: &str) -> baton_shared::ConversationSummary {
    baton_shared::ConversationSummary {
        id: id.into(),
        mode: baton_shared::Mode::Bot,
        epoch: 0,
        holder: None,
        last_preview: String::new(),
        last_author: "customer".into(),
        last_seq: 1,
        started_at: 0,
        updated_at: 0,
        waiting_since: None,
        visitor_name: None,
        visitor_verified: false,
        flags: Vec::new(),
        sentiment: None,
        intent: None,
        queue: None,
        previous: None,
    }
}
