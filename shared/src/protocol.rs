//! Wire protocol: JSON over WebSocket (frames tagged by `type`) and the REST bodies.
//!
//! Customer and agent sockets speak to a conversation; console dashboards speak to a site.

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorCode, wire_names};
use crate::insight::{ComplianceIssue, Flag, Insight, Intent, SiteRules, VisitorAttributes};
use crate::limits::{MAX_FRAME_BYTES, PROTOCOL_VERSION};
use crate::team::{Presence, TeamMember};

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

wire_names!(Mode { Bot = "bot", Queued = "queued", Human = "human", Closed = "closed" });

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

wire_names!(Role { Customer = "customer", Agent = "agent" });

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
    /// The `kind` tag, e.g. `"agent"`.
    pub fn kind(&self) -> &'static str {
        AuthorKind::of(self).as_str()
    }
}

/// The `kind` tags of `Author`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthorKind {
    Customer,
    Bot,
    Agent,
    System,
}

wire_names!(AuthorKind { Customer = "customer", Bot = "bot", Agent = "agent", System = "system" });

impl AuthorKind {
    pub fn of(author: &Author) -> AuthorKind {
        match author {
            Author::Customer => AuthorKind::Customer,
            Author::Bot => AuthorKind::Bot,
            Author::Agent(_) => AuthorKind::Agent,
            Author::System => AuthorKind::System,
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
    /// The holding agent gave it to a colleague, or back to the queue.
    Transferred,
    /// Its holder went offline; it is back in the queue.
    AgentLeft,
    /// A supervisor gave it to an agent, whoever held it.
    Reassigned,
    /// The customer chose to keep chatting with the bot rather than wait for a person.
    CustomerChoseBot,
    /// The customer left a message for the team instead of waiting.
    LeftMessage,
    /// Closed without a more specific reason.
    Closed,
    /// The agent holding it resolved it.
    Resolved,
    /// The customer pressed "End chat".
    CustomerEnded,
    /// Nobody wrote for the site's inactivity time.
    Inactive,
}

wire_names!(ModeReason {
    CustomerAsked = "customer_asked",
    BotEscalated = "bot_escalated",
    AgentTookOver = "agent_took_over",
    HandedBack = "handed_back",
    Transferred = "transferred",
    AgentLeft = "agent_left",
    Reassigned = "reassigned",
    CustomerChoseBot = "customer_chose_bot",
    LeftMessage = "left_message",
    Closed = "closed",
    Resolved = "resolved",
    CustomerEnded = "customer_ended",
    Inactive = "inactive",
});

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
    /// The bot tells the waiting customer that no person can come now (nobody online, outside
    /// business hours, or waited too long), and offers to leave a message or keep chatting.
    NoAgent { text: String },
    /// A message the customer left for the team, to be answered by email.
    OfflineMessage { email: String, text: String },
}

/// The `type` tags of `EventBody`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventBodyType {
    Text,
    Note,
    Mode,
    Rating,
    NoAgent,
    OfflineMessage,
}

wire_names!(EventBodyType {
    Text = "text",
    Note = "note",
    Mode = "mode",
    Rating = "rating",
    NoAgent = "no_agent",
    OfflineMessage = "offline_message",
});

impl EventBodyType {
    pub fn of(body: &EventBody) -> EventBodyType {
        match body {
            EventBody::Text { .. } => EventBodyType::Text,
            EventBody::Note { .. } => EventBodyType::Note,
            EventBody::Mode { .. } => EventBodyType::Mode,
            EventBody::Rating { .. } => EventBodyType::Rating,
            EventBody::NoAgent { .. } => EventBodyType::NoAgent,
            EventBody::OfflineMessage { .. } => EventBodyType::OfflineMessage,
        }
    }
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
    /// Customer ends the conversation ("End chat").
    End {
        client_id: String,
    },
    /// Nobody can come: the customer keeps chatting with the bot instead of waiting.
    KeepChatting {
        client_id: String,
    },
    /// Nobody can come: the customer leaves a message for the team, answered by email.
    LeaveMessage {
        client_id: String,
        email: String,
        text: String,
    },
    /// Holding agent resolves the conversation, with an optional note for the history.
    Resolve {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Ping,
}

impl ClientFrame {
    /// A plain message (`send_anyway` is only for confirming a compliance warning).
    pub fn send(client_id: impl Into<String>, text: impl Into<String>) -> ClientFrame {
        ClientFrame::Send { client_id: client_id.into(), text: text.into(), send_anyway: false }
    }

    /// The client id the frame carries, if it is one that is acknowledged.
    pub fn client_id(&self) -> Option<&str> {
        match self {
            ClientFrame::Send { client_id, .. }
            | ClientFrame::Note { client_id, .. }
            | ClientFrame::RequestHuman { client_id }
            | ClientFrame::Rate { client_id, .. }
            | ClientFrame::End { client_id }
            | ClientFrame::KeepChatting { client_id }
            | ClientFrame::LeaveMessage { client_id, .. } => Some(client_id),
            ClientFrame::Hello { .. }
            | ClientFrame::Resolve { .. }
            | ClientFrame::Typing { .. }
            | ClientFrame::TakeOver
            | ClientFrame::HandBack
            | ClientFrame::Ping => None,
        }
    }
}

/// The `type` tags of `ClientFrame`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientFrameType {
    Hello,
    Send,
    Note,
    Typing,
    RequestHuman,
    TakeOver,
    HandBack,
    Rate,
    End,
    KeepChatting,
    LeaveMessage,
    Resolve,
    Ping,
}

wire_names!(ClientFrameType {
    Hello = "hello",
    Send = "send",
    Note = "note",
    Typing = "typing",
    RequestHuman = "request_human",
    TakeOver = "take_over",
    HandBack = "hand_back",
    Rate = "rate",
    End = "end",
    KeepChatting = "keep_chatting",
    LeaveMessage = "leave_message",
    Resolve = "resolve",
    Ping = "ping",
});

impl ClientFrameType {
    pub fn of(frame: &ClientFrame) -> ClientFrameType {
        match frame {
            ClientFrame::Hello { .. } => ClientFrameType::Hello,
            ClientFrame::Send { .. } => ClientFrameType::Send,
            ClientFrame::Note { .. } => ClientFrameType::Note,
            ClientFrame::Typing { .. } => ClientFrameType::Typing,
            ClientFrame::RequestHuman { .. } => ClientFrameType::RequestHuman,
            ClientFrame::TakeOver => ClientFrameType::TakeOver,
            ClientFrame::HandBack => ClientFrameType::HandBack,
            ClientFrame::Rate { .. } => ClientFrameType::Rate,
            ClientFrame::End { .. } => ClientFrameType::End,
            ClientFrame::KeepChatting { .. } => ClientFrameType::KeepChatting,
            ClientFrame::LeaveMessage { .. } => ClientFrameType::LeaveMessage,
            ClientFrame::Resolve { .. } => ClientFrameType::Resolve,
            ClientFrame::Ping => ClientFrameType::Ping,
        }
    }
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
        /// The gap was longer than a welcome carries (`limits::WELCOME_EVENTS`): `events` are
        /// its newest, and the earlier ones page through `/transcript`.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        earlier: bool,
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
    /// To the customer while queued: their place in line (1 is next) and about how long until a
    /// person joins (seconds); no estimate while the desk has too little recent history.
    QueuePlace {
        position: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        estimate_s: Option<u32>,
    },
    Pong,
}

/// The `type` tags of `ServerFrame`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerFrameType {
    Welcome,
    Event,
    Insight,
    ComplianceWarning,
    Ack,
    Typing,
    Error,
    QueuePlace,
    Pong,
}

wire_names!(ServerFrameType {
    Welcome = "welcome",
    Event = "event",
    Insight = "insight",
    ComplianceWarning = "compliance_warning",
    Ack = "ack",
    Typing = "typing",
    Error = "error",
    QueuePlace = "queue_place",
    Pong = "pong",
});

impl ServerFrameType {
    pub fn of(frame: &ServerFrame) -> ServerFrameType {
        match frame {
            ServerFrame::Welcome { .. } => ServerFrameType::Welcome,
            ServerFrame::Event { .. } => ServerFrameType::Event,
            ServerFrame::Insight { .. } => ServerFrameType::Insight,
            ServerFrame::ComplianceWarning { .. } => ServerFrameType::ComplianceWarning,
            ServerFrame::Ack { .. } => ServerFrameType::Ack,
            ServerFrame::Typing { .. } => ServerFrameType::Typing,
            ServerFrame::Error { .. } => ServerFrameType::Error,
            ServerFrame::QueuePlace { .. } => ServerFrameType::QueuePlace,
            ServerFrame::Pong => ServerFrameType::Pong,
        }
    }
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
    /// The visitor's identity was verified (`VisitorInfo::verified`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub visitor_verified: bool,
    /// Why agents should look, live; empty when nothing is wrong.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
    /// Rolling customer sentiment, -1.0–1.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    /// While queued: what the conversation needs from the desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueNeeds>,
    /// The visitor's conversation before this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

/// What a queued conversation needs from the desk, as its brain sees it: who can take it
/// (language, skill) and how soon (priority, and since when it waits).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueNeeds {
    /// When it joined the queue (ms).
    pub queued_at: u64,
    /// ISO 639-1 code of the customer's words, else of the visitor's locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// From the site's skill rules (refund → billing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    /// The bot queued it because a trigger fired, not only because the customer asked.
    #[serde(default, skip_serializing_if = "is_false")]
    pub escalated: bool,
    /// The visitor matches the site's VIP rule.
    #[serde(default, skip_serializing_if = "is_false")]
    pub vip: bool,
    /// The customer's mood is below the site's sentiment alert.
    #[serde(default, skip_serializing_if = "is_false")]
    pub upset: bool,
}

/// Frames a site sends to console dashboards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DashboardFrame {
    Snapshot {
        conversations: Vec<ConversationSummary>,
    },
    // Boxed: a row with its flags is far larger than the other frames.
    Upsert {
        conversation: Box<ConversationSummary>,
    },
    /// Every account with its presence and load: on connect, and whenever any of it changes.
    Team {
        members: Vec<TeamMember>,
    },
    /// To one agent: the desk offers them this queued conversation until `expires_at` (ms).
    /// `relaxed` names the requirements dropped to find them ("skill", "language").
    Offer {
        conversation: Box<ConversationSummary>,
        expires_at: u64,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relaxed: Vec<String>,
    },
    /// To the agent it was offered to: the offer is over.
    OfferEnded {
        conversation: String,
        outcome: OfferOutcome,
    },
    /// To one agent: the desk gave them this conversation (routing in `auto` mode, or their
    /// accepted offer); they hold it now.
    Assigned {
        conversation: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        relaxed: Vec<String>,
    },
    Error {
        code: ErrorCode,
        message: String,
    },
    Pong,
}

/// Frames a console dashboard sends to its site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DashboardClientFrame {
    Ping,
    /// The agent's choice in the console's "Status" control.
    SetPresence {
        presence: Presence,
    },
    /// "Accept" or "Decline" on an offer.
    AnswerOffer {
        conversation: String,
        accept: bool,
    },
}

/// The `type` tags of `DashboardClientFrame`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DashboardClientFrameType {
    Ping,
    SetPresence,
    AnswerOffer,
}

wire_names!(DashboardClientFrameType { Ping = "ping", SetPresence = "set_presence", AnswerOffer = "answer_offer" });

impl DashboardClientFrameType {
    pub fn of(frame: &DashboardClientFrame) -> DashboardClientFrameType {
        match frame {
            DashboardClientFrame::Ping => DashboardClientFrameType::Ping,
            DashboardClientFrame::SetPresence { .. } => DashboardClientFrameType::SetPresence,
            DashboardClientFrame::AnswerOffer { .. } => DashboardClientFrameType::AnswerOffer,
        }
    }
}

/// How an offer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferOutcome {
    Accepted,
    Declined,
    /// Nobody answered in time; it goes to the next agent.
    TimedOut,
    /// The conversation left the queue (taken, handed back, closed) before an answer.
    Withdrawn,
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
    /// The host's id for its signed-in user, kept once its `user_hash` verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// `hex(HMAC-SHA256(site identity secret, user_id))` from the host's server; checked at the
    /// start and never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_hash: Option<String>,
    /// Set by the edge alone: the user id's hash matched, so the name, email and attributes are
    /// the host's word. Unverified details are shown to agents as such.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub verified: bool,
}

impl VisitorInfo {
    /// The host's user id, if its hash verified.
    pub fn verified_user(&self) -> Option<&str> {
        self.user_id.as_deref().filter(|_| self.verified)
    }
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
    /// The bot's picture in the widget's header (`Appearance::bot_avatar`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_avatar: Option<String>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    #[serde(default = "crate::team::default_capacity")]
    pub capacity: u32,
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
    /// Only verified visitors may say who they are: an unverified name, email or attributes
    /// are dropped, and a wrong `user_hash` is refused with `identity_invalid`.
    #[serde(default)]
    pub require_identity: bool,
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
    /// Model calls the whole site may make per hour; past it the knowledge base answers alone.
    #[serde(default = "default_site_model_calls")]
    pub calls_per_hour: u32,
    /// Model calls one conversation may make per hour (a customer cannot spend the site's).
    #[serde(default = "default_conversation_model_calls")]
    pub calls_per_conversation_per_hour: u32,
}

fn default_model_timeout_ms() -> u64 {
    8_000
}

fn default_site_model_calls() -> u32 {
    600
}

fn default_conversation_model_calls() -> u32 {
    30
}

/// How much of the site's hourly language model budget is spent (for supervisors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelUsage {
    /// The site has a language model at all.
    pub configured: bool,
    pub calls_this_hour: u32,
    pub calls_per_hour: u32,
    pub calls_per_conversation_per_hour: u32,
    /// When the current hour's count starts again (ms), if any call was made.
    #[serde(default)]
    pub resets_at: Option<u64>,
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

fn decode_tagged<T: serde::de::DeserializeOwned>(raw: &str, known: fn(&str) -> bool) -> Result<T, DecodeError> {
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
    if !known(&ty) {
        return Err(ApiError::new(ErrorCode::UnknownType, format!("unknown frame type {ty:?}")));
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("invalid {ty:?} frame: {e}")))
}

/// Decodes a client frame, telling oversize, malformed, unknown and invalid frames apart.
pub fn decode_client_frame(raw: &str) -> Result<ClientFrame, DecodeError> {
    decode_tagged(raw, |ty| ClientFrameType::parse(ty).is_some())
}

/// Decodes a dashboard client frame.
pub fn decode_dashboard_client_frame(raw: &str) -> Result<DashboardClientFrame, DecodeError> {
    decode_tagged(raw, |ty| DashboardClientFrameType::parse(ty).is_some())
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

    use crate::error::assert_names_match_serde;

    fn dana() -> AgentInfo {
        AgentInfo { id: "a1".into(), name: "Dana".into(), avatar: None }
    }

    // One value per tag. Each helper matches on the tag enum, so a new tag does not compile
    // until it has a sample, and the tests below then check its name against serde.

    fn sample_author(kind: AuthorKind) -> Author {
        match kind {
            AuthorKind::Customer => Author::Customer,
            AuthorKind::Bot => Author::Bot,
            AuthorKind::Agent => Author::Agent(dana()),
            AuthorKind::System => Author::System,
        }
    }

    fn sample_body(ty: EventBodyType) -> EventBody {
        match ty {
            EventBodyType::Text => EventBody::Text { text: "hi".into(), bot: None },
            EventBodyType::Note => EventBody::Note { text: "vip".into() },
            EventBodyType::Mode => {
                EventBody::Mode { mode: Mode::Human, holder: Some(dana()), reason: ModeReason::AgentTookOver }
            }
            EventBodyType::Rating => EventBody::Rating { score: 5 },
            EventBodyType::NoAgent => EventBody::NoAgent { text: "Nobody is here".into() },
            EventBodyType::OfflineMessage => EventBody::OfflineMessage { email: "a@b.test".into(), text: "hi".into() },
        }
    }

    fn sample_client_frame(ty: ClientFrameType) -> ClientFrame {
        match ty {
            ClientFrameType::Hello => ClientFrame::Hello { protocol: 1, last_seq: 7 },
            ClientFrameType::Send => ClientFrame::send("c1", "hi"),
            ClientFrameType::Note => ClientFrame::Note { client_id: "n1".into(), text: "vip".into() },
            ClientFrameType::Typing => ClientFrame::Typing { on: true },
            ClientFrameType::RequestHuman => ClientFrame::RequestHuman { client_id: "r1".into() },
            ClientFrameType::TakeOver => ClientFrame::TakeOver,
            ClientFrameType::HandBack => ClientFrame::HandBack,
            ClientFrameType::Rate => ClientFrame::Rate { client_id: "s1".into(), score: 5 },
            ClientFrameType::End => ClientFrame::End { client_id: "e1".into() },
            ClientFrameType::KeepChatting => ClientFrame::KeepChatting { client_id: "k1".into() },
            ClientFrameType::LeaveMessage => {
                ClientFrame::LeaveMessage { client_id: "l1".into(), email: "a@b.test".into(), text: "call me".into() }
            }
            ClientFrameType::Resolve => ClientFrame::Resolve { note: Some("refunded".into()) },
            ClientFrameType::Ping => ClientFrame::Ping,
        }
    }

    fn sample_event(seq: u64, author: Author, body: EventBody) -> Event {
        Event { seq, ts: 1, epoch: 0, author, body, client_id: None }
    }

    fn sample_server_frame(ty: ServerFrameType) -> ServerFrame {
        match ty {
            ServerFrameType::Welcome => ServerFrame::Welcome {
                conversation_id: "c".into(),
                role: Role::Customer,
                state: ConversationView { mode: Mode::Bot, epoch: 0, holder: None, last_seq: 1 },
                events: vec![sample_event(1, Author::Bot, sample_body(EventBodyType::Text))],
                bot_name: "Bot".into(),
                insight: None,
                earlier: false,
            },
            ServerFrameType::Event => {
                ServerFrame::Event { event: sample_event(2, Author::Customer, sample_body(EventBodyType::Rating)) }
            }
            ServerFrameType::Insight => ServerFrame::Insight { insight: Insight::default() },
            ServerFrameType::ComplianceWarning => ServerFrame::ComplianceWarning {
                client_id: "c1".into(),
                issues: vec![ComplianceIssue { rule: "banned_word".into(), reason: "r".into() }],
            },
            ServerFrameType::Ack => ServerFrame::Ack { client_id: "c1".into(), seq: 3 },
            ServerFrameType::Typing => ServerFrame::Typing { author: Author::Bot, on: true },
            ServerFrameType::Error => ServerFrame::error(ApiError::new(ErrorCode::NotFound, "x"), None),
            ServerFrameType::QueuePlace => ServerFrame::QueuePlace { position: 3, estimate_s: Some(240) },
            ServerFrameType::Pong => ServerFrame::Pong,
        }
    }

    /// The `tag` field serde writes for `value`.
    fn serde_tag(value: &impl Serialize, tag: &str) -> String {
        let json = serde_json::to_value(value).unwrap();
        json[tag].as_str().unwrap_or_else(|| panic!("no {tag} in {json}")).to_string()
    }

    /// Every tag in `all` has its own name, which parses back to it.
    fn assert_tags<T: Copy + PartialEq + std::fmt::Debug>(
        all: &[T],
        as_str: fn(T) -> &'static str,
        parse: fn(&str) -> Option<T>,
    ) {
        let mut seen = std::collections::HashSet::new();
        for &t in all {
            assert_eq!(parse(as_str(t)), Some(t));
            assert!(seen.insert(as_str(t)), "{t:?} is named twice");
        }
        assert_eq!(parse("no_such_tag"), None);
    }

    #[test]
    fn fieldless_enums_are_named_as_serde_names_them() {
        assert_names_match_serde(Mode::ALL, Mode::as_str, Mode::parse);
        assert_names_match_serde(Role::ALL, Role::as_str, Role::parse);
        assert_names_match_serde(ModeReason::ALL, ModeReason::as_str, ModeReason::parse);
        assert_eq!(Mode::Queued.to_string(), "queued");
    }

    #[test]
    fn tags_are_named_as_serde_tags_them() {
        assert_tags(AuthorKind::ALL, AuthorKind::as_str, AuthorKind::parse);
        for &kind in AuthorKind::ALL {
            let author = sample_author(kind);
            assert_eq!(AuthorKind::of(&author), kind);
            assert_eq!(serde_tag(&author, "kind"), kind.as_str());
            assert_eq!(author.kind(), kind.as_str());
        }
        assert_tags(DashboardClientFrameType::ALL, DashboardClientFrameType::as_str, DashboardClientFrameType::parse);
        assert_tags(EventBodyType::ALL, EventBodyType::as_str, EventBodyType::parse);
        for &ty in EventBodyType::ALL {
            let body = sample_body(ty);
            assert_eq!(EventBodyType::of(&body), ty);
            assert_eq!(serde_tag(&body, "type"), ty.as_str());
        }
        assert_tags(ServerFrameType::ALL, ServerFrameType::as_str, ServerFrameType::parse);
        for &ty in ServerFrameType::ALL {
            let frame = sample_server_frame(ty);
            assert_eq!(ServerFrameType::of(&frame), ty);
            assert_eq!(serde_tag(&frame, "type"), ty.as_str());
            assert_eq!(serde_json::from_str::<ServerFrame>(&encode(&frame)).unwrap(), frame);
        }
        assert_tags(ClientFrameType::ALL, ClientFrameType::as_str, ClientFrameType::parse);
    }

    #[test]
    fn client_frames_round_trip_with_snake_case_tags() {
        for &ty in ClientFrameType::ALL {
            let frame = sample_client_frame(ty);
            assert_eq!(ClientFrameType::of(&frame), ty);
            let json = encode(&frame);
            assert_eq!(serde_tag(&frame, "type"), ty.as_str(), "{json}");
            assert_eq!(decode_client_frame(&json).unwrap(), frame);
        }
        assert_eq!(encode(&ClientFrame::TakeOver), r#"{"type":"take_over"}"#);
        assert_eq!(decode_dashboard_client_frame(r#"{"type":"ping"}"#).unwrap(), DashboardClientFrame::Ping);
        for &ty in DashboardClientFrameType::ALL {
            let frame = match ty {
                DashboardClientFrameType::Ping => DashboardClientFrame::Ping,
                DashboardClientFrameType::SetPresence => DashboardClientFrame::SetPresence { presence: Presence::Away },
                DashboardClientFrameType::AnswerOffer => {
                    DashboardClientFrame::AnswerOffer { conversation: "c1".into(), accept: true }
                }
            };
            assert_eq!(DashboardClientFrameType::of(&frame), ty);
            assert_eq!(serde_tag(&frame, "type"), ty.as_str());
            assert_eq!(decode_dashboard_client_frame(&encode(&frame)).unwrap(), frame);
        }
        assert_eq!(decode_dashboard_client_frame(r#"{"type":"send"}"#).unwrap_err().code, ErrorCode::UnknownType);
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
