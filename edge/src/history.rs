//! The history of closed conversations in D1 (binding `HISTORY`): one row per conversation with
//! the columns the console filters on and the whole record as JSON, and an FTS5 index of what a
//! search may find it by. Conversations write here when they close (and again when a rating
//! follows); the console reads. The live state stays in the Durable Objects.

use std::cell::Cell;

use baton_shared::history::{
    HISTORY_PAGE, Handled, HistoryEntry, HistoryPage, HistoryQuery, HistoryRecord, MAX_HISTORY_PAGE, OfflineMessage,
    cursor, fts_query, parse_cursor,
};
use baton_shared::{ApiError, ErrorCode};
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env};

use crate::http::ApiResult;

const BINDING: &str = "HISTORY";

const SCHEMA: [&str; 5] = [
    "CREATE TABLE IF NOT EXISTS conversations (
        site TEXT NOT NULL, id TEXT NOT NULL,
        started_at INTEGER NOT NULL, closed_at INTEGER NOT NULL,
        outcome TEXT NOT NULL, rating INTEGER, visitor_email TEXT,
        agent_ids TEXT NOT NULL, flags TEXT NOT NULL,
        entry TEXT NOT NULL, record TEXT NOT NULL,
        PRIMARY KEY (site, id))",
    "CREATE INDEX IF NOT EXISTS conversations_by_close ON conversations (site, closed_at DESC, id DESC)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS conversations_fts USING fts5(
        site UNINDEXED, id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TABLE IF NOT EXISTS offline_messages (
        site TEXT NOT NULL, conversation TEXT NOT NULL, at INTEGER NOT NULL, message TEXT NOT NULL,
        handled_at INTEGER, handled TEXT, PRIMARY KEY (site, conversation))",
    "CREATE TABLE IF NOT EXISTS erasures (
        site TEXT NOT NULL, at INTEGER NOT NULL, by_id TEXT NOT NULL, by_name TEXT NOT NULL, what TEXT NOT NULL)",
];

thread_local! {
    // Per isolate: the tables exist once any request of this isolate has created them.
    static READY: Cell<bool> = const { Cell::new(false) };
}

fn unavailable(what: &str, e: worker::Error) -> ApiError {
    worker::console_error!("history: {what}: {e}");
    ApiError::new(ErrorCode::Internal, format!("{what} failed; try again in a moment"))
}

/// The database, with its tables created if this isolate has not yet.
async fn database(env: &Env) -> ApiResult<D1Database> {
    let db = env.d1(BINDING).map_err(|e| unavailable("opening the history", e))?;
    if !READY.get() {
        let statements = SCHEMA.iter().map(|sql| db.prepare(*sql)).collect();
        db.batch(statements).await.map_err(|e| unavailable("creating the history's tables", e))?;
        READY.set(true);
    }
    Ok(db)
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn number(value: u64) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn optional<T>(value: Option<T>, f: impl FnOnce(T) -> JsValue) -> JsValue {
    value.map_or(JsValue::NULL, f)
}

fn bound(statement: D1PreparedStatement, values: &[JsValue], what: &str) -> ApiResult<D1PreparedStatement> {
    statement.bind(values).map_err(|e| unavailable(what, e))
}

/// Stores (or replaces) a closed conversation and what a search finds it by.
pub async fn store(env: &Env, site: &str, record: &HistoryRecord) -> ApiResult<()> {
    let db = database(env).await?;
    let entry = &record.entry;
    let spaced = |words: Vec<&str>| format!(" {} ", words.join(" "));
    let agent_ids = spaced(entry.agents.iter().map(|a| a.id.as_str()).collect());
    let flags = spaced(entry.flags.iter().map(|f| f.as_str()).collect());
    let json = |value: &dyn erased::Json| value.json().map_err(|e| unavailable("encoding the history", e));
    let row = bound(
        db.prepare(
            "INSERT OR REPLACE INTO conversations
                (site, id, started_at, closed_at, outcome, rating, visitor_email, agent_ids, flags, entry, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        ),
        &[
            text(site),
            text(&entry.id),
            number(entry.started_at),
            number(entry.closed_at),
            text(entry.outcome.as_str()),
            optional(entry.rating, |r| number(u64::from(r))),
            optional(entry.visitor_email.as_deref(), |e| text(&e.to_lowercase())),
            text(&agent_ids),
            text(&flags),
            text(&json(entry)?),
            text(&json(record)?),
        ],
        "storing the history",
    )?;
    let unindex = bound(
        db.prepare("DELETE FROM conversations_fts WHERE site = ?1 AND id = ?2"),
        &[text(site), text(&entry.id)],
        "indexing the history",
    )?;
    let index = bound(
        db.prepare("INSERT INTO conversations_fts (site, id, body) VALUES (?1, ?2, ?3)"),
        &[text(site), text(&entry.id), text(&record.search_text())],
        "indexing the history",
    )?;
    let mut statements = vec![row, unindex, index];
    if let Some(message) = record.offline_message() {
        // Kept if already there: a rating after the close must not undo an agent's answer.
        statements.push(bound(
            db.prepare(
                "INSERT OR IGNORE INTO offline_messages (site, conversation, at, message) VALUES (?1, ?2, ?3, ?4)",
            ),
            &[text(site), text(&entry.id), number(message.at), text(&json(&message)?)],
            "storing the offline message",
        )?);
    }
    db.batch(statements).await.map_err(|e| unavailable("storing the history", e))?;
    Ok(())
}

#[derive(Deserialize)]
struct OfflineRow {
    message: String,
    handled: Option<String>,
}

impl OfflineRow {
    fn message(self) -> Option<OfflineMessage> {
        let mut message: OfflineMessage = serde_json::from_str(&self.message).ok()?;
        message.handled = self.handled.and_then(|h| serde_json::from_str(&h).ok());
        Some(message)
    }
}

/// The site's offline messages, unhandled first, newest first within each.
pub async fn offline_messages(env: &Env, site: &str) -> ApiResult<Vec<OfflineMessage>> {
    let db = database(env).await?;
    let rows: Vec<OfflineRow> = bound(
        db.prepare(
            "SELECT message, handled FROM offline_messages WHERE site = ?1
             ORDER BY handled_at IS NOT NULL, at DESC LIMIT 200",
        ),
        &[text(site)],
        "reading offline messages",
    )?
    .all()
    .await
    .and_then(|r| r.results())
    .map_err(|e| unavailable("reading offline messages", e))?;
    Ok(rows.into_iter().filter_map(OfflineRow::message).collect())
}

/// An agent answered the message: stored with who and when.
pub async fn answer_offline(env: &Env, site: &str, conversation: &str, handled: &Handled) -> ApiResult<OfflineMessage> {
    let db = database(env).await?;
    let answered =
        serde_json::to_string(handled).map_err(|e| unavailable("encoding the answer", e.to_string().into()))?;
    let row: Option<OfflineRow> = bound(
        db.prepare(
            "UPDATE offline_messages SET handled_at = ?3, handled = ?4 WHERE site = ?1 AND conversation = ?2
             RETURNING message, handled",
        ),
        &[text(site), text(conversation), number(handled.at), text(&answered)],
        "answering the offline message",
    )?
    .first(None)
    .await
    .map_err(|e| unavailable("answering the offline message", e))?;
    row.and_then(OfflineRow::message)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no offline message in this conversation"))
}

/// JSON encoding behind a trait object, so `store` encodes the entry and the record alike.
mod erased {
    pub trait Json {
        fn json(&self) -> worker::Result<String>;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> worker::Result<String> {
            serde_json::to_string(self).map_err(|e| worker::Error::RustError(e.to_string()))
        }
    }
}

#[derive(Deserialize)]
struct EntryRow {
    entry: String,
}

#[derive(Deserialize)]
struct RecordRow {
    record: String,
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// One page of the site's closed conversations, newest first, as `query` filters them.
pub async fn search(env: &Env, site: &str, query: &HistoryQuery) -> ApiResult<HistoryPage> {
    let limit = query.limit.unwrap_or(HISTORY_PAGE).clamp(1, MAX_HISTORY_PAGE);
    let mut sql = String::from("SELECT c.entry FROM conversations c");
    let mut values = vec![text(site)];
    let mut clauses = vec!["c.site = ?1".to_string()];
    let mut add = |clause: &str, value: JsValue, values: &mut Vec<JsValue>| {
        values.push(value);
        clauses.push(clause.replace('?', &format!("?{}", values.len())));
    };
    if let Some(words) = query.q.as_deref().and_then(fts_query) {
        sql.push_str(" JOIN conversations_fts f ON f.site = c.site AND f.id = c.id");
        add("conversations_fts MATCH ?", text(&words), &mut values);
    }
    if let Some(from) = query.from {
        add("c.closed_at >= ?", number(from), &mut values);
    }
    if let Some(to) = query.to {
        add("c.closed_at < ?", number(to), &mut values);
    }
    if let Some(agent) = &query.agent {
        add("instr(c.agent_ids, ?) > 0", text(&format!(" {agent} ")), &mut values);
    }
    if let Some(outcome) = query.outcome {
        add("c.outcome = ?", text(outcome.as_str()), &mut values);
    }
    if let Some(rating) = query.rating {
        add("c.rating = ?", number(u64::from(rating)), &mut values);
    }
    if let Some(flag) = query.flag {
        add("instr(c.flags, ?) > 0", text(&format!(" {} ", flag.as_str())), &mut values);
    }
    if let Some(before) = &query.before {
        let (at, id) = parse_cursor(before)
            .ok_or_else(|| ApiError::new(ErrorCode::BadRequest, "before is a cursor from a previous page"))?;
        values.push(number(at));
        values.push(text(&id));
        let (a, i) = (values.len() - 1, values.len());
        clauses.push(format!("(c.closed_at < ?{a} OR (c.closed_at = ?{a} AND c.id < ?{i}))"));
    }
    values.push(number(u64::from(limit) + 1));
    sql.push_str(&format!(
        " WHERE {} ORDER BY c.closed_at DESC, c.id DESC LIMIT ?{}",
        clauses.join(" AND "),
        values.len()
    ));
    let db = database(env).await?;
    let rows: Vec<EntryRow> = bound(db.prepare(sql), &values, "searching the history")?
        .all()
        .await
        .and_then(|r| r.results())
        .map_err(|e| unavailable("searching the history", e))?;
    let mut conversations: Vec<HistoryEntry> =
        rows.into_iter().filter_map(|r| serde_json::from_str(&r.entry).ok()).collect();
    let next = if conversations.len() > limit as usize {
        conversations.truncate(limit as usize);
        conversations.last().map(cursor)
    } else {
        None
    };
    Ok(HistoryPage { conversations, next })
}

/// One closed conversation, whole.
pub async fn record(env: &Env, site: &str, id: &str) -> ApiResult<HistoryRecord> {
    let db = database(env).await?;
    let row: Option<RecordRow> = bound(
        db.prepare("SELECT record FROM conversations WHERE site = ?1 AND id = ?2"),
        &[text(site), text(id)],
        "reading the history",
    )?
    .first(None)
    .await
    .map_err(|e| unavailable("reading the history", e))?;
    row.and_then(|r| serde_json::from_str(&r.record).ok())
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no closed conversation with this id"))
}

/// The conversation ids a query selects.
async fn ids(env: &Env, sql: &str, values: &[JsValue]) -> ApiResult<Vec<String>> {
    let db = database(env).await?;
    let rows: Vec<IdRow> = bound(db.prepare(sql), values, "reading the history")?
        .all()
        .await
        .and_then(|r| r.results())
        .map_err(|e| unavailable("reading the history", e))?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// The ids of the site's closed conversations whose visitor gave this email.
pub async fn ids_of_email(env: &Env, site: &str, email: &str) -> ApiResult<Vec<String>> {
    let sql = "SELECT id FROM conversations WHERE site = ?1 AND visitor_email = ?2";
    ids(env, sql, &[text(site), text(&email.trim().to_lowercase())]).await
}

/// The ids of the site's conversations closed before `cutoff` (ms), at most `limit`.
pub async fn closed_before(env: &Env, site: &str, cutoff: u64, limit: u32) -> ApiResult<Vec<String>> {
    let sql = "SELECT id FROM conversations WHERE site = ?1 AND closed_at < ?2 LIMIT ?3";
    ids(env, sql, &[text(site), number(cutoff), number(u64::from(limit))]).await
}

/// Deletes conversations from the history and its index.
pub async fn delete(env: &Env, site: &str, ids: &[String]) -> ApiResult<()> {
    let db = database(env).await?;
    let mut statements = Vec::new();
    for id in ids {
        for sql in [
            "DELETE FROM conversations WHERE site = ?1 AND id = ?2",
            "DELETE FROM conversations_fts WHERE site = ?1 AND id = ?2",
            "DELETE FROM offline_messages WHERE site = ?1 AND conversation = ?2",
        ] {
            statements.push(bound(db.prepare(sql), &[text(site), text(id)], "erasing from the history")?);
        }
    }
    if !statements.is_empty() {
        db.batch(statements).await.map_err(|e| unavailable("erasing from the history", e))?;
    }
    Ok(())
}

/// Notes who erased what, and when: erasure is on request and must be accountable.
pub async fn note_erasure(env: &Env, site: &str, by_id: &str, by_name: &str, what: &str, at: u64) -> ApiResult<()> {
    let db = database(env).await?;
    bound(
        db.prepare("INSERT INTO erasures (site, at, by_id, by_name, what) VALUES (?1, ?2, ?3, ?4, ?5)"),
        &[text(site), number(at), text(by_id), text(by_name), text(what)],
        "noting the erasure",
    )?
    .run()
    .await
    .map_err(|e| unavailable("noting the erasure", e))?;
    Ok(())
}
