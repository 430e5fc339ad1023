//! Hard limits shared by every side, so clients can refuse early with the same numbers.

/// Version a client announces in its `hello`; the edge refuses any other.
pub const PROTOCOL_VERSION: u32 = 1;
/// Largest WebSocket frame the edge accepts, in bytes.
pub const MAX_FRAME_BYTES: usize = 16 * 1024;
/// Longest message text, in characters (not bytes).
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Longest client id, in bytes.
pub const MAX_CLIENT_ID_BYTES: usize = 64;
/// Longest display name (visitor or agent), in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest avatar URL, in bytes (data: URLs included). Events and rows carry a short reference
/// to a data: avatar, never the picture itself.
pub const MAX_AVATAR_BYTES: usize = 8 * 1024;
/// The longest email address there is (RFC 5321's path limit), in bytes.
pub const MAX_EMAIL_BYTES: usize = 254;
/// Characters of the last message shown on a dashboard row.
pub const PREVIEW_CHARS: usize = 120;
/// Lifetime of an agent token, in milliseconds (12 hours).
pub const AGENT_TOKEN_TTL_MS: u64 = 12 * 60 * 60 * 1000;
/// Events one conversation stores at most; past this, messages and notes are refused with
/// `conversation_full` (the customer starts a new conversation; closing still works).
pub const MAX_EVENTS_PER_CONVERSATION: u64 = 10_000;
/// The newest events a `welcome` carries; older ones of the gap page through `/transcript`.
pub const WELCOME_EVENTS: usize = 500;
/// The newest events the brain reads for the insight and summary.
pub const INSIGHT_WINDOW: usize = 200;
/// Events one `/transcript` page holds at most.
pub const TRANSCRIPT_PAGE: usize = 500;
/// Sockets one conversation keeps open at most, per side.
pub const MAX_CUSTOMER_SOCKETS: usize = 10;
pub const MAX_AGENT_SOCKETS: usize = 20;
