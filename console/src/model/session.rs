//! The signed-in agent: how a login answer is read, stored and judged still valid.

use baton_shared::error::{ApiError, ErrorCode};
use baton_shared::protocol::LoginResponse;

/// A session this close to expiry is treated as expired, so sockets never open with a dying token.
pub const EXPIRY_MARGIN_MS: u64 = 30_000;

/// localStorage key of a site's session; one console may be used for several sites.
pub fn storage_key(site: &str) -> String {
    format!("baton.console.session.{site}")
}

pub fn is_live(session: &LoginResponse, now_ms: u64) -> bool {
    session.expires_at > now_ms.saturating_add(EXPIRY_MARGIN_MS)
}

/// Milliseconds until the session must end, 0 when it already has.
pub fn remaining_ms(session: &LoginResponse, now_ms: u64) -> u64 {
    session.expires_at.saturating_sub(now_ms.saturating_add(EXPIRY_MARGIN_MS))
}

/// A stored session, if it parses, is still live and belongs to `site`.
pub fn restore(stored: &str, site: &str, now_ms: u64) -> Option<LoginResponse> {
    serde_json::from_str::<LoginResponse>(stored).ok().filter(|s| s.site.id == site && is_live(s, now_ms))
}

/// Reads the answer to a login request.
pub fn login_outcome(status: u16, body: &str) -> Result<LoginResponse, String> {
    if (200..300).contains(&status) {
        return serde_json::from_str(body).map_err(|_| "The server sent an unreadable answer. Try again.".to_string());
    }
    match serde_json::from_str::<ApiError>(body) {
        Ok(err) if err.code == ErrorCode::LoginFailed => Err(err.message),
        Ok(err) if !err.message.is_empty() => Err(err.message),
        _ if status == 401 => Err("Email or password is incorrect.".to_string()),
        _ => Err(format!("Sign-in failed (HTTP {status}). Try again.")),
    }
}

/// Whether a socket error means the token is no longer any good.
pub fn is_auth_error(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::Unauthorized
            | ErrorCode::TokenInvalid
            | ErrorCode::TokenExpired
            | ErrorCode::TokenRevoked
            | ErrorCode::AccountDeactivated
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::protocol::{AccountRole, AgentInfo, SiteInfo};

    fn session(site: &str, expires_at: u64) -> LoginResponse {
        LoginResponse {
            token: "t".into(),
            agent: AgentInfo { id: "a1".into(), name: "Dana Rivera".into(), avatar: None },
            role: AccountRole::Agent,
            site: SiteInfo {
                id: site.into(),
                name: "N".into(),
                bot_name: "B".into(),
                greeting: "G".into(),
                bot_avatar: None,
            },
            expires_at,
        }
    }

    #[test]
    fn stored_sessions_restore_only_when_live_and_for_this_site() {
        let json = serde_json::to_string(&session("demo", 1_000_000)).unwrap();
        assert!(restore(&json, "demo", 0).is_some());
        assert!(restore(&json, "other", 0).is_none());
        assert!(restore(&json, "demo", 1_000_000 - EXPIRY_MARGIN_MS).is_none());
        assert!(restore("{garbage", "demo", 0).is_none());
        assert_eq!(remaining_ms(&session("demo", 100_000), 10_000), 100_000 - 10_000 - EXPIRY_MARGIN_MS);
        assert_eq!(remaining_ms(&session("demo", 100), 10_000), 0);
    }

    #[test]
    fn login_answers_are_read() {
        let ok = serde_json::to_string(&session("demo", 5)).unwrap();
        assert_eq!(login_outcome(200, &ok).unwrap().agent.name, "Dana Rivera");
        let failed = r#"{"code":"login_failed","message":"Email or password is incorrect"}"#;
        assert_eq!(login_outcome(401, failed).unwrap_err(), "Email or password is incorrect");
        assert_eq!(login_outcome(401, "").unwrap_err(), "Email or password is incorrect.");
        assert!(login_outcome(502, "<html>").unwrap_err().contains("502"));
        let locked = r#"{"code":"rate_limited","message":"Too many failed sign-ins for this account. Try again in 15 minutes.","retry_after_ms":900000}"#;
        assert!(login_outcome(429, locked).unwrap_err().contains("15 minutes"));
        assert!(login_outcome(200, "{}").is_err());
        assert!(is_auth_error(ErrorCode::TokenExpired));
        assert!(is_auth_error(ErrorCode::TokenRevoked));
        assert!(!is_auth_error(ErrorCode::AlreadyHeld));
    }
}
