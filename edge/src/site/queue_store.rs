//! What the site object keeps to tell queued customers where they stand: recent waits (queued
//! until a person joined) and the place each queued conversation was last told, so only
//! changes are sent.

use baton_desk::{Place, Wait};
use serde::Deserialize;
use worker::SqlStorageValue;

use crate::sql::{int, text};

use super::store::SiteStore;

/// Recent waits kept; the estimate reads far fewer.
const KEPT_WAITS: i64 = 500;

#[derive(Deserialize)]
struct WaitRow {
    skill: Option<String>,
    waited_ms: i64,
    at: i64,
}

#[derive(Deserialize)]
struct PlaceRow {
    conversation: String,
    position: i64,
    estimate_s: Option<i64>,
}

impl SiteStore {
    pub fn migrate_queue(&self) -> worker::Result<()> {
        for statement in [
            "CREATE TABLE IF NOT EXISTS waits (at INTEGER NOT NULL, skill TEXT, waited_ms INTEGER NOT NULL)",
            "CREATE INDEX IF NOT EXISTS waits_by_time ON waits (at)",
            "CREATE TABLE IF NOT EXISTS places (
                conversation TEXT PRIMARY KEY, position INTEGER NOT NULL, estimate_s INTEGER)",
            "CREATE TABLE IF NOT EXISTS told_absent (conversation TEXT PRIMARY KEY, at INTEGER NOT NULL)",
        ] {
            self.sql.exec(statement, None)?;
        }
        Ok(())
    }

    /// A queued conversation got its person after `waited_ms`; the oldest waits beyond what is
    /// kept go.
    pub fn record_wait(&self, skill: Option<&str>, waited_ms: u64, at: u64) -> worker::Result<()> {
        self.sql.exec(
            "INSERT INTO waits (at, skill, waited_ms) VALUES (?, ?, ?)",
            vec![int(at), skill.map(str::to_string).into(), int(waited_ms)],
        )?;
        self.sql.exec(
            "DELETE FROM waits WHERE at < (SELECT at FROM waits ORDER BY at DESC LIMIT 1 OFFSET ?)",
            vec![SqlStorageValue::Integer(KEPT_WAITS)],
        )?;
        Ok(())
    }

    pub fn waits(&self) -> worker::Result<Vec<Wait>> {
        let rows: Vec<WaitRow> = self.sql.exec("SELECT skill, waited_ms, at FROM waits", None)?.to_array()?;
        Ok(rows
            .into_iter()
            .map(|r| Wait { skill: r.skill, waited_ms: r.waited_ms.max(0) as u64, at: r.at.max(0) as u64 })
            .collect())
    }

    /// The places last told, by conversation.
    pub fn told_places(&self) -> worker::Result<Vec<(String, Place)>> {
        let rows: Vec<PlaceRow> = self.sql.exec("SELECT * FROM places", None)?.to_array()?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let place = Place {
                    position: u32::try_from(r.position).unwrap_or(u32::MAX),
                    estimate_s: r.estimate_s.and_then(|s| u32::try_from(s).ok()),
                };
                (r.conversation, place)
            })
            .collect())
    }

    pub fn told_place(&self, conversation: &str, place: Place) -> worker::Result<()> {
        self.sql.exec(
            "INSERT OR REPLACE INTO places (conversation, position, estimate_s) VALUES (?, ?, ?)",
            vec![
                text(conversation),
                int(u64::from(place.position)),
                place.estimate_s.map(|s| int(u64::from(s))).unwrap_or(SqlStorageValue::Null),
            ],
        )?;
        Ok(())
    }

    /// Forgets the places of conversations no longer queued.
    pub fn forget_places_except(&self, queued: &[String]) -> worker::Result<()> {
        let told = self.told_places()?;
        for (conversation, _) in told.iter().filter(|(c, _)| !queued.contains(c)) {
            self.sql.exec("DELETE FROM places WHERE conversation = ?", vec![text(conversation)])?;
        }
        Ok(())
    }
}
