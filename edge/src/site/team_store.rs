//! The site object's team tables: accounts with their routing fields, each agent's presence,
//! and how many conversations each agent holds (from the dashboard rows).

use std::collections::HashMap;

use baton_desk::PresenceRecord;
use baton_shared::avatar::reference;
use baton_shared::{AccountInput, AccountRole, AgentInfo, Presence};
use serde::Deserialize;
use worker::SqlStorageValue;

use crate::sql::{int, text};

use super::store::{SiteStore, parse_role, role_str};

/// One account as stored; the password hash never leaves the object except to be checked.
#[derive(Debug, Clone, Deserialize)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub avatar: Option<String>,
    pub pw_hash: String,
    pub languages: String,
    pub skills: String,
    pub capacity: i64,
    pub active: i64,
    pub version: i64,
}

impl AccountRow {
    /// The agent as events, rows and tokens carry them: a `data:` avatar as its reference
    /// under `avatar_base` (`SiteDO::avatar_base`), never the picture.
    pub fn agent(&self, avatar_base: &str) -> AgentInfo {
        let avatar = self.avatar.as_deref().map(|source| reference(avatar_base, &self.id, source));
        AgentInfo { id: self.id.clone(), name: self.name.clone(), avatar }
    }

    pub fn role(&self) -> Option<AccountRole> {
        parse_role(&self.role)
    }

    /// Moves on whenever what the account's tokens grant ends (sign-out, new password, role,
    /// deactivation); a token of an older version is refused.
    pub fn version(&self) -> u64 {
        self.version.max(0) as u64
    }

    pub fn is_active(&self) -> bool {
        self.active != 0
    }

    /// Written by this module from a `Vec<String>`; unreadable means none.
    pub fn languages(&self) -> Vec<String> {
        serde_json::from_str(&self.languages).unwrap_or_default()
    }

    pub fn skills(&self) -> Vec<String> {
        serde_json::from_str(&self.skills).unwrap_or_default()
    }

    pub fn capacity(&self) -> u32 {
        self.capacity.clamp(0, i64::from(u32::MAX)) as u32
    }
}

#[derive(Deserialize)]
struct PresenceRow {
    agent: String,
    chosen: String,
    gone_since: Option<i64>,
    note: Option<String>,
    missed_offers: i64,
    last_assigned_at: i64,
}

impl PresenceRow {
    fn record(self) -> (String, PresenceRecord) {
        let record = PresenceRecord {
            chosen: Presence::parse(&self.chosen).unwrap_or_default(),
            gone_since: self.gone_since.map(|t| t.max(0) as u64),
            note: self.note,
            missed_offers: self.missed_offers.clamp(0, i64::from(u32::MAX)) as u32,
            last_assigned_at: self.last_assigned_at.max(0) as u64,
        };
        (self.agent, record)
    }
}

#[derive(Deserialize)]
struct HeldRow {
    holder: String,
    held: i64,
}

#[derive(Deserialize)]
struct ColumnRow {
    name: String,
}

/// The columns added to tables that existed before the desk, with their SQL definitions.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    ("accounts", "languages", "TEXT NOT NULL DEFAULT '[]'"),
    ("accounts", "skills", "TEXT NOT NULL DEFAULT '[]'"),
    ("accounts", "capacity", "INTEGER NOT NULL DEFAULT 3"),
    ("accounts", "active", "INTEGER NOT NULL DEFAULT 1"),
    ("accounts", "version", "INTEGER NOT NULL DEFAULT 1"),
    ("summaries", "mode", "TEXT NOT NULL DEFAULT ''"),
    ("summaries", "holder", "TEXT"),
    ("presence", "last_assigned_at", "INTEGER NOT NULL DEFAULT 0"),
];

impl SiteStore {
    /// Adds the team's columns and tables to a site stored before they existed.
    pub fn migrate_team(&self) -> worker::Result<()> {
        self.sql.exec(
            "CREATE TABLE IF NOT EXISTS presence (
                agent TEXT PRIMARY KEY, chosen TEXT NOT NULL, gone_since INTEGER, note TEXT,
                missed_offers INTEGER NOT NULL DEFAULT 0, last_assigned_at INTEGER NOT NULL DEFAULT 0)",
            None,
        )?;
        let mut rows_need_holders = false;
        for (table, column, definition) in ADDED_COLUMNS {
            let columns: Vec<ColumnRow> = self.sql.exec(&format!("PRAGMA table_info({table})"), None)?.to_array()?;
            if !columns.iter().any(|c| c.name == *column) {
                self.sql.exec(&format!("ALTER TABLE {table} ADD COLUMN {column} {definition}"), None)?;
                rows_need_holders |= *table == "summaries";
            }
        }
        if rows_need_holders {
            self.sql.exec(
                "UPDATE summaries SET mode = coalesce(json_extract(summary, '$.mode'), ''),
                    holder = json_extract(summary, '$.holder.id')",
                None,
            )?;
        }
        self.sql.exec("CREATE INDEX IF NOT EXISTS summaries_by_holder ON summaries (mode, holder)", None)?;
        Ok(())
    }

    pub fn accounts(&self) -> worker::Result<Vec<AccountRow>> {
        self.sql.exec("SELECT * FROM accounts ORDER BY name COLLATE NOCASE, email", None)?.to_array()
    }

    pub fn account(&self, email: &str) -> worker::Result<Option<AccountRow>> {
        let rows: Vec<AccountRow> =
            self.sql.exec("SELECT * FROM accounts WHERE email = ?", vec![text(email)])?.to_array()?;
        Ok(rows.into_iter().next())
    }

    pub fn account_by_id(&self, id: &str) -> worker::Result<Option<AccountRow>> {
        let rows: Vec<AccountRow> = self.sql.exec("SELECT * FROM accounts WHERE id = ?", vec![text(id)])?.to_array()?;
        Ok(rows.into_iter().next())
    }

    /// Inserts a new account or replaces the fields of `id`'s; a `None` hash keeps the old one.
    pub fn put_account(&self, id: &str, input: &AccountInput, pw_hash: Option<&str>) -> worker::Result<()> {
        let languages = serde_json::to_string(&input.languages)?;
        let skills = serde_json::to_string(&input.skills)?;
        self.sql.exec(
            "INSERT INTO accounts (id, email, name, role, avatar, pw_hash, languages, skills, capacity, active)
             VALUES (?, ?, ?, ?, ?, coalesce(?, ''), ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, role = excluded.role,
                avatar = excluded.avatar, pw_hash = coalesce(?, accounts.pw_hash), languages = excluded.languages,
                skills = excluded.skills, capacity = excluded.capacity, active = excluded.active",
            vec![
                text(id),
                text(&input.email),
                text(&input.name),
                text(role_str(input.role)),
                input.avatar.clone().into(),
                pw_hash.map(str::to_string).into(),
                text(&languages),
                text(&skills),
                int(u64::from(input.capacity)),
                int(u64::from(input.active)),
                pw_hash.map(str::to_string).into(),
            ],
        )?;
        Ok(())
    }

    pub fn set_password_hash(&self, id: &str, pw_hash: &str) -> worker::Result<()> {
        self.sql.exec("UPDATE accounts SET pw_hash = ? WHERE id = ?", vec![text(pw_hash), text(id)])?;
        Ok(())
    }

    /// Ends every token of `id` issued so far.
    pub fn bump_version(&self, id: &str) -> worker::Result<()> {
        self.sql.exec("UPDATE accounts SET version = version + 1 WHERE id = ?", vec![text(id)])?;
        Ok(())
    }

    /// Every stored presence, by agent id.
    pub fn presences(&self) -> worker::Result<HashMap<String, PresenceRecord>> {
        let rows: Vec<PresenceRow> = self.sql.exec("SELECT * FROM presence", None)?.to_array()?;
        Ok(rows.into_iter().map(PresenceRow::record).collect())
    }

    /// An agent who never connected has chosen nothing yet and has no console: gone since ever.
    pub fn presence(&self, agent: &str) -> worker::Result<PresenceRecord> {
        let rows: Vec<PresenceRow> =
            self.sql.exec("SELECT * FROM presence WHERE agent = ?", vec![text(agent)])?.to_array()?;
        Ok(rows.into_iter().next().map(|r| r.record().1).unwrap_or_else(never_connected))
    }

    pub fn save_presence(&self, agent: &str, record: &PresenceRecord) -> worker::Result<()> {
        self.sql.exec(
            "INSERT OR REPLACE INTO presence (agent, chosen, gone_since, note, missed_offers, last_assigned_at)
             VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                text(agent),
                text(record.chosen.as_str()),
                record.gone_since.map(int).unwrap_or(SqlStorageValue::Null),
                record.note.clone().into(),
                int(u64::from(record.missed_offers)),
                int(record.last_assigned_at),
            ],
        )?;
        Ok(())
    }

    /// Every held conversation with its holder's id.
    pub fn held_rows(&self) -> worker::Result<Vec<(String, String)>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            holder: String,
        }
        let rows: Vec<Row> = self
            .sql
            .exec("SELECT id, holder FROM summaries WHERE mode = 'human' AND holder IS NOT NULL", None)?
            .to_array()?;
        Ok(rows.into_iter().map(|r| (r.id, r.holder)).collect())
    }

    /// Conversations each agent holds now, by agent id.
    pub fn held(&self) -> worker::Result<HashMap<String, u32>> {
        let rows: Vec<HeldRow> = self
            .sql
            .exec(
                "SELECT holder, COUNT(*) AS held FROM summaries WHERE mode = 'human' AND holder IS NOT NULL
                 GROUP BY holder",
                None,
            )?
            .to_array()?;
        Ok(rows.into_iter().map(|r| (r.holder, r.held.clamp(0, i64::from(u32::MAX)) as u32)).collect())
    }
}

/// The presence of an agent with no stored one: Online by choice, but no console ever seen, so
/// Offline until one connects.
pub fn never_connected() -> PresenceRecord {
    PresenceRecord { gone_since: Some(0), ..PresenceRecord::default() }
}
