//! What supervisors may store: knowledge-base articles and the brain's rules, normalised and
//! checked before they reach the site's storage. Every refusal names the field at fault.

use crate::error::{ApiError, ErrorCode};
use crate::insight::SiteRules;
use crate::protocol::ArticleInput;

pub const MAX_ARTICLE_TITLE_CHARS: usize = 200;
pub const MAX_ARTICLE_BODY_CHARS: usize = 20_000;
pub const MAX_TAGS: usize = 30;
pub const MAX_TAG_CHARS: usize = 60;
pub const MAX_URL_BYTES: usize = 2048;
pub const MAX_RULE_LIST: usize = 100;
pub const MAX_RULE_ITEM_CHARS: usize = 100;
/// Longest "unresolved" window: a day.
pub const MAX_UNRESOLVED_MINUTES: u32 = 24 * 60;
pub const MAX_LOW_CONFIDENCE_STREAK: u32 = 20;

fn plain(value: &str) -> bool {
    !value.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

fn bad_article(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidArticle, message)
}

fn bad_rules(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidRules, message)
}

/// Trims an article and refuses one the bot could not serve.
pub fn validate_article(input: ArticleInput) -> Result<ArticleInput, ApiError> {
    let title = input.title.trim().to_string();
    if title.is_empty() || title.chars().count() > MAX_ARTICLE_TITLE_CHARS || title.contains('\n') || !plain(&title) {
        return Err(bad_article(format!("title must be 1-{MAX_ARTICLE_TITLE_CHARS} characters on one line")));
    }
    let body = input.body.trim().to_string();
    if body.is_empty() || body.chars().count() > MAX_ARTICLE_BODY_CHARS || !plain(&body) {
        return Err(bad_article(format!("body must be 1-{MAX_ARTICLE_BODY_CHARS} characters of text")));
    }
    let mut tags: Vec<String> = Vec::new();
    for tag in input.tags {
        let tag = tag.trim().to_string();
        if tag.is_empty() || tags.contains(&tag) {
            continue;
        }
        if tag.chars().count() > MAX_TAG_CHARS || !plain(&tag) || tag.contains('\n') {
            return Err(bad_article(format!("tag {tag:?} is longer than {MAX_TAG_CHARS} characters or not plain")));
        }
        tags.push(tag);
    }
    if tags.len() > MAX_TAGS {
        return Err(bad_article(format!("at most {MAX_TAGS} tags")));
    }
    let url = match input.url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty()) {
        None => None,
        Some(url) => {
            let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
            if !scheme_ok || url.len() > MAX_URL_BYTES || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(bad_article("url must be an http(s) address"));
            }
            Some(url)
        }
    };
    Ok(ArticleInput { title, body, tags, url })
}

/// A readable, stable article id from its title ("Returns & refunds" → "returns-refunds").
pub fn article_slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() && c.is_ascii() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() { "article".to_string() } else { slug }
}

fn clean_list(list: Vec<String>, field: &str) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for item in list {
        let item = item.trim().to_string();
        if item.is_empty() || out.iter().any(|o| o.eq_ignore_ascii_case(&item)) {
            continue;
        }
        if item.chars().count() > MAX_RULE_ITEM_CHARS || !plain(&item) || item.contains('\n') {
            return Err(bad_rules(format!("{field}: {item:?} is longer than {MAX_RULE_ITEM_CHARS} characters")));
        }
        out.push(item);
    }
    if out.len() > MAX_RULE_LIST {
        return Err(bad_rules(format!("{field}: at most {MAX_RULE_LIST} entries")));
    }
    Ok(out)
}

fn in_range(value: Option<f32>, field: &str, min: f32, max: f32) -> Result<Option<f32>, ApiError> {
    match value {
        Some(v) if !v.is_finite() || v < min || v > max => {
            Err(bad_rules(format!("{field} must be between {min} and {max}")))
        }
        other => Ok(other),
    }
}

/// Normalises rules (trimmed, de-duplicated lists) and refuses thresholds out of range.
pub fn validate_rules(mut rules: SiteRules) -> Result<SiteRules, ApiError> {
    let e = &mut rules.escalation;
    if e.low_confidence_streak > MAX_LOW_CONFIDENCE_STREAK {
        return Err(bad_rules(format!(
            "escalation.low_confidence_streak must be 0 (off) to {MAX_LOW_CONFIDENCE_STREAK}"
        )));
    }
    e.sentiment_below = in_range(e.sentiment_below, "escalation.sentiment_below", -1.0, 1.0)?;
    e.sensitive_topics = clean_list(std::mem::take(&mut e.sensitive_topics), "escalation.sensitive_topics")?;
    let a = &mut rules.alerts;
    a.sentiment_below = in_range(a.sentiment_below, "alerts.sentiment_below", -1.0, 1.0)?;
    a.confidence_below = in_range(a.confidence_below, "alerts.confidence_below", 0.0, 1.0)?;
    a.topic_keywords = clean_list(std::mem::take(&mut a.topic_keywords), "alerts.topic_keywords")?;
    if let Some(minutes) = a.unresolved_after_minutes
        && !(1..=MAX_UNRESOLVED_MINUTES).contains(&minutes)
    {
        return Err(bad_rules(format!("alerts.unresolved_after_minutes must be 1-{MAX_UNRESOLVED_MINUTES}")));
    }
    if let Some(vip) = &mut a.vip {
        vip.attribute = vip.attribute.trim().to_string();
        vip.value = vip.value.trim().to_string();
        if vip.attribute.is_empty() && vip.value.is_empty() {
            a.vip = None;
        } else if vip.attribute.is_empty()
            || vip.attribute.len() > 40
            || !vip.attribute.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            || vip.value.is_empty()
            || vip.value.chars().count() > MAX_RULE_ITEM_CHARS
        {
            return Err(bad_rules("alerts.vip needs an attribute (letters, digits, _ or -) and a value"));
        }
    }
    let c = &mut rules.compliance;
    c.forbidden_promises = clean_list(std::mem::take(&mut c.forbidden_promises), "compliance.forbidden_promises")?;
    c.banned_words = clean_list(std::mem::take(&mut c.banned_words), "compliance.banned_words")?;
    if rules.skills.len() > MAX_RULE_LIST {
        return Err(bad_rules(format!("skills: at most {MAX_RULE_LIST} rules")));
    }
    for rule in &mut rules.skills {
        rule.skill = crate::team::check_skills(std::slice::from_ref(&rule.skill))
            .ok()
            .and_then(|mut s| s.pop())
            .ok_or_else(|| bad_rules(format!("skills: {:?} is not a skill name", rule.skill)))?;
        rule.keywords = clean_list(std::mem::take(&mut rule.keywords), "skills.keywords")?;
    }
    Ok(rules)
}

/// A language model's endpoint: `https:`, since the request carries the site's key and the
/// customer's words. Plain `http:` only to this machine's loopback (`localhost`, `127.x.x.x`,
/// `[::1]`), where nothing travels over a network: a model run beside a local `wrangler dev`.
pub fn validate_model_endpoint(endpoint: &str) -> Result<String, ApiError> {
    let endpoint = endpoint.trim();
    let refused =
        || ApiError::new(ErrorCode::BadRequest, "model.endpoint must be an https:// URL (http:// only to localhost)");
    if endpoint.len() > MAX_URL_BYTES || endpoint.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refused());
    }
    let lower = endpoint.to_ascii_lowercase();
    let (secure, rest) = match (lower.strip_prefix("https://"), lower.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => return Err(refused()),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // Credentials in the URL would end up in logs; the key has its own field.
    let host = if authority.contains('@') { "" } else { host_of(authority) };
    let loopback = host == "localhost" || host == "[::1]" || host.strip_prefix("127.").is_some_and(is_ipv4_tail);
    if host.is_empty() || !(secure || loopback) {
        return Err(refused());
    }
    Ok(endpoint.to_string())
}

/// The host of `host[:port]`, brackets kept for IPv6.
fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or_default();
    }
    authority.split(':').next().unwrap_or_default()
}

/// "0.0.1": three dot-separated numbers, the rest of a 127.x.x.x address.
fn is_ipv4_tail(tail: &str) -> bool {
    let parts: Vec<&str> = tail.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| p.parse::<u8>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::VipRule;

    fn input(title: &str, body: &str) -> ArticleInput {
        ArticleInput { title: title.into(), body: body.into(), tags: vec![], url: None }
    }

    #[test]
    fn articles_are_trimmed_and_checked() {
        let ok = validate_article(ArticleInput {
            tags: vec![" returns ".into(), "".into(), "returns".into()],
            url: Some(" https://shop.test/returns ".into()),
            ..input("  Returns ", " You can return items. ")
        })
        .unwrap();
        assert_eq!(ok.title, "Returns");
        assert_eq!(ok.body, "You can return items.");
        assert_eq!(ok.tags, vec!["returns"]);
        assert_eq!(ok.url.as_deref(), Some("https://shop.test/returns"));
        for bad in [
            input("", "body"),
            input("title", "  "),
            input("two\nlines", "body"),
            input(&"t".repeat(MAX_ARTICLE_TITLE_CHARS + 1), "body"),
            ArticleInput { url: Some("javascript:alert(1)".into()), ..input("t", "b") },
            ArticleInput { tags: vec!["x".repeat(MAX_TAG_CHARS + 1)], ..input("t", "b") },
        ] {
            assert_eq!(validate_article(bad.clone()).unwrap_err().code, ErrorCode::InvalidArticle, "{bad:?}");
        }
    }

    #[test]
    fn slugs_are_readable() {
        assert_eq!(article_slug("Returns & refunds"), "returns-refunds");
        assert_eq!(article_slug("  Größe?  "), "gr-e");
        assert_eq!(article_slug("!!!"), "article");
    }

    #[test]
    fn rules_are_normalised_and_range_checked() {
        let mut rules = SiteRules::default();
        rules.escalation.sensitive_topics = vec![" Lawyer ".into(), "lawyer".into(), "".into()];
        rules.alerts.vip = Some(VipRule { attribute: " ".into(), value: "".into(), unverified_too: false });
        let clean = validate_rules(rules).unwrap();
        assert_eq!(clean.escalation.sensitive_topics, vec!["Lawyer"]);
        assert_eq!(clean.alerts.vip, None);

        let mut rules = SiteRules::default();
        rules.alerts.sentiment_below = Some(-1.5);
        assert_eq!(validate_rules(rules).unwrap_err().code, ErrorCode::InvalidRules);
        let mut rules = SiteRules::default();
        rules.alerts.confidence_below = Some(f32::NAN);
        assert!(validate_rules(rules).is_err());
        let mut rules = SiteRules::default();
        rules.alerts.unresolved_after_minutes = Some(0);
        assert!(validate_rules(rules).is_err());
        let mut rules = SiteRules::default();
        rules.escalation.low_confidence_streak = 99;
        assert!(validate_rules(rules).is_err());
        let mut rules = SiteRules::default();
        rules.alerts.vip = Some(VipRule { attribute: "plan type".into(), value: "vip".into(), unverified_too: false });
        assert!(validate_rules(rules).is_err());
    }

    #[test]
    fn model_endpoints_are_https_or_loopback_http() {
        for ok in [
            "https://api.openai.com/v1/chat/completions",
            " https://models.example.com:8443/v1 ",
            "http://127.0.0.1:9911/v1/chat/completions",
            "http://localhost:8080/v1",
            "http://[::1]:7000/v1",
        ] {
            assert_eq!(validate_model_endpoint(ok).as_deref(), Ok(ok.trim()), "{ok}");
        }
        for refused in [
            "http://models.example.com/v1",
            "http://127.0.0.1.evil.test/v1",
            "http://localhost.evil.test/v1",
            "http://user:pw@localhost/v1",
            "ftp://models.example.com/v1",
            "https://",
            "https://models.example.com/v1 x",
            "javascript:alert(1)",
        ] {
            assert_eq!(validate_model_endpoint(refused).map_err(|e| e.code), Err(ErrorCode::BadRequest), "{refused}");
        }
    }
}
