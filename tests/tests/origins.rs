//! Least privilege by origin: a site's widget answers only the pages the site allows, and
//! agent endpoints answer only Baton's own console.

use baton_e2e::{Api, Socket, Stack};
use baton_shared::limits::PROTOCOL_VERSION;
use baton_shared::{ClientFrame, ErrorCode, ServerFrame};
use serde_json::json;

const SHOP: &str = "https://shop.example";
const EVIL: &str = "https://evil.example";

async fn post_from(
    api: &Api,
    path: &str,
    origin: Option<&str>,
    body: serde_json::Value,
) -> (u16, Option<String>, serde_json::Value) {
    let mut request = api.http.post(format!("{}{path}", api.base)).json(&body);
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    let response = request.send().await.unwrap_or_else(|e| panic!("POST {path}: {e}"));
    let status = response.status().as_u16();
    let allow = response.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()).map(str::to_string);
    (status, allow, response.json().await.unwrap_or(serde_json::Value::Null))
}

/// The first frame a socket opened from `origin` gets after its hello: welcome or error.
async fn socket_outcome(url: &str, origin: &str) -> ServerFrame {
    let mut socket = Socket::open_from(url, origin).await;
    socket.send(&ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq: 0 }).await;
    socket
        .next_matching("welcome or error", |f| matches!(f, ServerFrame::Welcome { .. } | ServerFrame::Error { .. }))
        .await
}

fn is_forbidden(frame: &ServerFrame) -> bool {
    matches!(frame, ServerFrame::Error { code: ErrorCode::Forbidden, .. })
}

#[tokio::test]
async fn widget_answers_allowed_origins_and_console_endpoints_only_their_own() {
    let stack = Stack::start().await;
    stack
        .seed_site(
            "shop",
            &json!({
                "name": "Shop", "bot_name": "Bot", "greeting": "Hi", "allowed_origins": [SHOP], "articles": [],
                "accounts": [{"email": "ana@shop.test", "name": "Ana", "role": "agent", "password": "ana-pass-1"}]
            }),
        )
        .await;
    let api = Api::new(&stack.base);
    let start = "/api/sites/shop/conversations";

    let (status, _, body) = post_from(&api, start, Some(EVIL), json!({})).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains(EVIL));
    let (status, allow, body) = post_from(&api, start, Some(SHOP), json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(allow.as_deref(), Some(SHOP), "the allowed page may read the answer");
    let token = body["token"].as_str().unwrap_or_default().to_string();
    let conversation = body["conversation_id"].as_str().unwrap_or_default().to_string();
    // Baton's own pages are always allowed.
    let (status, _, _) = post_from(&api, start, Some(&stack.base), json!({})).await;
    assert_eq!(status, 200);

    let customer_url = api.ws_url("shop", &conversation, &token);
    assert!(matches!(socket_outcome(&customer_url, SHOP).await, ServerFrame::Welcome { .. }));
    assert!(is_forbidden(&socket_outcome(&customer_url, EVIL).await));

    // Agents: only from Baton's own origin, even from the site's allowed page.
    let login = "/api/sites/shop/login";
    let credentials = json!({"email": "ana@shop.test", "password": "ana-pass-1"});
    let (status, _, body) = post_from(&api, login, Some(SHOP), credentials.clone()).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    let (status, _, body) = post_from(&api, login, Some(&stack.base), credentials).await;
    assert_eq!(status, 200, "{body}");
    let agent_token = body["token"].as_str().unwrap_or_default().to_string();
    let agent_url = api.ws_url("shop", &conversation, &agent_token);
    assert!(is_forbidden(&socket_outcome(&agent_url, SHOP).await));
    assert!(matches!(socket_outcome(&agent_url, &stack.base).await, ServerFrame::Welcome { .. }));

    let dashboard = format!("{}/api/sites/shop/dashboard?token={agent_token}", stack.base.replacen("http", "ws", 1));
    let mut foreign = Socket::open_from(&dashboard, EVIL).await;
    let refused = foreign.next_matching("dashboard refusal", |f| matches!(f, ServerFrame::Error { .. })).await;
    assert!(is_forbidden(&refused), "{refused:?}");
}
