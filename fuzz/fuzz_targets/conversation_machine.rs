//! Drives the conversation state machine the way the ConversationDO does (resend table,
//! `decide` → persist → `apply`, bot turns that finish after other frames landed) and checks the
//! guarantees after every step against a small independent model of who should hold the
//! conversation.

#![no_main]

use std::collections::{HashMap, HashSet};

use arbitrary::Arbitrary;
use baton_shared::machine::{Command, ConversationState, Rejection, audit};
use baton_shared::protocol::{AgentInfo, Author, BotMeta, Event, EventBody, Mode, ModeReason};
use libfuzzer_sys::fuzz_target;

/// Longer scripts add nothing new and make replay-after-every-step quadratic.
const MAX_STEPS: usize = 256;

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

// A's two names sit side by side so deduplicating holders by id works.
const ROSTER: [Agent; 5] = [Agent::A, Agent::ARenamed, Agent::B, Agent::C, Agent::Namesake];

impl Agent {
    fn info(self) -> AgentInfo {
        let (id, name, avatar) = match self {
            Agent::A => ("a1", "Dana", None),
            Agent::B => ("a2", "Sam", None),
            Agent::C => ("a3", "Lee", Some("https://example.com/lee.png")),
            Agent::ARenamed => ("a1", "Dana R.", None),
            Agent::Namesake => ("a4", "Dana", None),
        };
        AgentInfo { id: id.into(), name: name.into(), avatar: avatar.map(Into::into) }
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

#[derive(Arbitrary, Debug)]
enum Step {
    /// The edge starts a bot turn at the message's epoch if the bot holds the conversation.
    CustomerSends {
        id: ClientId,
    },
    CustomerAsksForHuman {
        id: ClientId,
    },
    CustomerRates {
        id: ClientId,
        score: u8,
    },
    TakeOver(Agent),
    /// A committed hand-back starts a bot turn for the customer's message if nobody answered it.
    HandBack(Agent),
    AgentSends {
        agent: Agent,
        id: ClientId,
    },
    AgentNote {
        agent: Agent,
        id: ClientId,
    },
    /// A bot turn in flight finishes with an answer; if it went stale the edge keeps it as a draft.
    BotAnswers {
        turn: u8,
    },
    /// A bot turn in flight finishes with "the customer wants a person".
    BotWantsHuman {
        turn: u8,
    },
    BotEscalates,
    /// A reply claiming an epoch near the current one, as a buggy or replayed bot turn would.
    BotSaysAt {
        delta: i8,
    },
    Close,
    /// The same frame again, as a client does after a reconnect.
    Resend {
        nth: u8,
    },
}

#[derive(Debug, Clone)]
enum Caller {
    Customer,
    Agent(AgentInfo),
}

/// A frame that carried a client id, kept so it can be resent verbatim.
#[derive(Debug, Clone)]
struct Sent {
    caller: Caller,
    cmd: Command,
    client_id: String,
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Committed(Event),
    /// The resend table answered; `decide` never ran.
    Duplicate(u64),
    Unchanged,
    Rejected(Rejection),
}

#[derive(Debug, PartialEq)]
enum Expect {
    Commit,
    Unchanged,
    Reject(Rejection),
}

/// A bot turn: the epoch it started under and the customer message it answers.
#[derive(Debug, Clone, Copy)]
struct Turn {
    epoch: u64,
    answers: u64,
}

#[derive(Default)]
struct World {
    state: ConversationState,
    events: Vec<Event>,
    /// The edge's `client_key` → seq table; filled only when an event is stored.
    keys: HashMap<String, u64>,
    sent: Vec<Sent>,
    /// Bot turns still being computed.
    in_flight: Vec<Turn>,
    /// Seqs of the customer messages the bot has answered.
    answered: HashSet<u64>,
    /// Who won the last takeover that has not been undone by a hand-back or close.
    winner: Option<AgentInfo>,
    mode_changes: u64,
    ts: u64,
}

fuzz_target!(|script: Vec<Step>| {
    let mut world = World::default();
    for step in script.into_iter().take(MAX_STEPS) {
        world.ts += 1;
        world.step(step);
        world.check();
    }
    if let Err(e) = audit(&world.events) {
        panic!("audit refused a transcript the machine produced: {e}\n{:#?}", world.events);
    }
});

impl World {
    fn step(&mut self, step: Step) {
        match step {
            Step::CustomerSends { id } => {
                let cmd = Command::CustomerSays { text: format!("message {}", self.ts) };
                self.send(Caller::Customer, cmd, id.get());
            }
            Step::CustomerAsksForHuman { id } => {
                let cmd = Command::RequestHuman { reason: ModeReason::CustomerAsked, computed_at_epoch: None };
                self.send(Caller::Customer, cmd, id.get());
            }
            Step::CustomerRates { id, score } => self.send(Caller::Customer, Command::Rate { score }, id.get()),
            Step::TakeOver(agent) => {
                let agent = agent.info();
                let out = self.commit(&Caller::Agent(agent.clone()), Command::TakeOver { agent: agent.clone() }, None);
                if let Outcome::Rejected(Rejection::AlreadyHeld { holder }) = &out {
                    let message = Rejection::AlreadyHeld { holder: holder.clone() }.to_api_error().message;
                    assert!(message.contains(&holder.name), "{message:?} does not name {}", holder.name);
                }
            }
            Step::HandBack(agent) => {
                let agent = agent.info();
                // Read before the hand-back commits, as the edge does.
                let waiting = self.waiting_customer_message();
                let cmd = Command::HandBack { agent_id: agent.id.clone() };
                if let (Outcome::Committed(event), Some(answers)) =
                    (self.commit(&Caller::Agent(agent), cmd, None), waiting)
                {
                    self.in_flight.push(Turn { epoch: event.epoch, answers });
                }
            }
            Step::AgentSends { agent, id } => {
                let agent = agent.info();
                let cmd = Command::AgentSays { agent: agent.clone(), text: format!("reply {}", self.ts) };
                self.send(Caller::Agent(agent), cmd, id.get());
            }
            Step::AgentNote { agent, id } => {
                let agent = agent.info();
                let cmd = Command::AgentNote { agent: agent.clone(), text: format!("note {}", self.ts) };
                self.send(Caller::Agent(agent), cmd, id.get());
            }
            Step::BotAnswers { turn } => {
                let Some(turn) = self.finish_turn(turn) else { return };
                match self.bot_says(turn.epoch) {
                    Outcome::Committed(_) => {
                        assert!(self.answered.insert(turn.answers), "customer message {} answered twice", turn.answers)
                    }
                    Outcome::Rejected(Rejection::StaleBotReply) => {
                        let cmd = Command::BotDraft { text: format!("draft {}", self.ts) };
                        if let Outcome::Committed(draft) = self.commit(&Caller::Customer, cmd, None) {
                            assert!(!draft.visible_to_customer(), "a stale reply reached the customer: {draft:?}");
                        }
                    }
                    _ => {}
                }
            }
            Step::BotWantsHuman { turn } => {
                // Like a reply, the escalation carries the epoch its turn started at.
                if let Some(turn) = self.finish_turn(turn) {
                    let cmd =
                        Command::RequestHuman { reason: ModeReason::CustomerAsked, computed_at_epoch: Some(turn.epoch) };
                    self.commit(&Caller::Customer, cmd, None);
                }
            }
            Step::BotEscalates => {
                let cmd =
                    Command::RequestHuman { reason: ModeReason::BotEscalated, computed_at_epoch: Some(self.state.epoch) };
                self.commit(&Caller::Customer, cmd, None);
            }
            Step::BotSaysAt { delta } => {
                self.bot_says(self.state.epoch.saturating_add_signed(i64::from(delta)));
            }
            Step::Close => {
                self.commit(&Caller::Customer, Command::Close, None);
            }
            Step::Resend { nth } => {
                if !self.sent.is_empty() {
                    let sent = self.sent[usize::from(nth) % self.sent.len()].clone();
                    self.send(sent.caller, sent.cmd, sent.client_id);
                }
            }
        }
    }

    fn finish_turn(&mut self, turn: u8) -> Option<Turn> {
        if self.in_flight.is_empty() {
            return None;
        }
        Some(self.in_flight.remove(usize::from(turn) % self.in_flight.len()))
    }

    fn bot_says(&mut self, computed_at_epoch: u64) -> Outcome {
        let meta = BotMeta { confidence: 0.5, article_id: None, article_title: None };
        let cmd = Command::BotSays { text: format!("bot {}", self.ts), meta, computed_at_epoch };
        let current = self.state.epoch;
        let out = self.commit(&Caller::Customer, cmd, None);
        if computed_at_epoch != current {
            assert!(matches!(out, Outcome::Rejected(_)), "reply from epoch {computed_at_epoch} at {current}: {out:?}");
        }
        out
    }

    /// The seq of the customer's last message if nothing was said after it (`last_spoken`).
    fn waiting_customer_message(&self) -> Option<u64> {
        let last = self.events.iter().rev().find(|e| matches!(e.body, EventBody::Text { .. }))?;
        (last.author == Author::Customer).then_some(last.seq)
    }

    /// A frame with a client id, as `ConversationDO::run` handles it.
    fn send(&mut self, caller: Caller, cmd: Command, client_id: String) {
        self.sent.push(Sent { caller: caller.clone(), cmd: cmd.clone(), client_id: client_id.clone() });
        let is_message = matches!(cmd, Command::CustomerSays { .. });
        if let Outcome::Committed(event) = self.commit(&caller, cmd, Some(client_id)) {
            // `customer_says`: only a stored message in bot mode gets an answer.
            if is_message && self.state.mode == Mode::Bot {
                self.in_flight.push(Turn { epoch: event.epoch, answers: event.seq });
            }
        }
    }

    /// `ConversationDO::commit`, with every outcome checked against the model.
    fn commit(&mut self, caller: &Caller, cmd: Command, client_id: Option<String>) -> Outcome {
        let key = client_id.as_deref().map(|id| match caller {
            Caller::Customer => format!("customer:{id}"),
            Caller::Agent(agent) => format!("agent:{}:{id}", agent.id),
        });
        if let Some(&seq) = key.as_ref().and_then(|k| self.keys.get(k)) {
            let stored = &self.events[usize::try_from(seq - 1).unwrap()];
            assert_eq!(stored.client_id, client_id, "resend table points at seq {seq}: {stored:?}");
            return Outcome::Duplicate(seq);
        }

        let before = self.state.clone();
        let expected = self.expect(&cmd);
        let out = match before.decide(cmd.clone(), self.ts, client_id.clone()) {
            Err(rejection) => Outcome::Rejected(rejection),
            Ok(None) => Outcome::Unchanged,
            Ok(Some(event)) => Outcome::Committed(event),
        };
        let got = match &out {
            Outcome::Committed(_) => Expect::Commit,
            Outcome::Unchanged => Expect::Unchanged,
            Outcome::Rejected(r) => Expect::Reject(r.clone()),
            Outcome::Duplicate(_) => unreachable!(),
        };
        assert_eq!(got, expected, "{cmd:?} in {before:?} (takeover winner {:?})", self.winner);

        if let Outcome::Committed(event) = &out {
            self.check_event(&before, &cmd, event, client_id.as_deref());
            self.events.push(event.clone());
            if let Some(key) = key {
                self.keys.insert(key, event.seq);
            }
            self.state.apply(event);
            if let EventBody::Mode { mode, holder, .. } = &event.body {
                self.mode_changes += 1;
                self.winner = if *mode == Mode::Human { holder.clone() } else { None };
                if let Command::TakeOver { agent } = &cmd {
                    assert_eq!(self.state.holder.as_ref(), Some(agent), "the winning takeover must hold");
                }
            }
        }
        out
    }

    /// What the guarantees say `cmd` must do now, written from the rules rather than the code.
    fn expect(&self, cmd: &Command) -> Expect {
        let s = &self.state;
        let held_by = |id: &str| self.winner.as_ref().is_some_and(|w| w.id == id);
        match cmd {
            Command::Rate { score } if !(1..=5).contains(score) => Expect::Reject(Rejection::InvalidRating),
            Command::Rate { .. } => Expect::Commit,
            _ if s.mode == Mode::Closed => Expect::Reject(Rejection::Closed),
            Command::CustomerSays { .. } | Command::AgentNote { .. } | Command::BotDraft { .. } | Command::Close => {
                Expect::Commit
            }
            Command::RequestHuman { computed_at_epoch: Some(epoch), .. } if *epoch != s.epoch => {
                Expect::Reject(Rejection::StaleBotReply)
            }
            Command::RequestHuman { .. } if s.mode == Mode::Bot => Expect::Commit,
            Command::RequestHuman { .. } => Expect::Unchanged,
            Command::TakeOver { agent } if held_by(&agent.id) => Expect::Unchanged,
            Command::TakeOver { .. } => match &self.winner {
                Some(holder) => Expect::Reject(Rejection::AlreadyHeld { holder: holder.clone() }),
                None => Expect::Commit,
            },
            Command::HandBack { agent_id } if held_by(agent_id) => Expect::Commit,
            Command::AgentSays { agent, .. } if held_by(&agent.id) => Expect::Commit,
            Command::HandBack { .. } | Command::AgentSays { .. } => {
                Expect::Reject(Rejection::NotHolder { holder: self.winner.clone() })
            }
            Command::BotSays { computed_at_epoch, .. } if s.mode == Mode::Bot && *computed_at_epoch == s.epoch => {
                Expect::Commit
            }
            Command::BotSays { .. } => Expect::Reject(Rejection::StaleBotReply),
        }
    }

    fn check_event(&self, before: &ConversationState, cmd: &Command, event: &Event, client_id: Option<&str>) {
        assert_eq!(event.seq, before.last_seq + 1, "{event:?}");
        assert_eq!(event.ts, self.ts);
        assert_eq!(event.client_id.as_deref(), client_id);
        let is_mode = matches!(event.body, EventBody::Mode { .. });
        assert_eq!(event.epoch, before.epoch + u64::from(is_mode), "{event:?} after {before:?}");
        assert_eq!(event.visible_to_customer(), !matches!(event.body, EventBody::Note { .. }));
        match (&event.author, &event.body) {
            (Author::Bot, EventBody::Text { bot, .. }) => {
                assert_eq!(before.mode, Mode::Bot, "the bot spoke in {:?}: {event:?}", before.mode);
                assert!(bot.is_some(), "bot message without its metadata");
            }
            (Author::Agent(agent), EventBody::Text { .. }) => {
                assert!(before.holds(&agent.id), "{} spoke without holding: {before:?}", agent.name)
            }
            (_, EventBody::Mode { mode: Mode::Human, holder, .. }) => {
                assert!(holder.is_some(), "human mode without a holder: {event:?}");
                assert_ne!(before.mode, Mode::Human, "takeover landed on a held conversation: {event:?}");
            }
            (_, EventBody::Rating { score }) => assert!((1..=5).contains(score)),
            _ => {}
        }
        if before.mode == Mode::Closed {
            assert!(matches!(event.body, EventBody::Rating { .. }), "{cmd:?} committed after close: {event:?}");
        }
    }

    /// Invariants that hold between any two steps.
    fn check(&self) {
        let s = &self.state;
        let n = u64::try_from(self.events.len()).unwrap();
        assert_eq!(s.last_seq, n);
        if let Some(last) = self.events.last() {
            assert_eq!(last.seq, n);
        }
        assert_eq!(s.epoch, self.mode_changes, "the epoch moves exactly on mode changes");
        assert_eq!(s.holder, self.winner, "holder is not the takeover winner in {s:?}");
        assert_eq!(s.holder.is_some(), s.mode == Mode::Human, "holder and mode disagree: {s:?}");
        let mut holders: Vec<String> =
            ROSTER.map(Agent::info).into_iter().filter(|a| s.holds(&a.id)).map(|a| a.id).collect();
        holders.dedup();
        assert!(holders.len() <= 1, "more than one holder: {holders:?}");
        for agent in ROSTER.map(Agent::info) {
            assert_eq!(s.holds(&agent.id), self.winner.as_ref().is_some_and(|w| w.id == agent.id), "{s:?}");
        }
        assert_eq!(&ConversationState::replay(&self.events), s, "replay differs from the live state");
        assert_eq!(&ConversationState::from(s.view()), s, "view round trip");
        assert!(self.in_flight.iter().all(|t| t.epoch <= s.epoch && t.answers <= s.last_seq));
    }
}
