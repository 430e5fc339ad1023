//! The whole takeover journey in real browsers: a customer on the demo page, Dana and Sam in
//! the console, against `wrangler dev`.

use baton_e2e::{Api, Browser, Page, Stack};
use baton_shared::machine::audit;
use baton_shared::{Author, EventBody, Mode, ModeReason};

async fn sign_in(page: &Page, stack: &Stack, email: &str, password: &str) {
    page.sign_in(&stack.url("/console/"), email, password).await;
}

async fn customer_says(page: &Page, text: &str) {
    page.type_into("Message", text).await;
    page.click("button", "Send").await;
    page.wait_for_text("log", "", text).await;
}

async fn open_only_conversation(page: &Page) {
    let row = page.find("button", "Visitor").await;
    row.click().await.unwrap_or_else(|e| panic!("open conversation: {e}"));
    page.find("button", "Take over").await;
}

#[tokio::test]
async fn agent_takes_over_from_the_bot_and_hands_back() {
    let stack = Stack::start().await;
    let browser = Browser::start().await;

    // Dana is watching the dashboard before the customer arrives: the conversation must appear live.
    let dana = browser.page().await;
    dana.goto(&stack.url("/console/")).await;
    dana.find("button", "Sign in").await;
    dana.assert_accessible("the sign-in form").await;
    sign_in(&dana, &stack, "dana@demo.test", "dana-demo-pass").await;

    let customer = browser.page().await;
    customer.goto(&stack.url("/demo")).await;
    customer.find("button", "Open chat").await;
    customer.assert_accessible("the widget, closed").await;
    customer.click("button", "Open chat").await;
    customer.find("button", "Close chat").await;
    customer.assert_accessible("the widget, open").await;
    customer_says(&customer, "How long does shipping take?").await;
    customer.wait_for_text("log", "", "3 to 5 business days").await;

    customer.click("button", "Talk to a person").await;
    customer.wait_for_text("log", "", "Connecting you with a person").await;

    // No reload: the row arrives over the dashboard socket.
    open_only_conversation(&dana).await;
    dana.wait_for_page_text("How long does shipping take?").await;
    dana.wait_for_page_text("3 to 5 business days").await;
    dana.click("button", "Take over").await;

    customer.wait_for_text("log", "", "Dana joined the conversation").await;
    customer.find("heading", "Dana").await;
    customer.assert_accessible("the widget after an agent joined").await;
    dana.wait_for_text("region", "Co-pilot", "Relevant articles").await;
    dana.assert_accessible("the conversation with its context and co-pilot").await;

    dana.type_into("Reply", "Hi, I'm Dana. Which order is this about?").await;
    dana.click("button", "Send").await;
    customer.wait_for_text("log", "", "Which order is this about?").await;
    customer_says(&customer, "Order 1042, the green jacket").await;
    dana.wait_for_page_text("Order 1042, the green jacket").await;

    // Sam tries to take over the conversation Dana holds and is told who holds it.
    let sam = browser.page().await;
    sign_in(&sam, &stack, "sam@demo.test", "sam-demo-pass").await;
    open_only_conversation(&sam).await;
    sam.click("button", "Take over").await;
    sam.wait_for_text("alert", "", "Dana is already handling this conversation").await;

    dana.click("button", "Hand back to bot").await;
    customer.find("group", "Rate this conversation").await;
    customer.assert_accessible("the rating").await;

    // The transcript, as the edge stored it.
    let api = Api::new(&stack.base);
    let token = api.login("demo", "dana@demo.test", "dana-demo-pass").await.token;
    let start = api.start("demo", Some(&customer.visitor_token("demo").await)).await;
    assert!(start.resumed, "the widget's token resumes its conversation");
    let transcript = api.transcript("demo", &start.conversation_id, &token).await;
    audit(&transcript.events).unwrap_or_else(|e| panic!("transcript breaks a guarantee: {e}"));
    let mode_changes: Vec<(u64, Mode, ModeReason)> = transcript
        .events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Mode { mode, reason, .. } => Some((e.seq, *mode, *reason)),
            _ => None,
        })
        .collect();
    let took_over = mode_changes.iter().find(|(_, m, _)| *m == Mode::Human).map(|(s, ..)| *s);
    let handed_back = mode_changes.iter().find(|(.., r)| *r == ModeReason::HandedBack).map(|(s, ..)| *s);
    let (Some(took_over), Some(handed_back)) = (took_over, handed_back) else {
        panic!("takeover and hand-back missing from {mode_changes:?}");
    };
    assert_eq!(mode_changes.iter().filter(|(_, m, _)| *m == Mode::Human).count(), 1, "one takeover");
    let bot_while_held = transcript
        .events
        .iter()
        .filter(|e| e.seq > took_over && e.seq < handed_back && e.author == Author::Bot)
        .count();
    assert_eq!(bot_while_held, 0, "the bot answered while Dana held the conversation");

    // The customer rates, then reloads mid-conversation: the same transcript comes back.
    customer.click("button", "5 stars").await;
    customer.wait_for_text("log", "", "Thanks for your feedback").await;
    let before = customer.text_of("log", "").await;
    customer.reload().await;
    customer.click("button", "Open chat").await;
    for line in ["How long does shipping take?", "Dana joined the conversation", "Order 1042, the green jacket"] {
        customer.wait_for_text("log", "", line).await;
    }
    let after = customer.text_of("log", "").await;
    assert!(
        after.contains("Which order is this about?"),
        "after reload the log lost Dana's reply:\n{after}\n--- before ---\n{before}"
    );

    for page in [customer, dana, sam] {
        page.close().await;
    }
}
