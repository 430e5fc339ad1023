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
    Visitor {
        site: String,
        conversation: String,
        exp: u64,
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

impl Claims {
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
        let claims = Claims::Visitor { site: "demo".into(), conversation: "c1".into(), exp: 2_000 };
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
        let forged = Claims::Visitor { site: "other".into(), conversation: "c1".into(), exp: u64::MAX };
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
}
