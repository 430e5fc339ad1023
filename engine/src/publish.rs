//! Bringing agents up to date after an input: alert flags, the insight, the dashboard row, the
//! alarm, and the model calls that refine the insight later. Once per input, however many
//! events it committed, so a customer message and the bot's answer make one insight and one
//! dashboard update.

use baton_brain::routing;
use baton_brain::watch::{Progress, Watch};
use baton_shared::history::HistoryRecord;
use baton_shared::limits::INSIGHT_WINDOW;
use baton_shared::{Author, Event, EventBody, FlagKind, Mode, QueueNeeds, ServerFrame, SiteRules};

use crate::conversation::{Engine, Turn};
use crate::failure::{Handled, OrFailed};
use crate::insight;
use crate::model::{self, Purpose};
use crate::record::Record;
use crate::store::Store;

/// What one input changed, for the agents' view.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Changes {
    /// Something was committed or (re)started: flags and the dashboard row are due.
    pub touched: bool,
    /// The customer spoke.
    pub customer: bool,
    /// The bot spoke or kept a draft.
    pub bot: bool,
    /// The mode changed (queued, taken over, handed back, closed).
    pub mode: bool,
}

impl Changes {
    pub fn saw(&mut self, event: &Event) {
        self.touched = true;
        match (&event.author, &event.body) {
            (_, EventBody::Mode { .. }) => self.mode = true,
            (Author::Customer, EventBody::Text { .. }) => self.customer = true,
            (Author::Bot, _) => self.bot = true,
            _ => {}
        }
    }

    /// Whether the brain's view moved, not only flags or the row (an agent's message, a note
    /// or a rating changes nothing the brain reads).
    fn significant(&self) -> bool {
        self.customer || self.bot || self.mode
    }
}

impl<S: Store> Engine<S> {
    /// Re-applies the alert rules, sends agents the insight if anything they see changed, sets
    /// the alarm for time-based rules, and hands the shell the dashboard row and the model calls
    /// to run after it (a briefing on handover, a drafted reply to a customer while an agent
    /// holds the conversation).
    pub(crate) fn publish(&mut self, turn: &mut Turn) {
        let changes = turn.changes;
        if !changes.touched {
            return;
        }
        let record = match self.record() {
            Ok(record) => record,
            Err(failure) => return turn.fx.warn(failure.detail.unwrap_or(failure.error.message)),
        };
        // Without the brain's memory, pushing the row would wipe its flags: keep the last one.
        let mut watch = match self.store.watch().or_failed("reading the watch") {
            Ok(watch) => watch,
            Err(failure) => {
                let why = failure.detail.unwrap_or(failure.error.message);
                return turn.fx.warn(format!("{why}; the dashboard keeps its last row"));
            }
        };
        let brain = turn.brain;
        let progress = Progress { mode: record.state.mode, started_at: record.created_at, now: turn.now };
        let flags_changed = watch.refresh_flags(&brain.rules.alerts, &record.visitor, &progress);
        if flags_changed && let Err(failure) = self.store.save_watch(&watch).or_failed("storing the watch") {
            turn.fx.warn(failure.detail.unwrap_or(failure.error.message));
        }
        let events = if changes.significant() || flags_changed {
            match self.send_insight(turn, &record, &watch) {
                Ok(events) => events,
                Err(failure) => {
                    turn.fx.warn(failure.detail.unwrap_or(failure.error.message));
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        let inactive_at = match record.state.mode {
            Mode::Closed => None,
            _ => brain.desk.inactive_at(record.last_message_at),
        };
        let due = [watch.unresolved_due_at(&brain.rules.alerts, &progress), inactive_at].into_iter().flatten().min();
        if let Some(due) = due
            && self.alarm_at != Some(due)
        {
            self.alarm_at = Some(due);
            turn.fx.alarm_at = Some(due);
        }
        turn.fx.dashboard = Some(row(&record, &watch, &brain.rules));
        if record.state.mode == Mode::Closed {
            match self.archive(&record, &events) {
                Ok(archive) => turn.fx.archive = archive,
                Err(failure) => turn.fx.warn(failure.detail.unwrap_or(failure.error.message)),
            }
        }
        let mut calls = Vec::new();
        if changes.mode && matches!(record.state.mode, Mode::Queued | Mode::Human) {
            calls.extend(model::briefing(brain, &events));
        }
        if let (true, Mode::Human, Some(agent)) = (changes.customer, record.state.mode, &record.state.holder) {
            let latest = watch.recent.last().map(String::as_str).unwrap_or_default();
            calls.extend(model::draft(brain, &agent.name, latest, &events));
        }
        // Each call spends the conversation's hourly model budget; past it, none is made.
        calls.retain(|call| model::spend(&mut watch, call, turn.now));
        if !calls.is_empty()
            && let Err(failure) = self.store.save_watch(&watch).or_failed("storing the watch")
        {
            turn.fx.warn(failure.detail.unwrap_or(failure.error.message));
        }
        turn.fx.model_calls.extend(calls);
    }

    /// A model's briefing or draft came back: remembered, and agents get a second insight.
    pub(crate) fn remember_model_insight(
        &mut self,
        turn: &mut Turn,
        purpose: &Purpose,
        text: Option<String>,
    ) -> Handled<()> {
        let mut watch = self.store.watch().or_failed("reading the watch")?;
        match purpose {
            Purpose::Briefing if text.is_some() => watch.model_summary = text,
            // A failed draft clears the one for an earlier message rather than showing it.
            Purpose::Draft if text.is_some() || watch.model_suggestion.is_some() => watch.model_suggestion = text,
            _ => return Ok(()),
        }
        self.store.save_watch(&watch).or_failed("storing the watch")?;
        let record = self.record()?;
        self.send_insight(turn, &record, &watch)?;
        Ok(())
    }

    /// The closed conversation as the history keeps it; `None` if the customer never wrote.
    /// `window` is what this input read for the insight: the whole transcript if it is shorter
    /// than the window, else the transcript is read whole here.
    fn archive(&self, record: &Record, window: &[Event]) -> Handled<Option<HistoryRecord>> {
        let read;
        let events = if window.is_empty() || window.len() >= INSIGHT_WINDOW {
            read = self.store.events_after(0).or_failed("reading the transcript")?;
            &read
        } else {
            window
        };
        let insight = self.store.insight().or_failed("reading the insight")?;
        Ok(HistoryRecord::of(&record.conversation, &record.visitor, events, insight, record.previous.clone()))
    }

    /// Builds, stores and sends the insight from the newest `INSIGHT_WINDOW` events (a long
    /// conversation is not re-read whole for every message); returns the events it read.
    fn send_insight(&self, turn: &mut Turn, record: &Record, watch: &Watch) -> Handled<Vec<Event>> {
        let events = self.store.recent_events(0, INSIGHT_WINDOW).or_failed("reading the transcript")?;
        let insight = insight::build(record, turn.brain, watch, &events);
        self.store.save_insight(&insight).or_failed("storing the insight")?;
        turn.fx.to_agents(ServerFrame::Insight { insight });
        Ok(events)
    }
}

/// The dashboard row: the record's summary with what the brain makes of it.
fn row(record: &Record, watch: &Watch, rules: &SiteRules) -> baton_shared::ConversationSummary {
    let mut row = record.summary();
    row.flags = watch.flags.clone();
    row.sentiment = watch.mood().map(|m| m.rolling);
    row.intent = watch.intent;
    row.queue = queue_needs(record, watch, rules);
    row
}

/// While queued: the customer's language, the skill the site's rules map their words to, and
/// what puts them ahead in the queue.
fn queue_needs(record: &Record, watch: &Watch, rules: &SiteRules) -> Option<QueueNeeds> {
    if record.state.mode != Mode::Queued {
        return None;
    }
    let flagged = |kind: FlagKind| watch.flags.iter().any(|f| f.kind == kind);
    Some(QueueNeeds {
        queued_at: record.queued_since.unwrap_or(record.updated_at),
        language: routing::language(&watch.recent, record.visitor.locale.as_deref()),
        skill: record.required_skill.clone().or_else(|| routing::skill(&rules.skills, watch.intent, &watch.recent)),
        escalated: record.queued_by_bot,
        vip: flagged(FlagKind::Vip),
        upset: flagged(FlagKind::Sentiment),
    })
}
