//! Baton edge worker: every `/api/*` route, the conversation and site Durable Objects.
//!
//! Static assets (widget, console, demo page) are served by workerd before this code runs.

mod auth;
mod conversation;
mod cors;
mod history;
mod http;
mod ids;
mod internal;
mod origin;
mod password;
mod routes;
mod site;
mod site_cache;
mod sql;
mod throttle;

use baton_shared::{ApiError, ErrorCode};
use worker::{Context, Env, Method, Request, Response, event};

pub use conversation::ConversationDO;
pub use site::SiteDO;

use crate::http::ApiResult;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    Ok(route(req, &env).await)
}

/// How a route's failure reaches the client.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Plain,
    /// Cross-origin callable (the widget): preflight and `Access-Control-Allow-Origin`.
    Cors,
    /// A WebSocket upgrade: refusals arrive as an `error` frame when the client asked to upgrade.
    Socket,
}

/// Every `/api/*` route, with the path segments it captures.
enum Route<'a> {
    Health,
    Site(&'a str),
    Widget(&'a str),
    Conversations(&'a str),
    Login(&'a str),
    Logout(&'a str),
    ConversationSocket(&'a str, &'a str),
    Transcript(&'a str, &'a str),
    Visitor(&'a str, &'a str),
    Identify(&'a str, &'a str),
    Transfer(&'a str, &'a str),
    Reassign(&'a str, &'a str),
    Dashboard(&'a str),
    Articles(&'a str),
    Article(&'a str, &'a str),
    Rules(&'a str),
    ModelUsage(&'a str),
    Team(&'a str),
    AgentAvatar(&'a str, &'a str),
    Account(&'a str, &'a str),
    Desk(&'a str),
    Appearance(&'a str),
    History(&'a str),
    HistoryRecord(&'a str, &'a str),
    EraseVisitor(&'a str),
    OfflineMessages(&'a str),
    OfflineReply(&'a str, &'a str),
    AdminSite(&'a str),
    AdminIdentitySecret(&'a str),
}

impl<'a> Route<'a> {
    /// The route table: each path once.
    fn parse(segments: &[&'a str]) -> Option<Route<'a>> {
        Some(match *segments {
            ["api", "health"] => Route::Health,
            ["api", "sites", site] => Route::Site(site),
            ["api", "sites", site, "widget"] => Route::Widget(site),
            ["api", "sites", site, "conversations"] => Route::Conversations(site),
            ["api", "sites", site, "login"] => Route::Login(site),
            ["api", "sites", site, "logout"] => Route::Logout(site),
            ["api", "sites", site, "conversations", id, "ws"] => Route::ConversationSocket(site, id),
            ["api", "sites", site, "conversations", id, "transcript"] => Route::Transcript(site, id),
            ["api", "sites", site, "conversations", id, "visitor"] => Route::Visitor(site, id),
            ["api", "sites", site, "conversations", id, "identify"] => Route::Identify(site, id),
            ["api", "sites", site, "conversations", id, "transfer"] => Route::Transfer(site, id),
            ["api", "sites", site, "conversations", id, "reassign"] => Route::Reassign(site, id),
            ["api", "sites", site, "dashboard"] => Route::Dashboard(site),
            ["api", "sites", site, "articles"] => Route::Articles(site),
            ["api", "sites", site, "articles", id] => Route::Article(site, id),
            ["api", "sites", site, "rules"] => Route::Rules(site),
            ["api", "sites", site, "model-usage"] => Route::ModelUsage(site),
            ["api", "sites", site, "team"] => Route::Team(site),
            ["api", "sites", site, "team", id] => Route::Account(site, id),
            ["api", "sites", site, "agents", id, "avatar"] => Route::AgentAvatar(site, id),
            ["api", "sites", site, "desk"] => Route::Desk(site),
            ["api", "sites", site, "appearance"] => Route::Appearance(site),
            ["api", "sites", site, "history"] => Route::History(site),
            ["api", "sites", site, "history", "erase"] => Route::EraseVisitor(site),
            ["api", "sites", site, "history", id] => Route::HistoryRecord(site, id),
            ["api", "sites", site, "offline-messages"] => Route::OfflineMessages(site),
            ["api", "sites", site, "offline-messages", id, "reply"] => Route::OfflineReply(site, id),
            ["api", "admin", "sites", site] => Route::AdminSite(site),
            ["api", "admin", "sites", site, "identity-secret"] => Route::AdminIdentitySecret(site),
            _ => return None,
        })
    }

    fn kind(&self) -> Kind {
        match self {
            Route::Site(_)
            | Route::Widget(_)
            | Route::Conversations(_)
            | Route::Transcript(..)
            | Route::Identify(..) => Kind::Cors,
            Route::ConversationSocket(..) | Route::Dashboard(_) => Kind::Socket,
            _ => Kind::Plain,
        }
    }

    /// The site whose record (face, origins, knowledge version) a successful write here may
    /// change: the isolate's copy of it is dropped (`site_cache`).
    fn changes_site(&self) -> Option<&'a str> {
        match *self {
            Route::AdminSite(s)
            | Route::Articles(s)
            | Route::Article(s, _)
            | Route::Rules(s)
            | Route::Team(s)
            | Route::Account(s, _)
            | Route::Desk(s)
            | Route::Appearance(s) => Some(s),
            _ => None,
        }
    }

    /// Runs the route's handler for `method`; `None` if the route has none for it.
    async fn handle(self, method: Method, req: &mut Request, env: &Env) -> Option<ApiResult<Response>> {
        use routes::{admin, avatar, conversations, health, history, knowledge, login, offline, site, team, transfer};
        Some(match (method, self) {
            (Method::Get, Route::Health) => health::get(),
            (Method::Get, Route::Site(s)) => site::info(req, env, s).await,
            (Method::Get, Route::Widget(s)) => site::widget(req, env, s).await,
            (Method::Post, Route::Conversations(s)) => conversations::start(req, env, s).await,
            (Method::Post, Route::Login(s)) => login::login(req, env, s).await,
            (Method::Post, Route::Logout(s)) => login::logout(req, env, s).await,
            (Method::Get, Route::ConversationSocket(s, id)) => conversations::socket(req, env, s, id).await,
            (Method::Get, Route::Transcript(s, id)) => conversations::transcript(req, env, s, id).await,
            (Method::Get, Route::Visitor(s, id)) => conversations::visitor(req, env, s, id).await,
            (Method::Post, Route::Identify(s, id)) => conversations::identify_visitor(req, env, s, id).await,
            (Method::Post, Route::Transfer(s, id)) => transfer::transfer(req, env, s, id).await,
            (Method::Post, Route::Reassign(s, id)) => transfer::reassign(req, env, s, id).await,
            (Method::Get, Route::Dashboard(s)) => site::dashboard(req, env, s).await,
            (Method::Get, Route::Articles(s)) => knowledge::list(req, env, s).await,
            (Method::Post, Route::Articles(s)) => knowledge::put(req, env, s, None).await,
            (Method::Put, Route::Article(s, id)) => knowledge::put(req, env, s, Some(id)).await,
            (Method::Delete, Route::Article(s, id)) => knowledge::delete(req, env, s, id).await,
            (Method::Get, Route::Rules(s)) => knowledge::rules(req, env, s).await,
            (Method::Put, Route::Rules(s)) => knowledge::put_rules(req, env, s).await,
            (Method::Get, Route::ModelUsage(s)) => knowledge::model_usage(req, env, s).await,
            (Method::Get, Route::Team(s)) => team::list(req, env, s).await,
            (Method::Post, Route::Team(s)) => team::put(req, env, s, None).await,
            (Method::Put, Route::Account(s, id)) => team::put(req, env, s, Some(id)).await,
            (Method::Get, Route::AgentAvatar(s, id)) => avatar::get(req, env, s, id).await,
            (Method::Get, Route::Desk(s)) => team::settings(req, env, s).await,
            (Method::Put, Route::Desk(s)) => team::put_settings(req, env, s).await,
            (Method::Get, Route::Appearance(s)) => team::appearance(req, env, s).await,
            (Method::Put, Route::Appearance(s)) => team::put_appearance(req, env, s).await,
            (Method::Get, Route::History(s)) => history::search(req, env, s).await,
            (Method::Get, Route::HistoryRecord(s, id)) => history::record(req, env, s, id).await,
            (Method::Delete, Route::HistoryRecord(s, id)) => history::erase(req, env, s, id).await,
            (Method::Post, Route::EraseVisitor(s)) => history::erase_visitor(req, env, s).await,
            (Method::Get, Route::OfflineMessages(s)) => offline::list(req, env, s).await,
            (Method::Post, Route::OfflineReply(s, id)) => offline::reply(req, env, s, id).await,
            (Method::Put, Route::AdminSite(s)) => admin::put_site(req, env, s).await,
            (Method::Get, Route::AdminIdentitySecret(s)) => admin::identity_secret(req, env, s).await,
            _ => return None,
        })
    }
}

async fn route(mut req: Request, env: &Env) -> Response {
    let path = req.path();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let method = req.method();
    let Some(route) = Route::parse(&segments) else {
        return http::error(&ApiError::new(ErrorCode::NotFound, format!("no route for {path}")));
    };
    let kind = route.kind();
    let changes = route.changes_site().filter(|_| method != Method::Get).map(str::to_string);
    if kind == Kind::Cors && method == Method::Options {
        return cors::preflight(&req);
    }
    let Some(result) = route.handle(method, &mut req, env).await else {
        return http::json(405, &ApiError::new(ErrorCode::BadRequest, "method not allowed on this route"));
    };
    if let Some(site) = changes.filter(|_| result.is_ok()) {
        site_cache::forget(&site);
    }
    match (result, kind) {
        (Ok(response), Kind::Cors) => cors::allow(&req, response),
        (Ok(response), Kind::Socket) => http::with_socket_protocol(&req, response),
        (Ok(response), _) => response,
        (Err(err), Kind::Cors) => cors::allow(&req, http::error(&err)),
        (Err(err), Kind::Socket) if http::is_websocket_upgrade(&req) => {
            http::with_socket_protocol(&req, http::refuse_socket(&err))
        }
        (Err(err), _) => http::error(&err),
    }
}
