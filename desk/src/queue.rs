//! What a queued conversation needs, and the order the queue is served in.

use std::cmp::Ordering;

/// What the brain knows a conversation needs; `None` means anyone will do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Requirements {
    /// Detected from the customer's words, else the visitor's locale.
    pub language: Option<String>,
    /// From the site's map of intents and topic keywords to skills (refund → billing).
    pub skill: Option<String>,
}

/// Why a conversation should be served before others, strongest first. The derived order
/// compares fields in declaration order, so an escalation outranks a VIP, who outranks a mood.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Priority {
    /// The bot escalated it (a trigger fired), rather than the customer only asking.
    pub escalated: bool,
    /// A visitor the site verified as VIP.
    pub vip: bool,
    /// The customer's mood is negative.
    pub upset: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub conversation: String,
    pub requirements: Requirements,
    pub priority: Priority,
    /// When it joined the queue (epoch ms).
    pub queued_at: u64,
}

impl Queued {
    /// Queue order: higher priority first, then whoever has waited longest, then by id so the
    /// order is total and the same on every run.
    pub fn serve_order(a: &Queued, b: &Queued) -> Ordering {
        b.priority
            .cmp(&a.priority)
            .then(a.queued_at.cmp(&b.queued_at))
            .then_with(|| a.conversation.cmp(&b.conversation))
    }
}
