//! The one-line embed on a customer's site: another origin, hostile page CSS, a shadow root.

use baton_e2e::{Browser, HostPage, Stack};

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
    page.wait_for_text("log", "", "PayPal").await;
    page.wait_for_text("log", "", "Apple Pay").await;

    let launcher_font = page
        .eval(
            r#"const roots = [...document.querySelectorAll('*')].filter(e => e.shadowRoot).map(e => e.shadowRoot);
               const log = roots.map(r => r.querySelector('[role=log]')).find(Boolean);
               return getComputedStyle(log).fontSize;"#,
            vec![],
        )
        .await;
    assert_ne!(launcher_font.as_str(), Some("40px"), "host CSS leaked into the widget");
    page.close().await;
}
