//! The site object's half of a sign-in. The worker derives password hashes (WebCrypto, see
//! `crate::password`); the object only hands out the stored hash and counts failures, so a
//! flood of sign-ins costs it a row read, never a hash.
//!
//! Failures count per account *and network* ([`SIGN_IN_FAILURES`]): each attempt is counted as
//! a failure when its hash is handed out and cleared when the worker reports the password
//! right, so concurrent guesses cannot all slip past the check. A stranger guessing slows only
//! their own network down; the agent signs in from theirs.

use baton_shared::server::quota::SIGN_IN_FAILURES;
use baton_shared::{AccountRole, AgentInfo, ApiError, ErrorCode, SiteInfo};
use serde::{Deserialize, Serialize};

use super::SiteDO;
use crate::http::{ApiResult, OrInternal, now_ms};

/// Body of `/login/credential`: whose hash the worker is about to check, and from where.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CredentialRequest {
    pub email: String,
    /// The client's network (`quota::address_key`).
    pub network: String,
}

/// The stored hash to check the password against; `None` for an unknown email (the worker
/// then answers after as long as a real check takes, `crate::password::check`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credential {
    pub pw_hash: Option<String>,
}

/// Body of `/login/signed-in`: the worker found the password right.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedIn {
    pub email: String,
    pub network: String,
    /// A hash at today's cost to replace a stored one made at an older cost.
    #[serde(default)]
    pub upgraded: Option<String>,
}

/// What a sign-in grants; the worker signs the token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifiedAccount {
    pub agent: AgentInfo,
    pub role: AccountRole,
    pub site: SiteInfo,
    /// The account's version: tokens carry it, and a token of an older version is refused.
    pub version: u64,
}

pub fn login_failed() -> ApiError {
    ApiError::new(ErrorCode::LoginFailed, "email or password is wrong")
}

fn failures_key(email: &str, network: &str) -> String {
    format!("login:{email}:{network}")
}

impl SiteDO {
    pub(super) fn credential(&self, body: CredentialRequest) -> ApiResult<Credential> {
        let email = body.email.trim().to_lowercase();
        self.record().map_err(|e| if e.code == ErrorCode::NotFound { login_failed() } else { e })?;
        let key = failures_key(&email, &body.network);
        let now = now_ms();
        let run = self.store.attempts(&key).or_internal("reading sign-in failures")?;
        SIGN_IN_FAILURES.check(run, now).map_err(|wait_ms| {
            ApiError::rate_limited(
                format!(
                    "Too many failed sign-ins for this account from your network. Try again in {} s.",
                    wait_ms.div_ceil(1000)
                ),
                wait_ms,
            )
        })?;
        // Counted now, cleared by `signed_in`: a guess that is never reported stays a failure.
        let forget_before = now.saturating_sub(SIGN_IN_FAILURES.forget_after_ms);
        self.store
            .set_attempts(&key, SIGN_IN_FAILURES.fail(run, now), forget_before)
            .or_internal("counting a sign-in attempt")?;
        let pw_hash = self.store.account(&email).or_internal("reading the account")?.map(|a| a.pw_hash);
        Ok(Credential { pw_hash })
    }

    pub(super) fn signed_in(&self, body: SignedIn) -> ApiResult<VerifiedAccount> {
        let email = body.email.trim().to_lowercase();
        let info = self.info()?;
        let account = self.store.account(&email).or_internal("reading the account")?.ok_or_else(login_failed)?;
        self.store.clear_attempts(&failures_key(&email, &body.network)).or_internal("clearing sign-in failures")?;
        if let Some(upgraded) = &body.upgraded {
            self.store.set_password_hash(&account.id, upgraded).or_internal("storing the upgraded hash")?;
        }
        if !account.is_active() {
            return Err(ApiError::new(
                ErrorCode::AccountDeactivated,
                "This account is deactivated. Ask a supervisor of the site to reactivate it.",
            ));
        }
        let role = account.role().ok_or_else(|| {
            worker::console_error!("account {} has unknown role {:?}", account.id, account.role);
            ApiError::new(ErrorCode::Internal, "account is misconfigured")
        })?;
        let agent = account.agent(&self.avatar_base()?);
        Ok(VerifiedAccount { agent, role, site: info, version: account.version() })
    }
}
