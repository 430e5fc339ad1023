//! The team: supervisors manage accounts on the Team screen, agents set their presence with the
//! "Status" control, and everyone sees presence and load live. Real browsers, real `wrangler dev`.

use std::time::Duration;

use baton_e2e::{Api, Browser, Socket, Stack};
use baton_shared::{DashboardClientFrame, DashboardFrame, Presence, TeamMember, encode};
use reqwest::Method;
use serde_json::json;

/// The next team frame in which `email`'s member satisfies `pred`.
async fn member_becomes(dashboard: &mut Socket, email: &str, what: &str, pred: impl Fn(&TeamMember) -> bool) {
    dashboard
        .next_of(&format!("{email} {what}"), |f: &DashboardFrame| match f {
            DashboardFrame::Team { members } => members.iter().any(|m| m.email == email && pred(m)),
            _ => false,
        })
        .await;
}

#[tokio::test]
async fn a_supervisor_adds_edits_and_deactivates_an_agent_and_everyone_sees_presence_live() {
    let stack = Stack::start().await;
    let browser = Browser::start().await;
    let console = stack.url("/console/");
    let lead = browser.page().await;
    lead.sign_in(&console, "lead@demo.test", "lead-demo-pass").await;
    lead.click("button", "Knowledge base").await;
    lead.find("heading", "Knowledge base").await;
    lead.wait_for_page_text("Shipping times").await;
    lead.assert_accessible("the Knowledge base page").await;
    lead.click("button", "Team").await;
    lead.wait_for_text("row", "Dana", "dana@demo.test").await;
    lead.assert_accessible("the Team page").await;

    lead.click("button", "Add agent").await;
    lead.type_into("Email", "rosa@demo.test").await;
    lead.type_into("Name", "Rosa").await;
    lead.type_into("Languages", "es, pt").await;
    lead.type_into("Skills", "billing").await;
    lead.replace_text("spinbutton", "Capacity", "2").await;
    lead.type_into("Initial password", "rosa-demo-pass").await;
    lead.assert_accessible("the account form").await;
    lead.click("button", "Create account").await;
    let row = lead.wait_for_text("row", "Rosa", "0 of 2").await;
    assert!(row.contains("Offline") && row.contains("es, pt") && row.contains("billing"), "{row}");

    // Rosa signs in: the supervisor sees her come online, then go Away when she says so.
    let rosa = browser.page().await;
    rosa.sign_in(&console, "rosa@demo.test", "rosa-demo-pass").await;
    lead.wait_for_text("row", "Rosa", "Online").await;
    rosa.assert_accessible("the console with the Status control").await;
    rosa.choose("Status", "Away").await;
    lead.wait_for_text("row", "Rosa", "Away").await;
    // An agent sees the team but cannot change it.
    rosa.click("button", "Team").await;
    rosa.wait_for_text("row", "Dana", "dana@demo.test").await;
    assert!(!rosa.exists("button", "Add agent").await, "agents cannot add accounts");
    assert!(!rosa.exists("button", "Edit Dana").await, "agents cannot edit accounts");

    lead.click("button", "Edit Rosa").await;
    lead.replace_text("spinbutton", "Capacity", "4").await;
    lead.click("button", "Save changes").await;
    lead.wait_for_text("row", "Rosa", "0 of 4").await;

    // Deactivated: her console signs out at once and she cannot sign in again.
    lead.click("button", "Deactivate Rosa").await;
    lead.wait_for_text("row", "Rosa", "Deactivated").await;
    rosa.find("button", "Sign in").await;
    let api = Api::new(&stack.base);
    let (status, body) = api
        .call(
            Method::POST,
            "/api/sites/demo/login",
            None,
            Some(&json!({ "email": "rosa@demo.test", "password": "rosa-demo-pass" })),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (403, Some("account_deactivated")), "{body}");
    lead.click("button", "Reactivate Rosa").await;
    lead.wait_for_text("row", "Rosa", "Offline").await;
    api.login("demo", "rosa@demo.test", "rosa-demo-pass").await;
}

#[tokio::test]
async fn the_team_api_refuses_what_it_cannot_keep_and_a_reseed_keeps_supervisors_edits() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await.token;
    let new_agent = json!({
        "email": "kim@demo.test", "name": "Kim", "role": "agent", "languages": ["de"], "skills": ["returns"],
        "capacity": 2, "password": "kim-demo-pass"
    });

    let (status, team) = api.call(Method::GET, "/api/sites/demo/team", Some(&dana), None).await;
    assert_eq!(status, 200, "{team}");
    let dana_row = team.as_array().into_iter().flatten().find(|m| m["email"] == "dana@demo.test").cloned();
    let dana_row = dana_row.unwrap_or_else(|| panic!("no Dana in {team}"));
    assert_eq!((dana_row["languages"].clone(), dana_row["capacity"].clone()), (json!(["en", "es"]), json!(3)));

    let (status, body) = api.call(Method::POST, "/api/sites/demo/team", Some(&dana), Some(&new_agent)).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    for (field, value) in [("email", json!("kim")), ("capacity", json!(0)), ("languages", json!(["german"]))] {
        let mut bad = new_agent.clone();
        bad[field] = value;
        let (status, body) = api.call(Method::POST, "/api/sites/demo/team", Some(&lead), Some(&bad)).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_account")), "{field}: {body}");
    }
    let (status, kim) = api.call(Method::POST, "/api/sites/demo/team", Some(&lead), Some(&new_agent)).await;
    assert_eq!(status, 201, "{kim}");
    let (status, body) = api.call(Method::POST, "/api/sites/demo/team", Some(&lead), Some(&new_agent)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_account")), "a repeated email: {body}");
    api.login("demo", "kim@demo.test", "kim-demo-pass").await;

    // The site's only supervisor cannot demote or deactivate themselves.
    let (_, me) = api.call(Method::GET, "/api/sites/demo/team", Some(&lead), None).await;
    let me = me.as_array().into_iter().flatten().find(|m| m["email"] == "lead@demo.test").cloned();
    let me = me.unwrap_or_else(|| panic!("no lead in the team"));
    let path = format!("/api/sites/demo/team/{}", me["agent"]["id"].as_str().unwrap_or_default());
    let demoted = json!({ "email": "lead@demo.test", "name": "Alex", "role": "agent" });
    let (status, body) = api.call(Method::PUT, &path, Some(&lead), Some(&demoted)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_account")), "{body}");

    // A supervisor's article, rule and new account survive the seed running again.
    let article = json!({ "title": "Gift wrapping", "body": "We wrap gifts for 3 euros.", "tags": ["gift"] });
    let (status, _) = api.call(Method::POST, "/api/sites/demo/articles", Some(&lead), Some(&article)).await;
    assert_eq!(status, 201);
    let (_, mut rules) = api.call(Method::GET, "/api/sites/demo/rules", Some(&lead), None).await;
    rules["compliance"]["banned_words"] = json!(["cheap"]);
    let (status, _) = api.call(Method::PUT, "/api/sites/demo/rules", Some(&lead), Some(&rules)).await;
    assert_eq!(status, 200);
    stack.seed_demo().await;
    let (_, articles) = api.call(Method::GET, "/api/sites/demo/articles", Some(&lead), None).await;
    let ids: Vec<&str> = articles.as_array().into_iter().flatten().filter_map(|a| a["id"].as_str()).collect();
    assert!(ids.contains(&"gift-wrapping"), "the re-seed wiped the supervisor's article: {ids:?}");
    let (_, rules) = api.call(Method::GET, "/api/sites/demo/rules", Some(&lead), None).await;
    assert_eq!(rules["compliance"]["banned_words"], json!(["cheap"]), "the re-seed wiped the rules");
    api.login("demo", "kim@demo.test", "kim-demo-pass").await;
    let (_, team) = api.call(Method::GET, "/api/sites/demo/team", Some(&lead), None).await;
    assert_eq!(team.as_array().map(Vec::len), Some(4), "{team}");
}

#[tokio::test]
async fn an_agent_whose_consoles_are_all_gone_turns_offline_after_the_grace_period() {
    let stack = Stack::start().await;
    let api = Api::new(&stack.base);
    let lead = api.login("demo", "lead@demo.test", "lead-demo-pass").await.token;
    let dana = api.login("demo", "dana@demo.test", "dana-demo-pass").await.token;
    let grace = json!({ "mode": "manual", "offline_after_s": 10, "offer_timeout_s": 30, "relax_after_s": 60 });
    let (status, body) = api.call(Method::PUT, "/api/sites/demo/desk", Some(&lead), Some(&grace)).await;
    assert_eq!(status, 200, "{body}");

    let mut watching = Socket::open(&api.dashboard_url("demo", &lead)).await;
    member_becomes(&mut watching, "dana@demo.test", "offline before any console", |m| m.presence == Presence::Offline)
        .await;
    let mut first = Socket::open(&api.dashboard_url("demo", &dana)).await;
    let second = Socket::open(&api.dashboard_url("demo", &dana)).await;
    member_becomes(&mut watching, "dana@demo.test", "online", |m| m.presence == Presence::Online).await;
    first.send_raw(&encode(&DashboardClientFrame::SetPresence { presence: Presence::Away })).await;
    member_becomes(&mut watching, "dana@demo.test", "away", |m| m.presence == Presence::Away).await;
    first.send_raw(&encode(&DashboardClientFrame::SetPresence { presence: Presence::Online })).await;
    member_becomes(&mut watching, "dana@demo.test", "online again", |m| m.presence == Presence::Online).await;

    // The grace period starts when the last of the agent's consoles is gone.
    first.close().await;
    second.close().await;
    let gone = std::time::Instant::now();
    member_becomes(&mut watching, "dana@demo.test", "offline after the grace", |m| m.presence == Presence::Offline)
        .await;
    assert!(gone.elapsed() >= Duration::from_secs(9), "offline after {:?}, before the grace ran out", gone.elapsed());
    let mut back = Socket::open(&api.dashboard_url("demo", &dana)).await;
    member_becomes(&mut watching, "dana@demo.test", "online when a console connects", |m| {
        m.presence == Presence::Online
    })
    .await;
    back.send_raw("{\"type\":\"set_presence\",\"presence\":\"busy\"}").await;
    let refused =
        back.next_of("refused presence", |f: &DashboardFrame| matches!(f, DashboardFrame::Error { .. })).await;
    assert!(matches!(refused, DashboardFrame::Error { code: baton_shared::ErrorCode::BadRequest, .. }), "{refused:?}");
}
