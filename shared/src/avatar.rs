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

/// Where the edge serves agent `agent_id`'s `data:` avatar: `{base}/{agent_id}/avatar?v=V`, with
/// `base` = `{origin}/api/sites/{site}/agents`. Events, rows and tokens carry this short URL, not
/// the picture; `V` changes with the picture, so browsers may keep it for good. An `https:`
/// avatar is a reference already and stays as it is.
pub fn reference(base: &str, agent_id: &str, source: &str) -> String {
    if !source.starts_with("data:") {
        return source.to_string();
    }
    // FNV-1a: a version tag, not a security boundary.
    let version =
        source.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{base}/{agent_id}/avatar?v={version:016x}")
}

/// Whether `url` is a reference [`reference`] made for `agent_id` (of any version): an account
/// edit that sends it back means "keep the picture".
pub fn is_reference(url: &str, agent_id: &str) -> bool {
    url.contains(&format!("/agents/{agent_id}/avatar?v="))
}

/// The picture in a `data:image/…;base64,` URL: its content type and bytes.
#[cfg(feature = "server")]
pub fn data_url_image(url: &str) -> Option<(String, Vec<u8>)> {
    use base64::Engine;
    let rest = url.strip_prefix("data:")?;
    let (meta, payload) = rest.split_once(',')?;
    let mime = meta.strip_suffix(";base64")?;
    validate_avatar_url(url).ok()?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(payload.trim()).ok()?;
    Some((mime.to_ascii_lowercase(), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_avatar_travels_as_a_short_versioned_reference() {
        let source = format!("data:image/png;base64,{}", "A".repeat(6_000));
        let base = "https://chat.example.com/api/sites/demo/agents";
        let r = reference(base, "a1", &source);
        assert!(r.starts_with("https://chat.example.com/api/sites/demo/agents/a1/avatar?v=") && r.len() < 120, "{r}");
        assert!(validate_avatar_url(&r).is_ok(), "a reference is a safe avatar URL");
        assert!(is_reference(&r, "a1") && !is_reference(&r, "a2"));
        assert_ne!(r, reference(base, "a1", "data:image/png;base64,QUJD"), "a new picture, a new version");
        assert_eq!(reference(base, "a1", "https://cdn.example.com/a.png"), "https://cdn.example.com/a.png");
    }

    #[cfg(feature = "server")]
    #[test]
    fn a_data_avatar_is_served_as_its_image() {
        assert_eq!(data_url_image("data:image/png;base64,QUJD"), Some(("image/png".into(), b"ABC".to_vec())));
        assert_eq!(data_url_image("data:image/svg+xml;base64,QUJD"), None);
        assert_eq!(data_url_image("https://cdn.example.com/a.png"), None);
    }

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
