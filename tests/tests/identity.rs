//! Verified identity: the host's server signs its user's id with the site's identity secret;
//! Baton takes the visitor's name, email and attributes as the site's word only then, a
//! verified user finds their conversation from any device, and everything else is marked
//! unverified for agents.

use baton_e2e::api::user_hash;
use baton_e2e::{Api, Stack};
use reqwest::Method;
use serde_json::{Value, json};

/// What an agent sees of the conversation's visitor.
async fn visitor_seen(api: &Api, site: &str, conversation: &str) -> Value {
    let lead = api.login(site, "lead@demo.test", "lead-demo-pass").await;
    let path = format!("/api/sites/{site}/conversations/{conversation}/visitor");
    let (status, visitor) = api.call(Method::GET, &path, Some(&lead.token), None).await;
    assert_eq!(status, 200, "{visitor}");
    visitor
}

#[tokio::test]
async fn a_verified_user_is_the_site_s_word_and_finds_their_conversation_on_another_device() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let signed = json!({
        "name": "Ana Lima", "email": "ana@example.test", "attributes": { "plan": "vip" },
        "user_id": "user-17", "user_hash": user_hash("demo", "user-17"),
    });
    let laptop = api.start_as("demo", signed.clone()).await;
    let seen = visitor_seen(&api, "demo", &laptop.conversation_id).await;
    assert_eq!((seen["verified"].as_bool(), seen["user_id"].as_str()), (Some(true), Some("user-17")), "{seen}");
    assert!(seen.get("user_hash").is_none(), "the hash is never kept: {seen}");

    // The same user on a phone, without the laptop's token: the same conversation.
    let phone = api.start_as("demo", signed).await;
    assert!(phone.resumed && phone.conversation_id == laptop.conversation_id, "{phone:?}");

    // A wrong hash: details kept as unverified, the user id dropped, and nobody's conversation.
    let forged = json!({
        "name": "Ana Lima", "attributes": { "plan": "vip" },
        "user_id": "user-17", "user_hash": user_hash("demo", "user-18"),
    });
    let stranger = api.start_as("demo", forged).await;
    assert!(!stranger.resumed && stranger.conversation_id != laptop.conversation_id, "{stranger:?}");
    let seen = visitor_seen(&api, "demo", &stranger.conversation_id).await;
    assert_eq!((seen["verified"].as_bool(), seen["name"].as_str()), (None, Some("Ana Lima")), "{seen}");
    assert!(seen.get("user_id").is_none(), "{seen}");
}

#[tokio::test]
async fn identify_verifies_mid_chat_and_a_wrong_hash_counts_as_the_visitor_s_unverified_word() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let start = api.start("demo", None).await;
    let path = format!("/api/sites/demo/conversations/{}/identify", start.conversation_id);
    let wrong = json!({ "name": "Bo", "user_id": "user-5", "user_hash": "00".repeat(32) });
    let (status, body) = api.call(Method::POST, &path, Some(&start.token), Some(&wrong)).await;
    assert_eq!((status, body["verified"].as_bool()), (200, Some(false)), "{body}");
    let seen = visitor_seen(&api, "demo", &start.conversation_id).await;
    assert_eq!((seen["name"].as_str(), seen["verified"].as_bool()), (Some("Bo"), None), "unverified: {seen}");
    assert!(seen.get("user_id").is_none(), "a wrong hash names nobody: {seen}");

    let right = json!({ "name": "Bo", "user_id": "user-5", "user_hash": user_hash("demo", "user-5") });
    let (status, body) = api.call(Method::POST, &path, Some(&start.token), Some(&right)).await;
    assert_eq!((status, body["verified"].as_bool()), (200, Some(true)), "{body}");
    let seen = visitor_seen(&api, "demo", &start.conversation_id).await;
    assert_eq!((seen["name"].as_str(), seen["verified"].as_bool()), (Some("Bo"), Some(true)), "{seen}");
    // An agent's token cannot identify a visitor.
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await;
    let (status, _) = api.call(Method::POST, &path, Some(&lead.token), Some(&right)).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_site_that_requires_identity_keeps_unverified_visitors_anonymous() {
    let stack = Stack::start().await;
    stack.seed_demo_as("strict", |seed| seed["require_identity"] = json!(true)).await;
    let api = Api::new(&stack.base);

    let claimed = api.start_as("strict", json!({ "name": "Eve", "email": "eve@example.test" })).await;
    let seen = visitor_seen(&api, "strict", &claimed.conversation_id).await;
    assert!(seen.get("name").is_none() && seen.get("email").is_none(), "anonymous: {seen}");
    let path = format!("/api/sites/strict/conversations/{}/identify", claimed.conversation_id);
    let unsigned = json!({ "name": "Eve" });
    let (status, body) = api.call(Method::POST, &path, Some(&claimed.token), Some(&unsigned)).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("identity_invalid")), "{body}");

    // The site's own secret, as its server gets it from the admin API, signs the user.
    let response = reqwest::Client::new()
        .get(format!("{}/api/admin/sites/strict/identity-secret", stack.base))
        .bearer_auth(baton_e2e::stack::dev_var("ADMIN_SECRET"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let secret: Value = response.json().await.unwrap_or(Value::Null);
    let secret = secret["identity_secret"].as_str().unwrap_or_else(|| panic!("no secret: {secret}")).to_string();
    let hash = baton_shared::server::identity::user_hash(&secret, "user-9");
    let signed = api.start_as("strict", json!({ "name": "Eve", "user_id": "user-9", "user_hash": hash })).await;
    let seen = visitor_seen(&api, "strict", &signed.conversation_id).await;
    assert_eq!((seen["name"].as_str(), seen["verified"].as_bool()), (Some("Eve"), Some(true)), "{seen}");
}
