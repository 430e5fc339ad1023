//! The live dashboard: a snapshot, then one upsert per change, folded into ordered rows.

use baton_shared::error::ApiError;
use baton_shared::protocol::{ConversationSummary, DashboardFrame, Mode};
use baton_shared::team::TeamMember;

use super::desk::DeskInbox;

use super::alerts::{FlagAlert, new_flags};
use super::triage::{Filter, Sort, arrange};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DashboardModel {
    /// Active conversations in display order.
    rows: Vec<ConversationSummary>,
    /// True once a snapshot arrived on the current connection.
    pub loaded: bool,
    /// Flags that appeared since the last `take_alerts`.
    alerts: Vec<FlagAlert>,
    /// Every account with its presence and load, as the site last sent it.
    pub team: Vec<TeamMember>,
    /// Offers to this agent and what the desk last did for them.
    pub desk: DeskInbox,
}

impl DashboardModel {
    pub fn rows(&self) -> &[ConversationSummary] {
        &self.rows
    }

    pub fn get(&self, id: &str) -> Option<&ConversationSummary> {
        self.rows.iter().find(|r| r.id == id)
    }

    /// Ids of the rows to show under this filter and sort.
    pub fn visible_ids(&self, filter: Filter, sort: Sort) -> Vec<String> {
        arrange(&self.rows, filter, sort).into_iter().map(|r| r.id.clone()).collect()
    }

    /// The team member with this id (the signed-in agent, for the Status control).
    pub fn member(&self, id: &str) -> Option<&TeamMember> {
        self.team.iter().find(|m| m.agent.id == id)
    }

    /// Flags raised since the last call; the caller alerts the agent if they opted in.
    pub fn take_alerts(&mut self) -> Vec<FlagAlert> {
        std::mem::take(&mut self.alerts)
    }

    /// Folds one frame in; returns the server's complaint for `error` frames.
    pub fn apply(&mut self, frame: DashboardFrame) -> Option<ApiError> {
        match frame {
            DashboardFrame::Snapshot { conversations } => {
                let rows: Vec<_> = conversations.into_iter().filter(|c| c.mode != Mode::Closed).collect();
                // The first snapshot is what was already there; a later one (after a reconnect)
                // may carry flags raised while the link was down.
                if self.loaded {
                    for row in &rows {
                        let alerts = new_flags(self.get(&row.id), row);
                        self.alerts.extend(alerts);
                    }
                }
                self.rows = rows;
                self.loaded = true;
            }
            DashboardFrame::Upsert { conversation } => self.upsert(*conversation),
            DashboardFrame::Team { members } => {
                self.team = members;
                return None;
            }
            DashboardFrame::Offer { conversation, expires_at, relaxed } => {
                self.desk.offered(*conversation, expires_at, relaxed);
                return None;
            }
            DashboardFrame::OfferEnded { conversation, outcome } => {
                self.desk.offer_ended(&conversation, outcome);
                return None;
            }
            DashboardFrame::Assigned { conversation, relaxed } => {
                self.desk.assigned(conversation, &relaxed);
                return None;
            }
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
            Some(i) => {
                self.alerts.extend(new_flags(Some(&self.rows[i]), &row));
                self.rows[i] = row;
            }
            None if row.mode == Mode::Closed => {}
            None => {
                self.alerts.extend(new_flags(None, &row));
                self.rows.push(row);
            }
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
            mode,
            last_preview: format!("last of {id}"),
            updated_at,
            waiting_since,
            ..crate::model::sample_row(id)
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
        m.apply(DashboardFrame::Upsert { conversation: Box::new(waiting) });
        m.apply(DashboardFrame::Upsert { conversation: Box::new(row("fresh", Mode::Bot, 60, None)) });
        m.apply(DashboardFrame::Upsert { conversation: Box::new(row("queued2", Mode::Queued, 61, Some(2))) });
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
        m.apply(DashboardFrame::Upsert { conversation: Box::new(row("a", Mode::Bot, 5, None)) });
        assert_eq!(m.get("a").map(|r| r.mode), Some(Mode::Human));
        let mut closed = row("a", Mode::Closed, 20, None);
        closed.last_seq = 10;
        m.apply(DashboardFrame::Upsert { conversation: Box::new(closed.clone()) });
        assert!(m.rows().is_empty());
        closed.id = "b".into();
        m.apply(DashboardFrame::Upsert { conversation: Box::new(closed) });
        assert!(m.rows().is_empty());
    }

    #[test]
    fn new_flags_alert_after_the_first_snapshot_only() {
        use baton_shared::insight::{Flag, FlagKind};
        let flag = |kind| Flag { kind, reason: "why".into(), raised_at: 1 };
        let mut m = DashboardModel::default();
        let mut a = row("a", Mode::Bot, 1, None);
        a.flags = vec![flag(FlagKind::Vip)];
        m.apply(DashboardFrame::Snapshot { conversations: vec![a.clone()] });
        assert!(m.take_alerts().is_empty(), "the initial snapshot is not news");

        a.flags.push(flag(FlagKind::Sentiment));
        a.last_seq = 2;
        m.apply(DashboardFrame::Upsert { conversation: Box::new(a.clone()) });
        let mut stale = a.clone();
        stale.last_seq = 1;
        stale.flags = vec![flag(FlagKind::Topic)];
        m.apply(DashboardFrame::Upsert { conversation: Box::new(stale) });
        let mut b = row("b", Mode::Queued, 2, Some(2));
        b.flags = vec![flag(FlagKind::AskedForPerson)];
        m.apply(DashboardFrame::Upsert { conversation: Box::new(b.clone()) });
        let kinds: Vec<_> = m.take_alerts().into_iter().map(|x| (x.conversation_id, x.flag.kind)).collect();
        assert_eq!(kinds, [("a".to_string(), FlagKind::Sentiment), ("b".to_string(), FlagKind::AskedForPerson)]);
        assert!(m.take_alerts().is_empty());

        // After a reconnect the snapshot is compared with what was shown before.
        b.flags.push(flag(FlagKind::Unresolved));
        let mut c = row("c", Mode::Bot, 3, None);
        c.flags = vec![flag(FlagKind::LowConfidence)];
        m.apply(DashboardFrame::Snapshot { conversations: vec![a, b, c] });
        let kinds: Vec<_> = m.take_alerts().into_iter().map(|x| x.flag.kind).collect();
        assert_eq!(kinds, [FlagKind::Unresolved, FlagKind::LowConfidence]);
        assert_eq!(m.visible_ids(Filter::Kind(FlagKind::Vip), Sort::LatestActivity), ["a"]);
        assert_eq!(m.visible_ids(Filter::Flagged, Sort::MostFlags), ["b", "a", "c"]);
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
