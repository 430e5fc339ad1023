//! ConversationDO: one per conversation, named `{site}/{conversation}`. A shell around the
//! conversation engine (`baton-engine`): it feeds each input in (a socket's frame, the start,
//! the alarm, a model's answer) and carries the returned effects out. What the conversation
//! decides lives in the engine; here are only sockets, SQLite, the SiteDO calls, the alarm and
//! the model's HTTP call.
//!
//! Inputs take turns ([`Turns`]) in arrival order: the brain may have to be fetched before an
//! input is handled, and a later frame must not overtake it. Within its turn an input is one
//! synchronous engine call, then the deliveries with no await in between (so an ack, the events
//! it announces and a `pong` reach sockets in commit order; tests use a ping as that barrier),
//! then the alarm. The dashboard row (one push at a time, coalesced) and the model calls run after
//! the turn is given up, so neither a slow site nor a slow model delays the next message; each
//! model answer is a new input.

mod brains;
mod responder;
mod sockets;
mod store;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use baton_brain::absence::{Absence, Back};
use baton_brain::knowledge::KnowledgeBase;
use baton_engine::turns::{Turn, Turns};
use baton_engine::{
    Brain, Caller, Effects, Engine, FALLBACK_BOT_NAME, Failure, Incoming, ModelCall, Socket, Start, TransferTo,
};
use baton_shared::history::HistoryRecord;
use baton_shared::{AgentInfo, ApiError, ConversationSummary, ErrorCode, ServerFrame, VisitorInfo};
use serde::{Deserialize, Serialize};
use worker::{
    DurableObject, Env, Request, Response, State, WebSocket, WebSocketIncomingMessage, WebSocketPair, durable_object,
    wasm_bindgen,
};

use baton_shared::limits::{MAX_AGENT_SOCKETS, MAX_CUSTOMER_SOCKETS};

use crate::history;
use crate::http::{self, ApiResult, OrInternal, check_reply, now_ms, ok_json, read_json, read_reply};
use crate::ids;
use crate::internal::{
    CONVERSATION_HEADER, Call, ConversationOp, Ops, SITE_HEADER, SiteOp, site_stub, trusted, trusted_caller,
};
use crate::site::{Knowledge, ModelCallSpend, REVOKED_CLOSE, Revoke};
use sockets::Attachment;
use store::ConversationStore;

/// Body of the internal `/init` call made when a conversation starts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InitRequest {
    pub visitor: VisitorInfo,
    pub bot_name: String,
    /// The site's knowledge version when the conversation started: its bot answers from that
    /// version or a newer one.
    #[serde(default)]
    pub knowledge_version: u64,
    /// The visitor's closed conversation this one follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

/// Body of the internal `/assign` call: the desk gives the queued conversation to `agent`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssignRequest {
    pub agent: AgentInfo,
}

/// Body of the internal `/transfer` call, the worker having checked who `from` and `to` are.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferRequest {
    pub from: AgentInfo,
    pub to: TransferTo,
    #[serde(default)]
    pub note: Option<String>,
}

/// Body of the internal `/reassign` call, the worker having checked that `by` is a supervisor
/// and `to` an active agent of the site.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReassignRequest {
    pub by: AgentInfo,
    pub to: AgentInfo,
    pub seen_epoch: u64,
}

/// Body of the internal `/no-agent` call: why nobody can come to the waiting customer.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum NoAgentRequest {
    NobodyOnline,
    /// Outside business hours; when the team is back (local weekday 0 = Monday, minute of the
    /// day, days from today), if within a month.
    Closed {
        back: Option<(u32, u32, u32)>,
    },
    WaitedTooLong,
}

impl NoAgentRequest {
    fn absence(self) -> Absence {
        match self {
            NoAgentRequest::NobodyOnline => Absence::NobodyOnline,
            NoAgentRequest::Closed { back } => {
                Absence::Closed { back: back.map(|(weekday, minute, in_days)| Back { weekday, minute, in_days }) }
            }
            NoAgentRequest::WaitedTooLong => Absence::WaitedTooLong,
        }
    }
}

/// Body of the internal `/queue-place` call: where the queued customer stands.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueuePlaceRequest {
    pub position: u32,
    #[serde(default)]
    pub estimate_s: Option<u32>,
}

/// Body of the internal `/requeue` call: `agent` went offline holding the conversation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequeueRequest {
    pub agent: String,
    pub note: String,
}

#[durable_object]
pub struct ConversationDO {
    state: State,
    env: Env,
    /// Borrowed only inside synchronous sections, never across an await.
    engine: RefCell<Engine<ConversationStore>>,
    turns: Turns,
    rows: Rows,
    /// The site whose expired brain this conversation claimed to fetch again after its turn.
    refresh: RefCell<Option<String>>,
}

/// The dashboard row waiting to be pushed, and whether a push is under way.
#[derive(Default)]
struct Rows {
    next: RefCell<Option<(String, ConversationSummary)>>,
    pushing: Cell<bool>,
}

impl DurableObject for ConversationDO {
    fn new(state: State, env: Env) -> Self {
        let store = ConversationStore::new(state.storage().sql());
        if let Err(e) = store.migrate() {
            worker::console_error!("conversation schema: {e}");
        }
        ConversationDO {
            state,
            env,
            engine: RefCell::new(Engine::new(store)),
            turns: Turns::default(),
            rows: Rows::default(),
            refresh: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match ConversationOp::of(&req) {
            Some(ConversationOp::Init) => self.init(&mut req).await,
            Some(ConversationOp::Socket) => self.open_socket(&req),
            Some(ConversationOp::Transcript) => self.transcript(&req),
            Some(ConversationOp::Visitor) => self.engine.borrow().record().map(|r| ok_json(&r.visitor)).map_err(logged),
            Some(ConversationOp::State) => self.engine.borrow().record().map(|r| ok_json(&r.view())).map_err(logged),
            Some(ConversationOp::Assign) => self.assign(&mut req).await,
            Some(ConversationOp::Transfer) => self.transfer(&mut req).await,
            Some(ConversationOp::Requeue) => self.requeue(&mut req).await,
            Some(ConversationOp::Reassign) => self.reassign(&mut req).await,
            Some(ConversationOp::Erase) => self.erase().await,
            Some(ConversationOp::Revoke) => self.revoke(&mut req).await,
            Some(ConversationOp::QueuePlace) => self.queue_place(&mut req).await,
            Some(ConversationOp::NoAgent) => self.no_agent(&mut req).await,
            Some(ConversationOp::Identify) => match read_json::<VisitorInfo>(&mut req).await {
                Ok(visitor) => self.command(|engine, brain, now| engine.identify(brain, visitor, now)).await,
                Err(e) => Err(e),
            },
            None => Err(ApiError::new(ErrorCode::NotFound, "no such conversation route")),
        };
        Ok(result.unwrap_or_else(|e| http::error(&e)))
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> worker::Result<()> {
        // In line before anything awaits, so frames are handled in the order they arrived.
        let place = self.turns.join();
        let Some(mut attachment) = sockets::attachment(&ws) else {
            sockets::send(&ws, &ServerFrame::error(ApiError::new(ErrorCode::Internal, "socket state lost"), None));
            let _ = ws.close(Some(1011), Some("socket state lost"));
            return Ok(());
        };
        let Some(caller) = attachment.caller() else {
            sockets::send(&ws, &ServerFrame::error(ApiError::new(ErrorCode::Internal, "socket state lost"), None));
            return Ok(());
        };
        let turn = place.await;
        let (site, brain) = self.current_brain().await;
        let fx = {
            let socket = Socket { id: &attachment.id, caller: &caller, greeted: attachment.hello };
            let incoming = match &message {
                WebSocketIncomingMessage::String(text) => Incoming::Text(text),
                WebSocketIncomingMessage::Binary(_) => Incoming::Binary,
            };
            self.engine.borrow_mut().receive(&brain, &socket, incoming, now_ms())
        };
        if fx.greeted && !attachment.hello {
            attachment.hello = true;
            if let Err(e) = ws.serialize_attachment(&attachment) {
                worker::console_error!("storing socket state: {e}");
            }
        }
        sockets::deliver(&self.state, Some((&ws, &attachment)), &fx.out);
        self.carry_out(site.as_deref(), fx, turn).await;
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, _code: usize, _reason: String, _clean: bool) -> worker::Result<()> {
        if let Some(attachment) = sockets::attachment(&ws) {
            self.engine.borrow_mut().socket_closed(&attachment.id);
        }
        let _ = ws.close(Some(1000), Some("closed"));
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        Ok(())
    }

    /// Time-based alert rules ("unresolved after N minutes") are due.
    async fn alarm(&self) -> worker::Result<Response> {
        let turn = self.turns.join().await;
        let (site, brain) = self.current_brain().await;
        let fx = self.engine.borrow_mut().alarm(&brain, now_ms());
        sockets::deliver(&self.state, None, &fx.out);
        self.carry_out(site.as_deref(), fx, turn).await;
        Response::ok("checked")
    }
}

impl ConversationDO {
    // ---- internal HTTP ---------------------------------------------------------------------

    async fn init(&self, req: &mut Request) -> ApiResult<Response> {
        let site = trusted(req, SITE_HEADER)?;
        let conversation = trusted(req, CONVERSATION_HEADER)?;
        let init: InitRequest = read_json(req).await?;
        let turn = self.turns.join().await;
        let brain = self.brain(&site, &init.bot_name, init.knowledge_version).await;
        let start = Start { site: site.clone(), conversation, visitor: init.visitor, previous: init.previous };
        let fx = self.engine.borrow_mut().init(&brain, start, now_ms());
        let refused = refusal(&fx);
        sockets::deliver(&self.state, None, &fx.out);
        self.carry_out(Some(&site), fx, turn).await;
        match refused {
            Some(err) => Err(err),
            None => Ok(ok_json(&serde_json::json!({ "ok": true }))),
        }
    }

    /// Deletes everything this object stores and closes its sockets; a later call finds a
    /// conversation that was never started.
    async fn erase(&self) -> ApiResult<Response> {
        let turn = self.turns.join().await;
        for ws in self.state.get_websockets() {
            let _ = ws.close(Some(1000), Some("erased"));
        }
        self.state.storage().delete_alarm().await.or_internal("clearing the alarm")?;
        self.state.storage().delete_all().await.or_internal("erasing the conversation")?;
        let store = ConversationStore::new(self.state.storage().sql());
        store.migrate().or_internal("recreating the conversation's tables")?;
        *self.engine.borrow_mut() = Engine::new(store);
        drop(turn);
        Ok(ok_json(&serde_json::json!({ "ok": true })))
    }

    /// Counts the call against the site's model budget for the hour; past it, the call is not
    /// made and the engine answers as for a failed model (the knowledge base alone).
    async fn spend_site_model_call(&self, site: Option<&str>, call: &ModelCall) -> Result<(), String> {
        let Some(site) = site else { return Err("no site to count the call against".into()) };
        let spend = ModelCallSpend { per_hour: call.settings.calls_per_hour };
        let stub = site_stub(&self.env, site).map_err(|e| e.message)?;
        let reply =
            Call::to(SiteOp::SpendModelCall).json(&spend).site(site).send(&stub).await.map_err(|e| e.message)?;
        check_reply(reply, "counting a model call").await.map(|_| ()).map_err(|e| e.message)
    }

    /// An agent's sign-in ended: the sockets they opened here close now.
    async fn revoke(&self, req: &mut Request) -> ApiResult<Response> {
        let Revoke { agent } = read_json(req).await?;
        for ws in self.state.get_websockets_with_tag(sockets::AGENT_TAG) {
            if sockets::attachment(&ws).and_then(|a| a.agent).is_some_and(|a| a.id == agent) {
                let _ = ws.close(Some(REVOKED_CLOSE), Some("sign-in ended"));
            }
        }
        Ok(ok_json(&serde_json::json!({ "ok": true })))
    }

    async fn no_agent(&self, req: &mut Request) -> ApiResult<Response> {
        let why: NoAgentRequest = read_json(req).await?;
        self.command(|engine, brain, now| engine.no_agent(brain, why.absence(), now)).await
    }

    async fn queue_place(&self, req: &mut Request) -> ApiResult<Response> {
        let QueuePlaceRequest { position, estimate_s } = read_json(req).await?;
        let turn = self.turns.join().await;
        let fx = self.engine.borrow_mut().queue_place(position, estimate_s);
        sockets::deliver(&self.state, None, &fx.out);
        self.carry_out(None, fx, turn).await;
        Ok(ok_json(&serde_json::json!({ "ok": true })))
    }

    async fn assign(&self, req: &mut Request) -> ApiResult<Response> {
        let AssignRequest { agent } = read_json(req).await?;
        self.command(|engine, brain, now| engine.assign(brain, &agent, now)).await
    }

    async fn transfer(&self, req: &mut Request) -> ApiResult<Response> {
        let TransferRequest { from, to, note } = read_json(req).await?;
        self.command(|engine, brain, now| engine.transfer(brain, &from, to, note.as_deref(), now)).await
    }

    async fn reassign(&self, req: &mut Request) -> ApiResult<Response> {
        let ReassignRequest { by, to, seen_epoch } = read_json(req).await?;
        self.command(|engine, brain, now| engine.reassign(brain, &by, &to, seen_epoch, now)).await
    }

    async fn requeue(&self, req: &mut Request) -> ApiResult<Response> {
        let RequeueRequest { agent, note } = read_json(req).await?;
        self.command(|engine, brain, now| engine.requeue(brain, &agent, &note, now)).await
    }

    /// An internal command in its turn: the engine's answer to the caller is the response.
    async fn command(
        &self,
        run: impl FnOnce(&mut Engine<ConversationStore>, &Brain, u64) -> Effects,
    ) -> ApiResult<Response> {
        let turn = self.turns.join().await;
        let (site, brain) = self.current_brain().await;
        let fx = run(&mut self.engine.borrow_mut(), &brain, now_ms());
        let refused = refusal(&fx);
        sockets::deliver(&self.state, None, &fx.out);
        self.carry_out(site.as_deref(), fx, turn).await;
        match refused {
            Some(err) => Err(err),
            None => Ok(ok_json(&serde_json::json!({ "ok": true }))),
        }
    }

    fn open_socket(&self, req: &Request) -> ApiResult<Response> {
        http::require_upgrade(req)?;
        let caller = trusted_caller(req)?;
        self.engine.borrow().record().map_err(logged)?;
        let attachment = Attachment::new(ids::new_id(), &caller);
        let (tag, most) = match caller {
            Caller::Customer => (sockets::CUSTOMER_TAG, MAX_CUSTOMER_SOCKETS),
            Caller::Agent(_) => (sockets::AGENT_TAG, MAX_AGENT_SOCKETS),
        };
        if self.state.get_websockets_with_tag(tag).len() >= most {
            return Err(ApiError::rate_limited(
                format!("this conversation has {most} sockets open on this side; close one, or try again later"),
                10_000,
            ));
        }
        let pair = WebSocketPair::new().or_internal("opening a socket")?;
        self.state.accept_websocket_with_tags(&pair.server, &[attachment.tag()]);
        pair.server.serialize_attachment(&attachment).or_internal("storing socket state")?;
        Response::from_websocket(pair.client).or_internal("answering the upgrade")
    }

    /// One page of the transcript: `?after=SEQ` (default 0); `next_after` asks for the next.
    fn transcript(&self, req: &Request) -> ApiResult<Response> {
        let caller: Caller = trusted_caller(req)?;
        let after = http::after_seq(req)?;
        let (state, events, next) = self.engine.borrow().transcript(&caller, after).map_err(logged)?;
        Ok(ok_json(&serde_json::json!({ "state": state, "events": events, "next_after": next })))
    }

    // ---- effects ---------------------------------------------------------------------------

    /// What follows the deliveries: the log and the alarm while the turn is held, then, with the
    /// turn given up, the dashboard row, the brain's refresh and the model calls. Neither a slow
    /// site nor a slow model holds up the conversation's next input.
    async fn carry_out(&self, site: Option<&str>, mut fx: Effects, turn: Turn) {
        let archive = fx.archive.take();
        let mut calls: VecDeque<ModelCall> = self.settle(site, fx).await.into();
        drop(turn);
        self.archive(site, archive).await;
        self.push_rows().await;
        self.refresh_brain().await;
        while let Some(call) = calls.pop_front() {
            let answer = match self.spend_site_model_call(site, &call).await {
                Ok(()) => responder::run(&self.env, &call).await,
                Err(why) => Err(why),
            };
            if let Err(why) = &answer {
                worker::console_warn!("language model at {}: {why}", call.settings.endpoint);
            }
            let turn = self.turns.join().await;
            let (site, brain) = self.current_brain().await;
            let mut fx = self.engine.borrow_mut().model_answered(&brain, call.answered(answer), now_ms());
            sockets::deliver(&self.state, None, &fx.out);
            let archive = fx.archive.take();
            calls.extend(self.settle(site.as_deref(), fx).await);
            drop(turn);
            self.archive(site.as_deref(), archive).await;
            self.push_rows().await;
            self.refresh_brain().await;
        }
    }

    /// Logs the warnings, keeps the dashboard row for [`Self::push_rows`], sets the alarm;
    /// returns the model calls. (The caller takes the history record out first, for after the turn.)
    async fn settle(&self, site: Option<&str>, fx: Effects) -> Vec<ModelCall> {
        for warning in &fx.warnings {
            worker::console_warn!("conversation: {warning}");
        }
        if let (Some(site), Some(row)) = (site, fx.dashboard) {
            *self.rows.next.borrow_mut() = Some((site.to_string(), row));
        }
        if let Some(due) = fx.alarm_at {
            let wait_ms = due.saturating_sub(now_ms()) as i64;
            if let Err(e) = self.state.storage().set_alarm(wait_ms).await {
                worker::console_error!("unresolved alarm: {e}");
                self.engine.borrow_mut().alarm_not_set();
            }
        }
        fx.model_calls
    }

    /// Writes the closed conversation to the history, after the input's turn is given up so the
    /// next input never waits for D1. Once more after a failure: a conversation missing from the
    /// history is lost to search, though its object still holds it.
    async fn archive(&self, site: Option<&str>, record: Option<HistoryRecord>) {
        let (Some(site), Some(record)) = (site, record) else { return };
        for attempt in 0..2 {
            match history::store(&self.env, site, &record).await {
                Ok(()) => break,
                Err(e) => worker::console_error!("history of {} (attempt {attempt}): {}", record.entry.id, e.message),
            }
        }
    }

    /// Pushes the newest dashboard row to the site, one push at a time: rows reach the site in
    /// commit order, and rows that pile up while a push is under way are coalesced into the
    /// newest. If a push is already under way, that one takes the row on.
    async fn push_rows(&self) {
        if self.rows.pushing.replace(true) {
            return;
        }
        loop {
            let next = self.rows.next.borrow_mut().take();
            let Some((site, row)) = next else { break };
            let pushed = async {
                let reply =
                    Call::to(SiteOp::Summary).json(&row).site(&site).send(&site_stub(&self.env, &site)?).await?;
                check_reply(reply, "pushing the summary").await
            }
            .await;
            if let Err(e) = pushed {
                worker::console_error!("summary of {}: {e}", row.id);
            }
        }
        self.rows.pushing.set(false);
    }

    // ---- the brain -------------------------------------------------------------------------

    /// The site and brain of this conversation; an empty brain if it was never started.
    async fn current_brain(&self) -> (Option<String>, Rc<Brain>) {
        let record = self.engine.borrow().record();
        match record {
            Ok(record) => {
                let brain = self.brain(&record.site, &record.bot_name, 0).await;
                (Some(record.site), brain)
            }
            Err(_) => (None, Rc::new(Brain::empty(FALLBACK_BOT_NAME))),
        }
    }

    /// The site's brain at `min_version` or newer, shared by the isolate's conversations. An
    /// expired copy of a good enough version answers at once and this conversation fetches it
    /// again after its turn ([`Self::refresh_brain`]); only a missing or too old copy is fetched
    /// before the input is handled.
    async fn brain(&self, site: &str, bot_name: &str, min_version: u64) -> Rc<Brain> {
        let now = now_ms();
        if let Some(brain) = brains::fresh(site, now, min_version) {
            return brain;
        }
        if let Some(stale) = brains::usable(site, min_version) {
            if brains::begin_refresh(site) {
                *self.refresh.borrow_mut() = Some(site.to_string());
            }
            return stale;
        }
        match self.fetch_brain(site, now).await {
            Some(brain) => brain,
            None => {
                let name = if bot_name.is_empty() { FALLBACK_BOT_NAME } else { bot_name };
                brains::any(site).unwrap_or_else(|| Rc::new(Brain::empty(name)))
            }
        }
    }

    /// Fetches the brain this conversation claimed the refresh of, if any.
    async fn refresh_brain(&self) {
        let Some(site) = self.refresh.borrow_mut().take() else { return };
        self.fetch_brain(&site, now_ms()).await;
        brains::end_refresh(&site);
    }

    /// Fetches and indexes the site's knowledge base and keeps it for the isolate.
    async fn fetch_brain(&self, site: &str, now: u64) -> Option<Rc<Brain>> {
        let fetched = async {
            let reply = Call::to(SiteOp::Knowledge).site(site).send(&site_stub(&self.env, site)?).await?;
            read_reply::<Knowledge>(reply, "reading the knowledge base").await
        }
        .await;
        match fetched {
            Ok(Knowledge { bot_name, articles, model, rules, desk, version }) => {
                let brain = Rc::new(Brain { bot_name, knowledge: KnowledgeBase::new(articles), model, rules, desk });
                brains::keep(site, now, version, brain.clone());
                Some(brain)
            }
            Err(e) => {
                worker::console_error!("knowledge base for {site}: {e}");
                None
            }
        }
    }
}

/// The error the engine answered an HTTP caller's input with, if any.
fn refusal(fx: &Effects) -> Option<ApiError> {
    fx.sender_frames().find_map(|frame| match frame {
        ServerFrame::Error { code, message, .. } => Some(ApiError::new(*code, message.clone())),
        _ => None,
    })
}

/// An engine failure for an HTTP caller; what the storage said goes to the log only.
fn logged(failure: Failure) -> ApiError {
    if let Some(detail) = &failure.detail {
        worker::console_error!("conversation: {detail}");
    }
    failure.error
}
