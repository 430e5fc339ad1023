//! The path when nobody can come: a conversation that joins the queue while no agent is Online
//! or outside the site's business hours, or that has waited longer than the site's maximum, is
//! told so by its bot, once per wait, with the choice to leave a message or keep chatting.

use baton_desk::{is_open, next_opening};
use baton_shared::{DeskSettings, Presence};
use serde::Deserialize;

use super::SiteDO;
use super::clock::local_time;
use crate::conversation::NoAgentRequest;
use crate::http::{ApiResult, OrInternal, now_ms};
use crate::internal::{ConversationOp, on_conversation};
use crate::sql::{int, text};

#[derive(Deserialize)]
struct ToldRow {
    conversation: String,
}

impl SiteDO {
    /// Why nobody can come now, if so: outside business hours (and when the team is back), or
    /// no agent Online.
    fn absence_now(&self, desk: &DeskSettings, now: u64) -> ApiResult<Option<NoAgentRequest>> {
        if let Some(hours) = &desk.hours {
            match local_time(&hours.time_zone, now) {
                Some(local) if !is_open(Some(hours), &local) => {
                    let back = next_opening(hours, &local).map(|r| (r.weekday, r.minute, r.in_days));
                    return Ok(Some(NoAgentRequest::Closed { back }));
                }
                Some(_) => {}
                None => worker::console_error!("business hours: unknown time zone {}", hours.time_zone),
            }
        }
        let online = self.team(now)?.iter().any(|m| m.active && m.presence == Presence::Online);
        Ok((!online).then_some(NoAgentRequest::NobodyOnline))
    }

    /// A conversation joined the queue: if nobody can come, its customer hears so at once.
    pub(super) async fn on_joined_queue(&self, conversation: &str) {
        let now = now_ms();
        let why = self.desk_settings().and_then(|desk| self.absence_now(&desk, now));
        match why {
            Ok(Some(why)) => self.tell_absent(conversation, why).await,
            Ok(None) => {}
            Err(e) => worker::console_error!("no-agent check: {}", e.message),
        }
    }

    /// Queued conversations that have waited past the site's maximum and were not told yet.
    pub(super) async fn tell_long_waits(&self, now: u64) {
        let Ok(desk) = self.desk_settings() else { return };
        if desk.max_queue_wait_s == 0 {
            return;
        }
        let max_ms = u64::from(desk.max_queue_wait_s) * 1000;
        let Ok(queued) = self.store.queued() else { return };
        let told = self.told_absent().unwrap_or_default();
        for row in queued {
            let queued_at = row.queue.as_ref().map_or(row.updated_at, |q| q.queued_at);
            if now >= queued_at + max_ms && !told.contains(&row.id) {
                self.tell_absent(&row.id, NoAgentRequest::WaitedTooLong).await;
            }
        }
    }

    /// When the next queued conversation reaches the maximum wait.
    pub(super) fn next_long_wait(&self, desk: &DeskSettings) -> Option<u64> {
        if desk.max_queue_wait_s == 0 {
            return None;
        }
        let told = self.told_absent().ok()?;
        let queued = self.store.queued().ok()?;
        queued
            .iter()
            .filter(|row| !told.contains(&row.id))
            .map(|row| {
                row.queue.as_ref().map_or(row.updated_at, |q| q.queued_at) + u64::from(desk.max_queue_wait_s) * 1000
            })
            .min()
    }

    async fn tell_absent(&self, conversation: &str, why: NoAgentRequest) {
        let Ok(site) = self.info().map(|i| i.id) else { return };
        let told =
            on_conversation(&self.env, &site, conversation, ConversationOp::NoAgent, &why, "saying nobody can come")
                .await;
        match told {
            Ok(()) => {
                if let Err(e) = self.mark_told_absent(conversation) {
                    worker::console_error!("no-agent: {}", e.message);
                }
            }
            Err(e) => worker::console_error!("no-agent for {conversation}: {}", e.message),
        }
    }

    fn told_absent(&self) -> ApiResult<Vec<String>> {
        let rows: Vec<ToldRow> = self
            .store
            .sql
            .exec("SELECT conversation FROM told_absent", None)
            .and_then(|c| c.to_array())
            .or_internal("reading who was told")?;
        Ok(rows.into_iter().map(|r| r.conversation).collect())
    }

    fn mark_told_absent(&self, conversation: &str) -> ApiResult<()> {
        self.store
            .sql
            .exec(
                "INSERT OR REPLACE INTO told_absent (conversation, at) VALUES (?, ?)",
                vec![text(conversation), int(now_ms())],
            )
            .or_internal("noting who was told")?;
        Ok(())
    }

    /// The conversation left the queue: a later wait is told afresh.
    pub(super) fn forget_told_absent(&self, conversation: &str) {
        let _ = self.store.sql.exec("DELETE FROM told_absent WHERE conversation = ?", vec![text(conversation)]);
    }
}
