//! Password hashes derived in the worker with WebCrypto's PBKDF2 (native code, off the site
//! object), in the steps `baton_shared::server::password` defines.

use baton_shared::server::password::{HASH_BYTES, ITERATIONS, StoredHash};
use baton_shared::{ApiError, ErrorCode};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::http::ApiResult;
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

/// The derivation a stored hash names, step by step.
async fn derive(password: &str, salt: &[u8], steps: &[u32]) -> ApiResult<Vec<u8>> {
    let mut key = password.as_bytes().to_vec();
    for &iterations in steps {
        key = pbkdf2(&key, salt, iterations).await?;
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

/// Checks `password` against `stored`; a malformed stored value is simply wrong.
pub async fn check(password: &str, stored: &str) -> ApiResult<Checked> {
    let Some(stored) = StoredHash::parse(stored) else { return Ok(Checked::Wrong) };
    if !stored.matches(&derive(password, &stored.salt, &stored.steps).await?) {
        return Ok(Checked::Wrong);
    }
    Ok(if stored.needs_upgrade() { Checked::RightUpgrade(hash(password).await?) } else { Checked::Right })
}
