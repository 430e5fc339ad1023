//! The conversation's hibernatable sockets: tags, attachments, and fan-out.
//!
//! Everything a socket needs to be served after the object wakes from hibernation lives in its
//! attachment; nothing about sockets is kept only in memory.

use baton_shared::{AgentInfo, Author, Event, Role, ServerFrame, encode};
use serde::{Deserialize, Serialize};
use worker::{State, WebSocket};

use baton_engine::{Caller, Out};

pub const CUSTOMER_TAG: &str = "customer";
pub const AGENT_TAG: &str = "agent";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attachment {
    /// Identifies the socket for per-socket limits.
    pub id: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentInfo>,
    /// `hello` answered: the socket has its gap and now receives live events.
    pub hello: bool,
}

impl Attachment {
    pub fn new(id: String, caller: &Caller) -> Attachment {
        match caller {
            Caller::Customer => Attachment { id, role: Role::Customer, agent: None, hello: false },
            Caller::Agent(agent) => Attachment { id, role: Role::Agent, agent: Some(agent.clone()), hello: false },
        }
    }

    pub fn caller(&self) -> Option<Caller> {
        match (self.role, &self.agent) {
            (Role::Customer, _) => Some(Caller::Customer),
            (Role::Agent, Some(agent)) => Some(Caller::Agent(agent.clone())),
            (Role::Agent, None) => None,
        }
    }

    pub fn tag(&self) -> &'static str {
        match self.role {
            Role::Customer => CUSTOMER_TAG,
            Role::Agent => AGENT_TAG,
        }
    }
}

pub fn attachment(ws: &WebSocket) -> Option<Attachment> {
    ws.deserialize_attachment::<Attachment>().ok().flatten()
}

/// Sends a frame; a socket that is already closing simply misses it and resyncs with `hello`.
pub fn send(ws: &WebSocket, frame: &ServerFrame) {
    let _ = ws.send_with_str(encode(frame));
}

/// Sockets with this tag that finished `hello`, with their attachments.
fn ready(state: &State, tag: &str) -> Vec<(WebSocket, Attachment)> {
    state
        .get_websockets_with_tag(tag)
        .into_iter()
        .filter_map(|ws| attachment(&ws).filter(|a| a.hello).map(|a| (ws, a)))
        .collect()
}

/// Sends a committed event to everyone who may see it; customers never receive notes.
pub fn broadcast(state: &State, event: &Event) {
    let frame = encode(&ServerFrame::Event { event: event.clone() });
    for (ws, _) in ready(state, AGENT_TAG) {
        let _ = ws.send_with_str(&frame);
    }
    if event.visible_to_customer() {
        for (ws, _) in ready(state, CUSTOMER_TAG) {
            let _ = ws.send_with_str(&frame);
        }
    }
}

/// Relays a typing indicator to the other side. Agents see each other; the customer sees only
/// the customer's own side and the agent holding the conversation.
pub fn relay_typing(state: &State, from: &Attachment, author: Author, on: bool, customer_may_see: bool) {
    let frame = encode(&ServerFrame::Typing { author, on });
    for (ws, a) in ready(state, AGENT_TAG) {
        if a.id != from.id {
            let _ = ws.send_with_str(&frame);
        }
    }
    if from.role == Role::Agent && customer_may_see {
        for (ws, _) in ready(state, CUSTOMER_TAG) {
            let _ = ws.send_with_str(&frame);
        }
    }
}

/// Sends an agents-only frame (insight) to every agent socket that finished `hello`.
pub fn send_to_agents(state: &State, frame: &ServerFrame) {
    let frame = encode(frame);
    for (ws, _) in ready(state, AGENT_TAG) {
        let _ = ws.send_with_str(&frame);
    }
}

/// Sends a customers-only frame (their place in the queue) to every customer socket that
/// finished `hello`.
pub fn send_to_customers(state: &State, frame: &ServerFrame) {
    let frame = encode(frame);
    for (ws, _) in ready(state, CUSTOMER_TAG) {
        let _ = ws.send_with_str(&frame);
    }
}

/// Carries out the engine's deliveries, in order and without awaiting: `sender` is the socket
/// the input came from, if any.
pub fn deliver(state: &State, sender: Option<(&WebSocket, &Attachment)>, out: &[Out]) {
    for item in out {
        match item {
            Out::ToSender(frame) => {
                if let Some((ws, _)) = sender {
                    send(ws, frame);
                }
            }
            Out::Broadcast(event) => broadcast(state, event),
            Out::ToAgents(frame) => send_to_agents(state, frame),
            Out::ToCustomers(frame) => send_to_customers(state, frame),
            Out::Typing { author, on, customer_may_see } => {
                if let Some((_, from)) = sender {
                    relay_typing(state, from, author.clone(), *on, *customer_may_see);
                }
            }
        }
    }
}
