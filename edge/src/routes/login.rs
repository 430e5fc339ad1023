//! `POST /api/sites/{site}/login`: the site checks the password, the worker signs the token.

use baton_shared::{ApiError, ErrorCode, LoginRequest, LoginResponse};

/// The longest email address there is (RFC 5321's path limit).
const MAX_EMAIL_BYTES: usize = 254;
use worker::{Env, Request, Response};

use crate::auth;
use crate::http::{ApiResult, now_ms, ok_json, read_json, read_reply};
use crate::ids;
use crate::internal::{Call, SiteOp, site_stub};
use crate::origin::{own_origin, request_origin};
use crate::site::VerifiedAccount;
use crate::throttle;

pub async fn login(req: &mut Request, env: &Env, site: &str) -> ApiResult<Response> {
    ids::check_site(site)?;
    baton_shared::origin::check_same_origin(request_origin(req).as_deref(), &own_origin(req))?;
    throttle::sign_in_attempt(req, now_ms())?;
    let body: LoginRequest = read_json(req).await?;
    if body.email.len() > MAX_EMAIL_BYTES {
        return Err(ApiError::new(ErrorCode::BadRequest, format!("an email has at most {MAX_EMAIL_BYTES} bytes")));
    }
    let reply = Call::to(SiteOp::Login).json(&body).site(site).send(&site_stub(env, site)?).await?;
    let VerifiedAccount { agent, role, site: info } = read_reply(reply, "login").await?;
    let (token, expires_at) = auth::sign_agent(env, site, agent.clone(), role, now_ms())?;
    Ok(ok_json(&LoginResponse { token, agent, role, site: info, expires_at }))
}
