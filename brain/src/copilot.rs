//! Suggested replies and relevant articles for the agent holding a conversation.
//!
//! Drafts are written the way an agent would answer, quoting the article's opening so the
//! facts stay the article's own. The agent edits and sends them; nothing here is sent alone.

use baton_shared::{Article, ArticleHit, Suggestion};

use crate::answer;
use crate::knowledge::{CONFIDENCE_THRESHOLD, Hit, KnowledgeBase};
use crate::summary::clip;

pub const MAX_ARTICLES: usize = 3;
pub const MAX_SUGGESTIONS: usize = 3;
/// Weaker matches are noise in the side panel.
pub const MIN_CONFIDENCE: f32 = 0.2;
pub const MAX_SUGGESTION_CHARS: usize = 500;
/// Customer messages searched together, so "how many days?" after "I want to return this" finds
/// the returns article.
const CONTEXT_MESSAGES: usize = 3;

/// Drafts for the agent from the best-matching articles; `customer_messages` oldest first.
pub fn suggest(knowledge: &KnowledgeBase, customer_messages: &[&str]) -> (Vec<Suggestion>, Vec<ArticleHit>) {
    let recent: Vec<&str> = customer_messages.iter().map(|m| m.trim()).filter(|m| !m.is_empty()).collect();
    let Some(latest) = recent.last() else { return (Vec::new(), Vec::new()) };
    let latest_hits = knowledge.search(latest, MAX_ARTICLES + 2);
    let context = &recent[recent.len().saturating_sub(CONTEXT_MESSAGES)..];
    let context_hits =
        if context.len() > 1 { knowledge.search(&context.join("\n"), MAX_ARTICLES + 2) } else { Vec::new() };

    let best: Vec<(&Article, f32)> = merge(&latest_hits, &context_hits)
        .into_iter()
        .filter_map(|hit| knowledge.articles().get(hit.index).map(|a| (a, hit.confidence)))
        .collect();
    let articles = best
        .iter()
        .map(|(a, confidence)| ArticleHit {
            id: a.id.clone(),
            title: a.title.clone(),
            url: a.url.clone(),
            confidence: *confidence,
        })
        .collect();
    let suggestions = if best.is_empty() {
        vec![Suggestion { text: ask_for_details(&recent), article_id: None }]
    } else {
        best.iter()
            .take(MAX_SUGGESTIONS)
            .enumerate()
            .map(|(rank, (a, confidence))| Suggestion {
                text: draft(rank, a, *confidence),
                article_id: Some(a.id.clone()),
            })
            .collect()
    };
    (suggestions, articles)
}

/// Both searches' hits, each article once at its better confidence, best first (the latest
/// message's hits first among equals), weak ones dropped.
pub fn merge(latest: &[Hit], context: &[Hit]) -> Vec<Hit> {
    let mut merged: Vec<Hit> = Vec::new();
    for hit in latest.iter().chain(context) {
        if hit.confidence.is_nan() || hit.confidence < MIN_CONFIDENCE {
            continue;
        }
        let confidence = hit.confidence.min(1.0);
        match merged.iter_mut().find(|m| m.index == hit.index) {
            Some(m) => m.confidence = m.confidence.max(confidence),
            None => merged.push(Hit { index: hit.index, confidence }),
        }
    }
    // Stable, so equals keep the latest message's order.
    merged.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    merged.truncate(MAX_ARTICLES);
    merged
}

/// A reply quoting `article`; `rank` varies the wording so three drafts do not read alike.
pub fn draft(rank: usize, article: &Article, confidence: f32) -> String {
    let opener = ["Thanks for waiting.", "Happy to help with that.", "Good question."][rank % 3];
    let hedge = if confidence < CONFIDENCE_THRESHOLD { " I think this is what you need:" } else { "" };
    let closer = [
        " Does that answer your question?",
        " Let me know if anything is unclear.",
        " Is there anything else I can help with?",
    ][rank % 3];
    // Quoted like the bot quotes, but the link goes last, after the agent's own closing words.
    let body = if article.body.trim().is_empty() {
        format!("Our article \"{}\" covers this.", clip(&article.title, 80))
    } else {
        answer::quote(&Article { url: None, ..article.clone() })
    };
    let text = clip(&format!("{opener}{hedge} {body}{closer}"), MAX_SUGGESTION_CHARS);
    let link = article.url.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(|u| format!("\n\nMore: {u}"));
    match link {
        // A cut link is a broken link: leave it out when it does not fit whole.
        Some(link) if text.chars().count() + link.chars().count() <= MAX_SUGGESTION_CHARS => text + &link,
        _ => text,
    }
}

/// Nothing in the knowledge base matches: ask for what the agent will need to look it up.
fn ask_for_details(recent: &[&str]) -> String {
    // An order or reference number was probably given already; asking again annoys.
    let has_number = recent.iter().any(|m| m.split(|c: char| !c.is_ascii_digit()).any(|run| run.len() >= 5));
    if has_number {
        "Thanks for the details, I'm looking into this for you now. Could you tell me a little more about \
         what happened, so I can check it properly?"
            .to_string()
    } else {
        "Thanks for waiting, I'm looking into this for you. Could you share your order number and a few \
         details about what happened, so I can check it properly?"
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, title: &str, body: &str, tags: &[&str]) -> Article {
        Article {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            url: Some(format!("https://shop.example/help/{id}")),
        }
    }

    fn kb() -> KnowledgeBase {
        KnowledgeBase::new(vec![
            article(
                "shipping-times",
                "Shipping times and costs",
                "Standard shipping takes 3 to 5 business days and is free on orders over $50; below that it costs \
                 $4.95. Express shipping arrives in 1 to 2 business days for $14.95. Orders placed before 2 pm ship \
                 the same day.",
                &["shipping", "delivery", "express", "how long"],
            ),
            article(
                "returns-policy",
                "Returns policy",
                "You can return unworn items within 30 days of delivery for a full refund. Start a return from \
                 Account > Orders and print the prepaid label; returns are free within the US.",
                &["return", "returns", "send back", "refund"],
            ),
            article(
                "order-tracking",
                "Tracking your order",
                "Once your order ships we email a tracking link. You can also see the status under Account > Orders.",
                &["track", "tracking", "where is my order", "package"],
            ),
            article(
                "payment-methods",
                "Payment methods",
                "We accept Visa, Mastercard, American Express, PayPal and Apple Pay. Gift cards can be combined with any \
                 of them.",
                &["pay", "payment", "card", "paypal"],
            ),
        ])
    }

    fn ids(hits: &[ArticleHit]) -> Vec<&str> {
        hits.iter().map(|h| h.id.as_str()).collect()
    }

    #[test]
    fn the_latest_question_finds_its_article_and_a_draft_quoting_it() {
        let (suggestions, articles) = suggest(&kb(), &["hi", "How long does shipping take to arrive?"]);
        assert_eq!(articles.first().map(|a| a.id.as_str()), Some("shipping-times"), "{articles:?}");
        assert_eq!(articles[0].title, "Shipping times and costs");
        assert_eq!(articles[0].url.as_deref(), Some("https://shop.example/help/shipping-times"));
        assert_eq!(suggestions[0].article_id.as_deref(), Some("shipping-times"));
        assert!(suggestions[0].text.starts_with("Thanks for waiting. Standard shipping takes 3 to 5 business days"));
        assert!(suggestions[0].text.ends_with("\n\nMore: https://shop.example/help/shipping-times"));
    }

    #[test]
    fn earlier_messages_give_a_short_follow_up_its_topic() {
        let (_, articles) = suggest(&kb(), &["I'd like to return the jacket I bought", "how many days do I have?"]);
        assert!(ids(&articles).contains(&"returns-policy"), "{articles:?}");
    }

    #[test]
    fn hits_are_distinct_bounded_confident_and_best_first() {
        let (suggestions, articles) =
            suggest(&kb(), &["where is my package?", "can I pay by card", "shipping and returns and tracking"]);
        assert!(!articles.is_empty() && articles.len() <= MAX_ARTICLES);
        let mut seen = ids(&articles);
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), articles.len());
        assert!(articles.iter().all(|a| a.confidence >= MIN_CONFIDENCE && a.confidence <= 1.0));
        assert!(articles.windows(2).all(|w| w[0].confidence >= w[1].confidence));
        assert!(suggestions.len() <= MAX_SUGGESTIONS);
        assert!(suggestions.iter().all(|s| s.text.chars().count() <= MAX_SUGGESTION_CHARS && s.article_id.is_some()));
    }

    #[test]
    fn without_a_match_the_agent_gets_a_request_for_details() {
        let (suggestions, articles) = suggest(&kb(), &["zxqv blorp frobnicate"]);
        assert_eq!(articles, vec![]);
        assert_eq!(suggestions.len(), 1);
        assert_eq!(suggestions[0].article_id, None);
        assert!(suggestions[0].text.contains("order number"), "{}", suggestions[0].text);
        let (suggestions, _) = suggest(&kb(), &["zxqv blorp, order 1234567"]);
        assert!(!suggestions[0].text.contains("order number"), "{}", suggestions[0].text);
        assert_eq!(suggest(&kb(), &[]), (vec![], vec![]));
        assert_eq!(suggest(&kb(), &["  ", ""]), (vec![], vec![]));
    }

    #[test]
    fn merging_keeps_each_article_once_at_its_best_and_drops_weak_hits() {
        let hit = |index, confidence| Hit { index, confidence };
        let merged = merge(
            &[hit(2, 0.5), hit(0, 0.3), hit(5, 0.1)],
            &[hit(0, 0.8), hit(1, 0.5), hit(2, 0.4), hit(3, 0.21), hit(4, f32::NAN), hit(6, 1.5)],
        );
        assert_eq!(merged, [hit(6, 1.0), hit(0, 0.8), hit(2, 0.5)]);
        let merged = merge(&[hit(3, 0.4)], &[hit(1, 0.4), hit(3, 0.2)]);
        assert_eq!(merged, [hit(3, 0.4), hit(1, 0.4)], "the latest message wins ties");
        assert_eq!(merge(&[], &[]), vec![]);
    }

    #[test]
    fn drafts_quote_the_article_opening_and_stay_bounded() {
        let returns = article(
            "returns-policy",
            "Returns policy",
            "You can return unworn items within 30 days of delivery for a full refund. Start a return from \
             Account > Orders and print the prepaid label; returns are free within the US.",
            &[],
        );
        let text = draft(0, &returns, 0.8);
        assert!(text.starts_with("Thanks for waiting. You can return unworn items within 30 days"), "{text}");
        assert!(
            text.ends_with("Does that answer your question?\n\nMore: https://shop.example/help/returns-policy"),
            "{text}"
        );
        let text = draft(1, &returns, 0.25);
        assert!(text.starts_with("Happy to help with that. I think this is what you need: You can"), "{text}");

        let long = Article {
            body: "word ".repeat(400),
            url: Some(format!("https://x.example/{}", "p".repeat(300))),
            ..returns.clone()
        };
        let text = draft(2, &long, 0.9);
        assert!(text.chars().count() <= MAX_SUGGESTION_CHARS, "{text}");
        assert!(
            text.starts_with("Good question. word word") && text.ends_with("Is there anything else I can help with?")
        );
        assert!(!text.contains("x.example"), "a link that does not fit is left out whole");

        let empty = Article { body: " ".into(), url: None, ..returns };
        assert_eq!(
            draft(0, &empty, 0.9),
            "Thanks for waiting. Our article \"Returns policy\" covers this. Does that answer your question?"
        );
    }
}
