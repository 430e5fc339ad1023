//! Wire protocol: JSON over WebSocket (frames tagged by `type`) and the REST bodies.
//!
//! Customer and agent sockets speak to a conversation; console dashboards speak to a site.

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorCode};
use crate::insight::{ComplianceIssue, Flag, Insight, Intent, SiteRules, VisitorAttributes};
use crate::limits::{MAX_FRAME_BYTES, PROTOCOL_VERSION};

/// Who holds the conversation right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The bot answers.
    #[default]
    Bot,
    /// Waiting for a human; the bot stays silent.
    Queued,
    /// A human agent holds the conversation.
    Human,
    /// Finished; nobody speaks.
    Closed,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Bot => "bot",
            Mode::Queued => "queued",
            Mode::Human => "human",
            Mode::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "bot" => Some(Mode::Bot),
            "queued" => Some(Mode::Queued),
            "human" => Some(Mode::Human),
            "closed" => Some(Mode::Closed),
            _ => None,
        }
    }
}

/// An agent as customers and colleagues see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentInfo {
    pub id: String,
    pub name: String,
    /// `https:` or `data:image/` URL; `None` shows initials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
}

/// What a socket is allowed to do, fixed by its token when it connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Agent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    Agent,
    Supervisor,
}

/// Who wrote a transcript event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Author {
    Customer,
    Bot,
    Agent(AgentInfo),
    System,
}

impl Author {
    pub fn kind(&self) -> &'static str {
        match self {
            Author::Customer => "customer",
            Author::Bot => "bot",
            Author::Agent(_) => "agent",
            Author::System => "system",
        }
    }
}

/// Why the mode changed; recorded in the transcript so history shows who held it when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModeReason {
    /// The customer pressed "Talk to a person" or asked in words.
    CustomerAsked,
    /// The bot decided to escalate.
    BotEscalated,
    /// An agent took the conversation over.
    AgentTookOver,
    /// The holding agent gave the conversation back to the bot.
    HandedBack,
    Closed,
}

/// The bot's own view of a reply it sent, kept for agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotMeta {
    /// 0.0–1.0.
    pub confidence: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventBody {
    /// Visible to everyone in the conversation.
    Text {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bot: Option<BotMeta>,
    },
    /// Private to agents; never sent to the customer.
    Note { text: String },
    /// Mode change; the epoch of the event is the new epoch.
    Mode {
        mode: Mode,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        holder: Option<AgentInfo>,
        reason: ModeReason,
    },
    /// The customer rated the conversation, 1–5.
    Rating { score: u8 },
}

/// One transcript entry, numbered by the conversation in one strictly increasing order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub seq: u64,
    /// Milliseconds since the Unix epoch, server clock.
    pub ts: u64,
    /// Mode epoch the event was committed under.
    pub epoch: u64,
    pub author: Author,
    pub body: EventBody,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

impl Event {
    /// Whether a customer may see this event.
    pub fn visible_to_customer(&self) -> bool {
        !matches!(self.body, EventBody::Note { .. })
    }
}

/// The conversation's current state as sent to a client on connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationView {
    pub mode: Mode,
    pub epoch: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<AgentInfo>,
    /// Highest seq in the transcript (0 when empty).
    pub last_seq: u64,
}

/// Frames a client (customer or agent) sends to a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// First frame on every socket: protocol version and the last seq this client has seen.
    Hello {
        protocol: u32,
        last_seq: u64,
    },
    /// A visible message. Customers always; agents only while they hold the conversation.
    Send {
        client_id: String,
        text: String,
        /// An agent confirms sending a draft the compliance check warned about; recorded.
        #[serde(default, skip_serializing_if = "is_false")]
        send_anyway: bool,
    },
    /// Agent-only private note.
    Note {
        client_id: String,
        text: String,
    },
    Typing {
        on: bool,
    },
    /// Customer asks for a person.
    RequestHuman {
        client_id: String,
    },
    /// Agent takes the conversation over.
    TakeOver,
    /// Holding agent gives it back to the bot.
    HandBack,
    /// Customer rates the conversation 1–5.
    Rate {
        client_id: String,
        score: u8,
    },
    Ping,
}

impl ClientFrame {
    /// A plain message (`send_anyway` is only for confirming a compliance warning).
    pub fn send(client_id: impl Into<String>, text: impl Into<String>) -> ClientFrame {
        ClientFrame::Send { client_id: client_id.into(), text: text.into(), send_anyway: false }
    }

    pub const TYPES: &'static [&'static str] =
        &["hello", "send", "note", "typing", "request_human", "take_over", "hand_back", "rate", "ping"];
}

/// Frames a conversation sends to its clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Answer to `hello`: current state and every event after the client's `last_seq`.
    Welcome {
        conversation_id: String,
        role: Role,
        state: ConversationView,
        events: Vec<Event>,
        bot_name: String,
        /// Agents only: what the brain understood so far.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        insight: Option<Insight>,
    },
    Event {
        event: Event,
    },
    /// Agents only: the brain's latest view of the conversation (intent, sentiment, summary,
    /// flags, co-pilot suggestions). Sent after every change; each replaces the previous one.
    Insight {
        insight: Insight,
    },
    /// Agents only: the draft with this client id was not sent; the agent may revise it or
    /// resend it with `send_anyway`.
    ComplianceWarning {
        client_id: String,
        issues: Vec<ComplianceIssue>,
    },
    /// The message with this client id is stored under `seq` (also for resends).
    Ack {
        client_id: String,
        seq: u64,
    },
    Typing {
        author: Author,
        on: bool,
    },
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
        /// For `rate_limited`: how long until the frame would be accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
    },
    Pong,
}

impl ServerFrame {
    pub fn error(err: ApiError, client_id: Option<String>) -> Self {
        ServerFrame::Error { code: err.code, message: err.message, client_id, retry_after_ms: err.retry_after_ms }
    }
}

/// One row of the live dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: String,
    pub mode: Mode,
    pub epoch: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<AgentInfo>,
    /// Preview of the last visible message.
    pub last_preview: String,
    /// `customer`, `bot`, `agent` or `system`.
    pub last_author: String,
    pub last_seq: u64,
    pub started_at: u64,
    pub updated_at: u64,
    /// Since when the customer has waited for an answer (ms); `None` when not waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_name: Option<String>,
    /// Why agents should look, live; empty when nothing is wrong.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
    /// Rolling customer sentiment, -1.0–1.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
}

/// Frames a site sends to console dashboards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DashboardFrame {
    Snapshot { conversations: Vec<ConversationSummary> },
    // Boxed: a row with its flags is far larger than the other frames.
    Upsert { conversation: Box<ConversationSummary> },
    Error { code: ErrorCode, message: String },
    Pong,
}

/// Frames a console dashboard sends to its site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DashboardClientFrame {
    Ping,
}

/// What the embedding page and the visitor told us.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// What the site passes about its visitor (`plan`, account id, ...), shown to agents.
    #[serde(default, skip_serializing_if = "VisitorAttributes::is_empty")]
    pub attributes: VisitorAttributes,
}

/// `POST /api/sites/{site}/conversations`: start a conversation, or resume the one `token` names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default)]
    pub visitor: VisitorInfo,
}

/// Public face of a site, shown by the widget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub id: String,
    pub name: String,
    pub bot_name: String,
    pub greeting: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartResponse {
    pub conversation_id: String,
    /// Visitor token for this conversation only; the widget keeps it to resume after reload.
    pub token: String,
    /// True when `token` in the request named a conversation that was resumed.
    pub resumed: bool,
    pub site: SiteInfo,
}

/// `POST /api/sites/{site}/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub agent: AgentInfo,
    pub role: AccountRole,
    pub site: SiteInfo,
    /// Milliseconds since the Unix epoch.
    pub expires_at: u64,
}

/// `POST /api/sites/{site}/articles` and `PUT .../articles/{id}`: an article as a supervisor writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleInput {
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A knowledge-base article the bot answers from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// An account as given in a site seed; the password is hashed before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSeed {
    pub email: String,
    pub name: String,
    pub role: AccountRole,
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
}

/// `PUT /api/admin/sites/{site}` (admin secret): create or replace a site's configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteSeed {
    pub name: String,
    pub bot_name: String,
    pub greeting: String,
    /// Origins allowed to embed the widget; `["*"]` allows any.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    #[serde(default)]
    pub articles: Vec<Article>,
    #[serde(default)]
    pub accounts: Vec<AccountSeed>,
    #[serde(default)]
    pub limits: SiteLimits,
    /// A language model that words the bot's answers; without one the knowledge base answers alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelSettings>,
    /// Escalation triggers, alert rules and the compliance check.
    #[serde(default)]
    pub rules: SiteRules,
}

/// An OpenAI-compatible chat-completions endpoint. Its key is the `LLM_API_KEY` secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSettings {
    /// Full URL of the chat-completions endpoint, e.g. `https://api.openai.com/v1/chat/completions`.
    pub endpoint: String,
    pub model: String,
    /// How long to wait before answering from the knowledge base instead.
    #[serde(default = "default_model_timeout_ms")]
    pub timeout_ms: u64,
}

fn default_model_timeout_ms() -> u64 {
    8_000
}

/// Per-site abuse limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteLimits {
    /// New conversations one visitor address may start per minute (resumes are free).
    #[serde(default = "default_starts_per_minute")]
    pub conversations_per_visitor_per_minute: u32,
}

/// Enough for a visitor who clears their storage a few times; a script hits it at once.
pub const DEFAULT_STARTS_PER_MINUTE: u32 = 10;

fn default_starts_per_minute() -> u32 {
    DEFAULT_STARTS_PER_MINUTE
}

impl Default for SiteLimits {
    fn default() -> Self {
        SiteLimits { conversations_per_visitor_per_minute: DEFAULT_STARTS_PER_MINUTE }
    }
}

/// Why a frame could not be decoded.
pub type DecodeError = ApiError;

fn decode_tagged<T: serde::de::DeserializeOwned>(raw: &str, known: &[&str]) -> Result<T, DecodeError> {
    if raw.len() > MAX_FRAME_BYTES {
        return Err(ApiError::new(
            ErrorCode::FrameTooLarge,
            format!("frame is {} bytes; the limit is {MAX_FRAME_BYTES}", raw.len()),
        ));
    }
    let value: serde_json::Value = serde_json::from_str(raw)
        .map_err(|e| ApiError::new(ErrorCode::MalformedJson, format!("frame is not valid JSON: {e}")))?;
    let Some(ty) = value.get("type").and_then(|t| t.as_str()).map(str::to_owned) else {
        return Err(ApiError::new(ErrorCode::BadRequest, "frame has no string field \"type\""));
    };
    if !known.contains(&ty.as_str()) {
        return Err(ApiError::new(ErrorCode::UnknownType, format!("unknown frame type {ty:?}")));
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("invalid {ty:?} frame: {e}")))
}

/// Decodes a client frame, telling oversize, malformed, unknown and invalid frames apart.
pub fn decode_client_frame(raw: &str) -> Result<ClientFrame, DecodeError> {
    decode_tagged(raw, ClientFrame::TYPES)
}

/// Decodes a dashboard client frame.
pub fn decode_dashboard_client_frame(raw: &str) -> Result<DashboardClientFrame, DecodeError> {
    decode_tagged(raw, &["ping"])
}

/// Checks the protocol version a client announced.
pub fn check_protocol(version: u32) -> Result<(), ApiError> {
    if version == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::ProtocolVersion,
            format!("protocol version {version} is not supported; use {PROTOCOL_VERSION}"),
        ))
    }
}

/// Serialises a frame; serialising these plain types cannot fail, but never panic if it did.
pub fn encode<T: Serialize>(frame: &T) -> String {
    serde_json::to_string(frame)
        .unwrap_or_else(|_| r#"{"type":"error","code":"internal","message":"encoding failed"}"#.to_string())
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_frames_round_trip_with_snake_case_tags() {
        let frames = vec![
            ClientFrame::Hello { protocol: 1, last_seq: 7 },
            ClientFrame::Send { client_id: "c1".into(), text: "hi".into(), send_anyway: false },
            ClientFrame::Note { client_id: "n1".into(), text: "vip".into() },
            ClientFrame::Typing { on: true },
            ClientFrame::RequestHuman { client_id: "r1".into() },
            ClientFrame::TakeOver,
            ClientFrame::HandBack,
            ClientFrame::Rate { client_id: "s1".into(), score: 5 },
            ClientFrame::Ping,
        ];
        for frame in frames {
            let json = encode(&frame);
            let ty = serde_json::from_str::<serde_json::Value>(&json).unwrap()["type"].as_str().unwrap().to_string();
            assert!(ClientFrame::TYPES.contains(&ty.as_str()), "{ty} missing from TYPES");
            assert_eq!(decode_client_frame(&json).unwrap(), frame);
        }
        assert_eq!(encode(&ClientFrame::TakeOver), r#"{"type":"take_over"}"#);
    }

    #[test]
    fn bad_frames_get_distinct_codes() {
        let code = |raw: &str| decode_client_frame(raw).unwrap_err().code;
        assert_eq!(code("{not json"), ErrorCode::MalformedJson);
        assert_eq!(code(r#"{"type":"launch_missiles"}"#), ErrorCode::UnknownType);
        assert_eq!(code(r#"{"text":"no type"}"#), ErrorCode::BadRequest);
        assert_eq!(code(r#"{"type":"send","text":"missing client id"}"#), ErrorCode::BadRequest);
        assert_eq!(code(r#"{"type":"rate","client_id":"a","score":900}"#), ErrorCode::BadRequest);
        let big = format!(r#"{{"type":"send","client_id":"a","text":"{}"}}"#, "x".repeat(MAX_FRAME_BYTES));
        assert_eq!(code(&big), ErrorCode::FrameTooLarge);
    }

    #[test]
    fn events_serialise_with_author_and_body_tags() {
        let event = Event {
            seq: 3,
            ts: 1,
            epoch: 2,
            author: Author::Agent(AgentInfo { id: "a1".into(), name: "Dana".into(), avatar: None }),
            body: EventBody::Mode {
                mode: Mode::Human,
                holder: Some(AgentInfo { id: "a1".into(), name: "Dana".into(), avatar: None }),
                reason: ModeReason::AgentTookOver,
            },
            client_id: None,
        };
        let json = encode(&event);
        assert!(json.contains(r#""kind":"agent""#), "{json}");
        assert!(json.contains(r#""type":"mode""#), "{json}");
        assert!(json.contains(r#""reason":"agent_took_over""#), "{json}");
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
    }

    #[test]
    fn notes_are_hidden_from_customers() {
        let note = Event {
            seq: 1,
            ts: 0,
            epoch: 0,
            author: Author::System,
            body: EventBody::Note { text: "x".into() },
            client_id: None,
        };
        assert!(!note.visible_to_customer());
    }

    #[test]
    fn protocol_version_is_checked() {
        assert!(check_protocol(PROTOCOL_VERSION).is_ok());
        assert_eq!(check_protocol(99).unwrap_err().code, ErrorCode::ProtocolVersion);
    }
}
