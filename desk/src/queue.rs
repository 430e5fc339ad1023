//! What a queued conversation needs, and the order the queue is served in.

use std::cmp::Ordering;

use baton_shared::{ConversationSummary, Mode, QueueNeeds};

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
    /// Agents who declined it or let its offer run out: it goes to someone else.
    pub passed_over_by: Vec<String>,
}

impl Queued {
    /// A queued dashboard row as the desk sees it; `None` for a row that is not queued.
    pub fn from_row(row: &ConversationSummary) -> Option<Queued> {
        if row.mode != Mode::Queued {
            return None;
        }
        let needs =
            row.queue.clone().unwrap_or_else(|| QueueNeeds { queued_at: row.updated_at, ..QueueNeeds::default() });
        Some(Queued {
            conversation: row.id.clone(),
            requirements: Requirements { language: needs.language, skill: needs.skill },
            priority: Priority { escalated: needs.escalated, vip: needs.vip, upset: needs.upset },
            queued_at: needs.queued_at,
            passed_over_by: Vec::new(),
        })
    }
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
