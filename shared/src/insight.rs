//! What the bot brain understood about a conversation, and the per-site rules it acts on.
//! Agents see insights; customers never do. The brain (`baton-brain`) computes them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a customer message is about, as far as routing and alerts care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Greeting,
    Thanks,
    Goodbye,
    Complaint,
    Cancellation,
    Refund,
    Billing,
    Legal,
    /// The customer asked for a person.
    HumanRequest,
    /// Anything else: a question for the knowledge base.
    Question,
}

impl Intent {
    pub const ALL: [Intent; 10] = [
        Intent::Greeting,
        Intent::Thanks,
        Intent::Goodbye,
        Intent::Complaint,
        Intent::Cancellation,
        Intent::Refund,
        Intent::Billing,
        Intent::Legal,
        Intent::HumanRequest,
        Intent::Question,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Greeting => "greeting",
            Intent::Thanks => "thanks",
            Intent::Goodbye => "goodbye",
            Intent::Complaint => "complaint",
            Intent::Cancellation => "cancellation",
            Intent::Refund => "refund",
            Intent::Billing => "billing",
            Intent::Legal => "legal",
            Intent::HumanRequest => "human_request",
            Intent::Question => "question",
        }
    }

    /// How agents read it.
    pub fn label(self) -> &'static str {
        match self {
            Intent::Greeting => "Greeting",
            Intent::Thanks => "Thanks",
            Intent::Goodbye => "Goodbye",
            Intent::Complaint => "Complaint",
            Intent::Cancellation => "Cancellation",
            Intent::Refund => "Refund",
            Intent::Billing => "Billing",
            Intent::Legal => "Legal",
            Intent::HumanRequest => "Asked for a person",
            Intent::Question => "Question",
        }
    }
}

/// Which way the conversation's mood is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Improving,
    Steady,
    Worsening,
}

/// Sentiment scores run from -1.0 (furious) to 1.0 (delighted); 0 is neutral.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    /// The latest customer message.
    pub last: f32,
    /// Recency-weighted over the conversation.
    pub rolling: f32,
    pub trend: Trend,
}

/// Why agents should look at a conversation. Flags never change the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    AskedForPerson,
    Sentiment,
    Vip,
    Topic,
    Unresolved,
    LowConfidence,
}

impl FlagKind {
    pub const ALL: [FlagKind; 6] = [
        FlagKind::AskedForPerson,
        FlagKind::Sentiment,
        FlagKind::Vip,
        FlagKind::Topic,
        FlagKind::Unresolved,
        FlagKind::LowConfidence,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::AskedForPerson => "asked_for_person",
            FlagKind::Sentiment => "sentiment",
            FlagKind::Vip => "vip",
            FlagKind::Topic => "topic",
            FlagKind::Unresolved => "unresolved",
            FlagKind::LowConfidence => "low_confidence",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FlagKind::AskedForPerson => "Asked for a person",
            FlagKind::Sentiment => "Sentiment",
            FlagKind::Vip => "VIP",
            FlagKind::Topic => "Topic",
            FlagKind::Unresolved => "Unresolved",
            FlagKind::LowConfidence => "Low confidence",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub kind: FlagKind,
    /// Shown to agents, e.g. "sentiment -0.62 (below -0.40)".
    pub reason: String,
    /// When it was first raised (ms).
    pub raised_at: u64,
}

/// A reply the co-pilot drafted for the agent; never sent by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_id: Option<String>,
}

/// An article that matches the conversation, with the retrieval's confidence in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleHit {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub confidence: f32,
}

/// Everything the brain knows about a conversation, for agents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    /// Intent of the latest customer message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<Sentiment>,
    /// A few sentences: what the customer wants and what happened so far.
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub flags: Vec<Flag>,
    #[serde(default)]
    pub suggestions: Vec<Suggestion>,
    #[serde(default)]
    pub articles: Vec<ArticleHit>,
}

// ---------------------------------------------------------------------------------------------
// Per-site rules, edited by supervisors.

/// Everything a supervisor tunes about the brain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteRules {
    #[serde(default)]
    pub escalation: EscalationRules,
    #[serde(default)]
    pub alerts: AlertRules,
    #[serde(default)]
    pub compliance: ComplianceRules,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<SkillRule>,
}

/// Which skill a queued conversation needs: the first rule whose intents include the customer's
/// latest intent, or one of whose keywords the customer used, names it (refund → billing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillRule {
    pub skill: String,
    #[serde(default)]
    pub intents: Vec<Intent>,
    /// Matched like the alert keywords: whole words, case and accents ignored.
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// When the bot stops and queues the conversation for a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EscalationRules {
    /// The customer asks for a person in words.
    pub on_request: bool,
    /// This many low-confidence answers in a row; 0 turns it off.
    pub low_confidence_streak: u32,
    /// Rolling sentiment below this; `None` turns it off.
    pub sentiment_below: Option<f32>,
    /// The customer repeats a question the bot already answered.
    pub on_looping: bool,
    /// Words that always need a person (e.g. "lawyer", "chargeback").
    pub sensitive_topics: Vec<String>,
}

impl Default for EscalationRules {
    fn default() -> Self {
        EscalationRules {
            on_request: true,
            low_confidence_streak: 3,
            sentiment_below: Some(-0.6),
            on_looping: true,
            sensitive_topics: ["lawyer", "lawsuit", "chargeback", "fraud"].map(String::from).to_vec(),
        }
    }
}

/// Flags for agents; each rule has its own threshold and `None`/empty turns it off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertRules {
    /// Rolling sentiment below this.
    pub sentiment_below: Option<f32>,
    /// Visitor attribute that marks a VIP, e.g. `plan` = `enterprise`.
    pub vip: Option<VipRule>,
    pub topic_keywords: Vec<String>,
    /// Open this many minutes without an agent or a resolution.
    pub unresolved_after_minutes: Option<u32>,
    /// A bot answer below this confidence.
    pub confidence_below: Option<f32>,
    pub asked_for_person: bool,
}

impl Default for AlertRules {
    fn default() -> Self {
        AlertRules {
            sentiment_below: Some(-0.3),
            vip: Some(VipRule { attribute: "plan".into(), value: "vip".into(), unverified_too: false }),
            topic_keywords: ["broken", "damaged", "never arrived"].map(String::from).to_vec(),
            unresolved_after_minutes: Some(10),
            confidence_below: Some(0.35),
            asked_for_person: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VipRule {
    pub attribute: String,
    /// Compared case-insensitively.
    pub value: String,
    /// Match an unverified visitor's attribute too (any visitor can claim one).
    #[serde(default)]
    pub unverified_too: bool,
}

/// What an agent's draft must not contain before it goes to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComplianceRules {
    /// Payment card numbers (Luhn-valid 13–19 digits).
    pub card_numbers: bool,
    /// Other personal data: IBANs, national ID / social security numbers.
    pub personal_data: bool,
    /// Phrases an agent must not promise, e.g. "guaranteed refund".
    pub forbidden_promises: Vec<String>,
    pub banned_words: Vec<String>,
}

impl Default for ComplianceRules {
    fn default() -> Self {
        ComplianceRules {
            card_numbers: true,
            personal_data: true,
            forbidden_promises: ["guaranteed refund", "we guarantee", "100% refund", "i promise"]
                .map(String::from)
                .to_vec(),
            banned_words: Vec::new(),
        }
    }
}

/// One problem the compliance check found in a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceIssue {
    /// `card_number`, `personal_data`, `forbidden_promise` or `banned_word`.
    pub rule: String,
    /// Shown to the agent, e.g. "contains a card number ending 4242".
    pub reason: String,
}

/// Extra things the embedding page passes about its visitor (plan, account id, ...).
pub type VisitorAttributes = BTreeMap<String, String>;
