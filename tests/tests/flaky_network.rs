//! Guarantees 1 and 2 in a real browser: the customer's socket dies in the middle of a send,
//! or the network is gone when they write. Every message shows once, is marked sent once the
//! edge has it, and is stored exactly once.

use baton_e2e::wait::DEFAULT_DEADLINE;
use baton_e2e::{Api, Browser, HostPage, Page, Stack, is_ack_for, until, until_some};
use baton_shared::{Author, ClientFrame, Event, EventBody, ServerFrame};
use serde_json::json;

/// Runs before the widget: lets the test cut the page's WebSockets the way a network would.
/// `cut_after_send`: the next message frame leaves, then the socket dies before its ack.
/// `drop_next_send`: the next message frame never leaves and the socket dies.
/// `offline`: new sockets cannot connect.
/// It also records, per socket (numbered from 1), every message frame that left (`sent`) and
/// every frame the page received (`received`), and which socket the cut killed (`cut_socket`).
const FAULTS: &str = r#"<script>
window.__faults = { cut_after_send: false, drop_next_send: false, offline: false,
                    sockets: 0, cut_socket: null, sent: [], received: [] };
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
  constructor(url, protocols) {
    super(window.__faults.offline ? 'ws://127.0.0.1:9/' : url, protocols);
    const socket = this.__socket = ++window.__faults.sockets;
    this.addEventListener('message', (e) => window.__faults.received.push({ socket, data: String(e.data) }));
  }
  send(data) {
    const message = typeof data === 'string' && data.includes('"type":"send"');
    if (message && window.__faults.drop_next_send) {
      window.__faults.drop_next_send = false;
      this.close();
      return;
    }
    super.send(data);
    if (message) window.__faults.sent.push({ socket: this.__socket, data });
    if (message && window.__faults.cut_after_send) {
      window.__faults.cut_after_send = false;
      window.__faults.cut_socket = this.__socket;
      this.close();
    }
  }
};
</script>"#;

/// One frame `FAULTS` recorded, on the socket numbered `socket`.
#[derive(Debug, serde::Deserialize)]
struct Wire {
    socket: u32,
    data: String,
}

#[derive(Debug, serde::Deserialize)]
struct Traffic {
    cut_socket: Option<u32>,
    sent: Vec<Wire>,
    received: Vec<Wire>,
}

impl Traffic {
    /// The sockets on which a message frame with `client_id` left, in order.
    fn sends_of(&self, client_id: &str) -> Vec<u32> {
        let sent = |w: &Wire| match serde_json::from_str(&w.data) {
            Ok(ClientFrame::Send { client_id: id, .. }) => id == client_id,
            other => panic!("the page sent {} as a message: {other:?}", w.data),
        };
        self.sent.iter().filter(|w| sent(w)).map(|w| w.socket).collect()
    }

    /// Every frame the page received, with the socket it came on.
    fn frames(&self) -> Vec<(u32, ServerFrame)> {
        let decode =
            |w: &Wire| serde_json::from_str(&w.data).unwrap_or_else(|e| panic!("the page received {}: {e}", w.data));
        self.received.iter().map(|w| (w.socket, decode(w))).collect()
    }

    /// The seqs of every ack the page received for `client_id`, with the socket each came on.
    fn acks_for(&self, client_id: &str) -> Vec<(u32, u64)> {
        self.frames().iter().filter_map(|(socket, f)| is_ack_for(f, client_id).map(|seq| (*socket, seq))).collect()
    }
}

async fn traffic(page: &Page) -> Traffic {
    let found = page.eval("return window.__faults;", vec![]).await;
    serde_json::from_value(found).unwrap_or_else(|e| panic!("the recorded traffic: {e}"))
}

/// The stored customer messages whose text is `text`.
async fn stored(api: &Api, conversation: &str, token: &str, text: &str) -> Vec<Event> {
    let transcript = api.transcript("demo", conversation, token).await;
    transcript
        .events
        .into_iter()
        .filter(|e| e.author == Author::Customer && matches!(&e.body, EventBody::Text { text: t, .. } if t == text))
        .collect()
}

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

    let api = Api::new(&stack.base);
    let token = page.visitor_token("demo").await;
    let conversation = traffic(&page)
        .await
        .frames()
        .into_iter()
        .find_map(|(_, f)| match f {
            ServerFrame::Welcome { conversation_id, .. } => Some(conversation_id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the page got no welcome"));

    // The frame reaches the edge, but the socket dies before the ack comes back. No new socket
    // can connect until the test says so: if the edge has the message meanwhile, the socket
    // that died carried it there.
    page.eval("window.__faults.cut_after_send = true; window.__faults.offline = true; return true;", vec![]).await;
    let cut = "Do you ship to Canada?";
    send(&page, cut).await;
    page.wait_for_text("status", "", "Reconnecting").await;
    let copies = until_some("the edge to store the message the dying socket sent", DEFAULT_DEADLINE, || async {
        let copies = stored(&api, &conversation, &token, cut).await;
        (!copies.is_empty()).then_some(copies)
    })
    .await;
    assert_eq!(copies.len(), 1, "stored more than once: {copies:?}");
    let (seq, cut_id) = (copies[0].seq, copies[0].client_id.clone().unwrap_or_default());
    let seen = traffic(&page).await;
    let cut_socket = seen.cut_socket.unwrap_or_else(|| panic!("the cut never happened: {seen:?}"));
    assert_eq!(seen.sends_of(&cut_id), [cut_socket], "the message left once, on the socket that died: {seen:?}");
    assert!(seen.sent.iter().all(|w| w.socket <= cut_socket), "a later socket sent something: {seen:?}");
    let acks = seen.acks_for(&cut_id);
    assert!(acks.is_empty(), "the ack must not have reached the page: {acks:?}");
    assert_eq!(statuses(&page, cut).await, ["pending"], "unacknowledged, the message shows as pending");

    // Back online: the message shows as sent, once; if the page sends it again, the edge acks
    // that with the seq it stored it under the first time, and stores nothing new.
    page.eval("window.__faults.offline = false; window.dispatchEvent(new Event('online')); return true;", vec![]).await;
    wait_until_sent(&page, cut).await;
    let acks = until_some("every resend to be acked", DEFAULT_DEADLINE, || async {
        let seen = traffic(&page).await;
        let resends = seen.sends_of(&cut_id).iter().filter(|socket| **socket > cut_socket).count();
        let acks = seen.acks_for(&cut_id);
        (acks.len() >= resends).then_some(acks)
    })
    .await;
    assert!(acks.iter().all(|(_, acked)| *acked == seq), "a resend was acked with another seq than {seq}: {acks:?}");
    assert_eq!(stored(&api, &conversation, &token, cut).await.len(), 1, "the message was stored again");

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
    let transcript = api.transcript("demo", &conversation, &token).await;
    let customer_texts: Vec<&str> = transcript
        .events
        .iter()
        .filter(|e| e.author == Author::Customer)
        .filter_map(|e| match &e.body {
            EventBody::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(customer_texts, ["Hello there", cut, offline, queued]);
    page.close().await;
}
