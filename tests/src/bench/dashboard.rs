//! A console's dashboard socket, read the way the bench needs it: when each row update
//! arrived, and the row each conversation shows last.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::task::JoinHandle;

use crate::bench::ws::Ws;

const SNAPSHOT_LIMIT: Duration = Duration::from_secs(30);

/// Only what the bench reads of a dashboard frame: decoding whole rows would cost the client
/// more CPU than it is worth on a two-core machine shared with the server.
#[derive(Deserialize)]
struct Frame {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    conversation: Option<Row>,
    #[serde(default)]
    conversations: Vec<Row>,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    last_seq: u64,
}

#[derive(Default)]
pub struct Seen {
    /// Row updates since the last `take_updates`: conversation, its last seq, when read.
    pub updates: Vec<(String, u64, Instant)>,
    /// The row each conversation shows now (the last one received).
    pub rows: HashMap<String, u64>,
    pub broken: Option<String>,
}

pub struct Dashboard {
    seen: Arc<Mutex<Seen>>,
    reader: JoinHandle<()>,
}

impl Dashboard {
    /// Connects and waits for the snapshot.
    pub async fn open(url: &str) -> Result<Dashboard, String> {
        let mut ws = Ws::open(url).await?;
        let text = ws.next_within(SNAPSHOT_LIMIT).await.map_err(|e| format!("dashboard snapshot: {e}"))?;
        let frame: Frame = serde_json::from_str(&text).map_err(|e| format!("dashboard snapshot: {e}: {text:.200}"))?;
        if frame.kind != "snapshot" {
            return Err(format!("the dashboard opened with {text:.200}"));
        }
        let rows = frame.conversations.into_iter().map(|r| (r.id, r.last_seq)).collect();
        let seen = Arc::new(Mutex::new(Seen { rows, ..Seen::default() }));
        let reader = tokio::spawn(read(ws, seen.clone()));
        Ok(Dashboard { seen, reader })
    }

    /// What was seen so far; a reader that panicked still leaves its data.
    pub fn seen(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn take_updates(&self) -> Vec<(String, u64, Instant)> {
        std::mem::take(&mut self.seen().updates)
    }

    pub fn close(self) {
        self.reader.abort();
    }
}

async fn read(mut ws: Ws, seen: Arc<Mutex<Seen>>) {
    let lock = || seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    loop {
        let text = match ws.next().await {
            Ok(text) => text,
            Err(e) => {
                lock().broken = Some(e);
                return;
            }
        };
        let now = Instant::now();
        let Ok(frame) = serde_json::from_str::<Frame>(&text) else { continue };
        if let Some(row) = frame.conversation.filter(|_| frame.kind == "upsert") {
            let mut seen = lock();
            seen.rows.insert(row.id.clone(), row.last_seq);
            seen.updates.push((row.id, row.last_seq, now));
        }
    }
}
