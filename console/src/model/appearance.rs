//! The Appearance form: the widget's look as a supervisor edits it, checked live by the same
//! rules the edge applies (`Appearance::validate`), and what the preview paints.

use std::collections::BTreeMap;

use baton_shared::appearance::{Appearance, DEFAULT_ACCENT, MIN_CONTRAST, Side, contrast_with_white};
use baton_shared::i18n::{Locale, Text};

/// The languages a greeting can be written in, with their names.
pub const GREETING_LANGUAGES: [(Locale, &str); 5] = [
    (Locale::En, "English"),
    (Locale::Es, "Spanish"),
    (Locale::Fr, "French"),
    (Locale::De, "German"),
    (Locale::Pt, "Portuguese"),
];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppearanceForm {
    pub accent: String,
    pub left: bool,
    pub launcher_label: String,
    pub bot_name: String,
    pub bot_avatar: String,
    /// One per `GREETING_LANGUAGES`, in order.
    pub greetings: [String; 5],
    /// The widget's language when the visitor's browser asks for none it speaks.
    pub locale: Locale,
}

impl AppearanceForm {
    pub fn from_appearance(look: &Appearance) -> AppearanceForm {
        let greeting = |l: Locale| look.greetings.get(l.as_str()).cloned().unwrap_or_default();
        AppearanceForm {
            accent: if look.accent.is_empty() { DEFAULT_ACCENT.to_string() } else { look.accent.clone() },
            left: look.position == Side::Left,
            launcher_label: look.launcher_label.clone(),
            bot_name: look.bot_name.clone(),
            bot_avatar: look.bot_avatar.clone().unwrap_or_default(),
            greetings: GREETING_LANGUAGES.map(|(l, _)| greeting(l)),
            locale: look.default_locale(),
        }
    }

    /// What to save, or the reason it cannot be, in the edge's own words.
    pub fn to_appearance(&self) -> Result<Appearance, String> {
        let greetings: BTreeMap<String, String> = GREETING_LANGUAGES
            .iter()
            .zip(&self.greetings)
            .filter(|(_, g)| !g.trim().is_empty())
            .map(|((l, _), g)| (l.as_str().to_string(), g.trim().to_string()))
            .collect();
        let avatar = self.bot_avatar.trim();
        let look = Appearance {
            accent: self.accent.trim().to_ascii_lowercase(),
            position: if self.left { Side::Left } else { Side::Right },
            launcher_label: self.launcher_label.trim().to_string(),
            bot_name: self.bot_name.trim().to_string(),
            bot_avatar: (!avatar.is_empty()).then(|| avatar.to_string()),
            greetings,
            locale: if self.locale == Locale::En { String::new() } else { self.locale.as_str().to_string() },
        };
        look.validate().map(|()| look).map_err(|e| e.message)
    }

    /// The accent's contrast with the widget's white text, as a line under the colour field.
    pub fn contrast_line(&self) -> String {
        match contrast_with_white(self.accent.trim()) {
            None => "Write a colour like #4338ca.".to_string(),
            Some(r) if r < MIN_CONTRAST => {
                format!("White text on it: {r:.1}:1, below the {MIN_CONTRAST}:1 WCAG AA needs. Choose a darker colour.")
            }
            Some(r) => format!("White text on it: {r:.1}:1, passes WCAG AA."),
        }
    }

    /// The colour the preview paints: the accent while it is readable, else the widget's own.
    pub fn preview_accent(&self) -> String {
        match contrast_with_white(self.accent.trim()) {
            Some(r) if r >= MIN_CONTRAST => self.accent.trim().to_string(),
            _ => DEFAULT_ACCENT.to_string(),
        }
    }

    /// The bot's first words in the preview: the first greeting written (English first), else a
    /// stand-in.
    pub fn preview_greeting(&self) -> String {
        let first = self.greetings.iter().find(|g| !g.trim().is_empty());
        first.cloned().unwrap_or_else(|| "Hi! How can I help?".to_string())
    }

    /// The launcher's words in the preview (its label, or the accessible name alone).
    pub fn preview_launcher(&self) -> String {
        let label = self.launcher_label.trim();
        if label.is_empty() { Locale::En.text(Text::OpenChat).to_string() } else { label.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_look_round_trips_through_the_form() {
        let look = Appearance {
            accent: "#0b6e4f".into(),
            position: Side::Left,
            launcher_label: "Chat with us".into(),
            bot_name: "Nora".into(),
            bot_avatar: Some("https://cdn.example.com/nora.png".into()),
            greetings: BTreeMap::from([("de".into(), "Hallo!".into())]),
            locale: "de".into(),
        };
        let form = AppearanceForm::from_appearance(&look);
        assert_eq!(form.greetings[3], "Hallo!");
        assert_eq!(form.to_appearance(), Ok(look));
        assert_eq!(AppearanceForm::from_appearance(&Appearance::default()).accent, DEFAULT_ACCENT);
    }

    #[test]
    fn a_low_contrast_accent_is_refused_before_saving_and_the_preview_keeps_a_readable_one() {
        let form = AppearanceForm { accent: "#FFD400".into(), ..AppearanceForm::default() };
        let refused = form.to_appearance();
        assert!(refused.as_ref().is_err_and(|why| why.contains("contrast")), "{refused:?}");
        assert!(form.contrast_line().contains("below"), "{}", form.contrast_line());
        assert_eq!(form.preview_accent(), DEFAULT_ACCENT);
        let dark = AppearanceForm { accent: "#0B6E4F".into(), ..AppearanceForm::default() };
        assert!(dark.contrast_line().contains("passes"));
        assert_eq!(dark.to_appearance().map(|a| a.accent), Ok("#0b6e4f".to_string()));
        let nonsense = AppearanceForm { accent: "teal".into(), ..AppearanceForm::default() };
        assert!(nonsense.contrast_line().contains("like #"));
    }
}
