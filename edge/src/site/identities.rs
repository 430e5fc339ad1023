//! Which conversation each verified user has, so a signed-in customer finds their open
//! conversation from any browser or device. Users are stored by a hash of their id: the site
//! object never keeps the host's user ids.

use baton_shared::server::quota::attempt_key;
use serde::{Deserialize, Serialize};

use super::SiteDO;
use super::store::SiteStore;
use crate::http::{ApiResult, OrInternal, now_ms};
use crate::sql::{int, text};

/// Body of `/identity/conversation`: a verified user id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityLookup {
    pub user_id: String,
}

/// A verified user's conversation (the answer of `/identity/conversation`, the body of
/// `/identity/remember`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityConversation {
    pub user_id: String,
    pub conversation: Option<String>,
}

#[derive(Deserialize)]
struct ConversationRow {
    conversation: String,
}

fn user_key(user_id: &str) -> String {
    attempt_key(&format!("user:{user_id}"))
}

impl SiteStore {
    pub fn migrate_identities(&self) -> worker::Result<()> {
        self.sql.exec(
            "CREATE TABLE IF NOT EXISTS identities (user TEXT PRIMARY KEY, conversation TEXT NOT NULL, at INTEGER NOT NULL)",
            None,
        )?;
        Ok(())
    }
}

impl SiteDO {
    pub(super) fn identity_conversation(&self, lookup: IdentityLookup) -> ApiResult<IdentityConversation> {
        let rows: Vec<ConversationRow> = self
            .store
            .sql
            .exec("SELECT conversation FROM identities WHERE user = ?", vec![text(&user_key(&lookup.user_id))])
            .and_then(|c| c.to_array())
            .or_internal("reading the user's conversation")?;
        Ok(IdentityConversation {
            user_id: lookup.user_id,
            conversation: rows.into_iter().next().map(|r| r.conversation),
        })
    }

    pub(super) fn remember_identity(&self, remembered: IdentityConversation) -> ApiResult<()> {
        let Some(conversation) = remembered.conversation else { return Ok(()) };
        self.store
            .sql
            .exec(
                "INSERT OR REPLACE INTO identities (user, conversation, at) VALUES (?, ?, ?)",
                vec![text(&user_key(&remembered.user_id)), text(&conversation), int(now_ms())],
            )
            .or_internal("remembering the user's conversation")?;
        Ok(())
    }
}
