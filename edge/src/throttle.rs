//! Sign-in attempts counted per client network in the isolate, before any object is asked: a
//! stranger flooding sign-ins with random emails is refused here, with when to retry, and the
//! site object keeps its time for its chats. Each isolate counts on its own, so across many
//! isolates an address gets at most the limit in each; that bounds what reaches one object.

use std::cell::RefCell;
use std::collections::HashMap;

use baton_shared::ApiError;
use baton_shared::server::quota::{SIGN_INS_PER_ADDRESS, Window, address_key};
use worker::Request;

use crate::http::ApiResult;

/// Networks remembered at most; past this, windows that have ended are dropped first.
const MAX_TRACKED: usize = 10_000;

thread_local! {
    static SIGN_INS: RefCell<HashMap<String, Window>> = RefCell::new(HashMap::new());
}

/// The address Cloudflare saw the client connect from (set by the edge, not the client).
pub fn client_address(req: &Request) -> String {
    req.headers().get("cf-connecting-ip").ok().flatten().unwrap_or_else(|| "unknown".to_string())
}

/// Counts a sign-in attempt from `req`'s network; refused with `rate_limited` and its wait once
/// the network has used its attempts for the window.
pub fn sign_in_attempt(req: &Request, now: u64) -> ApiResult<()> {
    let key = address_key(&client_address(req));
    SIGN_INS.with_borrow_mut(|windows| {
        let limit = SIGN_INS_PER_ADDRESS;
        let current = windows.get(&key).copied();
        if let Err(wait) = limit.check(current, now) {
            return Err(ApiError::rate_limited(
                "too many sign-in attempts from this network; wait and try again",
                wait,
            ));
        }
        if windows.len() >= MAX_TRACKED {
            windows.retain(|_, w| limit.current(Some(*w), now).is_some());
        }
        if windows.len() < MAX_TRACKED || windows.contains_key(&key) {
            windows.insert(key, limit.count(current, now));
        }
        Ok(())
    })
}
