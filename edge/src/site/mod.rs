//! SiteDO: one per site. Configuration, accounts, knowledge base, and the live registry of
//! conversations that console dashboards subscribe to over one WebSocket each.

mod absence;
mod access;
mod clock;
mod identities;
mod model_budget;
mod queue_store;
mod routing;
mod routing_store;
mod sign_in;
mod store;
mod team;
mod team_store;

use std::cell::Cell;
use std::collections::HashMap;

use baton_shared::appearance::Appearance;
use baton_shared::config::article_slug;
use baton_shared::server::quota::{SIGN_IN_FAILURES, WindowLimit, starts_per_minute};
use baton_shared::{
    ApiError, Article, ArticleInput, ConversationSummary, DashboardClientFrame, DashboardFrame, DeskSettings,
    ErrorCode, ModelSettings, SiteInfo, SiteRules, SiteSeed, decode_dashboard_client_frame, encode,
};
use serde::{Deserialize, Serialize};
use worker::{
    DurableObject, Env, Request, Response, State, WebSocket, WebSocketIncomingMessage, WebSocketPair, durable_object,
    wasm_bindgen,
};

use crate::http::{self, ApiResult, OrInternal, now_ms, ok_json, read_json};
use crate::ids;
use crate::internal::{Caller, Ops, SITE_HEADER, SiteOp, trusted, trusted_caller};
pub use access::{AgentCheck, AgentStanding, REVOKED_CLOSE, Revoke};
pub use identities::{IdentityConversation, IdentityLookup};
pub use model_budget::ModelCallSpend;
pub use sign_in::{Credential, CredentialRequest, SignedIn, VerifiedAccount, login_failed};
use store::{PreparedAccount, SiteSettings, SiteStore};
pub use team::AccountPut;
use team::{DASHBOARD_TAG, DashboardSocket, agent_tag};

/// What `/avatar?agent=ID` answers: the account's avatar as stored, if it has one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AvatarSource {
    pub source: Option<String>,
}

/// Body of `/admit-start`: who is about to start a new conversation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StartAdmission {
    /// The visitor's network address, the one thing a script cannot vary for free.
    pub visitor: String,
}

/// Attempt windows older than the longest limit are forgotten.
pub(super) const LONGEST_WINDOW_MS: u64 = SIGN_IN_FAILURES.forget_after_ms;

/// Body of `/seed`: the site as the admin describes it, with the hashes the worker made for
/// the passwords of accounts the site does not have yet (by email; the passwords are blanked).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeedPut {
    pub seed: SiteSeed,
    pub hashes: HashMap<String, String>,
    /// Where the admin reached Baton: avatar references point there.
    pub public_origin: String,
}

/// What the bot needs from its site.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Knowledge {
    pub bot_name: String,
    pub articles: Vec<Article>,
    #[serde(default)]
    pub model: Option<ModelSettings>,
    #[serde(default)]
    pub rules: SiteRules,
    #[serde(default)]
    pub desk: DeskSettings,
    /// Changes whenever the articles, rules, model or desk settings do; see
    /// [`SiteSettings::knowledge_version`].
    #[serde(default)]
    pub version: u64,
}

/// Body of `/articles/put`: a new article (no id) or the replacement of an existing one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArticlePut {
    #[serde(default)]
    pub id: Option<String>,
    pub article: ArticleInput,
}

/// Body of `/articles/delete`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArticleId {
    pub id: String,
}

#[durable_object]
pub struct SiteDO {
    state: State,
    env: Env,
    store: SiteStore,
    /// A routing pass is under way; `route_again` asks it for one more.
    routing: Cell<bool>,
    route_again: Cell<bool>,
}

impl DurableObject for SiteDO {
    fn new(state: State, env: Env) -> Self {
        let store = SiteStore::new(state.storage().sql());
        if let Err(e) = store
            .migrate()
            .and_then(|()| store.migrate_team())
            .and_then(|()| store.migrate_routing())
            .and_then(|()| store.migrate_queue())
            .and_then(|()| store.migrate_access())
            .and_then(|()| store.migrate_identities())
        {
            worker::console_error!("site schema: {e}");
        }
        SiteDO { state, env, store, routing: Cell::new(false), route_again: Cell::new(false) }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match SiteOp::of(&req) {
            Some(SiteOp::Seed) => self.seed(&mut req).await,
            Some(SiteOp::Info) => self.record().map(|record| ok_json(&record)),
            Some(SiteOp::AccountEmails) => {
                self.store.account_emails().or_internal("reading accounts").map(|emails| ok_json(&emails))
            }
            Some(SiteOp::Credential) => read_json(&mut req).await.and_then(|b| self.credential(b)).map(|c| ok_json(&c)),
            Some(SiteOp::SpendModelCall) => read_json(&mut req)
                .await
                .and_then(|spend| self.spend_model_call(spend))
                .map(|()| ok_json(&serde_json::json!({ "ok": true }))),
            Some(SiteOp::ModelUsage) => self.model_usage().map(|usage| ok_json(&usage)),
            Some(SiteOp::Avatar) => {
                let id = http::query_param(&req, "agent").unwrap_or_default();
                let account = self.store.account_by_id(&id).or_internal("reading the account");
                account.map(|a| ok_json(&AvatarSource { source: a.and_then(|a| a.avatar) }))
            }
            Some(SiteOp::IdentityConversation) => {
                read_json(&mut req).await.and_then(|b| self.identity_conversation(b)).map(|c| ok_json(&c))
            }
            Some(SiteOp::RememberIdentity) => read_json(&mut req)
                .await
                .and_then(|b| self.remember_identity(b))
                .map(|()| ok_json(&serde_json::json!({ "ok": true }))),
            Some(SiteOp::CheckAgent) => {
                read_json(&mut req).await.and_then(|c| self.check_agent(c)).map(|s| ok_json(&s))
            }
            Some(SiteOp::SignOut) => match read_json::<Revoke>(&mut req).await {
                Ok(Revoke { agent }) => {
                    self.revoke(&agent, "signed out").await.map(|()| ok_json(&serde_json::json!({ "ok": true })))
                }
                Err(e) => Err(e),
            },
            Some(SiteOp::SignedIn) => read_json(&mut req).await.and_then(|b| self.signed_in(b)).map(|a| ok_json(&a)),
            Some(SiteOp::AdmitStart) => self.admit_start(&mut req).await,
            Some(SiteOp::Knowledge) => self.knowledge(),
            Some(SiteOp::Articles) => self.store.articles().or_internal("reading articles").map(|a| ok_json(&a)),
            Some(SiteOp::PutArticle) => self.put_article(&mut req).await,
            Some(SiteOp::DeleteArticle) => self.delete_article(&mut req).await,
            Some(SiteOp::Rules) => self.rules().map(|rules| ok_json(&rules)),
            Some(SiteOp::PutRules) => self.put_rules(&mut req).await,
            Some(SiteOp::Summary) => self.summary(&mut req).await,
            Some(SiteOp::Forget) => {
                let forgotten = read_json::<Vec<String>>(&mut req)
                    .await
                    .and_then(|ids| self.store.forget_summaries(&ids).or_internal("forgetting erased conversations"));
                forgotten.map(|()| ok_json(&serde_json::json!({ "ok": true })))
            }
            Some(SiteOp::Dashboard) => {
                let opened = self.dashboard(&req);
                // A console connecting may be the agent a queued conversation waits for.
                self.reroute().await;
                opened
            }
            Some(SiteOp::Team) => self.team(now_ms()).map(|team| ok_json(&team)),
            Some(SiteOp::PutAccount) => {
                let stored = read_json(&mut req).await.and_then(|put| self.put_account(put));
                let stored = match stored {
                    Ok((member, Some(reason))) => self.revoke(&member.agent.id, reason).await.map(|()| member),
                    Ok((member, None)) => Ok(member),
                    Err(e) => Err(e),
                };
                self.routed(stored.map(|member| ok_json(&member))).await
            }
            Some(SiteOp::Desk) => self.desk_settings().map(|desk| ok_json(&desk)),
            Some(SiteOp::Appearance) => self.appearance().map(|look| ok_json(&look)),
            Some(SiteOp::PutAppearance) => {
                read_json(&mut req).await.and_then(|look| self.put_appearance(look)).map(|look| ok_json(&look))
            }
            Some(SiteOp::PutDesk) => {
                let stored = read_json(&mut req).await.and_then(|desk| self.put_desk_settings(desk));
                self.routed(stored.map(|desk| ok_json(&desk))).await
            }
            None => Err(ApiError::new(ErrorCode::NotFound, "no such site route")),
        };
        Ok(result.unwrap_or_else(|e| http::error(&e)))
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> worker::Result<()> {
        let reply = match message {
            WebSocketIncomingMessage::String(text) => match decode_dashboard_client_frame(&text) {
                Ok(DashboardClientFrame::Ping) => DashboardFrame::Pong,
                // The team frame every dashboard gets is the answer.
                Ok(DashboardClientFrame::SetPresence { presence }) => match self.set_presence(&ws, presence) {
                    Ok(()) => {
                        self.reroute().await;
                        return Ok(());
                    }
                    Err(e) => DashboardFrame::Error { code: e.code, message: e.message },
                },
                // The offer's end is the answer.
                Ok(DashboardClientFrame::AnswerOffer { conversation, accept }) => {
                    match ws.deserialize_attachment::<DashboardSocket>().ok().flatten() {
                        Some(socket) => {
                            self.answer_offer(&socket, &conversation, accept).await;
                            return Ok(());
                        }
                        None => DashboardFrame::Error {
                            code: ErrorCode::Internal,
                            message: "dashboard socket state lost".into(),
                        },
                    }
                }
                Err(e) => DashboardFrame::Error { code: e.code, message: e.message },
            },
            WebSocketIncomingMessage::Binary(_) => {
                DashboardFrame::Error { code: ErrorCode::BadRequest, message: "binary frames are not supported".into() }
            }
        };
        let _ = ws.send_with_str(encode(&reply));
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, _code: usize, _reason: String, _clean: bool) -> worker::Result<()> {
        let _ = ws.close(Some(1000), Some("closed"));
        self.dashboard_closed(&ws).await;
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        self.dashboard_closed(&ws).await;
        Ok(())
    }

    /// Something changes by itself: a console's grace period ran out (colleagues see it), an
    /// offer ran out (it goes to the next agent), a queued conversation's requirements relax.
    async fn alarm(&self) -> worker::Result<Response> {
        if let Err(e) = self.expire_offers(now_ms()) {
            worker::console_error!("offers: {}", e.message);
        }
        if let Err(e) = self.erase_expired(now_ms()).await {
            worker::console_error!("retention: {}", e.message);
        }
        self.tell_long_waits(now_ms()).await;
        self.broadcast_team();
        self.reroute().await;
        Response::ok("checked")
    }
}

/// What the worker needs to know about a site before serving it; only `info` is public.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteRecord {
    #[serde(flatten)]
    pub info: SiteInfo,
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// The knowledge base's current version: a conversation starting now answers from it.
    #[serde(default)]
    pub knowledge_version: u64,
    /// Only verified visitors may say who they are.
    #[serde(default)]
    pub require_identity: bool,
    #[serde(default)]
    pub appearance: Appearance,
}

impl SiteDO {
    /// After a change that can move routing (an account, the desk's settings): route, then answer.
    async fn routed(&self, changed: ApiResult<Response>) -> ApiResult<Response> {
        if changed.is_ok() {
            self.reroute().await;
        }
        changed
    }

    fn record(&self) -> ApiResult<SiteRecord> {
        self.store
            .record()
            .or_internal("reading the site")?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such site"))
    }

    /// Applies `edit` to the settings and marks the knowledge base changed, so new conversations
    /// do not answer from an older copy. Every change to what the bot reads goes through here.
    fn change_knowledge(&self, edit: impl FnOnce(&mut SiteSettings)) -> ApiResult<SiteSettings> {
        let mut settings = self.store.settings().or_internal("reading the site's settings")?;
        edit(&mut settings);
        settings.touch_knowledge(now_ms());
        self.store.save_settings(&settings).or_internal("storing the site's settings")?;
        Ok(settings)
    }

    /// When the next retention pass is due, if the site keeps conversations only for a while.
    pub(super) fn retention_due(&self, desk: &DeskSettings, now: u64) -> Option<u64> {
        desk.retention_cutoff(now)?;
        let settings = self.store.settings().ok()?;
        Some(settings.retention_due_at.unwrap_or(now).max(now))
    }

    /// Erases conversations closed longer ago than the site keeps them, a batch at a time: the
    /// next batch follows at once, else the next pass is due in a day.
    async fn erase_expired(&self, now: u64) -> ApiResult<()> {
        let desk = self.desk_settings()?;
        let Some(cutoff) = desk.retention_cutoff(now) else { return Ok(()) };
        let mut settings = self.store.settings().or_internal("reading the site's settings")?;
        if settings.retention_due_at.is_some_and(|due| due > now) {
            return Ok(());
        }
        const BATCH: u32 = 50;
        let site = self.info()?.id;
        let ids = crate::history::closed_before(&self.env, &site, cutoff, BATCH).await?;
        crate::routes::history::erase_objects(&self.env, &site, &ids).await?;
        self.store.forget_summaries(&ids).or_internal("forgetting erased conversations")?;
        let full = ids.len() == BATCH as usize;
        settings = self.store.settings().or_internal("reading the site's settings")?;
        settings.retention_due_at = Some(if full { now + 1_000 } else { now + baton_shared::team::DAY_MS });
        self.store.save_settings(&settings).or_internal("storing the site's settings")?;
        Ok(())
    }

    /// `{origin}/api/sites/{site}/agents`: where agents' `data:` avatars are served from.
    pub(super) fn avatar_base(&self) -> ApiResult<String> {
        let origin = self.store.settings().or_internal("reading the site's settings")?.public_origin;
        Ok(format!("{origin}/api/sites/{}/agents", self.info()?.id))
    }

    fn appearance(&self) -> ApiResult<Appearance> {
        Ok(self.store.settings().or_internal("reading the site's settings")?.appearance)
    }

    /// Stores a new look; conversations pick up the bot's new name with the knowledge version.
    fn put_appearance(&self, look: Appearance) -> ApiResult<Appearance> {
        look.validate()?;
        Ok(self.change_knowledge(|settings| settings.appearance = look)?.appearance)
    }

    fn info(&self) -> ApiResult<SiteInfo> {
        self.record().map(|record| record.info)
    }

    async fn seed(&self, req: &mut Request) -> ApiResult<Response> {
        let site = trusted(req, SITE_HEADER)?;
        let SeedPut { seed, mut hashes, public_origin } = read_json(req).await?;
        let known = self.store.account_emails().or_internal("reading accounts")?;
        let mut new_accounts = Vec::new();
        for account in seed.accounts.iter().filter(|a| !known.contains(&a.email)) {
            let pw_hash = hashes.remove(&account.email).ok_or_else(|| {
                ApiError::new(ErrorCode::BadRequest, format!("the seed has no password hash for {}", account.email))
            })?;
            new_accounts.push(PreparedAccount { seed: account, id: ids::new_id(), pw_hash });
        }
        self.store.seed(&site, &seed, &new_accounts, &public_origin, now_ms()).or_internal("storing the site")?;
        self.broadcast_team();
        Ok(ok_json(&serde_json::json!({ "ok": true })))
    }

    /// Counts a new conversation against its visitor's per-minute allowance.
    async fn admit_start(&self, req: &mut Request) -> ApiResult<Response> {
        let body: StartAdmission = read_json(req).await?;
        let limit: WindowLimit = starts_per_minute(
            self.store.settings().or_internal("reading the site's limits")?.limits.conversations_per_visitor_per_minute,
        );
        let key = format!("start:{}", body.visitor);
        let now = now_ms();
        let window = self.store.attempts(&key).or_internal("reading conversation starts")?;
        limit.check(window, now).map_err(|wait_ms| {
            ApiError::rate_limited(
                format!("Too many new conversations from this visitor. Try again in {} s.", wait_ms.div_ceil(1000)),
                wait_ms,
            )
        })?;
        self.store
            .set_attempts(&key, limit.count(window, now), now.saturating_sub(LONGEST_WINDOW_MS))
            .or_internal("counting a conversation start")?;
        Ok(ok_json(&serde_json::json!({ "ok": true })))
    }

    fn knowledge(&self) -> ApiResult<Response> {
        let info = self.info()?;
        let articles = self.store.articles().or_internal("reading articles")?;
        let settings = self.store.settings().or_internal("reading the site's settings")?;
        Ok(ok_json(&Knowledge {
            bot_name: info.bot_name,
            articles,
            model: settings.model,
            rules: settings.rules,
            desk: settings.desk,
            version: settings.knowledge_version,
        }))
    }

    /// Stores an article the worker already validated; a new one gets a readable unused id.
    async fn put_article(&self, req: &mut Request) -> ApiResult<Response> {
        self.info()?;
        let put: ArticlePut = read_json(req).await?;
        let id = match put.id {
            Some(id) if self.store.has_article(&id).or_internal("reading articles")? => id,
            Some(_) => return Err(ApiError::new(ErrorCode::NotFound, "no such article")),
            None => {
                let slug = article_slug(&put.article.title);
                let mut candidate = slug.clone();
                let mut n = 2;
                while self.store.has_article(&candidate).or_internal("reading articles")? {
                    candidate = format!("{slug}-{n}");
                    n += 1;
                }
                candidate
            }
        };
        let article = self.store.put_article(&id, &put.article).or_internal("storing the article")?;
        self.change_knowledge(|_| {})?;
        Ok(ok_json(&article))
    }

    async fn delete_article(&self, req: &mut Request) -> ApiResult<Response> {
        let ArticleId { id } = read_json(req).await?;
        if !self.store.delete_article(&id).or_internal("deleting the article")? {
            return Err(ApiError::new(ErrorCode::NotFound, "no such article"));
        }
        self.change_knowledge(|_| {})?;
        Ok(ok_json(&serde_json::json!({ "ok": true })))
    }

    fn rules(&self) -> ApiResult<SiteRules> {
        self.info()?;
        Ok(self.store.settings().or_internal("reading the site's settings")?.rules)
    }

    async fn put_rules(&self, req: &mut Request) -> ApiResult<Response> {
        self.info()?;
        let rules: SiteRules = read_json(req).await?;
        let settings = self.change_knowledge(|settings| settings.rules = rules)?;
        Ok(ok_json(&settings.rules))
    }

    /// Stores a conversation's summary and pushes it to every dashboard.
    async fn summary(&self, req: &mut Request) -> ApiResult<Response> {
        let summary: ConversationSummary = read_json(req).await?;
        let id = summary.id.clone();
        let upserted = self.store.upsert_summary(&summary).or_internal("storing a summary")?;
        if upserted.stored {
            let frame = encode(&DashboardFrame::Upsert { conversation: Box::new(summary) });
            for ws in self.state.get_websockets_with_tag(DASHBOARD_TAG) {
                // A socket that is closing cannot take the frame; its dashboard resyncs on reconnect.
                let _ = ws.send_with_str(&frame);
            }
        }
        if upserted.left_queue {
            self.left_queue(&id);
            self.forget_told_absent(&id);
        }
        if upserted.entered_queue {
            self.on_joined_queue(&id).await;
        }
        if upserted.load_changed {
            self.broadcast_team();
        }
        if upserted.entered_queue || upserted.left_queue || upserted.load_changed {
            self.reroute().await;
        }
        Ok(ok_json(&serde_json::json!({ "ok": true })))
    }

    /// A dashboard socket for the calling agent: the conversations, then the team with the
    /// agent now connected.
    fn dashboard(&self, req: &Request) -> ApiResult<Response> {
        let Caller::Agent(agent) = trusted_caller(req)? else {
            return Err(ApiError::new(ErrorCode::Forbidden, "dashboards are for agents"));
        };
        let account = self.store.account_by_id(&agent.id).or_internal("reading the account")?;
        if !account.is_some_and(|a| a.is_active()) {
            return Err(ApiError::new(ErrorCode::AccountDeactivated, "This account is deactivated."));
        }
        let conversations = self.store.summaries().or_internal("reading summaries")?;
        let agent_id = agent.id.clone();
        self.agent_connected(&agent.id)?;
        let pair = WebSocketPair::new().or_internal("opening a dashboard socket")?;
        self.state.accept_websocket_with_tags(&pair.server, &[DASHBOARD_TAG, &agent_tag(&agent.id)]);
        pair.server
            .serialize_attachment(&DashboardSocket { id: ids::new_id(), agent: agent.id.clone() })
            .or_internal("storing dashboard socket state")?;
        pair.server
            .send_with_str(encode(&DashboardFrame::Snapshot { conversations }))
            .or_internal("sending the snapshot")?;
        for offer in self.open_offers(&agent_id)? {
            pair.server.send_with_str(encode(&offer)).or_internal("sending an offer")?;
        }
        self.broadcast_team();
        Response::from_websocket(pair.client).or_internal("answering the upgrade")
    }
}
