//! Transfer and the desk taking conversations back: an agent hands a conversation to a colleague
//! with a private note, a transfer racing a hand-back has one outcome that customer and agents
//! see alike, and an agent who goes offline gets their conversations re-queued. Real browsers,
//! real `wrangler dev`.

use baton_e2e::{Api, Browser, Socket, Stack, event_of};
use baton_shared::machine::audit;
use baton_shared::{Author, ClientFrame, EventBody, Mode, ModeReason, ServerFrame};
use reqwest::Method;
use serde_json::json;

fn mode_change(frame: &ServerFrame, wanted: Mode) -> Option<(ModeReason, Option<String>)> {
    match event_of(frame).map(|e| &e.body) {
        Some(EventBody::Mode { mode, holder, reason }) if *mode == wanted => {
            Some((*reason, holder.as_ref().map(|h| h.name.clone())))
        }
        _ => None,
    }
}

/// A demo customer who asked for a person.
async fn waiting_customer(api: &Api, text: &str) -> (String, String, Socket) {
    let start = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    customer.send(&ClientFrame::send("m-1", text)).await;
    customer.send(&ClientFrame::RequestHuman { client_id: "r-1".into() }).await;
    customer.next_matching("queued", |f| mode_change(f, Mode::Queued).is_some()).await;
    (start.conversation_id, start.token, customer)
}

#[tokio::test]
async fn an_agent_transfers_to_a_colleague_with_a_note_only_agents_see() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let browser = Browser::start().await;
    let console = stack.url("/console/");
    let sam = browser.page().await;
    sam.sign_in(&console, "sam@demo.test", "sam-demo-pass").await;
    let dana = browser.page().await;
    dana.sign_in(&console, "dana@demo.test", "dana-demo-pass").await;
    let (id, token, mut customer) = waiting_customer(&api, "My parcel arrived damaged, what now?").await;

    // The one conversation in the queue section.
    let row = dana.find("button", "Needs").await;
    row.click().await.unwrap_or_else(|e| panic!("opening the conversation: {e}"));
    dana.click("button", "Take over").await;
    customer.next_matching("Dana joins", |f| mode_change(f, Mode::Human).is_some()).await;
    dana.click("button", "Transfer").await;
    dana.find("dialog", "Transfer conversation").await;
    dana.choose("Transfer to", "Sam (Online, 0 of 3)").await;
    dana.type_into("Note for the next agent", "Photos of the parcel are on the way").await;
    dana.assert_accessible("the transfer dialog").await;
    dana.click("button", "Confirm transfer").await;

    let moved = customer.next_matching("Sam joins", |f| mode_change(f, Mode::Human).is_some()).await;
    assert_eq!(mode_change(&moved, Mode::Human), Some((ModeReason::Transferred, Some("Sam".to_string()))));
    // Sam's console shows the conversation as his, the note included; the customer never gets the note.
    sam.wait_for_text("list", "All conversations", "Sam").await;
    let sam_row = sam.find("button", "Sam").await;
    sam_row.click().await.unwrap_or_else(|e| panic!("opening the conversation: {e}"));
    sam.wait_for_page_text("Photos of the parcel are on the way").await;
    sam.find("button", "Hand back to bot").await;
    let seen_by_customer = api.transcript("demo", &id, &token).await;
    assert!(
        seen_by_customer.events.iter().all(|e| !matches!(e.body, EventBody::Note { .. })),
        "no note for the customer"
    );
    let sam_token = api.login("demo", "sam@demo.test", "sam-demo-pass").await.token;
    let seen_by_agents = api.transcript("demo", &id, &sam_token).await;
    audit(&seen_by_agents.events).unwrap_or_else(|e| panic!("{e}"));
    let note = seen_by_agents.events.iter().find_map(|e| match (&e.author, &e.body) {
        (Author::Agent(a), EventBody::Note { text }) if a.name == "Dana" => Some(text.clone()),
        _ => None,
    });
    assert_eq!(
        note.as_deref(),
        Some("Transferred to Sam. Note for the next agent: Photos of the parcel are on the way")
    );
    // The bot stayed silent from the takeover on.
    let takeover =
        seen_by_agents.events.iter().position(|e| matches!(e.body, EventBody::Mode { mode: Mode::Human, .. }));
    let bot_after = seen_by_agents
        .events
        .iter()
        .skip(takeover.unwrap_or(0))
        .any(|e| e.author == Author::Bot && matches!(e.body, EventBody::Text { .. }));
    assert!(!bot_after, "the bot spoke after the takeover");
}

#[tokio::test]
async fn a_transfer_racing_a_hand_back_ends_in_one_outcome_everyone_sees() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let sam = api.login("demo", "sam@demo.test", "sam-demo-pass").await;
    for round in 0..5 {
        let (id, token, mut customer) = waiting_customer(&api, &format!("Question {round}")).await;
        let (mut holder, _) = api.connect("demo", &id, &dana.token, 0).await;
        holder.send(&ClientFrame::TakeOver).await;
        holder.next_matching("takeover", |f| mode_change(f, Mode::Human).is_some()).await;
        let path = format!("/api/sites/demo/conversations/{id}/transfer");
        let body = json!({ "agent": sam.agent.id });
        let (transfer, ()) = tokio::join!(api.call(Method::POST, &path, Some(&dana.token), Some(&body)), async {
            holder.send(&ClientFrame::HandBack).await;
        });
        holder.barrier().await;
        customer.barrier().await;
        let agents = api.transcript("demo", &id, &sam.token).await;
        audit(&agents.events).unwrap_or_else(|e| panic!("round {round}: {e}"));
        let endings: Vec<ModeReason> = agents
            .events
            .iter()
            .filter_map(|e| match e.body {
                EventBody::Mode { reason: reason @ (ModeReason::Transferred | ModeReason::HandedBack), .. } => {
                    Some(reason)
                }
                _ => None,
            })
            .collect();
        assert_eq!(endings.len(), 1, "round {round}: {endings:?}");
        match endings[0] {
            ModeReason::Transferred => assert_eq!(agents.state.mode, Mode::Human),
            _ => assert_eq!((transfer.0, transfer.1["code"].as_str()), (409, Some("not_holder")), "round {round}"),
        }
        // The customer saw the same mode changes, in the same order, as the agents.
        let modes = |events: &[baton_shared::Event]| -> Vec<(u64, Mode)> {
            events
                .iter()
                .filter_map(|e| match e.body {
                    EventBody::Mode { mode, .. } => Some((e.seq, mode)),
                    _ => None,
                })
                .collect()
        };
        let customers = api.transcript("demo", &id, &token).await;
        assert_eq!(modes(&customers.events), modes(&agents.events), "round {round}");
        let live: Vec<(u64, Mode)> = customer
            .seen
            .iter()
            .filter_map(|f| event_of(f))
            .filter_map(|e| match e.body {
                EventBody::Mode { mode, .. } => Some((e.seq, mode)),
                _ => None,
            })
            .collect();
        assert_eq!(live, modes(&agents.events), "round {round}: what the customer's socket showed");
    }
}

#[tokio::test]
async fn conversations_of_an_agent_whose_console_is_gone_go_back_to_the_queue_with_a_note() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    let grace = json!({ "mode": "manual", "offline_after_s": 10 });
    let (status, body) = api.call(Method::PUT, "/api/sites/demo/desk", Some(&lead), Some(&grace)).await;
    assert_eq!(status, 200, "{body}");
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let console = Socket::open(&api.dashboard_url("demo", &dana.token)).await;
    let (id, _token, mut customer) = waiting_customer(&api, "Is anyone there?").await;
    let (mut holder, _) = api.connect("demo", &id, &dana.token, 0).await;
    holder.send(&ClientFrame::TakeOver).await;
    customer.next_matching("Dana joins", |f| mode_change(f, Mode::Human).is_some()).await;

    // Dana's browser closes; after the grace period the conversation is queued again.
    console.close().await;
    let back = customer.next_matching("back in the queue", |f| mode_change(f, Mode::Queued).is_some()).await;
    assert_eq!(mode_change(&back, Mode::Queued), Some((ModeReason::AgentLeft, None)));
    let agents = api.transcript("demo", &id, &lead).await;
    audit(&agents.events).unwrap_or_else(|e| panic!("{e}"));
    let requeued =
        agents.events.iter().position(|e| matches!(e.body, EventBody::Mode { reason: ModeReason::AgentLeft, .. }));
    let after: Vec<(Author, EventBody)> =
        agents.events.iter().skip(requeued.map_or(0, |i| i + 1)).map(|e| (e.author.clone(), e.body.clone())).collect();
    assert_eq!(
        after.first(),
        Some(&(
            Author::System,
            EventBody::Note { text: "Dana went offline, so the conversation went back to the queue.".into() }
        ))
    );
    // Nobody else is online: the customer is told so rather than left waiting.
    assert!(matches!(after.get(1), Some((Author::Bot, EventBody::NoAgent { .. }))), "{after:?}");
}

#[tokio::test]
async fn two_supervisors_reassigning_at_once_end_in_one_outcome_everyone_sees() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await;
    let second =
        json!({ "email": "lead2@demo.test", "name": "Robin", "role": "supervisor", "password": "robin-demo-pass" });
    let (status, body) = api.call(Method::POST, "/api/sites/demo/team", Some(&lead.token), Some(&second)).await;
    assert_eq!(status, 201, "{body}");
    let robin = api.login("demo", "lead2@demo.test", "robin-demo-pass").await;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let sam = api.login("demo", "sam@demo.test", "sam-demo-pass").await;

    let (id, token, mut customer) = waiting_customer(&api, "Please help").await;
    let (mut holder, _) = api.connect("demo", &id, &dana.token, 0).await;
    holder.send(&ClientFrame::TakeOver).await;
    customer.next_matching("Dana joins", |f| mode_change(f, Mode::Human).is_some()).await;
    let epoch = api.transcript("demo", &id, &dana.token).await.state.epoch;
    let path = format!("/api/sites/demo/conversations/{id}/reassign");

    let (status, body) =
        api.call(Method::POST, &path, Some(&dana.token), Some(&json!({ "agent": sam.agent.id, "epoch": epoch }))).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "agents cannot reassign: {body}");
    let to_sam = json!({ "agent": sam.agent.id, "epoch": epoch });
    let to_robin = json!({ "agent": robin.agent.id, "epoch": epoch });
    let (first, second) = tokio::join!(
        api.call(Method::POST, &path, Some(&lead.token), Some(&to_sam)),
        api.call(Method::POST, &path, Some(&robin.token), Some(&to_robin)),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{first:?} {second:?}");
    let loser = if first.0 == 409 { &first.1 } else { &second.1 };
    assert_eq!(loser["code"].as_str(), Some("stale_epoch"), "{loser}");
    let winner = if first.0 == 200 { &sam.agent } else { &robin.agent };

    let moved = customer.next_matching("the new holder joins", |f| mode_change(f, Mode::Human).is_some()).await;
    assert_eq!(mode_change(&moved, Mode::Human), Some((ModeReason::Reassigned, Some(winner.name.clone()))));
    customer.barrier().await;
    let agents = api.transcript("demo", &id, &lead.token).await;
    audit(&agents.events).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(agents.state.holder.as_ref().map(|h| h.id.as_str()), Some(winner.id.as_str()));
    let reassigned =
        agents.events.iter().filter(|e| matches!(e.body, EventBody::Mode { reason: ModeReason::Reassigned, .. }));
    assert_eq!(reassigned.count(), 1);
    let customers = api.transcript("demo", &id, &token).await;
    assert_eq!(customers.state, agents.state, "the customer sees the same outcome");
}
