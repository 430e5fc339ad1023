//! The wire format of an OpenAI-compatible chat-completions endpoint: the request the bot
//! sends to word an answer from an article, and the text it takes from the reply.

use serde::Deserialize;
use serde_json::json;

use crate::protocol::{Article, ModelSettings};

/// Longest reply taken from a model; anything longer is cut, as a runaway model's would be.
pub const MAX_MODEL_REPLY_CHARS: usize = 1_200;

/// The JSON body asking the model to answer `question` from `article` only.
pub fn chat_request(settings: &ModelSettings, bot_name: &str, article: &Article, question: &str) -> String {
    let system = format!(
        "You are {bot_name}, the support assistant of this website. Answer the customer's question \
         using only the article below, in the customer's language, in at most three sentences. If the \
         article does not answer it, say you are not sure and offer to connect them with a person.\n\n\
         Article: {}\n{}",
        article.title, article.body
    );
    json!({
        "model": settings.model,
        "temperature": 0.2,
        "messages": [
            { "role": "system", "content": system },
            { "role": "user", "content": question },
        ],
    })
    .to_string()
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: ChoiceMessage,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    content: Option<String>,
}

/// The answer text of a chat-completions response, or why there is none.
pub fn chat_reply(body: &str) -> Result<String, String> {
    let completion: Completion = serde_json::from_str(body).map_err(|e| format!("unreadable completion: {e}"))?;
    let text = completion
        .choices
        .into_iter()
        .next()
        .and_then(|c| c.message.content)
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or("the completion has no text")?;
    Ok(text.chars().take(MAX_MODEL_REPLY_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ModelSettings {
        ModelSettings { endpoint: "http://127.0.0.1:1/v1/chat/completions".into(), model: "m".into(), timeout_ms: 10 }
    }

    #[test]
    fn request_grounds_the_model_in_the_article() {
        let article = Article {
            id: "shipping".into(),
            title: "Shipping times".into(),
            body: "Orders ship in 2 days.".into(),
            tags: vec![],
            url: None,
        };
        let body: serde_json::Value =
            serde_json::from_str(&chat_request(&settings(), "Ava", &article, "When?")).unwrap();
        assert_eq!(body["model"], "m");
        let system = body["messages"][0]["content"].as_str().unwrap();
        assert!(system.contains("Ava") && system.contains("Orders ship in 2 days."));
        assert_eq!(body["messages"][1]["content"], "When?");
    }

    #[test]
    fn reply_text_is_taken_trimmed_and_bounded_and_empty_or_broken_replies_are_errors() {
        let ok = r#"{"choices":[{"message":{"role":"assistant","content":"  Two days. "}}]}"#;
        assert_eq!(chat_reply(ok).unwrap(), "Two days.");
        let long = format!(r#"{{"choices":[{{"message":{{"content":"{}"}}}}]}}"#, "a".repeat(5_000));
        assert_eq!(chat_reply(&long).unwrap().chars().count(), MAX_MODEL_REPLY_CHARS);
        for bad in [r#"{"choices":[]}"#, r#"{"choices":[{"message":{"content":"  "}}]}"#, "<html>", r#"{"error":{}}"#] {
            assert!(chat_reply(bad).is_err(), "{bad}");
        }
    }
}
