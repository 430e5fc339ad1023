//! The engine of one conversation: frames in, commits through the store, effects out.
//!
//! Every command runs `decide` → store the event → `apply` → ack → announce, and what follows
//! from it (the brain's memory, the bot's answer or an escalation) in the same call, so nothing
//! interleaves (guarantees 1 to 4 of ARCHITECTURE.md).

use std::cell::RefCell;

use baton_brain::absence::{self, Absence};
use baton_brain::answer::{self, BotReply};
use baton_brain::compliance;
use baton_brain::text::Language;
use baton_brain::watch::{Escalation, Heard, Watch};
use baton_shared::limits::{INSIGHT_WINDOW, MAX_EVENTS_PER_CONVERSATION, TRANSCRIPT_PAGE, WELCOME_EVENTS};
use baton_shared::text::{validate_client_id, validate_email, validate_message_text};
use baton_shared::{
    AgentInfo, ApiError, Author, BotMeta, ClientFrame, Command, ConversationView, ErrorCode, Event, EventBody, Mode,
    ModeReason, Rejection, Role, ServerFrame, VisitorInfo, check_protocol, decode_client_frame,
};

use crate::Caller;
use crate::admission::{Admission, Admissions};
use crate::brain::{Brain, FALLBACK_BOT_NAME};
use crate::effects::{Effects, Out};
use crate::failure::{Failure, Handled, OrFailed};
use crate::model::{self, ModelAnswer, Purpose};
use crate::publish::Changes;
use crate::record::Record;
use crate::store::Store;

/// The socket an input arrived on, as the shell knows it from the socket's attachment.
pub struct Socket<'a> {
    /// Identifies the socket for its rate budgets.
    pub id: &'a str,
    pub caller: &'a Caller,
    /// The socket said `hello` and receives live events.
    pub greeted: bool,
}

/// A WebSocket message as it arrived.
pub enum Incoming<'a> {
    Text(&'a str),
    Binary,
}

/// What committing a command came to.
pub(crate) enum Outcome {
    /// The event was stored; `record` is the state after it.
    Committed { event: Box<Event>, record: Box<Record> },
    /// A resend: this client id is already stored under `seq`.
    Duplicate { seq: u64 },
    /// Nothing to store (a second request for a person, a repeated takeover).
    Unchanged { last_seq: u64 },
}

impl Outcome {
    fn committed(self) -> Option<(Event, Box<Record>)> {
        match self {
            Outcome::Committed { event, record } => Some((*event, record)),
            _ => None,
        }
    }
}

/// One input being handled: the brain it is judged by, the time, what is due to be delivered
/// and what changed for the agents' view (published once, at the end).
pub(crate) struct Turn<'b> {
    pub brain: &'b Brain,
    pub now: u64,
    pub fx: Effects,
    pub changes: Changes,
}

pub struct Engine<S> {
    pub(crate) store: S,
    admissions: Admissions,
    /// When the alert alarm was last set for, so each change does not set it again.
    pub(crate) alarm_at: Option<u64>,
    /// The record as this engine last read or stored it. The engine is its store's only writer
    /// while it lives (one object, one engine), so reads after the first need no query; any
    /// failed write forgets it, so the next read loads and catches up again.
    known: RefCell<Option<Record>>,
}

impl<S: Store> Engine<S> {
    pub fn new(store: S) -> Self {
        Engine { store, admissions: Admissions::default(), alarm_at: None, known: RefCell::new(None) }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// The store back, as when the object is evicted: a new engine starts from what it holds.
    pub fn into_store(self) -> S {
        self.store
    }

    // ---- inputs ----------------------------------------------------------------------------

    /// The worker starts (or resumes) the conversation; `previous` is the visitor's closed
    /// conversation this one follows, if any.
    pub fn init(&mut self, brain: &Brain, start: Start, now: u64) -> Effects {
        let mut turn = Turn::new(brain, now);
        let created = (|| -> Handled<()> {
            if self.store.record().or_failed("loading the conversation")?.is_none() {
                let mut record = Record::new(&start.site, &start.conversation, start.visitor, &brain.bot_name, now);
                record.previous = start.previous;
                self.store.create(&record).or_failed("creating the conversation")?;
            }
            Ok(())
        })();
        match created {
            Ok(()) => {
                turn.changes.touched = true;
                self.finish(turn, Ok(()), None)
            }
            Err(failure) => self.finish(turn, Err(failure), None),
        }
    }

    /// A WebSocket message from `socket`.
    pub fn receive(&mut self, brain: &Brain, socket: &Socket, message: Incoming, now: u64) -> Effects {
        let frame = match message {
            Incoming::Text(text) => decode_client_frame(text),
            Incoming::Binary => {
                Err(ApiError::new(ErrorCode::BadRequest, "binary frames are not supported; send JSON text"))
            }
        };
        let mut turn = Turn::new(brain, now);
        match self.admissions.admit(socket.id, &socket.caller.party(), &frame, now) {
            Admission::Admit => {}
            Admission::Drop => return turn.fx,
            Admission::Refuse(err) => {
                let client_id = frame.as_ref().ok().and_then(ClientFrame::client_id).map(str::to_string);
                turn.fx.to_sender(ServerFrame::error(err, client_id));
                return turn.fx;
            }
        }
        let frame = match frame {
            Ok(frame) => frame,
            Err(err) => {
                turn.fx.to_sender(ServerFrame::error(err, None));
                return turn.fx;
            }
        };
        let client_id = frame.client_id().map(str::to_string);
        let result = self.frame(&mut turn, socket, frame);
        self.finish(turn, result, client_id)
    }

    /// The alarm fired: time-based alert rules ("unresolved after N minutes") are due, or the
    /// conversation has been quiet for the site's inactivity time and closes.
    pub fn alarm(&mut self, brain: &Brain, now: u64) -> Effects {
        self.alarm_at = None;
        let mut turn = Turn::new(brain, now);
        turn.changes.touched = true;
        let result = self.record().and_then(|record| {
            let quiet = record.state.mode != Mode::Closed
                && brain.desk.inactive_at(record.last_message_at).is_some_and(|at| at <= now);
            if quiet {
                let cmd = Command::Close { by: Author::System, reason: ModeReason::Inactive };
                self.run(&mut turn, &Caller::Customer, cmd, None)?;
            }
            Ok(())
        });
        self.finish(turn, result, None)
    }

    /// The shell could not set the alarm the last effects asked for; the next change retries.
    pub fn alarm_not_set(&mut self) {
        self.alarm_at = None;
    }

    /// A language model call came back.
    pub fn model_answered(&mut self, brain: &Brain, answer: ModelAnswer, now: u64) -> Effects {
        let mut turn = Turn::new(brain, now);
        let result = match answer.purpose {
            Purpose::Word { decided, epoch } => {
                // A model can be talked into anything; what it says passes the site's compliance
                // rules, or the article's own answer is said instead.
                let usable = model::usable(&answer.answer).filter(|text| {
                    let issues = compliance::check(&brain.rules.compliance, text);
                    if !issues.is_empty() {
                        let reasons: Vec<&str> = issues.iter().map(|i| i.reason.as_str()).collect();
                        turn.fx.warn(format!("language model: refused its wording ({})", reasons.join("; ")));
                    }
                    issues.is_empty()
                });
                let worded = match (usable, &decided) {
                    (Some(text), BotReply::Answer { confidence, article_id, article_title, .. }) => BotReply::Answer {
                        text,
                        confidence: *confidence,
                        article_id: article_id.clone(),
                        article_title: article_title.clone(),
                    },
                    _ => {
                        if let Err(why) = &answer.answer {
                            turn.fx.warn(format!("language model: {why}; answering from the knowledge base"));
                        }
                        decided.clone()
                    }
                };
                self.bot_says(&mut turn, worded, confident(&decided), epoch)
            }
            Purpose::Briefing | Purpose::Draft => {
                if let Err(why) = &answer.answer {
                    turn.fx.warn(format!("language model: {why}"));
                }
                self.remember_model_insight(&mut turn, &answer.purpose, model::usable(&answer.answer))
            }
        };
        self.finish(turn, result, None)
    }

    /// The desk gives the queued conversation to `agent` (routing in `auto` mode, or an offer
    /// the agent accepted): a takeover exactly like "Take over", refused with `stale_epoch` if
    /// the conversation left the queue since the desk decided, or `already_held` if someone
    /// took it.
    pub fn assign(&mut self, brain: &Brain, agent: &AgentInfo, now: u64) -> Effects {
        let mut turn = Turn::new(brain, now);
        let result = self.record().and_then(|record| match record.state.mode {
            Mode::Queued => {
                let caller = Caller::Agent(agent.clone());
                self.run(&mut turn, &caller, Command::TakeOver { agent: agent.clone() }, None).map(|_| ())
            }
            Mode::Human => {
                let holder = record.state.holder.unwrap_or_else(|| agent.clone());
                Err(Rejection::AlreadyHeld { holder }.to_api_error().into())
            }
            _ => {
                Err(ApiError::new(ErrorCode::StaleEpoch, "the conversation left the queue before it was assigned")
                    .into())
            }
        });
        self.finish(turn, result, None)
    }

    /// The desk says where the queued customer stands: sent to their sockets, and kept for a
    /// reconnect. Ignored once the conversation has left the queue.
    pub fn queue_place(&mut self, position: u32, estimate_s: Option<u32>) -> Effects {
        let mut fx = Effects::default();
        let kept = self.record().and_then(|mut record| {
            if record.state.mode != Mode::Queued {
                return Ok(false);
            }
            record.place = Some((position, estimate_s));
            self.keep(&record).map(|()| true)
        });
        match kept {
            Ok(true) => fx.out.push(Out::ToCustomers(ServerFrame::QueuePlace { position, estimate_s })),
            Ok(false) => {}
            Err(failure) => fx.warn(failure.detail.unwrap_or(failure.error.message)),
        }
        fx
    }

    /// The host page said who the visitor is, verified or not as the edge found: the name,
    /// email, attributes and user id replace what the conversation knew (the page and locale
    /// stay), and the row and flags follow.
    pub fn identify(&mut self, brain: &Brain, visitor: VisitorInfo, now: u64) -> Effects {
        let mut turn = Turn::new(brain, now);
        let result = self.record().and_then(|mut record| {
            let VisitorInfo { page, locale, .. } = std::mem::take(&mut record.visitor);
            record.visitor = VisitorInfo { page, locale, user_hash: None, ..visitor };
            self.keep(&record)?;
            turn.changes.touched = true;
            Ok(())
        });
        self.finish(turn, result, None)
    }

    /// The holder gives the conversation to a colleague or back to the queue, with a private
    /// note for the next agent; the bot stays silent throughout.
    pub fn transfer(
        &mut self,
        brain: &Brain,
        from: &AgentInfo,
        to: TransferTo,
        note: Option<&str>,
        now: u64,
    ) -> Effects {
        let mut turn = Turn::new(brain, now);
        let result = self.transfer_in(&mut turn, from, to, note);
        self.finish(turn, result, None)
    }

    fn transfer_in(&mut self, turn: &mut Turn, from: &AgentInfo, to: TransferTo, note: Option<&str>) -> Handled<()> {
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if let Some(note) = note {
            validate_message_text(note)?;
        }
        let (target, skill) = match to {
            TransferTo::Agent(agent) => (Some(agent), None),
            TransferTo::Queue { skill } => (None, skill),
        };
        let caller = Caller::Agent(from.clone());
        let cmd = Command::Transfer { from_agent_id: from.id.clone(), to: target.clone() };
        if self.run(turn, &caller, cmd, None)?.committed().is_none() {
            return Ok(());
        }
        if skill.is_some() {
            let mut record = self.record()?;
            record.required_skill = skill.clone();
            self.keep(&record)?;
        }
        let to = match (&target, &skill) {
            (Some(agent), _) => agent.name.clone(),
            (None, Some(skill)) => format!("the queue for {skill}"),
            (None, None) => "the queue".to_string(),
        };
        let text = match note {
            Some(note) => format!("Transferred to {to}. Note for the next agent: {note}"),
            None => format!("Transferred to {to}."),
        };
        self.run(turn, &caller, Command::AgentNote { agent: from.clone(), text }, None)?;
        Ok(())
    }

    /// A supervisor gives the conversation to `to`, as they saw it at `seen_epoch`; refused with
    /// `stale_epoch` if it changed hands since.
    pub fn reassign(&mut self, brain: &Brain, by: &AgentInfo, to: &AgentInfo, seen_epoch: u64, now: u64) -> Effects {
        let mut turn = Turn::new(brain, now);
        let cmd = Command::Reassign { by: by.clone(), to: to.clone(), seen_epoch };
        let result = self.run(&mut turn, &Caller::Agent(by.clone()), cmd, None).map(|_| ());
        self.finish(turn, result, None)
    }

    /// The desk takes the conversation back from an agent who went offline: queued again,
    /// with a note saying why for the next agent. Nothing happens if they no longer hold it.
    pub fn requeue(&mut self, brain: &Brain, agent_id: &str, note: &str, now: u64) -> Effects {
        let mut turn = Turn::new(brain, now);
        let result = (|| {
            if self
                .run(&mut turn, &Caller::Customer, Command::Requeue { agent_id: agent_id.to_string() }, None)?
                .committed()
                .is_some()
            {
                self.run(&mut turn, &Caller::Customer, Command::SystemNote { text: note.to_string() }, None)?;
            }
            Ok(())
        })();
        self.finish(turn, result, None)
    }

    /// The conversation ends for `reason`, closed by the system (not by either side).
    pub fn close(&mut self, brain: &Brain, reason: ModeReason, now: u64) -> Effects {
        let mut turn = Turn::new(brain, now);
        let cmd = Command::Close { by: Author::System, reason };
        let result = self.run(&mut turn, &Caller::Customer, cmd, None).map(|_| ());
        self.finish(turn, result, None)
    }

    /// The socket closed.
    pub fn socket_closed(&mut self, socket_id: &str) {
        self.admissions.forget(socket_id);
    }

    // ---- reads -----------------------------------------------------------------------------

    /// The conversation's record. The event log is the truth: should the stored record lag
    /// behind it (a write cut short), it catches up here.
    pub fn record(&self) -> Handled<Record> {
        if let Some(record) = self.known.borrow().as_ref() {
            return Ok(record.clone());
        }
        let mut record = self
            .store
            .record()
            .or_failed("loading the conversation")?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such conversation"))?;
        let behind = self.store.events_after(record.state.last_seq).or_failed("reading the transcript")?;
        if !behind.is_empty() {
            for event in &behind {
                record.apply(event);
            }
            self.store.save(&record).or_failed("storing the conversation state")?;
        }
        *self.known.borrow_mut() = Some(record.clone());
        Ok(record)
    }

    /// The state and one page of the events `caller` may see: those after `after`, at most
    /// `TRANSCRIPT_PAGE`, with the seq to ask after for the next page if there is one.
    pub fn transcript(&self, caller: &Caller, after: u64) -> Handled<(ConversationView, Vec<Event>, Option<u64>)> {
        let record = self.record()?;
        let mut events = self.store.events_page(after, TRANSCRIPT_PAGE).or_failed("reading the transcript")?;
        let next = events.last().map(|e| e.seq).filter(|&last| last < record.state.last_seq);
        if *caller == Caller::Customer {
            events.retain(Event::visible_to_customer);
        }
        Ok((record.view(), events, next))
    }

    // ---- frames ----------------------------------------------------------------------------

    fn frame(&mut self, turn: &mut Turn, socket: &Socket, frame: ClientFrame) -> Handled<()> {
        let caller = socket.caller;
        match frame {
            ClientFrame::Ping => {
                turn.fx.to_sender(ServerFrame::Pong);
                return Ok(());
            }
            ClientFrame::Hello { protocol, last_seq } => {
                check_protocol(protocol)?;
                return self.welcome(turn, caller, last_seq);
            }
            _ if !socket.greeted => {
                return Err(ApiError::new(ErrorCode::HelloRequired, "send hello before anything else").into());
            }
            _ => {}
        }
        match (frame, caller) {
            (ClientFrame::Typing { on }, Caller::Customer) => {
                turn.fx.out.push(Out::Typing { author: Author::Customer, on, customer_may_see: false });
            }
            (ClientFrame::Typing { on }, Caller::Agent(agent)) => {
                let holds = self.record()?.state.holder.is_some_and(|h| h.id == agent.id);
                turn.fx.out.push(Out::Typing { author: Author::Agent(agent.clone()), on, customer_may_see: holds });
            }
            (ClientFrame::Send { client_id, text, .. }, Caller::Customer) => {
                validate_client_id(&client_id)?;
                let text = validate_message_text(&text)?;
                self.customer_says(turn, client_id, text)?;
            }
            (ClientFrame::Send { client_id, text, send_anyway }, Caller::Agent(agent)) => {
                validate_client_id(&client_id)?;
                let text = validate_message_text(&text)?;
                self.agent_says(turn, agent, client_id, text, send_anyway)?;
            }
            (ClientFrame::Note { client_id, text }, Caller::Agent(agent)) => {
                validate_client_id(&client_id)?;
                let text = validate_message_text(&text)?;
                self.run(turn, caller, Command::AgentNote { agent: agent.clone(), text }, Some(client_id))?;
            }
            (ClientFrame::RequestHuman { client_id }, Caller::Customer) => {
                validate_client_id(&client_id)?;
                let cmd = Command::RequestHuman { reason: ModeReason::CustomerAsked, computed_at_epoch: None };
                if self.run(turn, caller, cmd, Some(client_id))?.committed().is_some() {
                    // "Talk to a person" raises the same flag and alert as asking in words.
                    let mut watch = self.store.watch().or_failed("reading the watch")?;
                    if !watch.asked_for_person {
                        watch.asked_for_person = true;
                        self.store.save_watch(&watch).or_failed("storing the watch")?;
                    }
                }
            }
            (ClientFrame::Rate { client_id, score }, Caller::Customer) => {
                validate_client_id(&client_id)?;
                self.run(turn, caller, Command::Rate { score }, Some(client_id))?;
            }
            (ClientFrame::End { client_id }, Caller::Customer) => {
                validate_client_id(&client_id)?;
                let cmd = Command::Close { by: Author::Customer, reason: ModeReason::CustomerEnded };
                self.run(turn, caller, cmd, Some(client_id))?;
            }
            (ClientFrame::Resolve { note }, Caller::Agent(agent)) => self.resolve(turn, agent, note.as_deref())?,
            (ClientFrame::KeepChatting { client_id }, Caller::Customer) => {
                validate_client_id(&client_id)?;
                self.run(turn, caller, Command::ReturnToBot, Some(client_id))?;
            }
            (ClientFrame::LeaveMessage { client_id, email, text }, Caller::Customer) => {
                validate_client_id(&client_id)?;
                self.leave_message(turn, client_id, email, text)?;
            }
            (ClientFrame::TakeOver, Caller::Agent(agent)) => {
                self.run(turn, caller, Command::TakeOver { agent: agent.clone() }, None)?;
            }
            (ClientFrame::HandBack, Caller::Agent(agent)) => self.hand_back(turn, caller, agent)?,
            (
                ClientFrame::Note { .. } | ClientFrame::TakeOver | ClientFrame::HandBack | ClientFrame::Resolve { .. },
                Caller::Customer,
            ) => {
                return Err(ApiError::new(ErrorCode::Forbidden, "only agents can do this").into());
            }
            (
                ClientFrame::RequestHuman { .. }
                | ClientFrame::Rate { .. }
                | ClientFrame::End { .. }
                | ClientFrame::KeepChatting { .. }
                | ClientFrame::LeaveMessage { .. },
                Caller::Agent(_),
            ) => {
                return Err(ApiError::new(ErrorCode::Forbidden, "only the customer can do this").into());
            }
            (ClientFrame::Ping | ClientFrame::Hello { .. }, _) => {}
        }
        Ok(())
    }

    /// Answers `hello` with the state and exactly the events after `last_seq` this socket may
    /// see; from then on the socket receives live events, so no event slips between the gap
    /// and the stream.
    fn welcome(&mut self, turn: &mut Turn, caller: &Caller, last_seq: u64) -> Handled<()> {
        let record = self.record()?;
        let role = match caller {
            Caller::Customer => Role::Customer,
            Caller::Agent(_) => Role::Agent,
        };
        let insight = match role {
            Role::Agent => self.store.insight().or_failed("reading the insight")?,
            Role::Customer => None,
        };
        // A long gap brings its newest events; `earlier` says to page the rest from /transcript.
        let mut events = if last_seq >= record.state.last_seq {
            Vec::new()
        } else {
            self.store.recent_events(last_seq, WELCOME_EVENTS).or_failed("reading the gap")?
        };
        let earlier = events.first().is_some_and(|first| first.seq > last_seq + 1);
        if role == Role::Customer {
            events.retain(Event::visible_to_customer);
        }
        let bot_name = [&turn.brain.bot_name, &record.bot_name]
            .into_iter()
            .find(|name| !name.is_empty())
            .map_or_else(|| FALLBACK_BOT_NAME.to_string(), |name| name.clone());
        let queued = record.state.mode == Mode::Queued;
        turn.fx.to_sender(ServerFrame::Welcome {
            conversation_id: record.conversation.clone(),
            role,
            state: record.view(),
            events,
            bot_name,
            insight,
            earlier,
        });
        if let (Role::Customer, true, Some((position, estimate_s))) = (role, queued, record.place) {
            turn.fx.to_sender(ServerFrame::QueuePlace { position, estimate_s });
        }
        turn.fx.greeted = true;
        Ok(())
    }

    /// A customer message; while the bot holds the conversation, the bot's turn follows.
    fn customer_says(&mut self, turn: &mut Turn, client_id: String, text: String) -> Handled<()> {
        let cmd = Command::CustomerSays { text: text.clone() };
        let Some((event, record)) = self.run(turn, &Caller::Customer, cmd, Some(client_id))?.committed() else {
            return Ok(());
        };
        let mut watch = self.store.watch().or_failed("reading the watch")?;
        let heard = watch.customer_said(&text, &turn.brain.rules);
        match record.state.mode {
            Mode::Bot => self.bot_turn(turn, &mut watch, &text, &heard, event.epoch),
            Mode::Queued if turn.brain.desk.bot_answers_while_queued => {
                self.store.save_watch(&watch).or_failed("storing the watch")?;
                self.answer_while_waiting(turn, &text, &heard, event.epoch)
            }
            _ => self.store.save_watch(&watch).or_failed("storing the watch"),
        }
    }

    /// While the customer waits for a person the bot answers only what an article answers, led
    /// in by a line saying a person is still coming; the rest waits for the person. Committed
    /// under `epoch`, so a takeover landing first silences it (guarantee 3).
    fn answer_while_waiting(&mut self, turn: &mut Turn, text: &str, heard: &Heard, epoch: u64) -> Handled<()> {
        let brain = turn.brain;
        let reply = answer::respond(&brain.knowledge, &brain.bot_name, text, heard.intent, self.speaking(text)?);
        if !matches!(reply, BotReply::Answer { .. }) {
            return Ok(());
        }
        let (said, meta) = reply.message();
        let language = self.language()?;
        let cmd = Command::BotSays {
            text: format!("{}{said}", absence::while_waiting(language)),
            meta,
            computed_at_epoch: epoch,
        };
        match self.run(turn, &Caller::Customer, cmd, None) {
            Err(failure) if failure.error.code == ErrorCode::StaleEpoch => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// The language of the bot's own sentences: the widget's, else the customer's `words`
    /// (`Language::speaking`).
    fn speaking(&self, words: &str) -> Handled<Language> {
        Ok(Language::speaking(self.record()?.visitor.locale.as_deref(), words))
    }

    /// `speaking`, with what the customer said lately as their words.
    fn language(&self) -> Handled<Language> {
        let watch = self.store.watch().or_failed("reading the watch")?;
        self.speaking(&watch.recent.join(" "))
    }

    /// The desk says no person can come now: the bot tells the waiting customer why, in their
    /// language, and offers to leave a message or keep chatting. Once per wait; nothing if the
    /// conversation left the queue meanwhile.
    pub fn no_agent(&mut self, brain: &Brain, why: Absence, now: u64) -> Effects {
        let mut turn = Turn::new(brain, now);
        let result = (|| -> Handled<()> {
            let record = self.record()?;
            if record.state.mode != Mode::Queued || self.offered_since(record.state.epoch)? {
                return Ok(());
            }
            let language = self.language()?;
            let text = absence::no_agent_message(language, &why);
            let cmd = Command::NoAgent { text, computed_at_epoch: record.state.epoch };
            self.run(&mut turn, &Caller::Customer, cmd, None).map(|_| ())
        })();
        self.finish(turn, result, None)
    }

    /// Whether the customer was already told nobody can come since the epoch began.
    fn offered_since(&self, epoch: u64) -> Handled<bool> {
        let events = self.store.recent_events(0, INSIGHT_WINDOW).or_failed("reading the transcript")?;
        Ok(events.iter().rev().take_while(|e| e.epoch == epoch).any(|e| matches!(e.body, EventBody::NoAgent { .. })))
    }

    /// The customer leaves a message for the team instead of waiting: stored with their email,
    /// thanked for in their language, and the conversation closes (unless a person took it
    /// meanwhile, who then answers in the chat).
    fn leave_message(&mut self, turn: &mut Turn, client_id: String, email: String, text: String) -> Handled<()> {
        let email = validate_email(&email)?;
        let text = validate_message_text(&text)?;
        let cmd = Command::LeaveMessage { email: email.clone(), text };
        let Some((event, record)) = self.run(turn, &Caller::Customer, cmd, Some(client_id))?.committed() else {
            return Ok(());
        };
        if record.state.mode == Mode::Human {
            return Ok(());
        }
        let language = self.language()?;
        let meta = BotMeta { confidence: 1.0, article_id: None, article_title: None };
        let thanks = absence::message_left(language, &email);
        self.run(
            turn,
            &Caller::Customer,
            Command::BotSays { text: thanks, meta, computed_at_epoch: event.epoch },
            None,
        )?;
        let close = Command::Close { by: Author::System, reason: ModeReason::LeftMessage };
        self.run(turn, &Caller::Customer, close, None)?;
        Ok(())
    }

    /// A hand-back; a customer message nobody answered yet is the bot's to answer. It is read
    /// before the hand-back commits, in the same call: a message landing after it is in bot
    /// mode and answered there, so each message gets exactly one answer.
    fn hand_back(&mut self, turn: &mut Turn, caller: &Caller, agent: &AgentInfo) -> Handled<()> {
        let waiting = self.waiting_customer_text()?;
        let cmd = Command::HandBack { agent_id: agent.id.clone() };
        let Some((event, _)) = self.run(turn, caller, cmd, None)?.committed() else { return Ok(()) };
        let Some(text) = waiting else { return Ok(()) };
        let mut watch = self.store.watch().or_failed("reading the watch")?;
        let heard = watch.heard_last(&text, &turn.brain.rules);
        self.bot_turn(turn, &mut watch, &text, &heard, event.epoch)
    }

    /// The bot's turn on a customer message, committed under `epoch`: an escalation if a
    /// trigger says a person should take it, else its answer (worded by the site's model first,
    /// if it has one and the answer quotes an article). The one path for every bot answer.
    fn bot_turn(&mut self, turn: &mut Turn, watch: &mut Watch, text: &str, heard: &Heard, epoch: u64) -> Handled<()> {
        let brain = turn.brain;
        let reply = answer::respond(&brain.knowledge, &brain.bot_name, text, heard.intent, self.speaking(text)?);
        let escalation = watch.escalation(&brain.rules.escalation, heard, confident(&reply));
        if let Some(escalation) = &escalation {
            watch.escalated_because = Some(escalation.explanation());
        }
        // A conversation past its hour's model calls is answered by the knowledge base alone.
        let call = match escalation {
            Some(_) => None,
            None => model::word(brain, &reply, text, epoch).filter(|call| model::spend(watch, call, turn.now)),
        };
        self.store.save_watch(watch).or_failed("storing the watch")?;
        if let Some(escalation) = escalation {
            return self.escalate(turn, text, escalation, epoch);
        }
        match call {
            Some(call) => {
                turn.fx.model_calls.push(call);
                Ok(())
            }
            None => {
                let is_confident = confident(&reply);
                self.bot_says(turn, reply, is_confident, epoch)
            }
        }
    }

    /// Says the bot's reply. The state machine refuses it if a takeover (or any mode change)
    /// landed since `epoch`; then it is kept as a note only agents see.
    fn bot_says(&mut self, turn: &mut Turn, reply: BotReply, is_confident: bool, epoch: u64) -> Handled<()> {
        let (said, meta) = reply.message();
        let confidence = matches!(reply, BotReply::Answer { .. } | BotReply::NotSure { .. }).then_some(meta.confidence);
        let cmd = Command::BotSays { text: said.clone(), meta, computed_at_epoch: epoch };
        let outcome = match self.run(turn, &Caller::Customer, cmd, None) {
            Err(failure) if failure.error.code == ErrorCode::StaleEpoch => {
                self.run(turn, &Caller::Customer, Command::BotDraft { text: said }, None)?
            }
            other => other?,
        };
        if let Some((event, _)) = outcome.committed()
            && matches!(event.body, EventBody::Text { .. })
        {
            let noted = (|| -> Handled<()> {
                let mut watch = self.store.watch().or_failed("reading the watch")?;
                watch.bot_replied(confidence, is_confident);
                self.store.save_watch(&watch).or_failed("storing the watch")
            })();
            if let Err(failure) = noted {
                turn.fx.warn(failure.detail.unwrap_or(failure.error.message));
            }
        }
        Ok(())
    }

    /// A trigger fired: the bot tells the customer a person is coming and queues the
    /// conversation. Both are refused if the mode moved on since `epoch`.
    fn escalate(&mut self, turn: &mut Turn, text: &str, escalation: Escalation, epoch: u64) -> Handled<()> {
        let said = Command::BotSays {
            text: escalation.customer_message(self.speaking(text)?),
            meta: BotMeta { confidence: 1.0, article_id: None, article_title: None },
            computed_at_epoch: epoch,
        };
        let queue = Command::RequestHuman { reason: escalation.mode_reason(), computed_at_epoch: Some(epoch) };
        for cmd in [said, queue] {
            match self.run(turn, &Caller::Customer, cmd, None) {
                Ok(_) => {}
                Err(failure) if failure.error.code == ErrorCode::StaleEpoch => return Ok(()),
                Err(failure) => return Err(failure),
            }
        }
        Ok(())
    }

    /// An agent's reply, checked against the site's compliance rules first. A warned draft is
    /// not stored; sent anyway, it is stored with a private note saying what was overridden.
    fn agent_says(
        &mut self,
        turn: &mut Turn,
        agent: &AgentInfo,
        client_id: String,
        text: String,
        send_anyway: bool,
    ) -> Handled<()> {
        let issues = compliance::check(&turn.brain.rules.compliance, &text);
        if !issues.is_empty() && !send_anyway {
            turn.fx.to_sender(ServerFrame::ComplianceWarning { client_id, issues });
            return Ok(());
        }
        let caller = Caller::Agent(agent.clone());
        let cmd = Command::AgentSays { agent: agent.clone(), text };
        let committed = self.run(turn, &caller, cmd, Some(client_id))?.committed().is_some();
        if committed && !issues.is_empty() {
            let reasons: Vec<&str> = issues.iter().map(|i| i.reason.as_str()).collect();
            let text = format!("Sent despite a compliance warning: {}.", reasons.join("; "));
            self.run(turn, &caller, Command::AgentNote { agent: agent.clone(), text }, None)?;
        }
        Ok(())
    }

    /// The holder resolves the conversation; their note, if any, is kept for agents and the
    /// history just before the close. Nothing is stored unless they hold it.
    fn resolve(&mut self, turn: &mut Turn, agent: &AgentInfo, note: Option<&str>) -> Handled<()> {
        let record = self.record()?;
        if record.state.mode == Mode::Closed {
            return Err(Rejection::Closed.to_api_error().into());
        }
        if !record.state.holds(&agent.id) {
            let holder = record.state.holder.filter(|_| record.state.mode == Mode::Human);
            return Err(Rejection::NotHolder { holder }.to_api_error().into());
        }
        let caller = Caller::Agent(agent.clone());
        if let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) {
            let note = validate_message_text(note)?;
            let text = format!("Resolution: {note}");
            self.run(turn, &caller, Command::AgentNote { agent: agent.clone(), text }, None)?;
        }
        let cmd = Command::Close { by: Author::Agent(agent.clone()), reason: ModeReason::Resolved };
        self.run(turn, &caller, cmd, None)?;
        Ok(())
    }

    /// The customer's last message if nobody has answered it yet.
    fn waiting_customer_text(&self) -> Handled<Option<String>> {
        Ok(match self.store.last_spoken().or_failed("reading the last message")? {
            Some(Event { author: Author::Customer, body: EventBody::Text { text, .. }, .. }) => Some(text),
            _ => None,
        })
    }

    // ---- commits ---------------------------------------------------------------------------

    /// Commits a command, acks it to the sender if it carried a client id, and announces it.
    fn run(&mut self, turn: &mut Turn, caller: &Caller, cmd: Command, client_id: Option<String>) -> Handled<Outcome> {
        let outcome = self.commit(cmd, caller, client_id.clone(), turn.now)?;
        if let Some(client_id) = client_id {
            let seq = match &outcome {
                Outcome::Committed { event, .. } => event.seq,
                Outcome::Duplicate { seq } => *seq,
                Outcome::Unchanged { last_seq } => *last_seq,
            };
            turn.fx.to_sender(ServerFrame::Ack { client_id, seq });
        }
        if let Outcome::Committed { event, .. } = &outcome {
            turn.changes.saw(event);
            turn.fx.broadcast(Event::clone(event));
        }
        Ok(outcome)
    }

    /// `decide` → store → `apply`, with a resend answered from the store instead.
    fn commit(&mut self, cmd: Command, caller: &Caller, client_id: Option<String>, now: u64) -> Handled<Outcome> {
        let mut record = self.record()?;
        let key = client_id.as_deref().map(|id| caller.client_key(id));
        if let Some(key) = &key
            && let Some(seq) = self.store.seq_of(key).or_failed("looking up a resend")?
        {
            return Ok(Outcome::Duplicate { seq });
        }
        let says = matches!(cmd, Command::CustomerSays { .. } | Command::AgentSays { .. } | Command::AgentNote { .. });
        if says && record.state.last_seq >= MAX_EVENTS_PER_CONVERSATION {
            return Err(ApiError::new(
                ErrorCode::ConversationFull,
                "This conversation is as long as one can be. End it and start a new one to keep chatting.",
            )
            .into());
        }
        // The clock may step back; seqs order the transcript, but timestamps should not run backwards.
        let ts = now.max(record.updated_at);
        let Some(event) = record.state.decide(cmd, ts, client_id).map_err(|r| Failure::from(r.to_api_error()))? else {
            return Ok(Outcome::Unchanged { last_seq: record.state.last_seq });
        };
        // Until both writes succeed the stored record may lag the transcript: forget the kept
        // one, so the next read catches up from the store.
        self.known.borrow_mut().take();
        self.store.insert_event(&event, key.as_deref()).or_failed("storing the event")?;
        record.apply(&event);
        self.keep(&record)?;
        Ok(Outcome::Committed { event: Box::new(event), record: Box::new(record) })
    }

    /// Stores the record and keeps it as the one last read. A failed write keeps nothing, so
    /// the next read catches up from the store.
    fn keep(&self, record: &Record) -> Handled<()> {
        self.known.borrow_mut().take();
        self.store.save(record).or_failed("storing the conversation state")?;
        *self.known.borrow_mut() = Some(record.clone());
        Ok(())
    }

    /// Publishes what the input changed, then reports its failure, if any, to the sender.
    fn finish(&mut self, mut turn: Turn, result: Handled<()>, client_id: Option<String>) -> Effects {
        self.publish(&mut turn);
        if let Err(failure) = result {
            if let Some(detail) = failure.detail {
                turn.fx.warn(detail);
            }
            turn.fx.to_sender(ServerFrame::error(failure.error, client_id));
        }
        turn.fx
    }
}

impl<'b> Turn<'b> {
    fn new(brain: &'b Brain, now: u64) -> Self {
        Turn { brain, now, fx: Effects::default(), changes: Changes::default() }
    }
}

/// What starts a conversation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Start {
    pub site: String,
    pub conversation: String,
    pub visitor: VisitorInfo,
    /// The visitor's closed conversation this one follows.
    pub previous: Option<String>,
}

/// Where a transfer sends the conversation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransferTo {
    /// A named colleague, who holds it at once.
    Agent(AgentInfo),
    /// Back to the queue, needing this skill (anyone's with `None`).
    Queue { skill: Option<String> },
}

/// Whether a reply answers with confidence; "not sure" counts against the bot.
fn confident(reply: &BotReply) -> bool {
    matches!(reply, BotReply::Answer { .. } | BotReply::SmallTalk { .. })
}
