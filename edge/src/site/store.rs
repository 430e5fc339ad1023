//! The site object's SQLite tables: configuration, accounts, knowledge base, and one summary
//! row per conversation for the dashboards.

use std::collections::HashSet;

use baton_shared::appearance::Appearance;
use baton_shared::server::quota::{Window, attempt_key};
use baton_shared::{
    AccountInput, AccountRole, AccountSeed, Article, ArticleInput, ConversationSummary, DeskSettings, Mode,
    ModelSettings, SiteInfo, SiteLimits, SiteRules, SiteSeed,
};
use serde::{Deserialize, Serialize};
use worker::{SqlStorage, SqlStorageValue};

use crate::sql::{int, text};

use super::SiteRecord;

/// What storing a dashboard row did.
pub struct Upserted {
    pub stored: bool,
    pub load_changed: bool,
    /// The conversation joined or left the queue with this row.
    pub entered_queue: bool,
    pub left_queue: bool,
}

/// Most conversations a dashboard snapshot lists (newest first).
const SNAPSHOT_LIMIT: i64 = 500;

pub struct SiteStore {
    pub(super) sql: SqlStorage,
}

#[derive(Deserialize)]
struct SiteRow {
    site: String,
    name: String,
    bot_name: String,
    greeting: String,
    allowed_origins: String,
}

#[derive(Deserialize)]
struct ArticleRow {
    id: String,
    title: String,
    body: String,
    tags: String,
    url: Option<String>,
}

#[derive(Deserialize)]
struct SettingsRow {
    settings: String,
}

/// What a site is configured with beyond its public face.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SiteSettings {
    #[serde(default)]
    pub limits: SiteLimits,
    #[serde(default)]
    pub model: Option<ModelSettings>,
    #[serde(default)]
    pub rules: SiteRules,
    /// When the articles, rules or model last changed (ms, and always increasing): conversations
    /// share one indexed copy per site and compare versions to know if theirs is current.
    #[serde(default)]
    pub knowledge_version: u64,
    #[serde(default)]
    pub desk: DeskSettings,
    /// When the next erasure of conversations past the retention time is due (ms).
    #[serde(default)]
    pub retention_due_at: Option<u64>,
    /// Where Baton is served (`https://chat.example.com`), as the last seed was sent to: agents'
    /// avatar references point there.
    #[serde(default)]
    pub public_origin: String,
    /// Only verified visitors may say who they are (`SiteSeed::require_identity`).
    #[serde(default)]
    pub require_identity: bool,
    /// How the widget looks, as supervisors set it.
    #[serde(default)]
    pub appearance: Appearance,
}

impl SiteSettings {
    pub fn touch_knowledge(&mut self, now: u64) {
        self.knowledge_version = now.max(self.knowledge_version + 1);
    }
}

#[derive(Deserialize)]
struct AttemptRow {
    start_ms: i64,
    count: i64,
}

#[derive(Deserialize)]
struct SummaryRow {
    summary: String,
}

#[derive(Deserialize)]
struct PositionRow {
    position: i64,
}

#[derive(Deserialize)]
struct IdRow {
    #[allow(dead_code)]
    id: String,
}

#[derive(Deserialize)]
struct HolderRow {
    mode: String,
    holder: Option<String>,
    queued_at: Option<i64>,
    skill: Option<String>,
}

#[derive(Deserialize)]
struct EmailRow {
    email: String,
}

/// A seeded account the site does not have yet, with its id and password hash.
pub struct PreparedAccount<'a> {
    pub seed: &'a AccountSeed,
    pub id: String,
    pub pw_hash: String,
}

pub fn role_str(role: AccountRole) -> &'static str {
    match role {
        AccountRole::Agent => "agent",
        AccountRole::Supervisor => "supervisor",
    }
}

pub fn parse_role(role: &str) -> Option<AccountRole> {
    match role {
        "agent" => Some(AccountRole::Agent),
        "supervisor" => Some(AccountRole::Supervisor),
        _ => None,
    }
}

impl SiteStore {
    pub fn new(sql: SqlStorage) -> SiteStore {
        SiteStore { sql }
    }

    pub fn migrate(&self) -> worker::Result<()> {
        for statement in [
            "CREATE TABLE IF NOT EXISTS site (
                one INTEGER PRIMARY KEY CHECK (one = 1),
                site TEXT NOT NULL, name TEXT NOT NULL, bot_name TEXT NOT NULL, greeting TEXT NOT NULL,
                allowed_origins TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS accounts (
                id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL,
                avatar TEXT, pw_hash TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS articles (
                position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, body TEXT NOT NULL,
                tags TEXT NOT NULL, url TEXT)",
            "CREATE TABLE IF NOT EXISTS summaries (
                id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, updated_at INTEGER NOT NULL, summary TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS summaries_by_update ON summaries (updated_at)",
            "CREATE TABLE IF NOT EXISTS settings (one INTEGER PRIMARY KEY CHECK (one = 1), settings TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS attempts (key TEXT PRIMARY KEY, start_ms INTEGER NOT NULL, count INTEGER NOT NULL)",
            "CREATE INDEX IF NOT EXISTS attempts_by_start ON attempts (start_ms)",
        ] {
            self.sql.exec(statement, None)?;
        }
        Ok(())
    }

    /// The site's public face, the origins allowed to embed its widget, and its knowledge version.
    pub fn record(&self) -> worker::Result<Option<SiteRecord>> {
        let rows: Vec<SiteRow> = self
            .sql
            .exec("SELECT site, name, bot_name, greeting, allowed_origins FROM site WHERE one = 1", None)?
            .to_array()?;
        let Some(r) = rows.into_iter().next() else { return Ok(None) };
        let settings = self.settings()?;
        let look = &settings.appearance;
        let bot_name = if look.bot_name.is_empty() { r.bot_name } else { look.bot_name.clone() };
        Ok(Some(SiteRecord {
            info: SiteInfo {
                id: r.site,
                name: r.name,
                bot_name,
                greeting: r.greeting,
                bot_avatar: look.bot_avatar.clone(),
            },
            // Written by `seed` from a Vec<String>; unreadable means nothing is allowed.
            allowed_origins: serde_json::from_str(&r.allowed_origins).unwrap_or_default(),
            knowledge_version: settings.knowledge_version,
            require_identity: settings.require_identity,
            appearance: settings.appearance,
        }))
    }

    /// The emails of every account, so a re-seed adds only the accounts that are new.
    pub fn account_emails(&self) -> worker::Result<HashSet<String>> {
        let rows: Vec<EmailRow> = self.sql.exec("SELECT email FROM accounts", None)?.to_array()?;
        Ok(rows.into_iter().map(|r| r.email).collect())
    }

    /// Applies a seed as one write. The site's face, limits and model always follow the seed;
    /// the knowledge base and rules only when the site is new, so a re-seed never wipes what
    /// supervisors edited; `new_accounts` are added, existing accounts stay as the team screen
    /// left them.
    pub fn seed(
        &self,
        site: &str,
        seed: &SiteSeed,
        new_accounts: &[PreparedAccount],
        public_origin: &str,
        now: u64,
    ) -> worker::Result<()> {
        let is_new = self.record()?.is_none();
        let origins = serde_json::to_string(&seed.allowed_origins)?;
        self.sql.exec(
            "INSERT OR REPLACE INTO site (one, site, name, bot_name, greeting, allowed_origins) VALUES (1, ?, ?, ?, ?, ?)",
            vec![text(site), text(&seed.name), text(&seed.bot_name), text(&seed.greeting), text(&origins)],
        )?;
        let mut settings = self.settings()?;
        settings.limits = seed.limits;
        settings.model = seed.model.clone();
        settings.public_origin = public_origin.to_string();
        settings.require_identity = seed.require_identity;
        if is_new {
            settings.rules = seed.rules.clone();
            self.sql.exec("DELETE FROM articles", None)?;
            for (position, article) in seed.articles.iter().enumerate() {
                self.insert_article(position as u64, article)?;
            }
        }
        settings.touch_knowledge(now);
        self.save_settings(&settings)?;
        for account in new_accounts {
            let seed = account.seed;
            let input = AccountInput {
                email: seed.email.clone(),
                name: seed.name.clone(),
                role: seed.role,
                languages: seed.languages.clone(),
                skills: seed.skills.clone(),
                capacity: seed.capacity,
                active: true,
                avatar: seed.avatar.clone(),
                password: None,
            };
            self.put_account(&account.id, &input, Some(&account.pw_hash))?;
        }
        Ok(())
    }

    pub fn articles(&self) -> worker::Result<Vec<Article>> {
        let rows: Vec<ArticleRow> =
            self.sql.exec("SELECT id, title, body, tags, url FROM articles ORDER BY position", None)?.to_array()?;
        Ok(rows
            .into_iter()
            .map(|r| Article {
                id: r.id,
                title: r.title,
                body: r.body,
                tags: serde_json::from_str(&r.tags).unwrap_or_default(),
                url: r.url,
            })
            .collect())
    }

    fn insert_article(&self, position: u64, article: &Article) -> worker::Result<()> {
        self.sql.exec(
            "INSERT INTO articles (position, id, title, body, tags, url) VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                int(position),
                text(&article.id),
                text(&article.title),
                text(&article.body),
                text(&serde_json::to_string(&article.tags)?),
                article.url.clone().into(),
            ],
        )?;
        Ok(())
    }

    /// Adds an article at the end under `id`, or replaces the article with that id in place.
    pub fn put_article(&self, id: &str, input: &ArticleInput) -> worker::Result<Article> {
        let article = Article {
            id: id.to_string(),
            title: input.title.clone(),
            body: input.body.clone(),
            tags: input.tags.clone(),
            url: input.url.clone(),
        };
        let updated: Vec<IdRow> = self
            .sql
            .exec(
                "UPDATE articles SET title = ?, body = ?, tags = ? , url = ? WHERE id = ? RETURNING id",
                vec![
                    text(&article.title),
                    text(&article.body),
                    text(&serde_json::to_string(&article.tags)?),
                    article.url.clone().into(),
                    text(id),
                ],
            )?
            .to_array()?;
        if updated.is_empty() {
            let rows: Vec<PositionRow> =
                self.sql.exec("SELECT COALESCE(MAX(position) + 1, 0) AS position FROM articles", None)?.to_array()?;
            let position = rows.first().map_or(0, |r| r.position.max(0) as u64);
            self.insert_article(position, &article)?;
        }
        Ok(article)
    }

    pub fn has_article(&self, id: &str) -> worker::Result<bool> {
        let rows: Vec<IdRow> = self.sql.exec("SELECT id FROM articles WHERE id = ?", vec![text(id)])?.to_array()?;
        Ok(!rows.is_empty())
    }

    /// Says whether there was such an article.
    pub fn delete_article(&self, id: &str) -> worker::Result<bool> {
        let rows: Vec<IdRow> =
            self.sql.exec("DELETE FROM articles WHERE id = ? RETURNING id", vec![text(id)])?.to_array()?;
        Ok(!rows.is_empty())
    }

    pub fn save_settings(&self, settings: &SiteSettings) -> worker::Result<()> {
        self.sql.exec(
            "INSERT OR REPLACE INTO settings (one, settings) VALUES (1, ?)",
            vec![text(&serde_json::to_string(settings)?)],
        )?;
        Ok(())
    }

    /// Stores a summary unless a newer one (higher seq) is already there; says whether it stored
    /// it, and whether that changed who holds the conversation (an agent's load).
    pub fn upsert_summary(&self, summary: &ConversationSummary) -> worker::Result<Upserted> {
        let before: Vec<HolderRow> = self
            .sql
            .exec(
                "SELECT mode, holder, json_extract(summary, '$.queue.queued_at') AS queued_at,
                        json_extract(summary, '$.queue.skill') AS skill
                     FROM summaries WHERE id = ?",
                vec![text(&summary.id)],
            )?
            .to_array()?;
        let holder = summary.holder.as_ref().map(|h| h.id.clone());
        let rows: Vec<IdRow> = self
            .sql
            .exec(
                "INSERT INTO summaries (id, last_seq, updated_at, summary, mode, holder) VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET
                    last_seq = excluded.last_seq, updated_at = excluded.updated_at, summary = excluded.summary,
                    mode = excluded.mode, holder = excluded.holder
                 WHERE excluded.last_seq >= summaries.last_seq
                 RETURNING id",
                vec![
                    text(&summary.id),
                    int(summary.last_seq),
                    int(summary.updated_at),
                    text(&serde_json::to_string(summary)?),
                    text(summary.mode.as_str()),
                    holder.clone().into(),
                ],
            )?
            .to_array()?;
        let stored = !rows.is_empty();
        let held_by = |mode: &str, holder: &Option<String>| holder.clone().filter(|_| mode == "human");
        let was = before.first().and_then(|b| held_by(&b.mode, &b.holder));
        let load_changed = stored && was != held_by(summary.mode.as_str(), &holder);
        let was_queued = before.first().is_some_and(|b| b.mode == Mode::Queued.as_str());
        let is_queued = summary.mode == Mode::Queued;
        // A person joined a queued conversation: how long it waited tells the next ones.
        if let (true, true, Mode::Human, Some(b)) = (stored, was_queued, summary.mode, before.first())
            && let Some(queued_at) = b.queued_at
        {
            let waited = summary.updated_at.saturating_sub(queued_at.max(0) as u64);
            self.record_wait(b.skill.as_deref(), waited, summary.updated_at)?;
        }
        Ok(Upserted {
            stored,
            load_changed,
            entered_queue: stored && is_queued && !was_queued,
            left_queue: stored && was_queued && !is_queued,
        })
    }

    /// Drops the rows of erased conversations (closed ones: no load, no queue to update).
    pub fn forget_summaries(&self, ids: &[String]) -> worker::Result<()> {
        for id in ids {
            self.sql.exec("DELETE FROM summaries WHERE id = ?", vec![text(id)])?;
        }
        Ok(())
    }

    /// The newest open conversations, and every queued one however old: the queue is never
    /// pushed out of a dashboard by recent conversations, and closed ones are not live.
    pub fn summaries(&self) -> worker::Result<Vec<ConversationSummary>> {
        let rows: Vec<SummaryRow> = self
            .sql
            .exec(
                "SELECT summary FROM (
                    SELECT summary FROM summaries WHERE mode != 'closed' ORDER BY updated_at DESC LIMIT ?)
                 UNION
                 SELECT summary FROM summaries WHERE mode = 'queued'",
                vec![SqlStorageValue::Integer(SNAPSHOT_LIMIT)],
            )?
            .to_array()?;
        Ok(rows.into_iter().filter_map(|r| serde_json::from_str(&r.summary).ok()).collect())
    }

    /// The site's limits and model; defaults for a site seeded before settings existed.
    pub fn settings(&self) -> worker::Result<SiteSettings> {
        let rows: Vec<SettingsRow> = self.sql.exec("SELECT settings FROM settings WHERE one = 1", None)?.to_array()?;
        Ok(rows.into_iter().next().and_then(|r| serde_json::from_str(&r.settings).ok()).unwrap_or_default())
    }

    /// The attempt window counting `key` (`login:{email}`, `start:{network}`), stored hashed.
    pub fn attempts(&self, key: &str) -> worker::Result<Option<Window>> {
        let rows: Vec<AttemptRow> = self
            .sql
            .exec("SELECT start_ms, count FROM attempts WHERE key = ?", vec![text(&attempt_key(key))])?
            .to_array()?;
        Ok(rows.into_iter().next().map(|r| Window { start_ms: r.start_ms.max(0) as u64, count: r.count.max(0) as u32 }))
    }

    /// Stores `key`'s window and forgets windows that opened before `expired_before`.
    pub fn set_attempts(&self, key: &str, window: Window, expired_before: u64) -> worker::Result<()> {
        self.sql.exec("DELETE FROM attempts WHERE start_ms < ?", vec![int(expired_before)])?;
        self.sql.exec(
            "INSERT OR REPLACE INTO attempts (key, start_ms, count) VALUES (?, ?, ?)",
            vec![text(&attempt_key(key)), int(window.start_ms), int(u64::from(window.count))],
        )?;
        Ok(())
    }

    pub fn clear_attempts(&self, key: &str) -> worker::Result<()> {
        self.sql.exec("DELETE FROM attempts WHERE key = ?", vec![text(&attempt_key(key))])?;
        Ok(())
    }
}
