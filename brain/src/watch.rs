//! What the brain remembers about one conversation between messages, and the site's rules
//! applied to it: when the bot must stop and queue the conversation for a person
//! (escalation), and what agents should be told without changing anything (flags).
//!
//! The edge stores a `Watch` beside the transcript and feeds it every customer message and
//! bot reply; everything here is pure so the same inputs always raise the same flags.

use std::collections::BTreeSet;

use baton_shared::{
    AlertRules, EscalationRules, Flag, FlagKind, Intent, Mode, ModeReason, Sentiment, SiteRules, VisitorInfo,
};
use serde::{Deserialize, Serialize};

use crate::text::{Language, fold, words};
use crate::{intent, sentiment};

/// Sentiment scores kept for the rolling mood; older ones weigh almost nothing anyway.
const SCORES_KEPT: usize = 50;
/// Customer messages kept for looping detection and the co-pilot.
const RECENT_KEPT: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Watch {
    /// Sentiment of each customer message, oldest first.
    pub scores: Vec<f32>,
    /// The latest customer messages, oldest first.
    pub recent: Vec<String>,
    /// Intent of the latest customer message.
    pub intent: Option<Intent>,
    /// Bot replies in a row that did not answer with confidence.
    pub low_confidence_streak: u32,
    /// Confidence of the bot's latest reply from the knowledge base.
    pub last_confidence: Option<f32>,
    /// The customer asked for a person at some point.
    pub asked_for_person: bool,
    /// Alert keywords the customer used.
    pub topics: BTreeSet<String>,
    pub flags: Vec<Flag>,
    /// Why the bot queued the conversation, for the agent who picks it up.
    pub escalated_because: Option<String>,
    /// The site's language model's briefing, written when the conversation was handed over.
    pub model_summary: Option<String>,
    /// The model's draft reply to the latest customer message, while an agent holds it.
    pub model_suggestion: Option<String>,
    /// Language model calls made in the hour that began at `model_hour_start` (ms).
    pub model_calls: u32,
    pub model_hour_start: u64,
}

impl Watch {
    /// Counts one language model call at `now` if this conversation has calls left this hour
    /// (`per_hour`); `false` means the knowledge base answers alone until the hour is over.
    pub fn spend_model_call(&mut self, per_hour: u32, now: u64) -> bool {
        const HOUR_MS: u64 = 60 * 60 * 1000;
        if now >= self.model_hour_start.saturating_add(HOUR_MS) {
            self.model_hour_start = now;
            self.model_calls = 0;
        }
        if self.model_calls >= per_hour {
            return false;
        }
        self.model_calls += 1;
        true
    }
}

/// What one customer message told us.
#[derive(Debug, Clone, PartialEq)]
pub struct Heard {
    pub intent: Intent,
    pub sentiment: f32,
    /// The customer asks again what they already asked: the bot is going round in circles.
    pub repeats: bool,
    /// The first sensitive topic the message touches, as the site wrote it.
    pub sensitive: Option<String>,
}

/// Why the bot hands the conversation to a person.
#[derive(Debug, Clone, PartialEq)]
pub enum Escalation {
    AskedForPerson,
    LowConfidence { streak: u32 },
    Sentiment { rolling: f32, threshold: f32 },
    Looping,
    SensitiveTopic { topic: String },
}

impl Escalation {
    /// The reason the mode change carries.
    pub fn mode_reason(&self) -> ModeReason {
        match self {
            Escalation::AskedForPerson => ModeReason::CustomerAsked,
            _ => ModeReason::BotEscalated,
        }
    }

    /// What the bot tells the customer as it queues the conversation, in `language`
    /// (`Language::speaking`).
    pub fn customer_message(&self, language: Language) -> String {
        let asked = matches!(self, Escalation::AskedForPerson);
        let text = match (language, asked) {
            (Language::English, true) => {
                "Of course. I'm bringing in a person from our team; they will see everything we've talked about."
            }
            (Language::English, false) => {
                "I'm bringing in a person from our team to help with this; they will see everything we've talked about."
            }
            (Language::Spanish, true) => {
                "Por supuesto. Te paso con una persona de nuestro equipo; verá todo lo que hemos hablado."
            }
            (Language::Spanish, false) => {
                "Voy a pasarte con una persona de nuestro equipo para que te ayude; verá todo lo que hemos hablado."
            }
            (Language::French, true) => {
                "Bien sûr. Je fais appel à une personne de notre équipe ; elle verra tout ce que nous avons échangé."
            }
            (Language::French, false) => {
                "Je fais appel à une personne de notre équipe pour vous aider ; elle verra tout ce que nous avons échangé."
            }
            (Language::German, true) => {
                "Gern. Ich hole eine Person aus unserem Team dazu; sie sieht alles, was wir besprochen haben."
            }
            (Language::German, false) => {
                "Ich hole eine Person aus unserem Team dazu, die Ihnen hilft; sie sieht alles, was wir besprochen haben."
            }
            (Language::Portuguese, true) => {
                "Claro. Vou chamar uma pessoa da nossa equipe; ela verá tudo o que conversamos."
            }
            (Language::Portuguese, false) => {
                "Vou chamar uma pessoa da nossa equipe para ajudar; ela verá tudo o que conversamos."
            }
        };
        text.to_string()
    }

    /// For the agents: why the bot stopped.
    pub fn explanation(&self) -> String {
        match self {
            Escalation::AskedForPerson => "the customer asked for a person".to_string(),
            Escalation::LowConfidence { streak } => format!("{streak} answers in a row without a confident match"),
            Escalation::Sentiment { rolling, threshold } => {
                format!("customer sentiment {rolling:.2} fell below {threshold:.2}")
            }
            Escalation::Looping => "the customer repeated a question the bot already answered".to_string(),
            Escalation::SensitiveTopic { topic } => format!("sensitive topic \u{201c}{topic}\u{201d}"),
        }
    }
}

impl Watch {
    /// Takes in a customer message.
    pub fn customer_said(&mut self, text: &str, rules: &SiteRules) -> Heard {
        let heard = hear(&self.recent, text, rules);
        let folded: Vec<String> = words(text).iter().map(|w| fold(w)).collect();
        for keyword in &rules.alerts.topic_keywords {
            if mentions(&folded, keyword) {
                self.topics.insert(keyword.clone());
            }
        }
        push_capped(&mut self.scores, heard.sentiment, SCORES_KEPT);
        push_capped(&mut self.recent, text.to_string(), RECENT_KEPT);
        self.intent = Some(heard.intent);
        if heard.intent == Intent::HumanRequest {
            self.asked_for_person = true;
        }
        heard
    }

    /// What the latest customer message, already taken in, told us: for a message the bot
    /// answers later (after a hand-back), judged against the messages before it.
    pub fn heard_last(&self, text: &str, rules: &SiteRules) -> Heard {
        let earlier = match self.recent.split_last() {
            Some((last, earlier)) if last == text => earlier,
            _ => &self.recent[..],
        };
        hear(earlier, text, rules)
    }

    /// Takes in the bot's reply: `confident` when it answered from an article (or small talk)
    /// at or above the confidence threshold.
    pub fn bot_replied(&mut self, confidence: Option<f32>, confident: bool) {
        if let Some(confidence) = confidence {
            self.last_confidence = Some(confidence);
        }
        self.low_confidence_streak = if confident { 0 } else { self.low_confidence_streak + 1 };
    }

    /// Whether the bot must stop and queue the conversation, given the message just heard and
    /// whether the reply the bot has ready is confident. The first matching trigger wins.
    pub fn escalation(&self, rules: &EscalationRules, heard: &Heard, reply_confident: bool) -> Option<Escalation> {
        if rules.on_request && heard.intent == Intent::HumanRequest {
            return Some(Escalation::AskedForPerson);
        }
        if let Some(topic) = &heard.sensitive {
            return Some(Escalation::SensitiveTopic { topic: topic.clone() });
        }
        if let (Some(threshold), Some(mood)) = (rules.sentiment_below, self.mood())
            && mood.rolling < threshold
        {
            return Some(Escalation::Sentiment { rolling: mood.rolling, threshold });
        }
        if rules.on_looping && heard.repeats {
            return Some(Escalation::Looping);
        }
        let streak = if reply_confident { 0 } else { self.low_confidence_streak + 1 };
        if rules.low_confidence_streak > 0 && streak >= rules.low_confidence_streak {
            return Some(Escalation::LowConfidence { streak });
        }
        None
    }

    pub fn mood(&self) -> Option<Sentiment> {
        sentiment::mood(&self.scores)
    }

    /// Recomputes the flags under the site's alert rules. A flag that stays raised keeps the
    /// time it was first raised; one whose condition cleared is dropped. Returns whether
    /// anything agents see changed.
    pub fn refresh_flags(&mut self, rules: &AlertRules, visitor: &VisitorInfo, view: &Progress) -> bool {
        let raised = self.conditions(rules, visitor, view);
        let flags: Vec<Flag> = raised
            .into_iter()
            .map(|(kind, reason)| {
                let raised_at = self.flags.iter().find(|f| f.kind == kind).map_or(view.now, |f| f.raised_at);
                Flag { kind, reason, raised_at }
            })
            .collect();
        let changed = flags != self.flags;
        self.flags = flags;
        changed
    }

    fn conditions(&self, rules: &AlertRules, visitor: &VisitorInfo, view: &Progress) -> Vec<(FlagKind, String)> {
        let mut out = Vec::new();
        let waiting_for_person = matches!(view.mode, Mode::Bot | Mode::Queued);
        if rules.asked_for_person && self.asked_for_person && waiting_for_person {
            out.push((FlagKind::AskedForPerson, "the customer asked for a person".to_string()));
        }
        if let (Some(threshold), Some(mood)) = (rules.sentiment_below, self.mood())
            && mood.rolling < threshold
        {
            let trend = match mood.trend {
                baton_shared::Trend::Worsening => ", worsening",
                baton_shared::Trend::Improving => ", improving",
                baton_shared::Trend::Steady => "",
            };
            out.push((FlagKind::Sentiment, format!("sentiment {:.2} (below {threshold:.2}){trend}", mood.rolling)));
        }
        if let Some(vip) = &rules.vip
            && (visitor.verified || vip.unverified_too)
            && let Some(value) = visitor.attributes.get(&vip.attribute)
            && value.trim().eq_ignore_ascii_case(vip.value.trim())
        {
            out.push((FlagKind::Vip, format!("{} = {}", vip.attribute, value.trim())));
        }
        if !self.topics.is_empty() {
            let topics: Vec<String> = self.topics.iter().map(|t| format!("\u{201c}{t}\u{201d}")).collect();
            out.push((FlagKind::Topic, format!("mentioned {}", topics.join(", "))));
        }
        if let Some(minutes) = rules.unresolved_after_minutes
            && waiting_for_person
            && view.now.saturating_sub(view.started_at) >= u64::from(minutes) * 60_000
        {
            let open = view.now.saturating_sub(view.started_at) / 60_000;
            out.push((FlagKind::Unresolved, format!("open {open} min without an agent")));
        }
        if let (Some(threshold), Some(confidence)) = (rules.confidence_below, self.last_confidence)
            && confidence < threshold
            && waiting_for_person
        {
            out.push((FlagKind::LowConfidence, format!("bot confidence {confidence:.2} (below {threshold:.2})")));
        }
        out
    }

    /// When the unresolved flag would next be raised, if it is not up yet and could be.
    pub fn unresolved_due_at(&self, rules: &AlertRules, view: &Progress) -> Option<u64> {
        let minutes = rules.unresolved_after_minutes?;
        let due = view.started_at + u64::from(minutes) * 60_000;
        let raised = self.flags.iter().any(|f| f.kind == FlagKind::Unresolved);
        (matches!(view.mode, Mode::Bot | Mode::Queued) && !raised).then_some(due.max(view.now))
    }
}

/// What `text` says, judged against the customer's `earlier` messages; changes nothing.
fn hear(earlier: &[String], text: &str, rules: &SiteRules) -> Heard {
    let earlier: Vec<&str> = earlier.iter().map(String::as_str).collect();
    let folded: Vec<String> = words(text).iter().map(|w| fold(w)).collect();
    Heard {
        intent: intent::classify(text),
        sentiment: sentiment::score(text),
        repeats: intent::repeats(&earlier, text),
        sensitive: rules.escalation.sensitive_topics.iter().find(|t| mentions(&folded, t)).cloned(),
    }
}

/// Where the conversation stands, for the rules that depend on mode and time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub mode: Mode,
    pub started_at: u64,
    pub now: u64,
}

/// Whether the message (already split and folded) contains `phrase` as whole words.
pub(crate) fn mentions(folded_words: &[String], phrase: &str) -> bool {
    let phrase: Vec<String> = words(phrase).iter().map(|w| fold(w)).collect();
    !phrase.is_empty() && folded_words.windows(phrase.len()).any(|window| window == phrase.as_slice())
}

fn push_capped<T>(list: &mut Vec<T>, item: T, cap: usize) {
    list.push(item);
    if list.len() > cap {
        list.drain(..list.len() - cap);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::detect_language;
    use baton_shared::VipRule;

    fn progress(mode: Mode, minutes: u64) -> Progress {
        Progress { mode, started_at: 1_000, now: 1_000 + minutes * 60_000 }
    }

    #[test]
    fn sensitive_topics_and_keywords_match_whole_words_without_accents() {
        let rules = SiteRules::default();
        let mut watch = Watch::default();
        let heard = watch.customer_said("My LAWYER will hear about this", &rules);
        assert_eq!(heard.sensitive.as_deref(), Some("lawyer"));
        let heard = watch.customer_said("the lawyers' fees", &rules);
        assert_eq!(heard.sensitive, None, "a different word is not the topic");
        watch.customer_said("the box was Damaged and it never arrived", &rules);
        assert_eq!(watch.topics.iter().cloned().collect::<Vec<_>>(), vec!["damaged", "never arrived"]);
    }

    #[test]
    fn a_message_heard_again_is_judged_against_the_ones_before_it_and_changes_nothing() {
        let rules = SiteRules::default();
        let mut watch = Watch::default();
        watch.customer_said("my parcel never arrived at the address", &rules);
        let first = watch.customer_said("I want to talk to a person", &rules);
        let before = watch.clone();
        let again = watch.heard_last("I want to talk to a person", &rules);
        assert_eq!(again, first, "not a repeat of itself");
        assert_eq!(watch, before);
        assert!(
            watch.heard_last("my parcel never arrived at the address", &rules).repeats,
            "a text not last is judged against all"
        );
    }

    #[test]
    fn triggers_escalate_in_order_and_can_be_turned_off() {
        let mut rules = SiteRules::default();
        let watch = Watch::default();
        let asked = Heard { intent: Intent::HumanRequest, sentiment: 0.0, repeats: true, sensitive: None };
        assert_eq!(watch.escalation(&rules.escalation, &asked, true), Some(Escalation::AskedForPerson));
        rules.escalation.on_request = false;
        assert_eq!(watch.escalation(&rules.escalation, &asked, true), Some(Escalation::Looping));
        rules.escalation.on_looping = false;
        assert_eq!(watch.escalation(&rules.escalation, &asked, true), None);
        let topic = Heard { intent: Intent::Legal, sentiment: 0.0, repeats: false, sensitive: Some("fraud".into()) };
        assert_eq!(
            watch.escalation(&rules.escalation, &topic, true),
            Some(Escalation::SensitiveTopic { topic: "fraud".into() })
        );
        assert_eq!(Escalation::AskedForPerson.mode_reason(), ModeReason::CustomerAsked);
        assert_eq!(Escalation::Looping.mode_reason(), ModeReason::BotEscalated);
    }

    #[test]
    fn low_confidence_escalates_on_the_nth_unsure_reply_in_a_row() {
        let rules = EscalationRules { low_confidence_streak: 3, ..EscalationRules::default() };
        let mut watch = Watch::default();
        let question = Heard { intent: Intent::Question, sentiment: 0.0, repeats: false, sensitive: None };
        assert_eq!(watch.escalation(&rules, &question, false), None);
        watch.bot_replied(Some(0.1), false);
        assert_eq!(watch.escalation(&rules, &question, false), None);
        watch.bot_replied(Some(0.2), false);
        assert_eq!(watch.escalation(&rules, &question, true), None, "a confident reply breaks the streak");
        assert_eq!(watch.escalation(&rules, &question, false), Some(Escalation::LowConfidence { streak: 3 }));
        watch.bot_replied(Some(0.9), true);
        assert_eq!(watch.low_confidence_streak, 0);
    }

    #[test]
    fn flags_follow_their_conditions_and_keep_when_they_were_raised() {
        let rules = AlertRules {
            vip: Some(VipRule { attribute: "plan".into(), value: "VIP".into(), unverified_too: false }),
            unresolved_after_minutes: Some(10),
            confidence_below: Some(0.35),
            ..AlertRules::default()
        };
        let mut visitor = VisitorInfo { verified: true, ..VisitorInfo::default() };
        visitor.attributes.insert("plan".into(), "vip".into());
        // Anyone can claim an attribute: unverified, it is no VIP unless the rule says so.
        let claimed = VisitorInfo { verified: false, ..visitor.clone() };
        let mut unflagged = Watch::default();
        unflagged.refresh_flags(&rules, &claimed, &progress(Mode::Bot, 1));
        assert!(unflagged.flags.iter().all(|f| f.kind != FlagKind::Vip), "{:?}", unflagged.flags);
        let trusting = AlertRules {
            vip: Some(VipRule { attribute: "plan".into(), value: "VIP".into(), unverified_too: true }),
            ..rules.clone()
        };
        unflagged.refresh_flags(&trusting, &claimed, &progress(Mode::Bot, 1));
        assert!(unflagged.flags.iter().any(|f| f.kind == FlagKind::Vip), "the site opted out");
        let mut watch = Watch { asked_for_person: true, last_confidence: Some(0.2), ..Watch::default() };
        assert!(watch.refresh_flags(&rules, &visitor, &progress(Mode::Bot, 1)));
        let kinds: Vec<FlagKind> = watch.flags.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, vec![FlagKind::AskedForPerson, FlagKind::Vip, FlagKind::LowConfidence]);
        let first_raised = watch.flags[0].raised_at;
        assert!(!watch.refresh_flags(&rules, &visitor, &progress(Mode::Bot, 2)), "nothing changed");
        assert!(watch.refresh_flags(&rules, &visitor, &progress(Mode::Queued, 11)));
        assert_eq!(watch.flags[0].raised_at, first_raised);
        assert!(watch.flags.iter().any(|f| f.kind == FlagKind::Unresolved && f.reason.contains("11 min")));
        // An agent holds it now: only what is still true of the customer stays.
        assert!(watch.refresh_flags(&rules, &visitor, &progress(Mode::Human, 12)));
        let kinds: Vec<FlagKind> = watch.flags.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, vec![FlagKind::Vip]);
    }

    #[test]
    fn the_unresolved_check_is_due_once_until_raised() {
        let rules = AlertRules { unresolved_after_minutes: Some(10), ..AlertRules::default() };
        let mut watch = Watch::default();
        assert_eq!(watch.unresolved_due_at(&rules, &progress(Mode::Bot, 0)), Some(1_000 + 600_000));
        watch.refresh_flags(&rules, &VisitorInfo::default(), &progress(Mode::Bot, 10));
        assert_eq!(watch.unresolved_due_at(&rules, &progress(Mode::Bot, 10)), None);
        assert_eq!(watch.unresolved_due_at(&rules, &progress(Mode::Human, 0)), None);
    }

    #[test]
    fn the_customer_is_told_in_their_language() {
        let es = Escalation::AskedForPerson.customer_message(detect_language("quiero hablar con una persona"));
        assert!(es.starts_with("Por supuesto"), "{es}");
        let de = Escalation::Looping
            .customer_message(detect_language("Ich habe das schon gefragt, wo ist meine Bestellung?"));
        assert!(de.starts_with("Ich hole"), "{de}");
        let en = Escalation::Looping.customer_message(detect_language("where is my order"));
        assert!(en.starts_with("I'm bringing in"), "{en}");
    }

    #[test]
    fn history_is_capped() {
        let rules = SiteRules::default();
        let mut watch = Watch::default();
        for i in 0..60 {
            watch.customer_said(&format!("message number {i}"), &rules);
        }
        assert_eq!(watch.scores.len(), SCORES_KEPT);
        assert_eq!(watch.recent.len(), RECENT_KEPT);
        assert_eq!(watch.recent.last().map(String::as_str), Some("message number 59"));
    }
}
