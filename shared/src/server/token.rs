//! Signed, expiring bearer tokens: `base64url(json claims) "." base64url(hmac_sha256)`.
//!
//! A visitor token opens one conversation; an agent token opens one site (guarantee 6).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{ApiError, ErrorCode};
use crate::protocol::{AccountRole, AgentInfo};

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Claims {
    /// `since` is when the visitor's first token for this conversation was issued: a resume
    /// renews the token, but never past `since + VISITOR_MAX_LIFETIME_MS` (see [`renew_visitor`]).
    Visitor {
        site: String,
        conversation: String,
        exp: u64,
        #[serde(default)]
        since: Option<u64>,
    },
    /// `ver` is the account's version when the token was issued; a newer one ends the token.
    Agent {
        site: String,
        agent: AgentInfo,
        role: AccountRole,
        exp: u64,
        #[serde(default)]
        ver: u64,
    },
}

/// A visitor token is valid this long after it is issued or renewed…
pub const VISITOR_TOKEN_TTL_MS: u64 = 7 * 24 * 60 * 60 * 1000;
/// …and is renewed for at most this long after the first one: a copied token does not open
/// the conversation forever.
pub const VISITOR_MAX_LIFETIME_MS: u64 = 30 * 24 * 60 * 60 * 1000;

/// A visitor's token for `conversation` issued or renewed at `now`: first issued at `since`
/// (`None` for a new one), it expires a term from now but never past the lifetime; `None`
/// once the lifetime is spent, and the visitor starts a new conversation.
pub fn renew_visitor(site: &str, conversation: &str, since: Option<u64>, now: u64) -> Option<Claims> {
    let since = since.unwrap_or(now);
    let end = since.saturating_add(VISITOR_MAX_LIFETIME_MS);
    let exp = now.saturating_add(VISITOR_TOKEN_TTL_MS).min(end);
    (exp > now).then(|| Claims::Visitor {
        site: site.to_string(),
        conversation: conversation.to_string(),
        exp,
        since: Some(since),
    })
}

impl Claims {
    /// When this visitor token's lifetime began; a token from before `since` existed counts as
    /// issued one term before it expires.
    pub fn visitor_since(&self) -> Option<u64> {
        match self {
            Claims::Visitor { since, exp, .. } => Some(since.unwrap_or(exp.saturating_sub(VISITOR_TOKEN_TTL_MS))),
            Claims::Agent { .. } => None,
        }
    }

    pub fn site(&self) -> &str {
        match self {
            Claims::Visitor { site, .. } | Claims::Agent { site, .. } => site,
        }
    }

    /// Expiry in milliseconds since the Unix epoch.
    pub fn exp(&self) -> u64 {
        match self {
            Claims::Visitor { exp, .. } | Claims::Agent { exp, .. } => *exp,
        }
    }
}

fn mac(secret: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this never fails.
    <HmacSha256 as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("hmac takes any key length"))
}

pub fn sign(claims: &Claims, secret: &[u8]) -> String {
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let mut mac = mac(secret);
    mac.update(payload.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{payload}.{signature}")
}

/// Checks the signature (in constant time) before looking at the claims, then the expiry.
pub fn verify(token: &str, secret: &[u8], now_ms: u64) -> Result<Claims, ApiError> {
    let invalid = || ApiError::new(ErrorCode::TokenInvalid, "token is malformed or its signature does not match");
    let (payload, signature) = token.split_once('.').ok_or_else(invalid)?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| invalid())?;
    let mut mac = mac(secret);
    mac.update(payload.as_bytes());
    mac.verify_slice(&signature).map_err(|_| invalid())?;
    let json = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
    let claims: Claims = serde_json::from_slice(&json).map_err(|_| invalid())?;
    if claims.exp() <= now_ms {
        return Err(ApiError::new(ErrorCode::TokenExpired, "token has expired; sign in or start again"));
    }
    Ok(claims)
}

/// The shortest secret the server signs with: 32 bytes, as many as SHA-256's output.
pub const MIN_SECRET_BYTES: usize = 32;

/// Whether `secret` is long enough to sign with.
pub fn strong_enough(secret: &str) -> bool {
    secret.trim().len() >= MIN_SECRET_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"test-secret";

    fn agent_claims(exp: u64) -> Claims {
        Claims::Agent {
            site: "demo".into(),
            agent: AgentInfo { id: "a1".into(), name: "Dana".into(), avatar: None },
            role: AccountRole::Agent,
            exp,
            ver: 1,
        }
    }

    #[test]
    fn signed_tokens_verify() {
        let claims = Claims::Visitor { site: "demo".into(), conversation: "c1".into(), exp: 2_000, since: None };
        let token = sign(&claims, SECRET);
        assert_eq!(verify(&token, SECRET, 1_000).unwrap(), claims);
        assert_eq!(verify(&sign(&agent_claims(5), SECRET), SECRET, 4).unwrap().site(), "demo");
    }

    #[test]
    fn expired_tokens_are_refused() {
        let token = sign(&agent_claims(1_000), SECRET);
        assert_eq!(verify(&token, SECRET, 1_000).unwrap_err().code, ErrorCode::TokenExpired);
    }

    #[test]
    fn forged_and_tampered_tokens_are_refused() {
        let token = sign(&agent_claims(u64::MAX), SECRET);
        assert_eq!(verify(&token, b"other-secret", 0).unwrap_err().code, ErrorCode::TokenInvalid);
        // Swap in claims for another site, keeping the old signature.
        let (_, sig) = token.split_once('.').unwrap();
        let forged = Claims::Visitor { site: "other".into(), conversation: "c1".into(), exp: u64::MAX, since: None };
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        let tampered = format!("{forged_payload}.{sig}");
        assert_eq!(verify(&tampered, SECRET, 0).unwrap_err().code, ErrorCode::TokenInvalid);
        for junk in ["", ".", "abc", "a.b.c", "%%%.%%%"] {
            assert_eq!(verify(junk, SECRET, 0).unwrap_err().code, ErrorCode::TokenInvalid, "{junk}");
        }
    }

    #[test]
    fn short_secrets_are_not_strong_enough() {
        assert!(!strong_enough(""));
        assert!(!strong_enough("hunter2"));
        assert!(!strong_enough(&" ".repeat(40)));
        assert!(strong_enough(&"ab".repeat(16)));
    }

    #[test]
    fn a_visitor_token_is_renewed_a_term_at_a_time_but_never_past_its_lifetime() {
        const DAY: u64 = 24 * 60 * 60 * 1000;
        let first = renew_visitor("demo", "c1", None, 1_000).unwrap_or_else(|| panic!("a first token"));
        assert_eq!(first.exp(), 1_000 + VISITOR_TOKEN_TTL_MS);
        assert_eq!(first.visitor_since(), Some(1_000));
        // Renewed on day 20: a full term again.
        let renewed =
            renew_visitor("demo", "c1", first.visitor_since(), 1_000 + 20 * DAY).unwrap_or_else(|| panic!("renewed"));
        assert_eq!(renewed.exp(), 1_000 + 20 * DAY + VISITOR_TOKEN_TTL_MS);
        // On day 28 the term is cut at day 30, and on day 30 it is over.
        let cut = renew_visitor("demo", "c1", Some(1_000), 1_000 + 28 * DAY).unwrap_or_else(|| panic!("cut"));
        assert_eq!(cut.exp(), 1_000 + VISITOR_MAX_LIFETIME_MS);
        assert_eq!(renew_visitor("demo", "c1", Some(1_000), 1_000 + VISITOR_MAX_LIFETIME_MS), None);
        // A token from before `since` counts from one term before its expiry.
        let old = Claims::Visitor { site: "demo".into(), conversation: "c1".into(), exp: 9 * DAY, since: None };
        assert_eq!(old.visitor_since(), Some(2 * DAY));
    }
}
