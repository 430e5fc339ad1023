//! What handling one input asks the shell to do, as data. The engine has already stored what
//! it committed; the shell only delivers.
//!
//! The shell carries out `out` synchronously and in order, before it awaits anything: that is
//! what makes an ack, the events it announces and the insight that follows arrive in commit
//! order, and a `pong` a barrier for every frame sent before its `ping`. Only then does it
//! push the dashboard row, set the alarm and run the model calls.

use baton_shared::history::HistoryRecord;
use baton_shared::{Author, ConversationSummary, Event, ServerFrame};

use crate::model::ModelCall;

/// One delivery, in the order it must happen.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    /// To the socket the input came from (pong, welcome, ack, compliance warning, error).
    ToSender(ServerFrame),
    /// A committed event, to every socket that may see it: customers never receive notes.
    Broadcast(Event),
    /// To agent sockets only (insight).
    ToAgents(ServerFrame),
    /// To customer sockets only (their place in the queue).
    ToCustomers(ServerFrame),
    /// A typing indicator: to the other agents, and to the customer when `customer_may_see`.
    Typing { author: Author, on: bool, customer_may_see: bool },
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Effects {
    pub out: Vec<Out>,
    /// The sender's socket finished `hello`: from now on it receives live events.
    pub greeted: bool,
    /// The conversation's dashboard row, to push to the site after `out` is delivered.
    pub dashboard: Option<ConversationSummary>,
    /// When the alarm that re-checks time-based alert rules must fire (epoch ms).
    pub alarm_at: Option<u64>,
    /// Language model requests to run once everything else is delivered; each answer comes
    /// back through [`crate::Engine::model_answered`].
    pub model_calls: Vec<ModelCall>,
    /// The closed conversation as the history keeps it, to store after `out` is delivered: on
    /// the close, and again when a rating follows it.
    pub archive: Option<HistoryRecord>,
    /// What went wrong without stopping the input (storage of the brain's memory, a model
    /// failure), for the shell's log.
    pub warnings: Vec<String>,
}

impl Effects {
    pub fn to_sender(&mut self, frame: ServerFrame) {
        self.out.push(Out::ToSender(frame));
    }

    pub fn broadcast(&mut self, event: Event) {
        self.out.push(Out::Broadcast(event));
    }

    pub fn to_agents(&mut self, frame: ServerFrame) {
        self.out.push(Out::ToAgents(frame));
    }

    pub fn warn(&mut self, warning: impl Into<String>) {
        self.warnings.push(warning.into());
    }

    /// The frames the sender receives, in order.
    pub fn sender_frames(&self) -> impl Iterator<Item = &ServerFrame> {
        self.out.iter().filter_map(|o| match o {
            Out::ToSender(frame) => Some(frame),
            _ => None,
        })
    }

    /// The events committed and announced, in order.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.out.iter().filter_map(|o| match o {
            Out::Broadcast(event) => Some(event),
            _ => None,
        })
    }

    /// The frames customers alone receive, in order.
    pub fn customer_frames(&self) -> impl Iterator<Item = &ServerFrame> {
        self.out.iter().filter_map(|o| match o {
            Out::ToCustomers(frame) => Some(frame),
            _ => None,
        })
    }

    /// The frames agents alone receive, in order.
    pub fn agent_frames(&self) -> impl Iterator<Item = &ServerFrame> {
        self.out.iter().filter_map(|o| match o {
            Out::ToAgents(frame) => Some(frame),
            _ => None,
        })
    }
}
