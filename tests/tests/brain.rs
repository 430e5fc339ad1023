//! The bot brain at work against `wrangler dev`: escalation in other languages, live flags on
//! the dashboard, the context and co-pilot an agent gets after takeover, the compliance check,
//! and supervisors editing the knowledge base and rules.

use baton_e2e::wait::DEFAULT_DEADLINE;
use baton_e2e::{Api, Browser, Page, Socket, Stack, event_of, is_ack_for, until, until_some};
use baton_shared::text::preview;
use baton_shared::{Author, ClientFrame, DashboardFrame, EventBody, FlagKind, Mode, ModeReason, ServerFrame};
use reqwest::Method;
use serde_json::json;

async fn sign_in(page: &Page, stack: &Stack, email: &str, password: &str) {
    page.sign_in(&stack.url("/console/"), email, password).await;
}

/// Sends a customer message and returns the frame after it that `until` picks.
async fn customer_says(
    socket: &mut Socket,
    id: &str,
    text: &str,
    what: &str,
    until: impl Fn(&ServerFrame) -> bool,
) -> ServerFrame {
    socket.send(&ClientFrame::send(id, text)).await;
    socket.next_matching(what, until).await
}

fn is_bot_text(frame: &ServerFrame) -> bool {
    event_of(frame).is_some_and(|e| e.author == Author::Bot && matches!(e.body, EventBody::Text { .. }))
}

fn queued(frame: &ServerFrame) -> Option<ModeReason> {
    match event_of(frame).map(|e| &e.body) {
        Some(EventBody::Mode { mode: Mode::Queued, reason, .. }) => Some(*reason),
        _ => None,
    }
}

#[tokio::test]
async fn asking_for_a_person_in_other_languages_queues_the_conversation() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    for (lang, text) in [
        ("es", "Hola, quiero hablar con una persona por favor"),
        ("fr", "je veux parler à quelqu'un de votre équipe"),
        ("de", "Ich möchte mit einem Mitarbeiter sprechen"),
        ("pt", "quero falar com um atendente humano"),
    ] {
        let start = api.start("demo", None).await;
        let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
        customer.send(&ClientFrame::send("p-1", text)).await;
        let frame = customer.next_matching(&format!("{lang}: queued"), |f| queued(f).is_some()).await;
        assert_eq!(queued(&frame), Some(ModeReason::CustomerAsked), "{lang}");
        let before: Vec<&ServerFrame> = customer.seen.iter().take_while(|f| queued(f).is_none()).collect();
        assert!(before.iter().any(|f| is_bot_text(f)), "{lang}: the bot says a person is coming first");
        customer.close().await;
    }
    // A question that merely mentions a person is answered, not escalated.
    let start = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    customer_says(&mut customer, "q-1", "How long does shipping take?", "bot answer", is_bot_text).await;
    // An escalation says its words first and queues right after them, so the bot's text alone
    // does not end the exchange; the barrier does.
    customer.barrier().await;
    assert!(
        customer.seen.iter().all(|f| queued(f).is_none()),
        "a shipping question must not queue: {:?}",
        customer.seen
    );
    let stored = api.transcript("demo", &start.conversation_id, &start.token).await;
    assert_eq!(stored.state.mode, Mode::Bot, "a shipping question must not queue: {:?}", stored.events);
    assert!(
        stored.events.iter().all(|e| !matches!(e.body, EventBody::Mode { .. })),
        "a shipping question must not change the mode: {:?}",
        stored.events
    );
}

/// What the dashboard row of the visitor named `visitor` shows, if there is one.
#[derive(Debug, serde::Deserialize)]
struct Row {
    preview: String,
    /// Intent and sentiment, once the conversation has been analysed.
    insight: Option<String>,
    /// The `data-kind` of each flag on the row.
    flags: Vec<String>,
}

async fn row_of(page: &Page, visitor: &str) -> Option<Row> {
    let script = r#"const row = [...document.querySelectorAll('button.row')]
            .find(r => (r.querySelector('.visitor')?.textContent.trim() ?? '').split(' (')[0] === arguments[0]);
        if (!row) return null;
        return { preview: row.querySelector('.preview')?.textContent ?? '',
                 insight: row.querySelector('.row-insight')?.textContent ?? null,
                 flags: [...row.querySelectorAll('.flag')].map(f => f.dataset.kind) };"#;
    let found = page.eval(script, vec![json!(visitor)]).await;
    serde_json::from_value(found).unwrap_or_else(|e| panic!("the dashboard row of {visitor}: {e}"))
}

/// Whether the dashboard row for `conversation` shows a flag of this kind.
async fn row_flag(page: &Page, conversation: &str, kind: &str) -> bool {
    let script = r#"const [id, kind] = arguments;
        return [...document.querySelectorAll('.flag')].some(f => f.dataset.kind === kind
            && (f.closest('[data-conversation]')?.dataset.conversation ?? id) === id);"#;
    page.eval(script, vec![json!(conversation), json!(kind)]).await.as_bool().unwrap_or(false)
}

#[tokio::test]
async fn an_angry_customer_raises_a_sentiment_flag_on_the_dashboard_live() {
    let stack = Stack::start().await;
    let browser = Browser::start().await;
    let dana = browser.page().await;
    sign_in(&dana, &stack, "dana@demo.test", "dana-demo-pass").await;

    let api = Api::new(&stack.base);
    let start = api.start_as("demo", json!({ "name": "Riley" })).await;
    let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    let answer =
        customer_says(&mut customer, "m-1", "Where is my order? I ordered a jacket", "answer", is_bot_text).await;
    let answered = match event_of(&answer).map(|e| &e.body) {
        Some(EventBody::Text { text, .. }) => format!("Bot: {}", preview(text)),
        _ => unreachable!("matched a bot text"),
    };
    // The row update that shows the bot's answer and the message's sentiment is the one that
    // carries the flags that message raised: only then can "not flagged" be read off the row.
    let row = until_some("Riley's row with the bot's answer and the sentiment", DEFAULT_DEADLINE, || async {
        row_of(&dana, "Riley")
            .await
            .filter(|row| row.preview == answered && row.insight.as_deref().is_some_and(|i| i.contains("Sentiment")))
    })
    .await;
    assert!(row.flags.iter().all(|kind| kind != "sentiment"), "a calm customer is not flagged: {row:?}");
    assert!(!row_flag(&dana, &start.conversation_id, "sentiment").await, "a calm customer is not flagged");

    customer
        .send(&ClientFrame::send(
            "m-2",
            "This is ridiculous. It's been two weeks, your service is terrible and useless!",
        ))
        .await;
    until("a sentiment flag on Dana's dashboard", || row_flag(&dana, &start.conversation_id, "sentiment")).await;
    dana.find("combobox", "Filter conversations").await;
    dana.close().await;
}

#[tokio::test]
async fn a_vip_visitor_is_flagged_on_the_dashboard_socket() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let agent = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let url = format!("{}/api/sites/demo/dashboard?token={}", stack.base.replacen("http", "ws", 1), agent.token);
    let mut dashboard = Socket::open(&url).await;
    dashboard.next_of("snapshot", |f: &DashboardFrame| matches!(f, DashboardFrame::Snapshot { .. })).await;

    // Anyone can claim an attribute: an unverified VIP is not flagged.
    let claimed = api.start_as("demo", json!({ "name": "Eve", "attributes": { "plan": "VIP" } })).await;
    let frame = dashboard
        .next_of("Eve's row", |f: &DashboardFrame| matches!(f, DashboardFrame::Upsert { conversation } if conversation.id == claimed.conversation_id))
        .await;
    let DashboardFrame::Upsert { conversation } = frame else { unreachable!("matched an upsert") };
    assert!(conversation.flags.iter().all(|f| f.kind != FlagKind::Vip), "{:?}", conversation.flags);
    assert!(!conversation.visitor_verified);

    // The site's server signed Ana's user id: her attributes are the site's word.
    let hash = baton_e2e::api::user_hash("demo", "user-ana");
    let start = api
        .start_as(
            "demo",
            json!({ "name": "Ana", "attributes": { "plan": "VIP" }, "user_id": "user-ana", "user_hash": hash }),
        )
        .await;
    let id = start.conversation_id.clone();
    let frame = dashboard
        .next_of("Ana's row flagged VIP", |f: &DashboardFrame| match f {
            DashboardFrame::Upsert { conversation } => {
                conversation.id == id && conversation.flags.iter().any(|flag| flag.kind == FlagKind::Vip)
            }
            _ => false,
        })
        .await;
    let DashboardFrame::Upsert { conversation } = frame else { unreachable!("matched an upsert") };
    let vip = conversation.flags.iter().find(|f| f.kind == FlagKind::Vip).map(|f| f.reason.clone());
    assert_eq!(vip.as_deref(), Some("plan = VIP"));
    assert!(conversation.visitor_verified);

    // A visitor without the attribute is not.
    let other = api.start_as("demo", json!({ "name": "Bo", "attributes": { "plan": "basic" } })).await;
    let frame = dashboard
        .next_of("Bo's row", |f: &DashboardFrame| matches!(f, DashboardFrame::Upsert { conversation } if conversation.id == other.conversation_id))
        .await;
    let DashboardFrame::Upsert { conversation } = frame else { unreachable!("matched an upsert") };
    assert!(conversation.flags.iter().all(|f| f.kind != FlagKind::Vip), "{:?}", conversation.flags);
}

#[tokio::test]
async fn a_card_number_in_a_draft_gets_a_compliance_warning_and_an_override_is_recorded() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let start = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    customer_says(&mut customer, "c-1", "I was charged twice for order 1042", "answer", is_bot_text).await;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let mut agent = api.holding("demo", &start.conversation_id, &dana.token).await;

    agent.send(&ClientFrame::send("d-1", "I see the card 4242 4242 4242 4242 was charged twice.")).await;
    let warning =
        agent.next_matching("compliance warning", |f| matches!(f, ServerFrame::ComplianceWarning { .. })).await;
    let ServerFrame::ComplianceWarning { client_id, issues } = warning else { unreachable!("matched") };
    assert_eq!(client_id, "d-1");
    assert_eq!(issues.iter().map(|i| i.rule.as_str()).collect::<Vec<_>>(), vec!["card_number"]);
    assert!(issues[0].reason.contains("4242") && !issues[0].reason.contains("4242 4242"), "{}", issues[0].reason);
    let stored = api.transcript("demo", &start.conversation_id, &dana.token).await;
    assert!(
        stored.events.iter().all(|e| !matches!(&e.body, EventBody::Text { text, .. } if text.contains("4242"))),
        "a warned draft must not be stored"
    );

    // A clean reply goes straight through; the flagged one only when Dana confirms.
    agent.send(&ClientFrame::send("d-2", "Sorry about that, I'm checking the payment now.")).await;
    agent.next_matching("ack of the clean reply", |f| is_ack_for(f, "d-2").is_some()).await;
    agent
        .send(&ClientFrame::Send {
            client_id: "d-3".into(),
            text: "I see the card 4242 4242 4242 4242 was charged twice.".into(),
            send_anyway: true,
        })
        .await;
    agent.next_matching("ack of the confirmed reply", |f| is_ack_for(f, "d-3").is_some()).await;
    customer
        .next_matching("the confirmed reply", |f| {
            matches!(event_of(f).map(|e| &e.body), Some(EventBody::Text { text, .. }) if text.contains("charged twice"))
        })
        .await;
    let stored = api.transcript("demo", &start.conversation_id, &dana.token).await;
    let note = stored.events.iter().find_map(|e| match &e.body {
        EventBody::Note { text } if matches!(e.author, Author::Agent(_)) => Some(text.clone()),
        _ => None,
    });
    let note = note.unwrap_or_else(|| panic!("the override is not recorded: {:?}", stored.events));
    assert!(note.contains("compliance warning") && note.contains("card number"), "{note}");
    let customer_view = api.transcript("demo", &start.conversation_id, &start.token).await;
    assert!(customer_view.events.iter().all(|e| !matches!(e.body, EventBody::Note { .. })));
}

#[tokio::test]
async fn supervisors_edit_the_knowledge_base_and_rules_and_the_bot_uses_them() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await.token;
    let article = json!({
        "title": "Kayak rental at the lake store",
        "body": "Our lake store rents sit-on-top kayaks for 25 euros a day, paddles and vests included.",
        "tags": ["kayak", "rental"],
    });

    let (status, body) = api.call(Method::POST, "/api/sites/demo/articles", Some(&dana), Some(&article)).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    let (status, body) = api.call(Method::POST, "/api/sites/demo/articles", None, Some(&article)).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")), "{body}");
    let empty = json!({ "title": " ", "body": "x" });
    let (status, body) = api.call(Method::POST, "/api/sites/demo/articles", Some(&lead), Some(&empty)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_article")), "{body}");

    let (status, created) = api.call(Method::POST, "/api/sites/demo/articles", Some(&lead), Some(&article)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(id, "kayak-rental-at-the-lake-store");
    let (status, list) = api.call(Method::GET, "/api/sites/demo/articles", Some(&dana), None).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = list.as_array().into_iter().flatten().filter_map(|a| a["id"].as_str()).collect();
    assert!(ids.len() >= 31 && ids.contains(&id.as_str()), "{ids:?}");

    // A new conversation's bot answers from it.
    let start = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    customer.send(&ClientFrame::send("k-1", "can I rent a kayak?")).await;
    let answer = customer.next_matching("kayak answer", is_bot_text).await;
    let bot = event_of(&answer).and_then(|e| match &e.body {
        EventBody::Text { bot, .. } => bot.clone(),
        _ => None,
    });
    assert_eq!(bot.and_then(|b| b.article_id).as_deref(), Some(id.as_str()), "{answer:?}");

    let edited = json!({ "title": "Kayak rental", "body": "Kayaks are 30 euros a day.", "tags": [] });
    let path = format!("/api/sites/demo/articles/{id}");
    let (status, body) = api.call(Method::PUT, &path, Some(&lead), Some(&edited)).await;
    assert_eq!((status, body["title"].as_str()), (200, Some("Kayak rental")), "{body}");
    let (status, _) = api.call(Method::DELETE, &path, Some(&lead), None).await;
    assert_eq!(status, 200);
    let (status, body) = api.call(Method::DELETE, &path, Some(&lead), None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{body}");

    // Rules: defaults, a refused change, a stored one.
    let (status, rules) = api.call(Method::GET, "/api/sites/demo/rules", Some(&dana), None).await;
    assert_eq!(status, 200, "{rules}");
    assert_eq!(rules["escalation"]["on_request"], json!(true));
    let mut bad = rules.clone();
    bad["alerts"]["sentiment_below"] = json!(-3.0);
    let (status, body) = api.call(Method::PUT, "/api/sites/demo/rules", Some(&lead), Some(&bad)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_rules")), "{body}");
    let mut good = rules.clone();
    good["compliance"]["banned_words"] = json!(["cheap"]);
    let (status, _) = api.call(Method::PUT, "/api/sites/demo/rules", Some(&dana), Some(&good)).await;
    assert_eq!(status, 403);
    let (status, body) = api.call(Method::PUT, "/api/sites/demo/rules", Some(&lead), Some(&good)).await;
    assert_eq!((status, body["compliance"]["banned_words"].clone()), (200, json!(["cheap"])), "{body}");

    // A new conversation picks the rule up at once.
    let start = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    customer_says(&mut customer, "b-1", "hello", "greeting", is_bot_text).await;
    let mut agent = api.holding("demo", &start.conversation_id, &dana).await;
    agent.send(&ClientFrame::send("d-1", "That one is the cheap model.")).await;
    let warning =
        agent.next_matching("banned word warning", |f| matches!(f, ServerFrame::ComplianceWarning { .. })).await;
    let ServerFrame::ComplianceWarning { issues, .. } = warning else { unreachable!("matched") };
    assert_eq!(issues.iter().map(|i| i.rule.as_str()).collect::<Vec<_>>(), vec!["banned_word"]);
}

#[tokio::test]
async fn after_takeover_the_console_shows_context_co_pilot_and_the_compliance_warning() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let start = api
        .start_as("demo", json!({ "name": "Ana", "email": "ana@example.test", "attributes": { "plan": "vip" } }))
        .await;
    let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    customer_says(&mut customer, "c-1", "How long does shipping take?", "answer", is_bot_text).await;
    customer.send(&ClientFrame::send("c-2", "That's too slow and annoying. I want to talk to a person")).await;
    customer.next_matching("queued", |f| queued(f).is_some()).await;

    let browser = Browser::start().await;
    let dana = browser.page().await;
    sign_in(&dana, &stack, "dana@demo.test", "dana-demo-pass").await;
    dana.find("button", "Ana").await.click().await.unwrap_or_else(|e| panic!("open Ana's conversation: {e}"));
    // The context is there before takeover, so Dana can decide to take it.
    dana.wait_for_text("region", "Conversation context", "Asked for a person").await;
    dana.click("button", "Take over").await;
    let context = dana.wait_for_text("region", "Conversation context", "plan: vip").await;
    for expected in
        ["Intent", "Sentiment", "Summary", "Ana", "Not verified", "ana@example.test", "How long does shipping take?"]
    {
        assert!(context.contains(expected), "context lacks {expected:?}:\n{context}");
    }
    dana.wait_for_page_text("Confidence").await;

    // A suggested reply goes into the box for editing, and is not sent.
    dana.wait_for_text("region", "Co-pilot", "Relevant articles").await;
    dana.click("button", "Insert suggestion 1").await;
    let draft = dana.eval("return document.getElementById('reply')?.value ?? ''", vec![]).await;
    assert!(draft.as_str().is_some_and(|d| d.len() > 20), "the suggestion was not inserted: {draft}");
    let reply_box = dana.find_exact("textbox", "Reply").await;
    reply_box.clear().await.unwrap_or_else(|e| panic!("clear the reply box: {e}"));

    dana.type_into("Reply", "Your card 4242 4242 4242 4242 will be refunded.").await;
    dana.click("button", "Send").await;
    dana.wait_for_text("alert", "", "card number ending 4242").await;
    dana.wait_for_text("alert", "", "Compliance warning").await;
    dana.click("button", "Send anyway").await;
    customer
        .next_matching("the confirmed reply", |f| {
            matches!(event_of(f).map(|e| &e.body), Some(EventBody::Text { text, .. }) if text.contains("will be refunded"))
        })
        .await;
    dana.wait_for_page_text("Sent despite a compliance warning").await;
    dana.close().await;
}
