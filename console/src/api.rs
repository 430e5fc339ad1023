//! REST calls to the same origin.

use baton_shared::appearance::Appearance;
use baton_shared::history::{HistoryPage, HistoryQuery, HistoryRecord, OfflineMessage, OfflineReply};
use baton_shared::insight::SiteRules;
use baton_shared::protocol::{Article, ArticleInput, LoginRequest, LoginResponse, VisitorInfo};
use baton_shared::team::{AccountInput, ReassignInput, TeamMember, TransferInput};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::model::history::{EraseVisitor, Erased};
use crate::model::net::{
    account_path, appearance_path, article_path, articles_path, history_erase_path, history_path, history_record_path,
    login_path, logout_path, model_usage_path, offline_messages_path, offline_reply_path, reassign_path, rules_path,
    team_path, transfer_path, visitor_path,
};
use crate::model::rest::{RestError, read_reply};
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
    request("POST", path, None, Some(body)).await
}

/// One same-origin call: the status and body text of the answer, whatever the status.
/// `Err` only when no answer came (offline, blocked).
pub async fn request(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<(u16, String), JsValue> {
    let headers = Headers::new()?;
    if body.is_some() {
        headers.set("content-type", "application/json")?;
    }
    if let Some(token) = token {
        headers.set("authorization", &format!("Bearer {token}"))?;
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = Request::new_with_str_and_init(path, &init)?;
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request)).await?.dyn_into()?;
    let text = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
    Ok((response.status(), text))
}

/// An agent call whose answer is JSON of type `T`.
async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    token: &str,
    body: Option<&impl Serialize>,
) -> Result<T, RestError> {
    let body = body.map(serde_json::to_string).transpose().map_err(|_| RestError::unreachable())?;
    let (status, text) =
        request(method, path, Some(token), body.as_deref()).await.map_err(|_| RestError::unreachable())?;
    read_reply(status, &text)
}

/// No body to send; names the type `call` needs for `None`.
const NO_BODY: Option<&()> = None;

pub async fn list_articles(site: &str, token: &str) -> Result<Vec<Article>, RestError> {
    call("GET", &articles_path(site), token, NO_BODY).await
}

pub async fn create_article(site: &str, token: &str, input: &ArticleInput) -> Result<Article, RestError> {
    call("POST", &articles_path(site), token, Some(input)).await
}

pub async fn update_article(site: &str, token: &str, id: &str, input: &ArticleInput) -> Result<Article, RestError> {
    call("PUT", &article_path(site, id), token, Some(input)).await
}

pub async fn delete_article(site: &str, token: &str, id: &str) -> Result<(), RestError> {
    call::<serde_json::Value>("DELETE", &article_path(site, id), token, NO_BODY).await.map(|_| ())
}

pub async fn get_rules(site: &str, token: &str) -> Result<SiteRules, RestError> {
    call("GET", &rules_path(site), token, NO_BODY).await
}

pub async fn put_rules(site: &str, token: &str, rules: &SiteRules) -> Result<SiteRules, RestError> {
    call("PUT", &rules_path(site), token, Some(rules)).await
}

pub async fn get_appearance(site: &str, token: &str) -> Result<Appearance, RestError> {
    call("GET", &appearance_path(site), token, NO_BODY).await
}

pub async fn put_appearance(site: &str, token: &str, look: &Appearance) -> Result<Appearance, RestError> {
    call("PUT", &appearance_path(site), token, Some(look)).await
}

pub async fn visitor(site: &str, token: &str, conversation_id: &str) -> Result<VisitorInfo, RestError> {
    call("GET", &visitor_path(site, conversation_id), token, NO_BODY).await
}

pub async fn create_account(site: &str, token: &str, input: &AccountInput) -> Result<TeamMember, RestError> {
    call("POST", &team_path(site), token, Some(input)).await
}

pub async fn update_account(site: &str, token: &str, id: &str, input: &AccountInput) -> Result<TeamMember, RestError> {
    call("PUT", &account_path(site, id), token, Some(input)).await
}

/// The language model calls of this hour against the site's budget (supervisors).
pub async fn model_usage(site: &str, token: &str) -> Result<baton_shared::ModelUsage, RestError> {
    call("GET", &model_usage_path(site), token, NO_BODY).await
}

/// Ends this account's sign-ins everywhere (its token stops working at once).
pub async fn logout(site: &str, token: &str) -> Result<(), RestError> {
    call::<serde_json::Value>("POST", &logout_path(site), token, NO_BODY).await.map(|_| ())
}

pub async fn transfer(site: &str, token: &str, conversation_id: &str, input: &TransferInput) -> Result<(), RestError> {
    call::<serde_json::Value>("POST", &transfer_path(site, conversation_id), token, Some(input)).await.map(|_| ())
}

pub async fn reassign(site: &str, token: &str, conversation_id: &str, input: &ReassignInput) -> Result<(), RestError> {
    call::<serde_json::Value>("POST", &reassign_path(site, conversation_id), token, Some(input)).await.map(|_| ())
}

/// One page of the site's closed conversations, newest first.
pub async fn history(site: &str, token: &str, query: &HistoryQuery) -> Result<HistoryPage, RestError> {
    call("GET", &history_path(site, query), token, NO_BODY).await
}

pub async fn history_record(site: &str, token: &str, conversation_id: &str) -> Result<HistoryRecord, RestError> {
    call("GET", &history_record_path(site, conversation_id), token, NO_BODY).await
}

/// Supervisors only: erases one closed conversation everywhere; the number erased.
pub async fn erase_conversation(site: &str, token: &str, conversation_id: &str) -> Result<u64, RestError> {
    call::<Erased>("DELETE", &history_record_path(site, conversation_id), token, NO_BODY).await.map(|e| e.erased)
}

/// Supervisors only: erases every closed conversation of a visitor's email; the number erased.
pub async fn erase_visitor(site: &str, token: &str, email: &str) -> Result<u64, RestError> {
    let body = EraseVisitor { email: email.to_string() };
    call::<Erased>("POST", &history_erase_path(site), token, Some(&body)).await.map(|e| e.erased)
}

/// The messages customers left when nobody could come, unhandled first, newest first within each.
pub async fn offline_messages(site: &str, token: &str) -> Result<Vec<OfflineMessage>, RestError> {
    call("GET", &offline_messages_path(site), token, NO_BODY).await
}

/// Answers a message left in a conversation (the site's webhook mails it); the message as now
/// handled: who answered, when, and the reply.
pub async fn reply_offline(
    site: &str,
    token: &str,
    conversation_id: &str,
    reply: &OfflineReply,
) -> Result<OfflineMessage, RestError> {
    call("POST", &offline_reply_path(site, conversation_id), token, Some(reply)).await
}
