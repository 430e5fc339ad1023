//! The customer's wait: a queued customer sees their place in line, live, and it moves up when
//! someone ahead is taken. Real browser, real `wrangler dev`.

use baton_e2e::{Api, Browser, Socket, Stack};
use baton_shared::{ClientFrame, ServerFrame};

fn place(frame: &ServerFrame) -> Option<u32> {
    match frame {
        ServerFrame::QueuePlace { position, .. } => Some(*position),
        _ => None,
    }
}

#[tokio::test]
async fn the_third_in_line_sees_number_three_then_number_two_when_the_first_is_taken() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await.token;
    let _console = Socket::open(&api.dashboard_url("demo", &dana)).await;
    let (first, mut first_customer) = api.queued_customer("demo", "First in line").await;
    first_customer.next_matching("number 1", |f| place(f) == Some(1)).await;
    let (_, mut second_customer) = api.queued_customer("demo", "Second in line").await;
    second_customer.next_matching("number 2", |f| place(f) == Some(2)).await;

    let browser = Browser::start().await;
    let customer = browser.page().await;
    customer.goto(&stack.url("/demo")).await;
    customer.click("button", "Open chat").await;
    customer.type_into("Message", "Third in line").await;
    customer.click("button", "Send").await;
    customer.wait_for_text("log", "", "Third in line").await;
    customer.click("button", "Talk to a person").await;
    customer.wait_for_text("status", "", "You're number 3 in line · a few minutes").await;
    customer.assert_accessible("a customer waiting in line").await;

    // Dana takes the first: everyone behind moves up, with no reload.
    let (mut holder, _) = api.connect("demo", &first, &dana, 0).await;
    holder.send(&ClientFrame::TakeOver).await;
    customer.wait_for_text("status", "", "You're number 2 in line").await;
    second_customer.next_matching("number 1", |f| place(f) == Some(1)).await;
    customer.close().await;
}
