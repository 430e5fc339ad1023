//! Routing, as the desk's guarantees promise it: the right agent for a conversation's language
//! and skill, capacity that holds when everything happens at once, and offers that move on when
//! nobody answers. Real `wrangler dev`, real sockets.

use std::collections::HashMap;

use std::time::Duration;

use baton_e2e::{Api, Socket, Stack, event_of, until_some};
use baton_shared::machine::audit;
use baton_shared::{
    AgentInfo, ClientFrame, ConversationSummary, DashboardClientFrame, DashboardFrame, EventBody, LoginResponse, Mode,
    OfferOutcome, Presence, ServerFrame, encode,
};
use reqwest::Method;
use serde_json::{Value, json};

/// The demo site with its knowledge and rules, more conversations allowed per visitor address
/// (every test customer comes from 127.0.0.1), and these accounts.
fn desk_site(accounts: Value) -> Value {
    let mut seed = baton_e2e::stack::demo_seed();
    seed["limits"] = json!({ "conversations_per_visitor_per_minute": 100 });
    seed["accounts"] = accounts;
    seed
}

const DEADLINE: Duration = Duration::from_secs(30);

fn account(email: &str, name: &str, languages: &[&str], skills: &[&str]) -> Value {
    json!({ "email": email, "name": name, "role": "agent", "password": "desk-test-pass",
            "languages": languages, "skills": skills, "capacity": 3 })
}

fn supervisor() -> Value {
    json!({ "email": "lead@desk.test", "name": "Lead", "role": "supervisor", "password": "desk-test-pass" })
}

async fn set_desk(api: &Api, site: &str, lead: &str, desk: Value) {
    let (status, body) = api.call(Method::PUT, &format!("/api/sites/{site}/desk"), Some(lead), Some(&desk)).await;
    assert_eq!(status, 200, "{body}");
}

/// Waits for the customer to see an agent join; returns who.
async fn joined(customer: &mut Socket) -> AgentInfo {
    let frame = customer
        .next_matching("an agent joins", |f| {
            matches!(event_of(f).map(|e| &e.body), Some(EventBody::Mode { mode: Mode::Human, .. }))
        })
        .await;
    match event_of(&frame).map(|e| &e.body) {
        Some(EventBody::Mode { holder: Some(agent), .. }) => agent.clone(),
        other => panic!("a takeover without a holder: {other:?}"),
    }
}

/// The desk site with two English-speaking agents, Ana and Ben, routing in `offer` mode with
/// this timeout; their sign-ins.
async fn ana_and_ben_offered(stack: &Stack, api: &Api, offer_timeout_s: u32) -> (LoginResponse, LoginResponse) {
    let accounts = json!([
        account("ana@desk.test", "Ana", &["en"], &[]),
        account("ben@desk.test", "Ben", &["en"], &[]),
        supervisor(),
    ]);
    stack.seed_site("desk", &desk_site(accounts)).await;
    let lead = api.login("desk", "lead@desk.test", "desk-test-pass").await.token;
    set_desk(api, "desk", &lead, json!({ "mode": "offer", "offer_timeout_s": offer_timeout_s })).await;
    let ana = api.login("desk", "ana@desk.test", "desk-test-pass").await;
    let ben = api.login("desk", "ben@desk.test", "desk-test-pass").await;
    (ana, ben)
}

async fn next_dashboard(socket: &mut Socket, what: &str, pred: impl Fn(&DashboardFrame) -> bool) -> DashboardFrame {
    socket.next_of(what, |f: &DashboardFrame| pred(f)).await
}

#[tokio::test]
async fn a_spanish_billing_question_goes_to_the_spanish_billing_agent_not_the_less_loaded_english_one() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let accounts = json!([
        account("ana@desk.test", "Ana", &["es", "en"], &["billing"]),
        account("ben@desk.test", "Ben", &["en"], &["billing", "returns"]),
        supervisor(),
    ]);
    stack.seed_site("desk", &desk_site(accounts)).await;
    let lead = api.login("desk", "lead@desk.test", "desk-test-pass").await.token;
    let ana = api.login("desk", "ana@desk.test", "desk-test-pass").await;
    let ben = api.login("desk", "ben@desk.test", "desk-test-pass").await;
    let mut ana_console = Socket::open(&api.dashboard_url("desk", &ana.token)).await;
    let _ben_console = Socket::open(&api.dashboard_url("desk", &ben.token)).await;

    // Ana already holds a conversation; Ben holds none.
    let (busy, _busy_customer) = api.queued_customer("desk", "I have a question").await;
    let (mut ana_held, _) = api.connect("desk", &busy, &ana.token, 0).await;
    ana_held.send(&ClientFrame::TakeOver).await;
    next_dashboard(&mut ana_console, "Ana holds one", |f| match f {
        DashboardFrame::Team { members } => members.iter().any(|m| m.email == "ana@desk.test" && m.held == 1),
        _ => false,
    })
    .await;

    set_desk(&api, "desk", &lead, json!({ "mode": "auto" })).await;
    let (id, mut customer) =
        api.queued_customer("desk", "Hola, tengo un problema con mi factura y necesito ayuda").await;
    assert_eq!(joined(&mut customer).await.id, ana.agent.id, "Ana speaks Spanish and has the skill");
    let assigned = next_dashboard(&mut ana_console, "assigned", |f| matches!(f, DashboardFrame::Assigned { .. })).await;
    assert_eq!(assigned, DashboardFrame::Assigned { conversation: id.clone(), relaxed: vec![] });
    let transcript = api.transcript("desk", &id, &ana.token).await;
    audit(&transcript.events).unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn capacity_holds_when_thirty_conversations_wait_and_four_agents_come_online_at_once() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let mut accounts: Vec<Value> =
        (1..=4).map(|i| account(&format!("agent{i}@desk.test"), &format!("Agent {i}"), &["en"], &[])).collect();
    accounts.push(supervisor());
    stack.seed_site("desk", &desk_site(Value::Array(accounts))).await;
    let lead = api.login("desk", "lead@desk.test", "desk-test-pass").await.token;
    set_desk(&api, "desk", &lead, json!({ "mode": "auto" })).await;

    // Thirty customers ask for a person while nobody is online: all of them wait.
    let mut customers = Vec::new();
    for i in 0..30 {
        customers.push(api.queued_customer("desk", &format!("Hello, question number {i}")).await);
    }
    let mut tokens = Vec::new();
    for i in 1..=4 {
        tokens.push(api.login("desk", &format!("agent{i}@desk.test"), "desk-test-pass").await.token);
    }
    // Four consoles connect at the same instant.
    let urls: Vec<String> = tokens.iter().map(|t| api.dashboard_url("desk", t)).collect();
    let _consoles = futures::future::join_all(urls.iter().map(|u| Socket::open(u))).await;

    let rows: HashMap<String, ConversationSummary> = until_some("12 conversations held", DEADLINE, || async {
        let mut snapshot = Socket::open(&api.dashboard_url("desk", &lead)).await;
        let frame = next_dashboard(&mut snapshot, "snapshot", |f| matches!(f, DashboardFrame::Snapshot { .. })).await;
        snapshot.close().await;
        let DashboardFrame::Snapshot { conversations } = frame else { return None };
        let held = conversations.iter().filter(|r| r.mode == Mode::Human).count();
        (held >= 12).then(|| conversations.into_iter().map(|r| (r.id.clone(), r)).collect())
    })
    .await;
    let (status, team) = api.call(Method::GET, "/api/sites/desk/team", Some(&lead), None).await;
    assert_eq!(status, 200, "{team}");
    let members: Vec<baton_shared::TeamMember> =
        serde_json::from_value(team).unwrap_or_else(|e| panic!("the team: {e}"));
    // Nobody over capacity, so the 12 or more held are exactly 12, three each.
    for member in members.iter().filter(|m| m.email.starts_with("agent")) {
        assert_eq!(member.held, 3, "{} holds {} of 3", member.email, member.held);
    }
    let queued: Vec<&ConversationSummary> = rows.values().filter(|r| r.mode == Mode::Queued).collect();
    let held: Vec<&ConversationSummary> = rows.values().filter(|r| r.mode == Mode::Human).collect();
    assert_eq!((held.len(), queued.len()), (12, 18));
    // In queue order: everyone served waited longer than everyone still waiting.
    let queued_at = |r: &ConversationSummary| r.started_at;
    let latest_served = held.iter().map(|r| queued_at(r)).max().unwrap_or(0);
    let earliest_waiting = queued.iter().map(|r| queued_at(r)).min().unwrap_or(u64::MAX);
    assert!(latest_served <= earliest_waiting, "served {latest_served} after waiting {earliest_waiting}");
    // One takeover each, by the one agent who holds it.
    for (id, customer) in &mut customers {
        customer.barrier().await;
        let takeovers = customer
            .seen
            .iter()
            .filter(|f| matches!(event_of(f).map(|e| &e.body), Some(EventBody::Mode { mode: Mode::Human, .. })))
            .count();
        let expected = usize::from(rows.get(id.as_str()).is_some_and(|r| r.mode == Mode::Human));
        assert_eq!(takeovers, expected, "{id}");
    }
}

#[tokio::test]
async fn an_offer_nobody_answers_goes_to_the_next_agent_even_when_the_first_browser_closed() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let (ana, ben) = ana_and_ben_offered(&stack, &api, 5).await;
    let mut consoles = HashMap::new();
    consoles.insert(ana.agent.id.clone(), Socket::open(&api.dashboard_url("desk", &ana.token)).await);
    consoles.insert(ben.agent.id.clone(), Socket::open(&api.dashboard_url("desk", &ben.token)).await);

    let (id, mut customer) = api.queued_customer("desk", "Can someone help me with my order?").await;
    // Whoever is offered it first closes their browser without answering.
    let mut first = None;
    for (agent, console) in consoles.iter_mut() {
        let offered = tokio::time::timeout(Duration::from_secs(3), async {
            next_dashboard(console, "an offer", |f| matches!(f, DashboardFrame::Offer { .. })).await
        })
        .await;
        if offered.is_ok() {
            first = Some(agent.clone());
            break;
        }
    }
    let first = first.unwrap_or_else(|| panic!("nobody was offered the conversation"));
    if let Some(console) = consoles.remove(&first) {
        console.close().await;
    }
    let (second, mut console) = consoles.into_iter().next().unwrap_or_else(|| panic!("two agents"));
    let offer = next_dashboard(&mut console, "the offer, after the first ran out", |f| {
        matches!(f, DashboardFrame::Offer { .. })
    })
    .await;
    let DashboardFrame::Offer { conversation, expires_at, .. } = offer else { unreachable!("matched") };
    assert_eq!(conversation.id, id);
    assert!(expires_at > 0);
    console.send_raw(&encode(&DashboardClientFrame::AnswerOffer { conversation: id.clone(), accept: true })).await;
    let ended = next_dashboard(&mut console, "accepted", |f| matches!(f, DashboardFrame::OfferEnded { .. })).await;
    assert_eq!(ended, DashboardFrame::OfferEnded { conversation: id.clone(), outcome: OfferOutcome::Accepted });
    assert_eq!(joined(&mut customer).await.id, second, "the second agent holds it");
    customer.barrier().await;
    let takeovers = customer
        .seen
        .iter()
        .filter(|f| matches!(f, ServerFrame::Event { .. }))
        .filter(|f| matches!(event_of(f).map(|e| &e.body), Some(EventBody::Mode { mode: Mode::Human, .. })));
    assert_eq!(takeovers.count(), 1, "offered to one agent at a time, taken once");
}

#[tokio::test]
async fn the_queue_an_offer_in_flight_and_presence_survive_a_restart() {
    let mut stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let (ana, ben) = ana_and_ben_offered(&stack, &api, 120).await;
    let mut ben_console = Socket::open(&api.dashboard_url("desk", &ben.token)).await;
    ben_console.send_raw(&encode(&DashboardClientFrame::SetPresence { presence: Presence::Away })).await;
    next_dashboard(&mut ben_console, "Ben away", |f| match f {
        DashboardFrame::Team { members } => {
            members.iter().any(|m| m.email == "ben@desk.test" && m.presence == Presence::Away)
        }
        _ => false,
    })
    .await;
    let mut ana_console = Socket::open(&api.dashboard_url("desk", &ana.token)).await;
    let (id, _customer) = api.queued_customer("desk", "Hello, can a person help me?").await;
    let offered = next_dashboard(&mut ana_console, "the offer", |f| matches!(f, DashboardFrame::Offer { .. })).await;
    let DashboardFrame::Offer { expires_at, .. } = offered else { unreachable!("matched") };

    stack.restart().await;

    // Ana's console reconnects and is offered the same conversation, with the same deadline.
    let mut ana_console = Socket::open(&api.dashboard_url("desk", &ana.token)).await;
    let again =
        next_dashboard(&mut ana_console, "the offer again", |f| matches!(f, DashboardFrame::Offer { .. })).await;
    let DashboardFrame::Offer { conversation, expires_at: still, .. } = again else { unreachable!("matched") };
    assert_eq!((conversation.id.as_str(), still), (id.as_str(), expires_at));
    // Ben's choice survived too, and the conversation is still in the queue.
    let mut ben_console = Socket::open(&api.dashboard_url("desk", &ben.token)).await;
    let snapshot = next_dashboard(&mut ben_console, "snapshot", |f| matches!(f, DashboardFrame::Snapshot { .. })).await;
    let DashboardFrame::Snapshot { conversations } = snapshot else { unreachable!("matched") };
    assert!(conversations.iter().any(|r| r.id == id && r.mode == Mode::Queued), "the queue survived");
    next_dashboard(&mut ben_console, "Ben still away", |f| match f {
        DashboardFrame::Team { members } => {
            members.iter().any(|m| m.email == "ben@desk.test" && m.presence == Presence::Away)
        }
        _ => false,
    })
    .await;
    ana_console.send_raw(&encode(&DashboardClientFrame::AnswerOffer { conversation: id.clone(), accept: true })).await;
    let ended = next_dashboard(&mut ana_console, "accepted", |f| matches!(f, DashboardFrame::OfferEnded { .. })).await;
    assert_eq!(ended, DashboardFrame::OfferEnded { conversation: id.clone(), outcome: OfferOutcome::Accepted });
    let transcript = api.transcript("desk", &id, &ana.token).await;
    assert_eq!(transcript.state.holder.map(|h| h.id), Some(ana.agent.id.clone()));
    audit(&transcript.events).unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn an_agent_who_lets_three_offers_run_out_is_set_away_and_told_why() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let accounts = json!([account("ana@desk.test", "Ana", &["en"], &[]), supervisor()]);
    stack.seed_site("desk", &desk_site(accounts)).await;
    let lead = api.login("desk", "lead@desk.test", "desk-test-pass").await.token;
    set_desk(&api, "desk", &lead, json!({ "mode": "offer", "offer_timeout_s": 5 })).await;
    let ana = api.login("desk", "ana@desk.test", "desk-test-pass").await;
    let mut console = Socket::open(&api.dashboard_url("desk", &ana.token)).await;
    let mut customers = Vec::new();
    for i in 0..3 {
        let (id, customer) = api.queued_customer("desk", &format!("Hello, question {i}")).await;
        customers.push(customer);
        next_dashboard(
            &mut console,
            "an offer",
            |f| matches!(f, DashboardFrame::Offer { conversation, .. } if conversation.id == id),
        )
        .await;
        let ended =
            next_dashboard(&mut console, "the offer running out", |f| matches!(f, DashboardFrame::OfferEnded { .. }))
                .await;
        assert_eq!(ended, DashboardFrame::OfferEnded { conversation: id, outcome: OfferOutcome::TimedOut });
    }
    next_dashboard(&mut console, "Ana set Away, with the reason", |f| match f {
        DashboardFrame::Team { members } => members.iter().any(|m| {
            m.email == "ana@desk.test"
                && m.presence == Presence::Away
                && m.presence_note.as_deref().is_some_and(|n| n.contains("3 offers"))
        }),
        _ => false,
    })
    .await;
}
