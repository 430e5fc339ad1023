//! Limits refuse with `rate_limited` and say when to try again; what they refuse can be sent
//! again under the same client id, and nothing else is lost.

use std::collections::BTreeSet;
use std::time::Duration;

use baton_e2e::{Api, Stack};
use baton_shared::{ClientFrame, ErrorCode, ServerFrame};
use serde_json::{Value, json};

/// Posts JSON; returns status, body and the `Retry-After` header.
async fn post(api: &Api, path: &str, body: &Value) -> (u16, Value, Option<u64>) {
    let response = api.post_response(path, body).await;
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
    (status, response.json().await.unwrap_or(Value::Null), retry_after)
}

fn retry_after_ms(body: &Value) -> u64 {
    body["retry_after_ms"].as_u64().unwrap_or_else(|| panic!("no retry hint in {body}"))
}

#[tokio::test]
async fn a_flooding_socket_is_told_when_to_retry_and_every_message_lands_once() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let conv = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &conv.conversation_id, &conv.token, 0).await;

    let ids: Vec<String> = (0..40).map(|i| format!("flood-{i}")).collect();
    for id in &ids {
        customer.send(&ClientFrame::send(id.clone(), format!("message {id}"))).await;
    }
    let mut waiting = BTreeSet::new();
    for id in &ids {
        let answer = customer
            .next_matching("ack or refusal", |f| match f {
                ServerFrame::Ack { client_id, .. } | ServerFrame::Error { client_id: Some(client_id), .. } => {
                    client_id == id
                }
                _ => false,
            })
            .await;
        if let ServerFrame::Error { code, retry_after_ms, .. } = answer {
            assert_eq!(code, ErrorCode::RateLimited, "{id}");
            let hint = retry_after_ms.unwrap_or_else(|| panic!("{id} was refused without a retry hint"));
            assert!((1..=1_000).contains(&hint), "{id}: a 5/s budget never needs a wait of {hint} ms");
            waiting.insert(id.clone());
        }
    }
    assert!(!waiting.is_empty(), "40 frames at once were all admitted; the burst limit is not enforced");
    assert!(waiting.len() < ids.len(), "nothing was admitted");

    // Resend every refused message under its own id, as the widget does, once the hint says so.
    let resend_all = async {
        while let Some(id) = waiting.iter().next().cloned() {
            customer.send(&ClientFrame::send(id.clone(), format!("message {id}"))).await;
            let answer = customer
                .next_matching("answer to resend", |f| match f {
                    ServerFrame::Ack { client_id, .. } | ServerFrame::Error { client_id: Some(client_id), .. } => {
                        *client_id == id
                    }
                    _ => false,
                })
                .await;
            match answer {
                ServerFrame::Ack { .. } => {
                    waiting.remove(&id);
                }
                // Obeying the server's hint is the behaviour under test, not a stand-in for a condition.
                ServerFrame::Error { retry_after_ms: Some(ms), .. } => {
                    tokio::time::sleep(Duration::from_millis(ms)).await
                }
                other => panic!("resend of {id} got {other:?}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), resend_all)
        .await
        .unwrap_or_else(|_| panic!("refused messages were still refused after 30 s"));

    let transcript = api.transcript("demo", &conv.conversation_id, &conv.token).await;
    for id in &ids {
        let stored = transcript.events.iter().filter(|e| e.client_id.as_deref() == Some(id.as_str())).count();
        assert_eq!(stored, 1, "{id} is stored {stored} times");
    }
}

#[tokio::test]
async fn a_visitor_starting_conversation_after_conversation_is_told_to_wait_but_can_resume() {
    let stack = Stack::start().await;
    let seed = json!({
        "name": "Tight", "bot_name": "Bot", "greeting": "Hi", "allowed_origins": ["*"],
        "limits": { "conversations_per_visitor_per_minute": 3 }
    });
    stack.seed_site("tight", &seed).await;
    let api = Api::new(&stack.base);
    let path = "/api/sites/tight/conversations";
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let (status, body, _) = post(&api, path, &json!({})).await;
        assert_eq!(status, 200, "{body}");
        tokens.push(body["token"].as_str().unwrap_or_default().to_string());
    }
    let (status, body, retry_after) = post(&api, path, &json!({})).await;
    assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")), "{body}");
    let wait = retry_after_ms(&body);
    assert!((1..=60_000).contains(&wait), "told to wait {wait} ms");
    assert!(retry_after.is_some(), "no Retry-After header");
    // A returning visitor resumes without spending the allowance.
    let (status, body, _) = post(&api, path, &json!({ "token": tokens[0] })).await;
    assert_eq!((status, body["resumed"].as_bool()), (200, Some(true)), "{body}");
    // The allowance is per site.
    api.start("demo", None).await;
}
