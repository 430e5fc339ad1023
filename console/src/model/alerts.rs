//! Opt-in alerts about flags: which flags are new on a dashboard row, and how an alert reads.

use baton_shared::insight::Flag;
use baton_shared::protocol::ConversationSummary;

use super::format::{flag_text, summary_visitor_label};

/// localStorage key of the "Alert me about new flags" choice; absent means off.
pub const ALERTS_PREF_KEY: &str = "baton.console.flag-alerts";

/// A flag kind that just appeared on a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct FlagAlert {
    pub conversation_id: String,
    pub visitor: String,
    pub flag: Flag,
}

impl FlagAlert {
    /// "Ada: VIP: plan is vip": who, and why to look.
    pub fn message(&self) -> String {
        format!("{}: {}", self.visitor, flag_text(&self.flag))
    }

    /// Lets the browser replace rather than stack a repeat of the same alert.
    pub fn tag(&self) -> String {
        format!("baton-{}-{}", self.conversation_id, self.flag.kind.as_str())
    }
}

/// Flags on `new` whose kind `old` (the previous version of the same row) did not have.
/// A row seen for the first time has no previous version, so all its flags are new. A reason
/// that changes under the same kind (a worse score) is not news.
pub fn new_flags(old: Option<&ConversationSummary>, new: &ConversationSummary) -> Vec<FlagAlert> {
    let had = |f: &Flag| old.is_some_and(|o| o.flags.iter().any(|g| g.kind == f.kind));
    let mut seen = Vec::new();
    new.flags
        .iter()
        .filter(|f| !had(f))
        .filter(|f| {
            // One alert per kind, even if a row lists a kind twice.
            let first = !seen.contains(&f.kind);
            seen.push(f.kind);
            first
        })
        .map(|f| FlagAlert { conversation_id: new.id.clone(), visitor: summary_visitor_label(new), flag: f.clone() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::insight::FlagKind;

    fn flag(kind: FlagKind, reason: &str) -> Flag {
        Flag { kind, reason: reason.into(), raised_at: 1 }
    }

    fn row(flags: Vec<Flag>) -> ConversationSummary {
        ConversationSummary { flags, ..crate::model::sample_row("conv_9f8e7d6c5b4a") }
    }

    #[test]
    fn only_kinds_the_previous_version_lacked_are_new() {
        let old = row(vec![flag(FlagKind::Sentiment, "sentiment -0.41")]);
        let new = row(vec![
            flag(FlagKind::Sentiment, "sentiment -0.80"),
            flag(FlagKind::Vip, "plan is vip"),
            flag(FlagKind::Vip, "plan is vip"),
        ]);
        let alerts = new_flags(Some(&old), &new);
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].message(), "Visitor 6c5b4a: VIP: plan is vip");
        assert_eq!(alerts[0].tag(), "baton-conv_9f8e7d6c5b4a-vip");
        assert!(new_flags(Some(&new), &new).is_empty());
        assert!(new_flags(Some(&new), &old).is_empty(), "a flag going away is not an alert");
    }

    #[test]
    fn a_new_row_brings_all_its_flags() {
        let mut new = row(vec![flag(FlagKind::AskedForPerson, "asked for an agent"), flag(FlagKind::Topic, "refund")]);
        new.visitor_name = Some("Ada".into());
        let messages: Vec<_> = new_flags(None, &new).iter().map(FlagAlert::message).collect();
        assert_eq!(messages[0], "Ada (unverified): Asked for a person: asked for an agent", "a claimed name says so");
        new.visitor_verified = true;
        let messages: Vec<_> = new_flags(None, &new).iter().map(FlagAlert::message).collect();
        assert_eq!(messages, ["Ada: Asked for a person: asked for an agent", "Ada: Topic: refund"]);
        assert!(new_flags(None, &row(Vec::new())).is_empty());
    }
}
