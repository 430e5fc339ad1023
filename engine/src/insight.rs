//! What agents see beside the transcript, built from the transcript, the brain and its memory.

use baton_brain::watch::Watch;
use baton_brain::{copilot, summary};
use baton_shared::{Event, Insight, Mode, Suggestion};

use crate::brain::Brain;
use crate::record::Record;

/// Suggestions agents are shown at most.
const MAX_SUGGESTIONS: usize = 3;

/// The insight for the conversation as it stands. Once people handle it, the summary is the
/// model's briefing if there is one, with why the bot queued it, and the co-pilot suggests
/// replies (the model's draft first while an agent holds it); while the bot has it, agents get
/// the summary and matching articles but no suggested replies.
pub fn build(record: &Record, brain: &Brain, watch: &Watch, events: &[Event]) -> Insight {
    let handed_over = record.state.mode != Mode::Bot;
    let mut summary = match watch.model_summary.clone().filter(|_| handed_over) {
        Some(briefing) => briefing,
        None => summary::summarize(events, &record.visitor, watch.asked_for_person),
    };
    if let Some(why) = watch.escalated_because.as_deref().filter(|_| handed_over) {
        summary.push_str(&format!(" The bot queued it: {why}."));
    }
    let recent: Vec<&str> = watch.recent.iter().map(String::as_str).collect();
    let (mut suggestions, articles) = copilot::suggest(&brain.knowledge, &recent);
    if let Some(text) = watch.model_suggestion.clone().filter(|_| record.state.mode == Mode::Human) {
        suggestions.insert(0, Suggestion { text, article_id: None });
        suggestions.truncate(MAX_SUGGESTIONS);
    }
    if !handed_over {
        suggestions.clear();
    }
    Insight {
        intent: watch.intent,
        sentiment: watch.mood(),
        summary: summary.trim().to_string(),
        flags: watch.flags.clone(),
        suggestions,
        articles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{agent, brain_with_shipping, record_in};

    #[test]
    fn the_bot_phase_has_articles_but_no_suggested_replies() {
        let brain = brain_with_shipping(None);
        let mut watch = Watch::default();
        watch.customer_said("how long does shipping take", &brain.rules);
        let insight = build(&record_in(Mode::Bot, None), &brain, &watch, &[]);
        assert!(insight.suggestions.is_empty());
        assert!(!insight.articles.is_empty(), "the shipping article matches");
    }

    #[test]
    fn a_handed_over_conversation_gets_the_briefing_the_reason_and_the_draft_first() {
        let brain = brain_with_shipping(None);
        let mut watch = Watch::default();
        watch.customer_said("how long does shipping take", &brain.rules);
        watch.model_summary = Some("The customer asks about delivery times.".into());
        watch.escalated_because = Some("the customer asked for a person".into());
        watch.model_suggestion = Some("Orders ship within two days.".into());
        let insight = build(&record_in(Mode::Human, Some(agent("a1", "Dana"))), &brain, &watch, &[]);
        assert_eq!(
            insight.summary,
            "The customer asks about delivery times. The bot queued it: the customer asked for a person."
        );
        assert_eq!(insight.suggestions[0].text, "Orders ship within two days.");
        assert!(insight.suggestions.len() <= MAX_SUGGESTIONS);

        let queued = build(&record_in(Mode::Queued, None), &brain, &watch, &[]);
        assert!(queued.suggestions.iter().all(|s| s.text != "Orders ship within two days."), "no holder, no draft");
    }

    #[test]
    fn the_briefing_is_ignored_while_the_bot_holds_it() {
        let brain = brain_with_shipping(None);
        let watch = Watch { model_summary: Some("stale briefing".into()), ..Watch::default() };
        let insight = build(&record_in(Mode::Bot, None), &brain, &watch, &[]);
        assert!(!insight.summary.contains("stale briefing"));
    }
}
