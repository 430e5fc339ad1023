//! `POST /api/sites/{site}/conversations/{id}/transfer`: the agent who holds a conversation
//! gives it to a colleague or back to the queue; `.../reassign`: a supervisor gives it to an
//! agent, whoever holds it. The worker checks the caller's token and that
//! the colleague is an active account of the site; the conversation's own object checks that
//! the caller holds it, so a transfer racing a hand-back or another transfer has one outcome.

use baton_engine::TransferTo;
use baton_shared::team::{ReassignInput, TransferInput, check_skills};
use baton_shared::{AccountRole, AgentInfo, ApiError, ErrorCode, TeamMember};
use worker::{Env, Request, Response};

use crate::conversation::{ReassignRequest, TransferRequest};
use crate::http::{ApiResult, ok_json, read_json, read_reply};
use crate::ids;
use crate::internal::{Call, ConversationOp, SiteOp, on_conversation, site_stub};
use crate::routes::knowledge::site_agent;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, message)
}

/// The active account of the site with this id.
async fn colleague(env: &Env, site: &str, id: &str) -> ApiResult<AgentInfo> {
    let reply = Call::to(SiteOp::Team).site(site).send(&site_stub(env, site)?).await?;
    let team: Vec<TeamMember> = read_reply(reply, "reading the team").await?;
    team.into_iter()
        .find(|m| m.agent.id == id && m.active)
        .map(|m| m.agent)
        .ok_or_else(|| bad("no active colleague with that id"))
}

pub async fn transfer(req: &mut Request, env: &Env, site: &str, id: &str) -> ApiResult<Response> {
    let (from, _) = site_agent(req, env, site).await?;
    ids::check_conversation(id)?;
    let input: TransferInput = read_json(req).await?;
    let to = match (input.agent, input.skill) {
        (Some(_), Some(_)) => return Err(bad("transfer to a colleague or to a skill, not both")),
        (Some(agent), None) => TransferTo::Agent(colleague(env, site, &agent).await?),
        (None, skill) => TransferTo::Queue {
            skill: match skill {
                Some(skill) => check_skills(&[skill])?.pop(),
                None => None,
            },
        },
    };
    let body = TransferRequest { from, to, note: input.note };
    on_conversation(env, site, id, ConversationOp::Transfer, &body, "transferring the conversation").await?;
    Ok(ok_json(&serde_json::json!({ "ok": true })))
}

pub async fn reassign(req: &mut Request, env: &Env, site: &str, id: &str) -> ApiResult<Response> {
    let (by, role) = site_agent(req, env, site).await?;
    if role != AccountRole::Supervisor {
        return Err(ApiError::new(ErrorCode::Forbidden, "only supervisors can reassign a conversation"));
    }
    ids::check_conversation(id)?;
    let input: ReassignInput = read_json(req).await?;
    let to = colleague(env, site, &input.agent).await?;
    let body = ReassignRequest { by, to, seen_epoch: input.epoch };
    on_conversation(env, site, id, ConversationOp::Reassign, &body, "reassigning the conversation").await?;
    Ok(ok_json(&serde_json::json!({ "ok": true })))
}
