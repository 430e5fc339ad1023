//! The knowledge base and the brain's rules over REST, for the console's supervisor pages.
//!
//! `Authorization: Bearer <agent token>`; any agent of the site may read, only supervisors
//! may write. Changes reach running conversations within the bot's knowledge refresh.

use baton_shared::config::{validate_article, validate_rules};
use baton_shared::{AccountRole, AgentInfo, ApiError, Article, ArticleInput, ErrorCode, SiteRules, origin};
use worker::{Env, Request, Response};

use crate::auth;
use crate::http::{ApiResult, check_reply, json, now_ms, ok_json, read_json, read_reply};
use crate::ids;
use crate::internal::{Call, SiteOp, site_stub};
use crate::origin::{own_origin, request_origin};
use crate::site::{ArticleId, ArticlePut};

/// An agent of this site calling from the console's own origin.
pub async fn site_agent(req: &Request, env: &Env, site: &str) -> ApiResult<(AgentInfo, AccountRole)> {
    ids::check_site(site)?;
    origin::check_same_origin(request_origin(req).as_deref(), &own_origin(req))?;
    auth::site_agent(env, auth::bearer_claims(req, env, now_ms())?, site, None).await
}

pub async fn supervisor(req: &Request, env: &Env, site: &str) -> ApiResult<()> {
    match site_agent(req, env, site).await? {
        (_, AccountRole::Supervisor) => Ok(()),
        (_, AccountRole::Agent) => Err(ApiError::new(ErrorCode::Forbidden, "only supervisors can change this")),
    }
}

/// `GET /api/sites/{site}/articles`
pub async fn list(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    site_agent(req, env, site).await?;
    let reply = Call::to(SiteOp::Articles).site(site).send(&site_stub(env, site)?).await?;
    Ok(ok_json(&read_reply::<Vec<Article>>(reply, "reading articles").await?))
}

/// `POST /api/sites/{site}/articles` (201) and `PUT /api/sites/{site}/articles/{id}`
pub async fn put(req: &mut Request, env: &Env, site: &str, id: Option<&str>) -> ApiResult<Response> {
    supervisor(req, env, site).await?;
    let input: ArticleInput = read_json(req).await?;
    let put = ArticlePut { id: id.map(str::to_string), article: validate_article(input)? };
    let created = put.id.is_none();
    let reply = Call::to(SiteOp::PutArticle).json(&put).site(site).send(&site_stub(env, site)?).await?;
    let article: Article = read_reply(reply, "storing the article").await?;
    Ok(if created { json(201, &article) } else { ok_json(&article) })
}

/// `DELETE /api/sites/{site}/articles/{id}`
pub async fn delete(req: &Request, env: &Env, site: &str, id: &str) -> ApiResult<Response> {
    supervisor(req, env, site).await?;
    let body = ArticleId { id: id.to_string() };
    let reply = Call::to(SiteOp::DeleteArticle).json(&body).site(site).send(&site_stub(env, site)?).await?;
    check_reply(reply, "deleting the article").await?;
    Ok(ok_json(&serde_json::json!({ "ok": true })))
}

/// `GET /api/sites/{site}/rules`
pub async fn rules(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    site_agent(req, env, site).await?;
    let reply = Call::to(SiteOp::Rules).site(site).send(&site_stub(env, site)?).await?;
    Ok(ok_json(&read_reply::<SiteRules>(reply, "reading the rules").await?))
}

/// `PUT /api/sites/{site}/rules`
pub async fn put_rules(req: &mut Request, env: &Env, site: &str) -> ApiResult<Response> {
    supervisor(req, env, site).await?;
    let rules = validate_rules(read_json(req).await?)?;
    let reply = Call::to(SiteOp::PutRules).json(&rules).site(site).send(&site_stub(env, site)?).await?;
    Ok(ok_json(&read_reply::<SiteRules>(reply, "storing the rules").await?))
}

/// `GET /api/sites/{site}/model-usage` (supervisors): the language model calls of this hour
/// against the site's budget.
pub async fn model_usage(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    supervisor(req, env, site).await?;
    let reply = Call::to(SiteOp::ModelUsage).site(site).send(&site_stub(env, site)?).await?;
    Ok(ok_json(&read_reply::<baton_shared::ModelUsage>(reply, "reading the model budget").await?))
}
