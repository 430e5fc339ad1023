//! Stable machine-readable error codes. Clients branch on `code`; `message` is for people.

use serde::{Deserialize, Serialize};

/// Gives a fieldless wire enum `ALL`, `as_str`, `parse` and `Display` from one list of
/// `Variant = "name"` pairs, the names being serde's encoding (every enum's tests check that).
/// The list is also the `as_str` match, so the compiler refuses a variant left out of it:
/// `ALL` holds every variant by construction.
macro_rules! wire_names {
    ($ty:ident { $($variant:ident = $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The name on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }

            /// The variant named `name` on the wire; `None` for a name this build does not know.
            /// A match rather than a search of `ALL`: smaller code in the widget.
            pub fn parse(name: &str) -> Option<$ty> {
                match name {
                    $($name => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use wire_names;

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
    /// The token was signed properly but its sign-in has ended (sign-out, new password, role).
    TokenRevoked,
    Forbidden,
    NotFound,
    AlreadyHeld,
    NotHolder,
    StaleEpoch,
    ConversationClosed,
    /// The conversation holds as many events as one may; start a new one.
    ConversationFull,
    InvalidRating,
    InvalidAvatar,
    LoginFailed,
    RateLimited,
    InvalidArticle,
    InvalidRules,
    InvalidAccount,
    AccountDeactivated,
    /// A `user_hash` that does not match its `user_id`.
    IdentityInvalid,
    InvalidEmail,
    /// A widget look the site cannot have: an accent white text is unreadable on, and the like.
    InvalidAppearance,
    Internal,
}

wire_names!(ErrorCode {
    BadRequest = "bad_request",
    MalformedJson = "malformed_json",
    UnknownType = "unknown_type",
    FrameTooLarge = "frame_too_large",
    TextTooLong = "text_too_long",
    EmptyText = "empty_text",
    InvalidClientId = "invalid_client_id",
    ProtocolVersion = "protocol_version",
    HelloRequired = "hello_required",
    Unauthorized = "unauthorized",
    TokenInvalid = "token_invalid",
    TokenExpired = "token_expired",
    TokenRevoked = "token_revoked",
    Forbidden = "forbidden",
    NotFound = "not_found",
    AlreadyHeld = "already_held",
    NotHolder = "not_holder",
    StaleEpoch = "stale_epoch",
    ConversationClosed = "conversation_closed",
    ConversationFull = "conversation_full",
    InvalidRating = "invalid_rating",
    InvalidAvatar = "invalid_avatar",
    LoginFailed = "login_failed",
    RateLimited = "rate_limited",
    InvalidArticle = "invalid_article",
    InvalidRules = "invalid_rules",
    InvalidAccount = "invalid_account",
    AccountDeactivated = "account_deactivated",
    IdentityInvalid = "identity_invalid",
    InvalidEmail = "invalid_email",
    InvalidAppearance = "invalid_appearance",
    Internal = "internal",
});

impl ErrorCode {
    /// HTTP status used when this code is returned by a REST endpoint.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthorized
            | ErrorCode::TokenInvalid
            | ErrorCode::TokenExpired
            | ErrorCode::TokenRevoked
            | ErrorCode::LoginFailed => 401,
            ErrorCode::Forbidden | ErrorCode::AccountDeactivated | ErrorCode::IdentityInvalid => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::AlreadyHeld | ErrorCode::NotHolder | ErrorCode::StaleEpoch | ErrorCode::ConversationFull => 409,
            ErrorCode::ConversationClosed => 410,
            ErrorCode::FrameTooLarge | ErrorCode::TextTooLong => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            _ => 400,
        }
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

/// Checks a `wire_names!` enum against serde: every name in `all` is the variant's serde
/// encoding, parses back to it, and is used once.
#[cfg(test)]
pub(crate) fn assert_names_match_serde<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
where
    T: Copy + PartialEq + std::fmt::Debug + Serialize + serde::de::DeserializeOwned,
{
    let mut seen = std::collections::HashSet::new();
    for &v in all {
        let name = as_str(v);
        assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{name}\""), "{v:?}");
        assert_eq!(serde_json::from_str::<T>(&format!("\"{name}\"")).unwrap(), v, "{name}");
        assert_eq!(parse(name), Some(v), "{name}");
        assert!(seen.insert(name), "{name} is listed twice");
    }
    assert_eq!(parse(""), None);
    assert_eq!(parse("no_such_name"), None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_named_as_serde_names_them() {
        assert_names_match_serde(ErrorCode::ALL, ErrorCode::as_str, ErrorCode::parse);
        assert_eq!(ErrorCode::RateLimited.to_string(), "rate_limited");
        assert_eq!(ApiError::new(ErrorCode::NotFound, "x").to_string(), "not_found: x");
    }
}
