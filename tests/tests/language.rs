//! The widget in the visitor's language: every word of a whole journey comes from the
//! catalogue the edge serves, and the bot's own sentences follow the widget's language.

use baton_e2e::{Api, Browser, HostPage, Page, Stack, until};
use baton_shared::ClientFrame;
use serde_json::{Value, json};

/// Positions in the catalogue (`baton_shared::i18n::Text`), as the edge lists it.
use baton_shared::i18n::Text;

/// The widget's words in `locale`, as the edge serves them to a widget.
async fn catalogue(base: &str, locale: &str) -> Vec<String> {
    let url = format!("{base}/api/sites/demo/widget?locales={locale}");
    let body: Value = reqwest::get(&url).await.unwrap_or_else(|e| panic!("{e}")).json().await.unwrap_or(Value::Null);
    assert_eq!(body["locale"], locale, "{body}");
    let texts = body["texts"].as_array().unwrap_or_else(|| panic!("no texts: {body}"));
    texts.iter().map(|t| t.as_str().unwrap_or_default().to_string()).collect()
}

/// Everything of the widget a visitor reads or hears except what people wrote, one string per
/// text node, accessible name and placeholder.
const UI_WORDS: &str = r#"const root = document.querySelector('baton-chat').shadowRoot;
    const words = [];
    const walk = document.createTreeWalker(root.querySelector('.bt'), NodeFilter.SHOW_TEXT);
    while (walk.nextNode())
      if (!walk.currentNode.parentElement.closest('.bubble')) words.push(walk.currentNode.textContent.trim());
    for (const el of root.querySelectorAll('[aria-label],[placeholder]'))
      words.push(el.getAttribute('aria-label') || '', el.getAttribute('placeholder') || '');
    return words.filter(Boolean);"#;

/// Fails when an English word of the catalogue shows where the German one should: a string
/// that is an English entry, or holds a long one (the status line joins two).
async fn assert_german(page: &Page, english: &[String], german: &[String], at: &str) {
    let shown = page.eval(UI_WORDS, vec![]).await;
    let shown: Vec<&str> = shown.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    assert!(!shown.is_empty(), "{at}: the widget shows no words");
    for (en, de) in english.iter().zip(german) {
        if en == de || en.contains('{') {
            continue;
        }
        let found = shown.iter().find(|s| **s == en.as_str() || (en.len() >= 12 && s.contains(en.as_str())));
        assert!(found.is_none(), "{at}: English {en:?} shows instead of {de:?}: {shown:?}");
    }
}

#[tokio::test]
async fn with_data_locale_de_every_word_of_the_journey_is_german_and_so_is_the_bot() {
    let stack = Stack::start().await;
    let (en, de) = (catalogue(&stack.base, "en").await, catalogue(&stack.base, "de").await);
    let t = |key: Text| de[key as usize].clone();
    let host = HostPage::embedding(&stack.base, "demo", "de", r#"data-locale="de""#).await;
    let browser = Browser::start().await;
    let page = browser.page().await;
    page.goto(&host.url).await;

    page.click("button", &t(Text::OpenChat)).await;
    page.find_exact("button", &t(Text::TalkToPerson)).await;
    assert_german(&page, &en, &de, "open").await;

    // English words, a German widget: the bot answers in the widget's language.
    page.type_into(&t(Text::Message), "I want to talk to a person").await;
    page.click("button", &t(Text::Send)).await;
    page.wait_for_text("log", "", &t(Text::ConnectingPerson)).await;
    let log = page.text_of("log", "").await;
    assert!(log.contains("Ich hole eine Person aus unserem Team dazu"), "the escalation is not German: {log}");
    assert_german(&page, &en, &de, "queued").await;

    // Dana takes over, replies and hands back; the customer rates and ends the chat.
    let api = Api::new(&stack.base);
    let id = page.eval("return localStorage.getItem('baton:demo:c')", vec![]).await;
    let id = id.as_str().unwrap_or_else(|| panic!("no conversation id: {id}")).to_string();
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let mut agent = api.holding("demo", &id, &dana.token).await;
    page.wait_for_text("log", "", &t(Text::Joined).replace("{name}", "Dana")).await;
    agent.send(&ClientFrame::send("a-1", "Hallo, ich bin Dana.")).await;
    page.wait_for_text("log", "", "Hallo, ich bin Dana.").await;
    assert_german(&page, &en, &de, "with Dana").await;
    agent.send(&ClientFrame::HandBack).await;
    page.wait_for_text("log", "", &t(Text::HowWasIt)).await;
    assert_german(&page, &en, &de, "asked to rate").await;
    page.click("button", &t(Text::Stars).replace("{n}", "5")).await;
    page.wait_for_text("log", "", &t(Text::ThanksForRating)).await;

    page.click("button", &t(Text::EndChat)).await;
    page.click("button", &t(Text::ConfirmEnd)).await;
    page.wait_for_text("log", "", &t(Text::YouEnded)).await;
    page.find_exact("button", &t(Text::StartNew)).await;
    assert_german(&page, &en, &de, "ended").await;
    let lang = page.eval("return document.querySelector('baton-chat').lang", vec![]).await;
    assert_eq!(lang, json!("de"));
    page.close().await;
}

#[tokio::test]
async fn set_locale_changes_the_words_of_a_widget_already_shown() {
    let stack = Stack::start().await;
    let (en, es) = (catalogue(&stack.base, "en").await, catalogue(&stack.base, "es").await);
    let host = HostPage::embedding(&stack.base, "demo", "en", r#"data-locale="en""#).await;
    let browser = Browser::start().await;
    let page = browser.page().await;
    page.goto(&host.url).await;
    page.click("button", &en[Text::OpenChat as usize]).await;
    page.find_exact("button", &en[Text::TalkToPerson as usize]).await;

    page.eval("Baton('setLocale', 'es')", vec![]).await;
    page.find_exact("button", &es[Text::TalkToPerson as usize]).await;
    page.find_exact("textbox", &es[Text::Message as usize]).await;
    until("the launcher to speak Spanish", || async { page.exists("button", &es[Text::CloseChat as usize]).await })
        .await;
    page.close().await;
}
