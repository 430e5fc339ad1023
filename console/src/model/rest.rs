//! Reading answers of the console's REST calls: the value, or the server's own words.

use baton_shared::error::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;

use super::session::is_auth_error;

/// Why a call failed, as the agent reads it; `code` when the server named one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestError {
    pub code: Option<ErrorCode>,
    pub message: String,
}

impl RestError {
    pub fn unreachable() -> Self {
        RestError { code: None, message: "Could not reach the server. Check your connection and try again.".into() }
    }

    /// The token is no longer accepted: the agent must sign in again.
    pub fn is_auth(&self) -> bool {
        self.code.is_some_and(is_auth_error)
    }
}

/// A 2xx body as `T`; otherwise the server's `{code, message}` verbatim, or a sentence naming the status.
pub fn read_reply<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, RestError> {
    if (200..300).contains(&status) {
        return serde_json::from_str(body)
            .map_err(|_| RestError { code: None, message: "The server sent an unreadable answer. Try again.".into() });
    }
    match serde_json::from_str::<ApiError>(body) {
        Ok(err) if !err.message.is_empty() => Err(RestError { code: Some(err.code), message: err.message }),
        Ok(err) => Err(RestError { code: Some(err.code), message: format!("Request failed ({}).", err.code) }),
        Err(_) => Err(RestError { code: None, message: format!("Request failed (HTTP {status}). Try again.") }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::protocol::Article;

    #[test]
    fn values_and_server_errors_are_read() {
        let ok = r#"{"id":"a1","title":"Shipping","body":"3 days","tags":["post"]}"#;
        let article: Article = read_reply(201, ok).unwrap();
        assert_eq!((article.id.as_str(), article.url), ("a1", None));

        let refused = r#"{"code":"invalid_article","message":"title must not be empty"}"#;
        let err = read_reply::<Article>(400, refused).unwrap_err();
        assert_eq!(err, RestError { code: Some(ErrorCode::InvalidArticle), message: "title must not be empty".into() });
        assert!(!err.is_auth());

        let expired = r#"{"code":"token_expired","message":""}"#;
        let err = read_reply::<Article>(401, expired).unwrap_err();
        assert!(err.is_auth());
        assert_eq!(err.message, "Request failed (token_expired).");

        assert!(read_reply::<Article>(502, "<html>").unwrap_err().message.contains("502"));
        assert!(read_reply::<Article>(200, "[]").unwrap_err().message.contains("unreadable"));
        assert!(read_reply::<serde_json::Value>(200, r#"{"ok":true}"#).is_ok());
    }
}
