//! `GET /api/sites/{site}/agents/{id}/avatar`: the one place an agent's `data:` avatar is
//! served from. Events, rows and tokens carry only its reference (`baton_shared::avatar`).
//! Public, like any image on a page; the isolate keeps each picture a minute, and the
//! versioned URL lets browsers keep it for good.

use std::cell::RefCell;
use std::collections::HashMap;

use baton_shared::avatar::data_url_image;
use baton_shared::{ApiError, ErrorCode};
use worker::{Env, Headers, Request, Response};

use crate::http::{ApiResult, OrInternal, now_ms, read_reply};
use crate::ids;
use crate::internal::{Call, SiteOp, site_stub};
use crate::site::AvatarSource;

const KEEP_MS: u64 = 60_000;
const MAX_KEPT: usize = 1_000;

/// By (site, agent): the stored avatar, and when it was read.
type Kept = HashMap<(String, String), (Option<String>, u64)>;

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(HashMap::new());
}

async fn source(env: &Env, site: &str, agent: &str) -> ApiResult<Option<String>> {
    let key = (site.to_string(), agent.to_string());
    let now = now_ms();
    if let Some(source) =
        KEPT.with_borrow(|kept| kept.get(&key).filter(|(_, at)| now < at + KEEP_MS).map(|(s, _)| s.clone()))
    {
        return Ok(source);
    }
    let reply =
        Call::to(SiteOp::Avatar).query(format!("agent={agent}")).site(site).send(&site_stub(env, site)?).await?;
    let AvatarSource { source } = read_reply(reply, "reading the avatar").await?;
    KEPT.with_borrow_mut(|kept| {
        if kept.len() >= MAX_KEPT {
            kept.retain(|_, (_, at)| now < *at + KEEP_MS);
        }
        if kept.len() < MAX_KEPT {
            kept.insert(key, (source.clone(), now));
        }
    });
    Ok(source)
}

pub async fn get(_req: &Request, env: &Env, site: &str, agent: &str) -> ApiResult<Response> {
    ids::check_site(site)?;
    let no_avatar = || ApiError::new(ErrorCode::NotFound, "this agent has no avatar here");
    if !ids::is_plain_id(agent) {
        return Err(no_avatar());
    }
    let stored = source(env, site, agent).await?.ok_or_else(no_avatar)?;
    let (content_type, bytes) = data_url_image(&stored).ok_or_else(no_avatar)?;
    let headers = Headers::new();
    for (name, value) in [
        ("content-type", content_type.as_str()),
        // The URL carries the picture's version: a new picture is a new URL.
        ("cache-control", "public, max-age=31536000, immutable"),
        ("x-content-type-options", "nosniff"),
        ("cross-origin-resource-policy", "cross-origin"),
    ] {
        headers.set(name, value).or_internal("avatar headers")?;
    }
    Ok(Response::from_bytes(bytes).or_internal("the avatar")?.with_headers(headers))
}
