//! Addresses, reconnect pacing and client ids.

use baton_shared::history::HistoryQuery;

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode_component(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode_component(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes[i] {
            b'%' => bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(v), _) => {
                out.push(v);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of `name` in a `?a=b&c=d` query string.
pub fn query_param(search: &str, name: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| decode_component(k) == name)
        .map(|(_, v)| decode_component(v))
}

/// The site this console serves: `?site=`, else "demo". Only id-like values are taken.
pub fn site_from_query(search: &str) -> String {
    query_param(search, "site")
        .filter(|s| {
            !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .unwrap_or_else(|| "demo".to_string())
}

/// `ws://` or `wss://` URL for an API path on the page's own origin. It carries no token:
/// URLs end up in logs.
pub fn socket_url(page_protocol: &str, host: &str, path: &str) -> String {
    let scheme = if page_protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}{path}")
}

/// The subprotocols a socket offers: Baton's, and the token as `bearer.{token}` (browsers
/// cannot set an `Authorization` header on a WebSocket).
pub fn socket_protocols(token: &str) -> Vec<String> {
    vec!["baton".to_string(), format!("bearer.{token}")]
}

pub fn dashboard_path(site: &str) -> String {
    format!("/api/sites/{}/dashboard", encode_component(site))
}

pub fn conversation_path(site: &str, conversation_id: &str) -> String {
    format!("/api/sites/{}/conversations/{}/ws", encode_component(site), encode_component(conversation_id))
}

pub fn login_path(site: &str) -> String {
    format!("/api/sites/{}/login", encode_component(site))
}

pub fn articles_path(site: &str) -> String {
    format!("/api/sites/{}/articles", encode_component(site))
}

pub fn article_path(site: &str, article_id: &str) -> String {
    format!("{}/{}", articles_path(site), encode_component(article_id))
}

pub fn appearance_path(site: &str) -> String {
    format!("/api/sites/{}/appearance", encode_component(site))
}

pub fn rules_path(site: &str) -> String {
    format!("/api/sites/{}/rules", encode_component(site))
}

pub fn team_path(site: &str) -> String {
    format!("/api/sites/{}/team", encode_component(site))
}

pub fn account_path(site: &str, account_id: &str) -> String {
    format!("{}/{}", team_path(site), encode_component(account_id))
}

pub fn model_usage_path(site: &str) -> String {
    format!("/api/sites/{}/model-usage", encode_component(site))
}

pub fn logout_path(site: &str) -> String {
    format!("/api/sites/{}/logout", encode_component(site))
}

pub fn transfer_path(site: &str, conversation_id: &str) -> String {
    format!("/api/sites/{}/conversations/{}/transfer", encode_component(site), encode_component(conversation_id))
}

pub fn reassign_path(site: &str, conversation_id: &str) -> String {
    format!("/api/sites/{}/conversations/{}/reassign", encode_component(site), encode_component(conversation_id))
}

pub fn visitor_path(site: &str, conversation_id: &str) -> String {
    format!("/api/sites/{}/conversations/{}/visitor", encode_component(site), encode_component(conversation_id))
}

/// `GET /api/sites/{site}/history` with the query's filters; an absent filter is left out, so
/// the server's defaults apply.
pub fn history_path(site: &str, query: &HistoryQuery) -> String {
    let HistoryQuery { q, from, to, agent, outcome, rating, flag, before, limit } = query;
    let pairs = [
        ("q", q.clone()),
        ("from", from.map(|v| v.to_string())),
        ("to", to.map(|v| v.to_string())),
        ("agent", agent.clone()),
        ("outcome", outcome.map(|o| o.as_str().to_string())),
        ("rating", rating.map(|v| v.to_string())),
        ("flag", flag.map(|f| f.as_str().to_string())),
        ("before", before.clone()),
        ("limit", limit.map(|v| v.to_string())),
    ];
    let search: Vec<String> = pairs
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| format!("{name}={}", encode_component(&v))))
        .collect();
    let path = format!("/api/sites/{}/history", encode_component(site));
    if search.is_empty() { path } else { format!("{path}?{}", search.join("&")) }
}

pub fn history_record_path(site: &str, conversation_id: &str) -> String {
    format!("/api/sites/{}/history/{}", encode_component(site), encode_component(conversation_id))
}

pub fn history_erase_path(site: &str) -> String {
    format!("/api/sites/{}/history/erase", encode_component(site))
}

/// `GET`: the site's offline messages, unhandled first.
pub fn offline_messages_path(site: &str) -> String {
    format!("/api/sites/{}/offline-messages", encode_component(site))
}

/// `POST`: the answer to the message a customer left in a conversation.
pub fn offline_reply_path(site: &str, conversation_id: &str) -> String {
    format!("{}/{}/reply", offline_messages_path(site), encode_component(conversation_id))
}

/// A fresh client id from the clock and a random number; fits `validate_client_id`.
pub fn client_id(now_ms: u64, random: f64) -> String {
    let r = (random.clamp(0.0, 1.0) * 1e15) as u64;
    format!("a{}-{}", radix36(now_ms), radix36(r))
}

fn radix36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::text::validate_client_id;

    #[test]
    fn site_comes_from_the_query_with_a_default() {
        assert_eq!(site_from_query(""), "demo");
        assert_eq!(site_from_query("?site=acme"), "acme");
        assert_eq!(site_from_query("?x=1&site=acme-2&y"), "acme-2");
        assert_eq!(site_from_query("?site=a%2Fb"), "demo");
        assert_eq!(site_from_query("?site="), "demo");
        assert_eq!(query_param("?q=a+b%21&r", "q").as_deref(), Some("a b!"));
        assert_eq!(query_param("?q=100%", "q").as_deref(), Some("100%"));
        assert_eq!(query_param("?r", "r").as_deref(), Some(""));
    }

    #[test]
    fn socket_urls_follow_the_page_scheme_and_the_token_goes_in_a_subprotocol() {
        assert_eq!(
            socket_url("http:", "127.0.0.1:8787", &dashboard_path("demo")),
            "ws://127.0.0.1:8787/api/sites/demo/dashboard"
        );
        assert_eq!(
            socket_url("https:", "chat.example.com", &conversation_path("demo", "c1")),
            "wss://chat.example.com/api/sites/demo/conversations/c1/ws"
        );
        assert_eq!(socket_protocols("a.b_c-d"), ["baton", "bearer.a.b_c-d"]);
        assert_eq!(login_path("demo"), "/api/sites/demo/login");
        assert_eq!(article_path("demo", "a b/c"), "/api/sites/demo/articles/a%20b%2Fc");
        assert_eq!(rules_path("demo"), "/api/sites/demo/rules");
        assert_eq!(visitor_path("demo", "c1"), "/api/sites/demo/conversations/c1/visitor");
    }

    #[test]
    fn history_paths_carry_only_the_filters_given() {
        use baton_shared::history::Outcome;
        use baton_shared::insight::FlagKind;
        assert_eq!(history_path("demo", &HistoryQuery::default()), "/api/sites/demo/history");
        let query = HistoryQuery {
            q: Some("refund & café".into()),
            from: Some(1_700_000_000_000),
            to: Some(1_700_086_400_000),
            agent: Some("a 1".into()),
            outcome: Some(Outcome::ResolvedByPerson),
            rating: Some(4),
            flag: Some(FlagKind::AskedForPerson),
            before: Some("1700.c/1".into()),
            limit: Some(25),
        };
        assert_eq!(
            history_path("demo", &query),
            "/api/sites/demo/history?q=refund%20%26%20caf%C3%A9&from=1700000000000&to=1700086400000&agent=a%201\
             &outcome=resolved_by_person&rating=4&flag=asked_for_person&before=1700.c%2F1&limit=25"
        );
        let only_before = HistoryQuery { before: Some("9.x".into()), ..HistoryQuery::default() };
        assert_eq!(history_path("demo", &only_before), "/api/sites/demo/history?before=9.x");
        assert_eq!(history_record_path("demo", "c/1"), "/api/sites/demo/history/c%2F1");
        assert_eq!(history_erase_path("demo"), "/api/sites/demo/history/erase");
    }

    #[test]
    fn offline_message_paths_encode_the_site_and_conversation() {
        assert_eq!(offline_messages_path("demo"), "/api/sites/demo/offline-messages");
        assert_eq!(offline_messages_path("a b"), "/api/sites/a%20b/offline-messages");
        assert_eq!(offline_reply_path("demo", "c1"), "/api/sites/demo/offline-messages/c1/reply");
        assert_eq!(offline_reply_path("demo", "c/1?x"), "/api/sites/demo/offline-messages/c%2F1%3Fx/reply");
    }

    #[test]
    fn client_ids_are_valid_and_distinct() {
        let a = client_id(1_700_000_000_000, 0.123);
        let b = client_id(1_700_000_000_000, 0.124);
        assert_ne!(a, b);
        validate_client_id(&a).unwrap();
        validate_client_id(&client_id(u64::MAX, 1.0)).unwrap();
        validate_client_id(&client_id(0, 0.0)).unwrap();
    }
}
