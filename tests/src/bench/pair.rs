//! One conversation's two sockets, customer and agent, against Baton (a conversation the
//! agent has taken over) or against the bare relay (two sockets of one room), and the paced
//! exchange of messages between them that the relay and fan-out parts measure.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use baton_shared::limits::PROTOCOL_VERSION;
use baton_shared::{ClientFrame, EventBody, Mode, ServerFrame, encode};

use crate::bench::rest::Rest;
use crate::bench::rng::Rng;
use crate::bench::sites;
use crate::bench::stats::millis;
use crate::bench::ws::Ws;

/// Waiting for one answer of the server (welcome, takeover) during setup.
pub const ANSWER_LIMIT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Baton,
    Bare,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Customer,
    Agent,
}

impl Side {
    fn other(self) -> Side {
        match self {
            Side::Customer => Side::Agent,
            Side::Agent => Side::Customer,
        }
    }
}

pub struct Pair {
    pub kind: Kind,
    pub index: usize,
    /// Baton's conversation id, or the bare relay's room.
    pub conversation: String,
    pub customer: Ws,
    pub agent: Ws,
}

pub fn conversation_url(ws_base: &str, site: &str, conversation: &str, token: &str) -> String {
    format!("{ws_base}/api/sites/{site}/conversations/{conversation}/ws?token={token}")
}

pub fn decode(text: &str) -> Option<ServerFrame> {
    serde_json::from_str(text).ok()
}

/// Frames until one satisfies `wanted`, within `limit`; error frames end the wait.
pub async fn wait_for(
    ws: &mut Ws,
    what: &str,
    limit: Duration,
    wanted: impl Fn(&ServerFrame) -> bool,
) -> Result<ServerFrame, String> {
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let text = ws.next_within(left).await.map_err(|e| format!("waiting for {what}: {e}"))?;
        match decode(&text) {
            Some(frame) if wanted(&frame) => return Ok(frame),
            Some(ServerFrame::Error { code, message, .. }) => {
                return Err(format!("waiting for {what}: error {}: {message}", code.as_str()));
            }
            _ => {}
        }
    }
}

/// Opens a conversation socket and completes the hello.
pub async fn connect(url: &str) -> Result<Ws, String> {
    let mut ws = Ws::open(url).await?;
    ws.send(encode(&ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq: 0 })).await?;
    wait_for(&mut ws, "the welcome", ANSWER_LIMIT, |f| matches!(f, ServerFrame::Welcome { .. })).await?;
    Ok(ws)
}

pub fn is_mode(frame: &ServerFrame, wanted: Mode) -> bool {
    matches!(frame, ServerFrame::Event { event } if matches!(event.body, EventBody::Mode { mode, .. } if mode == wanted))
}

/// An agent receives an insight after every takeover or customer message; not waiting longer if
/// none comes.
const INSIGHT_LIMIT: Duration = Duration::from_secs(5);

/// Waits until the server has done the follow-up work of a takeover or a customer message (the
/// brain's insight for agents, then the dashboard summary), which ends with the insight frame
/// on the agent's socket: a message sent before then would be timed queueing behind it, which
/// an agent typing a reply never meets.
pub async fn follow_up_done(agent: &mut Ws) {
    let _ = wait_for(agent, "the insight", INSIGHT_LIMIT, |f| matches!(f, ServerFrame::Insight { .. })).await;
}

/// What Baton needs to open pairs: a site, its agents' tokens, and where to reach it.
#[derive(Clone)]
pub struct BatonTarget {
    pub rest: Rest,
    pub ws_base: String,
    pub site: String,
    pub agent_tokens: Vec<String>,
}

impl BatonTarget {
    /// Starts a conversation, connects both sides and has the agent take it over.
    pub async fn open(&self, index: usize) -> Result<Pair, String> {
        let (conversation, customer_token) = sites::start(&self.rest, &self.site).await?;
        let agent_token = &self.agent_tokens[index % self.agent_tokens.len()];
        let mut customer =
            connect(&conversation_url(&self.ws_base, &self.site, &conversation, &customer_token)).await?;
        let mut agent = connect(&conversation_url(&self.ws_base, &self.site, &conversation, agent_token)).await?;
        agent.send(encode(&ClientFrame::TakeOver)).await?;
        wait_for(&mut agent, "the takeover", ANSWER_LIMIT, |f| is_mode(f, Mode::Human)).await?;
        wait_for(&mut customer, "the takeover", ANSWER_LIMIT, |f| is_mode(f, Mode::Human)).await?;
        follow_up_done(&mut agent).await;
        Ok(Pair { kind: Kind::Baton, index, conversation, customer, agent })
    }
}

/// Opens the two sockets of room `index` of the bare relay.
pub async fn open_bare(room_url: impl Fn(&str) -> String, index: usize) -> Result<Pair, String> {
    let room = format!("room-{index}");
    let url = room_url(&room);
    let customer = Ws::open(&url).await?;
    let agent = Ws::open(&url).await?;
    Ok(Pair { kind: Kind::Bare, index, conversation: room, customer, agent })
}

/// How a pair sends during a run.
#[derive(Debug, Clone, Copy)]
pub enum Pattern {
    /// Customer and agent take turns, one message per gap drawn uniformly from the range.
    Alternate { gap: (Duration, Duration) },
    /// Only the customer, each message once the previous one is acknowledged and `gap` after it.
    CustomerAcked { gap: Duration },
}

#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub pattern: Pattern,
    /// No message is sent after this.
    pub stop: Instant,
    /// What is still in flight after this is counted as undelivered.
    pub give_up: Instant,
    pub seed: u64,
    /// Sets this run's client ids apart from earlier runs' on the same conversations: Baton
    /// acknowledges a known client id as a resend and does not relay it again.
    pub round: u32,
}

/// What one pair saw in a run.
#[derive(Debug, Default)]
pub struct Outcome {
    pub conversation: String,
    /// Milliseconds from writing a message to the other side reading it.
    pub to_agent: Vec<f64>,
    pub to_customer: Vec<f64>,
    /// Milliseconds from writing a message to its ack (Baton only).
    pub ack: Vec<f64>,
    pub sent: usize,
    /// Sent and never read by the other side before `give_up`.
    pub undelivered: usize,
    /// Customer messages acknowledged, with their seq and when they were written.
    pub acked: Vec<(u64, Instant)>,
    /// Error frames, by code.
    pub errors: Vec<String>,
    /// Why a socket broke, if one did (the pair is then dropped).
    pub broken: Option<String>,
}

/// What a frame means to a run.
enum Heard {
    Relayed(String),
    Acked(String, u64),
    Refused(String),
    Nothing,
}

fn hear(kind: Kind, text: String) -> Heard {
    if kind == Kind::Bare {
        return Heard::Relayed(text);
    }
    match decode(&text) {
        Some(ServerFrame::Event { event }) => match (event.client_id, event.body) {
            (Some(id), EventBody::Text { .. }) => Heard::Relayed(id),
            _ => Heard::Nothing,
        },
        Some(ServerFrame::Ack { client_id, seq }) => Heard::Acked(client_id, seq),
        Some(ServerFrame::Error { code, .. }) => Heard::Refused(code.as_str().to_string()),
        Some(ServerFrame::ComplianceWarning { .. }) => Heard::Refused("compliance_warning".into()),
        _ => Heard::Nothing,
    }
}

fn message(kind: Kind, side: Side, id: &str, n: u64) -> String {
    match (kind, side) {
        (Kind::Bare, _) => id.to_string(),
        (Kind::Baton, Side::Customer) => encode(&ClientFrame::send(id, format!("Benchmark question {n}"))),
        (Kind::Baton, Side::Agent) => encode(&ClientFrame::send(id, format!("Benchmark answer {n}"))),
    }
}

async fn until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
        None => std::future::pending().await,
    }
}

/// The state of one run of one pair.
struct Exchange {
    kind: Kind,
    rng: Rng,
    run: Run,
    /// Sent and not yet read by the other side: who sent it and when.
    in_flight: HashMap<String, (Side, Instant)>,
    /// Sent and not yet acknowledged (Baton only).
    unacked: HashMap<String, Instant>,
    next_at: Option<Instant>,
    next_side: Side,
    number: u64,
    out: Outcome,
}

impl Exchange {
    fn gap(&mut self) -> Duration {
        match self.run.pattern {
            Pattern::Alternate { gap: (low, high) } => {
                Duration::from_millis(self.rng.between(low.as_millis() as u64, high.as_millis() as u64))
            }
            Pattern::CustomerAcked { gap } => gap,
        }
    }

    fn settled(&self) -> bool {
        self.in_flight.is_empty() && self.unacked.is_empty()
    }

    /// When to send next, if now is a time to send at all.
    fn send_at(&self, now: Instant) -> Option<Instant> {
        let gated = matches!(self.run.pattern, Pattern::CustomerAcked { .. }) && !self.unacked.is_empty();
        self.next_at.filter(|at| *at < self.run.stop && now < self.run.stop && !gated)
    }

    fn on_frame(&mut self, side: Side, text: String) {
        let now = Instant::now();
        match hear(self.kind, text) {
            Heard::Relayed(id) => {
                if let Some((from, at)) = self.in_flight.get(&id).copied()
                    && from != side
                {
                    self.in_flight.remove(&id);
                    let latency = millis(now.duration_since(at));
                    match side {
                        Side::Agent => self.out.to_agent.push(latency),
                        Side::Customer => self.out.to_customer.push(latency),
                    }
                }
            }
            Heard::Acked(id, seq) => {
                if let Some(at) = self.unacked.remove(&id) {
                    self.out.ack.push(millis(now.duration_since(at)));
                    if side == Side::Customer {
                        self.out.acked.push((seq, at));
                    }
                    if let Pattern::CustomerAcked { gap } = self.run.pattern {
                        self.next_at = Some((at + gap).max(now));
                    }
                }
            }
            Heard::Refused(code) => self.out.errors.push(code),
            Heard::Nothing => {}
        }
    }

    /// The next message's id, text and side; schedules the one after.
    fn compose(&mut self, index: usize) -> (Side, String, String) {
        let round = self.run.round;
        self.number += 1;
        let side = self.next_side;
        if let Pattern::Alternate { .. } = self.run.pattern {
            self.next_side = side.other();
        }
        let id = format!("r{round}-{index}-{}", self.number);
        let text = message(self.kind, side, &id, self.number);
        let now = Instant::now();
        self.in_flight.insert(id.clone(), (side, now));
        if self.kind == Kind::Baton {
            self.unacked.insert(id.clone(), now);
        }
        self.out.sent += 1;
        self.next_at = match self.run.pattern {
            Pattern::Alternate { .. } => Some(now + self.gap()),
            // Set again by the ack.
            Pattern::CustomerAcked { .. } => None,
        };
        (side, id, text)
    }
}

/// Runs the pattern on a pair until `run.stop`, then waits for what is in flight until
/// `run.give_up`. Returns the pair unless a socket broke.
pub async fn exchange(mut pair: Pair, run: Run) -> (Option<Pair>, Outcome) {
    let mut rng = Rng::new(run.seed, pair.index as u64);
    // Spread the first messages over one mean gap, so the pairs do not all send at once and the
    // rate is the intended one from the start.
    let first = match run.pattern {
        Pattern::Alternate { gap: (low, high) } => rng.between(0, ((low + high) / 2).as_millis() as u64),
        Pattern::CustomerAcked { gap } => rng.between(0, gap.as_millis() as u64),
    };
    let next_side =
        if matches!(run.pattern, Pattern::Alternate { .. }) && rng.chance(0.5) { Side::Agent } else { Side::Customer };
    let mut x = Exchange {
        kind: pair.kind,
        rng,
        run,
        in_flight: HashMap::new(),
        unacked: HashMap::new(),
        next_at: Some(Instant::now() + Duration::from_millis(first)),
        next_side,
        number: 0,
        out: Outcome { conversation: pair.conversation.clone(), ..Outcome::default() },
    };
    enum Step {
        Frame(Side, Result<String, String>),
        Send,
        Tick,
    }
    loop {
        let now = Instant::now();
        if now >= run.give_up || (now >= run.stop && x.settled()) {
            break;
        }
        let send_at = x.send_at(now);
        let wake = if now < run.stop { run.stop } else { run.give_up };
        let step = tokio::select! {
            r = pair.customer.next() => Step::Frame(Side::Customer, r),
            r = pair.agent.next() => Step::Frame(Side::Agent, r),
            _ = until(send_at) => Step::Send,
            _ = until(Some(wake)) => Step::Tick,
        };
        match step {
            Step::Frame(side, Ok(text)) => x.on_frame(side, text),
            Step::Frame(side, Err(e)) => {
                x.out.broken = Some(format!("{side:?} socket of {}: {e}", pair.conversation));
                x.out.undelivered = x.in_flight.len();
                return (None, x.out);
            }
            Step::Send => {
                let (side, id, text) = x.compose(pair.index);
                let ws = match side {
                    Side::Customer => &mut pair.customer,
                    Side::Agent => &mut pair.agent,
                };
                if let Err(e) = ws.send(text).await {
                    x.out.broken = Some(format!("sending {id} on {}: {e}", pair.conversation));
                    x.out.undelivered = x.in_flight.len();
                    return (None, x.out);
                }
            }
            Step::Tick => {}
        }
    }
    x.out.undelivered = x.in_flight.len();
    (Some(pair), x.out)
}

impl Pair {
    /// One customer message on its own: the milliseconds until the agent's socket reads it.
    pub async fn one_message(&mut self, id: &str) -> Result<f64, String> {
        let started = Instant::now();
        self.customer.send(message(self.kind, Side::Customer, id, 0)).await?;
        let deadline = started + ANSWER_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let text = self.agent.next_within(left).await.map_err(|e| format!("waiting for {id}: {e}"))?;
            if let Heard::Relayed(relayed) = hear(self.kind, text)
                && relayed == id
            {
                return Ok(millis(started.elapsed()));
            }
        }
    }

    /// Waits for the server's follow-up work on the last message (Baton; the bare relay has none).
    pub async fn follow_up_done(&mut self) {
        if self.kind == Kind::Baton {
            follow_up_done(&mut self.agent).await;
        }
    }
}
