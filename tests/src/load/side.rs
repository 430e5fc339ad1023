//! One side of one conversation (its customer, or the agent who takes it over) as a client
//! behaves: it chats, loses its connection at random, reconnects with backoff, says the last
//! seq it saw, and resends every message not yet acked under its original client id, exactly
//! as the widget does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use baton_shared::backoff::reconnect_delay_ms;
use baton_shared::limits::PROTOCOL_VERSION;
use baton_shared::{AgentInfo, ClientFrame, ConversationView, ErrorCode, Event, EventBody, Mode, ServerFrame};
use tokio::sync::watch;

use crate::load::counters::bump;
use crate::load::ledger::{AckOutcome, Side};
use crate::load::link::{Incoming, Link};
use crate::load::rng::Rng;
use crate::load::world::{Conversation, Phase, World};

/// A socket that has not answered `hello` in this time is given up and reopened.
const WELCOME_TIMEOUT: Duration = Duration::from_secs(30);
/// Like the widget: a ping every so often, and a socket silent for longer than `SILENCE` is
/// taken for dead and replaced.
const KEEPALIVE: Duration = Duration::from_secs(30);
const SILENCE: Duration = Duration::from_secs(75);
/// An agent whose takeover has not shown up in this time asks again (it is idempotent).
const TAKEOVER_RETRY: Duration = Duration::from_secs(5);
/// How often a socket rolls the dice on dying and checks its deadlines.
const TICK: Duration = Duration::from_secs(1);

/// Questions the demo knowledge base answers, so conversations left with the bot get replies.
const QUESTIONS: &[&str] = &[
    "How long does shipping take?",
    "What is your returns policy?",
    "When will I get my refund?",
    "Do you ship internationally?",
    "How do I track my order?",
    "Which payment methods do you accept?",
];

/// What outlives one socket of a side.
struct SideState {
    side: Side,
    rng: Rng,
    /// Reconnect attempts since the last welcome, for the backoff.
    attempt: u32,
    welcomed_before: bool,
    /// Client ids sent and not yet acknowledged, oldest first.
    pending: Vec<String>,
    next_number: u64,
    /// The customer: a person holds the conversation. The agent: it holds it itself.
    holds: bool,
}

/// How one socket ended.
enum End {
    /// Dropped by the load, closed by the server, or failed: reconnect.
    Lost,
    Stopped,
    /// The server refused this side for good (bad token, no such conversation).
    Fatal(String),
}

/// Runs one side until the run stops.
pub async fn run(world: Arc<World>, conv: Arc<Conversation>, side: Side) {
    let stream = conv.index as u64 * 2 + side.index() as u64;
    let mut state = SideState {
        side,
        rng: Rng::new(world.options.seed, stream),
        attempt: 0,
        welcomed_before: false,
        pending: Vec::new(),
        next_number: 1,
        holds: false,
    };
    let mut phase = world.phase.clone();
    loop {
        if *phase.borrow() == Phase::Stop {
            return;
        }
        match Session::open(&world, &conv, &mut state).await {
            Ok(session) => match session.run(&mut phase).await {
                End::Stopped => return,
                End::Fatal(why) => {
                    world.counters.incidents.add("side_gave_up", &format!("{} of {}: {why}", side.name(), conv.id));
                    return;
                }
                End::Lost => {}
            },
            Err(e) => world.counters.incidents.add("connect_failed", &format!("{} of {}: {e}", side.name(), conv.id)),
        }
        state.attempt += 1;
        let delay = Duration::from_millis(u64::from(reconnect_delay_ms(state.attempt, state.rng.unit())));
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stopped(&mut phase) => return,
        }
    }
}

/// Resolves once the run reaches `Stop` (or whoever drives the phases is gone).
async fn stopped(phase: &mut watch::Receiver<Phase>) {
    loop {
        if *phase.borrow_and_update() == Phase::Stop {
            return;
        }
        if phase.changed().await.is_err() {
            return;
        }
    }
}

/// Sleeps until `at`, or forever without a deadline.
async fn until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
        None => std::future::pending().await,
    }
}

/// What woke the socket up.
enum Step {
    /// Boxed: a frame is far larger than every other step.
    Incoming(Box<Incoming>),
    SendNew,
    Retry,
    Tick,
    PhaseChanged,
    Stop,
}

/// One socket of a side, from connect to loss or stop.
struct Session<'a> {
    world: &'a World,
    conv: &'a Conversation,
    s: &'a mut SideState,
    link: Link,
    /// When this socket started to connect: the welcome tells how long resuming took.
    connecting_since: Instant,
    last_heard: Instant,
    last_ping: Instant,
    welcomed: bool,
    next_send: Option<Instant>,
    /// Messages a rate limit refused, to send again when the server said.
    retries: Vec<(Instant, String)>,
    hello_retry: Option<Instant>,
    takeover_sent: Option<Instant>,
}

impl<'a> Session<'a> {
    async fn open(world: &'a World, conv: &'a Conversation, s: &'a mut SideState) -> Result<Session<'a>, String> {
        let connecting_since = Instant::now();
        let link = Link::open(&world.ws_url(&conv.id, conv.token(s.side))).await?;
        bump(&world.counters.connections_opened);
        Ok(Session {
            world,
            conv,
            s,
            link,
            connecting_since,
            last_heard: Instant::now(),
            last_ping: Instant::now(),
            welcomed: false,
            next_send: None,
            retries: Vec::new(),
            hello_retry: None,
            takeover_sent: None,
        })
    }

    fn side(&self) -> Side {
        self.s.side
    }

    /// The socket failed under us: count it and reconnect.
    fn gone(&self, why: &str) -> End {
        let detail = format!("{} of {}: {why}", self.side().name(), self.conv.id);
        self.world.counters.incidents.add("socket_lost", &detail);
        End::Lost
    }

    async fn send(&mut self, frame: &ClientFrame) -> Result<(), End> {
        match self.link.send(frame).await {
            Ok(()) => Ok(()),
            Err(e) => Err(self.gone(&e)),
        }
    }

    async fn hello(&mut self) -> Result<(), End> {
        let last_seq = self.conv.ledger().seen(self.side()).last;
        self.send(&ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq }).await
    }

    /// Whether this side may chat now: the customer with the bot always, otherwise once the
    /// agent holds the conversation.
    fn may_chat(&self, phase: Phase) -> bool {
        let ready = match (self.side(), &self.conv.agent) {
            (Side::Customer, None) => true,
            _ => self.s.holds,
        };
        self.welcomed && phase == Phase::Run && ready
    }

    fn gap(&mut self) -> Duration {
        let (low, high) = self.world.options.gap_ms;
        Duration::from_millis(self.s.rng.between(low, high))
    }

    async fn run(mut self, phase: &mut watch::Receiver<Phase>) -> End {
        if let Err(end) = self.hello().await {
            return end;
        }
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + TICK, TICK);
        loop {
            let current = *phase.borrow_and_update();
            if current == Phase::Stop {
                self.link.close().await;
                return End::Stopped;
            }
            if self.may_chat(current) && self.next_send.is_none() {
                self.next_send = Some(Instant::now() + self.gap());
            }
            let send_at = self.next_send.filter(|_| self.may_chat(current));
            let retry_at = self.retries.iter().map(|(at, _)| *at).chain(self.hello_retry).min();
            let step = tokio::select! {
                incoming = self.link.next() => Step::Incoming(Box::new(incoming)),
                _ = until(send_at) => Step::SendNew,
                _ = until(retry_at) => Step::Retry,
                _ = tick.tick() => Step::Tick,
                changed = phase.changed() => if changed.is_ok() { Step::PhaseChanged } else { Step::Stop },
            };
            let flow = match step {
                Step::Incoming(incoming) => self.on_incoming(*incoming).await,
                Step::SendNew => self.send_new(current).await,
                Step::Retry => self.retry_due().await,
                Step::Tick => self.on_tick(current).await,
                Step::PhaseChanged => Ok(()),
                Step::Stop => {
                    self.link.close().await;
                    Err(End::Stopped)
                }
            };
            if let Err(end) = flow {
                return end;
            }
        }
    }

    async fn on_incoming(&mut self, incoming: Incoming) -> Result<(), End> {
        match incoming {
            Incoming::Frame(frame) => {
                self.last_heard = Instant::now();
                self.on_frame(*frame).await
            }
            Incoming::Undecodable(text) => {
                self.world.counters.incidents.add("undecodable_frame", &text);
                Ok(())
            }
            Incoming::Gone(why) => Err(self.gone(&why)),
        }
    }

    async fn on_frame(&mut self, frame: ServerFrame) -> Result<(), End> {
        match frame {
            ServerFrame::Welcome { state, events, .. } => self.on_welcome(state, events).await,
            ServerFrame::Event { event } => {
                self.take_in(&[event]);
                Ok(())
            }
            ServerFrame::Ack { client_id, seq } => {
                if self.conv.ledger().ack(&client_id, seq, Instant::now()) == AckOutcome::First {
                    bump(&self.world.counters.acked);
                }
                self.s.pending.retain(|id| *id != client_id);
                self.retries.retain(|(_, id)| *id != client_id);
                Ok(())
            }
            ServerFrame::Error { code, message, client_id, retry_after_ms } => {
                self.on_error(code, message, client_id, retry_after_ms)
            }
            ServerFrame::Typing { .. }
            | ServerFrame::Pong
            | ServerFrame::QueuePlace { .. }
            | ServerFrame::Insight { .. }
            | ServerFrame::ComplianceWarning { .. } => Ok(()),
        }
    }

    /// Records received events and follows who holds the conversation.
    fn take_in(&mut self, events: &[Event]) {
        let now = Instant::now();
        let side = self.side();
        let mut ledger = self.conv.ledger();
        for event in events {
            if ledger.observe(side, event, now) {
                bump(&self.world.counters.delivered);
            }
            if let EventBody::Mode { mode, holder, .. } = &event.body {
                let holds = self.holds(*mode, holder.as_ref());
                if self.s.holds && !holds {
                    ledger.anomaly(format!("{} lost the conversation at seq {}: {mode:?}", side.name(), event.seq));
                }
                self.s.holds = holds;
                ledger.taken_over[side.index()] = holds;
            }
        }
    }

    fn holds(&self, mode: Mode, holder: Option<&AgentInfo>) -> bool {
        match (self.side(), &self.conv.agent) {
            (Side::Customer, _) => mode == Mode::Human,
            (Side::Agent, Some(me)) => mode == Mode::Human && holder.is_some_and(|h| h.id == me.info.id),
            (Side::Agent, None) => false,
        }
    }

    /// The gap since our last seq arrived: take it in, then resend whatever is unacknowledged.
    async fn on_welcome(&mut self, state: ConversationView, events: Vec<Event>) -> Result<(), End> {
        let side = self.side();
        {
            let mut ledger = self.conv.ledger();
            let had = ledger.seen(side).last;
            if state.last_seq < had {
                ledger.anomaly(format!(
                    "welcome to the {} says last_seq {} but it saw {had}",
                    side.name(),
                    state.last_seq
                ));
            }
        }
        self.take_in(&events);
        self.s.holds = self.holds(state.mode, state.holder.as_ref());
        self.conv.ledger().taken_over[side.index()] = self.s.holds;
        if !self.welcomed {
            let waited = self.connecting_since.elapsed().as_secs_f64() * 1000.0;
            self.world.counters.welcomed(side.index(), waited);
        }
        self.welcomed = true;
        self.s.attempt = 0;
        if self.s.welcomed_before {
            bump(&self.world.counters.resumed);
        }
        self.s.welcomed_before = true;

        for client_id in self.s.pending.clone() {
            self.resend(&client_id).await?;
        }
        if side == Side::Agent && !self.s.holds {
            self.take_over().await?;
        }
        Ok(())
    }

    async fn take_over(&mut self) -> Result<(), End> {
        self.takeover_sent = Some(Instant::now());
        self.send(&ClientFrame::TakeOver).await
    }

    /// Sends a message again under its original client id.
    async fn resend(&mut self, client_id: &str) -> Result<(), End> {
        let Some(text) = self.conv.ledger().message(client_id).map(|m| m.text.clone()) else { return Ok(()) };
        bump(&self.world.counters.resends);
        self.send(&ClientFrame::Send { client_id: client_id.to_string(), text, send_anyway: false }).await
    }

    fn on_error(
        &mut self,
        code: ErrorCode,
        message: String,
        client_id: Option<String>,
        retry_after_ms: Option<u64>,
    ) -> Result<(), End> {
        if code == ErrorCode::RateLimited {
            bump(&self.world.counters.rate_limited);
            let at = Instant::now() + Duration::from_millis(retry_after_ms.unwrap_or(1000));
            match client_id {
                Some(id) if self.s.pending.contains(&id) => self.retries.push((at, id)),
                None if !self.welcomed => self.hello_retry = Some(at),
                // A refused takeover is asked again by the tick.
                _ => {}
            }
            return Ok(());
        }
        let detail = format!("{} of {}: {message}", self.side().name(), self.conv.id);
        self.world.counters.errors.add(code.as_str(), &detail);
        if let Some(id) = client_id {
            self.conv.ledger().refuse(&id, format!("{}: {message}", code.as_str()));
            self.s.pending.retain(|p| *p != id);
        }
        let final_refusal = matches!(
            code,
            ErrorCode::Unauthorized
                | ErrorCode::TokenInvalid
                | ErrorCode::TokenExpired
                | ErrorCode::Forbidden
                | ErrorCode::NotFound
        );
        if !self.welcomed && final_refusal {
            return Err(End::Fatal(format!("{}: {message}", code.as_str())));
        }
        Ok(())
    }

    async fn send_new(&mut self, phase: Phase) -> Result<(), End> {
        self.next_send = None;
        let side = self.side();
        let n = self.s.next_number;
        self.s.next_number += 1;
        let letter = if side == Side::Customer { 'c' } else { 'a' };
        let client_id = format!("{letter}{}-{n}", self.conv.index);
        let text = match side {
            Side::Customer => {
                let question = QUESTIONS[self.s.rng.between(0, QUESTIONS.len() as u64 - 1) as usize];
                format!("{question} (message {n})")
            }
            Side::Agent => format!("Let me check that for you (reply {n})."),
        };
        let now = Instant::now();
        self.conv.ledger().record_sent(&client_id, side, &text, now);
        self.s.pending.push(client_id.clone());
        bump(&self.world.counters.sent);
        self.send(&ClientFrame::Send { client_id, text, send_anyway: false }).await?;
        // The nastiest moment to lose a connection: the message may be stored, its ack not yet read.
        if phase == Phase::Run && self.s.rng.chance(self.world.options.drop_after_send) {
            bump(&self.world.counters.dropped_by_load);
            bump(&self.world.counters.dropped_after_send);
            return Err(End::Lost);
        }
        Ok(())
    }

    async fn retry_due(&mut self) -> Result<(), End> {
        let now = Instant::now();
        if self.hello_retry.is_some_and(|at| at <= now) {
            self.hello_retry = None;
            self.hello().await?;
        }
        let (due, later): (Vec<_>, Vec<_>) = self.retries.drain(..).partition(|(at, _)| *at <= now);
        self.retries = later;
        for (_, client_id) in due {
            if self.s.pending.contains(&client_id) {
                self.resend(&client_id).await?;
            }
        }
        Ok(())
    }

    async fn on_tick(&mut self, phase: Phase) -> Result<(), End> {
        let now = Instant::now();
        if !self.welcomed {
            if now.duration_since(self.connecting_since) > WELCOME_TIMEOUT {
                return Err(self.gone("no welcome"));
            }
            return Ok(());
        }
        if now.duration_since(self.last_heard) > SILENCE {
            let detail = format!("{} of {}: nothing heard for {SILENCE:?}", self.side().name(), self.conv.id);
            self.world.counters.incidents.add("silent", &detail);
            return Err(End::Lost);
        }
        if now.duration_since(self.last_ping) > KEEPALIVE {
            self.last_ping = now;
            self.send(&ClientFrame::Ping).await?;
        }
        let takeover_due = self.takeover_sent.is_none_or(|at| now.duration_since(at) > TAKEOVER_RETRY);
        if self.side() == Side::Agent && !self.s.holds && takeover_due {
            self.take_over().await?;
        }
        if phase == Phase::Run && self.s.rng.chance(self.world.options.drop_rate) {
            bump(&self.world.counters.dropped_by_load);
            return Err(End::Lost);
        }
        Ok(())
    }
}
