//! Guarantee 7 at the socket: every bad frame gets an error with a stable code, the socket
//! stays open, and nothing else is lost. Markup in text is shown as text in both UIs.

use baton_e2e::{Api, Browser, Stack};
use baton_shared::limits::MAX_FRAME_BYTES;
use baton_shared::{ClientFrame, ErrorCode, ServerFrame};

#[tokio::test]
async fn bad_frames_get_stable_error_codes_and_the_socket_keeps_working() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let conv = api.start("demo", None).await;
    let mut socket = baton_e2e::Socket::open(&api.ws_url("demo", &conv.conversation_id, &conv.token)).await;
    let oversize = format!(r#"{{"type":"send","client_id":"big","text":"{}"}}"#, "x".repeat(MAX_FRAME_BYTES));
    let long_text = format!(r#"{{"type":"send","client_id":"long","text":"{}"}}"#, "é".repeat(4_001));

    let cases: Vec<(&str, String, ErrorCode)> = vec![
        ("before hello", r#"{"type":"send","client_id":"a","text":"hi"}"#.into(), ErrorCode::HelloRequired),
        ("wrong protocol", r#"{"type":"hello","protocol":99,"last_seq":0}"#.into(), ErrorCode::ProtocolVersion),
    ];
    for (what, raw, code) in cases {
        socket.send_raw(&raw).await;
        let got = socket.next_matching(what, |f| matches!(f, ServerFrame::Error { .. })).await;
        assert!(matches!(got, ServerFrame::Error { code: c, .. } if c == code), "{what}: {got:?}");
    }
    socket.send(&ClientFrame::Hello { protocol: 1, last_seq: 0 }).await;
    socket.next_matching("welcome", |f| matches!(f, ServerFrame::Welcome { .. })).await;

    let cases: Vec<(&str, String, ErrorCode)> = vec![
        ("malformed JSON", "{not json".into(), ErrorCode::MalformedJson),
        ("unknown type", r#"{"type":"launch_missiles"}"#.into(), ErrorCode::UnknownType),
        ("missing fields", r#"{"type":"send","text":"no id"}"#.into(), ErrorCode::BadRequest),
        ("oversize frame", oversize, ErrorCode::FrameTooLarge),
        ("text too long", long_text, ErrorCode::TextTooLong),
        ("empty text", r#"{"type":"send","client_id":"e","text":"   "}"#.into(), ErrorCode::EmptyText),
        ("bad client id", r#"{"type":"send","client_id":"a b","text":"x"}"#.into(), ErrorCode::InvalidClientId),
        ("bad rating", r#"{"type":"rate","client_id":"r","score":9}"#.into(), ErrorCode::InvalidRating),
        ("agent command", r#"{"type":"hand_back"}"#.into(), ErrorCode::Forbidden),
    ];
    for (what, raw, code) in cases {
        socket.send_raw(&raw).await;
        let got = socket.next_matching(what, |f| matches!(f, ServerFrame::Error { .. })).await;
        assert!(matches!(got, ServerFrame::Error { code: c, .. } if c == code), "{what}: {got:?}");
    }
    // Still open and working, and none of the bad frames left anything in the transcript.
    socket.send(&ClientFrame::send("ok", "Do you ship abroad?")).await;
    socket.next_matching("ack", |f| matches!(f, ServerFrame::Ack { client_id, .. } if client_id == "ok")).await;
    let transcript = api.transcript("demo", &conv.conversation_id, &conv.token).await;
    assert_eq!(transcript.events.first().map(|e| e.client_id.as_deref()), Some(Some("ok")));
}

#[tokio::test]
async fn forged_foreign_and_missing_tokens_are_refused() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let mine = api.start("demo", None).await;
    let other = api.start("demo", None).await;
    let transcript_status = |conversation: String, token: String| {
        let api = api.clone();
        async move {
            api.http
                .get(format!("{}/api/sites/demo/conversations/{conversation}/transcript", api.base))
                .bearer_auth(token)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    };
    // A visitor token opens its own conversation only.
    assert_eq!(transcript_status(mine.conversation_id.clone(), mine.token.clone()).await, 200);
    assert_eq!(transcript_status(other.conversation_id.clone(), mine.token.clone()).await, 403);
    // Tampering with a single character of the signature breaks it.
    let mut forged = mine.token.clone();
    let last = forged.pop().map(|c| if c == 'A' { 'B' } else { 'A' }).unwrap_or('A');
    forged.push(last);
    assert_eq!(transcript_status(mine.conversation_id.clone(), forged).await, 401);
    assert_eq!(transcript_status(mine.conversation_id.clone(), String::new()).await, 401);
    // A wrong password is refused without saying which part was wrong.
    let (status, body) =
        api.post("/api/sites/demo/login", &serde_json::json!({"email": "dana@demo.test", "password": "nope"})).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "login_failed");
}

#[tokio::test]
async fn markup_in_messages_is_shown_as_text_in_widget_and_console() {
    let stack = Stack::start().await;
    let browser = Browser::start().await;
    let payload = r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold?</b>"#;

    let customer = browser.page().await;
    customer.goto(&stack.url("/demo")).await;
    customer.click("button", "Open chat").await;
    customer.type_into("Message", payload).await;
    customer.click("button", "Send").await;
    customer.wait_for_text("log", "", payload).await;

    let dana = browser.page().await;
    dana.goto(&stack.url("/console/")).await;
    dana.type_into("Email", "dana@demo.test").await;
    dana.type_into("Password", "dana-demo-pass").await;
    dana.click("button", "Sign in").await;
    dana.find("button", "Visitor").await.click().await.unwrap_or_else(|e| panic!("open conversation: {e}"));
    dana.wait_for_page_text(payload).await;

    for (who, page) in [("widget", &customer), ("console", &dana)] {
        let pwned = page.eval("return window.__pwned === undefined", vec![]).await;
        assert_eq!(pwned, serde_json::json!(true), "markup ran as code in the {who}");
        let injected = page
            .eval(
                r#"const roots = [document];
                   for (let i = 0; i < roots.length; i++)
                     for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
                   return roots.some(r => r.querySelector('img[src="x"]')
                     || [...r.querySelectorAll('b')].some(b => b.textContent === 'bold?'));"#,
                vec![],
            )
            .await;
        assert_eq!(injected, serde_json::json!(false), "markup became elements in the {who}");
    }
    customer.close().await;
    dana.close().await;
}
