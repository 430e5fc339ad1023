//! `POST /api/sites/{site}/login`: the site hands out the stored hash, the worker checks the
//! password (WebCrypto, `crate::password`) and signs the token. The site object never hashes.

use baton_shared::limits::MAX_EMAIL_BYTES;
use baton_shared::server::quota::address_key;
use baton_shared::{ApiError, ErrorCode, LoginRequest, LoginResponse};
use worker::{Env, Request, Response};

use crate::auth;
use crate::http::{ApiResult, check_reply, now_ms, ok_json, read_json, read_reply};
use crate::ids;
use crate::internal::{Call, SiteOp, site_stub};
use crate::origin::{own_origin, request_origin};
use crate::password::{self, Checked};
use crate::routes::knowledge::site_agent;
use crate::site::{Credential, CredentialRequest, Revoke, SignedIn, VerifiedAccount, login_failed};
use crate::throttle;

/// Longer passwords are refused before any hashing (PBKDF2 hashes the password once per step).
const MAX_PASSWORD_BYTES: usize = 1024;

pub async fn login(req: &mut Request, env: &Env, site: &str) -> ApiResult<Response> {
    ids::check_site(site)?;
    baton_shared::origin::check_same_origin(request_origin(req).as_deref(), &own_origin(req))?;
    throttle::sign_in_attempt(req, now_ms())?;
    let body: LoginRequest = read_json(req).await?;
    if body.email.len() > MAX_EMAIL_BYTES || body.password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("an email has at most {MAX_EMAIL_BYTES} bytes and a password at most {MAX_PASSWORD_BYTES}"),
        ));
    }
    let network = address_key(&throttle::client_address(req));
    let stub = site_stub(env, site)?;
    let asked = CredentialRequest { email: body.email.clone(), network: network.clone() };
    let reply = Call::to(SiteOp::Credential).json(&asked).site(site).send(&stub).await?;
    let Credential { pw_hash } = read_reply(reply, "reading the credential").await?;
    let upgraded = match password::check(&body.password, pw_hash.as_deref()).await? {
        Checked::Wrong => return Err(login_failed()),
        Checked::Right => None,
        Checked::RightUpgrade(hash) => Some(hash),
    };
    let signed_in = SignedIn { email: body.email, network, upgraded };
    let reply = Call::to(SiteOp::SignedIn).json(&signed_in).site(site).send(&stub).await?;
    let VerifiedAccount { agent, role, site: info, version } = read_reply(reply, "signing in").await?;
    let (token, expires_at) = auth::sign_agent(env, site, agent.clone(), role, version, now_ms())?;
    Ok(ok_json(&LoginResponse { token, agent, role, site: info, expires_at }))
}

/// `POST /api/sites/{site}/logout` (bearer): ends every sign-in of the account, on every
/// device, and closes its open sockets.
pub async fn logout(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    let (agent, _) = site_agent(req, env, site).await?;
    let reply =
        Call::to(SiteOp::SignOut).json(&Revoke { agent: agent.id }).site(site).send(&site_stub(env, site)?).await?;
    check_reply(reply, "signing out").await?;
    Ok(ok_json(&serde_json::json!({ "ok": true })))
}
