//! `GET /api/sites/{site}` and the console dashboard socket.

use baton_shared::SiteInfo;
use worker::{Env, Request, Response};

use crate::auth;
use crate::http::{ApiResult, now_ms, ok_json, read_reply, require_upgrade, upgraded};
use crate::ids;
use crate::internal::{Call, Caller, site_stub};

/// The public face of a site; `not_found` if it was never seeded.
pub async fn site_info(env: &Env, site: &str) -> ApiResult<SiteInfo> {
    ids::check_site(site)?;
    let reply = Call::get("/info").site(site).send(&site_stub(env, site)?).await?;
    read_reply(reply, "site info").await
}

/// `GET /api/sites/{site}`
pub async fn info(env: &Env, site: &str) -> ApiResult<Response> {
    Ok(ok_json(&site_info(env, site).await?))
}

/// `GET /api/sites/{site}/dashboard?token=AGENT` (WebSocket)
pub async fn dashboard(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    ids::check_site(site)?;
    require_upgrade(req)?;
    let (agent, _role) = auth::site_agent(auth::query_claims(req, env, now_ms())?, site)?;
    let reply =
        Call::websocket("/dashboard").site(site).caller(&Caller::Agent(agent)).send(&site_stub(env, site)?).await?;
    upgraded(reply, "opening the dashboard socket").await
}
