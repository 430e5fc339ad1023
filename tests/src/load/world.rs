//! What every socket task shares: the run's phase, options and counters, and its conversations.

use std::sync::{Arc, Mutex, MutexGuard};

use baton_shared::AgentInfo;
use tokio::sync::watch;

use crate::load::counters::Counters;
use crate::load::ledger::{Ledger, Side};
use crate::load::options::Options;

/// The run's timeline; sockets only move forward through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Sockets connect and agents take over; nobody chats yet.
    Warmup,
    /// Both sides chat; sockets are dropped at random.
    Run,
    /// No new messages and no more drops: what is in flight must arrive.
    Drain,
    /// Sockets close and their tasks end.
    Stop,
}

pub struct World {
    pub site: String,
    pub ws_base: String,
    pub options: Options,
    pub counters: Counters,
    pub phase: watch::Receiver<Phase>,
}

impl World {
    pub fn ws_url(&self, conversation: &str, token: &str) -> String {
        format!("{}/api/sites/{}/conversations/{conversation}/ws?token={token}", self.ws_base, self.site)
    }
}

/// An agent signed in once; its token opens any conversation of the site.
pub struct AgentLogin {
    pub token: String,
    pub info: AgentInfo,
}

pub struct Conversation {
    /// Position in the run, used in client ids and as a random stream.
    pub index: usize,
    pub id: String,
    pub customer_token: String,
    /// The agent who takes it over; `None` leaves it with the bot.
    pub agent: Option<Arc<AgentLogin>>,
    ledger: Mutex<Ledger>,
}

impl Conversation {
    pub fn new(index: usize, id: String, customer_token: String, agent: Option<Arc<AgentLogin>>) -> Conversation {
        let ledger = Mutex::new(Ledger::new(agent.is_some()));
        Conversation { index, id, customer_token, agent, ledger }
    }

    /// The ledger; a task that panicked while holding it leaves data still worth reporting.
    pub fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn token(&self, side: Side) -> &str {
        match (side, &self.agent) {
            (Side::Agent, Some(agent)) => &agent.token,
            _ => &self.customer_token,
        }
    }
}
