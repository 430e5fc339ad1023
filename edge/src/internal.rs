//! How the worker talks to its Durable Objects.
//!
//! Durable Objects are reachable only through this worker, so the headers below are trusted
//! there. The worker always builds a fresh request and sets them itself after checking the
//! caller's token; nothing a client sends is ever forwarded as is.

use baton_shared::{AgentInfo, ApiError, ErrorCode};
use serde::Serialize;
use worker::{Env, Headers, Method, Request, RequestInit, Response, Stub};

use crate::http::{ApiResult, OrInternal, check_reply};

pub const CONVERSATIONS_BINDING: &str = "CONVERSATIONS";
pub const SITES_BINDING: &str = "SITES";

pub const SITE_HEADER: &str = "x-baton-site";
pub const CONVERSATION_HEADER: &str = "x-baton-conversation";
pub const ROLE_HEADER: &str = "x-baton-role";
pub const AGENT_HEADER: &str = "x-baton-agent";

/// Who the worker vouches for on a conversation request.
pub use baton_engine::Caller;

/// What one kind of Durable Object answers: each operation's method and path, named once so
/// the caller and the object cannot disagree about a path string.
pub trait Ops: Copy + PartialEq + Sized + 'static {
    const ALL: &'static [Self];
    /// The operation that opens a WebSocket (the object's response carries the socket).
    const SOCKET: Self;
    fn method(self) -> Method;
    fn path(self) -> &'static str;

    /// The operation a request to the object asks for.
    fn of(req: &Request) -> Option<Self> {
        let (method, path) = (req.method(), req.path());
        Self::ALL.iter().copied().find(|op| op.method() == method && op.path() == path)
    }
}

/// Defines an object's operations as `Variant = (METHOD, "/path")`, naming its socket one.
macro_rules! ops {
    ($(#[$doc:meta])* $ty:ident socket $socket:ident { $($(#[$vdoc:meta])* $variant:ident = ($method:ident, $path:literal)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $ty {
            $($(#[$vdoc])* $variant),+
        }

        impl Ops for $ty {
            const ALL: &'static [$ty] = &[$($ty::$variant),+];
            const SOCKET: $ty = $ty::$socket;

            fn method(self) -> Method {
                match self {
                    $($ty::$variant => Method::$method),+
                }
            }

            fn path(self) -> &'static str {
                match self {
                    $($ty::$variant => $path),+
                }
            }
        }
    };
}

ops!(
    /// What the ConversationDO answers.
    ConversationOp socket Socket {
        /// Start (or resume) the conversation: `InitRequest`.
        Init = (Post, "/init"),
        /// A WebSocket upgrade for the caller.
        Socket = (Get, "/ws"),
        Transcript = (Get, "/transcript"),
        Visitor = (Get, "/visitor"),
        /// Its mode, epoch, holder and last seq: `ConversationView`.
        State = (Get, "/state"),
        /// The desk gives the queued conversation to an agent: `AssignRequest`.
        Assign = (Post, "/assign"),
        /// The holder gives it to a colleague or the queue: `TransferRequest`.
        Transfer = (Post, "/transfer"),
        /// The desk takes it back from an agent who went offline: `RequeueRequest`.
        Requeue = (Post, "/requeue"),
        /// A supervisor gives it to an agent: `ReassignRequest`.
        Reassign = (Post, "/reassign"),
        /// The desk says nobody can come to the waiting customer: `NoAgentRequest`.
        NoAgent = (Post, "/no-agent"),
        /// The desk tells the queued customer their place: `QueuePlaceRequest`.
        QueuePlace = (Post, "/queue-place"),
        /// Everything the object stores is deleted for good (erasure, retention).
        Erase = (Post, "/erase"),
        /// The host page identified the visitor: `VisitorInfo`, checked by the worker.
        Identify = (Post, "/identify"),
        /// An agent's sign-in ended: their sockets here close (`Revoke`).
        Revoke = (Post, "/revoke"),
    }
);

ops!(
    /// What the SiteDO answers.
    SiteOp socket Dashboard {
        Seed = (Post, "/seed"),
        Info = (Get, "/info"),
        /// Emails that have an account (a JSON list; empty for a site not seeded yet).
        AccountEmails = (Get, "/account-emails"),
        /// The stored hash a sign-in checks: `CredentialRequest` → `Credential`.
        Credential = (Post, "/login/credential"),
        /// The password was right: `SignedIn` → `VerifiedAccount`.
        SignedIn = (Post, "/login/signed-in"),
        /// An agent's avatar as stored (`?agent=ID`): `AvatarSource`.
        Avatar = (Get, "/avatar"),
        /// The conversation a verified user last had: `IdentityLookup` → `IdentityConversation`.
        IdentityConversation = (Post, "/identity/conversation"),
        /// A verified user's conversation now: `IdentityConversation`.
        RememberIdentity = (Post, "/identity/remember"),
        /// Is an agent token still good: `AgentCheck` → `AgentStanding`.
        CheckAgent = (Post, "/agent/check"),
        /// The agent signs out: every token of theirs ends (`Revoke`).
        SignOut = (Post, "/agent/sign-out"),
        AdmitStart = (Post, "/admit-start"),
        Knowledge = (Get, "/knowledge"),
        Articles = (Get, "/articles"),
        PutArticle = (Post, "/articles/put"),
        DeleteArticle = (Post, "/articles/delete"),
        Rules = (Get, "/rules"),
        PutRules = (Post, "/rules"),
        /// A conversation is about to call the site's language model: `ModelCallSpend`,
        /// refused with `rate_limited` once the hour's budget is spent.
        SpendModelCall = (Post, "/model/spend"),
        /// The model calls of this hour against the budget: `ModelUsage`.
        ModelUsage = (Get, "/model/usage"),
        /// A conversation's dashboard row.
        Summary = (Post, "/summary"),
        /// Erased conversations: their rows go (a JSON list of ids).
        Forget = (Post, "/forget"),
        /// A WebSocket upgrade for an agent's dashboard.
        Dashboard = (Get, "/dashboard"),
        Team = (Get, "/team"),
        /// A new account or an edit: `AccountPut`.
        PutAccount = (Post, "/team/put"),
        Desk = (Get, "/desk"),
        PutDesk = (Post, "/desk"),
        Appearance = (Get, "/appearance"),
        PutAppearance = (Post, "/appearance"),
    }
);

/// A request to a Durable Object, built from scratch.
pub struct Call {
    method: Method,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
    query: Option<String>,
    body: Option<String>,
    websocket: bool,
}

impl Call {
    /// A call of `op`; the socket operation is a WebSocket upgrade.
    pub fn to<O: Ops>(op: O) -> Call {
        let websocket = op == O::SOCKET;
        Call { method: op.method(), path: op.path(), headers: Vec::new(), query: None, body: None, websocket }
    }

    /// With a query string (already encoded), e.g. `after=12`.
    pub fn query(mut self, query: String) -> Call {
        self.query = Some(query);
        self
    }

    /// With a JSON body.
    pub fn json<T: Serialize>(mut self, body: &T) -> Call {
        self.headers.push(("content-type", "application/json".to_string()));
        self.body = Some(baton_shared::encode(body));
        self
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
        let query = self.query.map(|q| format!("?{q}")).unwrap_or_default();
        Request::new_with_init(&format!("https://internal{}{query}", self.path), &init)
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

/// Runs `op` with `body` on a conversation's object; the object's refusal comes back as the error.
pub async fn on_conversation<T: Serialize>(
    env: &Env,
    site: &str,
    conversation: &str,
    op: ConversationOp,
    body: &T,
    what: &str,
) -> ApiResult<()> {
    let stub = conversation_stub(env, site, conversation)?;
    let reply = Call::to(op).json(body).conversation(site, conversation).send(&stub).await?;
    check_reply(reply, what).await
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_its_own_method_and_path() {
        fn distinct<O: Ops>() {
            let mut seen = std::collections::HashSet::new();
            for op in O::ALL {
                assert!(seen.insert((op.method().to_string(), op.path())), "{} is named twice", op.path());
                assert!(op.path().starts_with('/'));
            }
        }
        distinct::<ConversationOp>();
        distinct::<SiteOp>();
    }
}
