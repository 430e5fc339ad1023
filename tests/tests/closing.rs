//! The end of a conversation: the agent who holds it resolves it, the customer ends it, or it
//! closes by itself when nobody writes; a closed conversation refuses messages, leaves the live
//! dashboard, and the visitor's next start is a new conversation linked to it. Real browsers,
//! real `wrangler dev`.

use baton_e2e::{Api, Browser, Page, Socket, Stack, event_of, until};
use baton_shared::machine::audit;
use baton_shared::{
    Author, ClientFrame, ConversationSummary, DashboardFrame, ErrorCode, EventBody, Mode, ModeReason, ServerFrame,
};
use reqwest::Method;
use serde_json::json;

/// The reason of a close the frame announces, with who closed it.
fn closed(frame: &ServerFrame) -> Option<(ModeReason, Author)> {
    match event_of(frame) {
        Some(e) => match &e.body {
            EventBody::Mode { mode: Mode::Closed, reason, .. } => Some((*reason, e.author.clone())),
            _ => None,
        },
        None => None,
    }
}

fn refused_with(frame: &ServerFrame, id: &str) -> Option<ErrorCode> {
    match frame {
        ServerFrame::Error { code, client_id: Some(c), .. } if c == id => Some(*code),
        _ => None,
    }
}

/// The rows a freshly opened dashboard lists.
async fn dashboard_rows(api: &Api, token: &str) -> Vec<ConversationSummary> {
    let mut dashboard = Socket::open(&api.dashboard_url("demo", token)).await;
    dashboard
        .next_where(|f: &DashboardFrame| matches!(f, DashboardFrame::Snapshot { .. }))
        .await
        .and_then(|f| match f {
            DashboardFrame::Snapshot { conversations } => Some(conversations),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no snapshot on the dashboard"))
}

async fn customer_says(page: &Page, text: &str) {
    page.type_into("Message", text).await;
    page.click("button", "Send").await;
    page.wait_for_text("log", "", text).await;
}

#[tokio::test]
async fn the_holder_resolves_the_customer_may_rate_and_a_new_conversation_links_to_the_old() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let browser = Browser::start().await;
    let dana = browser.page().await;
    dana.sign_in(&stack.url("/console/"), "dana@demo.test", "dana-demo-pass").await;
    let customer = browser.page().await;
    customer.goto(&stack.url("/demo")).await;
    customer.click("button", "Open chat").await;
    customer_says(&customer, "My parcel never arrived").await;
    customer.click("button", "Talk to a person").await;

    let row = dana.find("button", "Needs").await;
    row.click().await.unwrap_or_else(|e| panic!("opening the conversation: {e}"));
    dana.click("button", "Take over").await;
    customer.wait_for_text("log", "", "Dana joined the conversation").await;
    dana.click("button", "Resolve").await;
    dana.find("dialog", "Resolve conversation").await;
    dana.type_into("Resolution note (optional)", "Reshipped as order 1043").await;
    dana.assert_accessible("the resolve dialog").await;
    dana.click("button", "Confirm resolve").await;

    customer.wait_for_text("log", "", "Dana closed the conversation").await;
    customer.find("group", "Rate this conversation").await;
    customer.wait_for_page_text("This conversation has ended").await;
    customer.assert_accessible("the ended conversation").await;
    dana.wait_for_page_text("Resolved by Dana").await;

    // The old conversation, as stored: closed by Dana, her note kept for agents only.
    let old_token = customer.visitor_token("demo").await;
    let dana_token = api.login("demo", "dana@demo.test", "dana-demo-pass").await.token;
    let live = dashboard_rows(&api, &dana_token).await;
    assert!(live.is_empty(), "the only conversation is closed, so nothing is live: {live:?}");

    customer.click("button", "5 stars").await;
    customer.wait_for_text("log", "", "Thanks for your feedback").await;
    customer.click("button", "Start a new conversation").await;
    // The new conversation's welcome replaces the old transcript.
    until("the new conversation", || async {
        !customer.text_of("log", "").await.contains("My parcel never arrived")
            && customer.visitor_token("demo").await != old_token
    })
    .await;
    customer_says(&customer, "One more question").await;
    let rows = dashboard_rows(&api, &dana_token).await;
    let [row] = rows.as_slice() else { panic!("one live conversation, the new one: {rows:?}") };
    let previous = row.previous.clone().unwrap_or_else(|| panic!("the new conversation links to the old: {row:?}"));
    let old = api.transcript("demo", &previous, &dana_token).await;
    audit(&old.events).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(old.state.mode, Mode::Closed);
    let tail: Vec<(Author, EventBody)> =
        old.events.iter().rev().take(3).map(|e| (e.author.clone(), e.body.clone())).collect();
    assert!(matches!(&tail[0].1, EventBody::Rating { score: 5 }), "{tail:?}");
    assert!(
        matches!(&tail[1], (Author::Agent(a), EventBody::Mode { reason: ModeReason::Resolved, .. }) if a.name == "Dana"),
        "{tail:?}"
    );
    assert!(
        matches!(&tail[2].1, EventBody::Note { text } if text == "Resolution: Reshipped as order 1043"),
        "{tail:?}"
    );
    // Dana opens the new conversation and reaches the visitor's previous one from it.
    let row = dana.find("button", "Visitor").await;
    row.click().await.unwrap_or_else(|e| panic!("opening the new conversation: {e}"));
    dana.click("button", "Previous conversation").await;
    dana.wait_for_text("list", "Transcript", "My parcel never arrived").await;
    let seen_by_customer = api.transcript("demo", &previous, &old_token).await;
    assert!(seen_by_customer.events.iter().all(|e| !matches!(e.body, EventBody::Note { .. })), "no note for them");

    // The closed conversation refuses a message, with its code, on a socket of its own.
    let (mut socket, _) = api.connect("demo", &previous, &old_token, 0).await;
    socket.send(&ClientFrame::send("late-1", "hello again?")).await;
    let refusal = socket.next_matching("the refusal", |f| refused_with(f, "late-1").is_some()).await;
    assert_eq!(refused_with(&refusal, "late-1"), Some(ErrorCode::ConversationClosed));

    for page in [customer, dana] {
        page.close().await;
    }
}

#[tokio::test]
async fn the_customer_ends_the_chat_after_confirming_and_comes_back_to_a_new_one() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let browser = Browser::start().await;
    let customer = browser.page().await;
    customer.goto(&stack.url("/demo")).await;
    customer.click("button", "Open chat").await;
    customer_says(&customer, "How long does shipping take?").await;
    customer.wait_for_text("log", "", "3 to 5 business days").await;

    customer.click("button", "End chat").await;
    customer.find("group", "End this chat?").await;
    customer.click("button", "Cancel").await;
    customer.find("button", "End chat").await;
    customer.click("button", "End chat").await;
    customer.click("button", "Yes, end chat").await;
    customer.wait_for_text("log", "", "You ended the chat").await;
    customer.wait_for_page_text("This conversation has ended").await;
    customer.find("button", "Start a new conversation").await;
    // The old transcript stays readable above.
    customer.wait_for_text("log", "", "How long does shipping take?").await;

    let old_token = customer.visitor_token("demo").await;
    // A returning visitor whose conversation ended gets a new one, linked to it.
    let again = api.start("demo", Some(&old_token)).await;
    assert!(!again.resumed, "an ended conversation is not resumed");
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    let rows = dashboard_rows(&api, &lead).await;
    let linked = rows.iter().find(|r| r.id == again.conversation_id).and_then(|r| r.previous.clone());
    let ended = linked.unwrap_or_else(|| panic!("the new conversation names the old one: {rows:?}"));
    let transcript = api.transcript("demo", &ended, &lead).await;
    let close = transcript.events.iter().find_map(|e| match &e.body {
        EventBody::Mode { mode: Mode::Closed, reason, .. } => Some((e.author.clone(), *reason)),
        _ => None,
    });
    assert_eq!(close, Some((Author::Customer, ModeReason::CustomerEnded)));
    customer.close().await;
}

#[tokio::test]
async fn a_quiet_conversation_closes_by_itself_and_stays_closed_after_a_restart() {
    let mut stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    let desk = json!({ "mode": "manual", "inactivity_close_s": 5 });
    let (status, body) = api.call(Method::PUT, "/api/sites/demo/desk", Some(&lead), Some(&desk)).await;
    assert_eq!(status, 200, "{body}");
    let start = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    customer.send(&ClientFrame::send("m-1", "How long does shipping take?")).await;
    let close = customer.next_matching("the inactivity close", |f| closed(f).is_some()).await;
    assert_eq!(closed(&close), Some((ModeReason::Inactive, Author::System)));

    stack.restart().await;
    let after = api.transcript("demo", &start.conversation_id, &lead).await;
    assert_eq!(after.state.mode, Mode::Closed, "closed survives a restart");
    audit(&after.events).unwrap_or_else(|e| panic!("{e}"));
    let (mut socket, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    socket.send(&ClientFrame::send("m-2", "still there?")).await;
    let refusal = socket.next_matching("the refusal", |f| refused_with(f, "m-2").is_some()).await;
    assert_eq!(refused_with(&refusal, "m-2"), Some(ErrorCode::ConversationClosed));
    assert!(!api.start("demo", Some(&start.token)).await.resumed, "a new conversation after the restart too");
}
