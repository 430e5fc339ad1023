//! The site's look: a supervisor sets the accent, corner, launcher label and greetings in the
//! console with a live preview; a colour white text cannot be read on is refused; the widget
//! shows the look without a request of its own for it.

use baton_e2e::{Api, Browser, HostPage, Stack, until};
use reqwest::Method;
use serde_json::{Value, json};

/// The launcher's box, colour and label, through the widget's shadow root.
const LAUNCHER: &str = r#"const root = document.querySelector('baton-chat').shadowRoot;
    const launcher = root.querySelector('.launcher');
    const box = launcher.getBoundingClientRect();
    return { left: box.left + box.width / 2 < innerWidth / 2, background: getComputedStyle(launcher).backgroundColor,
             label: getComputedStyle(launcher, '::after').content };"#;

#[tokio::test]
async fn the_site_s_accent_corner_label_and_greeting_show_in_the_widget_and_a_low_contrast_accent_is_refused() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let path = "/api/sites/demo/appearance";

    let yellow = json!({ "accent": "#ffd400" });
    let (status, body) = api.call(Method::PUT, path, Some(&lead.token), Some(&yellow)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_appearance")), "{body}");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("contrast")), "says why: {body}");
    let look = json!({
        "accent": "#0b6e4f", "position": "left", "launcher_label": "Chat with us",
        "greetings": { "de": "Hallo! Womit kann ich helfen?" },
    });
    let (status, _) = api.call(Method::PUT, path, Some(&dana.token), Some(&look)).await;
    assert_eq!(status, 403, "agents do not change the look");
    let (status, body) = api.call(Method::PUT, path, Some(&lead.token), Some(&look)).await;
    assert_eq!(status, 200, "{body}");
    // A browser asking only for languages the widget does not speak gets the site's default.
    let (_, spanish) = api.call(Method::PUT, path, Some(&lead.token), Some(&json!({ "locale": "es" }))).await;
    assert_eq!(spanish["locale"], "es", "{spanish}");
    let (status, widget) = api.call(Method::GET, "/api/sites/demo/widget?locales=ja,zh-CN", None, None).await;
    assert_eq!((status, widget["locale"].as_str()), (200, Some("es")), "{widget}");
    let (status, body) = api.call(Method::PUT, path, Some(&lead.token), Some(&look)).await;
    assert_eq!(status, 200, "{body}");

    let host = HostPage::embedding(&stack.base, "demo", "de", r#"data-locale="de""#).await;
    let browser = Browser::start().await;
    let page = browser.page().await;
    page.goto(&host.url).await;
    page.find("button", "Chat öffnen").await;
    let launcher: Value = page.eval(LAUNCHER, vec![]).await;
    assert_eq!(
        launcher,
        json!({ "left": true, "background": "rgb(11, 110, 79)", "label": "\"Chat with us\"" }),
        "the launcher in the site's colour, corner and words"
    );
    page.click("button", "Chat öffnen").await;
    page.wait_for_text("log", "", "Hallo! Womit kann ich helfen?").await;
    page.assert_accessible("the widget in the site's look").await;
    page.close().await;
}

#[tokio::test]
async fn a_supervisor_edits_the_look_in_the_console_with_a_live_preview() {
    let stack = Stack::start().await;
    let browser = Browser::start().await;
    let lead = browser.page().await;
    lead.sign_in(&stack.url("/console/"), "lead@demo.test", "lead-demo-pass").await;
    lead.click("button", "Appearance").await;
    lead.find("heading", "Preview").await;
    lead.assert_accessible("the Appearance page").await;

    let preview = "return getComputedStyle(document.querySelector('.preview-head')).backgroundColor";
    lead.replace_text("textbox", "Accent colour", "#ffd400").await;
    lead.wait_for_page_text("below the 4.5:1 WCAG AA needs").await;
    assert_eq!(lead.eval(preview, vec![]).await, json!("rgb(67, 56, 202)"), "the preview keeps a readable colour");
    lead.click("button", "Save appearance").await;
    lead.wait_for_text("alert", "", "contrast").await;

    lead.replace_text("textbox", "Accent colour", "#0b6e4f").await;
    until("the preview to take the new colour", || async {
        lead.eval(preview, vec![]).await == json!("rgb(11, 110, 79)")
    })
    .await;
    lead.replace_text("textbox", "Launcher label", "Need help?").await;
    lead.wait_for_page_text("Need help?").await;
    lead.click("button", "Save appearance").await;
    lead.wait_for_text("status", "", "Appearance saved").await;

    let api = Api::new(&stack.base);
    let token = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    let (status, look) = api.call(Method::GET, "/api/sites/demo/appearance", Some(&token), None).await;
    assert_eq!(
        (status, look["accent"].as_str(), look["launcher_label"].as_str()),
        (200, Some("#0b6e4f"), Some("Need help?"))
    );
    lead.close().await;
}
