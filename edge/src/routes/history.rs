//! The history of closed conversations over REST, for the console's History screen.
//!
//! `Authorization: Bearer <agent token>`; any agent of the site may search and read, only
//! supervisors may erase (one conversation, or every conversation of a visitor's email), and
//! every erasure is noted with who asked for it.

use baton_shared::history::{HistoryQuery, MAX_SEARCH_CHARS, Outcome};
use baton_shared::limits::MAX_EMAIL_BYTES;
use baton_shared::{AccountRole, AgentInfo, ApiError, ErrorCode, FlagKind};
use serde::{Deserialize, Serialize};
use worker::{Env, Request, Response};

use crate::history;
use crate::http::{ApiResult, check_reply, now_ms, ok_json, query_param, read_json};
use crate::ids;
use crate::internal::{Call, ConversationOp, SiteOp, on_conversation, site_stub};
use crate::routes::knowledge::site_agent;

/// `GET /api/sites/{site}/history?q=&from=&to=&agent=&outcome=&rating=&flag=&before=&limit=`
pub async fn search(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    site_agent(req, env, site).await?;
    let query = query_of(req)?;
    Ok(ok_json(&history::search(env, site, &query).await?))
}

/// `GET /api/sites/{site}/history/{id}`
pub async fn record(req: &Request, env: &Env, site: &str, id: &str) -> ApiResult<Response> {
    site_agent(req, env, site).await?;
    ids::check_conversation(id)?;
    Ok(ok_json(&history::record(env, site, id).await?))
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Erased {
    pub erased: usize,
}

#[derive(Debug, Deserialize)]
struct EraseVisitor {
    email: String,
}

/// `DELETE /api/sites/{site}/history/{id}`: the conversation is erased from its object and the
/// history, for good.
pub async fn erase(req: &Request, env: &Env, site: &str, id: &str) -> ApiResult<Response> {
    let by = erasing_supervisor(req, env, site).await?;
    ids::check_conversation(id)?;
    history::record(env, site, id).await?;
    erase_all(env, site, &[id.to_string()]).await?;
    history::note_erasure(env, site, &by.id, &by.name, &format!("conversation {id}"), now_ms()).await?;
    Ok(ok_json(&Erased { erased: 1 }))
}

/// `POST /api/sites/{site}/history/erase` with `{"email"}`: every closed conversation of that
/// visitor, erased for good.
pub async fn erase_visitor(req: &mut Request, env: &Env, site: &str) -> ApiResult<Response> {
    let by = erasing_supervisor(req, env, site).await?;
    let EraseVisitor { email } = read_json(req).await?;
    let email = email.trim().to_string();
    if !email.contains('@') || email.len() > MAX_EMAIL_BYTES {
        return Err(ApiError::new(ErrorCode::BadRequest, "email must be the visitor's email address"));
    }
    let ids = history::ids_of_email(env, site, &email).await?;
    erase_all(env, site, &ids).await?;
    let what = format!("{} conversation(s) of {email}", ids.len());
    history::note_erasure(env, site, &by.id, &by.name, &what, now_ms()).await?;
    Ok(ok_json(&Erased { erased: ids.len() }))
}

/// Erases each conversation everywhere: its object, its dashboard row, its history rows.
async fn erase_all(env: &Env, site: &str, ids: &[String]) -> ApiResult<()> {
    let reply = Call::to(SiteOp::Forget).json(&ids).site(site).send(&site_stub(env, site)?).await?;
    check_reply(reply, "forgetting erased conversations").await?;
    erase_objects(env, site, ids).await
}

/// Erases each conversation's object, then its history rows: a failure part-way leaves the
/// history listing what is not yet erased, so asking again finishes the job.
pub async fn erase_objects(env: &Env, site: &str, ids: &[String]) -> ApiResult<()> {
    for id in ids {
        on_conversation(env, site, id, ConversationOp::Erase, &(), "erasing the conversation").await?;
    }
    history::delete(env, site, ids).await
}

async fn erasing_supervisor(req: &Request, env: &Env, site: &str) -> ApiResult<AgentInfo> {
    match site_agent(req, env, site).await? {
        (agent, AccountRole::Supervisor) => Ok(agent),
        (_, AccountRole::Agent) => Err(ApiError::new(ErrorCode::Forbidden, "only supervisors can erase conversations")),
    }
}

/// The query string as a `HistoryQuery`; a value that does not parse is refused, not ignored.
fn query_of(req: &Request) -> ApiResult<HistoryQuery> {
    let bad = |name: &str, what: &str| ApiError::new(ErrorCode::BadRequest, format!("{name} must be {what}"));
    let param = |name: &str| query_param(req, name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let number = |name: &str| -> ApiResult<Option<u64>> {
        param(name).map(|v| v.parse::<u64>().map_err(|_| bad(name, "a time in ms"))).transpose()
    };
    let q = param("q");
    if q.as_ref().is_some_and(|q| q.chars().count() > MAX_SEARCH_CHARS) {
        return Err(bad("q", &format!("at most {MAX_SEARCH_CHARS} characters")));
    }
    let outcome = param("outcome")
        .map(|v| {
            Outcome::parse(&v)
                .ok_or_else(|| bad("outcome", "resolved_by_bot, resolved_by_person, left_message or abandoned"))
        })
        .transpose()?;
    let flag = param("flag")
        .map(|v| FlagKind::ALL.iter().copied().find(|f| f.as_str() == v).ok_or_else(|| bad("flag", "a flag's name")))
        .transpose()?;
    let rating = param("rating")
        .map(|v| v.parse::<u8>().ok().filter(|r| (1..=5).contains(r)).ok_or_else(|| bad("rating", "from 1 to 5")))
        .transpose()?;
    let limit = param("limit").map(|v| v.parse::<u32>().map_err(|_| bad("limit", "a number"))).transpose()?;
    Ok(HistoryQuery {
        q,
        from: number("from")?,
        to: number("to")?,
        agent: param("agent"),
        outcome,
        rating,
        flag,
        before: param("before"),
        limit,
    })
}
