//! The isolate's copy of each site's record (public face, embedding origins, knowledge
//! version), so widget starts, socket opens and the public site info do not each ask the site
//! object: a flood of them costs the isolate a map lookup, not the site its time.
//!
//! A copy is used for `FRESH_MS`; after that the first request fetches it again while the
//! others keep using the old copy. The worker's own edits (seed, articles, rules, desk, team)
//! drop the copy at once, so in one isolate a change is seen by the next request; another
//! isolate sees it within `FRESH_MS`.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::site::SiteRecord;

/// How long a copy is used before it is fetched again.
pub const FRESH_MS: u64 = 5_000;
/// Sites remembered at most; past this, the copies fetched longest ago go first.
const MAX_SITES: usize = 1_000;

struct Copy {
    record: SiteRecord,
    fetched_at: u64,
    refreshing: bool,
}

thread_local! {
    static SITES: RefCell<HashMap<String, Copy>> = RefCell::new(HashMap::new());
}

/// What to do for a request at `now`.
pub enum Lookup {
    /// Use this copy.
    Use(SiteRecord),
    /// Fetch the record (and `keep` it); nobody else is fetching it.
    Fetch,
}

pub fn lookup(site: &str, now: u64) -> Lookup {
    SITES.with_borrow_mut(|sites| match sites.get_mut(site) {
        Some(copy) if now < copy.fetched_at.saturating_add(FRESH_MS) || copy.refreshing => {
            Lookup::Use(copy.record.clone())
        }
        Some(copy) => {
            copy.refreshing = true;
            Lookup::Fetch
        }
        None => Lookup::Fetch,
    })
}

pub fn keep(site: &str, record: SiteRecord, now: u64) {
    SITES.with_borrow_mut(|sites| {
        if sites.len() >= MAX_SITES && !sites.contains_key(site) {
            let oldest = sites.iter().min_by_key(|(_, c)| c.fetched_at).map(|(s, _)| s.clone());
            if let Some(oldest) = oldest {
                sites.remove(&oldest);
            }
        }
        sites.insert(site.to_string(), Copy { record, fetched_at: now, refreshing: false });
    });
}

/// The fetch failed: the next request tries again.
pub fn fetch_failed(site: &str) {
    SITES.with_borrow_mut(|sites| {
        if let Some(copy) = sites.get_mut(site) {
            copy.refreshing = false;
        }
    });
}

/// The site changed through this worker: the next request fetches it.
pub fn forget(site: &str) {
    SITES.with_borrow_mut(|sites| {
        sites.remove(site);
    });
}
