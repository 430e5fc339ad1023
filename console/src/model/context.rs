//! The conversation's context panel: what the brain understood and who the visitor is,
//! from the live insight, else the dashboard row, else nothing.

use baton_shared::insight::{FlagKind, Insight, Trend};
use baton_shared::protocol::{ConversationSummary, VisitorInfo};

use super::format::{flag_text, score, visitor_label};

#[derive(Debug, Clone, PartialEq)]
pub struct SentimentFact {
    /// "−0.62".
    pub value: String,
    /// Only the insight knows the trend; the dashboard row has the score alone.
    pub trend: Option<Trend>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagChip {
    pub kind: FlagKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContextFacts {
    pub intent: Option<&'static str>,
    pub sentiment: Option<SentimentFact>,
    pub summary: Option<String>,
    /// Name first, then email, page, locale and each attribute as "key: value".
    pub visitor: Vec<String>,
    pub flags: Vec<FlagChip>,
}

/// Gathers what the panel shows. The insight is the conversation's own, newest view; the
/// dashboard row stands in until one arrives.
pub fn context_facts(
    conversation_id: &str,
    insight: Option<&Insight>,
    row: Option<&ConversationSummary>,
    visitor: Option<&VisitorInfo>,
) -> ContextFacts {
    let intent = insight.and_then(|i| i.intent).or_else(|| row.and_then(|r| r.intent)).map(|i| i.label());
    let sentiment = match (insight.and_then(|i| i.sentiment), row.and_then(|r| r.sentiment)) {
        (Some(s), _) => Some(SentimentFact { value: score(s.rolling), trend: Some(s.trend) }),
        (None, Some(v)) => Some(SentimentFact { value: score(v), trend: None }),
        (None, None) => None,
    };
    let summary = insight.map(|i| i.summary.trim()).filter(|s| !s.is_empty()).map(str::to_string);
    let flags = match (insight, row) {
        (Some(i), _) => &i.flags[..],
        (None, Some(r)) => &r.flags[..],
        (None, None) => &[],
    };
    let flags = flags.iter().map(|f| FlagChip { kind: f.kind, text: flag_text(f) }).collect();
    ContextFacts { intent, sentiment, summary, visitor: visitor_lines(conversation_id, row, visitor), flags }
}

fn visitor_lines(conversation_id: &str, row: Option<&ConversationSummary>, info: Option<&VisitorInfo>) -> Vec<String> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let name = info.and_then(|i| given(&i.name)).or_else(|| row.and_then(|r| given(&r.visitor_name)));
    let mut lines = vec![visitor_label(name.as_deref(), conversation_id)];
    if let Some(info) = info {
        let claims = info.name.is_some() || info.email.is_some() || !info.attributes.is_empty();
        match (&info.user_id, info.verified) {
            (Some(user), true) => lines.push(format!("Verified by the site (user {user})")),
            _ if claims => lines.push("Not verified: as the visitor's page says".to_string()),
            _ => {}
        }
        lines.extend([&info.email, &info.page, &info.locale].into_iter().filter_map(given));
        lines.extend(info.attributes.iter().map(|(k, v)| format!("{k}: {v}")));
    }
    lines
}

/// Only web links become anchors; anything else (a `javascript:` URL in an article) stays text.
pub fn safe_link(url: Option<&str>) -> Option<&str> {
    url.map(str::trim).filter(|u| {
        let lower = u.to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::insight::{Flag, Intent, Sentiment};

    fn row() -> ConversationSummary {
        ConversationSummary {
            visitor_name: Some("Ada".into()),
            flags: vec![Flag { kind: FlagKind::Topic, reason: "mentions broken".into(), raised_at: 0 }],
            sentiment: Some(-0.25),
            intent: Some(Intent::Refund),
            ..crate::model::sample_row("conv_abcdef123456")
        }
    }

    #[test]
    fn the_row_stands_in_until_an_insight_arrives() {
        let facts = context_facts("conv_abcdef123456", None, Some(&row()), None);
        assert_eq!(facts.intent, Some("Refund"));
        assert_eq!(facts.sentiment, Some(SentimentFact { value: "\u{2212}0.25".into(), trend: None }));
        assert_eq!(facts.summary, None);
        assert_eq!(facts.visitor, ["Ada"]);
        assert_eq!(facts.flags, [FlagChip { kind: FlagKind::Topic, text: "Topic: mentions broken".into() }]);

        let nothing = context_facts("conv_abcdef123456", None, None, None);
        assert_eq!((nothing.intent, nothing.sentiment, nothing.flags.len()), (None, None, 0));
        assert_eq!(nothing.visitor, ["Visitor 123456"]);
    }

    #[test]
    fn the_insight_and_visitor_details_win() {
        let insight = Insight {
            intent: Some(Intent::HumanRequest),
            sentiment: Some(Sentiment { last: -0.9, rolling: -0.618, trend: Trend::Worsening }),
            summary: " Wants a refund for a broken kettle. ".into(),
            flags: vec![Flag { kind: FlagKind::Vip, reason: "plan is vip".into(), raised_at: 0 }],
            suggestions: Vec::new(),
            articles: Vec::new(),
        };
        let visitor = VisitorInfo {
            name: Some("Ada Lovelace".into()),
            email: Some("ada@example.com".into()),
            page: Some("https://shop.example/cart".into()),
            locale: Some(" ".into()),
            attributes: [("plan".to_string(), "vip".to_string()), ("account".to_string(), "42".to_string())]
                .into_iter()
                .collect(),
            ..VisitorInfo::default()
        };
        let facts = context_facts("c", Some(&insight), Some(&row()), Some(&visitor));
        assert_eq!(facts.intent, Some("Asked for a person"));
        assert_eq!(
            facts.sentiment,
            Some(SentimentFact { value: "\u{2212}0.62".into(), trend: Some(Trend::Worsening) })
        );
        assert_eq!(facts.summary.as_deref(), Some("Wants a refund for a broken kettle."));
        assert_eq!(
            facts.visitor,
            [
                "Ada Lovelace",
                "Not verified: as the visitor's page says",
                "ada@example.com",
                "https://shop.example/cart",
                "account: 42",
                "plan: vip"
            ]
        );
        let verified = VisitorInfo { user_id: Some("u-42".into()), verified: true, ..visitor.clone() };
        let verified_facts = context_facts("c", None, Some(&row()), Some(&verified));
        assert_eq!(verified_facts.visitor[1], "Verified by the site (user u-42)");
        assert_eq!(facts.flags.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(), ["VIP: plan is vip"]);

        let unnamed = VisitorInfo { name: None, ..VisitorInfo::default() };
        assert_eq!(context_facts("c", None, Some(&row()), Some(&unnamed)).visitor, ["Ada"]);
    }

    #[test]
    fn only_web_links_are_links() {
        assert_eq!(safe_link(Some(" https://x.example/a ")), Some("https://x.example/a"));
        assert_eq!(safe_link(Some("HTTP://x")), Some("HTTP://x"));
        assert_eq!(safe_link(Some("javascript:alert(1)")), None);
        assert_eq!(safe_link(None), None);
    }
}
