//! Guarantee 5: transcript, mode, epoch and assignment survive a restart of `wrangler dev`
//! on the same persisted state, and clients reconnect and continue.

use baton_e2e::{Api, Stack};
use baton_shared::machine::audit;
use baton_shared::{Author, ClientFrame, EventBody, Mode, ServerFrame};

#[tokio::test]
async fn conversation_survives_a_restart_mid_takeover() {
    let mut stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let conv = api.start("demo", None).await;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;

    let (mut customer, _) = api.connect("demo", &conv.conversation_id, &conv.token, 0).await;
    customer.send(&ClientFrame::Send { client_id: "before-1".into(), text: "Where is my order?".into() }).await;
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
    customer.send(&ClientFrame::Send { client_id: "before-1".into(), text: "Where is my order?".into() }).await;
    let resend = customer.next_matching("ack of the resend", |f| matches!(f, ServerFrame::Ack { .. })).await;
    let original = before.events.iter().find(|e| e.client_id.as_deref() == Some("before-1")).map(|e| e.seq);
    assert!(matches!(resend, ServerFrame::Ack { seq, .. } if Some(seq) == original), "{resend:?}");

    agent.send(&ClientFrame::Send { client_id: "after-1".into(), text: "Dana here, still with you.".into() }).await;
    customer
        .next_matching("Dana's reply after restart", |f| {
            matches!(f, ServerFrame::Event { event } if matches!(&event.body, EventBody::Text { text, .. } if text == "Dana here, still with you."))
        })
        .await;
    let end = api.transcript("demo", &conv.conversation_id, &dana.token).await;
    assert_eq!(end.events.len(), before.events.len() + 1);
    audit(&end.events).unwrap_or_else(|e| panic!("transcript breaks a guarantee: {e}"));
}
