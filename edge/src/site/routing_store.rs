//! The desk's live routing state in the site object: decisions in flight (an offer awaiting an
//! answer, an assignment being carried out) and who passed each queued conversation over. Kept in
//! SQLite, so a restart loses neither.

use std::collections::HashMap;

use baton_shared::ConversationSummary;
use serde::Deserialize;
use worker::SqlStorageValue;

use crate::sql::{int, text};

use super::store::SiteStore;

/// What the desk is doing with one queued conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub conversation: String,
    pub agent: String,
    pub kind: PendingKind,
    pub since: u64,
    /// When an offer runs out; `None` for an assignment.
    pub expires_at: Option<u64>,
    /// The requirements dropped to find the agent ("skill", "language").
    pub relaxed: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingKind {
    Offer,
    Assign,
}

impl PendingKind {
    fn as_str(self) -> &'static str {
        match self {
            PendingKind::Offer => "offer",
            PendingKind::Assign => "assign",
        }
    }
}

#[derive(Deserialize)]
struct PendingRow {
    conversation: String,
    agent: String,
    kind: String,
    since: i64,
    expires_at: Option<i64>,
    relaxed: String,
}

impl PendingRow {
    fn pending(self) -> Pending {
        Pending {
            conversation: self.conversation,
            agent: self.agent,
            kind: if self.kind == PendingKind::Offer.as_str() { PendingKind::Offer } else { PendingKind::Assign },
            since: self.since.max(0) as u64,
            expires_at: self.expires_at.map(|t| t.max(0) as u64),
            relaxed: serde_json::from_str(&self.relaxed).unwrap_or_default(),
        }
    }
}

#[derive(Deserialize)]
struct PassRow {
    conversation: String,
    agent: String,
}

#[derive(Deserialize)]
struct SummaryRow {
    summary: String,
}

impl SiteStore {
    pub fn migrate_routing(&self) -> worker::Result<()> {
        for statement in [
            "CREATE TABLE IF NOT EXISTS pending (
                conversation TEXT PRIMARY KEY, agent TEXT NOT NULL, kind TEXT NOT NULL, since INTEGER NOT NULL,
                expires_at INTEGER, relaxed TEXT NOT NULL DEFAULT '[]')",
            "CREATE TABLE IF NOT EXISTS passed_over (
                conversation TEXT NOT NULL, agent TEXT NOT NULL, PRIMARY KEY (conversation, agent))",
        ] {
            self.sql.exec(statement, None)?;
        }
        Ok(())
    }

    /// Every queued conversation's row, whatever its age (the dashboard snapshot's limit does
    /// not apply: a queued conversation is never pushed out).
    pub fn queued(&self) -> worker::Result<Vec<ConversationSummary>> {
        let rows: Vec<SummaryRow> =
            self.sql.exec("SELECT summary FROM summaries WHERE mode = 'queued'", None)?.to_array()?;
        Ok(rows.into_iter().filter_map(|r| serde_json::from_str(&r.summary).ok()).collect())
    }

    /// One conversation's row.
    pub fn row(&self, conversation: &str) -> worker::Result<Option<ConversationSummary>> {
        let rows: Vec<SummaryRow> =
            self.sql.exec("SELECT summary FROM summaries WHERE id = ?", vec![text(conversation)])?.to_array()?;
        Ok(rows.into_iter().next().and_then(|r| serde_json::from_str(&r.summary).ok()))
    }

    pub fn pending(&self) -> worker::Result<Vec<Pending>> {
        let rows: Vec<PendingRow> = self.sql.exec("SELECT * FROM pending", None)?.to_array()?;
        Ok(rows.into_iter().map(PendingRow::pending).collect())
    }

    pub fn pending_for(&self, conversation: &str) -> worker::Result<Option<Pending>> {
        let rows: Vec<PendingRow> =
            self.sql.exec("SELECT * FROM pending WHERE conversation = ?", vec![text(conversation)])?.to_array()?;
        Ok(rows.into_iter().next().map(PendingRow::pending))
    }

    pub fn put_pending(&self, pending: &Pending) -> worker::Result<()> {
        self.sql.exec(
            "INSERT OR REPLACE INTO pending (conversation, agent, kind, since, expires_at, relaxed)
             VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                text(&pending.conversation),
                text(&pending.agent),
                text(pending.kind.as_str()),
                int(pending.since),
                pending.expires_at.map(int).unwrap_or(SqlStorageValue::Null),
                text(&serde_json::to_string(&pending.relaxed)?),
            ],
        )?;
        Ok(())
    }

    pub fn delete_pending(&self, conversation: &str) -> worker::Result<()> {
        self.sql.exec("DELETE FROM pending WHERE conversation = ?", vec![text(conversation)])?;
        Ok(())
    }

    /// Agents who declined each queued conversation or let its offer run out.
    pub fn passed_over(&self) -> worker::Result<HashMap<String, Vec<String>>> {
        let rows: Vec<PassRow> = self.sql.exec("SELECT * FROM passed_over", None)?.to_array()?;
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for row in rows {
            out.entry(row.conversation).or_default().push(row.agent);
        }
        Ok(out)
    }

    pub fn pass_over(&self, conversation: &str, agent: &str) -> worker::Result<()> {
        self.sql.exec(
            "INSERT OR IGNORE INTO passed_over (conversation, agent) VALUES (?, ?)",
            vec![text(conversation), text(agent)],
        )?;
        Ok(())
    }

    /// The conversation left the queue: what the desk was doing with it no longer applies.
    pub fn forget_queued(&self, conversation: &str) -> worker::Result<()> {
        self.sql.exec("DELETE FROM passed_over WHERE conversation = ?", vec![text(conversation)])?;
        self.delete_pending(conversation)
    }
}
