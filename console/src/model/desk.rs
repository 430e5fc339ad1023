//! What the desk tells this agent (offers to answer, conversations given to them) and how the
//! queue reads: pure state folded from dashboard frames.

use baton_shared::protocol::{ConversationSummary, Mode, OfferOutcome};

/// A queued conversation offered to this agent until `expires_at` (ms).
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub row: ConversationSummary,
    pub expires_at: u64,
    pub relaxed: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeskInbox {
    pub offers: Vec<Offer>,
    /// The last thing the desk did for this agent, as a sentence.
    pub notice: Option<String>,
    /// A conversation just given to this agent, for the workspace to open once; `true` when
    /// the agent asked for it (an accepted offer), so it opens even over another one.
    pub to_open: Option<(String, bool)>,
    /// The offer this agent pressed "Accept" on.
    pub accepting: Option<String>,
}

impl DeskInbox {
    pub fn offered(&mut self, row: ConversationSummary, expires_at: u64, relaxed: Vec<String>) {
        self.offers.retain(|o| o.row.id != row.id);
        self.offers.push(Offer { row, expires_at, relaxed });
    }

    pub fn offer_ended(&mut self, conversation: &str, outcome: OfferOutcome) {
        let who = self
            .offers
            .iter()
            .find(|o| o.row.id == conversation)
            .map(|o| o.row.visitor_name.clone().unwrap_or_else(|| "the visitor".to_string()));
        self.offers.retain(|o| o.row.id != conversation);
        let who = who.unwrap_or_else(|| "the visitor".to_string());
        self.notice = Some(match outcome {
            OfferOutcome::Accepted => format!("You are now talking with {who}."),
            OfferOutcome::Declined => format!("Declined: the conversation with {who} goes to someone else."),
            OfferOutcome::TimedOut => {
                format!("The offer of the conversation with {who} ran out; it went to someone else.")
            }
            OfferOutcome::Withdrawn => format!("The conversation with {who} is no longer waiting."),
        });
    }

    pub fn accepting(&mut self, conversation: &str) {
        self.accepting = Some(conversation.to_string());
    }

    pub fn assigned(&mut self, conversation: String, relaxed: &[String]) {
        self.offers.retain(|o| o.row.id != conversation);
        let asked = self.accepting.take_if(|a| *a == conversation).is_some();
        if !asked {
            self.notice = Some(match relaxed_text(relaxed) {
                Some(why) => format!("A conversation was assigned to you ({why})."),
                None => "A conversation was assigned to you.".to_string(),
            });
        }
        self.to_open = Some((conversation, asked));
    }
}

/// "skill not required" / "skill and language not required", or nothing when all held.
pub fn relaxed_text(relaxed: &[String]) -> Option<String> {
    (!relaxed.is_empty()).then(|| format!("{} not required after the wait", relaxed.join(" and ")))
}

/// Seconds until an offer runs out, rounded up; 0 once it has.
pub fn seconds_left(expires_at: u64, now: u64) -> u64 {
    expires_at.saturating_sub(now).div_ceil(1000)
}

/// The name of a language code the desk uses.
pub fn language_name(code: &str) -> String {
    match code {
        "en" => "English".to_string(),
        "es" => "Spanish".to_string(),
        "fr" => "French".to_string(),
        "de" => "German".to_string(),
        "pt" => "Portuguese".to_string(),
        other => other.to_uppercase(),
    }
}

/// What a queued conversation needs, for its row: "Spanish · billing · VIP".
pub fn needs_text(row: &ConversationSummary) -> Option<String> {
    let needs = row.queue.as_ref()?;
    let mut parts: Vec<String> = Vec::new();
    parts.extend(needs.language.as_deref().map(language_name));
    parts.extend(needs.skill.clone());
    if needs.escalated {
        parts.push("escalated".into());
    }
    if needs.vip {
        parts.push("VIP".into());
    }
    if needs.upset {
        parts.push("upset".into());
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The queue as the desk serves it: escalated first, then VIPs, then the upset, then the
/// longest waiting.
pub fn queue_order(rows: &[ConversationSummary]) -> Vec<&ConversationSummary> {
    let mut queued: Vec<&ConversationSummary> = rows.iter().filter(|r| r.mode == Mode::Queued).collect();
    let key = |r: &ConversationSummary| {
        let n = r.queue.clone().unwrap_or_default();
        (!n.escalated, !n.vip, !n.upset, if n.queued_at == 0 { r.updated_at } else { n.queued_at })
    };
    queued.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id)));
    queued
}

#[cfg(test)]
mod tests {
    use baton_shared::protocol::QueueNeeds;

    use super::*;

    fn queued(id: &str, needs: QueueNeeds) -> ConversationSummary {
        ConversationSummary { mode: Mode::Queued, queue: Some(needs), ..crate::model::sample_row(id) }
    }

    #[test]
    fn the_queue_reads_in_serve_order_and_says_what_each_needs() {
        let rows = vec![
            queued("late", QueueNeeds { queued_at: 30, ..QueueNeeds::default() }),
            crate::model::sample_row("bot"),
            queued("early", QueueNeeds { queued_at: 10, ..QueueNeeds::default() }),
            queued(
                "vip",
                QueueNeeds {
                    queued_at: 50,
                    vip: true,
                    language: Some("es".into()),
                    skill: Some("billing".into()),
                    ..QueueNeeds::default()
                },
            ),
        ];
        let order: Vec<&str> = queue_order(&rows).iter().map(|r| r.id.as_str()).collect();
        assert_eq!(order, ["vip", "early", "late"]);
        assert_eq!(needs_text(&rows[3]).as_deref(), Some("Spanish · billing · VIP"));
        assert_eq!(needs_text(&rows[0]), None);
    }

    #[test]
    fn offers_come_and_go_with_a_sentence_for_each_ending() {
        let mut inbox = DeskInbox::default();
        let row = ConversationSummary { visitor_name: Some("Ana".into()), ..crate::model::sample_row("c1") };
        inbox.offered(row.clone(), 30_000, vec![]);
        inbox.offered(row, 31_000, vec![]);
        assert_eq!(inbox.offers.len(), 1, "a repeated offer replaces the first");
        assert_eq!(seconds_left(31_000, 10_001), 21);
        assert_eq!(seconds_left(31_000, 40_000), 0);
        inbox.offer_ended("c1", OfferOutcome::TimedOut);
        assert!(inbox.offers.is_empty());
        assert!(inbox.notice.as_deref().is_some_and(|n| n.contains("Ana") && n.contains("ran out")));
        inbox.assigned("c2".into(), &["skill".into()]);
        assert_eq!(inbox.to_open, Some(("c2".to_string(), false)), "routing's choice opens only over nothing");
        assert!(inbox.notice.as_deref().is_some_and(|n| n.contains("skill not required")));
        inbox.accepting("c3");
        inbox.assigned("c3".into(), &[]);
        assert_eq!(inbox.to_open, Some(("c3".to_string(), true)), "an accepted offer opens");
    }
}
