//! Which web origins may talk to a site: the widget only from the site's allow-list, the
//! console only from Baton's own origin. Requests without an `Origin` header come from
//! non-browser clients, which a browser-side policy cannot and need not restrict.

use crate::error::{ApiError, ErrorCode};

fn normalise(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// Whether a page at `origin` may embed the widget of a site allowing `allowed`
/// (`"*"` allows any origin; Baton's own origin, e.g. the demo page, is always allowed).
pub fn embed_allowed(allowed: &[String], origin: Option<&str>, own_origin: &str) -> bool {
    let Some(origin) = origin.map(normalise) else { return true };
    origin == normalise(own_origin) || allowed.iter().any(|a| a.trim() == "*" || normalise(a) == origin)
}

pub fn check_embed(site: &str, allowed: &[String], origin: Option<&str>, own_origin: &str) -> Result<(), ApiError> {
    if embed_allowed(allowed, origin, own_origin) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("origin {} may not embed the widget of site {site}", origin.unwrap_or_default()),
        ))
    }
}

/// Agent endpoints answer Baton's own console only.
pub fn check_same_origin(origin: Option<&str>, own_origin: &str) -> Result<(), ApiError> {
    match origin.map(normalise) {
        Some(origin) if origin != normalise(own_origin) => Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("agent endpoints refuse cross-origin requests from {origin}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: &str = "https://baton.example";

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn allow_list_is_exact_by_scheme_host_and_port() {
        let allowed = list(&["https://shop.example", "http://localhost:3000/"]);
        assert!(embed_allowed(&allowed, Some("https://shop.example"), OWN));
        assert!(embed_allowed(&allowed, Some("HTTPS://Shop.Example"), OWN));
        assert!(embed_allowed(&allowed, Some("http://localhost:3000"), OWN));
        assert!(!embed_allowed(&allowed, Some("http://shop.example"), OWN));
        assert!(!embed_allowed(&allowed, Some("https://shop.example.evil.test"), OWN));
        assert!(!embed_allowed(&allowed, Some("http://localhost:3001"), OWN));
        assert!(!embed_allowed(&allowed, Some("null"), OWN));
        assert!(!embed_allowed(&[], Some("https://shop.example"), OWN));
    }

    #[test]
    fn wildcard_own_origin_and_non_browsers_pass() {
        assert!(embed_allowed(&list(&["*"]), Some("https://anything.example"), OWN));
        assert!(embed_allowed(&[], Some(OWN), OWN));
        assert!(embed_allowed(&[], None, OWN));
    }

    #[test]
    fn agent_endpoints_are_same_origin_only() {
        assert!(check_same_origin(Some(OWN), OWN).is_ok());
        assert!(check_same_origin(None, OWN).is_ok());
        let err = check_same_origin(Some("https://evil.example"), OWN).unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden);
        assert!(err.message.contains("evil.example"));
        let err = check_embed("demo", &[], Some("https://evil.example"), OWN).unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden);
    }
}
