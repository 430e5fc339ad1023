//! Keyboard only: a customer chats, asks for a person and rates with Tab, Enter, Space and
//! Escape; an agent takes over and replies the same way. The focus is never lost or trapped.

use baton_e2e::{Browser, Page, Stack};
use fantoccini::key::Key;

/// The focus is on something (not lost to the page's body) and it is `name`.
async fn focus_is(page: &Page, name: &str) {
    let focused = page.focused().await;
    assert!(focused.contains(name), "the focus is on {focused:?}, not {name:?}");
}

#[tokio::test]
async fn a_customer_and_an_agent_do_the_whole_takeover_with_the_keyboard_alone() {
    let stack = Stack::start().await;
    let browser = Browser::start().await;
    let dana = browser.page().await;
    dana.sign_in(&stack.url("/console/"), "dana@demo.test", "dana-demo-pass").await;

    let customer = browser.page().await;
    customer.goto(&stack.url("/demo")).await;
    customer.find("button", "Open chat").await;
    customer.tab_to("Open chat").await;
    customer.press(Key::Enter).await;
    customer.find("button", "Close chat").await;
    customer.tab_to("Message").await;
    customer.type_keys("How long does shipping take?").await;
    customer.press(Key::Enter).await;
    customer.wait_for_text("log", "", "3 to 5 business days").await;
    customer.tab_to("Talk to a person").await;
    customer.press(Key::Enter).await;
    customer.wait_for_text("log", "", "Connecting you with a person").await;

    // The agent, from the dashboard row to the reply.
    dana.tab_to("Visitor").await;
    dana.press(Key::Enter).await;
    dana.find("button", "Take over").await;
    dana.tab_to("Take over").await;
    dana.press(Key::Enter).await;
    customer.wait_for_text("log", "", "Dana joined the conversation").await;
    dana.tab_to("Reply").await;
    dana.type_keys("Hi, Dana here. Which order is it?").await;
    dana.tab_to("Send").await;
    dana.press(Key::Enter).await;
    customer.wait_for_text("log", "", "Which order is it?").await;
    dana.tab_to("Hand back to bot").await;
    dana.press(Key::Enter).await;

    // The customer rates with Space, then closes the chat; the focus goes back to the
    // launcher, not to the page.
    customer.find("group", "Rate this conversation").await;
    customer.tab_to("5 stars").await;
    customer.press(Key::Space).await;
    customer.wait_for_text("log", "", "Thanks for your feedback").await;
    customer.tab_to("Close chat").await;
    customer.press(Key::Enter).await;
    customer.find("button", "Open chat").await;
    focus_is(&customer, "Open chat").await;
}
