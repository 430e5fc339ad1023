//! How the worker talks to its Durable Objects.
//!
//! Durable Objects are reachable only through this worker, so the headers below are trusted
//! there. The worker always builds a fresh request and sets them itself after checking the
//! caller's token; nothing a client sends is ever forwarded as is.

use baton_shared::{AgentInfo, ApiError, ErrorCode};
use serde::Serialize;
use worker::{Env, Headers, Method, Request, RequestInit, Response, Stub};

use crate::http::{ApiResult, OrInternal};

pub const CONVERSATIONS_BINDING: &str = "CONVERSATIONS";
pub const SITES_BINDING: &str = "SITES";

pub const SITE_HEADER: &str = "x-baton-site";
pub const CONVERSATION_HEADER: &str = "x-baton-conversation";
pub const ROLE_HEADER: &str = "x-baton-role";
pub const AGENT_HEADER: &str = "x-baton-agent";

/// Who the worker vouches for on a conversation request.
#[derive(Debug, Clone, PartialEq)]
pub enum Caller {
    Customer,
    Agent(AgentInfo),
}

/// A request to a Durable Object, built from scratch.
pub struct Call {
    method: Method,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Option<String>,
    websocket: bool,
}

impl Call {
    pub fn get(path: &'static str) -> Call {
        Call { method: Method::Get, path, headers: Vec::new(), body: None, websocket: false }
    }

    pub fn post<T: Serialize>(path: &'static str, body: &T) -> Call {
        Call {
            method: Method::Post,
            path,
            headers: vec![("content-type", "application/json".to_string())],
            body: Some(baton_shared::encode(body)),
            websocket: false,
        }
    }

    /// A WebSocket upgrade: the object's response carries the socket.
    pub fn websocket(path: &'static str) -> Call {
        Call { websocket: true, ..Call::get(path) }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Call {
        self.headers.push((name, value.into()));
        self
    }

    pub fn site(self, site: &str) -> Call {
        self.header(SITE_HEADER, site)
    }

    pub fn conversation(self, site: &str, conversation: &str) -> Call {
        self.site(site).header(CONVERSATION_HEADER, conversation)
    }

    pub fn caller(self, caller: &Caller) -> Call {
        match caller {
            Caller::Customer => self.header(ROLE_HEADER, "customer"),
            Caller::Agent(agent) => self.header(ROLE_HEADER, "agent").header(AGENT_HEADER, baton_shared::encode(agent)),
        }
    }

    fn into_request(self) -> worker::Result<Request> {
        let headers = Headers::new();
        for (name, value) in &self.headers {
            headers.set(name, value)?;
        }
        if self.websocket {
            headers.set("upgrade", "websocket")?;
        }
        let mut init = RequestInit::new();
        init.with_method(self.method).with_headers(headers);
        if let Some(body) = self.body {
            init.with_body(Some(body.into()));
        }
        Request::new_with_init(&format!("https://internal{}", self.path), &init)
    }

    pub async fn send(self, stub: &Stub) -> ApiResult<Response> {
        let what = self.path;
        let request = self.into_request().or_internal(what)?;
        stub.fetch_with_request(request).await.or_internal(what)
    }
}

/// The conversation object, named `{site}/{conversation}` so ids never collide across sites.
pub fn conversation_stub(env: &Env, site: &str, conversation: &str) -> ApiResult<Stub> {
    let namespace = env.durable_object(CONVERSATIONS_BINDING).or_internal("conversation binding")?;
    let id = namespace.id_from_name(&format!("{site}/{conversation}")).or_internal("conversation id")?;
    id.get_stub().or_internal("conversation stub")
}

pub fn site_stub(env: &Env, site: &str) -> ApiResult<Stub> {
    let namespace = env.durable_object(SITES_BINDING).or_internal("site binding")?;
    let id = namespace.id_from_name(site).or_internal("site id")?;
    id.get_stub().or_internal("site stub")
}

/// Reads a trusted header inside a Durable Object.
pub fn trusted(req: &Request, name: &str) -> ApiResult<String> {
    req.headers()
        .get(name)
        .ok()
        .flatten()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::new(ErrorCode::BadRequest, format!("internal request lacks {name}")))
}

/// The caller the worker vouched for, inside the conversation object.
pub fn trusted_caller(req: &Request) -> ApiResult<Caller> {
    match trusted(req, ROLE_HEADER)?.as_str() {
        "customer" => Ok(Caller::Customer),
        "agent" => {
            let agent = serde_json::from_str::<AgentInfo>(&trusted(req, AGENT_HEADER)?)
                .map_err(|_| ApiError::new(ErrorCode::BadRequest, "internal request has an unreadable agent"))?;
            Ok(Caller::Agent(agent))
        }
        other => Err(ApiError::new(ErrorCode::BadRequest, format!("internal request has unknown role {other:?}"))),
    }
}
