//! The session kept in localStorage so a reload stays signed in until the token expires.

use baton_shared::protocol::LoginResponse;
use web_sys::Storage;

use crate::model::session::{restore, storage_key};

pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

fn storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load(site: &str) -> Option<LoginResponse> {
    let stored = storage()?.get_item(&storage_key(site)).ok().flatten()?;
    let session = restore(&stored, site, now_ms());
    if session.is_none() {
        clear(site);
    }
    session
}

pub fn save(session: &LoginResponse) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(session)) {
        // A full or blocked storage only costs the reload; the session still works.
        let _ = s.set_item(&storage_key(&session.site.id), &json);
    }
}

pub fn clear(site: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&storage_key(site));
    }
}
