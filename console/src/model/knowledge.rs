//! The knowledge-base editor: the article form and the list it edits.

use baton_shared::protocol::{Article, ArticleInput};

/// Comma-separated words as a list: trimmed, without empty entries.
pub fn split_list(raw: &str) -> Vec<String> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

pub fn join_list(items: &[String]) -> String {
    items.join(", ")
}

/// The form's fields as typed. Checks are the server's: its message is shown as it says it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleForm {
    /// The article being edited; `None` writes a new one.
    pub editing: Option<String>,
    pub title: String,
    pub body: String,
    pub tags: String,
    pub url: String,
}

impl ArticleForm {
    pub fn from_article(article: &Article) -> Self {
        ArticleForm {
            editing: Some(article.id.clone()),
            title: article.title.clone(),
            body: article.body.clone(),
            tags: join_list(&article.tags),
            url: article.url.clone().unwrap_or_default(),
        }
    }

    pub fn input(&self) -> ArticleInput {
        let url = self.url.trim();
        ArticleInput {
            title: self.title.trim().to_string(),
            body: self.body.trim().to_string(),
            tags: split_list(&self.tags),
            url: (!url.is_empty()).then(|| url.to_string()),
        }
    }
}

/// Puts a saved article in the list: replaces the one with its id, or adds it at the end.
pub fn upsert_article(list: &mut Vec<Article>, article: Article) {
    match list.iter_mut().find(|a| a.id == article.id) {
        Some(slot) => *slot = article,
        None => list.push(article),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, title: &str) -> Article {
        Article {
            id: id.into(),
            title: title.into(),
            body: "b".into(),
            tags: vec!["x".into(), "y z".into()],
            url: None,
        }
    }

    #[test]
    fn lists_split_on_commas_and_drop_blanks() {
        assert_eq!(split_list(" shipping, , delivery times ,"), ["shipping", "delivery times"]);
        assert!(split_list("  ").is_empty());
        assert_eq!(join_list(&["a".into(), "b c".into()]), "a, b c");
    }

    #[test]
    fn the_form_round_trips_an_article() {
        let mut form = ArticleForm::from_article(&article("a1", "Shipping"));
        assert_eq!((form.editing.as_deref(), form.tags.as_str(), form.url.as_str()), (Some("a1"), "x, y z", ""));
        form.url = " https://shop.example/shipping ".into();
        form.title = "  Shipping times ".into();
        let input = form.input();
        assert_eq!(input.title, "Shipping times");
        assert_eq!(input.tags, ["x", "y z"]);
        assert_eq!(input.url.as_deref(), Some("https://shop.example/shipping"));
        assert_eq!(ArticleForm::default().input().url, None);
    }

    #[test]
    fn saved_articles_replace_or_join_the_list() {
        let mut list = vec![article("a1", "One"), article("a2", "Two")];
        upsert_article(&mut list, article("a2", "Two, revised"));
        upsert_article(&mut list, article("a3", "Three"));
        let titles: Vec<_> = list.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["One", "Two, revised", "Three"]);
    }
}
