//! Baton edge worker: every `/api/*` route, the conversation and site Durable Objects.
//!
//! Static assets (widget, console, demo page) are served by workerd before this code runs.

mod auth;
mod conversation;
mod cors;
mod http;
mod ids;
mod internal;
mod origin;
mod routes;
mod site;
mod sql;

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

async fn route(mut req: Request, env: &Env) -> Response {
    let path = req.path();
    let segments: Vec<String> = path.trim_start_matches('/').split('/').map(str::to_string).collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = req.method();

    let kind = match segments.as_slice() {
        ["api", "sites", _]
        | ["api", "sites", _, "conversations"]
        | ["api", "sites", _, "conversations", _, "transcript"] => Kind::Cors,
        ["api", "sites", _, "conversations", _, "ws"] | ["api", "sites", _, "dashboard"] => Kind::Socket,
        _ => Kind::Plain,
    };
    if kind == Kind::Cors && method == Method::Options {
        return cors::preflight(&req);
    }

    let result: ApiResult<Response> = match (method, segments.as_slice()) {
        (Method::Get, ["api", "health"]) => routes::health::get(),
        (Method::Get, ["api", "sites", site]) => routes::site::info(&req, env, site).await,
        (Method::Post, ["api", "sites", site, "conversations"]) => {
            routes::conversations::start(&mut req, env, site).await
        }
        (Method::Post, ["api", "sites", site, "login"]) => routes::login::login(&mut req, env, site).await,
        (Method::Get, ["api", "sites", site, "conversations", id, "ws"]) => {
            routes::conversations::socket(&req, env, site, id).await
        }
        (Method::Get, ["api", "sites", site, "conversations", id, "transcript"]) => {
            routes::conversations::transcript(&req, env, site, id).await
        }
        (Method::Get, ["api", "sites", site, "dashboard"]) => routes::site::dashboard(&req, env, site).await,
        (Method::Get, ["api", "sites", site, "conversations", id, "visitor"]) => {
            routes::conversations::visitor(&req, env, site, id).await
        }
        (Method::Get, ["api", "sites", site, "articles"]) => routes::knowledge::list(&req, env, site).await,
        (Method::Post, ["api", "sites", site, "articles"]) => routes::knowledge::put(&mut req, env, site, None).await,
        (Method::Put, ["api", "sites", site, "articles", id]) => {
            routes::knowledge::put(&mut req, env, site, Some(id)).await
        }
        (Method::Delete, ["api", "sites", site, "articles", id]) => {
            routes::knowledge::delete(&req, env, site, id).await
        }
        (Method::Get, ["api", "sites", site, "rules"]) => routes::knowledge::rules(&req, env, site).await,
        (Method::Put, ["api", "sites", site, "rules"]) => routes::knowledge::put_rules(&mut req, env, site).await,
        (Method::Put, ["api", "admin", "sites", site]) => routes::admin::put_site(&mut req, env, site).await,
        (_, ["api", "health"])
        | (_, ["api", "sites", _])
        | (_, ["api", "sites", _, "conversations" | "login" | "dashboard"])
        | (_, ["api", "sites", _, "conversations", _, "ws" | "transcript" | "visitor"])
        | (_, ["api", "sites", _, "articles" | "rules"])
        | (_, ["api", "sites", _, "articles", _])
        | (_, ["api", "admin", "sites", _]) => {
            return http::json(405, &ApiError::new(ErrorCode::BadRequest, "method not allowed on this route"));
        }
        _ => Err(ApiError::new(ErrorCode::NotFound, format!("no route for {path}"))),
    };

    match (result, kind) {
        (Ok(response), Kind::Cors) => cors::allow(&req, response),
        (Ok(response), _) => response,
        (Err(err), Kind::Cors) => cors::allow(&req, http::error(&err)),
        (Err(err), Kind::Socket) if http::is_websocket_upgrade(&req) => http::refuse_socket(&err),
        (Err(err), _) => http::error(&err),
    }
}
