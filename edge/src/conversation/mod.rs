//! ConversationDO: one per conversation, named `{site}/{conversation}`.
//!
//! Each command runs `decide` → write to SQLite → `apply` → ack → broadcast with no `await`
//! in between (SQLite calls are synchronous), so commands never interleave inside that
//! section: one order, one takeover winner, and no stale bot reply (guarantees 1, 3, 4).

mod brains;
mod record;
mod responder;
mod sockets;
mod store;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use baton_brain::answer::{self, BotReply};
use baton_brain::knowledge::KnowledgeBase;
use baton_brain::watch::{Escalation, Progress, Watch};
use baton_brain::{compliance, copilot, summary};
use baton_shared::server::quota::{Bucket, Kind as RateKind};
use baton_shared::text::{validate_client_id, validate_message_text};
use baton_shared::{
    AgentInfo, ApiError, Author, ClientFrame, Command, ErrorCode, Event, EventBody, Insight, Mode, ModeReason, Role,
    ServerFrame, VisitorInfo, check_protocol, decode_client_frame,
};
use serde::{Deserialize, Serialize};
use worker::{
    DurableObject, Env, Method, Request, Response, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
    durable_object, wasm_bindgen,
};

use crate::http::{self, ApiResult, OrInternal, check_reply, now_ms, ok_json, read_json, read_reply};
use crate::ids;
use crate::internal::{CONVERSATION_HEADER, Call, Caller, SITE_HEADER, site_stub, trusted, trusted_caller};
use crate::site::Knowledge;
use record::Record;
use responder::Brain;
use sockets::Attachment;
use store::ConversationStore;

const FALLBACK_BOT_NAME: &str = "Assistant";

/// Body of the internal `/init` call made when a conversation starts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InitRequest {
    pub visitor: VisitorInfo,
    pub bot_name: String,
    /// The site's knowledge version when the conversation started: its bot answers from that
    /// version or a newer one.
    #[serde(default)]
    pub knowledge_version: u64,
}

/// What a change means for the agents' view of the conversation.
#[derive(Clone, Copy, PartialEq)]
enum Change {
    /// Nothing the brain reads (an agent's message, a note, a rating): flags only.
    Minor,
    /// The customer spoke.
    Customer,
    /// The bot replied.
    Bot,
    /// The mode changed (queued, taken over, handed back).
    Mode,
}

/// What committing a command came to.
enum Outcome {
    /// The event was stored; `record` is the state after it.
    Committed { event: Event, record: Box<Record> },
    /// A resend: this client id is already stored under `seq`.
    Duplicate { seq: u64 },
    /// Nothing to store (a second request for a person, a repeated takeover).
    Unchanged { last_seq: u64 },
}

#[durable_object]
pub struct ConversationDO {
    state: State,
    env: Env,
    store: ConversationStore,
    /// Per socket and budget; forgotten on eviction, which only happens when sockets are idle.
    buckets: RefCell<HashMap<(String, RateKind), Bucket>>,
    /// When the alert alarm was last set for, so each event does not set it again.
    alarm_at: Cell<Option<u64>>,
}

impl DurableObject for ConversationDO {
    fn new(state: State, env: Env) -> Self {
        let store = ConversationStore::new(state.storage().sql());
        if let Err(e) = store.migrate() {
            worker::console_error!("conversation schema: {e}");
        }
        ConversationDO { state, env, store, buckets: RefCell::new(HashMap::new()), alarm_at: Cell::new(None) }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match (req.method(), req.path().as_str()) {
            (Method::Post, "/init") => self.init(&mut req).await,
            (Method::Get, "/ws") => self.open_socket(&req),
            (Method::Get, "/transcript") => self.transcript(&req),
            (Method::Get, "/visitor") => self.record().map(|record| ok_json(&record.visitor)),
            _ => Err(ApiError::new(ErrorCode::NotFound, "no such conversation route")),
        };
        Ok(result.unwrap_or_else(|e| http::error(&e)))
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> worker::Result<()> {
        let Some(mut attachment) = sockets::attachment(&ws) else {
            sockets::send(&ws, &ServerFrame::error(ApiError::new(ErrorCode::Internal, "socket state lost"), None));
            let _ = ws.close(Some(1011), Some("socket state lost"));
            return Ok(());
        };
        let now = now_ms();
        let frame = match message {
            WebSocketIncomingMessage::String(text) => decode_client_frame(&text),
            WebSocketIncomingMessage::Binary(_) => {
                Err(ApiError::new(ErrorCode::BadRequest, "binary frames are not supported; send JSON text"))
            }
        };
        if matches!(frame, Ok(ClientFrame::Typing { .. })) {
            if self.admit(&attachment.id, RateKind::Typing, now).is_err() {
                return Ok(());
            }
        } else if let Err(wait_ms) = self.admit(&attachment.id, RateKind::Work, now) {
            let err = ApiError::rate_limited(format!("too many frames; try again in {wait_ms} ms"), wait_ms);
            sockets::send(&ws, &ServerFrame::error(err, frame.ok().as_ref().and_then(frame_client_id)));
            return Ok(());
        }
        let frame = match frame {
            Ok(frame) => frame,
            Err(err) => {
                sockets::send(&ws, &ServerFrame::error(err, None));
                return Ok(());
            }
        };
        let client_id = frame_client_id(&frame);
        if let Err(err) = self.handle(&ws, &mut attachment, frame, now).await {
            sockets::send(&ws, &ServerFrame::error(err, client_id));
        }
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, _code: usize, _reason: String, _clean: bool) -> worker::Result<()> {
        if let Some(attachment) = sockets::attachment(&ws) {
            self.buckets.borrow_mut().retain(|(id, _), _| *id != attachment.id);
        }
        let _ = ws.close(Some(1000), Some("closed"));
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        Ok(())
    }

    /// Time-based alert rules ("unresolved after N minutes") are checked here.
    async fn alarm(&self) -> worker::Result<Response> {
        self.alarm_at.set(None);
        if let Ok(record) = self.record() {
            self.publish(&record, Change::Minor).await;
        }
        Response::ok("checked")
    }
}

fn frame_client_id(frame: &ClientFrame) -> Option<String> {
    match frame {
        ClientFrame::Send { client_id, .. }
        | ClientFrame::Note { client_id, .. }
        | ClientFrame::RequestHuman { client_id }
        | ClientFrame::Rate { client_id, .. } => Some(client_id.clone()),
        _ => None,
    }
}

/// Resends are recognised per sender: the same client id from two agents is two messages.
fn client_key(caller: &Caller, client_id: &str) -> String {
    match caller {
        Caller::Customer => format!("customer:{client_id}"),
        Caller::Agent(agent) => format!("agent:{}:{client_id}", agent.id),
    }
}

fn customers_only() -> ApiError {
    ApiError::new(ErrorCode::Forbidden, "only the customer can do this")
}

fn agents_only() -> ApiError {
    ApiError::new(ErrorCode::Forbidden, "only agents can do this")
}

impl ConversationDO {
    // ---- internal HTTP ---------------------------------------------------------------------

    async fn init(&self, req: &mut Request) -> ApiResult<Response> {
        let site = trusted(req, SITE_HEADER)?;
        let conversation = trusted(req, CONVERSATION_HEADER)?;
        let init: InitRequest = read_json(req).await?;
        let record = match self.store.load().or_internal("loading the conversation")? {
            Some(record) => record,
            None => {
                let record = Record::new(&site, &conversation, init.visitor, &init.bot_name, now_ms());
                self.store.create(&record).or_internal("creating the conversation")?;
                record
            }
        };
        self.brain_at_least(&record, init.knowledge_version).await;
        self.publish(&record, Change::Minor).await;
        Ok(ok_json(&serde_json::json!({ "ok": true })))
    }

    fn open_socket(&self, req: &Request) -> ApiResult<Response> {
        http::require_upgrade(req)?;
        let caller = trusted_caller(req)?;
        self.record()?;
        let attachment = Attachment::new(ids::new_id(), &caller);
        let pair = WebSocketPair::new().or_internal("opening a socket")?;
        self.state.accept_websocket_with_tags(&pair.server, &[attachment.tag()]);
        pair.server.serialize_attachment(&attachment).or_internal("storing socket state")?;
        Response::from_websocket(pair.client).or_internal("answering the upgrade")
    }

    fn transcript(&self, req: &Request) -> ApiResult<Response> {
        let caller = trusted_caller(req)?;
        let record = self.record()?;
        let mut events = self.store.events_after(0).or_internal("reading the transcript")?;
        if caller == Caller::Customer {
            events.retain(Event::visible_to_customer);
        }
        Ok(ok_json(&serde_json::json!({ "state": record.view(), "events": events })))
    }

    // ---- frames ----------------------------------------------------------------------------

    async fn handle(&self, ws: &WebSocket, attachment: &mut Attachment, frame: ClientFrame, now: u64) -> ApiResult<()> {
        let caller = attachment.caller().ok_or_else(|| ApiError::new(ErrorCode::Internal, "socket state lost"))?;
        match frame {
            ClientFrame::Ping => {
                sockets::send(ws, &ServerFrame::Pong);
                return Ok(());
            }
            ClientFrame::Hello { protocol, last_seq } => {
                check_protocol(protocol)?;
                return self.welcome(ws, attachment, last_seq);
            }
            _ if !attachment.hello => {
                return Err(ApiError::new(ErrorCode::HelloRequired, "send hello before anything else"));
            }
            _ => {}
        }
        match (frame, &caller) {
            (ClientFrame::Typing { on }, Caller::Customer) => {
                sockets::relay_typing(&self.state, attachment, Author::Customer, on, false);
            }
            (ClientFrame::Typing { on }, Caller::Agent(agent)) => {
                let holds = self.record()?.state.holder.is_some_and(|h| h.id == agent.id);
                sockets::relay_typing(&self.state, attachment, Author::Agent(agent.clone()), on, holds);
            }
            (ClientFrame::Send { client_id, text, .. }, Caller::Customer) => {
                validate_client_id(&client_id)?;
                let text = validate_message_text(&text)?;
                self.customer_says(ws, &caller, client_id, text, now).await?;
            }
            (ClientFrame::Send { client_id, text, send_anyway }, Caller::Agent(agent)) => {
                validate_client_id(&client_id)?;
                let text = validate_message_text(&text)?;
                self.agent_says(ws, &caller, agent, client_id, text, send_anyway, now).await?;
            }
            (ClientFrame::Note { client_id, text }, Caller::Agent(agent)) => {
                validate_client_id(&client_id)?;
                let text = validate_message_text(&text)?;
                let cmd = Command::AgentNote { agent: agent.clone(), text };
                self.run(ws, &caller, cmd, Some(client_id), now).await?;
            }
            (ClientFrame::RequestHuman { client_id }, Caller::Customer) => {
                validate_client_id(&client_id)?;
                let cmd = Command::RequestHuman { reason: ModeReason::CustomerAsked, computed_at_epoch: None };
                self.run(ws, &caller, cmd, Some(client_id), now).await?;
            }
            (ClientFrame::Rate { client_id, score }, Caller::Customer) => {
                validate_client_id(&client_id)?;
                self.run(ws, &caller, Command::Rate { score }, Some(client_id), now).await?;
            }
            (ClientFrame::TakeOver, Caller::Agent(agent)) => {
                self.run(ws, &caller, Command::TakeOver { agent: agent.clone() }, None, now).await?;
            }
            (ClientFrame::HandBack, Caller::Agent(agent)) => {
                // Read with no await before the hand-back commits: a message that lands later is
                // in bot mode and the bot answers it there, so each message gets one answer.
                let waiting = self.waiting_customer_text()?;
                let cmd = Command::HandBack { agent_id: agent.id.clone() };
                if let Some((event, record)) = self.run(ws, &caller, cmd, None, now).await?
                    && let Some(text) = waiting
                {
                    self.bot_turn(&record, &text, event.epoch).await;
                }
            }
            (ClientFrame::Note { .. } | ClientFrame::TakeOver | ClientFrame::HandBack, Caller::Customer) => {
                return Err(agents_only());
            }
            (ClientFrame::RequestHuman { .. } | ClientFrame::Rate { .. }, Caller::Agent(_)) => {
                return Err(customers_only());
            }
            (ClientFrame::Ping | ClientFrame::Hello { .. }, _) => {}
        }
        Ok(())
    }

    /// Answers `hello` with the state and exactly the events after `last_seq` this socket may see,
    /// then lets live events through. Synchronous, so no event slips between the gap and the stream.
    fn welcome(&self, ws: &WebSocket, attachment: &mut Attachment, last_seq: u64) -> ApiResult<()> {
        let record = self.record()?;
        let insight = match attachment.role {
            Role::Agent => self.store.insight().or_internal("reading the insight")?,
            Role::Customer => None,
        };
        let mut events = if last_seq >= record.state.last_seq {
            Vec::new()
        } else {
            self.store.events_after(last_seq).or_internal("reading the gap")?
        };
        if attachment.role == Role::Customer {
            events.retain(Event::visible_to_customer);
        }
        sockets::send(
            ws,
            &ServerFrame::Welcome {
                conversation_id: record.conversation.clone(),
                role: attachment.role,
                state: record.view(),
                events,
                bot_name: self.bot_name(&record),
                insight,
            },
        );
        if !attachment.hello {
            attachment.hello = true;
            ws.serialize_attachment(&*attachment).or_internal("storing socket state")?;
        }
        Ok(())
    }

    /// Commits a command from a socket, acks it, broadcasts it and updates the dashboards.
    /// Returns the committed event and the state after it, if anything was stored.
    async fn run(
        &self,
        ws: &WebSocket,
        caller: &Caller,
        cmd: Command,
        client_id: Option<String>,
        now: u64,
    ) -> ApiResult<Option<(Event, Box<Record>)>> {
        let outcome = self.commit(cmd, caller, client_id.clone(), now)?;
        if let Some(client_id) = client_id {
            let seq = match &outcome {
                Outcome::Committed { event, .. } => event.seq,
                Outcome::Duplicate { seq } => *seq,
                Outcome::Unchanged { last_seq } => *last_seq,
            };
            sockets::send(ws, &ServerFrame::Ack { client_id, seq });
        }
        let Outcome::Committed { event, record } = outcome else { return Ok(None) };
        sockets::broadcast(&self.state, &event);
        match &event.body {
            // The customer's words are analysed before the dashboards hear of them.
            EventBody::Text { .. } if event.author == Author::Customer => {}
            EventBody::Mode { .. } => self.publish(&record, Change::Mode).await,
            _ => self.publish(&record, Change::Minor).await,
        }
        Ok(Some((event, record)))
    }

    /// An agent's reply, checked against the site's compliance rules first. A warned draft is
    /// not stored; sent anyway, it is stored with a private note saying what was overridden.
    #[allow(clippy::too_many_arguments)]
    async fn agent_says(
        &self,
        ws: &WebSocket,
        caller: &Caller,
        agent: &AgentInfo,
        client_id: String,
        text: String,
        send_anyway: bool,
        now: u64,
    ) -> ApiResult<()> {
        let record = self.record()?;
        let brain = self.brain(&record).await;
        let issues = compliance::check(&brain.rules.compliance, &text);
        if !issues.is_empty() && !send_anyway {
            sockets::send(ws, &ServerFrame::ComplianceWarning { client_id, issues });
            return Ok(());
        }
        let cmd = Command::AgentSays { agent: agent.clone(), text };
        let committed = self.run(ws, caller, cmd, Some(client_id), now).await?;
        if committed.is_some() && !issues.is_empty() {
            let reasons: Vec<&str> = issues.iter().map(|i| i.reason.as_str()).collect();
            let note = format!("Sent despite a compliance warning: {}.", reasons.join("; "));
            let cmd = Command::AgentNote { agent: agent.clone(), text: note };
            if let Outcome::Committed { event, .. } = self.commit(cmd, caller, None, now_ms())? {
                sockets::broadcast(&self.state, &event);
            }
        }
        Ok(())
    }

    /// A customer message, then the bot's answer to it while the bot holds the conversation.
    async fn customer_says(
        &self,
        ws: &WebSocket,
        caller: &Caller,
        client_id: String,
        text: String,
        now: u64,
    ) -> ApiResult<()> {
        let cmd = Command::CustomerSays { text: text.clone() };
        let Some((event, record)) = self.run(ws, caller, cmd, Some(client_id), now).await? else { return Ok(()) };
        let brain = self.brain(&record).await;
        // Read, update and store the watch with no await in between, so two messages landing
        // together cannot both start from the same old watch.
        let mut watch = self.store.watch().or_internal("reading the watch")?;
        let heard = watch.customer_said(&text, &brain.rules);
        let turn = (record.state.mode == Mode::Bot).then(|| {
            let reply = answer::respond(&brain.knowledge, &brain.bot_name, &text, heard.intent);
            let escalation = watch.escalation(&brain.rules.escalation, &heard, confident(&reply));
            if let Some(escalation) = &escalation {
                watch.escalated_because = Some(escalation.explanation());
            }
            (reply, escalation)
        });
        self.store.save_watch(&watch).or_internal("storing the watch")?;
        // Without a language model the bot's turn follows at once, and what it publishes covers
        // the customer's message too: one insight and one dashboard update per exchange.
        let turn_follows_at_once = turn.is_some() && brain.model.is_none();
        if !turn_follows_at_once {
            self.publish(&record, Change::Customer).await;
        }
        let published = match turn {
            Some((_, Some(escalation))) => self.escalate(&record, &text, escalation, event.epoch).await,
            Some((reply, None)) => self.bot_says(&record, &brain, reply, &text, event.epoch).await,
            None => false,
        };
        if turn_follows_at_once && !published {
            self.publish(&record, Change::Customer).await;
        }
        Ok(())
    }

    /// The customer's last message if nobody has answered it yet; the bot takes it on after a
    /// hand-back, so a message that raced the hand-back is answered by exactly one side.
    fn waiting_customer_text(&self) -> ApiResult<Option<String>> {
        Ok(match self.store.last_spoken().or_internal("reading the last message")? {
            Some(Event { author: Author::Customer, body: EventBody::Text { text, .. }, .. }) => Some(text),
            _ => None,
        })
    }

    /// The bot answers a customer message committed under `epoch` (after a hand-back, the one
    /// left unanswered), unless a trigger says a person should take it.
    async fn bot_turn(&self, record: &Record, text: &str, epoch: u64) {
        let brain = self.brain(record).await;
        let intent = baton_brain::intent::classify(text);
        let reply = answer::respond(&brain.knowledge, &brain.bot_name, text, intent);
        self.bot_says(record, &brain, reply, text, epoch).await;
    }

    /// Says the brain's reply, worded by the site's model if it has one. The state machine
    /// refuses it if a takeover (or any mode change) landed while it was being computed.
    /// Says whether it published the conversation's new state.
    async fn bot_says(&self, record: &Record, brain: &Brain, reply: BotReply, text: &str, epoch: u64) -> bool {
        let is_confident = confident(&reply);
        let reply = responder::word(&self.env, brain, reply, text).await;
        let (said, meta) = reply.message();
        let confidence = matches!(reply, BotReply::Answer { .. } | BotReply::NotSure { .. }).then_some(meta.confidence);
        let cmd = Command::BotSays { text: said.clone(), meta, computed_at_epoch: epoch };
        let committed = match self.commit(cmd, &Caller::Customer, None, now_ms()) {
            // It must not be said, but the agents may use it: a note only they see.
            Err(e) if e.code == ErrorCode::StaleEpoch => {
                self.commit(Command::BotDraft { text: said }, &Caller::Customer, None, now_ms())
            }
            other => other,
        };
        match committed {
            Ok(Outcome::Committed { event, record }) => {
                sockets::broadcast(&self.state, &event);
                if matches!(event.body, EventBody::Text { .. })
                    && let Err(e) = self.note_bot_reply(confidence, is_confident)
                {
                    worker::console_error!("watch of {}: {e}", record.conversation);
                }
                self.publish(&record, Change::Bot).await;
                true
            }
            Ok(_) => false,
            Err(e) => {
                worker::console_error!("bot reply in {}: {e}", record.conversation);
                false
            }
        }
    }

    fn note_bot_reply(&self, confidence: Option<f32>, is_confident: bool) -> ApiResult<()> {
        let mut watch = self.store.watch().or_internal("reading the watch")?;
        watch.bot_replied(confidence, is_confident);
        self.store.save_watch(&watch).or_internal("storing the watch")
    }

    /// A trigger fired: the bot tells the customer a person is coming and queues the
    /// conversation. Both are refused if the mode moved on while the turn was computed.
    /// Says whether it published the conversation's new state.
    async fn escalate(&self, record: &Record, text: &str, escalation: Escalation, epoch: u64) -> bool {
        let said = Command::BotSays {
            text: escalation.customer_message(text),
            meta: baton_shared::BotMeta { confidence: 1.0, article_id: None, article_title: None },
            computed_at_epoch: epoch,
        };
        let queue = Command::RequestHuman { reason: escalation.mode_reason(), computed_at_epoch: Some(epoch) };
        for cmd in [said, queue] {
            match self.commit(cmd, &Caller::Customer, None, now_ms()) {
                Ok(Outcome::Committed { event, record }) => {
                    sockets::broadcast(&self.state, &event);
                    if matches!(event.body, EventBody::Mode { .. }) {
                        self.publish(&record, Change::Mode).await;
                        return true;
                    }
                }
                Ok(_) => {}
                Err(e) if e.code == ErrorCode::StaleEpoch => return false,
                Err(e) => {
                    worker::console_error!("escalating {}: {e}", record.conversation);
                    return false;
                }
            }
        }
        false
    }

    /// `decide` → persist → `apply`, all synchronous.
    fn commit(&self, cmd: Command, caller: &Caller, client_id: Option<String>, now: u64) -> ApiResult<Outcome> {
        let mut record = self.record()?;
        let key = client_id.as_deref().map(|id| client_key(caller, id));
        if let Some(key) = &key
            && let Some(seq) = self.store.seq_of(key).or_internal("looking up a resend")?
        {
            return Ok(Outcome::Duplicate { seq });
        }
        // The clock may step back; seqs order the transcript, but timestamps should not run backwards.
        let ts = now.max(record.updated_at);
        let Some(event) = record.state.decide(cmd, ts, client_id).map_err(|r| r.to_api_error())? else {
            return Ok(Outcome::Unchanged { last_seq: record.state.last_seq });
        };
        self.store.insert_event(&event, key.as_deref()).or_internal("storing the event")?;
        record.apply(&event);
        self.store.save(&record).or_internal("storing the conversation state")?;
        Ok(Outcome::Committed { event, record: Box::new(record) })
    }

    // ---- helpers ---------------------------------------------------------------------------

    fn record(&self) -> ApiResult<Record> {
        self.store
            .load()
            .or_internal("loading the conversation")?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such conversation"))
    }

    /// Spends one of the socket's tokens, or says how many milliseconds until there is one.
    fn admit(&self, socket_id: &str, kind: RateKind, now: u64) -> Result<(), u64> {
        let key = (socket_id.to_string(), kind);
        self.buckets.borrow_mut().entry(key).or_insert_with(|| Bucket::new(kind.budget(), now)).take(now)
    }

    fn bot_name(&self, record: &Record) -> String {
        let cached = brains::any(&record.site).map(|b| b.bot_name.clone());
        [cached, Some(record.bot_name.clone())]
            .into_iter()
            .flatten()
            .find(|name| !name.is_empty())
            .unwrap_or_else(|| FALLBACK_BOT_NAME.to_string())
    }

    /// The site's bot name and indexed articles, shared by the isolate's conversations.
    async fn brain(&self, record: &Record) -> Rc<Brain> {
        self.brain_at_least(record, 0).await
    }

    /// The site's brain at `min_version` or newer, fetched and indexed if the shared copy is
    /// older or expired.
    async fn brain_at_least(&self, record: &Record, min_version: u64) -> Rc<Brain> {
        let now = now_ms();
        if let Some(brain) = brains::fresh(&record.site, now, min_version) {
            return brain;
        }
        let fetched = async {
            let reply = Call::get("/knowledge").site(&record.site).send(&site_stub(&self.env, &record.site)?).await?;
            read_reply::<Knowledge>(reply, "reading the knowledge base").await
        }
        .await;
        match fetched {
            Ok(Knowledge { bot_name, articles, model, rules, version }) => {
                let brain = Rc::new(Brain { bot_name, knowledge: KnowledgeBase::new(articles), model, rules });
                brains::keep(&record.site, now, version, brain.clone());
                brain
            }
            Err(e) => {
                worker::console_error!("knowledge base for {}: {e}", record.site);
                if let Some(stale) = brains::any(&record.site) {
                    return stale;
                }
                Rc::new(Brain {
                    bot_name: self.bot_name(record),
                    knowledge: KnowledgeBase::new(Vec::new()),
                    model: None,
                    rules: Default::default(),
                })
            }
        }
    }

    /// Brings agents up to date after a change: re-applies the alert rules, recomputes the
    /// insight agents see (summary, co-pilot) unless the change was minor, and sends it to
    /// their sockets. Then updates the dashboards.
    async fn publish(&self, record: &Record, change: Change) {
        let brain = self.brain(record).await;
        if brain.model.is_some() && change != Change::Minor {
            self.ask_model(record, &brain, change).await;
        }
        let now = now_ms();
        let progress = Progress { mode: record.state.mode, started_at: record.created_at, now };
        let refreshed = (|| -> ApiResult<Watch> {
            let mut watch = self.store.watch().or_internal("reading the watch")?;
            let changed = watch.refresh_flags(&brain.rules.alerts, &record.visitor, &progress);
            if changed {
                self.store.save_watch(&watch).or_internal("storing the watch")?;
            }
            if change != Change::Minor || changed {
                let insight = self.insight(record, &brain, &watch)?;
                self.store.save_insight(&insight).or_internal("storing the insight")?;
                sockets::send_to_agents(&self.state, &ServerFrame::Insight { insight });
            }
            Ok(watch)
        })();
        let watch = match refreshed {
            Ok(watch) => watch,
            Err(e) => {
                worker::console_error!("insight of {}: {e}", record.conversation);
                Watch::default()
            }
        };
        if let Some(due) = watch.unresolved_due_at(&brain.rules.alerts, &progress)
            && self.alarm_at.get() != Some(due)
        {
            match self.state.storage().set_alarm(due.saturating_sub(now) as i64).await {
                Ok(()) => self.alarm_at.set(Some(due)),
                Err(e) => worker::console_error!("unresolved alarm of {}: {e}", record.conversation),
            }
        }
        self.push_summary(record, &watch).await;
    }

    /// With a language model: a briefing when the conversation is handed over to people, and a
    /// drafted reply to each customer message while an agent holds it. Failures leave the
    /// knowledge base's own summary and suggestions in place.
    async fn ask_model(&self, record: &Record, brain: &Brain, change: Change) {
        let handover = change == Change::Mode && matches!(record.state.mode, Mode::Queued | Mode::Human);
        let holder = record.state.holder.as_ref().filter(|_| change == Change::Customer);
        if !handover && holder.is_none() {
            return;
        }
        let Ok(events) = self.store.events_after(0) else { return };
        let summary = match handover {
            true => responder::summary(&self.env, brain, &events).await,
            false => None,
        };
        let suggestion = match holder {
            Some(agent) => {
                let latest = self.store.watch().ok().and_then(|w| w.recent.last().cloned()).unwrap_or_default();
                let hits = brain.knowledge.search(&latest, 3);
                let articles: Vec<&baton_shared::Article> =
                    hits.iter().filter_map(|h| brain.knowledge.articles().get(h.index)).collect();
                responder::suggestion(&self.env, brain, &agent.name, &articles, &events).await
            }
            None => None,
        };
        // Re-read after the awaits: other messages may have updated the watch meanwhile.
        let stored = (|| -> ApiResult<()> {
            let mut watch = self.store.watch().or_internal("reading the watch")?;
            if summary.is_some() {
                watch.model_summary = summary;
            }
            if holder.is_some() {
                watch.model_suggestion = suggestion;
            }
            self.store.save_watch(&watch).or_internal("storing the watch")
        })();
        if let Err(e) = stored {
            worker::console_error!("model insight of {}: {e}", record.conversation);
        }
    }

    /// What agents see beside the transcript.
    fn insight(&self, record: &Record, brain: &Brain, watch: &Watch) -> ApiResult<Insight> {
        let events = self.store.events_after(0).or_internal("reading the transcript")?;
        let handed_over = record.state.mode != Mode::Bot;
        let mut summary = match watch.model_summary.clone().filter(|_| handed_over) {
            Some(briefing) => briefing,
            None => summary::summarize(&events, &record.visitor),
        };
        if let Some(why) = watch.escalated_because.as_deref().filter(|_| handed_over) {
            summary.push_str(&format!(" The bot queued it: {why}."));
        }
        let recent: Vec<&str> = watch.recent.iter().map(String::as_str).collect();
        let (mut suggestions, articles) = copilot::suggest(&brain.knowledge, &recent);
        if let Some(text) = watch.model_suggestion.clone().filter(|_| record.state.mode == Mode::Human) {
            suggestions.insert(0, baton_shared::Suggestion { text, article_id: None });
            suggestions.truncate(3);
        }
        if !handed_over {
            suggestions.clear();
        }
        Ok(Insight {
            intent: watch.intent,
            sentiment: watch.mood(),
            summary: summary.trim().to_string(),
            flags: watch.flags.clone(),
            suggestions,
            articles,
        })
    }

    /// Tells the site how this conversation stands; dashboards update from it.
    async fn push_summary(&self, record: &Record, watch: &Watch) {
        let mut row = record.summary();
        row.flags = watch.flags.clone();
        row.sentiment = watch.mood().map(|m| m.rolling);
        row.intent = watch.intent;
        let pushed = async {
            let stub = site_stub(&self.env, &record.site)?;
            let reply = Call::post("/summary", &row).site(&record.site).send(&stub).await?;
            check_reply(reply, "pushing the summary").await
        }
        .await;
        if let Err(e) = pushed {
            worker::console_error!("summary of {}: {e}", record.conversation);
        }
    }
}

/// Whether a reply answers with confidence; "not sure" counts against the bot.
fn confident(reply: &BotReply) -> bool {
    matches!(reply, BotReply::Answer { .. } | BotReply::SmallTalk { .. })
}
