//! Stable machine-readable error codes. Clients branch on `code`; `message` is for people.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    MalformedJson,
    UnknownType,
    FrameTooLarge,
    TextTooLong,
    EmptyText,
    InvalidClientId,
    ProtocolVersion,
    HelloRequired,
    Unauthorized,
    TokenInvalid,
    TokenExpired,
    Forbidden,
    NotFound,
    AlreadyHeld,
    NotHolder,
    StaleEpoch,
    ConversationClosed,
    InvalidRating,
    InvalidAvatar,
    LoginFailed,
    RateLimited,
    InvalidArticle,
    InvalidRules,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::UnknownType => "unknown_type",
            ErrorCode::FrameTooLarge => "frame_too_large",
            ErrorCode::TextTooLong => "text_too_long",
            ErrorCode::EmptyText => "empty_text",
            ErrorCode::InvalidClientId => "invalid_client_id",
            ErrorCode::ProtocolVersion => "protocol_version",
            ErrorCode::HelloRequired => "hello_required",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::TokenInvalid => "token_invalid",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::AlreadyHeld => "already_held",
            ErrorCode::NotHolder => "not_holder",
            ErrorCode::StaleEpoch => "stale_epoch",
            ErrorCode::ConversationClosed => "conversation_closed",
            ErrorCode::InvalidRating => "invalid_rating",
            ErrorCode::InvalidAvatar => "invalid_avatar",
            ErrorCode::LoginFailed => "login_failed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::InvalidArticle => "invalid_article",
            ErrorCode::InvalidRules => "invalid_rules",
            ErrorCode::Internal => "internal",
        }
    }

    /// HTTP status used when this code is returned by a REST endpoint.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthorized | ErrorCode::TokenInvalid | ErrorCode::TokenExpired | ErrorCode::LoginFailed => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::AlreadyHeld | ErrorCode::NotHolder | ErrorCode::StaleEpoch => 409,
            ErrorCode::ConversationClosed => 410,
            ErrorCode::FrameTooLarge | ErrorCode::TextTooLong => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            _ => 400,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Body of every REST error response, and the payload of a WebSocket `error` frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// For `rate_limited`: how long to wait before the same request can succeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), retry_after_ms: None }
    }

    /// A `rate_limited` refusal that says when to try again.
    pub fn rate_limited(message: impl Into<String>, retry_after_ms: u64) -> Self {
        ApiError { code: ErrorCode::RateLimited, message: message.into(), retry_after_ms: Some(retry_after_ms) }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}
