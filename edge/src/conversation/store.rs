//! The conversation object's SQLite tables: one state row, the transcript and the brain's
//! memory; the engine's [`Store`] on Durable Object storage.
//!
//! `client_key` (sender identity + client id) is unique, so a resent message is found and
//! acknowledged with its original seq instead of being stored twice. `kind` is the event
//! body's type, so queries select events by kind without reading their JSON.

use baton_brain::watch::Watch;
use baton_engine::{Record, Store, StoreError, StoreResult};
use baton_shared::{AgentInfo, Author, ConversationState, Event, EventBody, EventBodyType, Insight, Mode, VisitorInfo};
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

use crate::sql::{int, text};

pub struct ConversationStore {
    sql: SqlStorage,
}

/// The `kind` column of an event: its wire tag.
fn kind(body: &EventBody) -> &'static str {
    EventBodyType::of(body).as_str()
}

#[derive(Deserialize)]
struct StateRow {
    site: String,
    conversation: String,
    mode: String,
    epoch: u64,
    holder: Option<String>,
    last_seq: u64,
    visitor: String,
    bot_name: String,
    created_at: u64,
    updated_at: u64,
    last_preview: String,
    last_author: String,
    waiting_since: Option<u64>,
    #[serde(default)]
    queued_since: Option<u64>,
    #[serde(default)]
    queued_by_bot: u64,
    #[serde(default)]
    required_skill: Option<String>,
    #[serde(default)]
    last_message_at: Option<u64>,
    #[serde(default)]
    previous: Option<String>,
    #[serde(default)]
    place_position: Option<u32>,
    #[serde(default)]
    place_estimate_s: Option<u32>,
}

#[derive(Deserialize)]
struct EventRow {
    seq: u64,
    ts: u64,
    epoch: u64,
    author: String,
    body: String,
    client_id: Option<String>,
}

#[derive(Deserialize)]
struct WatchRow {
    watch: String,
}

#[derive(Deserialize)]
struct InsightRow {
    insight: String,
}

#[derive(Deserialize)]
struct SeqRow {
    seq: u64,
}

fn corrupt(what: &str) -> worker::Error {
    worker::Error::RustError(format!("stored {what} is unreadable"))
}

impl EventRow {
    fn into_event(self) -> worker::Result<Event> {
        let author: Author = serde_json::from_str(&self.author).map_err(|_| corrupt("event author"))?;
        let body: EventBody = serde_json::from_str(&self.body).map_err(|_| corrupt("event body"))?;
        Ok(Event { seq: self.seq, ts: self.ts, epoch: self.epoch, author, body, client_id: self.client_id })
    }
}

impl ConversationStore {
    pub fn new(sql: SqlStorage) -> ConversationStore {
        ConversationStore { sql }
    }
}

fn stored<T>(result: worker::Result<T>) -> StoreResult<T> {
    result.map_err(|e| StoreError(e.to_string()))
}

impl Store for ConversationStore {
    fn record(&self) -> StoreResult<Option<Record>> {
        stored(self.load())
    }
    fn create(&self, record: &Record) -> StoreResult<()> {
        stored(self.create(record))
    }
    fn save(&self, record: &Record) -> StoreResult<()> {
        stored(self.save(record))
    }
    fn insert_event(&self, event: &Event, client_key: Option<&str>) -> StoreResult<()> {
        stored(self.insert_event(event, client_key))
    }
    fn seq_of(&self, client_key: &str) -> StoreResult<Option<u64>> {
        stored(self.seq_of(client_key))
    }
    fn events_after(&self, seq: u64) -> StoreResult<Vec<Event>> {
        stored(self.events_after(seq))
    }
    fn events_page(&self, seq: u64, limit: usize) -> StoreResult<Vec<Event>> {
        stored(self.events_page(seq, limit))
    }
    fn recent_events(&self, seq: u64, limit: usize) -> StoreResult<Vec<Event>> {
        stored(self.recent_events(seq, limit))
    }
    fn last_spoken(&self) -> StoreResult<Option<Event>> {
        stored(self.last_spoken())
    }
    fn watch(&self) -> StoreResult<Watch> {
        stored(self.watch())
    }
    fn save_watch(&self, watch: &Watch) -> StoreResult<()> {
        stored(self.save_watch(watch))
    }
    fn insight(&self) -> StoreResult<Option<Insight>> {
        stored(self.insight())
    }
    fn save_insight(&self, insight: &Insight) -> StoreResult<()> {
        stored(self.save_insight(insight))
    }
}

/// The SQL behind each [`Store`] method.
impl ConversationStore {
    pub fn migrate(&self) -> worker::Result<()> {
        for statement in [
            "CREATE TABLE IF NOT EXISTS state (
                one INTEGER PRIMARY KEY CHECK (one = 1),
                site TEXT NOT NULL, conversation TEXT NOT NULL,
                mode TEXT NOT NULL, epoch INTEGER NOT NULL, holder TEXT, last_seq INTEGER NOT NULL,
                visitor TEXT NOT NULL, bot_name TEXT NOT NULL,
                created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                last_preview TEXT NOT NULL, last_author TEXT NOT NULL, waiting_since INTEGER,
                queued_since INTEGER, queued_by_bot INTEGER NOT NULL DEFAULT 0, required_skill TEXT,
                last_message_at INTEGER, previous TEXT, place_position INTEGER, place_estimate_s INTEGER)",
            "CREATE TABLE IF NOT EXISTS brain (
                one INTEGER PRIMARY KEY CHECK (one = 1), watch TEXT NOT NULL, insight TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS events (
                seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, epoch INTEGER NOT NULL,
                author TEXT NOT NULL, body TEXT NOT NULL, client_id TEXT, client_key TEXT UNIQUE,
                kind TEXT NOT NULL DEFAULT '')",
        ] {
            self.sql.exec(statement, None)?;
        }
        // Transcripts stored before events had a kind column get it, filled from their bodies.
        #[derive(Deserialize)]
        struct Column {
            name: String,
        }
        let columns: Vec<Column> = self.sql.exec("PRAGMA table_info(events)", None)?.to_array()?;
        if !columns.iter().any(|c| c.name == "kind") {
            self.sql.exec("ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT ''", None)?;
            self.sql.exec("UPDATE events SET kind = json_extract(body, '$.type')", None)?;
        }
        let columns: Vec<Column> = self.sql.exec("PRAGMA table_info(state)", None)?.to_array()?;
        if !columns.iter().any(|c| c.name == "queued_since") {
            self.sql.exec("ALTER TABLE state ADD COLUMN queued_since INTEGER", None)?;
            self.sql.exec("ALTER TABLE state ADD COLUMN queued_by_bot INTEGER NOT NULL DEFAULT 0", None)?;
        }
        if !columns.iter().any(|c| c.name == "required_skill") {
            self.sql.exec("ALTER TABLE state ADD COLUMN required_skill TEXT", None)?;
        }
        if !columns.iter().any(|c| c.name == "last_message_at") {
            self.sql.exec("ALTER TABLE state ADD COLUMN last_message_at INTEGER", None)?;
            self.sql.exec("ALTER TABLE state ADD COLUMN previous TEXT", None)?;
        }
        if !columns.iter().any(|c| c.name == "place_position") {
            self.sql.exec("ALTER TABLE state ADD COLUMN place_position INTEGER", None)?;
            self.sql.exec("ALTER TABLE state ADD COLUMN place_estimate_s INTEGER", None)?;
        }
        self.sql.exec("CREATE INDEX IF NOT EXISTS events_by_kind ON events (kind, seq)", None)?;
        Ok(())
    }

    /// The conversation's record as stored, or `None` if it was never started.
    fn load(&self) -> worker::Result<Option<Record>> {
        let rows: Vec<StateRow> = self.sql.exec("SELECT * FROM state WHERE one = 1", None)?.to_array()?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        let holder: Option<AgentInfo> = match row.holder.as_deref() {
            Some(json) => Some(serde_json::from_str(json).map_err(|_| corrupt("holder"))?),
            None => None,
        };
        let record = Record {
            site: row.site,
            conversation: row.conversation,
            state: ConversationState {
                mode: Mode::parse(&row.mode).ok_or_else(|| corrupt("mode"))?,
                epoch: row.epoch,
                holder,
                last_seq: row.last_seq,
            },
            visitor: serde_json::from_str::<VisitorInfo>(&row.visitor).unwrap_or_default(),
            bot_name: row.bot_name,
            created_at: row.created_at,
            updated_at: row.updated_at,
            last_preview: row.last_preview,
            last_author: row.last_author,
            waiting_since: row.waiting_since,
            queued_since: row.queued_since,
            queued_by_bot: row.queued_by_bot != 0,
            required_skill: row.required_skill,
            // Conversations stored before the column count from their last update.
            last_message_at: row.last_message_at.unwrap_or(row.updated_at),
            previous: row.previous,
            place: row.place_position.map(|position| (position, row.place_estimate_s)),
        };
        Ok(Some(record))
    }

    fn create(&self, record: &Record) -> worker::Result<()> {
        self.sql.exec(
            "INSERT OR IGNORE INTO state (one, site, conversation, mode, epoch, holder, last_seq, visitor, bot_name,
                created_at, updated_at, last_preview, last_author, waiting_since, last_message_at, previous)
             VALUES (1, ?, ?, 'bot', 0, NULL, 0, ?, ?, ?, ?, '', ?, NULL, ?, ?)",
            vec![
                text(&record.site),
                text(&record.conversation),
                text(&serde_json::to_string(&record.visitor)?),
                text(&record.bot_name),
                int(record.created_at),
                int(record.updated_at),
                text(&record.last_author),
                int(record.last_message_at),
                record.previous.clone().into(),
            ],
        )?;
        Ok(())
    }

    fn save(&self, record: &Record) -> worker::Result<()> {
        let holder = match &record.state.holder {
            Some(agent) => Some(serde_json::to_string(agent)?),
            None => None,
        };
        self.sql.exec(
            "UPDATE state SET mode = ?, epoch = ?, holder = ?, last_seq = ?, bot_name = ?, updated_at = ?,
                last_preview = ?, last_author = ?, waiting_since = ?, queued_since = ?, queued_by_bot = ?,
                required_skill = ?, last_message_at = ?, place_position = ?, place_estimate_s = ?
             WHERE one = 1",
            vec![
                text(record.state.mode.as_str()),
                int(record.state.epoch),
                holder.into(),
                int(record.state.last_seq),
                text(&record.bot_name),
                int(record.updated_at),
                text(&record.last_preview),
                text(&record.last_author),
                record.waiting_since.map(int).unwrap_or(SqlStorageValue::Null),
                record.queued_since.map(int).unwrap_or(SqlStorageValue::Null),
                int(u64::from(record.queued_by_bot)),
                record.required_skill.clone().into(),
                int(record.last_message_at),
                record.place.map(|(p, _)| int(u64::from(p))).unwrap_or(SqlStorageValue::Null),
                record.place.and_then(|(_, e)| e).map(|e| int(u64::from(e))).unwrap_or(SqlStorageValue::Null),
            ],
        )?;
        Ok(())
    }

    fn insert_event(&self, event: &Event, client_key: Option<&str>) -> worker::Result<()> {
        self.sql.exec(
            "INSERT INTO events (seq, ts, epoch, author, body, client_id, client_key, kind)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                int(event.seq),
                int(event.ts),
                int(event.epoch),
                text(&serde_json::to_string(&event.author)?),
                text(&serde_json::to_string(&event.body)?),
                event.client_id.clone().into(),
                client_key.map(str::to_string).into(),
                text(kind(&event.body)),
            ],
        )?;
        Ok(())
    }

    /// The seq a message with this client key was stored under, if it was.
    fn seq_of(&self, client_key: &str) -> worker::Result<Option<u64>> {
        let rows: Vec<SeqRow> =
            self.sql.exec("SELECT seq FROM events WHERE client_key = ?", vec![text(client_key)])?.to_array()?;
        Ok(rows.first().map(|r| r.seq))
    }

    /// Every event with a seq above `seq`, in order.
    fn events_after(&self, seq: u64) -> worker::Result<Vec<Event>> {
        let rows: Vec<EventRow> = self
            .sql
            .exec(
                "SELECT seq, ts, epoch, author, body, client_id FROM events WHERE seq > ? ORDER BY seq",
                vec![int(seq)],
            )?
            .to_array()?;
        rows.into_iter().map(EventRow::into_event).collect()
    }

    fn events_page(&self, seq: u64, limit: usize) -> worker::Result<Vec<Event>> {
        let rows: Vec<EventRow> = self
            .sql
            .exec(
                "SELECT seq, ts, epoch, author, body, client_id FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                vec![int(seq), int(limit as u64)],
            )?
            .to_array()?;
        rows.into_iter().map(EventRow::into_event).collect()
    }

    fn recent_events(&self, seq: u64, limit: usize) -> worker::Result<Vec<Event>> {
        let rows: Vec<EventRow> = self
            .sql
            .exec(
                "SELECT * FROM (SELECT seq, ts, epoch, author, body, client_id FROM events WHERE seq > ?
                    ORDER BY seq DESC LIMIT ?) ORDER BY seq",
                vec![int(seq), int(limit as u64)],
            )?
            .to_array()?;
        rows.into_iter().map(EventRow::into_event).collect()
    }

    /// The last message anyone said to the conversation (notes, mode changes and ratings skipped).
    fn last_spoken(&self) -> worker::Result<Option<Event>> {
        let rows: Vec<EventRow> = self
            .sql
            .exec(
                "SELECT seq, ts, epoch, author, body, client_id FROM events
                 WHERE kind = 'text' ORDER BY seq DESC LIMIT 1",
                None,
            )?
            .to_array()?;
        rows.into_iter().next().map(EventRow::into_event).transpose()
    }

    /// What the brain remembers; a fresh watch if nothing (or nothing readable) is stored, since
    /// losing the mood history must not stop the conversation.
    fn watch(&self) -> worker::Result<Watch> {
        let rows: Vec<WatchRow> = self.sql.exec("SELECT watch FROM brain WHERE one = 1", None)?.to_array()?;
        Ok(rows.first().and_then(|r| serde_json::from_str(&r.watch).ok()).unwrap_or_default())
    }

    /// The insight agents were last sent, for agents who connect later.
    fn insight(&self) -> worker::Result<Option<Insight>> {
        let rows: Vec<InsightRow> = self.sql.exec("SELECT insight FROM brain WHERE one = 1", None)?.to_array()?;
        Ok(rows.first().and_then(|r| serde_json::from_str(&r.insight).ok()))
    }

    fn save_watch(&self, watch: &Watch) -> worker::Result<()> {
        self.sql.exec(
            "INSERT INTO brain (one, watch, insight) VALUES (1, ?, 'null')
             ON CONFLICT (one) DO UPDATE SET watch = excluded.watch",
            vec![text(&serde_json::to_string(watch)?)],
        )?;
        Ok(())
    }

    fn save_insight(&self, insight: &Insight) -> worker::Result<()> {
        self.sql.exec(
            "INSERT INTO brain (one, watch, insight) VALUES (1, '{}', ?)
             ON CONFLICT (one) DO UPDATE SET insight = excluded.insight",
            vec![text(&serde_json::to_string(insight)?)],
        )?;
        Ok(())
    }
}
