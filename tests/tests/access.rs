//! Access that ends when it should: a sign-out, a new password, a new role or deactivation
//! ends every token the account was given, and closes its open sockets within seconds.

use std::time::Duration;

use baton_e2e::{Api, Socket, Stack};
use baton_shared::{ClientFrame, ServerFrame};
use reqwest::Method;
use serde_json::{Value, json};

/// The close code of an agent's sockets once their sign-in has ended.
const REVOKED_CLOSE: u16 = 4401;

async fn refusal_code(api: &Api, token: &str) -> (u16, Option<String>) {
    let (status, body) = api.call(Method::GET, "/api/sites/demo/team", Some(token), None).await;
    (status, body["code"].as_str().map(str::to_string))
}

/// An agent's console: the dashboard and one conversation's socket, both open.
async fn open_console(api: &Api, token: &str, conversation: &str) -> (Socket, Socket) {
    let mut dashboard = Socket::open(&api.dashboard_url("demo", token)).await;
    dashboard.next_of("snapshot", |f: &Value| f["type"] == "snapshot").await;
    let (mut socket, _) = api.connect("demo", conversation, token, 0).await;
    socket.barrier().await;
    (dashboard, socket)
}

#[tokio::test]
async fn signing_out_ends_the_token_on_every_device_and_closes_its_open_sockets() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let conv = api.start("demo", None).await;
    let laptop = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let phone = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let (mut dashboard, mut socket) = open_console(&api, &phone.token, &conv.conversation_id).await;
    assert_eq!(refusal_code(&api, &laptop.token).await.0, 200);

    let (status, body) = api.call(Method::POST, "/api/sites/demo/logout", Some(&laptop.token), None).await;
    assert_eq!(status, 200, "{body}");

    // The phone's open sockets close with the code that says the sign-in ended.
    assert_eq!(dashboard.close_code(Duration::from_secs(10)).await, Some(REVOKED_CLOSE));
    assert_eq!(socket.close_code(Duration::from_secs(10)).await, Some(REVOKED_CLOSE));
    // Both tokens now open nothing: REST, the dashboard, a conversation.
    for token in [&laptop.token, &phone.token] {
        assert_eq!(refusal_code(&api, token).await, (401, Some("token_revoked".to_string())));
        let mut refused = Socket::open(&api.ws_url("demo", &conv.conversation_id, token)).await;
        let error = refused.next_matching("refusal", |f| matches!(f, ServerFrame::Error { .. })).await;
        assert!(matches!(&error, ServerFrame::Error { code, .. } if code.as_str() == "token_revoked"), "{error:?}");
    }
    // Signing in again works.
    let again = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    assert_eq!(refusal_code(&api, &again.token).await.0, 200);
    let (mut socket, _) = api.connect("demo", &conv.conversation_id, &again.token, 0).await;
    socket.send(&ClientFrame::Ping).await;
    socket.next_matching("pong", |f| matches!(f, ServerFrame::Pong)).await;
}

/// Sam's account as the Team page would send it back, with `change` applied.
async fn put_sam(api: &Api, lead: &str, change: impl FnOnce(&mut Value)) -> (u16, Value) {
    let (_, team) = api.call(Method::GET, "/api/sites/demo/team", Some(lead), None).await;
    let sam = team
        .as_array()
        .and_then(|members| members.iter().find(|m| m["email"] == "sam@demo.test"))
        .cloned()
        .unwrap_or_else(|| panic!("no Sam in {team}"));
    let mut input = json!({
        "email": sam["email"], "name": sam["agent"]["name"], "role": sam["role"],
        "languages": sam["languages"], "skills": sam["skills"], "capacity": sam["capacity"],
        "active": sam["active"],
    });
    change(&mut input);
    let id = sam["agent"]["id"].as_str().unwrap_or_default();
    api.call(Method::PUT, &format!("/api/sites/demo/team/{id}"), Some(lead), Some(&input)).await
}

#[tokio::test]
async fn a_new_password_a_new_role_or_deactivation_ends_the_account_s_sign_ins() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let conv = api.start("demo", None).await;
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;

    // An edit that grants nothing new (capacity) leaves the token alone.
    let sam = api.login("demo", "sam@demo.test", "sam-demo-pass").await.token;
    let (status, body) = put_sam(&api, &lead, |a| a["capacity"] = json!(4)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(refusal_code(&api, &sam).await.0, 200);

    // A new password: the old token ends, its sockets close, the new password signs in.
    let (mut dashboard, mut socket) = open_console(&api, &sam, &conv.conversation_id).await;
    let (status, body) = put_sam(&api, &lead, |a| a["password"] = json!("sam-new-password")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(dashboard.close_code(Duration::from_secs(10)).await, Some(REVOKED_CLOSE));
    assert_eq!(socket.close_code(Duration::from_secs(10)).await, Some(REVOKED_CLOSE));
    assert_eq!(refusal_code(&api, &sam).await, (401, Some("token_revoked".to_string())));
    let sam = api.login("demo", "sam@demo.test", "sam-new-password").await.token;

    // Made supervisor, then back: each change of role ends the tokens of the old role.
    let (status, body) = put_sam(&api, &lead, |a| a["role"] = json!("supervisor")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(refusal_code(&api, &sam).await, (401, Some("token_revoked".to_string())));
    let sam_supervisor = api.login("demo", "sam@demo.test", "sam-new-password").await.token;
    let (status, body) = put_sam(&api, &lead, |a| a["role"] = json!("agent")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = api.call(Method::GET, "/api/sites/demo/desk", Some(&sam_supervisor), None).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("token_revoked")), "a demoted supervisor's token");

    // Deactivated: the token ends with the account.
    let sam = api.login("demo", "sam@demo.test", "sam-new-password").await.token;
    let (status, body) = put_sam(&api, &lead, |a| a["active"] = json!(false)).await;
    assert_eq!(status, 200, "{body}");
    let (status, code) = refusal_code(&api, &sam).await;
    assert!(status == 401 || status == 403, "{status} {code:?}");
    assert_eq!(code.as_deref(), Some("account_deactivated"));
}

#[tokio::test]
async fn a_visitor_token_is_renewed_on_resume_but_not_past_its_lifetime() {
    use baton_shared::server::token::{self, Claims, VISITOR_MAX_LIFETIME_MS, VISITOR_TOKEN_TTL_MS};
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let secret = baton_e2e::stack::dev_var("TOKEN_SECRET");
    let conv = api.start("demo", None).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    let token_since = |since: u64| {
        let claims = Claims::Visitor {
            site: "demo".into(),
            conversation: conv.conversation_id.clone(),
            exp: now + 60 * 60 * 1000,
            since: Some(since),
        };
        token::sign(&claims, secret.as_bytes())
    };
    let day = 24 * 60 * 60 * 1000;

    // Ten days into its lifetime: resumed, with a token a term long that keeps its start.
    let resumed = api.start("demo", Some(&token_since(now - 10 * day))).await;
    assert!(resumed.resumed && resumed.conversation_id == conv.conversation_id, "{resumed:?}");
    let renewed = token::verify(&resumed.token, secret.as_bytes(), now).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(renewed.visitor_since(), Some(now - 10 * day));
    assert!(renewed.exp() <= now + VISITOR_TOKEN_TTL_MS + 60_000, "renewed until {}", renewed.exp());

    // Past its lifetime, a still-unexpired copy opens nothing old: a new conversation starts.
    let fresh = api.start("demo", Some(&token_since(now - VISITOR_MAX_LIFETIME_MS - day))).await;
    assert!(!fresh.resumed && fresh.conversation_id != conv.conversation_id, "{fresh:?}");
}
