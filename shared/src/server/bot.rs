//! The first knowledge-base bot: small talk, "I want a person" detection, and BM25 retrieval
//! over the site's articles with a confidence the edge can act on.
//!
//! Pure and deterministic: the same articles and message always give the same reply.

use std::collections::{HashMap, HashSet};

use crate::protocol::{Article, BotMeta};

/// Below this confidence the bot does not answer from an article; it offers a person instead.
pub const CONFIDENCE_THRESHOLD: f32 = 0.35;
/// Longest article opening quoted in an answer, in characters.
pub const MAX_QUOTE_CHARS: usize = 300;

pub const NOT_SURE_TEXT: &str =
    "I'm not sure about that. You can press “Talk to a person” and someone from our team will help.";

/// What the bot wants to do with a customer message.
#[derive(Debug, Clone, PartialEq)]
pub enum BotReply {
    /// An answer quoted from the best matching article.
    Answer { text: String, confidence: f32, article_id: String, article_title: String },
    /// Nothing matched well enough; the text offers a person.
    NotSure { text: String, confidence: f32 },
    /// A greeting, thanks or goodbye.
    SmallTalk { kind: SmallTalk, text: String },
    /// The customer asked for a person in words; the edge queues the conversation.
    WantsHuman,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmallTalk {
    Greeting,
    Thanks,
    Goodbye,
}

impl BotReply {
    /// The message the bot should say, with its metadata; `None` for `WantsHuman`.
    pub fn message(&self) -> Option<(String, BotMeta)> {
        match self {
            BotReply::Answer { text, confidence, article_id, article_title } => Some((
                text.clone(),
                BotMeta {
                    confidence: *confidence,
                    article_id: Some(article_id.clone()),
                    article_title: Some(article_title.clone()),
                },
            )),
            BotReply::NotSure { text, confidence } => {
                Some((text.clone(), BotMeta { confidence: *confidence, article_id: None, article_title: None }))
            }
            BotReply::SmallTalk { text, .. } => {
                Some((text.clone(), BotMeta { confidence: 1.0, article_id: None, article_title: None }))
            }
            BotReply::WantsHuman => None,
        }
    }
}

/// A site's articles with their search index. Building the index tokenises and stems every
/// article, so it is built once per knowledge base and reused for every message.
pub struct KnowledgeBase {
    articles: Vec<Article>,
    index: Index,
}

impl KnowledgeBase {
    pub fn new(articles: Vec<Article>) -> KnowledgeBase {
        let index = Index::new(&articles);
        KnowledgeBase { articles, index }
    }

    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }
}

/// Decides the bot's reply to one customer message.
pub fn respond(knowledge: &KnowledgeBase, bot_name: &str, message: &str) -> BotReply {
    let words = words(message);
    if wants_human(&words) {
        return BotReply::WantsHuman;
    }
    if let Some(kind) = small_talk(&words) {
        return BotReply::SmallTalk { kind, text: small_talk_text(kind, bot_name) };
    }
    let query = terms(&words);
    match knowledge.index.best(&query) {
        Some(hit) if hit.confidence >= CONFIDENCE_THRESHOLD => {
            let article = &knowledge.articles[hit.doc];
            BotReply::Answer {
                text: answer_text(article),
                confidence: hit.confidence,
                article_id: article.id.clone(),
                article_title: article.title.clone(),
            }
        }
        hit => BotReply::NotSure { text: NOT_SURE_TEXT.to_string(), confidence: hit.map_or(0.0, |h| h.confidence) },
    }
}

// ---------------------------------------------------------------------------------------------
// Text handling

/// Lowercased runs of Unicode alphanumerics (apostrophes inside words are dropped: "don't" → "dont").
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        } else if (c == '\'' || c == '’') && !current.is_empty() {
            continue;
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can",
    "could", "did", "do", "does", "for", "from", "get", "got", "had", "has", "have", "hello", "hey", "hi", "how", "i",
    "if", "im", "in", "into", "is", "it", "its", "just", "know", "like", "may", "me", "might", "much", "must", "my",
    "need", "no", "of", "ok", "on", "or", "our", "please", "pls", "shall", "should", "so", "some", "tell", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "too", "us", "very", "want", "was",
    "we", "were", "what", "whats", "when", "where", "which", "who", "why", "will", "with", "would", "yes", "you",
    "your",
];

fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

/// A light suffix stripper so "returns", "returned" and "returning" meet "return",
/// and "shipping" meets "ship".
fn stem(word: &str) -> String {
    let n = word.chars().count();
    let strip = |suffix: &str, min_len: usize, replacement: &str| -> Option<String> {
        (n >= min_len && word.ends_with(suffix))
            .then(|| format!("{}{}", &word[..word.len() - suffix.len()], replacement))
    };
    if let Some(stem) = strip("ing", 6, "").or_else(|| strip("ed", 5, "")) {
        return undouble(stem);
    }
    strip("ies", 5, "y")
        .or_else(|| if word.ends_with("ss") || word.ends_with("us") { None } else { strip("s", 4, "") })
        .unwrap_or_else(|| word.to_string())
}

/// "shipp" → "ship", "stopp" → "stop"; "ll", "ss" and "zz" stay ("fill", "pass").
fn undouble(mut stem: String) -> String {
    let mut tail = stem.chars().rev();
    if let (Some(last), Some(before)) = (tail.next(), tail.next())
        && last == before
        && last.is_ascii_alphabetic()
        && !matches!(last, 'a' | 'e' | 'i' | 'o' | 'u' | 'l' | 's' | 'z')
    {
        stem.pop();
    }
    stem
}

/// Search terms: words minus stopwords, stemmed.
fn terms(words: &[String]) -> Vec<String> {
    words.iter().filter(|w| !is_stopword(w)).map(|w| stem(w)).collect()
}

/// The first one or two sentences of an article, at most `MAX_QUOTE_CHARS` characters.
fn opening(body: &str) -> String {
    let text: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut ends = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if matches!(c, '.' | '!' | '?') && chars.get(i + 1).is_none_or(|n| n.is_whitespace()) {
            ends.push(i + 1);
        }
    }
    let mut take = match ends.as_slice() {
        [] => chars.len(),
        [first, ..] if *first >= 120 => *first,
        [_, second, ..] => *second,
        [first] => *first,
    };
    if take > MAX_QUOTE_CHARS {
        take = MAX_QUOTE_CHARS;
    }
    let mut out: String = chars[..take].iter().collect();
    if take < chars.len() && !out.ends_with(['.', '!', '?']) {
        // Cut at a word boundary and mark the cut.
        if let Some(space) = out.rfind(' ') {
            out.truncate(space);
        }
        out = out.trim_end_matches([',', ';', ':']).to_string();
        out.push('…');
    }
    out
}

fn answer_text(article: &Article) -> String {
    let mut text = opening(&article.body);
    if text.is_empty() {
        text = article.title.clone();
    }
    if let Some(url) = article.url.as_deref().filter(|u| !u.trim().is_empty()) {
        text.push_str("\n\nMore: ");
        text.push_str(url.trim());
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Intents

const PERSON_WORDS: &[&str] =
    &["person", "persons", "people", "someone", "somebody", "anyone", "anybody", "man", "woman"];
const ALWAYS_HUMAN_WORDS: &[&str] = &[
    "human",
    "humans",
    "agent",
    "agents",
    "representative",
    "representatives",
    "rep",
    "reps",
    "operator",
    "operators",
    "staff",
    "employee",
    "employees",
];
const CONTACT_WORDS: &[&str] = &[
    "talk", "speak", "chat", "connect", "contact", "transfer", "call", "reach", "want", "need", "get", "give", "put",
    "real", "live", "actual", "with",
];
/// Verbs that make a following person word a request: "is there anyone I can talk to".
const TALK_WORDS: &[&str] = &["talk", "speak", "chat", "contact", "call", "reach"];

/// Whether the customer is asking for a person: "talk to a person", "real person", "human",
/// "agent", "representative", "can I speak with someone?" and the like.
fn wants_human(words: &[String]) -> bool {
    if words.iter().any(|w| ALWAYS_HUMAN_WORDS.contains(&w.as_str())) {
        return true;
    }
    let person_at: Vec<usize> =
        words.iter().enumerate().filter(|(_, w)| PERSON_WORDS.contains(&w.as_str())).map(|(i, _)| i).collect();
    // A person word counts only near a contact word, so "someone stole my parcel" stays a question.
    person_at.iter().any(|&i| {
        let before = &words[i.saturating_sub(4)..i];
        let after = &words[i + 1..words.len().min(i + 5)];
        before.iter().any(|w| CONTACT_WORDS.contains(&w.as_str()))
            || after.iter().any(|w| TALK_WORDS.contains(&w.as_str()))
    })
}

/// Words that make a greeting on their own.
const GREETING_HEADS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hiya",
    "howdy",
    "yo",
    "greetings",
    "morning",
    "afternoon",
    "evening",
    "hallo",
    "hola",
    "bonjour",
];
/// Words that only accompany a greeting ("good morning", "hi there").
const GREETING_COMPANIONS: &[&str] = &["good", "there"];
const THANKS: &[&str] = &[
    "thanks", "thank", "thx", "ty", "cheers", "you", "so", "much", "a", "lot", "great", "ok", "okay", "perfect",
    "awesome", "that", "helps", "helped", "very", "many",
];
const GOODBYES: &[&str] =
    &["bye", "goodbye", "cya", "later", "see", "you", "ok", "okay", "thanks", "have", "a", "nice", "day"];

/// Short messages made only of greeting, thanks or goodbye words.
fn small_talk(words: &[String]) -> Option<SmallTalk> {
    if words.is_empty() || words.len() > 6 {
        return None;
    }
    let only = |set: &[&str]| words.iter().all(|w| set.contains(&w.as_str()));
    let any = |set: &[&str]| words.iter().any(|w| set.contains(&w.as_str()));
    if only(GOODBYES) && any(&["bye", "goodbye", "cya", "later"]) {
        Some(SmallTalk::Goodbye)
    } else if only(THANKS) && any(&["thanks", "thank", "thx", "ty", "cheers"]) {
        Some(SmallTalk::Thanks)
    } else if words.iter().all(|w| GREETING_HEADS.contains(&w.as_str()) || GREETING_COMPANIONS.contains(&w.as_str()))
        && any(GREETING_HEADS)
    {
        Some(SmallTalk::Greeting)
    } else {
        None
    }
}

fn small_talk_text(kind: SmallTalk, bot_name: &str) -> String {
    match kind {
        SmallTalk::Greeting => format!("Hi! I'm {bot_name}. What can I help you with today?"),
        SmallTalk::Thanks => "You're welcome! Is there anything else I can help with?".to_string(),
        SmallTalk::Goodbye => "Thanks for chatting. Have a great day!".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Retrieval: BM25 over a weighted bag of title, tag and body terms

const TITLE_WEIGHT: f32 = 3.0;
const TAG_WEIGHT: f32 = 2.0;
const BODY_WEIGHT: f32 = 1.0;
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Score at which the score part of the confidence reaches one half.
const SCORE_HALF: f32 = 4.0;

struct Index {
    /// Weighted term frequencies per article.
    docs: Vec<HashMap<String, f32>>,
    lengths: Vec<f32>,
    average_length: f32,
    document_frequency: HashMap<String, usize>,
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    doc: usize,
    confidence: f32,
}

impl Index {
    fn new(articles: &[Article]) -> Index {
        let mut docs = Vec::with_capacity(articles.len());
        let mut lengths = Vec::with_capacity(articles.len());
        let mut document_frequency: HashMap<String, usize> = HashMap::new();
        for article in articles {
            let mut tf: HashMap<String, f32> = HashMap::new();
            let mut add = |text: &str, weight: f32| {
                for term in terms(&words(text)) {
                    *tf.entry(term).or_default() += weight;
                }
            };
            add(&article.title, TITLE_WEIGHT);
            for tag in &article.tags {
                add(tag, TAG_WEIGHT);
            }
            add(&article.body, BODY_WEIGHT);
            for term in tf.keys() {
                *document_frequency.entry(term.clone()).or_default() += 1;
            }
            lengths.push(tf.values().sum());
            docs.push(tf);
        }
        let average_length =
            if lengths.is_empty() { 1.0 } else { (lengths.iter().sum::<f32>() / lengths.len() as f32).max(1.0) };
        Index { docs, lengths, average_length, document_frequency }
    }

    fn idf(&self, term: &str) -> f32 {
        let n = self.docs.len() as f32;
        let df = self.document_frequency.get(term).copied().unwrap_or(0) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The best article for the query, with a confidence in 0–1 that blends how much of the
    /// query (weighted by rarity) the article covers with how strong its BM25 score is.
    fn best(&self, query: &[String]) -> Option<Hit> {
        let unique: HashSet<&String> = query.iter().collect();
        if unique.is_empty() || self.docs.is_empty() {
            return None;
        }
        let idf: Vec<(&String, f32)> = unique.iter().map(|t| (*t, self.idf(t))).collect();
        let total_idf: f32 = idf.iter().map(|(_, w)| w).sum();
        let mut best: Option<(usize, f32, f32)> = None;
        for (doc, tf) in self.docs.iter().enumerate() {
            let norm = K1 * (1.0 - B + B * self.lengths[doc] / self.average_length);
            let mut score = 0.0;
            let mut covered = 0.0;
            for (term, weight) in &idf {
                if let Some(&f) = tf.get(*term) {
                    score += weight * f * (K1 + 1.0) / (f + norm);
                    covered += weight;
                }
            }
            if score > 0.0 && best.is_none_or(|(_, s, _)| score > s) {
                best = Some((doc, score, covered));
            }
        }
        let (doc, score, covered) = best?;
        let coverage = if total_idf > 0.0 { covered / total_idf } else { 0.0 };
        let strength = score / (score + SCORE_HALF);
        let confidence = (0.65 * coverage + 0.35 * strength).clamp(0.0, 1.0);
        Some(Hit { doc, confidence })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, title: &str, tags: &[&str], body: &str) -> Article {
        Article {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            url: None,
        }
    }

    fn kb() -> Vec<Article> {
        vec![
            article(
                "returns",
                "Returns and refunds",
                &["return", "refund", "exchange"],
                "You can return any unworn item within 30 days of delivery for a full refund. \
                 Start a return from your order page and print the prepaid label. \
                 Refunds reach your card within 5 business days after we receive the parcel.",
            ),
            article(
                "shipping",
                "Shipping times and costs",
                &["delivery", "shipping"],
                "Standard shipping takes 3 to 5 business days and is free on orders over $50. \
                 Express shipping arrives in 1 to 2 business days for $12.",
            ),
            article(
                "sizing",
                "Finding your size",
                &["size", "fit"],
                "Our jackets run true to size. If you are between sizes, pick the larger one for layering.",
            ),
            article(
                "tracking",
                "Tracking your order",
                &["order", "tracking"],
                "Once your order ships we email a tracking link. You can also find it under Orders in your account.",
            ),
            article(
                "warranty",
                "Lifetime warranty",
                &["warranty", "repair"],
                "Every Northwind jacket carries a lifetime warranty against defects in materials and workmanship.",
            ),
        ]
    }

    fn answer_id(message: &str) -> Option<String> {
        match respond(&KnowledgeBase::new(kb()), "Baton Assistant", message) {
            BotReply::Answer { article_id, .. } => Some(article_id),
            _ => None,
        }
    }

    #[test]
    fn answers_from_the_right_article() {
        assert_eq!(answer_id("How do I return a jacket?").as_deref(), Some("returns"));
        assert_eq!(answer_id("when will I get my refund").as_deref(), Some("returns"));
        assert_eq!(answer_id("How long does shipping take?").as_deref(), Some("shipping"));
        assert_eq!(answer_id("is express delivery available").as_deref(), Some("shipping"));
        assert_eq!(answer_id("What size should I pick?").as_deref(), Some("sizing"));
        assert_eq!(answer_id("where is my order tracking link").as_deref(), Some("tracking"));
        assert_eq!(answer_id("does the jacket have a WARRANTY").as_deref(), Some("warranty"));
    }

    #[test]
    fn answers_quote_the_opening_and_carry_the_article() {
        let reply = respond(&KnowledgeBase::new(kb()), "Baton Assistant", "how do returns work");
        let BotReply::Answer { text, confidence, article_title, .. } = &reply else {
            panic!("expected an answer, got {reply:?}");
        };
        assert!(text.starts_with("You can return any unworn item within 30 days"), "{text}");
        assert!(!text.contains("5 business days"), "only the opening is quoted: {text}");
        assert!(text.chars().count() <= MAX_QUOTE_CHARS + 1);
        assert!((0.0..=1.0).contains(confidence));
        assert_eq!(article_title, "Returns and refunds");
        let (said, meta) = reply.message().unwrap();
        assert_eq!(&said, text);
        assert_eq!(meta.article_id.as_deref(), Some("returns"));
    }

    #[test]
    fn unrelated_questions_get_not_sure_and_the_offer_of_a_person() {
        for message in ["What is the capital of Peru?", "zxqv blorp", "can you recommend a good movie tonight"] {
            match respond(&KnowledgeBase::new(kb()), "Baton Assistant", message) {
                BotReply::NotSure { text, confidence } => {
                    assert_eq!(text, NOT_SURE_TEXT);
                    assert!(confidence < CONFIDENCE_THRESHOLD, "{message}: {confidence}");
                }
                other => panic!("{message}: expected not sure, got {other:?}"),
            }
        }
        assert!(matches!(
            respond(&KnowledgeBase::new(Vec::new()), "Bot", "how do I return this"),
            BotReply::NotSure { .. }
        ));
        assert!(matches!(respond(&KnowledgeBase::new(kb()), "Bot", "?!"), BotReply::NotSure { .. }));
    }

    #[test]
    fn asking_for_a_person_in_words_is_detected() {
        for message in [
            "talk to a person",
            "Can I talk to a real person please?",
            "HUMAN",
            "I want an agent",
            "representative!!",
            "let me speak with someone",
            "can I chat to somebody",
            "connect me to a live person",
            "is there anyone I can talk to",
            "I need a human being",
        ] {
            assert_eq!(respond(&KnowledgeBase::new(kb()), "Bot", message), BotReply::WantsHuman, "{message}");
        }
        for message in ["someone stole my parcel", "how do I return a jacket", "the person who ordered"] {
            assert_ne!(respond(&KnowledgeBase::new(kb()), "Bot", message), BotReply::WantsHuman, "{message}");
        }
    }

    #[test]
    fn small_talk_is_answered_politely() {
        let kind = |m: &str| match respond(&KnowledgeBase::new(kb()), "Baton Assistant", m) {
            BotReply::SmallTalk { kind, text } => {
                assert!(!text.is_empty());
                Some(kind)
            }
            _ => None,
        };
        assert_eq!(kind("Hi"), Some(SmallTalk::Greeting));
        assert_eq!(kind("hello there!"), Some(SmallTalk::Greeting));
        assert_eq!(kind("Good morning"), Some(SmallTalk::Greeting));
        assert_eq!(kind("thanks!"), Some(SmallTalk::Thanks));
        assert_eq!(kind("Thank you so much"), Some(SmallTalk::Thanks));
        assert_eq!(kind("ok bye"), Some(SmallTalk::Goodbye));
        assert_eq!(kind("hi, how do I return a jacket"), None);
        assert_eq!(kind("good"), None);
        let BotReply::SmallTalk { text, .. } = respond(&KnowledgeBase::new(kb()), "Baton Assistant", "hey") else {
            panic!()
        };
        assert!(text.contains("Baton Assistant"));
    }

    #[test]
    fn tokens_are_unicode_aware_and_stemmed() {
        assert_eq!(words("Héllo, WORLD! don't 42x"), vec!["héllo", "world", "dont", "42x"]);
        assert_eq!(stem("returns"), "return");
        assert_eq!(stem("returning"), "return");
        assert_eq!(stem("returned"), "return");
        assert_eq!(stem("deliveries"), "delivery");
        assert_eq!(stem("address"), "address");
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("shipping"), "ship");
        assert_eq!(stem("shipped"), "ship");
        assert_eq!(stem("ship"), "ship");
        assert_eq!(stem("filling"), "fill");
    }

    #[test]
    fn openings_are_short() {
        let long = "word ".repeat(200);
        let cut = opening(&long);
        assert!(cut.chars().count() <= MAX_QUOTE_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(opening("One. Two. Three."), "One. Two.");
        assert_eq!(opening("No full stop"), "No full stop");
        let first_long = format!("{}. Second.", "a".repeat(150));
        assert_eq!(opening(&first_long), format!("{}.", "a".repeat(150)));
        assert_eq!(opening("Version 2.5 is out. Get it now. Later."), "Version 2.5 is out. Get it now.");
    }

    #[test]
    fn confidence_is_calibrated() {
        let index = Index::new(&kb());
        let strong = index.best(&terms(&words("return refund"))).unwrap().confidence;
        let weak = index.best(&terms(&words("return banana helicopter galaxy"))).unwrap().confidence;
        assert!(strong > 0.6, "{strong}");
        assert!(weak < strong, "{weak} vs {strong}");
        assert!((0.0..=1.0).contains(&weak));
    }
}
