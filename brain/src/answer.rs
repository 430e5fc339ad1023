//! The bot's reply to one customer message: an article's answer, small talk, or "not sure".
//!
//! The bot's own sentences are in the customer's language; article quotes stay as written.

use baton_shared::{Article, BotMeta, Intent};

use crate::knowledge::{CONFIDENCE_THRESHOLD, KnowledgeBase};
use baton_shared::i18n::Text;

use crate::text::Language;

/// Longest article opening quoted in an answer, in characters (the cut adds "…").
pub const MAX_QUOTE_CHARS: usize = 300;
/// An opening sentence shorter than this is followed by the next one.
const SHORT_SENTENCE_CHARS: usize = 120;

#[derive(Debug, Clone, PartialEq)]
pub enum BotReply {
    /// An answer quoted from the best matching article.
    Answer { text: String, confidence: f32, article_id: String, article_title: String },
    /// Nothing matched well enough; the text offers a person.
    NotSure { text: String, confidence: f32 },
    /// A reply to a greeting, thanks or goodbye.
    SmallTalk { intent: Intent, text: String },
}

impl BotReply {
    /// The message the bot says, with the metadata agents see.
    pub fn message(&self) -> (String, BotMeta) {
        match self {
            BotReply::Answer { text, confidence, article_id, article_title } => (
                text.clone(),
                BotMeta {
                    confidence: *confidence,
                    article_id: Some(article_id.clone()),
                    article_title: Some(article_title.clone()),
                },
            ),
            BotReply::NotSure { text, confidence } => {
                (text.clone(), BotMeta { confidence: *confidence, article_id: None, article_title: None })
            }
            BotReply::SmallTalk { text, .. } => {
                (text.clone(), BotMeta { confidence: 1.0, article_id: None, article_title: None })
            }
        }
    }
}

/// Decides the bot's reply to `message`, whose intent the caller already classified.
/// The bot's reply to `message`; its own sentences are in `language` (`Language::speaking`).
pub fn respond(
    knowledge: &KnowledgeBase,
    bot_name: &str,
    message: &str,
    intent: Intent,
    language: Language,
) -> BotReply {
    if matches!(intent, Intent::Greeting | Intent::Thanks | Intent::Goodbye) {
        return BotReply::SmallTalk { intent, text: small_talk(intent, language, bot_name) };
    }
    let best = knowledge.search(message, 1).into_iter().next();
    match best.and_then(|hit| Some((hit, knowledge.articles().get(hit.index)?))) {
        Some((hit, article)) if hit.confidence >= CONFIDENCE_THRESHOLD => BotReply::Answer {
            text: quote(article),
            confidence: hit.confidence,
            article_id: article.id.clone(),
            article_title: article.title.clone(),
        },
        _ => BotReply::NotSure { text: not_sure(language), confidence: best.map_or(0.0, |hit| hit.confidence) },
    }
}

/// What the bot says from an article: its opening, and where to read the rest.
pub fn quote(article: &Article) -> String {
    let mut text = opening(&article.body);
    if text.is_empty() {
        text = article.title.trim().to_string();
    }
    if let Some(url) = article.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        text.push_str("\n\nMore: ");
        text.push_str(url);
    }
    text
}

/// The first sentence of `body`, or the first two when the first is short, within
/// `MAX_QUOTE_CHARS`; a longer text is cut at a word and marked with "…".
fn opening(body: &str) -> String {
    let text = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = text.chars().collect();
    // A sentence ends at . ! ? followed by a space or the end, so "2.5" and "e.g." mid-word
    // do not count.
    let ends: Vec<usize> = (0..chars.len())
        .filter(|&i| matches!(chars[i], '.' | '!' | '?') && chars.get(i + 1).is_none_or(|c| c.is_whitespace()))
        .map(|i| i + 1)
        .collect();
    let take = match ends.as_slice() {
        [] => chars.len(),
        [first, ..] if *first >= SHORT_SENTENCE_CHARS => *first,
        [_, second, ..] if *second <= MAX_QUOTE_CHARS => *second,
        [first, ..] => *first,
    };
    if take <= MAX_QUOTE_CHARS {
        return chars[..take].iter().collect();
    }
    let mut cut: String = chars[..MAX_QUOTE_CHARS].iter().collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    let mut cut = cut.trim_end_matches([',', ';', ':', ' ']).to_string();
    cut.push('…');
    cut
}

/// "Not sure", pointing at the widget's "Talk to a person" button as the widget words it in
/// the same language.
fn not_sure(language: Language) -> String {
    let button = language.widget().text(Text::TalkToPerson);
    match language {
        Language::English => {
            format!("I'm not sure about that. You can press “{button}” and someone from our team will help.")
        }
        Language::Spanish => {
            format!("No estoy seguro de eso. Puedes pulsar “{button}” y alguien de nuestro equipo te ayudará.")
        }
        Language::French => {
            format!("Je n’en suis pas sûr. Appuyez sur « {button} » et quelqu’un de notre équipe vous aidera.")
        }
        Language::German => {
            format!("Da bin ich mir nicht sicher. Tippen Sie auf „{button}“, dann hilft Ihnen jemand aus unserem Team.")
        }
        Language::Portuguese => {
            format!("Não tenho certeza sobre isso. Toque em “{button}” e alguém da nossa equipe vai ajudar.")
        }
    }
}

fn small_talk(intent: Intent, language: Language, bot_name: &str) -> String {
    match (intent, language) {
        (Intent::Greeting, Language::English) => format!("Hi! I'm {bot_name}. What can I help you with today?"),
        (Intent::Greeting, Language::Spanish) => format!("¡Hola! Soy {bot_name}. ¿En qué puedo ayudarte hoy?"),
        (Intent::Greeting, Language::French) => {
            format!("Bonjour ! Je suis {bot_name}. Comment puis-je vous aider aujourd’hui ?")
        }
        (Intent::Greeting, Language::German) => format!("Hallo! Ich bin {bot_name}. Wie kann ich Ihnen heute helfen?"),
        (Intent::Greeting, Language::Portuguese) => format!("Olá! Eu sou {bot_name}. Como posso ajudar hoje?"),
        (Intent::Thanks, Language::English) => "You're welcome! Is there anything else I can help with?".into(),
        (Intent::Thanks, Language::Spanish) => "¡De nada! ¿Hay algo más en lo que pueda ayudarte?".into(),
        (Intent::Thanks, Language::French) => "Avec plaisir ! Puis-je vous aider pour autre chose ?".into(),
        (Intent::Thanks, Language::German) => "Gern geschehen! Kann ich sonst noch etwas für Sie tun?".into(),
        (Intent::Thanks, Language::Portuguese) => "De nada! Posso ajudar com mais alguma coisa?".into(),
        (_, Language::English) => "Thanks for chatting. Have a great day!".into(),
        (_, Language::Spanish) => "Gracias por escribirnos. ¡Que tengas un buen día!".into(),
        (_, Language::French) => "Merci de votre message. Bonne journée !".into(),
        (_, Language::German) => "Danke für Ihre Nachricht. Einen schönen Tag noch!".into(),
        (_, Language::Portuguese) => "Obrigado pela conversa. Tenha um ótimo dia!".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, title: &str, tags: &[&str], body: &str, url: Option<&str>) -> Article {
        Article {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            url: url.map(String::from),
        }
    }

    fn shop() -> KnowledgeBase {
        KnowledgeBase::new(vec![
            article(
                "returns",
                "Returns policy",
                &["return", "send back", "devolución", "retour", "Rücksendung", "devolução"],
                "You can return any unworn item within 30 days of delivery for a full refund. Start a return from \
                 your order page and print the prepaid label. Refunds reach your card within 5 business days.",
                Some(" https://shop.example/returns "),
            ),
            article(
                "shipping",
                "Shipping times and costs",
                &["delivery", "envío", "livraison", "Versand", "entrega"],
                "Standard shipping takes 3 to 5 business days.",
                None,
            ),
        ])
    }

    fn reply(message: &str) -> BotReply {
        respond(&shop(), "Baton Assistant", message, Intent::Question, Language::speaking(None, message))
    }

    #[test]
    fn answers_quote_the_opening_with_its_link_and_carry_the_article() {
        let answer = reply("How do I return a jacket?");
        let BotReply::Answer { text, confidence, article_id, article_title } = &answer else {
            panic!("expected an answer, got {answer:?}");
        };
        assert_eq!(
            text,
            "You can return any unworn item within 30 days of delivery for a full refund. Start a return from \
             your order page and print the prepaid label.\n\nMore: https://shop.example/returns"
        );
        assert!((CONFIDENCE_THRESHOLD..=1.0).contains(confidence));
        assert_eq!((article_id.as_str(), article_title.as_str()), ("returns", "Returns policy"));
        let (said, meta) = answer.message();
        assert_eq!(&said, text);
        assert_eq!(meta.article_id.as_deref(), Some("returns"));
        assert_eq!(meta.article_title.as_deref(), Some("Returns policy"));
        assert_eq!(meta.confidence, *confidence);

        let BotReply::Answer { text, .. } = reply("How long does shipping take?") else { panic!() };
        assert_eq!(text, "Standard shipping takes 3 to 5 business days.");
    }

    #[test]
    fn answers_in_other_languages_quote_the_article_as_written() {
        for message in
            ["¿Cuánto tardan los envíos?", "Combien de temps pour la livraison ?", "Wie lange dauert der Versand?"]
        {
            match reply(message) {
                BotReply::Answer { article_id, text, .. } => {
                    assert_eq!(article_id, "shipping", "{message}");
                    assert!(text.starts_with("Standard shipping"), "{message}");
                }
                other => panic!("{message}: {other:?}"),
            }
        }
    }

    #[test]
    fn unrelated_questions_get_not_sure_in_the_customers_language() {
        for (message, language) in [
            ("What is the capital of Peru?", Language::English),
            ("zxqv blorp", Language::English),
            ("¿Cuál es la capital de Perú?", Language::Spanish),
            ("Quelle est la capitale du Pérou ?", Language::French),
            ("Was ist die Hauptstadt von Peru?", Language::German),
            ("Qual é a capital do Peru?", Language::Portuguese),
        ] {
            match reply(message) {
                BotReply::NotSure { text, confidence } => {
                    assert_eq!(text, not_sure(language), "{message}");
                    assert!(confidence < CONFIDENCE_THRESHOLD, "{message}: {confidence}");
                    assert!(text.contains(language.widget().text(Text::TalkToPerson)), "{text}");
                }
                other => panic!("{message}: expected not sure, got {other:?}"),
            }
        }
        let (text, meta) = reply("?!").message();
        assert_eq!(text, not_sure(Language::English));
        assert_eq!((meta.article_id, meta.article_title), (None, None));
    }

    #[test]
    fn the_bot_speaks_the_widget_s_language_and_names_its_button_as_the_widget_shows_it() {
        let empty = KnowledgeBase::new(Vec::new());
        let language = Language::speaking(Some("de-AT"), "what is this?");
        assert_eq!(language, Language::German, "the widget's language over the words'");
        let BotReply::NotSure { text, .. } = respond(&empty, "Bot", "what is this?", Intent::Question, language) else {
            panic!("expected not sure")
        };
        assert!(
            text.starts_with("Da bin ich mir nicht sicher") && text.contains("„Mit einer Person sprechen“"),
            "{text}"
        );
        assert_eq!(
            Language::speaking(Some("ja"), "¿dónde está mi pedido?"),
            Language::Spanish,
            "no such widget language"
        );
        assert_eq!(Language::speaking(None, "where is my order?"), Language::English);
    }

    #[test]
    fn an_empty_knowledge_base_is_never_sure() {
        let empty = KnowledgeBase::new(Vec::new());
        let reply = respond(
            &empty,
            "Bot",
            "how do I return this",
            Intent::Question,
            Language::speaking(None, "how do I return this"),
        );
        assert_eq!(reply, BotReply::NotSure { text: not_sure(Language::English), confidence: 0.0 });
        let reply = respond(&empty, "Bot", "Hola", Intent::Greeting, Language::speaking(None, "Hola"));
        assert!(matches!(reply, BotReply::SmallTalk { intent: Intent::Greeting, .. }));
    }

    #[test]
    fn small_talk_is_localised_and_greetings_name_the_bot() {
        let kb = shop();
        for (message, intent, start) in [
            ("Hi", Intent::Greeting, "Hi! I'm Nora."),
            ("Hola", Intent::Greeting, "¡Hola! Soy Nora."),
            ("Bonjour", Intent::Greeting, "Bonjour ! Je suis Nora."),
            ("Hallo", Intent::Greeting, "Hallo! Ich bin Nora."),
            ("Olá", Intent::Greeting, "Olá! Eu sou Nora."),
            ("thanks!", Intent::Thanks, "You're welcome!"),
            ("gracias", Intent::Thanks, "¡De nada!"),
            ("merci", Intent::Thanks, "Avec plaisir !"),
            ("danke", Intent::Thanks, "Gern geschehen!"),
            ("obrigado", Intent::Thanks, "De nada!"),
            ("bye", Intent::Goodbye, "Thanks for chatting."),
            ("adiós, gracias", Intent::Goodbye, "Gracias por escribirnos."),
            ("au revoir et merci", Intent::Goodbye, "Merci de votre message."),
            ("tschüss, danke", Intent::Goodbye, "Danke für Ihre Nachricht."),
            ("tchau, obrigado", Intent::Goodbye, "Obrigado pela conversa."),
        ] {
            let reply = respond(&kb, "Nora", message, intent, Language::speaking(None, message));
            let BotReply::SmallTalk { intent: said, text } = &reply else { panic!("{message}: {reply:?}") };
            assert_eq!(*said, intent, "{message}");
            assert!(text.starts_with(start), "{message}: {text}");
            let (_, meta) = reply.message();
            assert_eq!(meta.confidence, 1.0);
        }
    }

    #[test]
    fn other_intents_are_answered_from_the_articles() {
        for intent in [Intent::Question, Intent::Refund, Intent::Complaint, Intent::Cancellation, Intent::Billing] {
            let reply = respond(
                &shop(),
                "Bot",
                "how do I return a jacket",
                intent,
                Language::speaking(None, "how do I return a jacket"),
            );
            assert!(matches!(reply, BotReply::Answer { .. }), "{intent:?}: {reply:?}");
        }
    }

    #[test]
    fn quotes_are_short_and_fall_back_to_the_title() {
        let long = "word ".repeat(200);
        let cut = opening(&long);
        assert!(cut.chars().count() <= MAX_QUOTE_CHARS + 1, "{}", cut.chars().count());
        assert!(cut.ends_with('…'));
        assert_eq!(opening("One. Two. Three."), "One. Two.");
        assert_eq!(opening("No full stop"), "No full stop");
        assert_eq!(opening("  Spaced \n out.   Lines.  Here."), "Spaced out. Lines.");
        let first_long = format!("{}. Second.", "a".repeat(150));
        assert_eq!(opening(&first_long), format!("{}.", "a".repeat(150)));
        assert_eq!(opening("Version 2.5 is out. Get it now. Later."), "Version 2.5 is out. Get it now.");
        // A second sentence that would not fit is left out rather than cut.
        let second_long = format!("Short one. {}.", "b ".repeat(200));
        assert_eq!(opening(&second_long), "Short one.");
        assert_eq!(opening(""), "");

        let untitled = article("a", "Title only", &[], "   ", Some("  "));
        assert_eq!(quote(&untitled), "Title only");
        let linked = article("b", "T", &[], "Body.", Some("https://x.example/b"));
        assert_eq!(quote(&linked), "Body.\n\nMore: https://x.example/b");
        let many_bytes = article("c", "T", &[], &"é".repeat(400), None);
        assert!(quote(&many_bytes).chars().count() <= MAX_QUOTE_CHARS + 1);
    }
}
