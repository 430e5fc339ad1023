//! Guarantees 1 and 2 in a real browser: the customer's socket dies in the middle of a send,
//! or the network is gone when they write. Every message shows once, is marked sent once the
//! edge has it, and is stored exactly once.

use baton_e2e::{Api, Browser, HostPage, Page, Stack, until};
use serde_json::json;

/// Runs before the widget: lets the test cut the page's WebSockets the way a network would.
/// `cut_after_send`: the next message frame leaves, then the socket dies before its ack.
/// `drop_next_send`: the next message frame never leaves and the socket dies.
/// `offline`: new sockets cannot connect.
const FAULTS: &str = r#"<script>
window.__faults = { cut_after_send: false, drop_next_send: false, offline: false };
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
  constructor(url, protocols) {
    super(window.__faults.offline ? 'ws://127.0.0.1:9/' : url, protocols);
  }
  send(data) {
    const message = typeof data === 'string' && data.includes('"type":"send"');
    if (message && window.__faults.drop_next_send) {
      window.__faults.drop_next_send = false;
      this.close();
      return;
    }
    super.send(data);
    if (message && window.__faults.cut_after_send) {
      window.__faults.cut_after_send = false;
      this.close();
    }
  }
};
</script>"#;

/// The delivery status of each shown message whose text is `text` ("pending", "sent", "failed").
async fn statuses(page: &Page, text: &str) -> Vec<String> {
    let found = page
        .eval(
            r#"const roots = [...document.querySelectorAll('*')].filter(e => e.shadowRoot).map(e => e.shadowRoot);
               return roots.flatMap(r => [...r.querySelectorAll('.msg')])
                 .filter(m => m.querySelector('.bubble')?.textContent === arguments[0])
                 .map(m => m.getAttribute('data-status') || '');"#,
            vec![json!(text)],
        )
        .await;
    serde_json::from_value(found).unwrap_or_default()
}

async fn wait_until_sent(page: &Page, text: &str) {
    until(&format!("{text:?} to be shown once, as sent"), || async move { statuses(page, text).await == ["sent"] })
        .await;
}

async fn send(page: &Page, text: &str) {
    page.type_into("Message", text).await;
    page.click("button", "Send").await;
}

#[tokio::test]
async fn messages_cut_off_mid_send_or_written_offline_arrive_exactly_once() {
    let stack = Stack::start().await;
    let host = HostPage::serve(format!(
        r#"<!doctype html><html><head><title>Shop</title>{FAULTS}</head><body><h1>Shop</h1>
        <script src="{}/widget.js" data-site="demo" async></script></body></html>"#,
        stack.base
    ))
    .await;
    let browser = Browser::start().await;
    let page = browser.page().await;
    page.goto(&host.url).await;
    page.click("button", "Open chat").await;
    send(&page, "Hello there").await;
    wait_until_sent(&page, "Hello there").await;

    // The frame reaches the edge, but the socket dies before the ack comes back.
    page.eval("window.__faults.cut_after_send = true; return true;", vec![]).await;
    let cut = "Do you ship to Canada?";
    send(&page, cut).await;
    wait_until_sent(&page, cut).await;

    // The network is gone when the customer writes: the message waits, visibly, and goes out
    // once the connection is back.
    page.eval("window.__faults.offline = true; window.__faults.drop_next_send = true; return true;", vec![]).await;
    let offline = "Is the blue jacket waterproof?";
    send(&page, offline).await;
    page.wait_for_text("status", "", "Reconnecting").await;
    assert_eq!(statuses(&page, offline).await, ["pending"], "a message written offline shows as pending");
    let queued = "And does it come in XL?";
    send(&page, queued).await;
    assert_eq!(statuses(&page, queued).await, ["pending"]);
    page.eval("window.__faults.offline = false; window.dispatchEvent(new Event('online')); return true;", vec![]).await;
    wait_until_sent(&page, offline).await;
    wait_until_sent(&page, queued).await;

    // Stored exactly once each, in the order written.
    let token = &page.visitor_token("demo").await;
    let api = Api::new(&stack.base);
    let conversation = api.start("demo", Some(token)).await.conversation_id;
    let transcript = api.transcript("demo", &conversation, token).await;
    let customer_texts: Vec<&str> = transcript
        .events
        .iter()
        .filter(|e| e.author == baton_shared::Author::Customer)
        .filter_map(|e| match &e.body {
            baton_shared::EventBody::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(customer_texts, ["Hello there", cut, offline, queued]);
    page.close().await;
}
