//! The site's language model over HTTP: the engine writes each request and reads each answer;
//! this only posts it, with the site's timeout.

use std::pin::pin;
use std::time::Duration;

use baton_engine::ModelCall;
use baton_shared::ModelSettings;
use baton_shared::server::model::chat_reply;
use futures::future::{Either, select};
use worker::wasm_bindgen::JsValue;
use worker::{AbortController, Delay, Env, Fetch, Headers, Method, Request, RequestInit};

/// Secret holding the language model's API key (optional: local stand-ins need none).
const MODEL_KEY_SECRET: &str = "LLM_API_KEY";

/// Runs one model call: the reply's text, or why there is none.
pub async fn run(env: &Env, call: &ModelCall) -> Result<String, String> {
    ask(env, &call.settings, call.body.clone()).await
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
