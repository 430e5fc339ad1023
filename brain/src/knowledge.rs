//! A site's articles and their search index: BM25F over title, tags and body, with a
//! calibrated confidence per hit.

use baton_shared::Article;

/// Below this confidence the bot does not answer from an article; it offers a person instead.
pub const CONFIDENCE_THRESHOLD: f32 = 0.35;

/// One article that matches a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index into `KnowledgeBase::articles()`.
    pub index: usize,
    /// 0.0–1.0: how likely this article answers the text.
    pub confidence: f32,
}

/// Built once per knowledge base (indexing stems every article) and reused for every message.
pub struct KnowledgeBase {
    articles: Vec<Article>,
}

impl KnowledgeBase {
    pub fn new(articles: Vec<Article>) -> KnowledgeBase {
        KnowledgeBase { articles }
    }

    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }

    /// The best `limit` articles for `text`, best first.
    pub fn search(&self, _text: &str, _limit: usize) -> Vec<Hit> {
        Vec::new()
    }
}
