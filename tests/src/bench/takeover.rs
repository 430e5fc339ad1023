//! Part 4: takeover latency. Through the protocol, from the agent's `take_over` frame to the
//! customer's socket reading the mode change; in browsers, from the click on "Take over" in
//! the console to the widget showing "… joined the conversation". The baseline of each is a
//! plain agent message over the same path, in the same conversations.

use std::time::{Duration, Instant};

use baton_e2e::{Browser, HostPage, Page};
use baton_shared::{ClientFrame, DashboardClientFrame, DashboardFrame, Mode, ServerFrame, encode};
use serde_json::{Value, json};

use crate::bench::pair::{ANSWER_LIMIT, BatonTarget, connect, conversation_url, follow_up_done, is_mode, wait_for};
use crate::bench::rest::Rest;
use crate::bench::sites::{self, CHAT_SITE, agent_email, agent_password};
use crate::bench::stats::{Summary, millis, ratios, round};
use crate::bench::ws::Ws;

fn relayed(id: &str) -> impl Fn(&ServerFrame) -> bool + '_ {
    move |f| matches!(f, ServerFrame::Event { event } if event.client_id.as_deref() == Some(id))
}

/// One conversation: connect both sides, take over, then one plain agent message.
async fn one(target: &BatonTarget, i: usize) -> Result<(f64, f64), String> {
    let (conversation, token) = sites::start(&target.rest, &target.site).await?;
    let agent_token = &target.agent_tokens[i % target.agent_tokens.len()];
    let mut customer = connect(&conversation_url(&target.ws_base, &target.site, &conversation, &token)).await?;
    let mut agent = connect(&conversation_url(&target.ws_base, &target.site, &conversation, agent_token)).await?;
    let started = Instant::now();
    agent.send(encode(&ClientFrame::TakeOver)).await?;
    wait_for(&mut customer, "the takeover", ANSWER_LIMIT, |f| is_mode(f, Mode::Human)).await?;
    let takeover = millis(started.elapsed());
    wait_for(&mut agent, "the takeover", ANSWER_LIMIT, |f| is_mode(f, Mode::Human)).await?;
    follow_up_done(&mut agent).await;
    let id = format!("t{i}");
    let hello = ClientFrame::send(id.clone(), "Hi, I'm here to help.");
    let started = Instant::now();
    agent.send(encode(&hello)).await?;
    wait_for(&mut customer, "the agent's message", ANSWER_LIMIT, relayed(&id)).await?;
    let plain = millis(started.elapsed());
    customer.close().await;
    agent.close().await;
    Ok((takeover, plain))
}

pub async fn protocol(target: &BatonTarget, conversations: usize) -> Value {
    let (mut takeovers, mut plain, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..conversations {
        match one(target, i).await {
            Ok((t, p)) => {
                takeovers.push(t);
                plain.push(p);
            }
            Err(e) => errors.push(e),
        }
    }
    let (t, p) = (Summary::of(&takeovers), Summary::of(&plain));
    println!("takeover (protocol): p50 {:.1} ms p95 {:.1} ms | plain agent message p50 {:.1} ms", t.p50, t.p95, p.p50);
    json!({
        "takeover_ms": t.json(),
        "plain_message_ms": p.json(),
        "ratio": ratios(&t, &p),
        "errors": errors.iter().take(5).collect::<Vec<_>>(),
    })
}

/// Records, in the customer's page, when the widget first shows `needle`: a mutation observer
/// on the widget's shadow root sees the text the moment it is inserted.
const WATCH_WIDGET: &str = r#"
const [needle, key] = arguments;
const host = document.querySelector('baton-chat');
if (!host || !host.shadowRoot) return false;
const root = host.shadowRoot;
const stamp = () => performance.timeOrigin + performance.now();
if (root.textContent.includes(needle)) { window[key] = stamp(); return true; }
const observer = new MutationObserver(() => {
  if (window[key] === undefined && root.textContent.includes(needle)) { window[key] = stamp(); observer.disconnect(); }
});
observer.observe(root, { subtree: true, childList: true, characterData: true });
return true;
"#;

/// Records, in the console, when the next click lands (before any handler of the page runs).
const WATCH_CLICK: &str = r#"
const key = arguments[0];
addEventListener('click', () => { if (window[key] === undefined) window[key] = performance.timeOrigin + performance.now(); }, { capture: true, once: true });
"#;

async fn stamp(page: &Page, key: &str, limit: Duration) -> Result<f64, String> {
    let deadline = Instant::now() + limit;
    loop {
        let value = page.eval("return window[arguments[0]] ?? null", vec![json!(key)]).await;
        if let Some(at) = value.as_f64() {
            return Ok(at);
        }
        if Instant::now() >= deadline {
            return Err(format!("{key} was not recorded within {limit:?}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clicks `button` in the console and returns the milliseconds until the widget shows `needle`.
async fn click_to_widget(
    console: &Page,
    button: &str,
    customer: &Page,
    needle: &str,
    key: &str,
) -> Result<f64, String> {
    let watching = customer.eval(WATCH_WIDGET, vec![json!(needle), json!(key)]).await;
    if watching != json!(true) {
        return Err("the widget is not on the customer's page".into());
    }
    console.eval(WATCH_CLICK, vec![json!(key)]).await;
    console.click("button", button).await;
    let clicked = stamp(console, key, Duration::from_secs(5)).await?;
    let shown = stamp(customer, key, Duration::from_secs(20)).await?;
    Ok(shown - clicked)
}

fn host_html(base: &str, run: usize) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Takeover run {run}</title></head>
<body><h1>A customer's page</h1>
<script src="{base}/widget.js" data-site="{CHAT_SITE}" data-visitor-name="Takeover run {run}" async></script></body></html>"#
    )
}

/// One click: a new visitor asks a question, the agent opens their row and takes over, then replies.
async fn click_once(browser: &Browser, console: &Page, base: &str, run: usize) -> Result<(f64, f64), String> {
    let host = HostPage::serve(host_html(base, run)).await;
    let customer = browser.page().await;
    customer.goto(&host.url).await;
    customer.click("button", "Open chat").await;
    customer.type_into("Message", "How long does shipping take?").await;
    customer.click("button", "Send").await;
    customer.wait_for_text("log", "", "How long does shipping take?").await;
    let row = console.find("button", &format!("Takeover run {run}")).await;
    row.click().await.map_err(|e| format!("opening the conversation: {e}"))?;
    console.find_exact("button", "Take over").await;
    let takeover =
        click_to_widget(console, "Take over", &customer, "joined the conversation", &format!("__takeover{run}"))
            .await?;
    let reply = format!("Hello from the agent, run {run}");
    console.type_into("Reply", &reply).await;
    let plain = click_to_widget(console, "Send", &customer, &reply, &format!("__reply{run}")).await?;
    customer.close().await;
    Ok((takeover, plain))
}

pub async fn clicks(browser: &Browser, base: &str, runs: usize) -> Value {
    let console = browser.page().await;
    console.goto(&format!("{base}/console/?site={CHAT_SITE}")).await;
    console.type_into("Email", &agent_email(1)).await;
    console.type_into("Password", &agent_password(1)).await;
    console.click("button", "Sign in").await;
    console.find("button", "Sign out").await;
    let (mut takeovers, mut plain, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for run in 1..=runs {
        match click_once(browser, &console, base, run).await {
            Ok((t, p)) => {
                takeovers.push(t);
                plain.push(p);
            }
            Err(e) => errors.push(e),
        }
    }
    console.close().await;
    let (t, p) = (Summary::of(&takeovers), Summary::of(&plain));
    println!("takeover (browsers): p50 {:.1} ms | agent reply click→shown p50 {:.1} ms", t.p50, p.p50);
    json!({
        "takeover_ms": t.json(),
        "samples_ms": takeovers.iter().map(|v| round(*v)).collect::<Vec<_>>(),
        "plain_message_ms": p.json(),
        "ratio": ratios(&t, &p),
        "errors": errors,
    })
}

const OFFER_SITE: &str = "offers";

/// From a customer pressing "Talk to a person" to the offer arriving on the one online agent's
/// console socket, on a site routing in `offer` mode. Each offer is declined, so the agent stays
/// free for the next.
pub async fn offers(rest: &Rest, ws_base: &str, admin_secret: &str, runs: usize) -> Value {
    match offer_times(rest, ws_base, admin_secret, runs).await {
        Ok((times, errors)) => {
            let s = Summary::of(&times);
            println!("queued → offer on the console: p50 {:.1} ms p99 {:.1} ms", s.p50, s.p99);
            json!({ "offer_ms": s.json(), "errors": errors.iter().take(5).collect::<Vec<_>>() })
        }
        Err(e) => json!({ "error": e }),
    }
}

async fn offer_times(
    rest: &Rest,
    ws_base: &str,
    admin_secret: &str,
    runs: usize,
) -> Result<(Vec<f64>, Vec<String>), String> {
    let seed = json!({
        "name": "Offers", "bot_name": "Bench Bot", "greeting": "Hi",
        "limits": { "conversations_per_visitor_per_minute": 1_000_000 },
        "accounts": [
            { "email": "agent@offers.test", "name": "Agent", "role": "agent", "password": "bench-offers-pass" },
            { "email": "lead@offers.test", "name": "Lead", "role": "supervisor", "password": "bench-offers-pass" },
        ],
    });
    rest.seed_site(OFFER_SITE, admin_secret, &seed).await.map_err(|e| format!("seeding {OFFER_SITE}: {e}"))?;
    let lead = rest.login(OFFER_SITE, "lead@offers.test", "bench-offers-pass").await.map_err(|e| e.to_string())?;
    let desk = json!({ "mode": "offer", "offer_timeout_s": 600 });
    let path = format!("/api/sites/{OFFER_SITE}/desk");
    rest.put_as("setting offer mode", &path, &lead.token, &desk).await.map_err(|e| e.to_string())?;
    let agent = rest.login(OFFER_SITE, "agent@offers.test", "bench-offers-pass").await.map_err(|e| e.to_string())?;
    let mut console = Ws::open(&format!("{ws_base}/api/sites/{OFFER_SITE}/dashboard?token={}", agent.token)).await?;
    let (mut times, mut errors) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let one = async {
            let (conversation, token) = sites::start(rest, OFFER_SITE).await?;
            let mut customer = connect(&conversation_url(ws_base, OFFER_SITE, &conversation, &token)).await?;
            let started = Instant::now();
            customer.send(encode(&ClientFrame::RequestHuman { client_id: format!("r{i}") })).await?;
            loop {
                let text = console.next_within(ANSWER_LIMIT).await?;
                if let Ok(DashboardFrame::Offer { conversation: row, .. }) = serde_json::from_str(&text)
                    && row.id == conversation
                {
                    break;
                }
            }
            let offered = millis(started.elapsed());
            let decline = DashboardClientFrame::AnswerOffer { conversation, accept: false };
            console.send(encode(&decline)).await?;
            customer.close().await;
            Ok::<f64, String>(offered)
        };
        match one.await {
            Ok(ms) => times.push(ms),
            Err(e) => errors.push(e),
        }
    }
    console.close().await;
    Ok((times, errors))
}
