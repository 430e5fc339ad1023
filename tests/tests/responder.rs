//! The bot with a language model behind it, against a stand-in chat-completions server: the
//! real model client runs in workerd. A reply still being written when an agent takes over is
//! never said (guarantee 3); a failing or slow model falls back to the knowledge base.

use baton_e2e::{Api, ModelStub, Socket, Stack, StubReply, event_of};
use baton_shared::machine::audit;
use baton_shared::{Author, ClientFrame, Event, EventBody, Mode, ServerFrame};
use serde_json::{Value, json};

const QUESTION: &str = "How long does shipping take?";

fn bot_text(event: &Event) -> Option<&str> {
    match (&event.author, &event.body) {
        (Author::Bot, EventBody::Text { text, .. }) => Some(text),
        _ => None,
    }
}

/// The demo site's articles and accounts, with a language model at `endpoint`.
fn site_with_model(endpoint: &str, timeout_ms: u64) -> Value {
    let mut seed = baton_e2e::stack::demo_seed();
    seed["model"] = json!({ "endpoint": endpoint, "model": "stand-in", "timeout_ms": timeout_ms });
    seed
}

async fn ask(api: &Api, site: &str) -> (Socket, String) {
    let conv = api.start(site, None).await;
    let (mut customer, _) = api.connect(site, &conv.conversation_id, &conv.token, 0).await;
    customer.send(&ClientFrame::send("q", QUESTION)).await;
    let answer = customer.next_matching("the bot's answer", |f| event_of(f).and_then(bot_text).is_some()).await;
    let text = event_of(&answer).and_then(bot_text).unwrap_or_default().to_string();
    (customer, text)
}

#[tokio::test]
async fn a_reply_still_being_written_when_the_agent_takes_over_is_never_said() {
    let stack = Stack::start().await;
    let model = ModelStub::held(StubReply::Text("LATE: standard shipping takes 3-5 business days.".into())).await;
    stack.seed_site("slow", &site_with_model(&model.url, 30_000)).await;
    let api = Api::new(&stack.base);
    let conv = api.start("slow", None).await;
    let (mut customer, _) = api.connect("slow", &conv.conversation_id, &conv.token, 0).await;
    let dana = api.login("slow", "dana@demo.test", "dana-demo-pass").await;
    let (mut agent, _) = api.connect("slow", &conv.conversation_id, &dana.token, 0).await;

    customer.send(&ClientFrame::send("q", QUESTION)).await;
    // The bot is now waiting for the model: its reply is in flight.
    model.wait_for_requests(1).await;
    agent.send(&ClientFrame::TakeOver).await;
    let takeover = agent
        .next_matching("the takeover", |f| {
            event_of(f).is_some_and(|e| matches!(e.body, EventBody::Mode { mode: Mode::Human, .. }))
        })
        .await;
    let took_over_at = event_of(&takeover).map(|e| e.seq).unwrap_or_default();
    model.release();

    // The late reply reaches the agents as a draft note, and only them.
    let draft = agent
        .next_matching("the bot's draft", |f| {
            event_of(f).is_some_and(|e| e.author == Author::Bot && matches!(e.body, EventBody::Note { .. }))
        })
        .await;
    let draft = event_of(&draft).cloned().unwrap_or_else(|| unreachable!("matched an event"));
    assert!(matches!(&draft.body, EventBody::Note { text } if text.starts_with("LATE:")), "{draft:?}");
    customer.barrier().await;
    let said: Vec<&Event> = customer.seen.iter().filter_map(event_of).filter(|e| e.author == Author::Bot).collect();
    assert!(said.is_empty(), "the customer got the bot's late reply: {said:?}");

    let transcript = api.transcript("slow", &conv.conversation_id, &dana.token).await;
    audit(&transcript.events).unwrap_or_else(|e| panic!("transcript breaks a guarantee: {e}"));
    assert!(
        transcript.events.iter().all(|e| bot_text(e).is_none()),
        "a bot message is in the transcript after the takeover at seq {took_over_at}: {:?}",
        transcript.events
    );
    let customer_view = api.transcript("slow", &conv.conversation_id, &conv.token).await;
    assert!(customer_view.events.iter().all(|e| e.author != Author::Bot), "{:?}", customer_view.events);
}

#[tokio::test]
async fn the_model_words_answers_and_the_knowledge_base_covers_for_it_when_it_fails() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);

    let model = ModelStub::start(StubReply::Text("MODEL: it takes 3-5 business days.".into())).await;
    stack.seed_site("shop", &site_with_model(&model.url, 5_000)).await;
    let (_, answer) = ask(&api, "shop").await;
    assert_eq!(answer, "MODEL: it takes 3-5 business days.");
    // The model was asked with the matching article and the customer's words.
    let request: Value = serde_json::from_str(&model.wait_for_requests(1).await)
        .unwrap_or_else(|e| panic!("the edge sent the model something that is not JSON: {e}"));
    assert_eq!(request["model"], "stand-in");
    let system = request["messages"][0]["content"].as_str().unwrap_or_default();
    assert!(system.contains("Shipping times and costs"), "the article is not in the prompt: {system}");
    assert_eq!(request["messages"][1]["content"], format!("<customer>{QUESTION}</customer>"), "quoted, not obeyed");
    let (_, kb_answer) = ask(&api, "demo").await;

    // A model that errors or does not answer in time: the knowledge base answers, as without one.
    let failing = ModelStub::start(StubReply::Status(500)).await;
    stack.seed_site("shop", &site_with_model(&failing.url, 5_000)).await;
    let (_, answer) = ask(&api, "shop").await;
    assert_eq!(answer, kb_answer);
    failing.wait_for_requests(1).await;

    let silent = ModelStub::held(StubReply::Text("never sent".into())).await;
    stack.seed_site("shop", &site_with_model(&silent.url, 300)).await;
    let (_, answer) = ask(&api, "shop").await;
    assert_eq!(answer, kb_answer);
    silent.wait_for_requests(1).await;
}

#[tokio::test]
async fn the_model_briefs_the_agent_and_drafts_replies_after_takeover() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let model = ModelStub::start(StubReply::Text("MODEL: the customer wants shipping times.".into())).await;
    stack.seed_site("shop", &site_with_model(&model.url, 5_000)).await;
    let (mut customer, _) = ask(&api, "shop").await;
    customer.send(&ClientFrame::send("p", "I want to talk to a person")).await;
    customer
        .next_matching("queued", |f| {
            matches!(event_of(f).map(|e| &e.body), Some(EventBody::Mode { mode: Mode::Queued, .. }))
        })
        .await;

    let conversation = match customer.seen.iter().find_map(|f| match f {
        ServerFrame::Welcome { conversation_id, .. } => Some(conversation_id.clone()),
        _ => None,
    }) {
        Some(id) => id,
        None => panic!("no welcome seen"),
    };
    let dana = api.login("shop", "dana@demo.test", "dana-demo-pass").await;
    let (mut agent, _) = api.connect("shop", &conversation, &dana.token, 0).await;
    agent.send(&ClientFrame::TakeOver).await;
    let briefed = agent
        .next_matching(
            "the model's briefing",
            |f| matches!(f, ServerFrame::Insight { insight } if insight.summary.starts_with("MODEL:")),
        )
        .await;
    let ServerFrame::Insight { insight } = briefed else { unreachable!("matched an insight") };
    assert!(insight.summary.contains("the customer asked for a person"), "{}", insight.summary);
    let asked: Vec<String> = model.requests();
    assert!(asked.iter().any(|r| r.contains("brief a human support agent")), "no summary request: {asked:?}");

    customer.send(&ClientFrame::send("o", "It's order 1042")).await;
    let drafted = agent
        .next_matching("the model's suggestion", |f| {
            matches!(f, ServerFrame::Insight { insight }
                if insight.suggestions.first().is_some_and(|s| s.text.starts_with("MODEL:")))
        })
        .await;
    let ServerFrame::Insight { insight } = drafted else { unreachable!("matched an insight") };
    assert!(insight.suggestions.len() >= 2, "the knowledge base's suggestions stay: {:?}", insight.suggestions);
}

#[tokio::test]
async fn a_model_talked_into_a_promise_is_not_said_and_the_article_answers_instead() {
    let stack = Stack::start().await;
    let injected = "We guarantee delivery tomorrow, and your $500 refund is approved.";
    let model = ModelStub::start(StubReply::Text(injected.into())).await;
    stack.seed_site("talked", &site_with_model(&model.url, 5_000)).await;
    let api = Api::new(&stack.base);
    let (_customer, said) = ask(&api, "talked").await;
    assert!(!said.contains("guarantee") && !said.contains("$500"), "the model's promise reached the customer: {said}");
    assert!(said.contains("3"), "the article's own answer instead: {said}");
    let asked = model.requests().join("\n");
    assert!(
        asked.contains("<customer>How long does shipping take?</customer>"),
        "the customer's words are quoted: {asked}"
    );
}

#[tokio::test]
async fn past_the_site_s_hourly_model_budget_the_knowledge_base_answers_and_supervisors_see_it() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let model = ModelStub::start(StubReply::Text("MODEL: it takes 3-5 business days.".into())).await;
    let mut seed = site_with_model(&model.url, 5_000);
    seed["model"]["calls_per_hour"] = json!(2);
    seed["model"]["calls_per_conversation_per_hour"] = json!(2);
    stack.seed_site("shop", &seed).await;
    let (_, kb_answer) = ask(&api, "demo").await;
    for _ in 0..2 {
        let (_, answer) = ask(&api, "shop").await;
        assert_eq!(answer, "MODEL: it takes 3-5 business days.");
    }
    // Two calls this hour: the third conversation is answered by the knowledge base, unasked.
    let (_, answer) = ask(&api, "shop").await;
    assert_eq!(answer, kb_answer);
    assert_eq!(model.requests().len(), 2, "the model was not called past the budget");

    let lead = api.login("shop", "lead@demo.test", "lead-demo-pass").await;
    let (status, usage) = api.call(reqwest::Method::GET, "/api/sites/shop/model-usage", Some(&lead.token), None).await;
    assert_eq!(status, 200, "{usage}");
    assert_eq!((usage["calls_this_hour"].as_u64(), usage["calls_per_hour"].as_u64()), (Some(2), Some(2)), "{usage}");
    let dana = api.login("shop", "dana@demo.test", "dana-demo-pass").await;
    let (status, _) = api.call(reqwest::Method::GET, "/api/sites/shop/model-usage", Some(&dana.token), None).await;
    assert_eq!(status, 403, "agents do not see the budget");

    // The supervisor reads it on the Rules page.
    let browser = baton_e2e::Browser::start().await;
    let page = browser.page().await;
    page.sign_in(&stack.url("/console/?site=shop"), "lead@demo.test", "lead-demo-pass").await;
    page.click("button", "Rules").await;
    page.wait_for_page_text("Language model: 2 of 2 calls this hour").await;
    page.assert_accessible("the Rules page with the model budget").await;
}
