//! Drives the conversation engine itself, on its in-memory store, with random scripts of what
//! sockets, the alarm and a language model can do (resends, takeover races, hand-backs, model
//! answers arriving after the mode moved on, closes, hellos from any seq, garbage frames). After
//! every step the effects and the stored transcript are checked against the guarantees and a
//! small independent model of who should hold the conversation; `audit` checks the whole
//! transcript at the end.

#![no_main]

use std::collections::{HashMap, HashSet};

use arbitrary::Arbitrary;
use baton_brain::absence::Absence;
use baton_brain::knowledge::KnowledgeBase;
use baton_engine::{
    Brain, Caller, Effects, Engine, Incoming, MemoryStore, ModelCall, Out, Purpose, Socket, Start, TransferTo,
};
use baton_shared::limits::PROTOCOL_VERSION;
use baton_shared::machine::{ConversationState, Rejection, audit};
use baton_shared::{
    AgentInfo, Article, Author, ClientFrame, DeskSettings, ErrorCode, Event, EventBody, Mode, ModeReason,
    ModelSettings, ServerFrame, SiteRules, encode,
};
use libfuzzer_sys::fuzz_target;

/// Longer scripts add nothing new and make the checks after every step quadratic.
const MAX_STEPS: usize = 200;
/// Each step is a second later: every socket's rate budget refills between steps.
const STEP_MS: u64 = 1_000;
/// Short enough that scripts with waits reach it.
const INACTIVITY_S: u32 = 60;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Agent {
    A,
    B,
    C,
    /// A after changing their display name: same account, so the same holder.
    ARenamed,
    /// Another account with A's display name: a different holder.
    Namesake,
}

impl Agent {
    fn info(self) -> AgentInfo {
        let (id, name) = match self {
            Agent::A => ("a1", "Dana"),
            Agent::B => ("a2", "Sam"),
            Agent::C => ("a3", "Lee"),
            Agent::ARenamed => ("a1", "Dana R."),
            Agent::Namesake => ("a4", "Dana"),
        };
        AgentInfo { id: id.into(), name: name.into(), avatar: None }
    }
}

/// Few distinct ids, so unrelated frames also collide in the resend table.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct ClientId(u8);

impl ClientId {
    fn get(self) -> String {
        format!("c{}", self.0 % 6)
    }
}

/// What a customer writes, chosen to reach each path of the bot's turn.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Words {
    /// Matches the article: answered at once, or worded by the model first.
    Question,
    /// Matches nothing: "not sure".
    Chatter,
    /// Asks for a person in words: the bot escalates.
    WantsPerson,
    /// Angry, for the sentiment rules and flags.
    Angry,
}

impl Words {
    fn text(self) -> &'static str {
        match self {
            Words::Question => "How long does shipping take?",
            Words::Chatter => "purple elephants dance",
            Words::WantsPerson => "I want to talk to a real person",
            Words::Angry => "this is terrible, broken and damaged, worst service",
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Step {
    CustomerSends {
        id: ClientId,
        words: Words,
    },
    CustomerAsksForHuman {
        id: ClientId,
    },
    CustomerRates {
        id: ClientId,
        score: u8,
    },
    CustomerTyping,
    /// "End chat".
    CustomerEnds {
        id: ClientId,
    },
    /// "Resolve", by the holder or not, with a note or not.
    Resolve {
        agent: Agent,
        note: bool,
    },
    /// Nobody can come (the desk says): the bot tells a waiting customer so.
    NoAgent,
    /// The waiting customer keeps chatting with the bot.
    KeepChatting {
        id: ClientId,
    },
    /// The customer leaves a message, with an email that is valid or not.
    LeaveMessage {
        id: ClientId,
        valid: bool,
    },
    /// Time passes without a step: the alarm may find the conversation quiet for long enough.
    Wait {
        seconds: u8,
    },
    TakeOver(Agent),
    HandBack(Agent),
    AgentSends {
        agent: Agent,
        id: ClientId,
        risky: bool,
        anyway: bool,
    },
    AgentNote {
        agent: Agent,
        id: ClientId,
    },
    AgentTyping(Agent),
    /// A model call in flight comes back, with an answer or a failure.
    ModelAnswers {
        nth: u8,
        ok: bool,
    },
    /// A socket (re)connects and says hello from some seq.
    Hello {
        agent: Option<Agent>,
        last_seq: u8,
    },
    Alarm,
    Close,
    /// The desk assigns the conversation to an agent (routing, or an accepted offer).
    DeskAssigns(Agent),
    /// An agent (the holder or not) transfers it to a colleague, or to the queue with `None`.
    Transfer {
        from: Agent,
        to: Option<Agent>,
    },
    /// The desk takes it back from an agent who went offline.
    Requeue(Agent),
    /// A supervisor reassigns it, as they saw it now or one change ago.
    Reassign {
        to: Agent,
        stale: bool,
    },
    /// The same frame again, as a client does after a reconnect.
    Resend {
        nth: u8,
    },
    /// Anything at all on a socket.
    Garbage {
        raw: String,
        agent: bool,
    },
}

#[derive(Arbitrary, Debug)]
struct Script {
    with_model: bool,
    steps: Vec<Step>,
}

/// A frame that carried a client id, kept so it can be resent verbatim.
#[derive(Debug, Clone)]
struct Sent {
    caller: Caller,
    frame: ClientFrame,
}

/// What the guarantees say a command must do.
#[derive(Debug, PartialEq)]
enum Expect {
    Commit,
    Unchanged,
    Refuse(ErrorCode),
    /// Decided by rules the model does not restate (the compliance check).
    Any,
}

struct World {
    engine: Engine<MemoryStore>,
    brain: Brain,
    now: u64,
    /// The client key → seq table the guarantees promise: filled only when an event is stored.
    keys: HashMap<String, u64>,
    sent: Vec<Sent>,
    /// Model calls in flight, with the customer message a wording call answers.
    pending: Vec<(ModelCall, Option<u64>)>,
    /// Seqs of the customer messages the bot has answered.
    answered: HashSet<u64>,
    /// Who won the last takeover that has not been undone by a hand-back or close.
    winner: Option<AgentInfo>,
    mode_changes: u64,
    closed: bool,
}

fuzz_target!(|script: Script| {
    let mut world = World::new(script.with_model);
    for step in script.steps.into_iter().take(MAX_STEPS) {
        world.now += STEP_MS;
        world.step(step);
        world.check();
    }
    let events = world.events();
    if let Err(e) = audit(&events) {
        panic!("audit refused a transcript the engine produced: {e}\n{events:#?}");
    }
});

fn shipping() -> Article {
    Article {
        id: "shipping-times".into(),
        title: "Shipping times".into(),
        body: "Orders ship within two business days. Standard shipping takes 3 to 5 days.".into(),
        tags: vec!["shipping".into(), "delivery".into()],
        url: None,
    }
}

impl World {
    fn new(with_model: bool) -> World {
        let model = with_model.then(|| ModelSettings {
            endpoint: "https://model.test/v1/chat/completions".into(),
            model: "stand-in".into(),
            timeout_ms: 1,
            // The fuzzer checks the guarantees, not the budget: every answer may be worded.
            calls_per_hour: u32::MAX,
            calls_per_conversation_per_hour: u32::MAX,
        });
        let brain = Brain {
            bot_name: "Ava".into(),
            knowledge: KnowledgeBase::new(vec![shipping()]),
            model,
            rules: SiteRules::default(),
            desk: DeskSettings { inactivity_close_s: INACTIVITY_S, ..DeskSettings::default() },
        };
        let mut engine = Engine::new(MemoryStore::default());
        let fx = engine.init(&brain, Start { site: "shop".into(), conversation: "c1".into(), ..Start::default() }, 0);
        assert!(fx.events().next().is_none() && fx.dashboard.is_some(), "{fx:?}");
        World {
            engine,
            brain,
            now: 0,
            keys: HashMap::new(),
            sent: Vec::new(),
            pending: Vec::new(),
            answered: HashSet::new(),
            winner: None,
            mode_changes: 0,
            closed: false,
        }
    }

    fn events(&self) -> Vec<Event> {
        self.engine.store().events.borrow().clone()
    }

    fn state(&self) -> ConversationState {
        ConversationState::replay(&self.events())
    }

    fn step(&mut self, step: Step) {
        match step {
            Step::CustomerSends { id, words } => {
                self.send(Caller::Customer, ClientFrame::send(id.get(), words.text()));
            }
            Step::CustomerAsksForHuman { id } => {
                self.send(Caller::Customer, ClientFrame::RequestHuman { client_id: id.get() });
            }
            Step::CustomerRates { id, score } => {
                self.send(Caller::Customer, ClientFrame::Rate { client_id: id.get(), score });
            }
            Step::CustomerEnds { id } => {
                self.send(Caller::Customer, ClientFrame::End { client_id: id.get() });
            }
            Step::Resolve { agent, note } => {
                let note = note.then(|| "refunded".to_string());
                self.command(Caller::Agent(agent.info()), ClientFrame::Resolve { note }, None);
            }
            Step::Wait { seconds } => self.now += u64::from(seconds) * 1_000,
            Step::NoAgent => {
                let before = self.state();
                let fx = self.engine.no_agent(&self.brain, Absence::NobodyOnline, self.now);
                let committed: Vec<&Event> = fx.events().collect();
                assert!(committed.len() <= 1, "{fx:?}");
                if let Some(event) = committed.first() {
                    assert_eq!(before.mode, Mode::Queued, "told nobody can come outside the queue: {event:?}");
                    assert!(matches!(event.body, EventBody::NoAgent { .. }), "{event:?}");
                }
                self.take_effects(&before, &fx, None);
            }
            Step::KeepChatting { id } => {
                self.send(Caller::Customer, ClientFrame::KeepChatting { client_id: id.get() });
            }
            Step::LeaveMessage { id, valid } => {
                let email = if valid { "ana@example.com" } else { "ana@" };
                let frame =
                    ClientFrame::LeaveMessage { client_id: id.get(), email: email.into(), text: "call me".into() };
                self.send(Caller::Customer, frame);
            }
            Step::CustomerTyping => {
                let fx = self.frame(&Caller::Customer, &encode(&ClientFrame::Typing { on: true }));
                assert!(matches!(fx.out.as_slice(), [Out::Typing { customer_may_see: false, .. }] | []), "{fx:?}");
            }
            Step::TakeOver(agent) => {
                let agent = agent.info();
                self.command(Caller::Agent(agent), ClientFrame::TakeOver, None);
            }
            Step::HandBack(agent) => {
                let agent = agent.info();
                self.command(Caller::Agent(agent), ClientFrame::HandBack, None);
            }
            Step::AgentSends { agent, id, risky, anyway } => {
                let text = if risky { RISKY } else { "Happy to help with that" };
                let frame = ClientFrame::Send { client_id: id.get(), text: text.into(), send_anyway: anyway };
                self.send(Caller::Agent(agent.info()), frame);
            }
            Step::AgentNote { agent, id } => {
                self.send(Caller::Agent(agent.info()), ClientFrame::Note { client_id: id.get(), text: "note".into() });
            }
            Step::AgentTyping(agent) => {
                let agent = agent.info();
                let holds = self.winner.as_ref().is_some_and(|w| w.id == agent.id);
                let fx = self.frame(&Caller::Agent(agent), &encode(&ClientFrame::Typing { on: true }));
                if let [Out::Typing { customer_may_see, .. }] = fx.out.as_slice() {
                    assert_eq!(*customer_may_see, holds, "only the holder's typing reaches the customer");
                }
            }
            Step::ModelAnswers { nth, ok } => {
                if self.pending.is_empty() {
                    return;
                }
                let (call, answers) = self.pending.remove(usize::from(nth) % self.pending.len());
                let reply = if ok { Ok("Worded by the model.".to_string()) } else { Err("HTTP 500".to_string()) };
                let before = self.state();
                let word_epoch = match &call.purpose {
                    Purpose::Word { epoch, .. } => Some(*epoch),
                    _ => None,
                };
                let fx = self.engine.model_answered(&self.brain, call.answered(reply), self.now);
                let said = self.take_effects(&before, &fx, answers);
                if let Some(epoch) = word_epoch {
                    // Said only while the bot still holds the epoch it was asked under; else a draft.
                    let current = before.mode == Mode::Bot && before.epoch == epoch;
                    assert_eq!(said, current, "worded answer at epoch {epoch} in {before:?}");
                }
            }
            Step::Hello { agent, last_seq } => self.hello(agent.map(Agent::info), u64::from(last_seq)),
            Step::Alarm => {
                let before = self.state();
                let quiet_since = self.last_message_at();
                let fx = self.engine.alarm(&self.brain, self.now);
                let committed: Vec<&Event> = fx.events().collect();
                let due = before.mode != Mode::Closed && self.now >= quiet_since + INACTIVITY_S as u64 * 1_000;
                if due {
                    assert!(
                        matches!(
                            committed.as_slice(),
                            [Event {
                                author: Author::System,
                                body: EventBody::Mode { mode: Mode::Closed, reason: ModeReason::Inactive, .. },
                                ..
                            }]
                        ),
                        "quiet since {quiet_since}, the alarm at {} closes it: {fx:?}",
                        self.now
                    );
                } else {
                    assert!(committed.is_empty(), "the alarm commits nothing before the conversation is quiet: {fx:?}");
                }
                self.take_effects(&before, &fx, None);
            }
            Step::Close => {
                let before = self.state();
                let fx = self.engine.close(&self.brain, ModeReason::Closed, self.now);
                let expect = if before.mode == Mode::Closed {
                    Expect::Refuse(ErrorCode::ConversationClosed)
                } else {
                    Expect::Commit
                };
                self.check_outcome(&before, &fx, &expect, "close");
                self.take_effects(&before, &fx, None);
            }
            Step::DeskAssigns(agent) => {
                let before = self.state();
                let fx = self.engine.assign(&self.brain, &agent.info(), self.now);
                let expect = match before.mode {
                    Mode::Queued => Expect::Commit,
                    Mode::Human => Expect::Refuse(ErrorCode::AlreadyHeld),
                    Mode::Bot | Mode::Closed => Expect::Refuse(ErrorCode::StaleEpoch),
                };
                self.check_outcome(&before, &fx, &expect, "assign");
                self.take_effects(&before, &fx, None);
            }
            Step::Transfer { from, to } => {
                let before = self.state();
                let (from, to) = (from.info(), to.map(Agent::info));
                let target = match &to {
                    Some(agent) => TransferTo::Agent(agent.clone()),
                    None => TransferTo::Queue { skill: Some("billing".into()) },
                };
                let fx = self.engine.transfer(&self.brain, &from, target, Some("for you"), self.now);
                let holds = self.winner.as_ref().is_some_and(|w| w.id == from.id) && before.mode == Mode::Human;
                let expect = match (before.mode, holds, &to) {
                    (Mode::Closed, _, _) => Expect::Refuse(ErrorCode::ConversationClosed),
                    (_, false, _) => Expect::Refuse(ErrorCode::NotHolder),
                    (_, true, Some(to)) if to.id == from.id => Expect::Unchanged,
                    _ => Expect::Commit,
                };
                self.check_outcome(&before, &fx, &expect, "transfer");
                self.take_effects(&before, &fx, None);
                if matches!(expect, Expect::Commit) {
                    assert_eq!(self.winner, to, "the transfer's target holds it");
                }
            }
            Step::Requeue(agent) => {
                let before = self.state();
                let agent = agent.info();
                let fx = self.engine.requeue(&self.brain, &agent.id, "went offline", self.now);
                let holds = self.winner.as_ref().is_some_and(|w| w.id == agent.id) && before.mode == Mode::Human;
                let expect = match (before.mode, holds) {
                    (Mode::Closed, _) => Expect::Refuse(ErrorCode::ConversationClosed),
                    (_, true) => Expect::Commit,
                    (_, false) => Expect::Unchanged,
                };
                self.check_outcome(&before, &fx, &expect, "requeue");
                self.take_effects(&before, &fx, None);
            }
            Step::Reassign { to, stale } => {
                let before = self.state();
                let to = to.info();
                let seen = if stale { before.epoch.wrapping_sub(1) } else { before.epoch };
                let lead = AgentInfo { id: "s1".into(), name: "Alex".into(), avatar: None };
                let fx = self.engine.reassign(&self.brain, &lead, &to, seen, self.now);
                let holds = before.mode == Mode::Human && self.winner.as_ref().is_some_and(|w| w.id == to.id);
                let expect = match (before.mode, stale, holds) {
                    (Mode::Closed, _, _) => Expect::Refuse(ErrorCode::ConversationClosed),
                    (_, true, _) => Expect::Refuse(ErrorCode::StaleEpoch),
                    (_, false, true) => Expect::Unchanged,
                    (_, false, false) => Expect::Commit,
                };
                self.check_outcome(&before, &fx, &expect, "reassign");
                self.take_effects(&before, &fx, None);
                if matches!(expect, Expect::Commit) {
                    assert_eq!(self.winner.as_ref(), Some(&to), "the reassigned agent holds it");
                }
            }
            Step::Resend { nth } => {
                if !self.sent.is_empty() {
                    let sent = self.sent[usize::from(nth) % self.sent.len()].clone();
                    self.send(sent.caller, sent.frame);
                }
            }
            Step::Garbage { raw, agent } => {
                let caller = if agent { Caller::Agent(Agent::A.info()) } else { Caller::Customer };
                if baton_shared::decode_client_frame(&raw).is_ok() {
                    return; // a valid frame is some other step's business
                }
                let before = self.events().len();
                let fx = self.frame(&caller, &raw);
                assert!(fx.sender_frames().all(|f| matches!(f, ServerFrame::Error { .. })), "{fx:?}");
                assert_eq!(self.events().len(), before, "a bad frame stored something");
            }
        }
    }

    /// A frame with a client id: a resend is acked with its original seq and stores nothing.
    fn send(&mut self, caller: Caller, frame: ClientFrame) {
        let client_id = frame.client_id().unwrap_or_default().to_string();
        self.sent.push(Sent { caller: caller.clone(), frame: frame.clone() });
        let key = caller.client_key(&client_id);
        if let Some(&seq) = self.keys.get(&key) {
            let before = self.events().len();
            let fx = self.frame(&caller, &encode(&frame));
            assert_eq!(self.events().len(), before, "a resend was stored twice");
            if matches!(&frame, ClientFrame::Send { text, send_anyway: false, .. } if is_risky(text)) {
                return; // warned before the resend table is read, and still stores nothing
            }
            // A bad email is refused before the resend table is read, as bad text is: a frame
            // reusing a stored id with content no stored frame had is no resend.
            if matches!(&frame, ClientFrame::LeaveMessage { email, .. } if !email.ends_with(".com")) {
                let refused =
                    fx.sender_frames().any(|f| matches!(f, ServerFrame::Error { code: ErrorCode::InvalidEmail, .. }));
                assert!(refused, "a bad email with a reused id: {fx:?}");
                return;
            }
            assert_eq!(fx.out, vec![Out::ToSender(ServerFrame::Ack { client_id, seq })], "a resend of seq {seq}");
            return;
        }
        self.command(caller, frame, Some(key));
    }

    /// A frame that is one command: its outcome is checked against what the guarantees say.
    fn command(&mut self, caller: Caller, frame: ClientFrame, key: Option<String>) {
        let before = self.state();
        let expect = self.expect(&caller, &frame, &before);
        // A customer message the bot answers; after a hand-back, the one left waiting.
        let waiting = self.waiting_customer_message();
        let fx = self.frame(&caller, &encode(&frame));
        self.check_outcome(&before, &fx, &expect, &format!("{frame:?} from {caller:?}"));
        let first = fx.events().next().cloned();
        if let (Some(key), Some(event)) = (key, &first)
            && event.client_id.as_deref() == Some(frame.client_id().unwrap_or_default())
        {
            self.keys.insert(key, event.seq);
        }
        let answers = match (&frame, &first) {
            (ClientFrame::Send { .. }, Some(event)) if event.author == Author::Customer => Some(event.seq),
            (ClientFrame::HandBack, Some(_)) => waiting,
            (ClientFrame::LeaveMessage { .. }, Some(event)) if event.author == Author::Customer => Some(event.seq),
            _ => None,
        };
        let acks: Vec<&ServerFrame> = fx.sender_frames().filter(|f| matches!(f, ServerFrame::Ack { .. })).collect();
        assert!(acks.len() <= 1, "one ack per frame: {fx:?}");
        if let Some(ServerFrame::Ack { client_id: acked, seq }) = acks.first() {
            assert_eq!(acked, frame.client_id().unwrap_or_default());
            assert!(*seq <= self.events().len() as u64, "ack of seq {seq} beyond the transcript");
            if let Some(event) = first.as_ref().filter(|e| e.client_id.is_some()) {
                assert_eq!(*seq, event.seq, "the ack names the stored seq");
            }
        }
        self.take_effects(&before, &fx, answers);
    }

    fn frame(&mut self, caller: &Caller, raw: &str) -> Effects {
        let id = match caller {
            Caller::Customer => "customer".to_string(),
            Caller::Agent(agent) => format!("agent-{}", agent.id),
        };
        let socket = Socket { id: &id, caller, greeted: true };
        self.engine.receive(&self.brain, &socket, Incoming::Text(raw), self.now)
    }

    fn hello(&mut self, agent: Option<AgentInfo>, last_seq: u64) {
        let caller = agent.map_or(Caller::Customer, Caller::Agent);
        let socket = Socket { id: "fresh", caller: &caller, greeted: false };
        let frame = encode(&ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq });
        let fx = self.engine.receive(&self.brain, &socket, Incoming::Text(&frame), self.now);
        self.engine.socket_closed("fresh");
        assert!(fx.greeted);
        let Some(ServerFrame::Welcome { events, state, insight, .. }) = fx.sender_frames().next() else {
            panic!("no welcome: {fx:?}")
        };
        let mut gap: Vec<Event> = self.events().into_iter().filter(|e| e.seq > last_seq).collect();
        if caller == Caller::Customer {
            gap.retain(Event::visible_to_customer);
            assert!(insight.is_none(), "customers never see the insight");
        }
        assert_eq!(events, &gap, "hello from {last_seq} must bring exactly the gap");
        assert_eq!(*state, self.state().view());
    }

    /// When anyone last wrote a message, or the start.
    fn last_message_at(&self) -> u64 {
        self.events().iter().rev().find(|e| matches!(e.body, EventBody::Text { .. })).map_or(0, |e| e.ts)
    }

    /// The customer's last message if nothing was said after it.
    fn waiting_customer_message(&self) -> Option<u64> {
        let events = self.events();
        let last = events.iter().rev().find(|e| matches!(e.body, EventBody::Text { .. }))?;
        (last.author == Author::Customer).then_some(last.seq)
    }

    /// What the guarantees say `frame` from `caller` must do in `s`, written from the rules.
    fn expect(&self, caller: &Caller, frame: &ClientFrame, s: &ConversationState) -> Expect {
        let held_by = |id: &str| self.winner.as_ref().is_some_and(|w| w.id == id);
        let rejection = |r: Rejection| Expect::Refuse(r.to_api_error().code);
        match (frame, caller) {
            (ClientFrame::Rate { score, .. }, Caller::Customer) if !(1..=5).contains(score) => {
                rejection(Rejection::InvalidRating)
            }
            (ClientFrame::Rate { .. }, Caller::Customer) => Expect::Commit,
            (
                ClientFrame::TakeOver | ClientFrame::HandBack | ClientFrame::Note { .. } | ClientFrame::Resolve { .. },
                Caller::Customer,
            )
            | (
                ClientFrame::RequestHuman { .. }
                | ClientFrame::Rate { .. }
                | ClientFrame::End { .. }
                | ClientFrame::KeepChatting { .. }
                | ClientFrame::LeaveMessage { .. },
                Caller::Agent(_),
            ) => Expect::Refuse(ErrorCode::Forbidden),
            (ClientFrame::LeaveMessage { email, .. }, Caller::Customer) if !email.ends_with(".com") => {
                Expect::Refuse(ErrorCode::InvalidEmail)
            }
            // The compliance check answers a risky draft before anything else is decided.
            (ClientFrame::Send { text, send_anyway: false, .. }, Caller::Agent(_)) if is_risky(text) => Expect::Any,
            _ if s.mode == Mode::Closed => rejection(Rejection::Closed),
            (
                ClientFrame::Send { .. } | ClientFrame::End { .. } | ClientFrame::LeaveMessage { .. },
                Caller::Customer,
            )
            | (ClientFrame::Note { .. }, Caller::Agent(_)) => Expect::Commit,
            (ClientFrame::KeepChatting { .. }, _) if s.mode == Mode::Queued => Expect::Commit,
            (ClientFrame::KeepChatting { .. }, _) => Expect::Unchanged,
            (ClientFrame::RequestHuman { .. }, _) if s.mode == Mode::Bot => Expect::Commit,
            (ClientFrame::RequestHuman { .. }, _) => Expect::Unchanged,
            (ClientFrame::TakeOver, Caller::Agent(agent)) if held_by(&agent.id) => Expect::Unchanged,
            (ClientFrame::TakeOver, Caller::Agent(_)) => match &self.winner {
                Some(holder) => rejection(Rejection::AlreadyHeld { holder: holder.clone() }),
                None => Expect::Commit,
            },
            (ClientFrame::HandBack | ClientFrame::Resolve { .. }, Caller::Agent(agent)) if held_by(&agent.id) => {
                Expect::Commit
            }
            (ClientFrame::Send { .. }, Caller::Agent(agent)) if held_by(&agent.id) => Expect::Any,
            (ClientFrame::HandBack | ClientFrame::Send { .. } | ClientFrame::Resolve { .. }, Caller::Agent(_)) => {
                rejection(Rejection::NotHolder { holder: self.winner.clone() })
            }
            _ => Expect::Any,
        }
    }

    fn check_outcome(&self, before: &ConversationState, fx: &Effects, expect: &Expect, what: &str) {
        let committed = fx.events().next().is_some();
        let refused = fx.sender_frames().find_map(|f| match f {
            ServerFrame::Error { code, message, .. } => Some((*code, message.clone())),
            _ => None,
        });
        match expect {
            Expect::Commit => assert!(committed && refused.is_none(), "{what} in {before:?} must commit: {fx:?}"),
            Expect::Unchanged => {
                assert!(!committed && refused.is_none(), "{what} in {before:?} changes nothing: {fx:?}")
            }
            Expect::Refuse(code) => {
                assert!(!committed, "{what} in {before:?} was refused yet committed: {fx:?}");
                let (got, message) = refused.unwrap_or_else(|| panic!("{what} in {before:?} was not refused: {fx:?}"));
                assert_eq!(got, *code, "{what} in {before:?}: {message}");
                if got == ErrorCode::AlreadyHeld
                    && let Some(holder) = &self.winner
                {
                    assert!(message.contains(&holder.name), "{message:?} does not name {}", holder.name);
                }
            }
            Expect::Any => {}
        }
    }

    /// Checks what one input announced against what it stored, and folds it into the model.
    /// `answers` is the customer message a bot answer in these effects answers. Returns whether
    /// the bot said something to the customer.
    fn take_effects(&mut self, before: &ConversationState, fx: &Effects, answers: Option<u64>) -> bool {
        let stored = self.events();
        let new: Vec<&Event> = stored.iter().filter(|e| e.seq > before.last_seq).collect();
        let announced: Vec<&Event> = fx.events().collect();
        assert_eq!(new, announced, "every stored event is announced once, in order, and nothing else");
        let mut state = before.clone();
        let mut bot_said = false;
        for event in new {
            assert_eq!(event.seq, state.last_seq + 1);
            assert!(event.ts <= self.now, "{event:?} is from the future");
            match (&event.author, &event.body) {
                (Author::Bot, EventBody::NoAgent { .. }) => {
                    assert_eq!(state.mode, Mode::Queued, "nobody-can-come outside the queue: {event:?}");
                }
                (Author::Bot, EventBody::Text { .. }) => {
                    assert!(state.bot_may_speak(), "the bot spoke in {:?}: {event:?}", state.mode);
                    let seq = answers.unwrap_or_else(|| panic!("a bot answer to no message: {event:?}"));
                    assert!(self.answered.insert(seq), "customer message {seq} answered twice");
                    bot_said = true;
                }
                (Author::Bot, EventBody::Note { .. }) => assert!(!event.visible_to_customer()),
                (_, EventBody::Mode { mode, holder, .. }) => {
                    self.mode_changes += 1;
                    self.winner = if *mode == Mode::Human { holder.clone() } else { None };
                    self.closed |= *mode == Mode::Closed;
                }
                _ => {}
            }
            state.apply(event);
        }
        for call in &fx.model_calls {
            assert!(self.brain.model.is_some(), "a model call without a model");
            let tag = matches!(call.purpose, Purpose::Word { .. }).then_some(answers).flatten();
            if matches!(call.purpose, Purpose::Word { .. }) {
                assert!(tag.is_some(), "a wording call for no message");
                assert!(!bot_said, "answered and worded at once");
            }
            self.pending.push((call.clone(), tag));
        }
        for frame in fx.agent_frames() {
            assert!(matches!(frame, ServerFrame::Insight { .. }), "agents-only frames are insights: {frame:?}");
        }
        bot_said
    }

    /// Invariants that hold between any two steps.
    fn check(&self) {
        let events = self.events();
        let s = self.state();
        let stored = self.engine.record().expect("the conversation exists");
        assert_eq!(stored.state, s, "the record is the replay of the transcript");
        let saved = self.engine.store().record.borrow().clone();
        assert_eq!(saved.as_ref(), Some(&stored), "the record the engine keeps is the one stored");
        assert_eq!(s.last_seq, events.len() as u64);
        assert_eq!(s.epoch, self.mode_changes, "the epoch moves exactly on mode changes");
        assert_eq!(s.holder, self.winner, "the holder is not the takeover winner in {s:?}");
        assert_eq!(s.holder.is_some(), s.mode == Mode::Human, "holder and mode disagree: {s:?}");
        assert_eq!(s.mode == Mode::Closed, self.closed);
        assert_eq!(&ConversationState::from(s.view()), &s, "view round trip");
        for (key, seq) in &self.keys {
            let event = &events[(*seq - 1) as usize];
            assert!(key.ends_with(&format!(":{}", event.client_id.as_deref().unwrap_or("?"))), "{key} → {event:?}");
        }
    }
}

/// A reply the default compliance rules warn about (a promise).
const RISKY: &str = "We guarantee a refund tomorrow";

fn is_risky(text: &str) -> bool {
    text == RISKY
}
