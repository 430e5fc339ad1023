//! Password hashes derived in the worker with WebCrypto's PBKDF2 (native code, off the site
//! object), in the steps `baton_shared::server::password` defines.

use std::cell::Cell;
use std::time::Duration;

use baton_shared::server::password::{HASH_BYTES, ITERATIONS, StoredHash};
use baton_shared::{ApiError, ErrorCode};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::http::{ApiResult, now_ms};
use crate::ids;

fn crypto_failed(what: &str, e: JsValue) -> ApiError {
    worker::console_error!("password hashing, {what}: {e:?}");
    ApiError::new(ErrorCode::Internal, "password hashing failed")
}

/// One PBKDF2-HMAC-SHA256 call of `iterations` (at most WebCrypto's cap).
async fn pbkdf2(key: &[u8], salt: &[u8], iterations: u32) -> ApiResult<Vec<u8>> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).map_err(|e| crypto_failed("crypto", e))?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).map_err(|e| crypto_failed("subtle", e))?;
    let subtle: web_sys::SubtleCrypto = subtle.unchecked_into();
    let usages = Array::of1(&"deriveBits".into());
    let import = subtle
        .import_key_with_str("raw", &Uint8Array::from(key), "PBKDF2", false, &usages)
        .map_err(|e| crypto_failed("importKey", e))?;
    let base: web_sys::CryptoKey =
        JsFuture::from(import).await.map_err(|e| crypto_failed("importKey", e))?.unchecked_into();
    let params = Object::new();
    for (name, value) in [
        ("name", JsValue::from("PBKDF2")),
        ("hash", JsValue::from("SHA-256")),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", JsValue::from(iterations)),
    ] {
        Reflect::set(&params, &name.into(), &value).map_err(|e| crypto_failed("parameters", e))?;
    }
    let bits = subtle
        .derive_bits_with_object(&params, &base, (HASH_BYTES * 8) as u32)
        .map_err(|e| crypto_failed("deriveBits", e))?;
    let bits = JsFuture::from(bits).await.map_err(|e| crypto_failed("deriveBits", e))?;
    Ok(Uint8Array::new(&bits).to_vec())
}

thread_local! {
    /// When the derivation under way in the isolate began, if one is.
    static HASHING_SINCE: Cell<Option<u64>> = const { Cell::new(None) };
}

/// A derivation this old is taken to be abandoned (its request was cancelled mid-way).
const ABANDONED_MS: u64 = 3_000;
/// How long a sign-in waits for its turn before it is told to retry.
const LONGEST_WAIT_MS: u64 = 5_000;
const POLL: Duration = Duration::from_millis(5);

/// The isolate's one derivation slot, given back when dropped.
struct Turn;

impl Turn {
    /// Waits for the slot by polling on this request's own timer: Workers cancel a request that
    /// waits on a promise another request would resolve, so there is no shared queue to wait in.
    async fn take() -> ApiResult<Turn> {
        let asked = now_ms();
        loop {
            let now = now_ms();
            let free = HASHING_SINCE.with(|since| match since.get() {
                Some(began) if now < began + ABANDONED_MS => false,
                _ => {
                    since.set(Some(now));
                    true
                }
            });
            if free {
                return Ok(Turn);
            }
            if now > asked + LONGEST_WAIT_MS {
                return Err(ApiError::rate_limited("sign-ins are busy here; try again in a moment", 1_000));
            }
            worker::Delay::from(POLL).await;
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        HASHING_SINCE.with(|since| since.set(None));
    }
}

/// The derivation a stored hash names, step by step. A step holds the isolate's thread (WebCrypto
/// derives synchronously), so derivations take turns, and after each step the derivation rests
/// as long as the step took: a chat request waits behind one step (tens of milliseconds), never
/// behind a queue of sign-ins, and sign-ins take at most half the thread whatever arrives.
async fn derive(password: &str, salt: &[u8], steps: &[u32]) -> ApiResult<Vec<u8>> {
    let _turn = Turn::take().await?;
    let mut key = password.as_bytes().to_vec();
    for &iterations in steps {
        let began = now_ms();
        key = pbkdf2(&key, salt, iterations).await?;
        // A resolved promise continues before other requests run; a timer lets them in.
        worker::Delay::from(Duration::from_millis(now_ms().saturating_sub(began).max(1))).await;
    }
    Ok(key)
}

/// A new stored hash of `password` at today's cost, with a fresh salt.
pub async fn hash(password: &str) -> ApiResult<String> {
    let salt = ids::salt()?;
    let derived = derive(password, &salt, &StoredHash::steps_for(ITERATIONS)).await?;
    Ok(StoredHash::encode(ITERATIONS, &salt, &derived))
}

/// What checking a password against a stored hash found.
pub enum Checked {
    Wrong,
    Right,
    /// Right, and here is a hash at today's cost to store in place of the old one.
    RightUpgrade(String),
}

thread_local! {
    /// How long the isolate's last real check took, turn included (ms).
    static LAST_CHECK_MS: Cell<u64> = const { Cell::new(250) };
}

/// Checks `password` against `stored`; a malformed stored value is simply wrong. An unknown
/// email (`None`) costs a timer, not a hash: it is answered after as long as the last real check
/// took, so the answer's timing does not tell which accounts exist, and a flood of made-up
/// emails takes none of the thread.
pub async fn check(password: &str, stored: Option<&str>) -> ApiResult<Checked> {
    let Some(stored) = stored else {
        let took = LAST_CHECK_MS.with(Cell::get);
        worker::Delay::from(Duration::from_millis(took)).await;
        return Ok(Checked::Wrong);
    };
    let Some(stored) = StoredHash::parse(stored) else { return Ok(Checked::Wrong) };
    let began = now_ms();
    let derived = derive(password, &stored.salt, &stored.steps).await?;
    LAST_CHECK_MS.with(|last| last.set(now_ms().saturating_sub(began)));
    if !stored.matches(&derived) {
        return Ok(Checked::Wrong);
    }
    Ok(if stored.needs_upgrade() { Checked::RightUpgrade(hash(password).await?) } else { Checked::Right })
}
