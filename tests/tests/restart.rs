//! Guarantee 5: transcript, mode, epoch and assignment survive a restart of `wrangler dev`
//! on the same persisted state, and clients reconnect and continue.

use baton_e2e::{Api, Browser, Stack};
use baton_shared::machine::audit;
use baton_shared::{Author, ClientFrame, EventBody, Mode, ServerFrame};

#[tokio::test]
async fn conversation_survives_a_restart_mid_takeover() {
    let mut stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let conv = api.start("demo", None).await;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;

    let (mut customer, _) = api.connect("demo", &conv.conversation_id, &conv.token, 0).await;
    customer.send(&ClientFrame::send("before-1", "Where is my order?")).await;
    customer
        .next_matching("bot answer", |f| matches!(f, ServerFrame::Event { event } if event.author == Author::Bot))
        .await;
    let (mut agent, _) = api.connect("demo", &conv.conversation_id, &dana.token, 0).await;
    agent.send(&ClientFrame::TakeOver).await;
    agent
        .next_matching(
            "takeover",
            |f| matches!(f, ServerFrame::Event { event } if matches!(event.body, EventBody::Mode { .. })),
        )
        .await;
    let before = api.transcript("demo", &conv.conversation_id, &dana.token).await;

    stack.restart().await;

    let after = api.transcript("demo", &conv.conversation_id, &dana.token).await;
    assert_eq!(after.events, before.events, "the transcript changed across the restart");
    assert_eq!(after.state, before.state, "mode, epoch or holder changed across the restart");
    assert_eq!(after.state.mode, Mode::Human);
    assert_eq!(after.state.holder.as_ref().map(|h| h.name.as_str()), Some("Dana"));

    // Both sides reconnect from the last seq they saw and carry on; a resend from before the
    // restart is recognised.
    let last = before.state.last_seq;
    let (mut customer, welcome) = api.connect("demo", &conv.conversation_id, &conv.token, last).await;
    let ServerFrame::Welcome { events, .. } = welcome else { panic!("no welcome") };
    assert!(events.is_empty(), "nothing happened while down, so the gap is empty: {events:?}");
    let (mut agent, _) = api.connect("demo", &conv.conversation_id, &dana.token, last).await;
    customer.send(&ClientFrame::send("before-1", "Where is my order?")).await;
    let resend = customer.next_matching("ack of the resend", |f| matches!(f, ServerFrame::Ack { .. })).await;
    let original = before.events.iter().find(|e| e.client_id.as_deref() == Some("before-1")).map(|e| e.seq);
    assert!(matches!(resend, ServerFrame::Ack { seq, .. } if Some(seq) == original), "{resend:?}");

    agent.send(&ClientFrame::send("after-1", "Dana here, still with you.")).await;
    customer
        .next_matching("Dana's reply after restart", |f| {
            matches!(f, ServerFrame::Event { event } if matches!(&event.body, EventBody::Text { text, .. } if text == "Dana here, still with you."))
        })
        .await;
    let end = api.transcript("demo", &conv.conversation_id, &dana.token).await;
    assert_eq!(end.events.len(), before.events.len() + 1);
    audit(&end.events).unwrap_or_else(|e| panic!("transcript breaks a guarantee: {e}"));
}

#[tokio::test]
async fn widget_and_console_say_they_are_reconnecting_and_carry_on_after_a_restart() {
    let mut stack = Stack::start().await;
    let browser = Browser::start().await;
    let dana = browser.page().await;
    dana.goto(&stack.url("/console/")).await;
    dana.type_into("Email", "dana@demo.test").await;
    dana.type_into("Password", "dana-demo-pass").await;
    dana.click("button", "Sign in").await;

    let customer = browser.page().await;
    customer.goto(&stack.url("/demo")).await;
    customer.click("button", "Open chat").await;
    customer.type_into("Message", "Where is my order 1042?").await;
    customer.click("button", "Send").await;
    dana.find("button", "Visitor").await.click().await.unwrap_or_else(|e| panic!("open conversation: {e}"));
    dana.click("button", "Take over").await;
    customer.wait_for_text("log", "", "Dana joined the conversation").await;

    stack.stop();
    customer.wait_for_text("status", "", "Reconnecting").await;
    dana.wait_for_page_text("Reconnecting").await;
    // Written while the edge is down: it waits and goes out once the widget is back.
    customer.type_into("Message", "Are you still there?").await;
    customer.click("button", "Send").await;

    stack.start_again().await;
    dana.wait_for_page_text("Are you still there?").await;
    dana.type_into("Reply", "Yes, still here with you.").await;
    dana.click("button", "Send").await;
    customer.wait_for_text("log", "", "Yes, still here with you.").await;
    customer.find("heading", "Dana").await;

    let api = Api::new(&stack.base);
    let token = &customer.visitor_token("demo").await;
    let conversation = api.start("demo", Some(token)).await.conversation_id;
    let transcript = api.transcript("demo", &conversation, token).await;
    audit(&transcript.events).unwrap_or_else(|e| panic!("transcript breaks a guarantee: {e}"));
    let said = |text: &str| {
        transcript.events.iter().filter(|e| matches!(&e.body, EventBody::Text { text: t, .. } if t == text)).count()
    };
    assert_eq!(said("Are you still there?"), 1);
    assert_eq!(said("Yes, still here with you."), 1);
    customer.close().await;
    dana.close().await;
}
