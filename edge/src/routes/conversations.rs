//! Conversation start/resume, the conversation socket and the transcript.

use baton_shared::limits::{MAX_EMAIL_BYTES, MAX_NAME_CHARS};
use baton_shared::server::identity;
use baton_shared::server::quota::address_key;
use baton_shared::server::token::Claims;
use baton_shared::{
    ApiError, ConversationView, ErrorCode, Mode, StartRequest, StartResponse, VisitorAttributes, VisitorInfo,
};
use worker::{Env, Request, Response};

use crate::auth;
use crate::conversation::InitRequest;
use crate::http::{
    ApiResult, after_seq, check_reply, decode_json, now_ms, ok_json, read_body, read_json, read_reply, relay,
    require_upgrade, upgraded,
};
use crate::ids;
use crate::internal::{Call, Caller, ConversationOp, SiteOp, conversation_stub, on_conversation, site_stub};
use crate::origin::check_caller;
use crate::routes::site::check_embed;
use crate::site::{IdentityConversation, IdentityLookup, SiteRecord, StartAdmission};
use crate::throttle;

const MAX_PAGE_BYTES: usize = 2048;
const MAX_LOCALE_BYTES: usize = 35;
const MAX_ATTRIBUTES: usize = 20;
const MAX_ATTRIBUTE_KEY_BYTES: usize = 40;
const MAX_ATTRIBUTE_VALUE_CHARS: usize = 200;

/// `POST /api/sites/{site}/conversations`: resumes the conversation a valid visitor token of
/// this site names, or starts a new one that shows up on dashboards right away.
pub async fn start(req: &mut Request, env: &Env, site: &str) -> ApiResult<Response> {
    let SiteRecord { info: mut site_info, knowledge_version, require_identity, appearance, .. } =
        check_embed(req, env, site).await?;
    let bytes = read_body(req).await?;
    let body: StartRequest =
        if bytes.iter().all(u8::is_ascii_whitespace) { StartRequest::default() } else { decode_json(&bytes)? };
    let visitor = identify(env, site, require_identity, clean_visitor(body.visitor)?)?;
    // The bot greets in the widget's language where the site wrote a greeting for it.
    site_info.greeting = appearance.greeting(visitor.locale.as_deref(), &site_info.greeting).to_string();
    let now = now_ms();

    let mut previous = None;
    let claims = body.token.as_deref().and_then(|t| auth::verify(env, t, now).ok());
    if let Some(claims) = claims.filter(|c| c.site() == site)
        && let Claims::Visitor { conversation, .. } = &claims
    {
        let conversation = conversation.clone();
        match stored_mode(env, site, &conversation).await? {
            Some(Mode::Closed) => {
                // It has ended: a new one starts, linked to it so agents see what came before.
                previous = Some(conversation);
            }
            Some(_) => match auth::sign_visitor(env, site, &conversation, claims.visitor_since(), now)? {
                // A renewed token keeps a returning visitor's conversation for another term.
                Some(token) => {
                    let resumed =
                        StartResponse { conversation_id: conversation, token, resumed: true, site: site_info };
                    return Ok(ok_json(&resumed));
                }
                // The token's lifetime is spent: a new conversation, linked to this one.
                None => previous = Some(conversation),
            },
            // Erased: a new conversation, with nothing to link to.
            None => {}
        }
    }

    // A verified user without a token (another browser, another device) finds their open
    // conversation; a closed one is linked as the previous.
    if previous.is_none()
        && let Some(user_id) = visitor.verified_user()
    {
        let lookup = IdentityLookup { user_id: user_id.to_string() };
        let reply =
            Call::to(SiteOp::IdentityConversation).json(&lookup).site(site).send(&site_stub(env, site)?).await?;
        let known: IdentityConversation = read_reply(reply, "finding the user's conversation").await?;
        if let Some(conversation) = known.conversation {
            match stored_mode(env, site, &conversation).await? {
                Some(Mode::Closed) => previous = Some(conversation),
                Some(_) => {
                    if let Some(token) = auth::sign_visitor(env, site, &conversation, None, now)? {
                        let resumed =
                            StartResponse { conversation_id: conversation, token, resumed: true, site: site_info };
                        return Ok(ok_json(&resumed));
                    }
                }
                None => {}
            }
        }
    }

    // Counted by network: an IPv6 visitor's /64 is theirs to cycle through for free.
    let admission = StartAdmission { visitor: address_key(&throttle::client_address(req)) };
    let reply = Call::to(SiteOp::AdmitStart).json(&admission).site(site).send(&site_stub(env, site)?).await?;
    check_reply(reply, "admitting the conversation").await?;

    let conversation = ids::new_id();
    let user_id = visitor.verified_user().map(str::to_string);
    let init = InitRequest { visitor, bot_name: site_info.bot_name.clone(), knowledge_version, previous };
    on_conversation(env, site, &conversation, ConversationOp::Init, &init, "starting the conversation").await?;
    if let Some(user_id) = user_id {
        remember_user(env, site, user_id, &conversation).await?;
    }
    let token = auth::sign_visitor(env, site, &conversation, None, now)?
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "a new visitor token has no lifetime"))?;
    Ok(ok_json(&StartResponse { conversation_id: conversation, token, resumed: false, site: site_info }))
}

/// The conversation's mode, or `None` if it does not exist (any more).
async fn stored_mode(env: &Env, site: &str, conversation: &str) -> ApiResult<Option<Mode>> {
    let reply = Call::to(ConversationOp::State)
        .conversation(site, conversation)
        .send(&conversation_stub(env, site, conversation)?)
        .await?;
    match read_reply::<ConversationView>(reply, "reading the conversation's state").await {
        Ok(state) => Ok(Some(state.mode)),
        Err(err) if err.code == ErrorCode::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// Tells the site that verified user `user_id` now has `conversation`, which their other
/// browsers and devices then resume.
async fn remember_user(env: &Env, site: &str, user_id: String, conversation: &str) -> ApiResult<()> {
    let remembered = IdentityConversation { user_id, conversation: Some(conversation.to_string()) };
    let reply = Call::to(SiteOp::RememberIdentity).json(&remembered).site(site).send(&site_stub(env, site)?).await?;
    check_reply(reply, "remembering the user's conversation").await.map(|_| ())
}

/// Checks the visitor's `user_hash` against their `user_id` and marks what they say verified
/// or not; the hash itself is never kept. An unverifiable user id is dropped (it must not open
/// anyone's conversations). On a site that requires identity an unverified visitor is
/// anonymous: only the host's signed word may say who they are.
fn identify(env: &Env, site: &str, require: bool, mut visitor: VisitorInfo) -> ApiResult<VisitorInfo> {
    let hash = visitor.user_hash.take();
    let user_id = visitor.user_id.take();
    visitor.verified = false;
    if let (Some(user_id), Some(hash)) = (user_id, hash)
        && identity::verify(&auth::identity_secret(env, site)?, &user_id, &hash)
    {
        visitor.user_id = Some(user_id);
        visitor.verified = true;
    }
    if require && !visitor.verified {
        visitor.name = None;
        visitor.email = None;
        visitor.attributes.clear();
    }
    Ok(visitor)
}

/// Trims the visitor's details, drops empty ones and refuses oversize ones.
fn clean_visitor(visitor: VisitorInfo) -> ApiResult<VisitorInfo> {
    fn field(value: Option<String>, name: &str, fits: impl Fn(&str) -> bool) -> ApiResult<Option<String>> {
        let Some(value) = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        if !fits(&value) || value.chars().any(char::is_control) {
            return Err(ApiError::new(ErrorCode::BadRequest, format!("visitor {name} is too long or not plain text")));
        }
        Ok(Some(value))
    }
    Ok(VisitorInfo {
        name: field(visitor.name, "name", |v| v.chars().count() <= MAX_NAME_CHARS)?,
        email: field(visitor.email, "email", |v| v.len() <= MAX_EMAIL_BYTES)?,
        page: field(visitor.page, "page", |v| v.len() <= MAX_PAGE_BYTES)?,
        locale: field(visitor.locale, "locale", |v| v.len() <= MAX_LOCALE_BYTES)?,
        attributes: clean_attributes(visitor.attributes)?,
        user_id: field(visitor.user_id, "user_id", |v| v.len() <= identity::MAX_USER_ID_BYTES)?,
        user_hash: field(visitor.user_hash, "user_hash", |v| v.len() <= 128)?,
        verified: false,
    })
}

/// At most `MAX_ATTRIBUTES` short keys (letters, digits, `_`, `-`) with short plain-text values.
fn clean_attributes(attributes: VisitorAttributes) -> ApiResult<VisitorAttributes> {
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(ApiError::new(ErrorCode::BadRequest, format!("at most {MAX_ATTRIBUTES} visitor attributes")));
    }
    let mut clean = VisitorAttributes::new();
    for (key, value) in attributes {
        let key = key.trim().to_string();
        let value = value.trim().to_string();
        let key_ok = !key.is_empty()
            && key.len() <= MAX_ATTRIBUTE_KEY_BYTES
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !key_ok || value.chars().count() > MAX_ATTRIBUTE_VALUE_CHARS || value.chars().any(char::is_control) {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                format!(
                    "visitor attribute {key:?} needs a short key of letters, digits, _ or - and a short plain value"
                ),
            ));
        }
        if !value.is_empty() {
            clean.insert(key, value);
        }
    }
    Ok(clean)
}

/// Who is calling about this conversation, by the token `claims` read: its visitor or an agent
/// of its site, from an origin allowed for that kind of caller.
async fn authorised_caller(
    req: &Request,
    env: &Env,
    site: &str,
    conversation: &str,
    claims: ApiResult<Claims>,
) -> ApiResult<Caller> {
    let claims = claims?;
    let caller = auth::conversation_caller(claims.clone(), site, conversation)?;
    check_caller(req, env, site, &caller).await?;
    if let Caller::Agent(_) = caller {
        // An agent's sign-in may have ended since the token was signed.
        let (agent, _) = auth::site_agent(env, claims, site, Some(conversation)).await?;
        return Ok(Caller::Agent(agent));
    }
    Ok(caller)
}

/// `GET /api/sites/{site}/conversations/{id}/ws` (WebSocket, token as the `bearer.{token}` subprotocol)
pub async fn socket(req: &Request, env: &Env, site: &str, conversation: &str) -> ApiResult<Response> {
    ids::check_site(site)?;
    ids::check_conversation(conversation)?;
    require_upgrade(req)?;
    let caller = authorised_caller(req, env, site, conversation, auth::socket_claims(req, env, now_ms())).await?;
    let reply = Call::to(ConversationOp::Socket)
        .conversation(site, conversation)
        .caller(&caller)
        .send(&conversation_stub(env, site, conversation)?)
        .await?;
    upgraded(reply, "opening the conversation socket").await
}

/// `GET /api/sites/{site}/conversations/{id}/transcript[?after=SEQ]` with `Authorization:
/// Bearer T` (a token in the URL would be written into every log the URL passes through): one
/// page of events after `after`, and `next_after` for the next page while there is one.
pub async fn transcript(req: &Request, env: &Env, site: &str, conversation: &str) -> ApiResult<Response> {
    ids::check_site(site)?;
    ids::check_conversation(conversation)?;
    let caller = authorised_caller(req, env, site, conversation, auth::bearer_claims(req, env, now_ms())).await?;
    let after = after_seq(req)?;
    let reply = Call::to(ConversationOp::Transcript)
        .query(format!("after={after}"))
        .conversation(site, conversation)
        .caller(&caller)
        .send(&conversation_stub(env, site, conversation)?)
        .await?;
    relay(reply, "transcript").await
}

/// `GET /api/sites/{site}/conversations/{id}/visitor` (agents, bearer token): what the visitor
/// and the embedding page told us.
pub async fn visitor(req: &Request, env: &Env, site: &str, conversation: &str) -> ApiResult<Response> {
    ids::check_site(site)?;
    ids::check_conversation(conversation)?;
    let claims = auth::bearer_claims(req, env, now_ms());
    if let Ok(Claims::Visitor { .. }) = claims {
        return Err(ApiError::new(ErrorCode::Forbidden, "only agents can see visitor details"));
    }
    let caller = authorised_caller(req, env, site, conversation, claims).await?;
    let reply = Call::to(ConversationOp::Visitor)
        .conversation(site, conversation)
        .caller(&caller)
        .send(&conversation_stub(env, site, conversation)?)
        .await?;
    relay(reply, "visitor").await
}

/// `POST /api/sites/{site}/conversations/{id}/identify` with the visitor's `Authorization:
/// Bearer` token and a `VisitorInfo` (the host page's `Baton('identify', …)`): who the visitor
/// is, verified by `user_hash`. On a site that requires identity, a hash that does not match
/// (or none) is refused with `identity_invalid` and the visitor stays as they were; elsewhere
/// the details are taken as the visitor's unverified word, without the user id, and the answer
/// says `verified: false`.
pub async fn identify_visitor(req: &mut Request, env: &Env, site: &str, conversation: &str) -> ApiResult<Response> {
    ids::check_site(site)?;
    ids::check_conversation(conversation)?;
    let record = check_embed(req, env, site).await?;
    if auth::conversation_caller(auth::bearer_claims(req, env, now_ms())?, site, conversation)? != Caller::Customer {
        return Err(ApiError::new(ErrorCode::Forbidden, "only the visitor identifies themselves"));
    }
    let claimed = clean_visitor(read_json::<VisitorInfo>(req).await?)?;
    let visitor = identify(env, site, record.require_identity, claimed)?;
    if record.require_identity && !visitor.verified {
        return Err(ApiError::new(
            ErrorCode::IdentityInvalid,
            "the user_hash does not match the user_id (or is missing); the visitor stays as they were",
        ));
    }
    on_conversation(env, site, conversation, ConversationOp::Identify, &visitor, "identifying the visitor").await?;
    if let Some(user_id) = visitor.verified_user() {
        remember_user(env, site, user_id.to_string(), conversation).await?;
    }
    Ok(ok_json(&serde_json::json!({ "verified": visitor.verified })))
}
