//! The messages customers left when nobody could come, for the console's "Offline messages"
//! list: any agent of the site reads them and answers one, which marks it handled. (Sending the
//! answer by email is the site's webhook's job; here it is recorded and shown.)

use baton_shared::history::{Handled, OfflineReply};
use baton_shared::text::validate_message_text;
use worker::{Env, Request, Response};

use crate::history;
use crate::http::{ApiResult, now_ms, ok_json, read_json};
use crate::ids;
use crate::routes::knowledge::site_agent;

/// `GET /api/sites/{site}/offline-messages`
pub async fn list(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    site_agent(req, env, site).await?;
    Ok(ok_json(&history::offline_messages(env, site).await?))
}

/// `POST /api/sites/{site}/offline-messages/{conversation}/reply`
pub async fn reply(req: &mut Request, env: &Env, site: &str, conversation: &str) -> ApiResult<Response> {
    let (agent, _) = site_agent(req, env, site).await?;
    ids::check_conversation(conversation)?;
    let OfflineReply { text } = read_json(req).await?;
    let reply = validate_message_text(&text)?;
    let handled = Handled { at: now_ms(), by: agent, reply };
    Ok(ok_json(&history::answer_offline(env, site, conversation, &handled).await?))
}
