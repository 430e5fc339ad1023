//! The host page's `window.Baton`: commands queued before the loader ran, the page's own
//! button, events in order, and who the visitor is through the page API.

use baton_e2e::api::Socket;
use baton_e2e::api::user_hash;
use baton_e2e::{Api, Browser, HostPage, Page, Stack, until};
use baton_shared::{DashboardFrame, FlagKind};
use reqwest::Method;
use serde_json::{Value, json};

/// The queue stub a host page puts before the embed (README "JavaScript API"), and listeners
/// that record every event the page hears in `window.seen`, as `[name, detail]`.
const QUEUE_AND_LISTENERS: &str = r#"
    window.Baton = window.Baton || function () { (Baton.q = Baton.q || []).push(arguments) };
    window.seen = [];
    for (const name of ['ready', 'open', 'close', 'message', 'agent_joined', 'agent_left', 'handed_back', 'unread', 'rating', 'conversation_ended'])
      Baton('on', name, (detail) => seen.push([name, detail]));"#;

fn host_html(base: &str, site: &str, head_script: &str, tag_extra: &str) -> String {
    format!(
        r#"<!doctype html><html><head><title>Shop</title><script>{QUEUE_AND_LISTENERS}
        {head_script}</script></head><body><h1>Shop</h1>
        <button type="button" onclick="Baton('open')">Contact us</button>
        <script src="{base}/widget.js" data-site="{site}" {tag_extra} async></script></body></html>"#
    )
}

async fn heard(page: &Page) -> Vec<(String, Value)> {
    let seen = page.eval("return window.seen", vec![]).await;
    let items = seen.as_array().unwrap_or_else(|| panic!("window.seen is {seen}"));
    items.iter().map(|item| (item[0].as_str().unwrap_or_default().to_string(), item[1].clone())).collect()
}

/// Waits until the page heard `name` (with a detail `matches` accepts).
async fn wait_to_hear(page: &Page, name: &str, matches: impl Fn(&Value) -> bool) {
    until(&format!("the page to hear {name}"), || async {
        heard(page).await.iter().any(|(n, detail)| n == name && matches(detail))
    })
    .await;
}

/// The visitor opens the chat from the launcher and writes `text`; returns once the page heard
/// the bot answer.
async fn says_and_hears_the_bot(page: &Page, text: &str) {
    page.click("button", "Open chat").await;
    page.type_into("Message", text).await;
    page.click("button", "Send").await;
    wait_to_hear(page, "message", |d| d["from"] == "bot").await;
}

/// What the site's supervisor sees of a conversation's visitor.
async fn visitor_seen(api: &Api, site: &str, conversation: &str) -> Value {
    let lead = api.login(site, "lead@demo.test", "lead-demo-pass").await;
    let path = format!("/api/sites/{site}/conversations/{conversation}/visitor");
    let (status, visitor) = api.call(Method::GET, &path, Some(&lead.token), None).await;
    assert_eq!(status, 200, "{visitor}");
    visitor
}

/// The conversation the widget on `page` is in, as the widget keeps it.
async fn conversation_of(page: &Page, site: &str) -> String {
    let id = page.eval("return localStorage.getItem(arguments[0])", vec![json!(format!("baton:{site}:c"))]).await;
    id.as_str().unwrap_or_else(|| panic!("the widget keeps no conversation id: {id}")).to_string()
}

#[tokio::test]
async fn the_page_identifies_its_user_before_the_widget_loads_opens_it_from_its_own_button_and_hears_each_event() {
    let stack = Stack::start().await;
    let identify = format!(
        "Baton('identify', {{ user_id: 'user-17', user_hash: '{}', name: 'Ana Lima', email: 'ana@example.test' }});",
        user_hash("demo", "user-17")
    );
    let host = HostPage::serve(host_html(&stack.base, "demo", &identify, r#"data-launcher="hidden""#)).await;
    let browser = Browser::start().await;
    let page = browser.page().await;
    page.goto(&host.url).await;
    wait_to_hear(&page, "ready", |_| true).await;
    assert!(!page.exists("button", "Open chat").await, "data-launcher=hidden starts without the launcher");

    page.click("button", "Contact us").await;
    page.type_into("Message", "Hello, I have a question about my order").await;
    page.click("button", "Send").await;
    wait_to_hear(&page, "message", |d| d["from"] == "bot").await;

    let api = Api::new(&stack.base);
    let conversation = conversation_of(&page, "demo").await;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let _agent = api.holding("demo", &conversation, &dana.token).await;
    wait_to_hear(&page, "agent_joined", |_| true).await;

    let names: Vec<String> = heard(&page).await.into_iter().map(|(name, _)| name).collect();
    let order: Vec<&str> = names.iter().map(String::as_str).filter(|n| *n != "unread").collect();
    assert_eq!(order[..3], ["ready", "open", "message"], "{names:?}");
    assert_eq!(order.last(), Some(&"agent_joined"), "{names:?}");
    let events = heard(&page).await;
    let customer = events.iter().find(|(n, d)| n == "message" && d["from"] == "customer");
    assert_eq!(customer.map(|(_, d)| d["text"].clone()), Some(json!("Hello, I have a question about my order")));
    let joined = events.iter().find(|(n, _)| n == "agent_joined").map(|(_, d)| d["agent"].clone());
    assert_eq!(joined, Some(json!("Dana")), "{events:?}");

    // The agent sees the page's word, verified by its hash.
    let seen = visitor_seen(&api, "demo", &conversation).await;
    assert_eq!(
        (seen["name"].as_str(), seen["email"].as_str(), seen["verified"].as_bool()),
        (Some("Ana Lima"), Some("ana@example.test"), Some(true)),
        "{seen}"
    );

    // Without a launcher, closing the chat gives the focus back to the page's own button.
    page.click("button", "Minimize chat").await;
    wait_to_hear(&page, "close", |_| true).await;
    until("the focus back on Contact us", || async { page.focused().await == "Contact us" }).await;
    page.close().await;
}

#[tokio::test]
async fn agents_see_the_page_s_origin_and_path_unless_the_site_opts_in_to_the_whole_address() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let browser = Browser::start().await;
    // A query and a fragment such as a host page may carry: an order, a reset token.
    let (query, fragment) = ("?order=8812&reset=s3cr3t-token", "#pay");
    for (attributes, whole) in [("", false), (r#"data-page-url="full""#, true)] {
        let host = HostPage::serve(host_html(&stack.base, "demo", "", attributes)).await;
        let page = browser.page().await;
        page.goto(&format!("{}shipping{query}{fragment}", host.url)).await;
        wait_to_hear(&page, "ready", |_| true).await;
        says_and_hears_the_bot(&page, "How long does shipping take?").await;
        let seen = visitor_seen(&api, "demo", &conversation_of(&page, "demo").await).await;
        let expected =
            if whole { format!("{}shipping{query}{fragment}", host.url) } else { format!("{}shipping", host.url) };
        assert_eq!(seen["page"].as_str(), Some(expected.as_str()), "{attributes:?}: {seen}");
        page.close().await;
    }
}

#[tokio::test]
async fn the_page_api_s_types_are_served_beside_the_loader() {
    let stack = Stack::start().await;
    let response = reqwest::get(format!("{}/baton.d.ts", stack.base)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 200);
    let types = response.text().await.unwrap_or_default();
    for name in ["interface BatonApi", "\"setLocale\"", "agent_joined: { agent: string }", "unread: { count: number }"]
    {
        assert!(types.contains(name), "baton.d.ts lacks {name}");
    }
}

#[tokio::test]
async fn a_wrong_hash_leaves_the_visitor_unverified_and_without_a_vip_flag_or_anonymous_where_identity_is_required() {
    let stack = Stack::start().await;
    stack.seed_demo_as("strict", |seed| seed["require_identity"] = json!(true)).await;
    let api = Api::new(&stack.base);
    // A hash that signs another user.
    let identify = format!(
        "Baton('identify', {{ user_id: 'user-17', user_hash: '{}', name: 'Ana Lima', attributes: {{ plan: 'VIP' }} }});",
        user_hash("demo", "someone-else")
    );
    let browser = Browser::start().await;

    for (site, shown) in [("demo", Some("Ana Lima")), ("strict", None)] {
        let lead = api.login(site, "lead@demo.test", "lead-demo-pass").await;
        let mut dashboard = Socket::open(&api.dashboard_url(site, &lead.token)).await;
        dashboard.next_of("snapshot", |f: &DashboardFrame| matches!(f, DashboardFrame::Snapshot { .. })).await;

        let host = HostPage::serve(host_html(&stack.base, site, &identify, "")).await;
        let page = browser.page().await;
        page.goto(&host.url).await;
        says_and_hears_the_bot(&page, "Hello").await;
        let conversation = conversation_of(&page, site).await;

        let seen = visitor_seen(&api, site, &conversation).await;
        assert_eq!(seen["name"].as_str(), shown, "{site}: {seen}");
        assert_ne!(seen["verified"].as_bool(), Some(true), "{site}: {seen}");
        assert!(seen.get("user_id").is_none(), "{site}: a wrong hash names nobody: {seen}");
        // The row after the bot's answer: marked unverified, and a claimed VIP is no VIP.
        let frame = dashboard
            .next_of("the row with the bot's answer", |f: &DashboardFrame| {
                matches!(f, DashboardFrame::Upsert { conversation: row } if row.id == conversation && row.last_author != "customer")
            })
            .await;
        let DashboardFrame::Upsert { conversation: row } = frame else { unreachable!("matched an upsert") };
        assert!(!row.visitor_verified && row.flags.iter().all(|f| f.kind != FlagKind::Vip), "{site}: {row:?}");
        page.close().await;
    }
}

#[tokio::test]
async fn a_verified_user_finds_their_conversation_and_its_history_in_another_browser() {
    let stack = Stack::start().await;
    let identify = format!(
        "Baton('identify', {{ user_id: 'user-23', user_hash: '{}', name: 'Bo Chen' }});",
        user_hash("demo", "user-23")
    );
    let host = HostPage::serve(host_html(&stack.base, "demo", &identify, "")).await;

    let laptop = Browser::start().await;
    let page = laptop.page().await;
    page.goto(&host.url).await;
    says_and_hears_the_bot(&page, "Where is parcel 8841?").await;
    let conversation = conversation_of(&page, "demo").await;
    page.close().await;

    // Another browser profile: nothing stored, the same signed user.
    let phone = Browser::start().await;
    let page = phone.page().await;
    page.goto(&host.url).await;
    page.click("button", "Open chat").await;
    page.wait_for_text("log", "", "Where is parcel 8841?").await;
    assert_eq!(conversation_of(&page, "demo").await, conversation);
    page.close().await;
}

#[tokio::test]
async fn reset_forgets_the_visitor_and_the_next_chat_starts_fresh() {
    let stack = Stack::start().await;
    let host = HostPage::serve(host_html(&stack.base, "demo", "", "")).await;
    let browser = Browser::start().await;
    let page = browser.page().await;
    page.goto(&host.url).await;
    says_and_hears_the_bot(&page, "Remember parcel 5521").await;
    let before = conversation_of(&page, "demo").await;

    page.eval("Baton('reset')", vec![]).await;
    until("a new conversation after the reset", || async {
        let id = page.eval("return localStorage.getItem('baton:demo:c')", vec![]).await;
        id.as_str().is_some_and(|id| id != before)
    })
    .await;
    let log = page.text_of("log", "").await;
    assert!(!log.contains("parcel 5521"), "the old conversation still shows: {log}");
    page.close().await;
}

/// Makes the page's tab hidden or shown as far as the page can tell, as switching tabs does.
const TAB: &str = "Object.defineProperty(document, 'hidden', { configurable: true, get: () => arguments[0] });
    document.dispatchEvent(new Event('visibilitychange'));";

#[tokio::test]
async fn while_the_tab_is_hidden_replies_show_in_the_title_until_the_visitor_looks_and_unread_counts_them() {
    let stack = Stack::start().await;
    let host = HostPage::serve(host_html(&stack.base, "demo", "", "")).await;
    let browser = Browser::start().await;
    let page = browser.page().await;
    page.goto(&host.url).await;
    says_and_hears_the_bot(&page, "Hello").await;
    assert_eq!(page.eval("return document.title", vec![]).await, json!("Shop"), "a visitor who is looking");
    page.click("button", "Minimize chat").await;

    page.eval(TAB, vec![json!(true)]).await;
    let api = Api::new(&stack.base);
    let conversation = conversation_of(&page, "demo").await;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let mut agent = api.holding("demo", &conversation, &dana.token).await;
    agent.send(&baton_shared::ClientFrame::send("a-1", "Dana here")).await;
    let title = || async { page.eval("return document.title", vec![]).await };
    until("the title to count one reply", || async { title().await == json!("(1) New message") }).await;
    agent.send(&baton_shared::ClientFrame::send("a-2", "Are you there?")).await;
    until("the title to count two", || async { title().await == json!("(2) New message") }).await;
    // The panel is closed: the same two replies are unread, for the page and on the launcher.
    wait_to_hear(&page, "unread", |d| d["count"] == 2).await;
    let counts: Vec<Value> =
        heard(&page).await.into_iter().filter(|(n, _)| n == "unread").map(|(_, d)| d["count"].clone()).collect();
    assert_eq!(counts, [json!(1), json!(2)]);
    let badge = "return document.querySelector('baton-chat').shadowRoot.querySelector('.badge').textContent";
    assert_eq!(page.eval(badge, vec![]).await, json!("2"));

    page.eval(TAB, vec![json!(false)]).await;
    until("the page's own title back", || async { title().await == json!("Shop") }).await;
    page.click("button", "Open chat").await;
    wait_to_hear(&page, "unread", |d| d["count"] == 0).await;
    page.close().await;
}
