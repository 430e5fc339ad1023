//! The site's language model, as requests the engine writes and answers it reads back.
//!
//! The shell only posts `body` to `settings.endpoint` with its timeout and returns the reply's
//! text (or why there is none). A model never delays anything else: its calls run after the
//! input's frames, dashboard row and insight are delivered, and its answer is a new input.

use baton_brain::answer::BotReply;
use baton_shared::server::model::{chat_request, suggestion_request, summary_request};
use baton_shared::{Article, Author, Event, EventBody, ModelSettings};

use crate::brain::Brain;

/// What a model call is for, and what the engine needs to use its answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// Word the article answer the brain decided on; the worded reply is committed under
    /// `epoch` like any bot reply, and `decided` is said if the model fails.
    Word { decided: BotReply, epoch: u64 },
    /// Brief the agents on handover.
    Briefing,
    /// Draft a reply for the holding agent to the latest customer message.
    Draft,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelCall {
    pub settings: ModelSettings,
    /// The chat-completions request body.
    pub body: String,
    pub purpose: Purpose,
}

/// A model call's outcome as the shell saw it: the reply's text, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelAnswer {
    pub purpose: Purpose,
    pub answer: Result<String, String>,
}

impl ModelCall {
    /// The same call answered.
    pub fn answered(self, answer: Result<String, String>) -> ModelAnswer {
        ModelAnswer { purpose: self.purpose, answer }
    }
}

/// Whether `call` fits in the conversation's model budget for this hour, counting it if so.
pub fn spend(watch: &mut baton_brain::watch::Watch, call: &ModelCall, now: u64) -> bool {
    watch.spend_model_call(call.settings.calls_per_conversation_per_hour, now)
}

/// The request to word `decided`, if the site has a model and the reply quotes an article.
pub fn word(brain: &Brain, decided: &BotReply, message: &str, epoch: u64) -> Option<ModelCall> {
    let settings = brain.model.as_ref()?;
    let BotReply::Answer { article_id, .. } = decided else { return None };
    let article = brain.knowledge.article(article_id)?;
    Some(ModelCall {
        settings: settings.clone(),
        body: chat_request(settings, &brain.bot_name, article, message),
        purpose: Purpose::Word { decided: decided.clone(), epoch },
    })
}

pub fn briefing(brain: &Brain, events: &[Event]) -> Option<ModelCall> {
    let settings = brain.model.as_ref()?;
    Some(ModelCall {
        settings: settings.clone(),
        body: summary_request(settings, &transcript(brain, events)),
        purpose: Purpose::Briefing,
    })
}

pub fn draft(brain: &Brain, agent_name: &str, latest: &str, events: &[Event]) -> Option<ModelCall> {
    let settings = brain.model.as_ref()?;
    let hits = brain.knowledge.search(latest, 3);
    let articles: Vec<&Article> = hits.iter().filter_map(|h| brain.knowledge.articles().get(h.index)).collect();
    Some(ModelCall {
        settings: settings.clone(),
        body: suggestion_request(settings, agent_name, &articles, &transcript(brain, events)),
        purpose: Purpose::Draft,
    })
}

/// A usable answer: trimmed, and nothing if the model said nothing.
pub fn usable(answer: &Result<String, String>) -> Option<String> {
    answer.as_ref().ok().map(|text| text.trim().to_string()).filter(|text| !text.is_empty())
}

/// Who said what, for a prompt: visible messages only (no notes, no mode changes).
pub fn transcript(brain: &Brain, events: &[Event]) -> Vec<(String, String)> {
    events
        .iter()
        .filter_map(|e| match (&e.author, &e.body) {
            (Author::Customer, EventBody::Text { text, .. }) => Some(("Customer".to_string(), text.clone())),
            (Author::Bot, EventBody::Text { text, .. }) => Some((format!("{} (bot)", brain.bot_name), text.clone())),
            (Author::Agent(agent), EventBody::Text { text, .. }) => {
                Some((format!("{} (agent)", agent.name), text.clone()))
            }
            _ => None,
        })
        .collect()
}
