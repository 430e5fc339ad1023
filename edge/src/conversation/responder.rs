//! The bot's answer to one customer message: the brain decides what to say and whether a
//! person is needed; a language model, when the site has one, words the answer from the
//! matched article. Any model failure falls back to the knowledge base's own words.

use std::pin::pin;
use std::time::Duration;

use baton_brain::answer::BotReply;
use baton_brain::knowledge::KnowledgeBase;
use baton_shared::server::model::{chat_reply, chat_request, suggestion_request, summary_request};
use baton_shared::{Article, ModelSettings, SiteRules};
use baton_shared::{Author, Event, EventBody};
use futures::future::{Either, select};
use worker::wasm_bindgen::JsValue;
use worker::{AbortController, Delay, Env, Fetch, Headers, Method, Request, RequestInit};

/// Secret holding the language model's API key (optional: local stand-ins need none).
const MODEL_KEY_SECRET: &str = "LLM_API_KEY";

/// What the bot knows about its site, cached between messages.
pub struct Brain {
    pub bot_name: String,
    pub knowledge: KnowledgeBase,
    pub model: Option<ModelSettings>,
    pub rules: SiteRules,
}

/// Has the site's language model word an article answer the brain `decided` on.
pub async fn word(env: &Env, brain: &Brain, decided: BotReply, message: &str) -> BotReply {
    let (Some(settings), BotReply::Answer { confidence, article_id, article_title, .. }) = (&brain.model, &decided)
    else {
        return decided;
    };
    let Some(article) = brain.knowledge.article(article_id) else { return decided };
    let request = chat_request(settings, &brain.bot_name, article, message);
    match ask(env, settings, request).await {
        Ok(text) => BotReply::Answer {
            text,
            confidence: *confidence,
            article_id: article_id.clone(),
            article_title: article_title.clone(),
        },
        Err(why) => {
            worker::console_warn!("language model at {}: {why}; answering from the knowledge base", settings.endpoint);
            decided
        }
    }
}

/// The model's briefing for the agent taking over; `None` without a model or when it fails.
pub async fn summary(env: &Env, brain: &Brain, events: &[Event]) -> Option<String> {
    let settings = brain.model.as_ref()?;
    let body = summary_request(settings, &transcript(brain, events));
    answer_or_warn(settings, ask(env, settings, body).await)
}

/// One reply the model drafts for `agent_name` from the matching articles.
pub async fn suggestion(
    env: &Env,
    brain: &Brain,
    agent_name: &str,
    articles: &[&Article],
    events: &[Event],
) -> Option<String> {
    let settings = brain.model.as_ref()?;
    let body = suggestion_request(settings, agent_name, articles, &transcript(brain, events));
    answer_or_warn(settings, ask(env, settings, body).await)
}

fn answer_or_warn(settings: &ModelSettings, answer: Result<String, String>) -> Option<String> {
    match answer {
        Ok(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        Ok(_) => None,
        Err(why) => {
            worker::console_warn!("language model at {}: {why}", settings.endpoint);
            None
        }
    }
}

/// Who said what, for a prompt: visible messages only (no notes, no mode changes).
fn transcript(brain: &Brain, events: &[Event]) -> Vec<(String, String)> {
    events
        .iter()
        .filter_map(|e| match (&e.author, &e.body) {
            (Author::Customer, EventBody::Text { text, .. }) => Some(("Customer".to_string(), text.clone())),
            (Author::Bot, EventBody::Text { text, .. }) => Some((format!("{} (bot)", brain.bot_name), text.clone())),
            (Author::Agent(agent), EventBody::Text { text, .. }) => {
                Some((format!("{} (agent)", agent.name), text.clone()))
            }
            _ => None,
        })
        .collect()
}

async fn ask(env: &Env, settings: &ModelSettings, body: String) -> Result<String, String> {
    let headers = Headers::new();
    headers.set("content-type", "application/json").map_err(|e| e.to_string())?;
    if let Ok(key) = env.secret(MODEL_KEY_SECRET) {
        headers.set("authorization", &format!("Bearer {key}")).map_err(|e| e.to_string())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(JsValue::from_str(&body)));
    let request = Request::new_with_init(&settings.endpoint, &init).map_err(|e| format!("bad endpoint: {e}"))?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let exchange = async {
        let mut response = Fetch::Request(request).send_with_signal(&signal).await.map_err(|e| e.to_string())?;
        let status = response.status_code();
        let text = response.text().await.map_err(|e| e.to_string())?;
        if !(200..300).contains(&status) {
            return Err(format!("HTTP {status}"));
        }
        chat_reply(&text)
    };
    let deadline = Delay::from(Duration::from_millis(settings.timeout_ms));
    match select(pin!(exchange), pin!(deadline)).await {
        Either::Left((answer, _)) => answer,
        Either::Right(_) => {
            controller.abort();
            Err(format!("no answer within {} ms", settings.timeout_ms))
        }
    }
}
