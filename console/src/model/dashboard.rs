//! The live dashboard: a snapshot, then one upsert per change, folded into ordered rows.

use baton_shared::error::ApiError;
use baton_shared::protocol::{ConversationSummary, DashboardFrame, Mode};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DashboardModel {
    /// Active conversations in display order.
    rows: Vec<ConversationSummary>,
    /// True once a snapshot arrived on the current connection.
    pub loaded: bool,
}

impl DashboardModel {
    pub fn rows(&self) -> &[ConversationSummary] {
        &self.rows
    }

    pub fn get(&self, id: &str) -> Option<&ConversationSummary> {
        self.rows.iter().find(|r| r.id == id)
    }

    /// Folds one frame in; returns the server's complaint for `error` frames.
    pub fn apply(&mut self, frame: DashboardFrame) -> Option<ApiError> {
        match frame {
            DashboardFrame::Snapshot { conversations } => {
                self.rows = conversations.into_iter().filter(|c| c.mode != Mode::Closed).collect();
                self.loaded = true;
            }
            DashboardFrame::Upsert { conversation } => self.upsert(conversation),
            DashboardFrame::Error { code, message } => return Some(ApiError::new(code, message)),
            DashboardFrame::Pong => return None,
        }
        self.rows.sort_by(display_order);
        None
    }

    fn upsert(&mut self, row: ConversationSummary) {
        match self.rows.iter().position(|r| r.id == row.id) {
            // A delta older than what is shown (coalesced pushes can cross) changes nothing.
            Some(i) if self.rows[i].last_seq > row.last_seq => {}
            Some(i) if row.mode == Mode::Closed => {
                self.rows.remove(i);
            }
            Some(i) => self.rows[i] = row,
            None if row.mode == Mode::Closed => {}
            None => self.rows.push(row),
        }
    }

    pub fn waiting_count(&self) -> usize {
        self.rows.iter().filter(|r| r.mode == Mode::Queued).count()
    }
}

/// Queued first, then anyone else waiting for an answer (longest wait first), then the most recently active.
fn display_order(a: &ConversationSummary, b: &ConversationSummary) -> std::cmp::Ordering {
    let rank = |r: &ConversationSummary| match (r.mode, r.waiting_since) {
        (Mode::Queued, _) => 0,
        (_, Some(_)) => 1,
        _ => 2,
    };
    rank(a)
        .cmp(&rank(b))
        .then_with(|| a.waiting_since.unwrap_or(u64::MAX).cmp(&b.waiting_since.unwrap_or(u64::MAX)))
        .then_with(|| b.updated_at.cmp(&a.updated_at))
        .then_with(|| a.id.cmp(&b.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::error::ErrorCode;

    fn row(id: &str, mode: Mode, updated_at: u64, waiting_since: Option<u64>) -> ConversationSummary {
        ConversationSummary {
            id: id.into(),
            mode,
            epoch: 0,
            holder: None,
            last_preview: format!("last of {id}"),
            last_author: "customer".into(),
            last_seq: 1,
            started_at: 0,
            updated_at,
            waiting_since,
            visitor_name: None,
            flags: Vec::new(),
            sentiment: None,
            intent: None,
        }
    }

    fn ids(m: &DashboardModel) -> Vec<&str> {
        m.rows().iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn snapshot_then_upserts_keep_waiting_first_then_newest() {
        let mut m = DashboardModel::default();
        m.apply(DashboardFrame::Snapshot {
            conversations: vec![
                row("old", Mode::Bot, 10, None),
                row("new", Mode::Bot, 30, None),
                row("gone", Mode::Closed, 40, None),
                row("queued", Mode::Queued, 5, Some(5)),
            ],
        });
        assert!(m.loaded);
        assert_eq!(ids(&m), ["queued", "new", "old"]);

        let mut waiting = row("old", Mode::Human, 50, Some(45));
        waiting.last_seq = 2;
        m.apply(DashboardFrame::Upsert { conversation: waiting });
        m.apply(DashboardFrame::Upsert { conversation: row("fresh", Mode::Bot, 60, None) });
        m.apply(DashboardFrame::Upsert { conversation: row("queued2", Mode::Queued, 61, Some(2)) });
        assert_eq!(ids(&m), ["queued2", "queued", "old", "fresh", "new"]);
        assert_eq!(m.waiting_count(), 2);
        assert_eq!(m.get("old").map(|r| r.mode), Some(Mode::Human));
    }

    #[test]
    fn closed_conversations_leave_and_stale_deltas_are_ignored() {
        let mut m = DashboardModel::default();
        let mut current = row("a", Mode::Human, 10, None);
        current.last_seq = 9;
        m.apply(DashboardFrame::Snapshot { conversations: vec![current] });
        m.apply(DashboardFrame::Upsert { conversation: row("a", Mode::Bot, 5, None) });
        assert_eq!(m.get("a").map(|r| r.mode), Some(Mode::Human));
        let mut closed = row("a", Mode::Closed, 20, None);
        closed.last_seq = 10;
        m.apply(DashboardFrame::Upsert { conversation: closed.clone() });
        assert!(m.rows().is_empty());
        closed.id = "b".into();
        m.apply(DashboardFrame::Upsert { conversation: closed });
        assert!(m.rows().is_empty());
    }

    #[test]
    fn errors_are_reported_and_a_new_snapshot_replaces_everything() {
        let mut m = DashboardModel::default();
        m.apply(DashboardFrame::Snapshot { conversations: vec![row("a", Mode::Bot, 1, None)] });
        let err = m.apply(DashboardFrame::Error { code: ErrorCode::TokenExpired, message: "expired".into() });
        assert_eq!(err.map(|e| e.code), Some(ErrorCode::TokenExpired));
        assert_eq!(m.apply(DashboardFrame::Pong), None);
        m.apply(DashboardFrame::Snapshot { conversations: vec![row("b", Mode::Bot, 1, None)] });
        assert_eq!(ids(&m), ["b"]);
    }
}
