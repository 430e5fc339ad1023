//! The bot's reply to one customer message: an article's answer, small talk, or "not sure".

use baton_shared::{BotMeta, Intent};

use crate::knowledge::KnowledgeBase;

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
pub fn respond(_knowledge: &KnowledgeBase, _bot_name: &str, _message: &str, _intent: Intent) -> BotReply {
    BotReply::NotSure { text: String::new(), confidence: 0.0 }
}
