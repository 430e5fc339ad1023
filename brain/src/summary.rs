//! A short summary of the conversation so far, so the agent who takes over needs no recap.

use baton_shared::{Event, VisitorInfo};

pub fn summarize(_events: &[Event], _visitor: &VisitorInfo) -> String {
    String::new()
}
