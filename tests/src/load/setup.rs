//! The load's site, its agents' sign-ins and its conversations, made through the public API.

use std::sync::Arc;

use futures::{StreamExt, stream};
use serde_json::{Value, json};

use crate::load::options::Options;
use crate::load::rest::{Rest, with_retries};
use crate::load::world::{AgentLogin, Conversation};
use baton_e2e::repo_root;

pub const SITE: &str = "load";
/// Requests in flight while setting up; the site object handles them one at a time anyway.
const SETUP_CONCURRENCY: usize = 16;
/// Sign-ins run PBKDF2 in the site object: a few at a time keep it responsive.
const LOGIN_CONCURRENCY: usize = 4;
const TRIES: u32 = 5;

fn email(i: usize) -> String {
    format!("agent{i}@load.test")
}

fn password(i: usize) -> String {
    format!("load-pass-{i}")
}

/// The demo's knowledge base (so the bot has answers), `agents` accounts, and a start limit no
/// single-address load can reach.
pub fn site_seed(agents: usize) -> Result<Value, String> {
    let path = repo_root().join("demo/site.json");
    let demo: Value = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
        .and_then(|text| serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display())))?;
    let accounts: Vec<Value> = (1..=agents)
        .map(|i| json!({ "email": email(i), "name": format!("Agent {i}"), "role": "agent", "password": password(i) }))
        .collect();
    Ok(json!({
        "name": "Load",
        "bot_name": "Load Bot",
        "greeting": "Hi! Ask me anything.",
        "allowed_origins": ["*"],
        "articles": demo.get("articles").cloned().unwrap_or(json!([])),
        "accounts": accounts,
        // Every load conversation starts from 127.0.0.1.
        "limits": { "conversations_per_visitor_per_minute": 100_000 },
    }))
}

/// Signs every agent in once; their tokens are reused by all of their sockets.
pub async fn login_agents(rest: &Rest, agents: usize) -> Result<Vec<Arc<AgentLogin>>, String> {
    let logins: Vec<_> = stream::iter(1..=agents)
        .map(|i| async move {
            let (email, password) = (email(i), password(i));
            with_retries(TRIES, || rest.login(SITE, &email, &password))
                .await
                .map(|login| Arc::new(AgentLogin { token: login.token, info: login.agent }))
                .map_err(|e| format!("signing in {email}: {e}"))
        })
        .buffered(LOGIN_CONCURRENCY)
        .collect()
        .await;
    logins.into_iter().collect()
}

/// Starts every conversation: the first `options.conversations` get an agent (spread over the
/// agents in turn), the rest stay with the bot. Returns those started and why others were not.
pub async fn start_conversations(
    rest: &Rest,
    options: &Options,
    agents: &[Arc<AgentLogin>],
) -> (Vec<Arc<Conversation>>, Vec<String>) {
    let results: Vec<_> = stream::iter(0..options.total_conversations())
        .map(|index| async move {
            let agent = (index < options.conversations).then(|| agents[index % agents.len()].clone());
            with_retries(TRIES, || rest.start(SITE))
                .await
                .map(|start| Arc::new(Conversation::new(index, start.conversation_id, start.token, agent)))
                .map_err(|e| format!("conversation {index}: {e}"))
        })
        .buffered(SETUP_CONCURRENCY)
        .collect()
        .await;
    let mut started = Vec::new();
    let mut failed = Vec::new();
    for result in results {
        match result {
            Ok(conv) => started.push(conv),
            Err(e) => failed.push(e),
        }
    }
    (started, failed)
}
