//! Avatar URLs end up in `<img src>` on customers' pages, so only two schemes pass.

use crate::error::{ApiError, ErrorCode};
use crate::limits::MAX_AVATAR_BYTES;

/// Accepts `https://…` and `data:image/…` URLs; everything else (javascript:, http:, data:text/html…) is refused.
pub fn validate_avatar_url(url: &str) -> Result<(), ApiError> {
    let refuse = |why: &str| Err(ApiError::new(ErrorCode::InvalidAvatar, format!("avatar URL refused: {why}")));
    if url.len() > MAX_AVATAR_BYTES {
        return refuse("too long");
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return refuse("contains whitespace or control characters");
    }
    let lower = url.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://") {
        if rest.is_empty() || rest.starts_with('/') {
            return refuse("missing host");
        }
        return Ok(());
    }
    if let Some(rest) = lower.strip_prefix("data:image/") {
        // svg can carry script; raster formats cannot.
        let subtype: String = rest.chars().take_while(|c| *c != ';' && *c != ',').collect();
        return match subtype.as_str() {
            "png" | "jpeg" | "jpg" | "gif" | "webp" | "avif" => Ok(()),
            _ => refuse("only png, jpeg, gif, webp or avif data URLs are allowed"),
        };
    }
    refuse("only https: and data:image/ URLs are allowed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_raster_data_urls_pass() {
        assert!(validate_avatar_url("https://cdn.example.com/a.png").is_ok());
        assert!(validate_avatar_url("data:image/png;base64,iVBORw0KGgo=").is_ok());
    }

    #[test]
    fn dangerous_schemes_are_refused() {
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "http://example.com/a.png",
            "data:text/html,<script>alert(1)</script>",
            "data:image/svg+xml,<svg onload=alert(1)>",
            "https://",
            " https://example.com/a.png",
            "//example.com/a.png",
        ] {
            let err = validate_avatar_url(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidAvatar, "{bad}");
        }
    }
}
