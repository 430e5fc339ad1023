//! Baton's conversation engine: everything one conversation decides, as pure code.
//!
//! [`Engine`] owns one conversation. Each input (a socket's frame, the conversation's start,
//! its alarm, a language model's answer, a close) is handled by one synchronous call that
//! commits what it must through a [`Store`] and returns [`Effects`]: frames to deliver, the
//! dashboard row to push, an alarm to set, model calls to run. The ConversationDO in the edge
//! is a shell that feeds inputs in and carries effects out; tests and the fuzzer drive the same
//! engine on [`MemoryStore`].
//!
//! Architecture invariant: a handler never returns between committing an event and the rules
//! that follow from it (the resend table, the brain's memory of a customer message, the bot's
//! answer or an escalation, the hand-back's answer). Being synchronous, each handler is atomic
//! inside the single-threaded object: one order, one takeover winner, no stale bot reply.

mod admission;
mod brain;
mod conversation;
mod effects;
mod failure;
mod insight;
mod model;
mod publish;
mod record;
mod store;
pub mod turns;

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;

pub use admission::{Admission, Admissions};
pub use brain::{Brain, BrainCache, FALLBACK_BOT_NAME, TTL_MS};
pub use conversation::{Engine, Incoming, Socket, Start, TransferTo};
pub use effects::{Effects, Out};
pub use failure::Failure;
pub use model::{ModelAnswer, ModelCall, Purpose};
pub use record::Record;
pub use store::{MemoryStore, Store, StoreError, StoreResult};

use baton_shared::AgentInfo;

/// Who an input comes from, as the worker vouched for it.
#[derive(Debug, Clone, PartialEq)]
pub enum Caller {
    Customer,
    Agent(AgentInfo),
}

impl Caller {
    /// Resends are recognised per sender: the same client id from two agents is two messages.
    pub fn client_key(&self, client_id: &str) -> String {
        match self {
            Caller::Customer => format!("customer:{client_id}"),
            Caller::Agent(agent) => format!("agent:{}:{client_id}", agent.id),
        }
    }

    /// Who this is across sockets, for the rate budgets one party shares.
    pub fn party(&self) -> String {
        match self {
            Caller::Customer => "customer".to_string(),
            Caller::Agent(agent) => format!("agent:{}", agent.id),
        }
    }
}
