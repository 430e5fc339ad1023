//! Guarantee 6: who may do what. Only the holder speaks to the customer; tokens open only
//! what they were issued for and only until they expire; unsafe avatars never reach a page.

use baton_e2e::{Api, Socket, Stack, event_of};
use baton_shared::server::token::{self, Claims};
use baton_shared::{AccountRole, Author, ClientFrame, ErrorCode, EventBody, ServerFrame};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn an_agent_who_does_not_hold_the_conversation_can_add_notes_but_not_messages() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let conv = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &conv.conversation_id, &conv.token, 0).await;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let sam = api.login("demo", "sam@demo.test", "sam-demo-pass").await;
    let (mut dana_socket, _) = api.connect("demo", &conv.conversation_id, &dana.token, 0).await;
    let (mut sam_socket, _) = api.connect("demo", &conv.conversation_id, &sam.token, 0).await;
    dana_socket.send(&ClientFrame::TakeOver).await;
    sam_socket
        .next_matching("Dana's takeover", |f| event_of(f).is_some_and(|e| matches!(e.body, EventBody::Mode { .. })))
        .await;

    sam_socket.send(&ClientFrame::send("sam-1", "Sam here!")).await;
    let refused = sam_socket
        .next_matching("refusal", |f| matches!(f, ServerFrame::Error { client_id: Some(id), .. } if id == "sam-1"))
        .await;
    let ServerFrame::Error { code, message, .. } = refused else { unreachable!("matched an error") };
    assert_eq!(code, ErrorCode::NotHolder);
    assert!(message.contains("Dana"), "the refusal should name the holder: {message}");

    sam_socket.send(&ClientFrame::Note { client_id: "sam-note".into(), text: "Customer is a VIP".into() }).await;
    sam_socket
        .next_matching("note ack", |f| matches!(f, ServerFrame::Ack { client_id, .. } if client_id == "sam-note"))
        .await;
    dana_socket
        .next_matching("Sam's note", |f| event_of(f).is_some_and(|e| e.client_id.as_deref() == Some("sam-note")))
        .await;

    // The customer's next event after the takeover is Dana's message: no note, nothing from Sam.
    dana_socket.send(&ClientFrame::send("dana-1", "Dana here.")).await;
    customer
        .next_matching("Dana's message", |f| event_of(f).is_some_and(|e| matches!(e.author, Author::Agent(_))))
        .await;
    let leaked: Vec<_> = customer
        .seen
        .iter()
        .filter_map(event_of)
        .filter(|e| matches!(e.body, EventBody::Note { .. }) || e.client_id.as_deref() == Some("sam-1"))
        .collect();
    assert!(leaked.is_empty(), "the customer saw {leaked:?}");
    let transcript = api.transcript("demo", &conv.conversation_id, &conv.token).await;
    assert!(
        transcript.events.iter().all(|e| !matches!(e.body, EventBody::Note { .. })),
        "notes in the customer's transcript"
    );
    assert!(transcript.events.iter().all(|e| e.client_id.as_deref() != Some("sam-1")));
}

/// Opens a conversation socket and returns the refusal the edge sends before closing it.
async fn refusal(url: &str) -> ErrorCode {
    let mut socket = Socket::open(url).await;
    match socket.next_matching("refusal", |f| matches!(f, ServerFrame::Error { .. })).await {
        ServerFrame::Error { code, .. } => code,
        _ => unreachable!("matched an error"),
    }
}

#[tokio::test]
async fn expired_and_other_site_tokens_are_refused_with_their_own_codes() {
    let stack = Stack::start().await;
    stack
        .seed_site(
            "other",
            &json!({
                "name": "Other", "bot_name": "Bot", "greeting": "Hi", "allowed_origins": ["*"],
                "accounts": [{"email": "eve@other.test", "name": "Eve", "role": "agent", "password": "eve-other-pass"}]
            }),
        )
        .await;
    let api = Api::new(&stack.base);
    let conv = api.start("demo", None).await;

    // An agent of another site opens nothing here, on either socket.
    let eve = api.login("other", "eve@other.test", "eve-other-pass").await;
    assert_eq!(refusal(&api.ws_url("demo", &conv.conversation_id, &eve.token)).await, ErrorCode::Forbidden);
    let dashboard = format!("{}/api/sites/demo/dashboard?token={}", stack.base.replacen("http", "ws", 1), eve.token);
    assert_eq!(refusal(&dashboard).await, ErrorCode::Forbidden);
    // A visitor token is not an agent token.
    let dashboard = format!("{}/api/sites/demo/dashboard?token={}", stack.base.replacen("http", "ws", 1), conv.token);
    assert_eq!(refusal(&dashboard).await, ErrorCode::Forbidden);

    // A correctly signed token past its expiry is refused as expired, not as invalid.
    let secret = baton_e2e::stack::dev_var("TOKEN_SECRET");
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await;
    let expired =
        Claims::Agent { site: "demo".into(), agent: dana.agent.clone(), role: AccountRole::Agent, exp: 1_000, ver: 1 };
    let expired = token::sign(&expired, secret.as_bytes());
    assert_eq!(refusal(&api.ws_url("demo", &conv.conversation_id, &expired)).await, ErrorCode::TokenExpired);
    let visitor =
        Claims::Visitor { site: "demo".into(), conversation: conv.conversation_id.clone(), exp: 1_000, since: None };
    let visitor = token::sign(&visitor, secret.as_bytes());
    assert_eq!(refusal(&api.ws_url("demo", &conv.conversation_id, &visitor)).await, ErrorCode::TokenExpired);
    // Signed with another secret: invalid.
    let foreign =
        Claims::Agent { site: "demo".into(), agent: dana.agent, role: AccountRole::Agent, exp: u64::MAX / 2, ver: 1 };
    let foreign = token::sign(&foreign, b"not the site's secret");
    assert_eq!(refusal(&api.ws_url("demo", &conv.conversation_id, &foreign)).await, ErrorCode::TokenInvalid);
}

#[tokio::test]
async fn avatars_other_than_https_or_raster_data_urls_are_refused() {
    let stack = Stack::start().await;
    let seed = |avatar: &str| {
        json!({
            "name": "Avatars", "bot_name": "Bot", "greeting": "Hi",
            "accounts": [{"email": "a@x.test", "name": "A", "role": "agent", "password": "long-enough", "avatar": avatar}]
        })
        .to_string()
    };
    for avatar in [
        "javascript:alert(1)",
        "http://cdn.example.com/a.png",
        "data:text/html,<script>alert(1)</script>",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "https://cdn.example.com/a.png\" onerror=\"alert(1)",
        "//cdn.example.com/a.png",
    ] {
        let (status, body) = stack.try_put_site("avatars", seed(avatar)).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_avatar")), "{avatar}: {body}");
    }
    for avatar in ["https://cdn.example.com/a.png", "data:image/png;base64,iVBORw0KGgo="] {
        let (status, body) = stack.try_put_site("avatars", seed(avatar)).await;
        assert_eq!(status, 200, "{avatar}: {body}");
    }
}

#[tokio::test]
async fn a_data_avatar_travels_by_reference_is_served_from_one_place_and_is_capped() {
    use base64::Engine;
    let stack = Stack::start().await;
    let picture: Vec<u8> = (0..4_500u32).map(|i| (i * 7 % 251) as u8).collect();
    let data_url = format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&picture));
    assert!(data_url.len() > 6_000 && data_url.len() < 8 * 1024);
    let seed = |avatar: &str| {
        json!({
            "name": "Pictures", "bot_name": "Bot", "greeting": "Hi", "allowed_origins": ["*"],
            "accounts": [{"email": "pic@x.test", "name": "Pia", "role": "supervisor", "password": "long-enough", "avatar": avatar}]
        })
        .to_string()
    };
    // Over 8 KB is refused.
    let big = format!("data:image/png;base64,{}", "A".repeat(9 * 1024));
    let (status, body) = stack.try_put_site("pics", seed(&big)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_avatar")), "{body}");
    let (status, body) = stack.try_put_site("pics", seed(&data_url)).await;
    assert_eq!(status, 200, "{body}");

    let api = Api::new(&stack.base);
    let pia = api.login("pics", "pic@x.test", "long-enough").await;
    let reference = pia.agent.avatar.clone().unwrap_or_else(|| panic!("no avatar reference"));
    assert!(reference.contains(&format!("/api/sites/pics/agents/{}/avatar?v=", pia.agent.id)), "{reference}");
    assert!(pia.token.len() < 1_000, "the token names the agent, not the picture: {} bytes", pia.token.len());

    // The reference serves the picture, cacheable for good.
    let served = reqwest::get(&reference).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(served.status().as_u16(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(served.headers()["cache-control"].to_str().unwrap_or_default().contains("immutable"));
    assert_eq!(served.bytes().await.unwrap_or_default().to_vec(), picture);

    // Events carry the reference, not the picture.
    let conv = api.start("pics", None).await;
    let (mut agent, _) = api.connect("pics", &conv.conversation_id, &pia.token, 0).await;
    agent.send(&baton_shared::ClientFrame::TakeOver).await;
    let joined = agent
        .next_matching("the takeover", |f| {
            matches!(event_of(f).map(|e| &e.body), Some(baton_shared::EventBody::Mode { .. }))
        })
        .await;
    let text = baton_shared::encode(&joined);
    assert!(text.contains(&reference) && text.len() < 2_000, "{} bytes: {text:.300}", text.len());

    // An edit that sends the reference back keeps the picture.
    let (_, team) = api.call(Method::GET, "/api/sites/pics/team", Some(&pia.token), None).await;
    let me = &team[0];
    let input = json!({
        "email": me["email"], "name": "Pia R.", "role": me["role"], "languages": me["languages"],
        "skills": me["skills"], "capacity": me["capacity"], "active": true, "avatar": reference,
    });
    let (status, body) =
        api.call(Method::PUT, &format!("/api/sites/pics/team/{}", pia.agent.id), Some(&pia.token), Some(&input)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["avatar"], json!(reference), "same picture, same reference");
}
