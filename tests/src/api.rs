//! Talking to the edge the way the widget and the console do: REST and WebSockets.

use std::time::Duration;

use baton_shared::limits::PROTOCOL_VERSION;
use baton_shared::{
    ClientFrame, ConversationView, Event, EventBody, LoginResponse, Mode, ServerFrame, StartResponse, encode,
};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

#[derive(Debug, serde::Deserialize)]
pub struct Transcript {
    pub state: ConversationView,
    pub events: Vec<Event>,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api { base: base.to_string(), http: reqwest::Client::new() }
    }

    /// POSTs JSON and returns status and body.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self.post_response(path, body).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// POSTs JSON and returns the whole response, headers included.
    pub async fn post_response(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// Any REST call with an optional bearer token; returns status and JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut request = self.http.request(method.clone(), format!("{}{path}", self.base));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Starts a conversation as a page passing these visitor details would.
    pub async fn start_as(&self, site: &str, visitor: Value) -> StartResponse {
        let (status, body) =
            self.post(&format!("/api/sites/{site}/conversations"), &json!({ "visitor": visitor })).await;
        assert_eq!(status, 200, "start conversation: {body}");
        serde_json::from_value(body).unwrap_or_else(|e| panic!("start response: {e}"))
    }

    pub async fn start(&self, site: &str, token: Option<&str>) -> StartResponse {
        let (status, body) = self.post(&format!("/api/sites/{site}/conversations"), &json!({ "token": token })).await;
        assert_eq!(status, 200, "start conversation: {body}");
        serde_json::from_value(body).unwrap_or_else(|e| panic!("start response: {e}"))
    }

    /// Signs in as the agent would from their own network (see [`agent_network`]).
    pub async fn login(&self, site: &str, email: &str, password: &str) -> LoginResponse {
        let response = self
            .http
            .post(format!("{}/api/sites/{site}/login", self.base))
            .header("cf-connecting-ip", agent_network(email))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("login {email}: {e}"));
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 200, "login {email}: {body}");
        serde_json::from_value(body).unwrap_or_else(|e| panic!("login response: {e}"))
    }

    pub async fn transcript(&self, site: &str, conversation: &str, token: &str) -> Transcript {
        let response = self
            .http
            .get(format!("{}/api/sites/{site}/conversations/{conversation}/transcript", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("transcript: {e}"));
        assert!(response.status().is_success(), "transcript: {}", response.status());
        response.json().await.unwrap_or_else(|e| panic!("transcript body: {e}"))
    }

    /// A customer who has asked for a person on `site`, with the socket that watches their
    /// conversation, once it is queued.
    pub async fn queued_customer(&self, site: &str, text: &str) -> (String, Socket) {
        let start = self.start(site, None).await;
        let (mut customer, _) = self.connect(site, &start.conversation_id, &start.token, 0).await;
        customer.send(&ClientFrame::send("m-1", text)).await;
        customer.send(&ClientFrame::RequestHuman { client_id: "r-1".into() }).await;
        customer
            .next_matching("queued", |f| {
                matches!(
                    event_of(f).map(|e| &e.body),
                    Some(baton_shared::EventBody::Mode { mode: baton_shared::Mode::Queued, .. })
                )
            })
            .await;
        (start.conversation_id, customer)
    }

    /// The console's dashboard socket for an agent's token.
    pub fn dashboard_url(&self, site: &str, token: &str) -> String {
        format!("{}/api/sites/{site}/dashboard?token={token}", self.base.replacen("http", "ws", 1))
    }

    pub fn ws_url(&self, site: &str, conversation: &str, token: &str) -> String {
        format!(
            "{}/api/sites/{site}/conversations/{conversation}/ws?token={token}",
            self.base.replacen("http", "ws", 1)
        )
    }

    /// Opens a conversation socket and completes the hello; returns the socket and its welcome.
    pub async fn connect(&self, site: &str, conversation: &str, token: &str, last_seq: u64) -> (Socket, ServerFrame) {
        let mut socket = Socket::open(&self.ws_url(site, conversation, token)).await;
        socket.send(&ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq }).await;
        let welcome = socket.next_matching("welcome", |f| matches!(f, ServerFrame::Welcome { .. })).await;
        (socket, welcome)
    }

    /// An agent (`token`) who has taken `conversation` over: their socket, once the takeover
    /// is in the transcript.
    pub async fn holding(&self, site: &str, conversation: &str, token: &str) -> Socket {
        let (mut agent, _) = self.connect(site, conversation, token, 0).await;
        agent.send(&ClientFrame::TakeOver).await;
        agent
            .next_matching("takeover", |f| {
                matches!(event_of(f).map(|e| &e.body), Some(EventBody::Mode { mode: Mode::Human, .. }))
            })
            .await;
        agent
    }
}

/// `user_hash` for `user_id` on `site`, as the site's own server would compute it with the
/// identity secret Baton gives it.
pub fn user_hash(site: &str, user_id: &str) -> String {
    use baton_shared::server::identity;
    let secret = identity::site_secret(crate::stack::dev_var("IDENTITY_SECRET").as_bytes(), site);
    identity::user_hash(&secret, user_id)
}

/// The transcript event a frame carries, if it is an `event` frame.
/// The address an agent signs in from: one of their own per email, as agents of a real team
/// sign in from their own networks. The worker limits sign-ins per network, and a test's many
/// agents all on 127.0.0.1 would be one stranger flooding.
pub fn agent_network(email: &str) -> String {
    let hash = email.bytes().fold(2_166_136_261u32, |h, b| (h ^ u32::from(b)).wrapping_mul(16_777_619));
    let [a, b, c, _] = hash.to_be_bytes();
    format!("10.{a}.{b}.{}", c.max(1))
}

pub fn event_of(frame: &ServerFrame) -> Option<&Event> {
    match frame {
        ServerFrame::Event { event } => Some(event),
        _ => None,
    }
}

/// The seq an `ack` for client id `id` names, if the frame is one.
pub fn is_ack_for(frame: &ServerFrame, id: &str) -> Option<u64> {
    match frame {
        ServerFrame::Ack { client_id, seq } if client_id == id => Some(*seq),
        _ => None,
    }
}

/// A WebSocket client speaking the Baton protocol.
pub struct Socket {
    ws: Ws,
    /// Every frame received so far, in order.
    pub seen: Vec<ServerFrame>,
}

impl Socket {
    /// Like `open`, but says why it could not connect instead of failing the test.
    /// Sockets here are named `…?token=T`; the token is sent as a subprotocol, not in the URL
    /// (`socket_auth`).
    pub async fn try_open(url: &str) -> Result<Socket, String> {
        let request = crate::socket_auth::request(url)?;
        let (ws, _) = tokio_tungstenite::connect_async(request).await.map_err(|e| format!("connect: {e}"))?;
        Ok(Socket { ws, seen: Vec::new() })
    }

    /// Opens exactly `url`, a token in it included: what an old or careless client would send.
    pub async fn open_raw(url: &str) -> Socket {
        let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap_or_else(|e| panic!("connect {url}: {e}"));
        Socket { ws, seen: Vec::new() }
    }

    pub async fn open(url: &str) -> Socket {
        Socket::try_open(url).await.unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    /// Opens a socket the way a browser page on `origin` would.
    pub async fn open_from(url: &str, origin: &str) -> Socket {
        let mut request = crate::socket_auth::request(url).unwrap_or_else(|e| panic!("{e}"));
        let value = origin.parse().unwrap_or_else(|e| panic!("bad origin {origin}: {e}"));
        request.headers_mut().insert("origin", value);
        let (ws, _) = tokio_tungstenite::connect_async(request).await.unwrap_or_else(|e| panic!("connect {url}: {e}"));
        Socket { ws, seen: Vec::new() }
    }

    pub async fn send(&mut self, frame: &ClientFrame) {
        self.send_raw(&encode(frame)).await;
    }

    pub async fn send_raw(&mut self, text: &str) {
        self.ws.send(Message::text(text.to_string())).await.unwrap_or_else(|e| panic!("send: {e}"));
    }

    /// Next frame that matches, within the default deadline; keeps every frame in `seen`.
    pub async fn next_matching(&mut self, what: &str, pred: impl Fn(&ServerFrame) -> bool) -> ServerFrame {
        let frame: ServerFrame = self.next_of(what, |f: &ServerFrame| pred(f)).await;
        frame
    }

    /// Next frame of any frame type `T` (e.g. a dashboard frame) that matches. Only
    /// conversation frames are kept in `seen`.
    pub async fn next_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        &mut self,
        what: &str,
        pred: impl Fn(&T) -> bool,
    ) -> T {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let next = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}; seen: {:?}", self.seen));
            let message = match next {
                Some(Ok(message)) => message,
                other => panic!("socket ended while waiting for {what}: {other:?}"),
            };
            let Message::Text(text) = message else { continue };
            let frame: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("undecodable frame {text}: {e}"));
            if let Ok(conversation_frame) = serde_json::from_str::<ServerFrame>(&text) {
                self.seen.push(conversation_frame);
            }
            if pred(&frame) {
                return frame;
            }
        }
    }

    /// The next frame of type `T` that matches, however long it takes (the caller bounds the
    /// wait); `None` once the socket has ended.
    pub async fn next_where<T: serde::de::DeserializeOwned>(&mut self, pred: impl Fn(&T) -> bool) -> Option<T> {
        loop {
            let Message::Text(text) = self.ws.next().await?.ok()? else { continue };
            if let Ok(conversation_frame) = serde_json::from_str::<ServerFrame>(&text) {
                self.seen.push(conversation_frame);
            }
            if let Ok(frame) = serde_json::from_str::<T>(&text)
                && pred(&frame)
            {
                return Some(frame);
            }
        }
    }

    /// A barrier: sends a ping and waits for its pong. When this returns, `seen` holds every
    /// frame the edge sent this socket before the ping was handled, so nothing sent because of an
    /// earlier frame from this socket, or sent together with something already received, is
    /// still on the way.
    ///
    /// This relies on invariants of the ConversationDO (edge/src/conversation/mod.rs and the
    /// engine it wraps; ARCHITECTURE.md states them). If one breaks, a test using this barrier
    /// can pass without seeing what it checks:
    /// - inputs take turns in arrival order (`engine::turns`), so a socket's ping is handled only
    ///   after every frame it sent before;
    /// - each input is one synchronous engine call whose frames (ack, events, insight, pong) are
    ///   delivered with no `await` in between, so everything one frame causes directly, the
    ///   events of a whole bot exchange included, is sent before the next input runs;
    /// - a WebSocket delivers a socket's frames in the order they were sent.
    ///
    /// What a language model's answer causes comes later, as a new input: wait for it instead.
    pub async fn barrier(&mut self) {
        self.send(&ClientFrame::Ping).await;
        self.next_matching("pong (barrier)", |f| matches!(f, ServerFrame::Pong)).await;
    }

    /// The close code the server ends this socket with, skipping frames until then; `None`
    /// if it is not closed within `within` or ends without a code.
    pub async fn close_code(&mut self, within: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await.ok()? {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
