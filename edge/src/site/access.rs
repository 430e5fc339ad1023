//! Whether an agent's token still grants anything, and ending it when it must stop.
//!
//! Tokens are signed and stateless, so each carries its account's `version`; the site object
//! moves the version on sign-out, a new password, a role change and deactivation. Every agent
//! request that reaches the site (REST, the dashboard, opening a conversation's socket) is
//! checked here first, and the agent's sockets that are already open are closed at once: the
//! dashboards in this object, and each conversation the agent opened a socket on, which this
//! object remembers (`agent_sockets`) for a day.

use baton_shared::server::token::Claims;
use baton_shared::{AccountRole, AgentInfo, ApiError, ErrorCode};
use serde::{Deserialize, Serialize};

use super::SiteDO;
use super::store::SiteStore;
use super::team::agent_tag;
use crate::http::{ApiResult, OrInternal, now_ms};
use crate::internal::{ConversationOp, on_conversation};
use crate::sql::{int, text};

/// Close code of an agent's sockets once their sign-in has ended.
pub const REVOKED_CLOSE: u16 = 4401;
/// How long the object remembers that an agent opened a conversation's socket.
const REMEMBER_SOCKETS_MS: u64 = 24 * 60 * 60 * 1000;

/// Body of `/agent/check`: an agent token's account and version, and the conversation whose
/// socket it is about to open, if any.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgentCheck {
    pub agent: String,
    pub version: u64,
    #[serde(default)]
    pub conversation: Option<String>,
}

impl AgentCheck {
    pub fn of(claims: &Claims, conversation: Option<&str>) -> Option<AgentCheck> {
        match claims {
            Claims::Agent { agent, ver, .. } => Some(AgentCheck {
                agent: agent.id.clone(),
                version: *ver,
                conversation: conversation.map(str::to_string),
            }),
            Claims::Visitor { .. } => None,
        }
    }
}

/// The account as it stands now: its role may be lower than the token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgentStanding {
    pub agent: AgentInfo,
    pub role: AccountRole,
}

/// Body of `/agent/revoke` and `/revoke` (the conversation's): whose tokens end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Revoke {
    pub agent: String,
}

pub fn revoked() -> ApiError {
    ApiError::new(ErrorCode::TokenRevoked, "This sign-in has ended. Sign in again.")
}

#[derive(Deserialize)]
struct ConversationRow {
    conversation: String,
}

impl SiteStore {
    pub fn migrate_access(&self) -> worker::Result<()> {
        self.sql.exec(
            "CREATE TABLE IF NOT EXISTS agent_sockets (
                agent TEXT NOT NULL, conversation TEXT NOT NULL, at INTEGER NOT NULL,
                PRIMARY KEY (agent, conversation))",
            None,
        )?;
        Ok(())
    }

    fn remember_socket(&self, agent: &str, conversation: &str, now: u64) -> worker::Result<()> {
        self.sql.exec("DELETE FROM agent_sockets WHERE at < ?", vec![int(now.saturating_sub(REMEMBER_SOCKETS_MS))])?;
        self.sql.exec(
            "INSERT OR REPLACE INTO agent_sockets (agent, conversation, at) VALUES (?, ?, ?)",
            vec![text(agent), text(conversation), int(now)],
        )?;
        Ok(())
    }

    /// The conversations `agent` opened sockets on, forgotten as they are returned.
    fn take_sockets(&self, agent: &str) -> worker::Result<Vec<String>> {
        let rows: Vec<ConversationRow> =
            self.sql.exec("SELECT conversation FROM agent_sockets WHERE agent = ?", vec![text(agent)])?.to_array()?;
        self.sql.exec("DELETE FROM agent_sockets WHERE agent = ?", vec![text(agent)])?;
        Ok(rows.into_iter().map(|r| r.conversation).collect())
    }
}

impl SiteDO {
    /// The account behind a token, if the token is still good: same version, still active.
    pub(super) fn check_agent(&self, check: AgentCheck) -> ApiResult<AgentStanding> {
        let account = self.store.account_by_id(&check.agent).or_internal("reading the account")?.ok_or_else(revoked)?;
        if !account.is_active() {
            return Err(ApiError::new(ErrorCode::AccountDeactivated, "This account is deactivated."));
        }
        if account.version() != check.version {
            return Err(revoked());
        }
        let role = account.role().ok_or_else(revoked)?;
        if let Some(conversation) = &check.conversation {
            self.store.remember_socket(&check.agent, conversation, now_ms()).or_internal("remembering a socket")?;
        }
        Ok(AgentStanding { agent: account.agent(&self.avatar_base()?), role })
    }

    /// Ends every token of `agent` and closes their open sockets, here and in conversations.
    pub(super) async fn revoke(&self, agent: &str, reason: &str) -> ApiResult<()> {
        self.store.bump_version(agent).or_internal("ending the account's tokens")?;
        for ws in self.state.get_websockets_with_tag(&agent_tag(agent)) {
            let _ = ws.close(Some(REVOKED_CLOSE), Some(reason));
        }
        let site = self.info()?.id;
        let body = Revoke { agent: agent.to_string() };
        for conversation in self.store.take_sockets(agent).or_internal("reading the agent's sockets")? {
            // One conversation failing must not keep the others' sockets open.
            if let Err(e) =
                on_conversation(&self.env, &site, &conversation, ConversationOp::Revoke, &body, "closing sockets").await
            {
                worker::console_error!("closing {agent}'s sockets on {conversation}: {}", e.message);
            }
        }
        Ok(())
    }
}
