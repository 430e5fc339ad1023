//! `GET /api/sites/{site}`, the widget's start-up answer, and the console dashboard socket.

use baton_shared::i18n::Locale;
use baton_shared::{ApiError, ErrorCode, origin};
use worker::{Env, Request, Response};

use crate::auth;
use crate::http::{ApiResult, now_ms, ok_json, query_param, read_reply, require_upgrade, upgraded};
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

/// Most language tags a widget may name, and their total length: a browser lists a handful.
const MAX_LOCALES: usize = 12;
const MAX_LOCALES_BYTES: usize = 256;

/// `GET /api/sites/{site}/widget?locales=de-AT,en`: what the widget needs before it shows, in
/// one answer: the visitor's language (the first of `locales`, most preferred first, that the
/// catalogue covers, else the site's default), the widget's words in it (`baton_shared::i18n`), and the
/// site's look (`Appearance`). The widget ships no words of its own, so each visitor downloads
/// one language.
pub async fn widget(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    let record = check_embed(req, env, site).await?;
    let wanted = query_param(req, "locales").unwrap_or_default();
    if wanted.len() > MAX_LOCALES_BYTES {
        return Err(ApiError::new(ErrorCode::BadRequest, "locales is too long: name at most a dozen languages"));
    }
    let look = &record.appearance;
    let locale = Locale::negotiate(wanted.split(',').take(MAX_LOCALES), look.default_locale());
    let (accent, accent_dark) = look.accents();
    let body = serde_json::json!({
        "locale": locale.as_str(),
        "dir": locale.dir(),
        "texts": locale.catalogue().as_slice(),
        "theme": {
            "accent": accent,
            "accent_dark": accent_dark,
            "position": look.position,
            "launcher_label": look.launcher_label,
        },
    });
    Ok(ok_json(&body))
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
