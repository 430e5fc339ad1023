//! The bot's answer to one customer message: the brain decides what to say and whether a
//! person is needed; a language model, when the site has one, words the answer from the
//! matched article. Any model failure falls back to the knowledge base's own words.

use std::pin::pin;
use std::time::Duration;

use baton_brain::answer::BotReply;
use baton_brain::knowledge::KnowledgeBase;
use baton_shared::server::model::{chat_reply, chat_request};
use baton_shared::{ModelSettings, SiteRules};
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
