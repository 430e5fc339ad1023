//! How a site's widget looks: its accent colour, which corner the launcher sits in, the
//! launcher's label, the bot's name and picture, and a greeting per language. Supervisors edit
//! it (console "Appearance"); the edge hands it to every widget with its words, so the widget
//! needs no request of its own for it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::avatar::validate_avatar_url;
use crate::i18n::Locale;
use crate::{ApiError, ErrorCode};

/// WCAG 2 level AA for normal text: the widget writes white on the accent colour.
pub const MIN_CONTRAST: f64 = 4.5;
pub const MAX_LABEL_CHARS: usize = 40;
pub const MAX_BOT_NAME_CHARS: usize = 60;
pub const MAX_GREETING_CHARS: usize = 500;
/// The widget's own indigo, which passes with white at 7.9:1.
pub const DEFAULT_ACCENT: &str = "#4338ca";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    #[default]
    Right,
    Left,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Appearance {
    /// `#rrggbb`; empty for the widget's own.
    #[serde(default)]
    pub accent: String,
    #[serde(default)]
    pub position: Side,
    /// Shown beside the launcher's icon ("Chat with us"); empty for the icon alone.
    #[serde(default)]
    pub launcher_label: String,
    /// Replaces the seed's bot name when not empty.
    #[serde(default)]
    pub bot_name: String,
    /// An `https:` (or small `data:image/`) picture for the bot in the widget's header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_avatar: Option<String>,
    /// The bot's first words by language code ("de"); the seed's greeting elsewhere.
    #[serde(default)]
    pub greetings: BTreeMap<String, String>,
    /// The widget's language when nothing the visitor's browser asks for is one it speaks
    /// (a code like "es"); empty for English.
    #[serde(default)]
    pub locale: String,
}

impl Appearance {
    /// Refuses what the widget cannot show well: an unreadable accent, an unsafe picture,
    /// oversize or multi-line words, a greeting for a language the widget does not speak.
    pub fn validate(&self) -> Result<(), ApiError> {
        let refuse = |why: String| Err(ApiError::new(ErrorCode::InvalidAppearance, why));
        if !self.accent.is_empty() {
            let Some(ratio) = contrast_with_white(&self.accent) else {
                return refuse(format!("accent {:?} is not a colour like #4338ca", self.accent));
            };
            if ratio < MIN_CONTRAST {
                return refuse(format!(
                    "accent {} gives white text a contrast of {ratio:.2}:1; WCAG AA needs {MIN_CONTRAST}:1, so choose a darker colour",
                    self.accent
                ));
            }
        }
        for (what, text, max) in [
            ("launcher label", &self.launcher_label, MAX_LABEL_CHARS),
            ("bot name", &self.bot_name, MAX_BOT_NAME_CHARS),
        ] {
            if text.chars().count() > max || text.chars().any(char::is_control) {
                return refuse(format!("the {what} must be one line of at most {max} characters"));
            }
        }
        if let Some(avatar) = &self.bot_avatar {
            validate_avatar_url(avatar).map_err(|e| ApiError::new(ErrorCode::InvalidAppearance, e.message))?;
        }
        if !self.locale.is_empty() && !is_language_code(&self.locale) {
            return refuse(format!("no widget language {:?}: the default is en, es, fr, de or pt", self.locale));
        }
        for (code, greeting) in &self.greetings {
            if !is_language_code(code) {
                return refuse(format!("no widget language {code:?}: greetings are for en, es, fr, de or pt"));
            }
            if greeting.chars().count() > MAX_GREETING_CHARS {
                return refuse(format!("the {code} greeting is over {MAX_GREETING_CHARS} characters"));
            }
        }
        Ok(())
    }

    /// The language a widget falls back to.
    pub fn default_locale(&self) -> Locale {
        Locale::parse(&self.locale).unwrap_or_default()
    }

    /// The greeting in `locale`, else `fallback` (the seed's).
    pub fn greeting<'a>(&'a self, locale: Option<&str>, fallback: &'a str) -> &'a str {
        locale
            .and_then(Locale::parse)
            .and_then(|l| self.greetings.get(l.as_str()))
            .map(String::as_str)
            .filter(|g| !g.trim().is_empty())
            .unwrap_or(fallback)
    }

    /// The accent to paint with, and a darker one for hover and pressed states.
    pub fn accents(&self) -> (String, String) {
        let accent = if self.accent.is_empty() { DEFAULT_ACCENT } else { &self.accent };
        let dark = rgb(accent).map(|[r, g, b]| {
            let shade = |c: u8| (f64::from(c) * 0.82).round() as u8;
            format!("#{:02x}{:02x}{:02x}", shade(r), shade(g), shade(b))
        });
        (accent.to_string(), dark.unwrap_or_else(|| accent.to_string()))
    }
}

/// Exactly a widget language's code ("de", not "de-AT" or "DE").
fn is_language_code(code: &str) -> bool {
    Locale::parse(code).is_some_and(|l| l.as_str() == code)
}

fn rgb(hex: &str) -> Option<[u8; 3]> {
    let digits = hex.strip_prefix('#').filter(|d| d.len() == 6 && d.chars().all(|c| c.is_ascii_hexdigit()))?;
    let channel = |i: usize| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// WCAG 2's contrast ratio of white against `#rrggbb`, from 1 (white) to 21 (black).
pub fn contrast_with_white(hex: &str) -> Option<f64> {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    let [r, g, b] = rgb(hex)?;
    let luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    Some(1.05 / (luminance + 0.05))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        let ratio = |hex| contrast_with_white(hex).unwrap_or(0.0);
        assert!((ratio("#000000") - 21.0).abs() < 0.01);
        assert!((ratio("#ffffff") - 1.0).abs() < 0.01);
        // Known values: #767676 is the lightest grey that passes AA on white (4.54:1).
        assert!((ratio("#767676") - 4.54).abs() < 0.01, "{}", ratio("#767676"));
        assert!(ratio("#777777") < MIN_CONTRAST);
        assert_eq!(contrast_with_white("indigo"), None);
        assert_eq!(contrast_with_white("#12345"), None);
    }

    #[test]
    fn a_light_accent_is_refused_and_a_dark_one_kept() {
        let light = Appearance { accent: "#ffd400".into(), ..Appearance::default() };
        let refused = light.validate().map_err(|e| (e.code, e.message));
        assert!(matches!(&refused, Err((ErrorCode::InvalidAppearance, m)) if m.contains("contrast")), "{refused:?}");
        let dark = Appearance { accent: "#0b6e4f".into(), position: Side::Left, ..Appearance::default() };
        assert_eq!(dark.validate(), Ok(()));
        assert_eq!(Appearance::default().validate(), Ok(()), "the widget's own look");
        assert_eq!(dark.accents(), ("#0b6e4f".to_string(), "#095a41".to_string()));
        assert_eq!(Appearance::default().accents().0, DEFAULT_ACCENT);
    }

    #[test]
    fn words_pictures_and_greetings_are_checked() {
        let bad = |a: Appearance| a.validate().map(|_| ()).map_err(|e| e.code);
        let long = "x".repeat(MAX_LABEL_CHARS + 1);
        assert_eq!(
            bad(Appearance { launcher_label: long, ..Appearance::default() }),
            Err(ErrorCode::InvalidAppearance)
        );
        assert_eq!(
            bad(Appearance { bot_name: "a\nb".into(), ..Appearance::default() }),
            Err(ErrorCode::InvalidAppearance)
        );
        let script = Some("javascript:alert(1)".to_string());
        assert_eq!(bad(Appearance { bot_avatar: script, ..Appearance::default() }), Err(ErrorCode::InvalidAppearance));
        let greetings = BTreeMap::from([("ja".to_string(), "こんにちは".to_string())]);
        assert_eq!(bad(Appearance { greetings, ..Appearance::default() }), Err(ErrorCode::InvalidAppearance));
        assert_eq!(bad(Appearance { locale: "ja".into(), ..Appearance::default() }), Err(ErrorCode::InvalidAppearance));
        let spanish = Appearance { locale: "es".into(), ..Appearance::default() };
        assert_eq!((bad(spanish.clone()), spanish.default_locale()), (Ok(()), Locale::Es));
        assert_eq!(Appearance::default().default_locale(), Locale::En);
    }

    #[test]
    fn the_greeting_follows_the_widget_s_language() {
        let greetings = BTreeMap::from([("de".to_string(), "Hallo! Wie kann ich helfen?".to_string())]);
        let look = Appearance { greetings, ..Appearance::default() };
        assert_eq!(look.greeting(Some("de-AT"), "Hi!"), "Hallo! Wie kann ich helfen?");
        assert_eq!(look.greeting(Some("fr"), "Hi!"), "Hi!");
        assert_eq!(look.greeting(None, "Hi!"), "Hi!");
    }
}
