//! `GET /api/sites/{site}` and the console dashboard socket.

use baton_shared::origin;
use worker::{Env, Request, Response};

use crate::auth;
use crate::http::{ApiResult, now_ms, ok_json, read_reply, require_upgrade, upgraded};
use crate::ids;
use crate::internal::{Call, Caller, SiteOp, site_stub};
use crate::origin::{own_origin, request_origin};
use crate::site::SiteRecord;
use crate::site_cache::{self, Lookup};

/// A site's public face and embedding policy, from the isolate's copy when it has a fresh one
/// (`site_cache`); `not_found` if it was never seeded.
pub async fn site_record(env: &Env, site: &str) -> ApiResult<SiteRecord> {
    ids::check_site(site)?;
    let now = now_ms();
    if let Lookup::Use(record) = site_cache::lookup(site, now) {
        return Ok(record);
    }
    let fetched = fetch_record(env, site).await;
    match &fetched {
        Ok(record) => site_cache::keep(site, record.clone(), now),
        Err(_) => site_cache::fetch_failed(site),
    }
    fetched
}

async fn fetch_record(env: &Env, site: &str) -> ApiResult<SiteRecord> {
    let reply = Call::to(SiteOp::Info).site(site).send(&site_stub(env, site)?).await?;
    read_reply(reply, "site info").await
}

/// Refuses browsers on origins the site does not allow to embed its widget.
pub async fn check_embed(req: &Request, env: &Env, site: &str) -> ApiResult<SiteRecord> {
    let record = site_record(env, site).await?;
    origin::check_embed(site, &record.allowed_origins, request_origin(req).as_deref(), &own_origin(req))?;
    Ok(record)
}

/// `GET /api/sites/{site}`
pub async fn info(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    Ok(ok_json(&check_embed(req, env, site).await?.info))
}

/// `GET /api/sites/{site}/dashboard` (WebSocket, token as the `bearer.{token}` subprotocol)
pub async fn dashboard(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    ids::check_site(site)?;
    require_upgrade(req)?;
    origin::check_same_origin(request_origin(req).as_deref(), &own_origin(req))?;
    let (agent, _role) = auth::site_agent(env, auth::socket_claims(req, env, now_ms())?, site, None).await?;
    let reply =
        Call::to(SiteOp::Dashboard).site(site).caller(&Caller::Agent(agent)).send(&site_stub(env, site)?).await?;
    upgraded(reply, "opening the dashboard socket").await
}
