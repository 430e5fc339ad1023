//! The history of closed conversations in D1: a closed conversation is found by a word only its
//! transcript holds and by the visitor's email, filters narrow it, and an erasure removes it from
//! the objects and from D1 for good. Real `wrangler dev` with its local D1.

use baton_e2e::{Api, Browser, Socket, Stack, event_of, until, until_some};
use baton_shared::history::{HistoryPage, HistoryRecord, Outcome};
use baton_shared::{ClientFrame, EventBody, Mode};
use reqwest::Method;
use serde_json::{Value, json};

async fn search(api: &Api, token: &str, query: &str) -> HistoryPage {
    let (status, body) = api.call(Method::GET, &format!("/api/sites/demo/history?{query}"), Some(token), None).await;
    assert_eq!(status, 200, "history?{query}: {body}");
    serde_json::from_value(body).unwrap_or_else(|e| panic!("history page: {e}"))
}

/// Waits until a search finds exactly `ids` (the conversation writes the history after its turn).
async fn found(api: &Api, token: &str, query: &str, ids: &[&str]) -> HistoryPage {
    let deadline = std::time::Duration::from_secs(20);
    until_some(&format!("history?{query} to list {ids:?}"), deadline, || async {
        let page = search(api, token, query).await;
        let mut got: Vec<&str> = page.conversations.iter().map(|c| c.id.as_str()).collect();
        got.sort_unstable();
        let mut want = ids.to_vec();
        want.sort_unstable();
        (got == want).then_some(page.clone())
    })
    .await
}

/// A customer who says `text` and ends the chat; returns the conversation id and its token.
async fn ended(api: &Api, visitor: Value, text: &str) -> (String, String) {
    let start = api.start_as("demo", visitor).await;
    let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    customer.send(&ClientFrame::send("m-1", text)).await;
    customer.send(&ClientFrame::End { client_id: "e-1".into() }).await;
    customer
        .next_matching("the close", |f| {
            matches!(event_of(f).map(|e| &e.body), Some(EventBody::Mode { mode: Mode::Closed, .. }))
        })
        .await;
    (start.conversation_id, start.token)
}

#[tokio::test]
async fn a_closed_conversation_is_found_by_a_word_of_its_transcript_and_by_email_then_erased_everywhere() {
    let mut stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await.token;
    let ana = json!({ "name": "Ana Lima", "email": "Ana.Lima@example.test" });
    let (id, token) = ended(&api, ana.clone(), "My zanzibar parcel is stuck in customs").await;
    let (other, _) = ended(&api, json!({ "name": "Ben" }), "How long does shipping take?").await;

    let page = found(&api, &dana, "q=zanzibar", &[&id]).await;
    let entry = &page.conversations[0];
    assert_eq!(entry.outcome, Outcome::ResolvedByBot);
    assert_eq!(entry.visitor_email.as_deref(), Some("Ana.Lima@example.test"));
    assert_eq!(entry.preview, "My zanzibar parcel is stuck in customs");
    found(&api, &dana, "q=Zanzíbar", &[&id]).await;
    found(&api, &dana, "q=ana.lima%40example.test", &[&id]).await;
    found(&api, &dana, "q=customs&outcome=abandoned", &[]).await;
    found(&api, &dana, "outcome=resolved_by_bot", &[&id, &other]).await;
    let first = found(&api, &dana, "limit=1", &[&other]).await;
    let cursor = first.next.unwrap_or_else(|| panic!("a second page"));
    found(&api, &dana, &format!("limit=1&before={cursor}"), &[&id]).await;
    let (status, body) = api.call(Method::GET, "/api/sites/demo/history?rating=9", Some(&dana), None).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")), "{body}");

    // Opened whole, the record has the transcript.
    let (status, body) = api.call(Method::GET, &format!("/api/sites/demo/history/{id}"), Some(&dana), None).await;
    assert_eq!(status, 200, "{body}");
    let record: HistoryRecord = serde_json::from_value(body).unwrap_or_else(|e| panic!("record: {e}"));
    assert!(record.events.iter().any(|e| matches!(&e.body, EventBody::Text { text, .. } if text.contains("zanzibar"))));

    // It survives a restart of wrangler dev.
    stack.restart().await;
    found(&api, &dana, "q=zanzibar", &[&id]).await;

    // Only supervisors erase; after an erasure nothing of it is left.
    let path = format!("/api/sites/demo/history/{id}");
    let (status, body) = api.call(Method::DELETE, &path, Some(&dana), None).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    let (status, body) = api.call(Method::DELETE, &path, Some(&lead), None).await;
    assert_eq!((status, body["erased"].as_u64()), (200, Some(1)), "{body}");
    assert!(search(&api, &dana, "q=zanzibar").await.conversations.is_empty(), "gone from the search");
    let (status, _) = api.call(Method::GET, &path, Some(&dana), None).await;
    assert_eq!(status, 404, "gone from D1");
    let transcript = format!("/api/sites/demo/conversations/{id}/transcript");
    let (status, body) = api.call(Method::GET, &transcript, Some(&token), None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "gone from its object: {body}");
    let again = api.start("demo", Some(&token)).await;
    assert!(!again.resumed && again.conversation_id != id, "its token starts afresh");
    let mut dashboard = Socket::open(&api.dashboard_url("demo", &dana)).await;
    let snapshot: Option<Value> = dashboard.next_where(|f: &Value| f["type"] == "snapshot").await;
    let rows = snapshot.map(|s| s["conversations"].to_string()).unwrap_or_default();
    assert!(!rows.contains(&id), "no row left in the site object: {rows}");
}

#[tokio::test]
async fn a_supervisor_erases_every_conversation_of_a_visitor_email() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    let kim = json!({ "email": "kim@example.test" });
    let (first, _) = ended(&api, kim.clone(), "First question about returns").await;
    let (second, _) = ended(&api, kim, "Second question about returns").await;
    let (kept, _) = ended(&api, json!({ "email": "lou@example.test" }), "A question about returns").await;
    found(&api, &lead, "q=returns", &[&first, &second, &kept]).await;

    let (status, body) = api
        .call(Method::POST, "/api/sites/demo/history/erase", Some(&lead), Some(&json!({ "email": "KIM@example.test" })))
        .await;
    assert_eq!((status, body["erased"].as_u64()), (200, Some(2)), "{body}");
    found(&api, &lead, "q=returns", &[&kept]).await;
    let (status, body) =
        api.call(Method::POST, "/api/sites/demo/history/erase", Some(&lead), Some(&json!({ "email": "nope" }))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")), "{body}");
}

#[tokio::test]
async fn a_supervisor_finds_a_closed_conversation_in_the_console_reads_it_and_deletes_it() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    let (id, _) =
        ended(&api, json!({ "name": "Rosa Pires", "email": "rosa@example.test" }), "Is the kayak waterproof?").await;
    ended(&api, json!({ "name": "Tom" }), "How long does shipping take?").await;
    found(&api, &lead, "q=kayak", &[&id]).await;

    let browser = Browser::start().await;
    let page = browser.page().await;
    page.sign_in(&stack.url("/console/"), "lead@demo.test", "lead-demo-pass").await;
    page.click("button", "History").await;
    page.find("region", "Closed conversations").await;
    page.type_into("Search conversations", "kayak").await;
    page.click("button", "Search").await;
    until("only Rosa's conversation listed", || async {
        let listed = page.text_of("region", "Closed conversations").await;
        listed.contains("Rosa Pires") && !listed.contains("Tom")
    })
    .await;
    page.assert_accessible("the history search").await;
    let row = page.find("button", "Rosa Pires").await;
    row.click().await.unwrap_or_else(|e| panic!("opening the conversation: {e}"));
    page.wait_for_text("list", "Transcript", "Is the kayak waterproof?").await;
    page.assert_accessible("a closed conversation").await;

    page.click("button", "Delete conversation").await;
    page.find("dialog", "Delete this conversation?").await;
    page.click("button", "Delete for good").await;
    until("the conversation erased", || async { search(&api, &lead, "q=kayak").await.conversations.is_empty() }).await;
    page.close().await;
}
