//! `PUT /api/admin/sites/{site}`: create a site or update its configuration (admin secret).
//! A re-seed keeps the knowledge base, rules and accounts supervisors edited; it adds only the
//! accounts that are new.

use std::collections::{HashMap, HashSet};

use baton_shared::avatar::validate_avatar_url;
use baton_shared::config::{validate_article, validate_model_endpoint, validate_rules};
use baton_shared::limits::MAX_NAME_CHARS;
use baton_shared::team::{MAX_CAPACITY, check_email, check_languages, check_name, check_password, check_skills};
use baton_shared::{ApiError, ArticleInput, ErrorCode, SiteSeed};
use worker::{Env, Request, Response};

use crate::auth;
use crate::http::{ApiResult, check_reply, ok_json, read_json, read_reply};
use crate::ids;
use crate::internal::{Call, SiteOp, site_stub};
use crate::origin::own_origin;
use crate::password;
use crate::site::SeedPut;

const MAX_GREETING_CHARS: usize = 500;
/// A sanity bound, not a business one: a million calls an hour is a typo or a script.
const MAX_MODEL_CALLS_PER_HOUR: u32 = 1_000_000;
const MAX_STARTS_PER_MINUTE: u32 = 1_000_000;

pub async fn put_site(req: &mut Request, env: &Env, site: &str) -> ApiResult<Response> {
    auth::check_admin(req, env)?;
    ids::check_site(site)?;
    let seed: SiteSeed = read_json(req).await?;
    let mut seed = validate(seed)?;
    let stub = site_stub(env, site)?;
    // Only new accounts take their password from the seed, so only theirs are hashed.
    let reply = Call::to(SiteOp::AccountEmails).site(site).send(&stub).await?;
    let known: Vec<String> = read_reply(reply, "reading the site's accounts").await?;
    let mut hashes = HashMap::new();
    for account in &mut seed.accounts {
        if !known.contains(&account.email) {
            hashes.insert(account.email.clone(), password::hash(&account.password).await?);
        }
        account.password.clear();
    }
    let public_origin = own_origin(req);
    let reply = Call::to(SiteOp::Seed).json(&SeedPut { seed, hashes, public_origin }).site(site).send(&stub).await?;
    check_reply(reply, "seeding the site").await?;
    Ok(ok_json(&serde_json::json!({ "ok": true })))
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, message)
}

fn name_field(value: &str, what: &str, max: usize) -> ApiResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(bad(format!("{what} must be 1-{max} characters of plain text")));
    }
    Ok(value.to_string())
}

/// Normalises a seed (trimmed names, lowercase emails) and refuses what the site could not serve.
fn validate(mut seed: SiteSeed) -> ApiResult<SiteSeed> {
    seed.name = name_field(&seed.name, "name", MAX_NAME_CHARS)?;
    seed.bot_name = name_field(&seed.bot_name, "bot_name", MAX_NAME_CHARS)?;
    seed.greeting = seed.greeting.trim().to_string();
    if seed.greeting.chars().count() > MAX_GREETING_CHARS {
        return Err(bad(format!("greeting is longer than {MAX_GREETING_CHARS} characters")));
    }
    let mut article_ids = HashSet::new();
    for article in &mut seed.articles {
        article.id = article.id.trim().to_string();
        if !ids::is_plain_id(&article.id) || !article_ids.insert(article.id.clone()) {
            return Err(bad(format!("article id {:?} is empty, repeated or not plain", article.id)));
        }
        // The same checks as a supervisor's edit in the console.
        let input = ArticleInput {
            title: std::mem::take(&mut article.title),
            body: std::mem::take(&mut article.body),
            tags: std::mem::take(&mut article.tags),
            url: article.url.take(),
        };
        let ArticleInput { title, body, tags, url } = validate_article(input)?;
        (article.title, article.body, article.tags, article.url) = (title, body, tags, url);
    }
    if !(1..=MAX_STARTS_PER_MINUTE).contains(&seed.limits.conversations_per_visitor_per_minute) {
        return Err(bad(format!("limits.conversations_per_visitor_per_minute must be 1-{MAX_STARTS_PER_MINUTE}")));
    }
    let mut emails = HashSet::new();
    for account in &mut seed.accounts {
        // The same checks as a supervisor's edit on the Team page.
        account.email = check_email(&account.email)?;
        if !emails.insert(account.email.clone()) {
            return Err(ApiError::new(
                ErrorCode::InvalidAccount,
                format!("account email {:?} is repeated", account.email),
            ));
        }
        account.name = check_name(&account.name, "account name")?;
        check_password(&account.password)?;
        account.languages = check_languages(&account.languages)?;
        account.skills = check_skills(&account.skills)?;
        if !(1..=MAX_CAPACITY).contains(&account.capacity) {
            return Err(bad(format!("the capacity of {} is not from 1 to {MAX_CAPACITY}", account.email)));
        }
        if let Some(avatar) = &account.avatar {
            validate_avatar_url(avatar)?;
        }
    }
    seed.rules = validate_rules(seed.rules)?;
    if let Some(model) = &mut seed.model {
        model.endpoint = validate_model_endpoint(&model.endpoint)?;
        model.model = name_field(&model.model, "model.model", 200)?;
        if !(100..=60_000).contains(&model.timeout_ms) {
            return Err(bad("model.timeout_ms must be between 100 and 60000"));
        }
        if !(1..=MAX_MODEL_CALLS_PER_HOUR).contains(&model.calls_per_hour)
            || !(1..=model.calls_per_hour).contains(&model.calls_per_conversation_per_hour)
        {
            return Err(bad(format!(
                "model.calls_per_hour must be 1-{MAX_MODEL_CALLS_PER_HOUR}, and calls_per_conversation_per_hour \
                 1 to calls_per_hour"
            )));
        }
    }
    Ok(seed)
}

/// `GET /api/admin/sites/{site}/identity-secret` (admin secret): the secret the site's own
/// server signs its signed-in users' ids with (`user_hash`). Derived, never stored.
pub async fn identity_secret(req: &Request, env: &Env, site: &str) -> ApiResult<Response> {
    auth::check_admin(req, env)?;
    ids::check_site(site)?;
    Ok(ok_json(&serde_json::json!({ "identity_secret": auth::identity_secret(env, site)? })))
}
