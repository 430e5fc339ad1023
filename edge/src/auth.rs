//! Who may do what: tokens signed with `TOKEN_SECRET`, and the admin bearer `ADMIN_SECRET`.

use baton_shared::limits::AGENT_TOKEN_TTL_MS;
use baton_shared::server::token::{self, Claims};
use baton_shared::{AccountRole, AgentInfo, ApiError, ErrorCode};
use worker::{Env, Request};

use crate::http::{ApiResult, read_reply, socket_token};
use crate::internal::{Call, Caller, SiteOp, site_stub};
use crate::site::{AgentCheck, AgentStanding};

const TOKEN_SECRET: &str = "TOKEN_SECRET";
const ADMIN_SECRET: &str = "ADMIN_SECRET";
const IDENTITY_SECRET: &str = "IDENTITY_SECRET";

/// A secret from the environment; a missing or short one (under `token::MIN_SECRET_BYTES`, which
/// a guess could find) stops everything that needs it rather than signing with it.
fn secret(env: &Env, name: &str) -> ApiResult<String> {
    let value = env.secret(name).map(|s| s.to_string()).unwrap_or_default();
    if !token::strong_enough(&value) {
        worker::console_error!("{name} is missing or shorter than {} bytes", token::MIN_SECRET_BYTES);
        return Err(ApiError::new(ErrorCode::Internal, "the server is not configured"));
    }
    Ok(value)
}

/// Verifies the token a socket request offers as its `bearer.{token}` subprotocol. A token
/// in the URL is not read: URLs end up in logs.
pub fn socket_claims(req: &Request, env: &Env, now: u64) -> ApiResult<Claims> {
    let token = socket_token(req).ok_or_else(|| {
        ApiError::new(ErrorCode::Unauthorized, "a token is required, as the socket's bearer.{token} subprotocol")
    })?;
    verify(env, &token, now)
}

/// Verifies `Authorization: Bearer <token>` (REST calls from the console).
pub fn bearer_claims(req: &Request, env: &Env, now: u64) -> ApiResult<Claims> {
    let header = req.headers().get("authorization").ok().flatten().unwrap_or_default();
    let token = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "a bearer token is required"))?;
    verify(env, token, now)
}

pub fn verify(env: &Env, token: &str, now: u64) -> ApiResult<Claims> {
    token::verify(token, secret(env, TOKEN_SECRET)?.as_bytes(), now)
}

/// A visitor token opens its own conversation only; an agent token any conversation of its site.
pub fn conversation_caller(claims: Claims, site: &str, conversation: &str) -> ApiResult<Caller> {
    match claims {
        Claims::Visitor { site: s, conversation: c, .. } if s == site && c == conversation => Ok(Caller::Customer),
        Claims::Agent { site: s, agent, .. } if s == site => Ok(Caller::Agent(agent)),
        _ => Err(forbidden()),
    }
}

/// An agent token of this site whose sign-in has not ended, with the account as it stands
/// now (a demoted supervisor is an agent at once). `conversation` names the conversation whose
/// socket the agent is opening, so the site can close it if the sign-in ends.
pub async fn site_agent(
    env: &Env,
    claims: Claims,
    site: &str,
    conversation: Option<&str>,
) -> ApiResult<(AgentInfo, AccountRole)> {
    if claims.site() != site {
        return Err(forbidden());
    }
    let check = AgentCheck::of(&claims, conversation).ok_or_else(forbidden)?;
    let reply = Call::to(SiteOp::CheckAgent).json(&check).site(site).send(&site_stub(env, site)?).await?;
    let AgentStanding { agent, role } = read_reply(reply, "checking the sign-in").await?;
    Ok((agent, role))
}

fn forbidden() -> ApiError {
    ApiError::new(ErrorCode::Forbidden, "this token does not open this resource")
}

/// A visitor token for `conversation`, renewed from a lifetime that began at `since` (`None`
/// for a new conversation); `None` once that lifetime is spent.
pub fn sign_visitor(
    env: &Env,
    site: &str,
    conversation: &str,
    since: Option<u64>,
    now: u64,
) -> ApiResult<Option<String>> {
    let Some(claims) = token::renew_visitor(site, conversation, since, now) else { return Ok(None) };
    Ok(Some(token::sign(&claims, secret(env, TOKEN_SECRET)?.as_bytes())))
}

/// Returns the token and its expiry.
pub fn sign_agent(
    env: &Env,
    site: &str,
    agent: AgentInfo,
    role: AccountRole,
    ver: u64,
    now: u64,
) -> ApiResult<(String, u64)> {
    let exp = now + AGENT_TOKEN_TTL_MS;
    // The token names the agent; the site supplies the picture (`site_agent`), so a token
    // stays short whatever the avatar.
    let agent = AgentInfo { avatar: None, ..agent };
    let claims = Claims::Agent { site: site.to_string(), agent, role, exp, ver };
    Ok((token::sign(&claims, secret(env, TOKEN_SECRET)?.as_bytes()), exp))
}

/// The identity secret of `site`, which its host signs user ids with (`server::identity`).
pub fn identity_secret(env: &Env, site: &str) -> ApiResult<String> {
    Ok(baton_shared::server::identity::site_secret(secret(env, IDENTITY_SECRET)?.as_bytes(), site))
}

/// `Authorization: Bearer $ADMIN_SECRET`, compared in constant time.
pub fn check_admin(req: &Request, env: &Env) -> ApiResult<()> {
    let expected = secret(env, ADMIN_SECRET)?;
    let given = req.headers().get("authorization").ok().flatten().unwrap_or_default();
    let given = given.strip_prefix("Bearer ").unwrap_or("");
    if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::Unauthorized, "admin secret missing or wrong"))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
