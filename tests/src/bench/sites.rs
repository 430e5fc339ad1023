//! The bench's sites, made through the admin API: one for chatting (the demo's articles and a
//! few agents) and, for the bot's cost, sites with synthetic knowledge bases of a given size.

use baton_shared::LoginResponse;
use serde_json::{Value, json};

use crate::bench::rest::{Rest, with_retries};
use baton_e2e::repo_root;

pub const CHAT_SITE: &str = "bench";
const AGENTS: usize = 10;
const TRIES: u32 = 5;

pub fn agent_email(i: usize) -> String {
    format!("agent{i}@bench.test")
}

pub fn agent_password(i: usize) -> String {
    format!("bench-pass-{i}")
}

fn accounts(count: usize) -> Vec<Value> {
    (1..=count)
        .map(|i| {
            json!({ "email": agent_email(i), "name": format!("Agent {i}"), "role": "agent", "password": agent_password(i) })
        })
        .collect()
}

fn demo_articles() -> Result<Value, String> {
    let path = repo_root().join("demo/site.json");
    let demo: Value = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
        .and_then(|text| serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display())))?;
    Ok(demo.get("articles").cloned().unwrap_or(json!([])))
}

/// Any origin may embed it (the host pages are on their own ports) and one address may start
/// as many conversations as the bench needs.
fn seed(name: &str, articles: Value, agents: usize, rules: Value) -> Value {
    json!({
        "name": name,
        "bot_name": "Bench Bot",
        "greeting": "Hi! Ask me anything.",
        "allowed_origins": ["*"],
        "articles": articles,
        "accounts": accounts(agents),
        "limits": { "conversations_per_visitor_per_minute": 1_000_000 },
        "rules": rules,
    })
}

pub async fn seed_chat_site(rest: &Rest, admin_secret: &str) -> Result<(), String> {
    let seed = seed("Bench", demo_articles()?, AGENTS, json!({}));
    rest.seed_site(CHAT_SITE, admin_secret, &seed).await.map_err(|e| format!("seeding {CHAT_SITE}: {e}"))
}

pub fn bot_site(articles: usize) -> String {
    format!("bot{articles}")
}

/// A site whose bot never hands over: every message is answered by the bot, so each one
/// measures the same path.
pub async fn seed_bot_site(rest: &Rest, admin_secret: &str, articles: usize) -> Result<(), String> {
    let rules = json!({
        "escalation": {
            "on_request": false,
            "low_confidence_streak": 0,
            "sentiment_below": null,
            "on_looping": false,
            "sensitive_topics": [],
        }
    });
    let seed = seed(&format!("Bot {articles}"), json!(self::articles(articles)?), 1, rules);
    let site = bot_site(articles);
    rest.seed_site(&site, admin_secret, &seed).await.map_err(|e| format!("seeding {site}: {e}"))
}

/// Signs agent `i` of `site` in; returns its token and who it is.
pub async fn agent_login(rest: &Rest, site: &str, i: usize) -> Result<LoginResponse, String> {
    let (email, password) = (agent_email(i), agent_password(i));
    with_retries(TRIES, || rest.login(site, &email, &password))
        .await
        .map_err(|e| format!("signing in {email} on {site}: {e}"))
}

/// Signs agent `i` of `site` in; returns its token.
pub async fn agent_token(rest: &Rest, site: &str, i: usize) -> Result<String, String> {
    agent_login(rest, site, i).await.map(|login| login.token)
}

/// Agent tokens of the chat site, one per account.
pub async fn chat_agents(rest: &Rest) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    for i in 1..=AGENTS {
        tokens.push(agent_token(rest, CHAT_SITE, i).await?);
    }
    Ok(tokens)
}

/// Starts a conversation on `site`; returns its id and visitor token.
pub async fn start(rest: &Rest, site: &str) -> Result<(String, String), String> {
    with_retries(TRIES, || rest.start(site))
        .await
        .map(|s| (s.conversation_id, s.token))
        .map_err(|e| format!("starting a conversation on {site}: {e}"))
}

/// `n` articles as the bot's CPU benchmark (brain/benches/bot_cpu.rs) builds them: the demo
/// shop's first, then the brain's synthetic help-centre articles, so both measure one thing.
pub fn articles(n: usize) -> Result<Vec<Value>, String> {
    let demo = demo_articles()?;
    let mut articles: Vec<Value> = demo.as_array().into_iter().flatten().take(n).cloned().collect();
    let synthetic = baton_brain::synthetic::synthetic_articles(n - articles.len());
    for article in synthetic {
        articles.push(serde_json::to_value(article).map_err(|e| format!("a synthetic article: {e}"))?);
    }
    Ok(articles)
}

/// What customers ask the bot, in turn: questions its articles answer, worded as people do.
pub const QUESTIONS: [&str; 8] = [
    "How long does shipping take?",
    "What is your returns policy?",
    "Is the Alpine shell jacket waterproof?",
    "do you ship to Japan and how much are the customs fees",
    "How do I wash my merino base layer?",
    "the zip on my Trailhead hiking boots broke, is that covered by the warranty?",
    "When will I get my refund?",
    "Which payment methods do you accept?",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thousand_articles_fit_one_seed() {
        let articles = articles(1000).unwrap();
        assert_eq!(articles.len(), 1000);
        let bytes = serde_json::to_string(&articles).unwrap().len();
        // The edge refuses request bodies over 1 MiB; the seed adds accounts and settings.
        assert!(bytes < 900 * 1024, "{bytes}");
    }
}
