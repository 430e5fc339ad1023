//! One indexed knowledge base per site for the whole isolate. Every conversation of a site
//! reads the same one, so a conversation woken from hibernation, or a new one, neither fetches
//! the articles from the SiteDO nor indexes them again while the copy is fresh.
//!
//! Fresh means fetched less than [`TTL_MS`] ago and at least as new as the version the caller
//! knows of: a conversation starts with the site's current knowledge version, so articles and
//! rules edited a moment ago reach every new conversation at once, and running ones within the
//! TTL.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::responder::Brain;

/// How long a site's knowledge base is reused before it is fetched again.
pub const TTL_MS: u64 = 60_000;

struct Cached {
    fetched_at: u64,
    version: u64,
    brain: Rc<Brain>,
}

impl Cached {
    fn unexpired(&self, now: u64) -> bool {
        now.saturating_sub(self.fetched_at) < TTL_MS
    }
}

thread_local! {
    // Workers run each isolate on one thread: this is per isolate, shared by its objects.
    static BRAINS: RefCell<HashMap<String, Cached>> = RefCell::new(HashMap::new());
}

/// The site's brain, if the cached one is fresh at `now` and at least `min_version`.
pub fn fresh(site: &str, now: u64, min_version: u64) -> Option<Rc<Brain>> {
    BRAINS.with_borrow(|brains| {
        brains.get(site).filter(|c| c.unexpired(now) && c.version >= min_version).map(|c| c.brain.clone())
    })
}

/// The site's brain however old, for what may be stale (the bot's name while a fetch fails).
pub fn any(site: &str) -> Option<Rc<Brain>> {
    BRAINS.with_borrow(|brains| brains.get(site).map(|c| c.brain.clone()))
}

/// Keeps a freshly fetched brain, unless a newer version is already kept; drops expired ones so
/// the map holds only sites this isolate is serving.
pub fn keep(site: &str, now: u64, version: u64, brain: Rc<Brain>) {
    BRAINS.with_borrow_mut(|brains| {
        brains.retain(|_, c| c.unexpired(now));
        if brains.get(site).is_some_and(|c| c.version > version) {
            return;
        }
        brains.insert(site.to_string(), Cached { fetched_at: now, version, brain });
    });
}
