//! When nobody can come: outside business hours, with no agent Online, or after the longest
//! wait the site allows, the bot says so and offers to leave a message or keep chatting. There
//! is no dead end. Real browser, real `wrangler dev`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use baton_e2e::{Api, Browser, Socket, Stack, event_of, until_some};
use baton_shared::history::OfflineMessage;
use baton_shared::{Author, ClientFrame, EventBody, Mode, ModeReason, ServerFrame};
use reqwest::Method;
use serde_json::{Value, json};

/// "2026-12-06" for today plus `days`, in UTC.
fn utc_date(days: u64) -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) + days * 86_400;
    let (year, month, day) = baton_shared::calendar::civil_from_days((secs / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

async fn set_desk(api: &Api, lead: &str, desk: Value) {
    let (status, body) = api.call(Method::PUT, "/api/sites/demo/desk", Some(lead), Some(&desk)).await;
    assert_eq!(status, 200, "{body}");
}

fn no_agent_text(frame: &ServerFrame) -> Option<String> {
    match event_of(frame).map(|e| &e.body) {
        Some(EventBody::NoAgent { text }) => Some(text.clone()),
        _ => None,
    }
}

async fn asking_for_a_person(api: &Api, text: &str) -> (String, String, Socket) {
    let start = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    customer.send(&ClientFrame::send("m-1", text)).await;
    customer.send(&ClientFrame::RequestHuman { client_id: "r-1".into() }).await;
    (start.conversation_id, start.token, customer)
}

#[tokio::test]
async fn out_of_hours_a_person_is_asked_for_and_the_customer_leaves_a_message_agents_see() {
    let mut stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    // Open every day all day, but closed today and tomorrow: back the day after at 0:00.
    let every_day: Vec<Value> = (0..7).map(|d| json!({ "weekday": d, "from": "00:00", "to": "24:00" })).collect();
    let hours = json!({ "time_zone": "UTC", "weekly": every_day, "closed_dates": [utc_date(0), utc_date(1)] });
    set_desk(&api, &lead, json!({ "mode": "manual", "hours": hours })).await;
    // An agent is online: the hours alone send the customer to the message form.
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await.token;
    let _console = Socket::open(&api.dashboard_url("demo", &dana)).await;

    let browser = Browser::start().await;
    let customer = browser.page().await;
    customer.goto(&stack.url("/demo")).await;
    customer.click("button", "Open chat").await;
    customer.type_into("Message", "Hello, I need help with an order").await;
    customer.click("button", "Send").await;
    customer.wait_for_text("log", "", "Hello, I need help with an order").await;
    customer.click("button", "Talk to a person").await;
    let said = customer.wait_for_text("log", "", "Our team is away right now. We're back").await;
    assert!(said.contains("at 0:00"), "says when the team is back: {said}");
    customer.find("button", "Keep chatting").await;
    customer.click("button", "Leave a message").await;
    customer.find("form", "Leave a message").await;
    customer.assert_accessible("the message form").await;
    customer.type_into("Your email", "rosa@example.test").await;
    customer.type_into("Your message", "Please call me about order 1042").await;
    customer.click("button", "Send message").await;
    customer.wait_for_text("log", "", "We have your message and will reply to rosa@example.test").await;
    customer.wait_for_text("log", "", "Your message went to the team").await;
    customer.find("button", "Start a new conversation").await;

    let listed = |token: String| {
        let api = &api;
        async move {
            let (status, body) = api.call(Method::GET, "/api/sites/demo/offline-messages", Some(&token), None).await;
            assert_eq!(status, 200, "{body}");
            let messages: Vec<OfflineMessage> = serde_json::from_value(body).unwrap_or_default();
            messages.into_iter().find(|m| m.email == "rosa@example.test")
        }
    };
    let message = until_some("the offline message", Duration::from_secs(20), || listed(dana.clone())).await;
    assert_eq!(message.text, "Please call me about order 1042");
    assert!(message.handled.is_none());

    // Dana answers it in the console: it is handled, with who answered.
    let console = browser.page().await;
    console.sign_in(&stack.url("/console/"), "dana@demo.test", "dana-demo-pass").await;
    console.click("button", "Offline messages").await;
    console.wait_for_text("region", "Offline messages", "Please call me about order 1042").await;
    console.assert_accessible("the offline messages").await;
    console.type_into("Reply to rosa@example.test", "Calling you at 10.").await;
    console.click("button", "Send reply").await;
    console.wait_for_text("region", "Offline messages", "Answered by Dana").await;
    console.close().await;

    stack.restart().await;
    let after =
        until_some("the offline message after a restart", Duration::from_secs(20), || listed(dana.clone())).await;
    assert_eq!(after.handled.map(|h| h.reply), Some("Calling you at 10.".to_string()));
    customer.close().await;
}

#[tokio::test]
async fn with_nobody_online_the_customer_keeps_chatting_and_the_bot_answers_again() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let (_, _, mut customer) = asking_for_a_person(&api, "Hola, ¿alguien me puede ayudar?").await;
    let told = customer.next_matching("nobody can come", |f| no_agent_text(f).is_some()).await;
    let text = no_agent_text(&told).unwrap_or_default();
    assert!(text.starts_with("Ahora mismo no hay nadie de nuestro equipo disponible."), "in Spanish: {text}");

    customer.send(&ClientFrame::KeepChatting { client_id: "k-1".into() }).await;
    let back = customer
        .next_matching("back with the bot", |f| {
            matches!(event_of(f).map(|e| &e.body), Some(EventBody::Mode { mode: Mode::Bot, .. }))
        })
        .await;
    let reason = event_of(&back).map(|e| (e.author.clone(), e.body.clone()));
    assert!(
        matches!(reason, Some((Author::Customer, EventBody::Mode { reason: ModeReason::CustomerChoseBot, .. }))),
        "{reason:?}"
    );
    customer.send(&ClientFrame::send("m-2", "How long does shipping take?")).await;
    customer
        .next_matching("the bot's answer", |f| {
            matches!(event_of(f), Some(e) if e.author == Author::Bot
                && matches!(&e.body, EventBody::Text { text, .. } if text.contains("3 to 5")))
        })
        .await;
    // And a person may be asked for again later.
    customer.send(&ClientFrame::RequestHuman { client_id: "r-2".into() }).await;
    customer.next_matching("queued again", |f| no_agent_text(f).is_some()).await;
}

#[tokio::test]
async fn past_the_longest_wait_the_customer_is_offered_the_same_choices_and_meanwhile_the_bot_answers() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    set_desk(&api, &lead, json!({ "mode": "manual", "max_queue_wait_s": 5 })).await;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await.token;
    let _console = Socket::open(&api.dashboard_url("demo", &dana)).await;
    let (_, _, mut customer) = asking_for_a_person(&api, "I need a person please").await;
    customer
        .next_matching("queued", |f| {
            matches!(event_of(f).map(|e| &e.body), Some(EventBody::Mode { mode: Mode::Queued, .. }))
        })
        .await;

    customer.send(&ClientFrame::send("m-2", "How long does shipping take?")).await;
    let answer = customer
        .next_matching(
            "an answer while waiting",
            |f| matches!(event_of(f), Some(e) if e.author == Author::Bot && matches!(e.body, EventBody::Text { .. })),
        )
        .await;
    let said = match event_of(&answer).map(|e| &e.body) {
        Some(EventBody::Text { text, .. }) => text.clone(),
        _ => String::new(),
    };
    assert!(said.starts_with("A person will join you soon. In the meantime: ") && said.contains("3 to 5"), "{said}");

    let told = customer.next_matching("the longest wait passed", |f| no_agent_text(f).is_some()).await;
    let text = no_agent_text(&told).unwrap_or_default();
    assert!(text.starts_with("Sorry for the wait") && text.contains("leave a message"), "{text}");
}
