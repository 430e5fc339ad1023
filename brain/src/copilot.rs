//! Suggested replies and relevant articles for the agent holding a conversation.

use baton_shared::{ArticleHit, Suggestion};

use crate::knowledge::KnowledgeBase;

/// Drafts for the agent from the best-matching articles; `customer_messages` oldest first.
pub fn suggest(_knowledge: &KnowledgeBase, _customer_messages: &[&str]) -> (Vec<Suggestion>, Vec<ArticleHit>) {
    (Vec::new(), Vec::new())
}
