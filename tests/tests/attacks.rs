//! What one stranger can send, tried as an attacker would, against real `wrangler dev`: each
//! attempt gets a clear refusal and the site keeps working for everyone else.

use baton_e2e::{Api, Browser, Stack};
use std::time::{Duration, Instant};

use baton_shared::server::quota::{SIGN_IN_FAILURES, SIGN_INS_PER_ADDRESS};
use serde_json::{Value, json};

/// A sign-in attempt as it arrives from `address` (the header Cloudflare sets from the
/// connection).
async fn sign_in(base: &str, address: &str, email: &str, password: &str) -> (u16, Option<String>, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/sites/demo/login"))
        .header("cf-connecting-ip", address)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("sign-in: {e}"));
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
    (status, retry_after, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_sign_in_flood_from_one_network_is_refused_in_the_worker_and_others_still_sign_in() {
    let stack = Stack::start().await;
    let base = &stack.base;
    let limit = SIGN_INS_PER_ADDRESS.limit;
    for i in 0..limit {
        let (status, _, body) = sign_in(base, "203.0.113.9", &format!("random{i}@nowhere.test"), "guess").await;
        assert_eq!((status, body["code"].as_str()), (401, Some("login_failed")), "attempt {i}: {body}");
    }
    let (status, retry_after, body) = sign_in(base, "203.0.113.9", "one-more@nowhere.test", "guess").await;
    assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")), "{body}");
    let wait: u64 = retry_after.and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no Retry-After: {body}"));
    assert!((1..=60).contains(&wait), "retry after {wait} s");
    // Even the right password waits: the network, not the account, is out of attempts.
    let (status, _, _) = sign_in(base, "203.0.113.9", "dana@demo.test", "dana-demo-pass").await;
    assert_eq!(status, 429);
    // Another network is not held up.
    let (status, _, body) = sign_in(base, "198.51.100.2", "dana@demo.test", "dana-demo-pass").await;
    assert_eq!(status, 200, "{body}");

    // IPv6 counts by /64: every address of one subscriber's network shares the attempts.
    for i in 1..=limit {
        let (status, _, body) =
            sign_in(base, &format!("2001:db8:7:1::{i:x}"), &format!("v6-{i}@nowhere.test"), "guess").await;
        assert_eq!(status, 401, "attempt {i}: {body}");
    }
    let (status, _, body) = sign_in(base, "2001:db8:7:1:ffff::99", "v6-last@nowhere.test", "guess").await;
    assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")), "{body}");
}

/// Retries `attempt` until it is no longer refused as too early, for at most `limit`.
async fn once_allowed<F, Fut>(limit: Duration, mut attempt: F) -> (u16, Option<String>, Value)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = (u16, Option<String>, Value)>,
{
    let deadline = Instant::now() + limit;
    loop {
        let answer = attempt().await;
        if answer.0 != 429 || Instant::now() > deadline {
            return answer;
        }
        let wait = answer.2["retry_after_ms"].as_u64().unwrap_or(100);
        tokio::time::sleep(Duration::from_millis(wait.min(1_000))).await;
    }
}

#[tokio::test]
async fn wrong_passwords_slow_down_that_account_from_that_network_only_and_never_lock_the_agent_out() {
    let stack = Stack::start().await;
    let base = &stack.base;
    let stranger = "203.0.113.50";
    let free = SIGN_IN_FAILURES.free;
    for attempt in 1..=free {
        let (status, _, body) = sign_in(base, stranger, "dana@demo.test", "guess").await;
        assert_eq!((status, body["code"].as_str()), (401, Some("login_failed")), "wrong password {attempt}");
    }
    // From the stranger's network the next try waits, even with the right password, and is
    // told for how long.
    let (status, retry_after, body) = sign_in(base, stranger, "DANA@demo.test ", "dana-demo-pass").await;
    assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")), "{body}");
    let wait = body["retry_after_ms"].as_u64().unwrap_or_else(|| panic!("no retry hint: {body}"));
    assert!(wait > 0 && wait <= SIGN_IN_FAILURES.first_delay_ms, "first wait {wait} ms");
    assert_eq!(retry_after, Some(wait.div_ceil(1000).to_string()), "Retry-After header");
    // Dana, from her own network, is not locked out by a stranger's guesses.
    let (status, _, body) = sign_in(base, "198.51.100.77", "dana@demo.test", "dana-demo-pass").await;
    assert_eq!(status, 200, "{body}");
    // Each further wrong guess doubles the wait.
    let (status, _, body) =
        once_allowed(Duration::from_secs(10), || sign_in(base, stranger, "dana@demo.test", "guess")).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("login_failed")), "{body}");
    let (status, _, body) = sign_in(base, stranger, "dana@demo.test", "guess").await;
    assert_eq!(status, 429, "{body}");
    let second = body["retry_after_ms"].as_u64().unwrap_or_default();
    assert!(
        second > SIGN_IN_FAILURES.first_delay_ms && second <= 2 * SIGN_IN_FAILURES.first_delay_ms,
        "second wait {second} ms"
    );
    // Unknown emails are slowed the same way, so the waits do not tell which accounts exist.
    for _ in 1..=free {
        let (status, _, _) = sign_in(base, stranger, "nobody@demo.test", "guess").await;
        assert_eq!(status, 401);
    }
    let (status, _, body) = sign_in(base, stranger, "nobody@demo.test", "guess").await;
    assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")), "{body}");
}

#[tokio::test]
async fn an_oversize_sign_in_email_is_refused_before_anything_is_stored() {
    let stack = Stack::start().await;
    let email = format!("{}@example.test", "a".repeat(300));
    let (status, _, body) = sign_in(&stack.base, "203.0.113.20", &email, "guess").await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")), "{body}");
}

#[tokio::test]
async fn a_transcript_is_read_with_the_authorization_header_never_a_token_in_its_url() {
    let stack = Stack::start().await;
    let api = baton_e2e::Api::new(&stack.base);
    let start = api.start("demo", None).await;
    let url = format!("{}/api/sites/demo/conversations/{}/transcript", stack.base, start.conversation_id);
    let http = reqwest::Client::new();
    let in_url = http.get(&url).query(&[("token", &start.token)]).send().await.unwrap_or_else(|e| panic!("{e}"));
    let status = in_url.status().as_u16();
    let body: Value = in_url.json().await.unwrap_or(Value::Null);
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")), "{body}");
    let in_header = http.get(&url).bearer_auth(&start.token).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(in_header.status().as_u16(), 200);
}

#[tokio::test]
async fn a_socket_token_in_the_url_is_refused_and_the_subprotocol_one_accepted() {
    let stack = Stack::start().await;
    let api = baton_e2e::Api::new(&stack.base);
    let start = api.start("demo", None).await;
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await;
    for url in [api.ws_url("demo", &start.conversation_id, &start.token), api.dashboard_url("demo", &lead.token)] {
        // Sent as it is, the token rides the URL: refused, whatever the token.
        let mut in_url = baton_e2e::Socket::open_raw(&url).await;
        let frame: Value = in_url.next_of("refusal", |f: &Value| f["type"] == "error").await;
        assert_eq!(frame["code"], "unauthorized", "{url}: {frame}");
    }
    // The same tokens as the `bearer.` subprotocol open them.
    api.connect("demo", &start.conversation_id, &start.token, 0).await;
    let mut dashboard = baton_e2e::Socket::open(&api.dashboard_url("demo", &lead.token)).await;
    let first: Value = dashboard.next_of("the snapshot", |_: &Value| true).await;
    assert_eq!(first["type"], "snapshot", "{first}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_its_code() {
    let stack = Stack::start().await;
    let http = reqwest::Client::new();
    // Two megabytes of JSON string: over the 1 MiB limit, refused by its Content-Length.
    let huge = format!("{{\"email\":\"{}\",\"password\":\"x\"}}", "a".repeat(2 * 1024 * 1024));
    for path in ["/api/sites/demo/login", "/api/sites/demo/conversations"] {
        let response = http
            .post(format!("{}{path}", stack.base))
            .header("content-type", "application/json")
            .body(huge.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!((status, body["code"].as_str()), (413, Some("frame_too_large")), "{path}: {body}");
    }
}

#[tokio::test]
async fn a_conversation_keeps_a_bounded_number_of_sockets_and_says_when_to_retry() {
    use baton_shared::limits::MAX_CUSTOMER_SOCKETS;
    let stack = Stack::start().await;
    let api = baton_e2e::Api::new(&stack.base);
    let start = api.start("demo", None).await;
    let url = api.ws_url("demo", &start.conversation_id, &start.token);
    let mut open = Vec::new();
    for _ in 0..MAX_CUSTOMER_SOCKETS {
        let mut socket = baton_e2e::Socket::open(&url).await;
        socket.barrier().await;
        open.push(socket);
    }
    let mut refused = baton_e2e::Socket::open(&url).await;
    let frame: Value = refused.next_of("refusal", |f: &Value| f["type"] == "error").await;
    assert_eq!(frame["code"], "rate_limited", "{frame}");
    assert!(frame["retry_after_ms"].as_u64().is_some_and(|ms| ms > 0), "{frame}");
    // Once one closes, a new one opens.
    if let Some(socket) = open.pop() {
        socket.close().await;
    }
    baton_e2e::wait::until("a socket opens again", || async {
        let mut again = baton_e2e::Socket::open(&url).await;
        again.send(&baton_shared::ClientFrame::Ping).await;
        let answer: Value = again.next_of("an answer", |_: &Value| true).await;
        answer["type"] == "pong"
    })
    .await;
}

#[tokio::test]
async fn reconnecting_does_not_buy_a_fresh_burst() {
    use baton_shared::server::quota::Kind;
    let stack = Stack::start().await;
    let api = baton_e2e::Api::new(&stack.base);
    let start = api.start("demo", None).await;
    let url = api.ws_url("demo", &start.conversation_id, &start.token);
    let began = Instant::now();
    let mut answered = 0u64;
    // Three sockets one after another, each flooding pings as fast as it can.
    for _ in 0..3 {
        let mut socket = baton_e2e::Socket::open(&url).await;
        let burst = Kind::Work.budget().burst as usize;
        for _ in 0..burst + 6 {
            socket.send(&baton_shared::ClientFrame::Ping).await;
        }
        let mut seen = 0;
        while seen < burst + 6 {
            let frame: Value = socket.next_of("an answer", |_: &Value| true).await;
            seen += 1;
            answered += u64::from(frame["type"] == "pong");
        }
        socket.close().await;
    }
    // One party's budget: its burst plus what refills meanwhile, not a socket's burst each time.
    let party = Kind::Work.party_budget();
    let refilled = (began.elapsed().as_secs_f64() * party.per_second).ceil() as u64;
    assert!(
        answered <= party.burst as u64 + refilled + 1,
        "{answered} pings answered in {:?}; one party may have {} + {refilled}",
        began.elapsed(),
        party.burst
    );
}

#[tokio::test]
async fn the_transcript_pages_and_refuses_a_bad_page_mark() {
    let stack = Stack::start().await;
    let api = baton_e2e::Api::new(&stack.base);
    let start = api.start("demo", None).await;
    let (mut customer, _) = api.connect("demo", &start.conversation_id, &start.token, 0).await;
    customer.send(&baton_shared::ClientFrame::send("m1", "hello")).await;
    customer.barrier().await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/sites/demo/conversations/{}/transcript", stack.base, start.conversation_id);
    let page: Value = http
        .get(format!("{url}?after=1"))
        .bearer_auth(&start.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or(Value::Null);
    let seqs: Vec<u64> = page["events"].as_array().into_iter().flatten().filter_map(|e| e["seq"].as_u64()).collect();
    assert!(!seqs.is_empty() && seqs.iter().all(|&s| s > 1), "only events after 1: {page}");
    assert_eq!(page["next_after"], Value::Null, "one page holds it all: {page}");
    let bad =
        http.get(format!("{url}?after=soon")).bearer_auth(&start.token).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bad.status().as_u16(), 400);
}

#[tokio::test]
async fn a_seed_goes_through_the_checks_a_supervisor_s_edit_does() {
    let stack = Stack::start().await;
    let base = json!({ "name": "Checked", "bot_name": "Bot", "greeting": "Hi", "allowed_origins": ["*"] });
    let with = |field: &str, value: Value| {
        let mut seed = base.clone();
        seed[field] = value;
        seed.to_string()
    };
    let account = |email: &str, name: &str| json!({ "email": email, "name": name, "role": "agent", "password": "a-long-enough-pass", "capacity": 2 });
    let refusals = [
        ("articles", json!([{ "id": "ok", "title": "t".repeat(300), "body": "b" }]), "invalid_article"),
        ("articles", json!([{ "id": "ok", "title": "Title", "body": "  " }]), "invalid_article"),
        ("articles", json!([{ "id": "../escape", "title": "Title", "body": "Body" }]), "bad_request"),
        (
            "articles",
            json!([{ "id": "a", "title": "T", "body": "B", "url": "javascript:alert(1)" }]),
            "invalid_article",
        ),
        ("limits", json!({ "conversations_per_visitor_per_minute": 0 }), "bad_request"),
        // The Team page's checks: an address with a domain, a name of plain text.
        ("accounts", json!([account("ana@localhost", "Ana")]), "invalid_account"),
        ("accounts", json!([account("ana lima@shop.test", "Ana")]), "invalid_account"),
        ("accounts", json!([account("ana@shop.test", "Ana\u{7}")]), "invalid_account"),
        ("accounts", json!([account("ana@shop.test", "Ana"), account(" ANA@shop.test", "Ana Two")]), "invalid_account"),
        // The customer's words and the site's key travel to the model: https only.
        ("model", json!({ "endpoint": "http://m.test/v1", "model": "m" }), "bad_request"),
        (
            "model",
            json!({ "endpoint": "https://m.test/v1", "model": "m", "calls_per_hour": 10, "calls_per_conversation_per_hour": 11 }),
            "bad_request",
        ),
    ];
    for (field, value, code) in refusals {
        let (status, body) = stack.try_put_site("checked", with(field, value.clone())).await;
        assert_eq!((status, body["code"].as_str()), (400, Some(code)), "{field} = {value}: {body}");
    }
    // Nothing refused was stored: the site does not exist.
    let info = reqwest::get(format!("{}/api/sites/checked", stack.base)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.status().as_u16(), 404);
    let (status, body) = stack.try_put_site("checked", base.to_string()).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn the_console_cannot_be_framed_and_runs_no_script_but_its_own() {
    let stack = Stack::start().await;
    let response = reqwest::get(stack.url("/console/")).await.unwrap_or_else(|e| panic!("{e}"));
    let header =
        |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string).unwrap_or_default();
    let policy = header("content-security-policy");
    let directive = |name: &str| {
        policy.split(';').map(str::trim).find(|d| d.starts_with(&format!("{name} "))).unwrap_or_default().to_string()
    };
    assert_eq!(directive("frame-ancestors"), "frame-ancestors 'none'", "{policy:?}");
    assert_eq!(header("x-frame-options"), "DENY");
    let scripts = directive("script-src");
    assert!(scripts.contains("'sha256-"), "the boot script is allowed by its hash: {policy:?}");
    assert!(!scripts.contains("'unsafe-inline'") && !scripts.contains("'unsafe-eval'"), "{policy:?}");

    // The console works under it (its boot script, its wasm, its dashboard socket) and the
    // browser enforces it: a script injected into the page does not run.
    let browser = Browser::start().await;
    let page = browser.page().await;
    page.sign_in(&stack.url("/console/"), "dana@demo.test", "dana-demo-pass").await;
    let api = Api::new(&stack.base);
    let (_conversation, _customer) = api.queued_customer("demo", "I need a person about my invoice").await;
    page.find("button", "Visitor").await;
    let injected = page
        .eval(
            "const s = document.createElement('script'); s.textContent = 'window.injected = 1';
             document.body.appendChild(s); return window.injected === 1;",
            vec![],
        )
        .await;
    assert_eq!(injected, json!(false), "an injected inline script ran");
    page.close().await;
}
