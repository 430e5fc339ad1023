//! The conversation state machine: a pure reducer over transcript events.
//!
//! `decide` turns a command into the next event (or a rejection) without changing anything;
//! the caller persists that event and only then `apply`s it. Because the edge runs each
//! conversation in one single-threaded Durable Object and nothing awaits between `decide`,
//! the write and `apply`, every check here is atomic: one takeover wins, and a bot reply
//! computed under an older epoch can never be committed (guarantees 1, 3 and 4).

use crate::error::{ApiError, ErrorCode};
use crate::protocol::{AgentInfo, Author, BotMeta, ConversationView, Event, EventBody, Mode, ModeReason};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConversationState {
    pub mode: Mode,
    /// Incremented by every mode change.
    pub epoch: u64,
    pub holder: Option<AgentInfo>,
    /// Seq of the last committed event; the next one gets `last_seq + 1`.
    pub last_seq: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    CustomerSays {
        text: String,
    },
    /// Move to `Queued`, asked by the customer or decided by the bot. A bot's decision carries
    /// the epoch it was computed at and goes stale, like a reply, if the mode changed since.
    RequestHuman {
        reason: ModeReason,
        computed_at_epoch: Option<u64>,
    },
    TakeOver {
        agent: AgentInfo,
    },
    HandBack {
        agent_id: String,
    },
    /// The holder hands the conversation to a colleague (`to: Some`), or back to the queue
    /// (`to: None`, e.g. for another skill). The bot stays silent either way.
    Transfer {
        from_agent_id: String,
        to: Option<AgentInfo>,
    },
    /// The desk puts a held conversation back in the queue: its holder went offline.
    Requeue {
        agent_id: String,
    },
    /// A supervisor gives the conversation to `to`, whoever holds it, as they saw it at
    /// `seen_epoch`: if it changed hands since, the reassignment is refused, so two supervisors
    /// reassigning at once end in one outcome.
    Reassign {
        by: AgentInfo,
        to: AgentInfo,
        seen_epoch: u64,
    },
    AgentSays {
        agent: AgentInfo,
        text: String,
    },
    AgentNote {
        agent: AgentInfo,
        text: String,
    },
    /// A bot reply computed while the conversation was at `computed_at_epoch`.
    BotSays {
        text: String,
        meta: BotMeta,
        computed_at_epoch: u64,
    },
    /// A bot reply that went stale while it was computed, kept as a note for the agents only.
    BotDraft {
        text: String,
    },
    /// What the desk did and why, as a note for the agents only.
    SystemNote {
        text: String,
    },
    /// The bot tells the waiting customer nobody can come now, computed at `computed_at_epoch`.
    NoAgent {
        text: String,
        computed_at_epoch: u64,
    },
    /// The waiting customer keeps chatting with the bot instead (a no-op unless queued).
    ReturnToBot,
    /// The customer leaves a message for the team.
    LeaveMessage {
        email: String,
        text: String,
    },
    Rate {
        score: u8,
    },
    /// The conversation ends: `Resolved` by the agent who holds it, `CustomerEnded` by the
    /// customer, `Inactive` (or `Closed`) by the conversation itself.
    Close {
        by: Author,
        reason: ModeReason,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Someone else holds the conversation.
    AlreadyHeld {
        holder: AgentInfo,
    },
    /// Only the holder may do this; `holder` is who does (if anyone).
    NotHolder {
        holder: Option<AgentInfo>,
    },
    /// The bot computed this reply before a mode change; it must not be said.
    StaleBotReply,
    /// The conversation changed hands since the caller looked at it.
    ChangedSince,
    Closed,
    InvalidRating,
}

impl Rejection {
    pub fn to_api_error(&self) -> ApiError {
        match self {
            Rejection::AlreadyHeld { holder } => {
                ApiError::new(ErrorCode::AlreadyHeld, format!("{} is already handling this conversation", holder.name))
            }
            Rejection::NotHolder { holder: Some(holder) } => ApiError::new(
                ErrorCode::NotHolder,
                format!("{} is handling this conversation; take it over first", holder.name),
            ),
            Rejection::NotHolder { holder: None } => {
                ApiError::new(ErrorCode::NotHolder, "no agent holds this conversation; take it over first")
            }
            Rejection::StaleBotReply => {
                ApiError::new(ErrorCode::StaleEpoch, "the conversation changed hands before the bot replied")
            }
            Rejection::ChangedSince => ApiError::new(
                ErrorCode::StaleEpoch,
                "the conversation changed hands since you looked at it; look again and retry",
            ),
            Rejection::Closed => ApiError::new(ErrorCode::ConversationClosed, "this conversation is closed"),
            Rejection::InvalidRating => {
                ApiError::new(ErrorCode::InvalidRating, "a rating is a whole number from 1 to 5")
            }
        }
    }
}

/// A client adopts the state the server sent in its `welcome`.
impl From<ConversationView> for ConversationState {
    fn from(view: ConversationView) -> Self {
        ConversationState { mode: view.mode, epoch: view.epoch, holder: view.holder, last_seq: view.last_seq }
    }
}

impl ConversationState {
    /// The state as sent to clients.
    pub fn view(&self) -> ConversationView {
        ConversationView { mode: self.mode, epoch: self.epoch, holder: self.holder.clone(), last_seq: self.last_seq }
    }

    /// Whether this agent holds the conversation right now.
    pub fn holds(&self, agent_id: &str) -> bool {
        self.mode == Mode::Human && self.holder.as_ref().is_some_and(|h| h.id == agent_id)
    }

    /// The event `cmd` would commit next, `Ok(None)` when it changes nothing (a repeated
    /// takeover by the holder, a second request for a person), or why it is refused.
    pub fn decide(&self, cmd: Command, ts: u64, client_id: Option<String>) -> Result<Option<Event>, Rejection> {
        if self.mode == Mode::Closed && !matches!(cmd, Command::Rate { .. }) {
            return Err(Rejection::Closed);
        }
        let (author, body) = match cmd {
            Command::CustomerSays { text } => (Author::Customer, EventBody::Text { text, bot: None }),
            Command::RequestHuman { reason, computed_at_epoch } => {
                if computed_at_epoch.is_some_and(|epoch| epoch != self.epoch) {
                    return Err(Rejection::StaleBotReply);
                }
                if self.mode != Mode::Bot {
                    return Ok(None);
                }
                let author = if reason == ModeReason::CustomerAsked { Author::Customer } else { Author::Bot };
                (author, EventBody::Mode { mode: Mode::Queued, holder: None, reason })
            }
            Command::TakeOver { agent } => {
                if self.holds(&agent.id) {
                    return Ok(None);
                }
                if let (Mode::Human, Some(holder)) = (self.mode, &self.holder) {
                    return Err(Rejection::AlreadyHeld { holder: holder.clone() });
                }
                (
                    Author::Agent(agent.clone()),
                    EventBody::Mode { mode: Mode::Human, holder: Some(agent), reason: ModeReason::AgentTookOver },
                )
            }
            Command::HandBack { agent_id } => {
                let Some(holder) = self.holder.clone().filter(|_| self.holds(&agent_id)) else {
                    return Err(Rejection::NotHolder { holder: self.current_holder() });
                };
                (
                    Author::Agent(holder),
                    EventBody::Mode { mode: Mode::Bot, holder: None, reason: ModeReason::HandedBack },
                )
            }
            Command::Transfer { from_agent_id, to } => {
                let Some(holder) = self.holder.clone().filter(|_| self.holds(&from_agent_id)) else {
                    return Err(Rejection::NotHolder { holder: self.current_holder() });
                };
                if to.as_ref().is_some_and(|to| to.id == holder.id) {
                    return Ok(None);
                }
                let mode = if to.is_some() { Mode::Human } else { Mode::Queued };
                (Author::Agent(holder), EventBody::Mode { mode, holder: to, reason: ModeReason::Transferred })
            }
            Command::Reassign { by, to, seen_epoch } => {
                if seen_epoch != self.epoch {
                    return Err(Rejection::ChangedSince);
                }
                if self.holds(&to.id) {
                    return Ok(None);
                }
                (
                    Author::Agent(by),
                    EventBody::Mode { mode: Mode::Human, holder: Some(to), reason: ModeReason::Reassigned },
                )
            }
            Command::Requeue { agent_id } => {
                // Someone else holds it by now, or nobody: nothing to take back.
                if !self.holds(&agent_id) {
                    return Ok(None);
                }
                (Author::System, EventBody::Mode { mode: Mode::Queued, holder: None, reason: ModeReason::AgentLeft })
            }
            Command::AgentSays { agent, text } => {
                if !self.holds(&agent.id) {
                    return Err(Rejection::NotHolder { holder: self.current_holder() });
                }
                (Author::Agent(agent), EventBody::Text { text, bot: None })
            }
            Command::AgentNote { agent, text } => (Author::Agent(agent), EventBody::Note { text }),
            Command::BotDraft { text } => (Author::Bot, EventBody::Note { text }),
            Command::SystemNote { text } => (Author::System, EventBody::Note { text }),
            Command::BotSays { text, meta, computed_at_epoch } => {
                if !self.bot_may_speak() || self.epoch != computed_at_epoch {
                    return Err(Rejection::StaleBotReply);
                }
                (Author::Bot, EventBody::Text { text, bot: Some(meta) })
            }
            Command::NoAgent { text, computed_at_epoch } => {
                if self.mode != Mode::Queued || self.epoch != computed_at_epoch {
                    return Err(Rejection::StaleBotReply);
                }
                (Author::Bot, EventBody::NoAgent { text })
            }
            Command::ReturnToBot => {
                if self.mode != Mode::Queued {
                    return Ok(None);
                }
                (
                    Author::Customer,
                    EventBody::Mode { mode: Mode::Bot, holder: None, reason: ModeReason::CustomerChoseBot },
                )
            }
            Command::LeaveMessage { email, text } => (Author::Customer, EventBody::OfflineMessage { email, text }),
            Command::Rate { score } => {
                if !(1..=5).contains(&score) {
                    return Err(Rejection::InvalidRating);
                }
                (Author::Customer, EventBody::Rating { score })
            }
            Command::Close { by, reason } => {
                if reason == ModeReason::Resolved && !matches!(&by, Author::Agent(a) if self.holds(&a.id)) {
                    return Err(Rejection::NotHolder { holder: self.current_holder() });
                }
                (by, EventBody::Mode { mode: Mode::Closed, holder: None, reason })
            }
        };
        let epoch = if matches!(body, EventBody::Mode { .. }) { self.epoch + 1 } else { self.epoch };
        Ok(Some(Event { seq: self.last_seq + 1, ts, epoch, author, body, client_id }))
    }

    /// The bot speaks while it holds the conversation and while the customer waits for a
    /// person; never once a person holds it (guarantee 3) or after the close.
    pub fn bot_may_speak(&self) -> bool {
        matches!(self.mode, Mode::Bot | Mode::Queued)
    }

    fn current_holder(&self) -> Option<AgentInfo> {
        if self.mode == Mode::Human { self.holder.clone() } else { None }
    }

    /// Advances the state past a committed event (from `decide`, or replayed from storage).
    pub fn apply(&mut self, event: &Event) {
        self.last_seq = self.last_seq.max(event.seq);
        if let EventBody::Mode { mode, holder, .. } = &event.body {
            self.mode = *mode;
            self.epoch = event.epoch;
            self.holder = if *mode == Mode::Human { holder.clone() } else { None };
        }
    }

    /// Rebuilds the state from a whole transcript.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut state = ConversationState::default();
        for event in events {
            state.apply(event);
        }
        state
    }
}

/// Checks a transcript against the guarantees: seq strictly increasing from 1 with no gap,
/// epochs move only on mode changes, the bot never speaks outside `Bot` mode, only the
/// holder speaks for the humans, a takeover never lands on a conversation someone holds, and
/// only the holder hands back or transfers.
pub fn audit(events: &[Event]) -> Result<(), String> {
    let mut state = ConversationState::default();
    for event in events {
        if event.seq != state.last_seq + 1 {
            return Err(format!("seq {} follows {}", event.seq, state.last_seq));
        }
        let is_mode = matches!(event.body, EventBody::Mode { .. });
        let expected_epoch = if is_mode { state.epoch + 1 } else { state.epoch };
        if event.epoch != expected_epoch {
            return Err(format!("seq {}: epoch {} where {} was due", event.seq, event.epoch, expected_epoch));
        }
        match (&event.author, &event.body) {
            (_, body) if state.mode == Mode::Closed && !matches!(body, EventBody::Rating { .. }) => {
                return Err(format!("seq {}: {body:?} after the conversation closed", event.seq));
            }
            (_, EventBody::Mode { mode: Mode::Human, holder: None, .. }) => {
                return Err(format!("seq {}: human mode without a holder", event.seq));
            }
            (
                author,
                EventBody::Mode {
                    reason: ModeReason::HandedBack | ModeReason::Transferred | ModeReason::Resolved, ..
                },
            ) if !matches!(author, Author::Agent(a) if state.holds(&a.id)) => {
                return Err(format!(
                    "seq {}: handed back, transferred or resolved by {author:?}, who did not hold it",
                    event.seq
                ));
            }
            (_, EventBody::Mode { reason: ModeReason::AgentLeft, .. }) if state.mode != Mode::Human => {
                return Err(format!("seq {}: requeued from {:?} mode, which nobody held", event.seq, state.mode));
            }
            (Author::Bot, EventBody::Text { .. } | EventBody::NoAgent { .. }) if !state.bot_may_speak() => {
                return Err(format!("seq {}: the bot spoke in {:?} mode", event.seq, state.mode));
            }
            (Author::Agent(agent), EventBody::Text { .. }) if !state.holds(&agent.id) => {
                return Err(format!("seq {}: {} spoke without holding the conversation", event.seq, agent.name));
            }
            (_, EventBody::Mode { mode: Mode::Human, holder: Some(new), reason })
                if !matches!(reason, ModeReason::Transferred | ModeReason::Reassigned) =>
            {
                if let (Mode::Human, Some(old)) = (state.mode, &state.holder) {
                    return Err(format!("seq {}: {} took over from {}", event.seq, new.name, old.name));
                }
            }
            _ => {}
        }
        state.apply(event);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str, name: &str) -> AgentInfo {
        AgentInfo { id: id.into(), name: name.into(), avatar: None }
    }

    fn meta() -> BotMeta {
        BotMeta { confidence: 0.9, article_id: None, article_title: None }
    }

    /// Runs commands like the edge does, returning the transcript and each command's outcome.
    fn run(state: &mut ConversationState, log: &mut Vec<Event>, cmd: Command) -> Result<Option<Event>, Rejection> {
        let out = state.decide(cmd, 0, None)?;
        if let Some(event) = &out {
            log.push(event.clone());
            state.apply(event);
        }
        Ok(out)
    }

    #[test]
    fn the_holder_transfers_to_a_colleague_or_the_queue_and_nobody_else_can() {
        let (dana, sam) = (agent("a1", "Dana"), agent("a2", "Sam"));
        let mut s = ConversationState::default();
        let mut log = Vec::new();
        run(&mut s, &mut log, Command::TakeOver { agent: dana.clone() }).unwrap();
        let stolen = Command::Transfer { from_agent_id: "a2".into(), to: Some(sam.clone()) };
        assert_eq!(run(&mut s, &mut log, stolen), Err(Rejection::NotHolder { holder: Some(dana.clone()) }));
        let to_self = Command::Transfer { from_agent_id: "a1".into(), to: Some(dana.clone()) };
        assert_eq!(run(&mut s, &mut log, to_self), Ok(None));
        let epoch = s.epoch;
        let moved = run(&mut s, &mut log, Command::Transfer { from_agent_id: "a1".into(), to: Some(sam.clone()) });
        let moved = moved.unwrap().unwrap();
        assert_eq!(moved.author, Author::Agent(dana.clone()));
        assert_eq!((s.mode, s.holder.clone(), s.epoch), (Mode::Human, Some(sam.clone()), epoch + 1));
        let dana_says = Command::AgentSays { agent: dana.clone(), text: "still me".into() };
        assert!(matches!(run(&mut s, &mut log, dana_says), Err(Rejection::NotHolder { .. })));
        run(&mut s, &mut log, Command::AgentSays { agent: sam.clone(), text: "Sam here".into() }).unwrap();
        let late_bot = Command::BotSays { text: "hi".into(), meta: meta(), computed_at_epoch: epoch };
        assert_eq!(run(&mut s, &mut log, late_bot), Err(Rejection::StaleBotReply));
        run(&mut s, &mut log, Command::Transfer { from_agent_id: "a2".into(), to: None }).unwrap();
        assert_eq!((s.mode, s.holder.clone()), (Mode::Queued, None));
        audit(&log).unwrap();

        // A transfer written by someone who did not hold it, or a takeover over a holder, is caught.
        let mut forged = log.clone();
        if let Some(e) =
            forged.iter_mut().find(|e| matches!(e.body, EventBody::Mode { reason: ModeReason::Transferred, .. }))
        {
            e.author = Author::Agent(agent("a3", "Kim"));
        }
        assert!(audit(&forged).unwrap_err().contains("did not hold"));
        let mut grabbed = log.clone();
        if let Some(e) =
            grabbed.iter_mut().find(|e| matches!(e.body, EventBody::Mode { reason: ModeReason::Transferred, .. }))
            && let EventBody::Mode { reason, .. } = &mut e.body
        {
            *reason = ModeReason::AgentTookOver;
        }
        assert!(audit(&grabbed).unwrap_err().contains("took over from"));
    }

    #[test]
    fn of_two_supervisors_reassigning_at_once_the_first_wins_and_the_second_is_told() {
        let (dana, sam, kim, lead) = (agent("a1", "Dana"), agent("a2", "Sam"), agent("a3", "Kim"), agent("s1", "Alex"));
        let mut s = ConversationState::default();
        let mut log = Vec::new();
        run(&mut s, &mut log, Command::TakeOver { agent: dana.clone() }).unwrap();
        let seen = s.epoch;
        let first = Command::Reassign { by: lead.clone(), to: sam.clone(), seen_epoch: seen };
        let second = Command::Reassign { by: lead.clone(), to: kim.clone(), seen_epoch: seen };
        run(&mut s, &mut log, first).unwrap().unwrap();
        assert_eq!(run(&mut s, &mut log, second), Err(Rejection::ChangedSince));
        assert_eq!(s.holder, Some(sam.clone()));
        let again = Command::Reassign { by: lead, to: sam, seen_epoch: s.epoch };
        assert_eq!(run(&mut s, &mut log, again), Ok(None), "to whoever holds it: nothing happens");
        audit(&log).unwrap();
    }

    #[test]
    fn an_agent_who_left_gives_back_only_what_they_still_hold() {
        let (dana, sam) = (agent("a1", "Dana"), agent("a2", "Sam"));
        let mut s = ConversationState::default();
        let mut log = Vec::new();
        run(&mut s, &mut log, Command::TakeOver { agent: dana.clone() }).unwrap();
        assert_eq!(run(&mut s, &mut log, Command::Requeue { agent_id: sam.id.clone() }), Ok(None));
        let back = run(&mut s, &mut log, Command::Requeue { agent_id: dana.id.clone() }).unwrap().unwrap();
        assert_eq!(back.author, Author::System);
        assert_eq!((s.mode, s.holder.clone()), (Mode::Queued, None));
        assert_eq!(run(&mut s, &mut log, Command::Requeue { agent_id: dana.id.clone() }), Ok(None), "once");
        audit(&log).unwrap();
        let mut early = log.clone();
        early.remove(0);
        for (i, e) in early.iter_mut().enumerate() {
            e.seq = i as u64 + 1;
            e.epoch = i as u64 + 1;
        }
        assert!(audit(&early).unwrap_err().contains("nobody held"));
    }

    #[test]
    fn audit_refuses_events_after_close_holderless_takeovers_and_foreign_hand_backs() {
        let mut s = ConversationState::default();
        let mut log = Vec::new();
        let dana = agent("a1", "Dana");
        run(&mut s, &mut log, Command::TakeOver { agent: dana.clone() }).unwrap();
        let mut foreign = log.clone();
        let mut hand_back = s.decide(Command::HandBack { agent_id: "a1".into() }, 2, None).unwrap().unwrap();
        hand_back.author = Author::Agent(agent("a2", "Sam"));
        foreign.push(hand_back);
        assert!(audit(&foreign).unwrap_err().contains("did not hold"));

        let mut holderless = log.clone();
        if let EventBody::Mode { holder, .. } = &mut holderless[0].body {
            *holder = None;
        }
        assert!(audit(&holderless).unwrap_err().contains("without a holder"));

        let sam = agent("a2", "Sam");
        let by_sam = Command::Close { by: Author::Agent(sam), reason: ModeReason::Resolved };
        assert_eq!(run(&mut s, &mut log, by_sam).unwrap_err(), Rejection::NotHolder { holder: Some(dana.clone()) });
        run(&mut s, &mut log, Command::Close { by: Author::Agent(dana), reason: ModeReason::Resolved }).unwrap();
        run(&mut s, &mut log, Command::Rate { score: 4 }).unwrap();
        audit(&log).unwrap();
        let mut resolved_by_stranger = log.clone();
        resolved_by_stranger[1].author = Author::Customer;
        assert!(audit(&resolved_by_stranger).unwrap_err().contains("did not hold"));
        let mut late = log.clone();
        let mut after = log[0].clone();
        after.seq = 4;
        after.body = EventBody::Text { text: "hello?".into(), bot: None };
        after.author = Author::Customer;
        after.epoch = s.epoch;
        late.push(after);
        assert!(audit(&late).unwrap_err().contains("after the conversation closed"));
    }

    #[test]
    fn bot_to_human_and_back() {
        let (mut s, mut log) = (ConversationState::default(), Vec::new());
        let dana = agent("a1", "Dana");
        run(&mut s, &mut log, Command::CustomerSays { text: "hi".into() }).unwrap();
        run(&mut s, &mut log, Command::BotSays { text: "hello".into(), meta: meta(), computed_at_epoch: 0 }).unwrap();
        run(&mut s, &mut log, Command::RequestHuman { reason: ModeReason::CustomerAsked, computed_at_epoch: None })
            .unwrap();
        assert_eq!((s.mode, s.epoch), (Mode::Queued, 1));
        run(&mut s, &mut log, Command::TakeOver { agent: dana.clone() }).unwrap();
        assert_eq!((s.mode, s.epoch, s.holder.clone()), (Mode::Human, 2, Some(dana.clone())));
        run(&mut s, &mut log, Command::AgentSays { agent: dana.clone(), text: "Dana here".into() }).unwrap();
        run(&mut s, &mut log, Command::HandBack { agent_id: "a1".into() }).unwrap();
        assert_eq!((s.mode, s.epoch, s.holder.clone()), (Mode::Bot, 3, None));
        run(&mut s, &mut log, Command::Rate { score: 5 }).unwrap();
        assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6, 7]);
        audit(&log).unwrap();
        assert_eq!(ConversationState::replay(&log), s);
        assert_eq!(ConversationState::from(s.view()), s);
    }

    #[test]
    fn second_agent_is_told_who_holds_it() {
        let (mut s, mut log) = (ConversationState::default(), Vec::new());
        run(&mut s, &mut log, Command::TakeOver { agent: agent("a1", "Dana") }).unwrap();
        let err = run(&mut s, &mut log, Command::TakeOver { agent: agent("a2", "Sam") }).unwrap_err();
        assert_eq!(err, Rejection::AlreadyHeld { holder: agent("a1", "Dana") });
        assert!(err.to_api_error().message.contains("Dana"));
        assert_eq!(err.to_api_error().code, ErrorCode::AlreadyHeld);
        // The holder repeating the click changes nothing.
        assert_eq!(run(&mut s, &mut log, Command::TakeOver { agent: agent("a1", "Dana") }).unwrap(), None);
        assert_eq!(log.len(), 1);
    }

    #[test]
    fn many_agents_racing_yield_one_takeover() {
        let (mut s, mut log) = (ConversationState::default(), Vec::new());
        let outcomes: Vec<_> = (0..8)
            .map(|i| run(&mut s, &mut log, Command::TakeOver { agent: agent(&format!("a{i}"), &format!("Agent {i}")) }))
            .collect();
        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1);
        assert_eq!(log.len(), 1);
        audit(&log).unwrap();
    }

    #[test]
    fn bot_reply_in_flight_during_takeover_is_dropped() {
        let (mut s, mut log) = (ConversationState::default(), Vec::new());
        run(&mut s, &mut log, Command::CustomerSays { text: "q".into() }).unwrap();
        let computed_at = s.epoch;
        run(&mut s, &mut log, Command::TakeOver { agent: agent("a1", "Dana") }).unwrap();
        let late = Command::BotSays { text: "late".into(), meta: meta(), computed_at_epoch: computed_at };
        assert_eq!(run(&mut s, &mut log, late).unwrap_err(), Rejection::StaleBotReply);
        // Even after hand-back the old reply stays stale: the epoch moved on twice.
        run(&mut s, &mut log, Command::HandBack { agent_id: "a1".into() }).unwrap();
        let late = Command::BotSays { text: "late".into(), meta: meta(), computed_at_epoch: computed_at };
        assert_eq!(run(&mut s, &mut log, late).unwrap_err(), Rejection::StaleBotReply);
        assert!(log.iter().all(|e| e.author != Author::Bot));
        // Nor may an escalation decided back then move the conversation now that the bot has it again.
        let escalation =
            Command::RequestHuman { reason: ModeReason::CustomerAsked, computed_at_epoch: Some(computed_at) };
        assert_eq!(run(&mut s, &mut log, escalation).unwrap_err(), Rejection::StaleBotReply);
        assert_eq!(s.mode, Mode::Bot);
        // What the bot would have said can still reach the agents, as a note the customer never sees.
        run(&mut s, &mut log, Command::BotDraft { text: "late".into() }).unwrap();
        let draft = log.last().unwrap();
        assert!(draft.author == Author::Bot && !draft.visible_to_customer());
        audit(&log).unwrap();
    }

    #[test]
    fn the_bot_may_answer_while_queued_under_the_current_epoch_only_and_never_once_a_person_holds_it() {
        let (mut s, mut log) = (ConversationState::default(), Vec::new());
        let before = s.epoch;
        run(&mut s, &mut log, Command::RequestHuman { reason: ModeReason::CustomerAsked, computed_at_epoch: None })
            .unwrap();
        let stale = Command::BotSays { text: "x".into(), meta: meta(), computed_at_epoch: before };
        assert_eq!(run(&mut s, &mut log, stale).unwrap_err(), Rejection::StaleBotReply);
        let epoch = s.epoch;
        run(&mut s, &mut log, Command::BotSays { text: "meanwhile".into(), meta: meta(), computed_at_epoch: epoch })
            .unwrap();
        run(&mut s, &mut log, Command::NoAgent { text: "nobody".into(), computed_at_epoch: epoch }).unwrap();
        // Asking twice is one request.
        assert_eq!(
            run(&mut s, &mut log, Command::RequestHuman { reason: ModeReason::CustomerAsked, computed_at_epoch: None })
                .unwrap(),
            None
        );
        let queued_epoch = s.epoch;
        run(&mut s, &mut log, Command::TakeOver { agent: agent("a1", "Dana") }).unwrap();
        let late = Command::BotSays { text: "late".into(), meta: meta(), computed_at_epoch: queued_epoch };
        assert_eq!(run(&mut s, &mut log, late).unwrap_err(), Rejection::StaleBotReply);
        let late = Command::NoAgent { text: "late".into(), computed_at_epoch: queued_epoch };
        assert_eq!(run(&mut s, &mut log, late).unwrap_err(), Rejection::StaleBotReply);
        assert_eq!(run(&mut s, &mut log, Command::ReturnToBot).unwrap(), None, "only a waiting customer goes back");
        audit(&log).unwrap();
        let mut bot_while_held = log.clone();
        let mut said = log[2].clone();
        said.seq = log.len() as u64 + 1;
        said.epoch = s.epoch;
        bot_while_held.push(said);
        assert!(audit(&bot_while_held).unwrap_err().contains("bot spoke"));
    }

    #[test]
    fn a_waiting_customer_keeps_chatting_with_the_bot_or_leaves_a_message() {
        let (mut s, mut log) = (ConversationState::default(), Vec::new());
        run(&mut s, &mut log, Command::RequestHuman { reason: ModeReason::CustomerAsked, computed_at_epoch: None })
            .unwrap();
        let back = run(&mut s, &mut log, Command::ReturnToBot).unwrap().unwrap();
        assert_eq!((s.mode, back.epoch, back.author), (Mode::Bot, 2, Author::Customer));
        run(&mut s, &mut log, Command::LeaveMessage { email: "a@b.test".into(), text: "call me".into() }).unwrap();
        run(&mut s, &mut log, Command::Close { by: Author::System, reason: ModeReason::LeftMessage }).unwrap();
        audit(&log).unwrap();
    }

    #[test]
    fn only_the_holder_speaks_and_hands_back() {
        let (mut s, mut log) = (ConversationState::default(), Vec::new());
        let sam = agent("a2", "Sam");
        let say = |a: &AgentInfo| Command::AgentSays { agent: a.clone(), text: "x".into() };
        assert_eq!(run(&mut s, &mut log, say(&sam)).unwrap_err(), Rejection::NotHolder { holder: None });
        run(&mut s, &mut log, Command::TakeOver { agent: agent("a1", "Dana") }).unwrap();
        assert_eq!(
            run(&mut s, &mut log, say(&sam)).unwrap_err(),
            Rejection::NotHolder { holder: Some(agent("a1", "Dana")) }
        );
        assert!(run(&mut s, &mut log, Command::HandBack { agent_id: "a2".into() }).is_err());
        // Private notes are fine for anyone.
        run(&mut s, &mut log, Command::AgentNote { agent: sam, text: "fyi".into() }).unwrap();
        audit(&log).unwrap();
    }

    #[test]
    fn ratings_are_one_to_five_and_closed_is_final() {
        let (mut s, mut log) = (ConversationState::default(), Vec::new());
        assert_eq!(run(&mut s, &mut log, Command::Rate { score: 0 }).unwrap_err(), Rejection::InvalidRating);
        assert_eq!(run(&mut s, &mut log, Command::Rate { score: 6 }).unwrap_err(), Rejection::InvalidRating);
        run(&mut s, &mut log, Command::Close { by: Author::Customer, reason: ModeReason::CustomerEnded }).unwrap();
        assert_eq!(run(&mut s, &mut log, Command::CustomerSays { text: "x".into() }).unwrap_err(), Rejection::Closed);
        let again = Command::Close { by: Author::System, reason: ModeReason::Inactive };
        assert_eq!(run(&mut s, &mut log, again).unwrap_err(), Rejection::Closed);
        run(&mut s, &mut log, Command::Rate { score: 4 }).unwrap();
    }

    #[test]
    fn audit_catches_broken_transcripts() {
        let dana = agent("a1", "Dana");
        let ev = |seq, epoch, author, body| Event { seq, ts: 0, epoch, author, body, client_id: None };
        let takeover = |who: &AgentInfo, epoch| {
            ev(
                0,
                epoch,
                Author::Agent(who.clone()),
                EventBody::Mode { mode: Mode::Human, holder: Some(who.clone()), reason: ModeReason::AgentTookOver },
            )
        };
        let bot = |seq, epoch| ev(seq, epoch, Author::Bot, EventBody::Text { text: "x".into(), bot: Some(meta()) });

        let mut t = takeover(&dana, 1);
        t.seq = 1;
        assert!(audit(&[t.clone(), bot(2, 1)]).unwrap_err().contains("bot spoke"));
        assert!(audit(&[bot(1, 0), bot(3, 0)]).unwrap_err().contains("follows"));
        let mut t2 = takeover(&agent("a2", "Sam"), 2);
        t2.seq = 2;
        assert!(audit(&[t, t2]).unwrap_err().contains("took over from"));
    }
}
