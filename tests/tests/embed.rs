//! The one-line embed on a customer's site: another origin, hostile page CSS, a shadow root.

use baton_e2e::{Browser, HostPage, Stack, until};
use serde_json::json;

/// The widget's base font size and text colour: `.bt{font:15px/1.45 …;color:var(--t)}` with
/// `--t:#1d2230` in widget/src/style.css.
const WIDGET_FONT_SIZE: &str = "15px";
const WIDGET_TEXT_COLOR: &str = "rgb(29, 34, 48)";

/// Whether a bot message in the widget's shadow root contains `arguments[0]`.
const BOT_BUBBLE: &str = r#"const roots = [...document.querySelectorAll('*')].filter(e => e.shadowRoot).map(e => e.shadowRoot);
    return roots.some(r => [...r.querySelectorAll('.msg.bot .bubble')].some(b => b.textContent.includes(arguments[0])));"#;

/// Computed font size and colour of the widget's log and of the bot bubble containing `arguments[0]`.
const WIDGET_STYLE: &str = r#"const roots = [...document.querySelectorAll('*')].filter(e => e.shadowRoot).map(e => e.shadowRoot);
    const log = roots.map(r => r.querySelector('[role=log]')).find(Boolean);
    const bubble = roots.flatMap(r => [...r.querySelectorAll('.msg.bot .bubble')])
      .find(b => b.textContent.includes(arguments[0]));
    const look = (el) => { if (!el) return null; const s = getComputedStyle(el); return { fontSize: s.fontSize, color: s.color }; };
    return { log: look(log), bubble: look(bubble) };"#;

#[tokio::test]
async fn widget_embedded_on_another_origin_chats_with_the_bot() {
    let stack = Stack::start().await;
    let host = HostPage::serve(format!(
        r#"<!doctype html><html><head><title>Customer site</title>
        <style>* {{ font-size: 40px !important; color: red !important; }} button {{ display: none; }}</style></head>
        <body><h1>Someone else's shop</h1>
        <script src="{}/widget.js" data-site="demo" async></script></body></html>"#,
        stack.base
    ))
    .await;
    let browser = Browser::start().await;
    let page = browser.page().await;
    page.goto(&host.url).await;
    assert!(!host.url.contains(&stack.base), "the host page must be on its own origin");

    // The host hides every button; the widget's launcher lives in its shadow root and stays usable.
    page.click("button", "Open chat").await;
    page.type_into("Message", "Can I pay with PayPal?").await;
    page.click("button", "Send").await;
    // Only the bot's answer names Apple Pay; the customer's own words are not a reply.
    until("the bot's answer naming Apple Pay", || async {
        let found = page.eval(BOT_BUBBLE, vec![json!("Apple Pay")]).await;
        found.as_bool().unwrap_or_else(|| panic!("the bot bubble probe returned {found}"))
    })
    .await;

    // The widget's own type, not the host's 40px red: `.bt` in widget/src/style.css sets 15px
    // and its text colour (`--t`), which the log and the bot's bubble inherit.
    let style = page.eval(WIDGET_STYLE, vec![json!("Apple Pay")]).await;
    assert_eq!(
        style,
        json!({
            "log": { "fontSize": WIDGET_FONT_SIZE, "color": WIDGET_TEXT_COLOR },
            "bubble": { "fontSize": WIDGET_FONT_SIZE, "color": WIDGET_TEXT_COLOR },
        }),
        "host CSS leaked into the widget, or the widget lost its own"
    );
    page.close().await;
}

#[tokio::test]
async fn the_host_page_describes_its_visitor_and_only_the_page_s_origin_and_path_reach_agents() {
    let stack = Stack::start().await;
    let host = HostPage::serve(format!(
        r#"<!doctype html><html><head><title>Customer site</title></head><body>
        <script src="{}/widget.js" data-site="demo" data-visitor-name="Ana Lima" data-visitor-plan="pro" async></script>
        </body></html>"#,
        stack.base
    ))
    .await;
    let browser = Browser::start().await;
    let page = browser.page().await;
    page.goto(&format!("{}?reset_token=s3cret&email=ana%40example.test#account", host.url)).await;
    page.click("button", "Open chat").await;
    page.type_into("Message", "Hello").await;
    page.click("button", "Send").await;
    page.wait_for_text("log", "", "Hello").await;

    let api = baton_e2e::Api::new(&stack.base);
    let conversation = api.start("demo", Some(&page.visitor_token("demo").await)).await.conversation_id;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await.token;
    let path = format!("/api/sites/demo/conversations/{conversation}/visitor");
    let (status, visitor) = api.call(reqwest::Method::GET, &path, Some(&dana), None).await;
    assert_eq!(status, 200, "{visitor}");
    assert_eq!(visitor["name"], "Ana Lima", "{visitor}");
    assert_eq!(visitor["attributes"]["plan"], "pro", "{visitor}");
    let seen = visitor["page"].as_str().unwrap_or_default();
    assert!(seen.starts_with(&host.url[..host.url.len() - 1]) || seen.starts_with(&host.url), "{visitor}");
    assert!(!seen.contains('?') && !seen.contains("s3cret") && !seen.contains('#'), "the query reached agents: {seen}");
    page.close().await;
}

/// The bot's and the agent's `https://` addresses in the log, as links: `[href, target, rel, text]`.
const LINKS: &str = r#"const root = document.querySelector('baton-chat').shadowRoot;
    return [...root.querySelectorAll('.bubble a')].map(a => [a.getAttribute('href'), a.target, a.rel, a.textContent]);"#;

#[tokio::test]
async fn addresses_in_answers_are_links_that_open_apart_and_other_schemes_stay_text() {
    let stack = Stack::start().await;
    let host = HostPage::embedding(&stack.base, "demo", "en", "").await;
    let browser = Browser::start().await;
    let page = browser.page().await;
    page.goto(&host.url).await;
    page.click("button", "Open chat").await;
    page.type_into("Message", "How long does shipping take?").await;
    page.click("button", "Send").await;
    let shipping = "https://northwind.example/help/shipping";
    until("the answer's link", || async { page.eval(LINKS, vec![]).await.to_string().contains(shipping) }).await;
    assert_eq!(page.eval(LINKS, vec![]).await, json!([[shipping, "_blank", "noopener noreferrer", shipping]]));

    // An agent's words: only the https address becomes a link; the customer's own never do.
    page.type_into("Message", "is https://my.example/order ok?").await;
    page.click("button", "Send").await;
    let api = baton_e2e::Api::new(&stack.base);
    let id = page.eval("return localStorage.getItem('baton:demo:c')", vec![]).await;
    let id = id.as_str().unwrap_or_default().to_string();
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let mut agent = api.holding("demo", &id, &dana.token).await;
    let said = "Try javascript:alert(1) or http://plain.example, or https://northwind.example/help/returns.";
    agent.send(&baton_shared::ClientFrame::send("a-1", said)).await;
    page.wait_for_text("log", "", "http://plain.example").await;
    let returns = "https://northwind.example/help/returns";
    assert_eq!(
        page.eval(LINKS, vec![]).await,
        json!([
            [shipping, "_blank", "noopener noreferrer", shipping],
            [returns, "_blank", "noopener noreferrer", returns]
        ])
    );
    page.close().await;
}
