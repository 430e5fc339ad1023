//! Routing inside the SiteDO: which agent gets each queued conversation, offers and their
//! answers, and carrying assignments out on the conversations.
//!
//! One decision covers the whole queue at one moment ([`baton_desk::route`] over one snapshot),
//! and every decision is written to the `pending` table before anything awaits. So a routing
//! pass that starts while another is still carrying its assignments out counts those as held
//! already: nobody goes past capacity and no conversation goes to two agents, however many
//! conversations queue and agents come online at once. An assignment itself is a takeover in
//! the conversation's own object, whose state machine lets exactly one takeover win.

use std::collections::{HashMap, HashSet};

use baton_desk::{Agent, Queued, Relaxed, RoutingSettings, route};
use baton_shared::{
    AgentInfo, ApiError, ConversationSummary, DashboardFrame, DeskSettings, ErrorCode, OfferOutcome, RoutingMode,
    encode,
};

use super::SiteDO;
use super::routing_store::{Pending, PendingKind};
use super::team::{DashboardSocket, agent_tag};
use crate::conversation::{AssignRequest, QueuePlaceRequest, RequeueRequest};
use crate::http::{ApiResult, OrInternal, now_ms};
use crate::internal::{ConversationOp, on_conversation};

/// The requirements a decision dropped, as the console names them.
fn relaxed_names(relaxed: Relaxed) -> Vec<String> {
    match relaxed {
        Relaxed::Nothing => Vec::new(),
        Relaxed::Skill => vec!["skill".into()],
        Relaxed::SkillAndLanguage => vec!["skill".into(), "language".into()],
    }
}

fn routing_settings(desk: &DeskSettings) -> RoutingSettings {
    RoutingSettings { relax_after_ms: u64::from(desk.relax_after_s) * 1000 }
}

impl SiteDO {
    /// Sends a frame to every console of one agent.
    pub(super) fn send_to_agent(&self, agent: &str, frame: &DashboardFrame) {
        let frame = encode(frame);
        for ws in self.state.get_websockets_with_tag(&agent_tag(agent)) {
            let _ = ws.send_with_str(&frame);
        }
    }

    /// Routes the queue until nothing changes. A call while a pass is carrying assignments out
    /// makes that pass run once more instead of running beside it.
    pub(super) async fn reroute(&self) {
        if self.routing.replace(true) {
            self.route_again.set(true);
            return;
        }
        loop {
            self.route_again.set(false);
            self.requeue_from_absent(now_ms()).await;
            let assignments = match self.decide_routes(now_ms()) {
                Ok(assignments) => assignments,
                Err(e) => {
                    worker::console_error!("routing: {}", e.message);
                    Vec::new()
                }
            };
            for pending in assignments {
                self.carry_out(pending).await;
            }
            self.tell_places().await;
            if !self.route_again.get() {
                break;
            }
        }
        self.routing.set(false);
        self.schedule().await;
    }

    /// One routing decision over the queue and the team as they are now. Offers go out at once;
    /// the assignments to carry out are returned. Every decision is stored before this returns.
    fn decide_routes(&self, now: u64) -> ApiResult<Vec<Pending>> {
        let desk = self.desk_settings()?;
        if desk.mode == RoutingMode::Manual {
            return Ok(Vec::new());
        }
        let pending = self.store.pending().or_internal("reading routing state")?;
        let in_hand: HashSet<&str> = pending.iter().map(|p| p.conversation.as_str()).collect();
        let passed = self.store.passed_over().or_internal("reading routing state")?;
        let rows: HashMap<String, ConversationSummary> = self
            .store
            .queued()
            .or_internal("reading the queue")?
            .into_iter()
            .filter(|row| !in_hand.contains(row.id.as_str()))
            .map(|row| (row.id.clone(), row))
            .collect();
        let queue: Vec<Queued> = rows
            .values()
            .filter_map(|row| {
                let mut queued = Queued::from_row(row)?;
                queued.passed_over_by = passed.get(&row.id).cloned().unwrap_or_default();
                Some(queued)
            })
            .collect();
        if queue.is_empty() {
            return Ok(Vec::new());
        }
        let agents = self.routable_agents(&desk, &pending, now)?;
        let decisions = route(&queue, &agents, &routing_settings(&desk), now);
        let mut assignments = Vec::new();
        for decision in &decisions {
            let offer = desk.mode == RoutingMode::Offer;
            let pending = Pending {
                conversation: decision.conversation.clone(),
                agent: decision.agent.clone(),
                kind: if offer { PendingKind::Offer } else { PendingKind::Assign },
                since: now,
                expires_at: offer.then(|| now + u64::from(desk.offer_timeout_s) * 1000),
                relaxed: relaxed_names(decision.relaxed),
            };
            self.store.put_pending(&pending).or_internal("storing a routing decision")?;
            let mut presence = self.store.presence(&decision.agent).or_internal("reading presence")?;
            presence.last_assigned_at = now;
            self.store.save_presence(&decision.agent, &presence).or_internal("storing presence")?;
            match (pending.expires_at, rows.get(&decision.conversation)) {
                (Some(expires_at), Some(row)) => self.send_to_agent(
                    &decision.agent,
                    &DashboardFrame::Offer {
                        conversation: Box::new(row.clone()),
                        expires_at,
                        relaxed: pending.relaxed,
                    },
                ),
                _ => assignments.push(pending),
            }
        }
        if !decisions.is_empty() {
            self.broadcast_team();
        }
        Ok(assignments)
    }

    /// The team as routing sees it: active accounts with their presence now, and as held every
    /// conversation they hold plus every decision for them still in flight (counted twice for
    /// a moment after an assignment lands, which only ever holds routing back).
    fn routable_agents(&self, desk: &DeskSettings, pending: &[Pending], now: u64) -> ApiResult<Vec<Agent>> {
        let presences = self.store.presences().or_internal("reading presence")?;
        let held = self.store.held().or_internal("reading agents' load")?;
        let accounts = self.store.accounts().or_internal("reading accounts")?;
        Ok(accounts
            .iter()
            .filter(|row| row.is_active())
            .map(|row| {
                let presence = presences.get(&row.id).cloned().unwrap_or_else(super::team_store::never_connected);
                let in_flight = pending.iter().filter(|p| p.agent == row.id).count() as u32;
                Agent {
                    id: row.id.clone(),
                    presence: presence.effective(true, desk, now),
                    languages: row.languages(),
                    skills: row.skills(),
                    capacity: row.capacity(),
                    held: held.get(&row.id).copied().unwrap_or(0) + in_flight,
                    last_assigned_at: presence.last_assigned_at,
                }
            })
            .collect())
    }

    /// Gives the conversation to the agent in its own object; the decision is dropped either
    /// way, and a conversation that could not be given stays queued for the next pass.
    async fn carry_out(&self, pending: Pending) -> bool {
        let assigned = self.assign(&pending).await;
        if let Err(e) = self.store.delete_pending(&pending.conversation) {
            worker::console_error!("routing state: {e}");
        }
        match assigned {
            Ok(()) => {
                let frame = DashboardFrame::Assigned { conversation: pending.conversation, relaxed: pending.relaxed };
                self.send_to_agent(&pending.agent, &frame);
                true
            }
            Err(e) => {
                // Taken by hand or left the queue meanwhile: nothing is lost, nothing to retry.
                if !matches!(e.code, ErrorCode::AlreadyHeld | ErrorCode::StaleEpoch) {
                    worker::console_error!("assigning {}: {}", pending.conversation, e.message);
                }
                false
            }
        }
    }

    async fn assign(&self, pending: &Pending) -> ApiResult<()> {
        let site = self.record()?.info.id;
        let account = self
            .store
            .account_by_id(&pending.agent)
            .or_internal("reading the account")?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "the agent's account is gone"))?;
        let agent: AgentInfo = account.agent(&self.avatar_base()?);
        let (body, op) = (AssignRequest { agent }, ConversationOp::Assign);
        on_conversation(&self.env, &site, &pending.conversation, op, &body, "assigning the conversation").await
    }

    /// Conversations held by an agent whose consoles have all been gone for the grace period, or
    /// whose account was deactivated, go back to the queue with a note for the next agent. An
    /// agent who chose Offline with a console open keeps what they hold; one the desk never saw
    /// a console of (an integration on the API) is left alone.
    async fn requeue_from_absent(&self, now: u64) {
        let (Ok(desk), Ok(held)) = (self.desk_settings(), self.store.held_rows()) else { return };
        if held.is_empty() {
            return;
        }
        let (Ok(presences), Ok(accounts)) = (self.store.presences(), self.store.accounts()) else { return };
        let Ok(site) = self.record().map(|r| r.info.id) else { return };
        for (conversation, holder) in held {
            let account = accounts.iter().find(|a| a.id == holder);
            let active = account.is_some_and(|a| a.is_active());
            let gone = presences.get(&holder).is_some_and(|p| {
                p.gone_since.is_some() && p.effective(active, &desk, now) == baton_shared::Presence::Offline
            });
            if active && !gone {
                continue;
            }
            let name = account.map_or("The agent".to_string(), |a| a.name.clone());
            let note = if active {
                format!("{name} went offline, so the conversation went back to the queue.")
            } else {
                format!("{name}'s account was deactivated, so the conversation went back to the queue.")
            };
            let (body, op) = (RequeueRequest { agent: holder.clone(), note }, ConversationOp::Requeue);
            let requeued =
                on_conversation(&self.env, &site, &conversation, op, &body, "requeueing the conversation").await;
            if let Err(e) = requeued {
                worker::console_error!("requeueing {conversation}: {}", e.message);
            }
        }
    }

    /// The offers still waiting for `agent`'s answer, for a console that (re)connects: a reload
    /// or a restart does not lose an offer, nor its deadline.
    pub(super) fn open_offers(&self, agent: &str) -> ApiResult<Vec<DashboardFrame>> {
        let mut frames = Vec::new();
        for offer in self.store.pending().or_internal("reading routing state")? {
            let (PendingKind::Offer, Some(expires_at)) = (offer.kind, offer.expires_at) else { continue };
            if offer.agent != agent {
                continue;
            }
            if let Some(row) = self.store.row(&offer.conversation).or_internal("reading the queue")? {
                frames.push(DashboardFrame::Offer { conversation: Box::new(row), expires_at, relaxed: offer.relaxed });
            }
        }
        Ok(frames)
    }

    /// "Accept" or "Decline" from the console of the agent the conversation was offered to.
    pub(super) async fn answer_offer(&self, socket: &DashboardSocket, conversation: &str, accept: bool) {
        let offer = self.store.pending_for(conversation).ok().flatten();
        let Some(offer) = offer.filter(|p| p.kind == PendingKind::Offer && p.agent == socket.agent) else {
            let ended =
                DashboardFrame::OfferEnded { conversation: conversation.into(), outcome: OfferOutcome::Withdrawn };
            self.send_to_agent(&socket.agent, &ended);
            return;
        };
        if let Ok(mut presence) = self.store.presence(&socket.agent) {
            presence.answered_offer();
            let _ = self.store.save_presence(&socket.agent, &presence);
        }
        let outcome = if accept {
            // Still reserved for this agent while the conversation's object carries it out.
            let assigning = Pending { kind: PendingKind::Assign, expires_at: None, ..offer.clone() };
            if let Err(e) = self.store.put_pending(&assigning) {
                worker::console_error!("routing state: {e}");
            }
            if self.carry_out(assigning).await { OfferOutcome::Accepted } else { OfferOutcome::Withdrawn }
        } else {
            if let Err(e) =
                self.store.delete_pending(conversation).and_then(|()| self.store.pass_over(conversation, &socket.agent))
            {
                worker::console_error!("routing state: {e}");
            }
            OfferOutcome::Declined
        };
        self.send_to_agent(&socket.agent, &DashboardFrame::OfferEnded { conversation: conversation.into(), outcome });
        self.reroute().await;
    }

    /// Offers nobody answered in time go to the next agent; an agent who lets
    /// `MISSED_OFFERS_BEFORE_AWAY` run out in a row is set Away and told why.
    pub(super) fn expire_offers(&self, now: u64) -> ApiResult<()> {
        let expired: Vec<Pending> = self
            .store
            .pending()
            .or_internal("reading routing state")?
            .into_iter()
            .filter(|p| p.kind == PendingKind::Offer && p.expires_at.is_some_and(|at| at <= now))
            .collect();
        for offer in expired {
            self.store.delete_pending(&offer.conversation).or_internal("storing routing state")?;
            self.store.pass_over(&offer.conversation, &offer.agent).or_internal("storing routing state")?;
            let mut presence = self.store.presence(&offer.agent).or_internal("reading presence")?;
            presence.missed_offer();
            self.store.save_presence(&offer.agent, &presence).or_internal("storing presence")?;
            let ended =
                DashboardFrame::OfferEnded { conversation: offer.conversation, outcome: OfferOutcome::TimedOut };
            self.send_to_agent(&offer.agent, &ended);
        }
        Ok(())
    }

    /// A conversation left the queue: an offer of it is withdrawn and who passed it over is forgotten.
    pub(super) fn left_queue(&self, conversation: &str) {
        if let Ok(Some(pending)) = self.store.pending_for(conversation)
            && pending.kind == PendingKind::Offer
        {
            let ended =
                DashboardFrame::OfferEnded { conversation: conversation.into(), outcome: OfferOutcome::Withdrawn };
            self.send_to_agent(&pending.agent, &ended);
        }
        if let Err(e) = self.store.forget_queued(conversation) {
            worker::console_error!("routing state: {e}");
        }
    }

    /// Tells each queued customer their place and estimate when either changed: someone ahead
    /// was taken, someone joined ahead, the recent waits moved the estimate.
    async fn tell_places(&self) {
        let now = now_ms();
        let (rows, waits, told, site) =
            match (self.store.queued(), self.store.waits(), self.store.told_places(), self.info()) {
                (Ok(rows), Ok(waits), Ok(told), Ok(info)) => (rows, waits, told, info.id),
                _ => return worker::console_error!("queue places: the queue could not be read"),
            };
        let queue: Vec<Queued> = rows.iter().filter_map(Queued::from_row).collect();
        let places = baton_desk::places(&queue, &waits, now);
        let ids: Vec<String> = places.iter().map(|(c, _)| c.clone()).collect();
        if let Err(e) = self.store.forget_places_except(&ids) {
            worker::console_error!("queue places: {e}");
        }
        for (conversation, place) in places {
            if told.iter().any(|(c, p)| *c == conversation && *p == place) {
                continue;
            }
            let body = QueuePlaceRequest { position: place.position, estimate_s: place.estimate_s };
            let op = ConversationOp::QueuePlace;
            match on_conversation(&self.env, &site, &conversation, op, &body, "telling the queue place").await {
                Ok(()) => {
                    if let Err(e) = self.store.told_place(&conversation, place) {
                        worker::console_error!("queue places: {e}");
                    }
                }
                Err(e) => worker::console_error!("queue place of {conversation}: {}", e.message),
            }
        }
    }

    /// The next moment routing can change by itself: an offer running out, a queued
    /// conversation's requirements relaxing.
    pub(super) fn next_routing_change(&self, desk: &DeskSettings, now: u64) -> Option<u64> {
        if desk.mode == RoutingMode::Manual {
            return None;
        }
        let offers = self.store.pending().ok()?.into_iter().filter_map(|p| p.expires_at);
        let relax_ms = u64::from(desk.relax_after_s) * 1000;
        let relaxing = self
            .store
            .queued()
            .ok()?
            .into_iter()
            .filter_map(|row| row.queue)
            .flat_map(|needs| [needs.queued_at + relax_ms, needs.queued_at + 2 * relax_ms]);
        offers.chain(relaxing.filter(|_| relax_ms > 0)).filter(|at| *at > now).min()
    }
}
