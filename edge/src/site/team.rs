//! The team inside the SiteDO: accounts as supervisors edit them, each agent's presence as their
//! consoles connect, choose and go, and the team frame every dashboard gets when any of it changes.
//!
//! Each dashboard socket carries its agent in its attachment and an `agent:{id}` tag, so the
//! object knows, even after hibernation, whether an agent still has a console open.

use baton_desk::PresenceRecord;
use baton_shared::{
    AccountInput, AccountRole, ApiError, DashboardFrame, DeskSettings, ErrorCode, Presence, TeamMember, encode,
};
use serde::{Deserialize, Serialize};
use worker::WebSocket;

use super::SiteDO;
use super::team_store::AccountRow;
use crate::http::{ApiResult, OrInternal, now_ms};

pub const DASHBOARD_TAG: &str = "dashboard";

/// What a dashboard socket remembers across hibernation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DashboardSocket {
    /// This socket, to tell it apart from the agent's other consoles while it closes.
    pub id: String,
    pub agent: String,
}

pub fn agent_tag(agent: &str) -> String {
    format!("agent:{agent}")
}

/// Body of `/team/put`: a new account (no id) or an edit, with the password already hashed
/// by the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountPut {
    #[serde(default)]
    pub id: Option<String>,
    pub account: AccountInput,
    #[serde(default)]
    pub pw_hash: Option<String>,
    /// The edit sent back the avatar's reference: the stored picture stays.
    #[serde(default)]
    pub keep_avatar: bool,
}

fn member(
    row: &AccountRow,
    presence: &PresenceRecord,
    held: u32,
    desk: &DeskSettings,
    base: &str,
    now: u64,
) -> TeamMember {
    let effective = presence.effective(row.is_active(), desk, now);
    // The desk's note explains a presence the agent did not choose; gone consoles explain themselves.
    let note = presence.note.clone().filter(|_| effective == presence.chosen);
    TeamMember {
        agent: row.agent(base),
        email: row.email.clone(),
        role: row.role().unwrap_or(AccountRole::Agent),
        languages: row.languages(),
        skills: row.skills(),
        capacity: row.capacity(),
        active: row.is_active(),
        presence: effective,
        presence_note: note,
        held,
    }
}

impl SiteDO {
    pub(super) fn desk_settings(&self) -> ApiResult<DeskSettings> {
        Ok(self.store.settings().or_internal("reading the site's settings")?.desk)
    }

    /// Every account with its presence and load at `now`.
    pub(super) fn team(&self, now: u64) -> ApiResult<Vec<TeamMember>> {
        let desk = self.desk_settings()?;
        let presences = self.store.presences().or_internal("reading presence")?;
        let held = self.store.held().or_internal("reading agents' load")?;
        let accounts = self.store.accounts().or_internal("reading accounts")?;
        let base = self.avatar_base()?;
        Ok(accounts
            .iter()
            .map(|row| {
                let presence = presences.get(&row.id).cloned().unwrap_or_else(super::team_store::never_connected);
                member(row, &presence, held.get(&row.id).copied().unwrap_or(0), &desk, &base, now)
            })
            .collect())
    }

    /// Sends every dashboard the team as it is now.
    pub(super) fn broadcast_team(&self) {
        match self.team(now_ms()) {
            Ok(members) => self.send_team(members),
            Err(e) => worker::console_error!("team frame: {}", e.message),
        }
    }

    fn send_team(&self, members: Vec<TeamMember>) {
        let frame = encode(&DashboardFrame::Team { members });
        for ws in self.state.get_websockets_with_tag(DASHBOARD_TAG) {
            let _ = ws.send_with_str(&frame);
        }
    }

    /// A console of `agent` connected.
    pub(super) fn agent_connected(&self, agent: &str) -> ApiResult<()> {
        let mut presence = self.store.presence(agent).or_internal("reading presence")?;
        presence.connected();
        self.store.save_presence(agent, &presence).or_internal("storing presence")
    }

    /// A dashboard socket closed: if it was the agent's last console, their grace period starts.
    pub(super) async fn dashboard_closed(&self, ws: &WebSocket) {
        let Some(closing) = ws.deserialize_attachment::<DashboardSocket>().ok().flatten() else { return };
        let others = self.state.get_websockets_with_tag(&agent_tag(&closing.agent)).into_iter().any(|other| {
            other.deserialize_attachment::<DashboardSocket>().ok().flatten().is_some_and(|o| o.id != closing.id)
        });
        if others {
            return;
        }
        let gone = (|| -> ApiResult<()> {
            let mut presence = self.store.presence(&closing.agent).or_internal("reading presence")?;
            presence.disconnected(now_ms());
            self.store.save_presence(&closing.agent, &presence).or_internal("storing presence")
        })();
        if let Err(e) = gone {
            worker::console_error!("presence of {}: {}", closing.agent, e.message);
        }
        self.schedule().await;
        self.broadcast_team();
    }

    /// The agent chose in the console's "Status" control.
    pub(super) fn set_presence(&self, ws: &WebSocket, chosen: Presence) -> ApiResult<()> {
        let socket = ws
            .deserialize_attachment::<DashboardSocket>()
            .ok()
            .flatten()
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "dashboard socket state lost"))?;
        let mut presence = self.store.presence(&socket.agent).or_internal("reading presence")?;
        presence.choose(chosen);
        presence.connected();
        self.store.save_presence(&socket.agent, &presence).or_internal("storing presence")?;
        self.broadcast_team();
        Ok(())
    }

    /// Sets the alarm for the next moment something changes by itself: a console's grace period
    /// running out (colleagues see it), an offer running out, requirements relaxing.
    pub(super) async fn schedule(&self) {
        let Ok(desk) = self.desk_settings() else { return };
        let Ok(presences) = self.store.presences() else { return };
        let now = now_ms();
        let offline = presences.values().filter_map(|p| p.offline_at(&desk)).filter(|at| *at > now).min();
        let retention = self.retention_due(&desk, now);
        // A due wait whose telling failed is tried again in a few seconds, not in a tight loop.
        let long_wait = self.next_long_wait(&desk).map(|at| at.max(now + 5_000));
        let next =
            offline.into_iter().chain(self.next_routing_change(&desk, now)).chain(retention).chain(long_wait).min();
        if let Some(at) = next
            && let Err(e) = self.state.storage().set_alarm((at - now) as i64).await
        {
            worker::console_error!("desk alarm: {e}");
        }
    }

    /// Stores a new account or an edit; refuses a repeated email and an edit that would leave
    /// the site without an active supervisor. Says why the account's sign-ins must end, if
    /// they must: a new password, a new role or deactivation (see `access.rs`).
    pub(super) fn put_account(&self, put: AccountPut) -> ApiResult<(TeamMember, Option<&'static str>)> {
        let AccountPut { id, account, pw_hash, keep_avatar } = put;
        let existing = match &id {
            Some(id) => Some(
                self.store
                    .account_by_id(id)
                    .or_internal("reading the account")?
                    .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such account"))?,
            ),
            None => None,
        };
        if let Some(same_email) = self.store.account(&account.email).or_internal("reading accounts")?
            && Some(&same_email.id) != id.as_ref()
        {
            return Err(ApiError::new(ErrorCode::InvalidAccount, format!("{} already has an account", account.email)));
        }
        let id = id.unwrap_or_else(crate::ids::new_id);
        let stays_supervisor = account.active && account.role == AccountRole::Supervisor;
        if existing.is_some() && !stays_supervisor {
            let others = self
                .store
                .accounts()
                .or_internal("reading accounts")?
                .into_iter()
                .any(|a| a.id != id && a.is_active() && a.role() == Some(AccountRole::Supervisor));
            if !others {
                return Err(ApiError::new(
                    ErrorCode::InvalidAccount,
                    "the site needs at least one active supervisor; make someone else supervisor first",
                ));
            }
        }
        let mut account = account;
        if keep_avatar {
            account.avatar = existing.as_ref().and_then(|old| old.avatar.clone());
        }
        let new_password = pw_hash.is_some();
        self.store.put_account(&id, &account, pw_hash.as_deref()).or_internal("storing the account")?;
        if !account.active {
            // Reactivated, they are Offline until a console connects again.
            let mut presence = self.store.presence(&id).or_internal("reading presence")?;
            presence.gone_since = Some(0);
            self.store.save_presence(&id, &presence).or_internal("storing presence")?;
        }
        let ends = existing.and_then(|old| {
            if old.is_active() && !account.active {
                Some("account deactivated")
            } else if old.role() != Some(account.role) {
                Some("role changed")
            } else if new_password {
                Some("password changed")
            } else {
                None
            }
        });
        let members = self.team(now_ms())?;
        let stored = members.iter().find(|m| m.agent.id == id).cloned();
        self.send_team(members);
        let stored = stored.ok_or_else(|| ApiError::new(ErrorCode::Internal, "the account was not stored"))?;
        Ok((stored, ends))
    }

    pub(super) fn put_desk_settings(&self, desk: DeskSettings) -> ApiResult<DeskSettings> {
        let mut settings = self.store.settings().or_internal("reading the site's settings")?;
        settings.desk = desk;
        // Conversations keep to some of these settings (when to close): bring them the new ones.
        settings.touch_knowledge(now_ms());
        self.store.save_settings(&settings).or_internal("storing the site's settings")?;
        self.broadcast_team();
        Ok(settings.desk)
    }
}
