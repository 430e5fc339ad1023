//! The rules form: `SiteRules` as text fields and checkboxes, and back. Empty number fields
//! turn a rule off; ranges are checked by the server, whose message is shown as it says it.

use baton_shared::insight::{AlertRules, ComplianceRules, EscalationRules, SiteRules, SkillRule, VipRule};

use super::knowledge::{join_list, split_list};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RulesForm {
    /// Which skill a queued conversation needs; not edited here, kept as loaded.
    pub skills: Vec<SkillRule>,

    pub escalate_on_request: bool,
    /// "0" turns it off.
    pub low_confidence_streak: String,
    pub escalate_below_sentiment: String,
    pub escalate_on_looping: bool,
    pub sensitive_topics: String,

    pub alert_below_sentiment: String,
    pub vip_attribute: String,
    pub vip_value: String,
    /// Flag visitors whose attributes are not verified too.
    pub vip_unverified_too: bool,
    pub topic_keywords: String,
    pub unresolved_after_minutes: String,
    pub alert_below_confidence: String,
    pub alert_on_request: bool,

    pub check_card_numbers: bool,
    pub check_personal_data: bool,
    pub forbidden_promises: String,
    pub banned_words: String,
}

fn number<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// An optional number field: empty is `None`, anything else must parse.
fn optional<T: std::str::FromStr>(raw: &str, field: &str) -> Result<Option<T>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse().map(Some).map_err(|_| format!("\u{201c}{field}\u{201d} must be a number, or empty to turn it off."))
}

impl RulesForm {
    pub fn from_rules(rules: &SiteRules) -> Self {
        let (e, a, c) = (&rules.escalation, &rules.alerts, &rules.compliance);
        RulesForm {
            skills: rules.skills.clone(),
            escalate_on_request: e.on_request,
            low_confidence_streak: e.low_confidence_streak.to_string(),
            escalate_below_sentiment: number(e.sentiment_below),
            escalate_on_looping: e.on_looping,
            sensitive_topics: join_list(&e.sensitive_topics),
            alert_below_sentiment: number(a.sentiment_below),
            vip_attribute: a.vip.as_ref().map(|v| v.attribute.clone()).unwrap_or_default(),
            vip_value: a.vip.as_ref().map(|v| v.value.clone()).unwrap_or_default(),
            vip_unverified_too: a.vip.as_ref().is_some_and(|v| v.unverified_too),
            topic_keywords: join_list(&a.topic_keywords),
            unresolved_after_minutes: number(a.unresolved_after_minutes),
            alert_below_confidence: number(a.confidence_below),
            alert_on_request: a.asked_for_person,
            check_card_numbers: c.card_numbers,
            check_personal_data: c.personal_data,
            forbidden_promises: join_list(&c.forbidden_promises),
            banned_words: join_list(&c.banned_words),
        }
    }

    /// The rules to save, or why the form cannot say them (a field that is not a number,
    /// half a VIP rule).
    pub fn to_rules(&self) -> Result<SiteRules, String> {
        let streak = optional::<u32>(&self.low_confidence_streak, "Low-confidence answers in a row")?.unwrap_or(0);
        let vip = match (self.vip_attribute.trim(), self.vip_value.trim()) {
            ("", "") => None,
            ("", _) | (_, "") => {
                return Err("Give both a VIP attribute and a VIP value, or leave both empty.".to_string());
            }
            (attribute, value) => Some(VipRule {
                attribute: attribute.to_string(),
                value: value.to_string(),
                unverified_too: self.vip_unverified_too,
            }),
        };
        Ok(SiteRules {
            escalation: EscalationRules {
                on_request: self.escalate_on_request,
                low_confidence_streak: streak,
                sentiment_below: optional(&self.escalate_below_sentiment, "Escalate below sentiment")?,
                on_looping: self.escalate_on_looping,
                sensitive_topics: split_list(&self.sensitive_topics),
            },
            alerts: AlertRules {
                sentiment_below: optional(&self.alert_below_sentiment, "Alert below sentiment")?,
                vip,
                topic_keywords: split_list(&self.topic_keywords),
                unresolved_after_minutes: optional(&self.unresolved_after_minutes, "Unresolved after minutes")?,
                confidence_below: optional(&self.alert_below_confidence, "Alert below bot confidence")?,
                asked_for_person: self.alert_on_request,
            },
            compliance: ComplianceRules {
                card_numbers: self.check_card_numbers,
                personal_data: self.check_personal_data,
                forbidden_promises: split_list(&self.forbidden_promises),
                banned_words: split_list(&self.banned_words),
            },
            skills: self.skills.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_through_the_form() {
        let rules = SiteRules::default();
        let form = RulesForm::from_rules(&rules);
        assert_eq!(form.low_confidence_streak, "3");
        assert_eq!(form.escalate_below_sentiment, "-0.6");
        assert_eq!(form.sensitive_topics, "lawyer, lawsuit, chargeback, fraud");
        assert_eq!((form.vip_attribute.as_str(), form.vip_value.as_str()), ("plan", "vip"));
        assert_eq!(form.to_rules(), Ok(rules));
    }

    #[test]
    fn saving_the_form_keeps_the_skill_rules_it_does_not_show() {
        let skills = vec![SkillRule { skill: "billing".into(), intents: vec![], keywords: vec!["invoice".into()] }];
        let rules = SiteRules { skills, ..SiteRules::default() };
        assert_eq!(RulesForm::from_rules(&rules).to_rules(), Ok(rules));
    }

    #[test]
    fn empty_fields_turn_rules_off() {
        let mut form = RulesForm::from_rules(&SiteRules::default());
        form.low_confidence_streak = " ".into();
        form.escalate_below_sentiment.clear();
        form.alert_below_sentiment.clear();
        form.unresolved_after_minutes.clear();
        form.alert_below_confidence = "0.5".into();
        form.vip_attribute.clear();
        form.vip_value = " ".into();
        form.banned_words = "darn, , heck".into();
        let rules = form.to_rules().unwrap();
        assert_eq!(rules.escalation.low_confidence_streak, 0);
        assert_eq!(rules.escalation.sentiment_below, None);
        assert_eq!((rules.alerts.sentiment_below, rules.alerts.unresolved_after_minutes), (None, None));
        assert_eq!(rules.alerts.confidence_below, Some(0.5));
        assert_eq!(rules.alerts.vip, None);
        assert_eq!(rules.compliance.banned_words, ["darn", "heck"]);
    }

    #[test]
    fn unreadable_fields_are_named() {
        let mut form = RulesForm::from_rules(&SiteRules::default());
        form.unresolved_after_minutes = "ten".into();
        assert!(form.to_rules().unwrap_err().contains("Unresolved after minutes"));
        form.unresolved_after_minutes = "10".into();
        form.low_confidence_streak = "-1".into();
        assert!(form.to_rules().unwrap_err().contains("Low-confidence answers in a row"));
        form.low_confidence_streak = "2".into();
        form.vip_value.clear();
        assert!(form.to_rules().unwrap_err().contains("VIP"));
    }
}
