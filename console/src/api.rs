//! REST calls to the same origin.

use baton_shared::protocol::{LoginRequest, LoginResponse};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::model::net::login_path;
use crate::model::session::login_outcome;

const UNREACHABLE: &str = "Could not reach the server. Check your connection and try again.";

/// `POST /api/sites/{site}/login`; the error is a sentence for the sign-in form.
pub async fn login(site: &str, email: &str, password: &str) -> Result<LoginResponse, String> {
    let body = serde_json::to_string(&LoginRequest { email: email.trim().to_string(), password: password.to_string() })
        .map_err(|_| UNREACHABLE.to_string())?;
    let (status, text) = post_json(&login_path(site), &body).await.map_err(|_| UNREACHABLE.to_string())?;
    login_outcome(status, &text)
}

async fn post_json(path: &str, body: &str) -> Result<(u16, String), JsValue> {
    let headers = Headers::new()?;
    headers.set("content-type", "application/json")?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    let request = Request::new_with_str_and_init(path, &init)?;
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request)).await?.dyn_into()?;
    let text = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
    Ok((response.status(), text))
}
