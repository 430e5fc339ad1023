//! The team and the desk's settings over REST, for the console's Team page.
//!
//! `Authorization: Bearer <agent token>`; any agent of the site may read (colleagues see each
//! other's presence), only supervisors may add or change accounts and settings. Passwords are
//! hashed here, in the worker, so the site object never spends its time on them.

use baton_shared::appearance::Appearance;
use baton_shared::team::{validate_account, validate_desk_settings};
use baton_shared::{AccountInput, DeskSettings, TeamMember};
use worker::{Env, Request, Response};

use crate::http::{ApiResult, json, ok_json, read_json, read_reply};
use crate::internal::{Call, SiteOp, site_stub};
use crate::password;
use crate::routes::knowledge::{site_agent, supervisor};
use crate::site::AccountPut;

/// `GET /api/sites/{site}/team`
pub async fn list(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    site_agent(req, env, site).await?;
    let reply = Call::to(SiteOp::Team).site(site).send(&site_stub(env, site)?).await?;
    Ok(ok_json(&read_reply::<Vec<TeamMember>>(reply, "reading the team").await?))
}

/// `POST /api/sites/{site}/team` (201) and `PUT /api/sites/{site}/team/{id}`
pub async fn put(req: &mut Request, env: &Env, site: &str, id: Option<&str>) -> ApiResult<Response> {
    supervisor(req, env, site).await?;
    let mut input: AccountInput = read_json(req).await?;
    // The console shows an agent's picture by its reference; sent back unchanged, it means
    // "keep the picture", not a new avatar URL.
    let keep_avatar = match (id, &input.avatar) {
        (Some(id), Some(url)) => baton_shared::avatar::is_reference(url, id),
        _ => false,
    };
    if keep_avatar {
        input.avatar = None;
    }
    let account = validate_account(input, id.is_none())?;
    let pw_hash = match &account.password {
        Some(password) => Some(password::hash(password).await?),
        None => None,
    };
    let account = AccountInput { password: None, ..account };
    let put = AccountPut { id: id.map(str::to_string), account, pw_hash, keep_avatar };
    let created = put.id.is_none();
    let reply = Call::to(SiteOp::PutAccount).json(&put).site(site).send(&site_stub(env, site)?).await?;
    let member: TeamMember = read_reply(reply, "storing the account").await?;
    Ok(if created { json(201, &member) } else { ok_json(&member) })
}

/// `GET /api/sites/{site}/desk`
pub async fn settings(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    site_agent(req, env, site).await?;
    let reply = Call::to(SiteOp::Desk).site(site).send(&site_stub(env, site)?).await?;
    Ok(ok_json(&read_reply::<DeskSettings>(reply, "reading the desk settings").await?))
}

/// `GET /api/sites/{site}/appearance`: how the widget looks, for the console's editor.
pub async fn appearance(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    site_agent(req, env, site).await?;
    let reply = Call::to(SiteOp::Appearance).site(site).send(&site_stub(env, site)?).await?;
    Ok(ok_json(&read_reply::<Appearance>(reply, "reading the appearance").await?))
}

/// `PUT /api/sites/{site}/appearance` (supervisors): refused with `invalid_appearance` when the
/// accent fails WCAG AA against white text, and the like (`Appearance::validate`).
pub async fn put_appearance(req: &mut Request, env: &Env, site: &str) -> ApiResult<Response> {
    supervisor(req, env, site).await?;
    let look: Appearance = read_json(req).await?;
    look.validate()?;
    let reply = Call::to(SiteOp::PutAppearance).json(&look).site(site).send(&site_stub(env, site)?).await?;
    Ok(ok_json(&read_reply::<Appearance>(reply, "storing the appearance").await?))
}

/// `PUT /api/sites/{site}/desk`
pub async fn put_settings(req: &mut Request, env: &Env, site: &str) -> ApiResult<Response> {
    supervisor(req, env, site).await?;
    let desk = validate_desk_settings(read_json(req).await?)?;
    let reply = Call::to(SiteOp::PutDesk).json(&desk).site(site).send(&site_stub(env, site)?).await?;
    Ok(ok_json(&read_reply::<DeskSettings>(reply, "storing the desk settings").await?))
}
