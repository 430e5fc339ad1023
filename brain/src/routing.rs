//! What a queued conversation needs from the desk, read from what the brain remembers: the
//! customer's language and the skill the site's rules map their words to.

use baton_shared::{Intent, SkillRule};

use crate::text::{fold, language_if_told, words};

/// The language of the customer's words, else of the visitor's locale ("es-MX" → "es").
pub fn language(recent: &[String], locale: Option<&str>) -> Option<String> {
    let told = language_if_told(&recent.join(" ")).map(|l| l.code().to_string());
    told.or_else(|| {
        let primary = locale?.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        let letters = (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_lowercase());
        letters.then_some(primary)
    })
}

/// The skill of the first rule whose intents include the customer's latest intent or one of
/// whose keywords the customer used (whole words, case and accents ignored).
pub fn skill(rules: &[SkillRule], intent: Option<Intent>, recent: &[String]) -> Option<String> {
    let folded: Vec<String> = recent.iter().flat_map(|m| words(m)).map(|w| fold(&w)).collect();
    rules
        .iter()
        .find(|rule| {
            intent.is_some_and(|i| rule.intents.contains(&i))
                || rule.keywords.iter().any(|k| crate::watch::mentions(&folded, k))
        })
        .map(|rule| rule.skill.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(messages: &[&str]) -> Vec<String> {
        messages.iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn the_customers_words_tell_the_language_before_the_locale() {
        assert_eq!(language(&said(&["¿Dónde está mi factura?"]), Some("en-US")).as_deref(), Some("es"));
        assert_eq!(language(&said(&["#4711"]), Some("pt-BR")).as_deref(), Some("pt"), "no word tells");
        assert_eq!(language(&[], Some("de_AT")).as_deref(), Some("de"));
        assert_eq!(language(&[], Some("nl-NL")).as_deref(), Some("nl"), "a language the brain does not read");
        assert_eq!(language(&[], Some("not a locale")), None);
        assert_eq!(language(&[], None), None);
    }

    #[test]
    fn the_first_matching_rule_names_the_skill() {
        let rules = vec![
            SkillRule { skill: "billing".into(), intents: vec![Intent::Refund], keywords: vec!["invoice".into()] },
            SkillRule { skill: "returns".into(), intents: vec![], keywords: vec!["send back".into()] },
        ];
        assert_eq!(skill(&rules, Some(Intent::Refund), &[]).as_deref(), Some("billing"));
        assert_eq!(skill(&rules, None, &said(&["Where is my INVOICE?"])).as_deref(), Some("billing"));
        assert_eq!(skill(&rules, None, &said(&["I want to send back the shoes"])).as_deref(), Some("returns"));
        assert_eq!(skill(&rules, None, &said(&["sending a backpack"])), None, "whole words only");
        assert_eq!(skill(&rules, Some(Intent::Question), &said(&["hello"])), None);
    }
}
