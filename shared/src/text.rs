//! Small text helpers both UIs and the edge use, so they agree on the result.

use crate::error::{ApiError, ErrorCode};
use crate::limits::{MAX_CLIENT_ID_BYTES, MAX_TEXT_CHARS, PREVIEW_CHARS};

/// Up to two uppercase initials for an avatar placeholder: "Dana Smith" → "DS".
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut out = String::new();
    match words.as_slice() {
        [] => out.push('?'),
        [one] => out.extend(one.chars().next().into_iter().flat_map(char::to_uppercase)),
        [first, .., last] => {
            out.extend(first.chars().next().into_iter().flat_map(char::to_uppercase));
            out.extend(last.chars().next().into_iter().flat_map(char::to_uppercase));
        }
    }
    out
}

/// Trims, rejects empty or oversize text. Markup is kept as typed: UIs render it as text.
pub fn validate_message_text(text: &str) -> Result<String, ApiError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ApiError::new(ErrorCode::EmptyText, "message is empty"));
    }
    let chars = trimmed.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(ApiError::new(
            ErrorCode::TextTooLong,
            format!("message has {chars} characters; the limit is {MAX_TEXT_CHARS}"),
        ));
    }
    Ok(trimmed.to_string())
}

/// An email address a customer typed: trimmed, one `@` with something on each side, a dot in
/// the domain, no spaces, at most 254 bytes. Whether it receives mail is for the mail to say.
pub fn validate_email(email: &str) -> Result<String, ApiError> {
    let email = email.trim();
    let well_formed = email.len() <= crate::limits::MAX_EMAIL_BYTES
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|label| !label.is_empty())
        });
    if well_formed {
        Ok(email.to_string())
    } else {
        Err(ApiError::new(ErrorCode::InvalidEmail, "that does not look like an email address, e.g. ana@example.com"))
    }
}

/// Client ids are opaque, short and printable.
pub fn validate_client_id(id: &str) -> Result<(), ApiError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_CLIENT_ID_BYTES
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidClientId,
            format!("client_id must be 1-{MAX_CLIENT_ID_BYTES} characters of [A-Za-z0-9_-]"),
        ))
    }
}

/// First line of a message, shortened for a dashboard row.
pub fn preview(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= PREVIEW_CHARS {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(PREVIEW_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Dana"), "D");
        assert_eq!(initials("dana smith"), "DS");
        assert_eq!(initials("Ana María López"), "AL");
        assert_eq!(initials("   "), "?");
        assert_eq!(initials("élodie"), "É");
    }

    #[test]
    fn message_text_is_trimmed_and_bounded() {
        assert_eq!(validate_message_text("  hi  ").unwrap(), "hi");
        assert_eq!(validate_message_text(" \n ").unwrap_err().code, ErrorCode::EmptyText);
        let long = "é".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(validate_message_text(&long).unwrap_err().code, ErrorCode::TextTooLong);
        let max = "é".repeat(MAX_TEXT_CHARS);
        assert!(validate_message_text(&max).is_ok());
        assert_eq!(validate_message_text("<b>x</b>").unwrap(), "<b>x</b>");
    }

    #[test]
    fn client_ids() {
        assert!(validate_client_id("c-1_A").is_ok());
        assert!(validate_client_id("").is_err());
        assert!(validate_client_id("a b").is_err());
        assert!(validate_client_id(&"a".repeat(65)).is_err());
    }

    #[test]
    fn previews_are_one_short_line() {
        assert_eq!(preview("a\n b"), "a b");
        let p = preview(&"x".repeat(500));
        assert_eq!(p.chars().count(), PREVIEW_CHARS);
        assert!(p.ends_with('…'));
    }
}
