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
/// Longest avatar URL, in bytes (data: URLs included).
pub const MAX_AVATAR_BYTES: usize = 64 * 1024;
/// Characters of the last message shown on a dashboard row.
pub const PREVIEW_CHARS: usize = 120;
/// Lifetime of an agent token, in milliseconds (12 hours).
pub const AGENT_TOKEN_TTL_MS: u64 = 12 * 60 * 60 * 1000;
/// Lifetime of a visitor token, in milliseconds (30 days).
pub const VISITOR_TOKEN_TTL_MS: u64 = 30 * 24 * 60 * 60 * 1000;
