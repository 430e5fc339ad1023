//! A short summary of the conversation so far, so the agent who takes over needs no recap.
//!
//! Extractive on purpose: it quotes the customer instead of paraphrasing, so it cannot get
//! the request wrong, and it works without a language model.

use baton_shared::{Author, Event, EventBody, Intent, Mode, ModeReason, VisitorInfo};

use crate::intent;
use crate::text::words;

/// Fits the console's insight panel without scrolling.
pub const MAX_SUMMARY_CHARS: usize = 400;
const FIRST_QUOTE_CHARS: usize = 120;
const LATEST_QUOTE_CHARS: usize = 100;
const NAME_CHARS: usize = 32;
const TITLE_CHARS: usize = 40;
const TITLES_SHOWN: usize = 2;
/// Mode changes told; older ones matter less than who holds it now.
const HANDLING_SHOWN: usize = 3;
/// A bot reply without an article below this confidence was a guess or a "not sure".
const UNSURE_BELOW: f32 = 0.5;

/// The summary of `events` for agents. `asked_in_words` is whether the customer ever asked for a
/// person in words, as the brain's memory (`Watch::asked_for_person`) keeps it: reading every
/// message of the window again for each new message would cost a classification per message.
pub fn summarize(events: &[Event], visitor: &VisitorInfo, asked_in_words: bool) -> String {
    let customer: Vec<&str> = events
        .iter()
        .filter(|e| e.author == Author::Customer)
        .filter_map(|e| match &e.body {
            EventBody::Text { text, .. } => Some(text.trim()),
            _ => None,
        })
        .filter(|t| !t.is_empty())
        .collect();
    let who = visitor
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map_or_else(|| "The customer".to_string(), |n| clip(n, NAME_CHARS));

    let mut sentences = Vec::new();
    let first = customer.iter().position(|t| substantive(t));
    match (first, customer.first()) {
        (Some(i), _) => sentences.push(format!("{who} asked: \"{}\"", clip(customer[i], FIRST_QUOTE_CHARS))),
        // Only small talk or a request for a person so far: still show what they said.
        (None, Some(text)) => sentences.push(format!("{who} wrote: \"{}\"", clip(text, FIRST_QUOTE_CHARS))),
        (None, None) => sentences.push(format!("{who} has not written yet.")),
    }
    sentences.extend(bot_sentence(events));
    sentences.extend(handling_sentence(events, asked_in_words));

    let quoted = first.unwrap_or(0);
    let later = customer.last().filter(|latest| customer.len() > quoted + 1 && **latest != customer[quoted]);
    if let Some(latest) = later {
        let used: usize = sentences.iter().map(|s| s.chars().count() + 1).sum();
        let room = MAX_SUMMARY_CHARS.saturating_sub(used + "Latest message: \"\"".len());
        if room >= 30 {
            sentences.push(format!("Latest message: \"{}\"", clip(latest, room.min(LATEST_QUOTE_CHARS))));
        }
    }
    clip(&sentences.join(" "), MAX_SUMMARY_CHARS)
}

/// Whether a customer message says what they want, rather than hello, thanks or "a person please".
fn substantive(text: &str) -> bool {
    let small =
        matches!(intent::classify(text), Intent::Greeting | Intent::Thanks | Intent::Goodbye | Intent::HumanRequest);
    !small && !small_talk(text)
}

/// Words that carry no request on their own, for when intent classification does not say so.
const SMALL_TALK: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hiya",
    "yo",
    "there",
    "good",
    "morning",
    "afternoon",
    "evening",
    "ok",
    "okay",
    "thanks",
    "thank",
    "you",
    "thx",
    "ty",
    "cheers",
    "bye",
    "goodbye",
    "yes",
    "no",
    "yeah",
    "sure",
    "great",
    "cool",
    "please",
    "hola",
    "bonjour",
    "hallo",
    "ciao",
    "gracias",
    "merci",
    "danke",
];

fn small_talk(text: &str) -> bool {
    let words = words(text);
    words.len() <= 4 && words.iter().all(|w| SMALL_TALK.contains(&w.as_str()))
}

/// Which articles the bot answered from and whether it had to guess.
fn bot_sentence(events: &[Event]) -> Option<String> {
    let mut titles: Vec<&str> = Vec::new();
    let mut unsure = 0;
    for event in events.iter().filter(|e| e.author == Author::Bot) {
        let EventBody::Text { bot: Some(meta), .. } = &event.body else { continue };
        match (&meta.article_id, meta.article_title.as_deref().map(str::trim)) {
            (Some(_), Some(title)) if !title.is_empty() && !titles.contains(&title) => titles.push(title),
            (None, _) if meta.confidence < UNSURE_BELOW => unsure += 1,
            _ => {}
        }
    }
    let times = match unsure {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        n => format!("{n} times"),
    };
    match (titles.is_empty(), unsure) {
        (true, 0) => None,
        (true, 1) => Some("The bot found no article that answers it.".to_string()),
        (true, _) => Some(format!("The bot found no article that answers it ({times}).")),
        (false, 0) => Some(format!("The bot answered with {}.", title_list(&titles))),
        (false, _) => Some(format!("The bot answered with {}, but was unsure {times}.", title_list(&titles))),
    }
}

fn title_list(titles: &[&str]) -> String {
    let shown: Vec<String> =
        titles.iter().take(TITLES_SHOWN).map(|t| format!("\"{}\"", clip(t, TITLE_CHARS))).collect();
    let more = titles.len().saturating_sub(TITLES_SHOWN);
    match (shown.as_slice(), more) {
        ([one], 0) => one.clone(),
        ([a, b], 0) => format!("{a} and {b}"),
        (_, more) => format!("{} and {more} more", shown.join(", ")),
    }
}

/// Who asked for a person, who took over and who handed back, in order.
fn handling_sentence(events: &[Event], asked_in_words: bool) -> Option<String> {
    let mut steps: Vec<String> = Vec::new();
    for event in events {
        let EventBody::Mode { mode, holder, reason } = &event.body else { continue };
        let agent = holder.as_ref().map(|h| h.name.as_str()).or(match &event.author {
            Author::Agent(a) => Some(a.name.as_str()),
            _ => None,
        });
        let agent =
            agent.map(str::trim).filter(|n| !n.is_empty()).map_or("An agent".to_string(), |n| clip(n, NAME_CHARS));
        let step = match (mode, reason) {
            (_, ModeReason::CustomerAsked) => "they asked for a person".to_string(),
            (_, ModeReason::BotEscalated) => "the bot passed it to a person".to_string(),
            (Mode::Human, _) => format!("{agent} took over"),
            (Mode::Bot, ModeReason::HandedBack) => format!("{agent} handed it back to the bot"),
            (Mode::Closed, _) => "it was closed".to_string(),
            _ => continue,
        };
        if steps.last() != Some(&step) {
            steps.push(step);
        }
    }
    // Asking in words counts even when the site does not escalate on request.
    if asked_in_words && !steps.iter().any(|s| s.starts_with("they asked")) {
        steps.insert(0, "they asked for a person".to_string());
    }
    let recent = &steps[steps.len().saturating_sub(HANDLING_SHOWN)..];
    let sentence = recent.join(", then ");
    let mut chars = sentence.chars();
    let first = chars.next()?;
    Some(format!("{}{}.", first.to_uppercase(), chars.as_str()))
}

/// `text` on one line, cut at a word boundary to at most `max` characters with "…" when cut.
pub fn clip(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let chars: Vec<char> = one_line.chars().collect();
    let limit = max.saturating_sub(1);
    // Back up to the last space unless the cut already ends a word or backing up would throw
    // most of the text away.
    let end = match chars[..limit].iter().rposition(|c| *c == ' ') {
        Some(space) if chars.get(limit) != Some(&' ') && space * 2 > limit => space,
        _ => limit,
    };
    let at_word: String = chars[..end].iter().collect();
    format!("{}…", at_word.trim_end_matches([' ', ',', ';', ':', '-']))
}

#[cfg(test)]
mod tests {
    use baton_shared::{AgentInfo, BotMeta};

    use super::*;

    struct Transcript(Vec<Event>);

    impl Transcript {
        fn new() -> Self {
            Transcript(Vec::new())
        }

        fn push(mut self, author: Author, body: EventBody) -> Self {
            let seq = self.0.len() as u64 + 1;
            self.0.push(Event { seq, ts: seq * 1_000, epoch: 0, author, body, client_id: None });
            self
        }

        fn customer(self, text: &str) -> Self {
            self.push(Author::Customer, EventBody::Text { text: text.into(), bot: None })
        }

        fn bot(self, text: &str, confidence: f32, article: Option<(&str, &str)>) -> Self {
            let meta = BotMeta {
                confidence,
                article_id: article.map(|(id, _)| id.to_string()),
                article_title: article.map(|(_, title)| title.to_string()),
            };
            self.push(Author::Bot, EventBody::Text { text: text.into(), bot: Some(meta) })
        }

        fn mode(self, author: Author, mode: Mode, holder: Option<AgentInfo>, reason: ModeReason) -> Self {
            self.push(author, EventBody::Mode { mode, holder, reason })
        }

        fn agent_says(self, name: &str, text: &str) -> Self {
            self.push(Author::Agent(agent(name)), EventBody::Text { text: text.into(), bot: None })
        }
    }

    fn agent(name: &str) -> AgentInfo {
        AgentInfo { id: name.to_lowercase(), name: name.into(), avatar: None }
    }

    fn visitor(name: &str) -> VisitorInfo {
        VisitorInfo { name: Some(name.into()), ..VisitorInfo::default() }
    }

    #[test]
    fn escalated_conversation_tells_the_whole_story() {
        let t = Transcript::new()
            .customer("hi")
            .bot("Hi! I'm Ava. How can I help?", 1.0, None)
            .customer("My parcel says delivered but it's not here, order 4411")
            .bot(
                "Once your order ships we email a tracking link.",
                0.62,
                Some(("order-tracking", "Tracking your order")),
            )
            .customer("That doesn't help, it says delivered!!")
            .bot("I'm not sure about that one. Shall I get a person?", 0.18, None)
            .mode(Author::Customer, Mode::Queued, None, ModeReason::CustomerAsked)
            .push(Author::Agent(agent("Dana")), EventBody::Note { text: "VIP, handle with care".into() })
            .mode(Author::Agent(agent("Dana")), Mode::Human, Some(agent("Dana")), ModeReason::AgentTookOver);
        let summary = summarize(&t.0, &visitor("Maria Lopez"), false);
        assert_eq!(
            summary,
            "Maria Lopez asked: \"My parcel says delivered but it's not here, order 4411\" \
             The bot answered with \"Tracking your order\", but was unsure once. \
             They asked for a person, then Dana took over. \
             Latest message: \"That doesn't help, it says delivered!!\""
        );
        assert!(!summary.contains("VIP"), "notes stay out: {summary}");
    }

    #[test]
    fn bot_that_found_nothing_and_escalated_itself() {
        let t = Transcript::new()
            .customer("Can I pay with a gift card from your old store?")
            .bot("I'm not sure I can answer that.", 0.1, None)
            .customer("gift card from the old shop, does it work")
            .bot("I'm still not sure.", 0.12, None)
            .mode(Author::Bot, Mode::Queued, None, ModeReason::BotEscalated);
        let summary = summarize(&t.0, &VisitorInfo::default(), false);
        assert_eq!(
            summary,
            "The customer asked: \"Can I pay with a gift card from your old store?\" \
             The bot found no article that answers it (twice). The bot passed it to a person. \
             Latest message: \"gift card from the old shop, does it work\""
        );
    }

    #[test]
    fn handed_back_and_closed_conversation() {
        let t = Transcript::new()
            .customer("Do you ship to Canada?")
            .bot("We ship to 40 countries.", 0.8, Some(("international-shipping", "International shipping")))
            .customer("How long does it take?")
            .bot(
                "Standard shipping takes 3 to 5 business days.",
                0.7,
                Some(("shipping-times", "Shipping times and costs")),
            )
            .customer("And customs?")
            .bot(
                "Customs duties are paid by the recipient.",
                0.75,
                Some(("international-shipping", "International shipping")),
            )
            .mode(Author::Agent(agent("Sam")), Mode::Human, Some(agent("Sam")), ModeReason::AgentTookOver)
            .agent_says("Sam", "Hi, Sam here. Anything else I can help with?")
            .mode(Author::Agent(agent("Sam")), Mode::Bot, None, ModeReason::HandedBack)
            .mode(Author::System, Mode::Closed, None, ModeReason::Closed);
        assert_eq!(
            summarize(&t.0, &visitor("  Lee "), false),
            "Lee asked: \"Do you ship to Canada?\" \
             The bot answered with \"International shipping\" and \"Shipping times and costs\". \
             Sam took over, then Sam handed it back to the bot, then it was closed. \
             Latest message: \"And customs?\""
        );
    }

    #[test]
    fn greetings_are_skipped_and_small_talk_replies_are_not_unsure() {
        let t = Transcript::new()
            .customer("Hello there")
            .bot("Hi! How can I help?", 1.0, None)
            .customer("How do I return a jacket?")
            .bot("You can return unworn items within 30 days.", 0.9, Some(("returns-policy", "Returns policy")));
        assert_eq!(
            summarize(&t.0, &VisitorInfo::default(), false),
            "The customer asked: \"How do I return a jacket?\" The bot answered with \"Returns policy\"."
        );
    }

    #[test]
    fn quiet_and_small_talk_only_conversations() {
        assert_eq!(summarize(&[], &visitor("Ana"), false), "Ana has not written yet.");
        let t = Transcript::new().customer("hey").bot("Hi! How can I help?", 1.0, None);
        assert_eq!(summarize(&t.0, &VisitorInfo::default(), false), "The customer wrote: \"hey\"");
        let t = Transcript::new().customer("Is the sale on?").customer("Is the sale on?");
        assert_eq!(summarize(&t.0, &VisitorInfo::default(), false), "The customer asked: \"Is the sale on?\"");
        let t = Transcript::new()
            .customer("hi")
            .mode(Author::Customer, Mode::Queued, None, ModeReason::CustomerAsked)
            .customer("hello??");
        assert_eq!(
            summarize(&t.0, &VisitorInfo::default(), false),
            "The customer wrote: \"hi\" They asked for a person. Latest message: \"hello??\""
        );
    }

    #[test]
    fn long_conversations_stay_short() {
        let rant = "I ordered the blue winter jacket three weeks ago and it still has not arrived, the tracking page \
                    has said label created since the first day and nobody answers my emails at all";
        let mut t = Transcript::new().customer(rant);
        for (i, title) in
            ["Tracking your order", "Shipping times and costs", "Lost parcels", "Contact us"].iter().enumerate()
        {
            t = t.bot("…", 0.6, Some((&format!("a{i}"), title))).customer(rant);
        }
        for name in ["Dana", "Sam", "Alexandria-Josephine Featherstonehaugh"] {
            t = t.mode(Author::Agent(agent(name)), Mode::Human, Some(agent(name)), ModeReason::AgentTookOver).mode(
                Author::Agent(agent(name)),
                Mode::Bot,
                None,
                ModeReason::HandedBack,
            );
        }
        let t = t.customer("still waiting…");
        let summary = summarize(&t.0, &visitor("Christopher Montgomery-Wellington the Third of Somewhere"), false);
        assert!(summary.chars().count() <= MAX_SUMMARY_CHARS, "{} chars: {summary}", summary.chars().count());
        assert!(
            summary.starts_with("Christopher Montgomery-Wellingt… asked: \"I ordered the blue winter jacket"),
            "{summary}"
        );
        assert!(summary.contains("\"Tracking your order\", \"Shipping times and costs\" and 2 more"), "{summary}");
        assert_eq!(
            summarize(&t.0, &visitor("Christopher Montgomery-Wellington the Third of Somewhere"), false),
            summary
        );
    }

    #[test]
    fn asking_in_words_shows_even_when_nothing_was_queued() {
        let t = Transcript::new().customer("Where is my parcel?").customer("can I talk to someone about it");
        let asked = summarize(&t.0, &VisitorInfo::default(), true);
        assert!(asked.contains("They asked for a person."), "{asked}");
        let t = t.mode(Author::Customer, Mode::Queued, None, ModeReason::CustomerAsked);
        let queued = summarize(&t.0, &VisitorInfo::default(), true);
        assert_eq!(queued.matches("asked for a person").count(), 1, "said once: {queued}");
        let not_asked = summarize(&Transcript::new().customer("Where is my parcel?").0, &VisitorInfo::default(), false);
        assert!(!not_asked.contains("asked for a person"), "{not_asked}");
    }

    #[test]
    fn clip_cuts_at_words() {
        assert_eq!(clip("  short \n text ", 20), "short text");
        assert_eq!(clip("the quick brown fox jumps", 16), "the quick brown…");
        assert_eq!(clip("abcdefghijklmnopqrstuvwxyz", 10), "abcdefghi…");
        assert_eq!(clip("Ünïcödé wörds everywhere", 12), "Ünïcödé…");
    }
}
