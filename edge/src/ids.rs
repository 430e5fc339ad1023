//! Identifiers and randomness.

use baton_shared::{ApiError, ErrorCode};

use crate::http::ApiResult;

const MAX_ID_BYTES: usize = 64;

/// A fresh random identifier (UUID v4).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Sixteen random bytes for a password salt.
pub fn salt() -> ApiResult<[u8; 16]> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| {
        worker::console_error!("randomness unavailable: {e}");
        ApiError::new(ErrorCode::Internal, "randomness unavailable")
    })?;
    Ok(salt)
}

/// Site and conversation ids name Durable Objects, so they stay short and plain.
pub fn is_plain_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_BYTES
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub fn check_site(site: &str) -> ApiResult<()> {
    if is_plain_id(site) { Ok(()) } else { Err(ApiError::new(ErrorCode::NotFound, "no such site")) }
}

pub fn check_conversation(id: &str) -> ApiResult<()> {
    if is_plain_id(id) { Ok(()) } else { Err(ApiError::new(ErrorCode::NotFound, "no such conversation")) }
}
