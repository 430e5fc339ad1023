//! What the bot knows about its site, and the rule for when a kept copy may still be used.
//!
//! The edge keeps one [`BrainCache`] per isolate, shared by every conversation of every site it
//! serves, so a conversation woken from hibernation, or a new one, neither fetches the articles
//! nor indexes them again while the copy is fresh. Fresh means fetched less than [`TTL_MS`] ago
//! and at least as new as the version the caller knows of: a conversation starts with the site's
//! current knowledge version, so articles and rules edited a moment ago reach every new
//! conversation at once, and running ones within the TTL.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use baton_brain::knowledge::KnowledgeBase;
use baton_shared::{DeskSettings, ModelSettings, SiteRules};

/// How long a site's knowledge base is reused before it is fetched again.
pub const TTL_MS: u64 = 60_000;

/// The bot's name when neither the site nor the conversation gives one.
pub const FALLBACK_BOT_NAME: &str = "Assistant";

/// The site's bot name, indexed articles, language model and rules.
pub struct Brain {
    pub bot_name: String,
    pub knowledge: KnowledgeBase,
    pub model: Option<ModelSettings>,
    pub rules: SiteRules,
    /// The desk's settings that a conversation keeps to itself (when it closes for inactivity).
    pub desk: DeskSettings,
}

impl Brain {
    /// What a conversation uses while its site's knowledge base cannot be read: no articles,
    /// default rules, no model.
    pub fn empty(bot_name: &str) -> Brain {
        Brain {
            bot_name: bot_name.to_string(),
            knowledge: KnowledgeBase::new(Vec::new()),
            model: None,
            rules: SiteRules::default(),
            desk: DeskSettings::default(),
        }
    }
}

struct Kept {
    fetched_at: u64,
    version: u64,
    brain: Rc<Brain>,
}

impl Kept {
    fn unexpired(&self, now: u64) -> bool {
        now.saturating_sub(self.fetched_at) < TTL_MS
    }
}

/// One brain per site, each with the time it was fetched and its knowledge version, and the
/// sites whose brain is being fetched again.
#[derive(Default)]
pub struct BrainCache {
    sites: HashMap<String, Kept>,
    refreshing: HashSet<String>,
}

impl BrainCache {
    /// The site's brain, if the kept one is fresh at `now` and at least `min_version`.
    pub fn fresh(&self, site: &str, now: u64, min_version: u64) -> Option<Rc<Brain>> {
        self.sites.get(site).filter(|k| k.unexpired(now) && k.version >= min_version).map(|k| k.brain.clone())
    }

    /// The site's brain however old, for when a fetch fails: a stale brain beats none.
    pub fn any(&self, site: &str) -> Option<Rc<Brain>> {
        self.sites.get(site).map(|k| k.brain.clone())
    }

    /// The site's brain if it is at least `min_version`, expired or not: an expired one still
    /// answers while one caller fetches it again ([`Self::begin_refresh`]), so a slow site never
    /// holds up every conversation of the isolate at once when the copy expires.
    pub fn usable(&self, site: &str, min_version: u64) -> Option<Rc<Brain>> {
        self.sites.get(site).filter(|k| k.version >= min_version).map(|k| k.brain.clone())
    }

    /// Claims the refresh of `site`'s brain; false if another caller already has it.
    pub fn begin_refresh(&mut self, site: &str) -> bool {
        self.refreshing.insert(site.to_string())
    }

    pub fn end_refresh(&mut self, site: &str) {
        self.refreshing.remove(site);
    }

    /// Keeps a freshly fetched brain, unless a newer version is already kept; drops expired
    /// ones so the map holds only sites this isolate is serving.
    pub fn keep(&mut self, site: &str, now: u64, version: u64, brain: Rc<Brain>) {
        self.sites.retain(|_, k| k.unexpired(now));
        if self.sites.get(site).is_some_and(|k| k.version > version) {
            return;
        }
        self.sites.insert(site.to_string(), Kept { fetched_at: now, version, brain });
    }

    pub fn len(&self) -> usize {
        self.sites.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brain(name: &str) -> Rc<Brain> {
        Rc::new(Brain::empty(name))
    }

    #[test]
    fn a_kept_brain_is_fresh_until_its_ttl() {
        let mut cache = BrainCache::default();
        cache.keep("shop", 1_000, 3, brain("Ava"));
        assert!(cache.fresh("shop", 1_000 + TTL_MS - 1, 3).is_some());
        assert!(cache.fresh("shop", 1_000 + TTL_MS, 3).is_none(), "expired at the TTL");
        assert!(cache.any("shop").is_some(), "an expired brain is still there for failures");
        assert!(cache.fresh("other", 1_000, 0).is_none());
    }

    #[test]
    fn a_newer_version_than_kept_is_not_fresh() {
        let mut cache = BrainCache::default();
        cache.keep("shop", 0, 3, brain("Ava"));
        assert!(cache.fresh("shop", 10, 3).is_some());
        assert!(cache.fresh("shop", 10, 4).is_none(), "a conversation that knows version 4 must refetch");
    }

    #[test]
    fn an_older_fetch_never_replaces_a_newer_version() {
        let mut cache = BrainCache::default();
        cache.keep("shop", 0, 5, brain("new"));
        cache.keep("shop", 10, 4, brain("old"));
        assert_eq!(cache.fresh("shop", 20, 0).map(|b| b.bot_name.clone()).as_deref(), Some("new"));
        cache.keep("shop", 30, 5, brain("same version, later"));
        assert_eq!(cache.fresh("shop", 40, 5).map(|b| b.bot_name.clone()).as_deref(), Some("same version, later"));
    }

    #[test]
    fn an_expired_brain_stays_usable_while_one_caller_refreshes_it() {
        let mut cache = BrainCache::default();
        cache.keep("shop", 0, 3, brain("Ava"));
        assert!(cache.fresh("shop", TTL_MS, 0).is_none());
        assert!(cache.usable("shop", 3).is_some(), "expired, but the version is good enough");
        assert!(cache.usable("shop", 4).is_none(), "a newer version must be fetched first");
        assert!(cache.begin_refresh("shop"));
        assert!(!cache.begin_refresh("shop"), "one refresh per site at a time");
        cache.end_refresh("shop");
        assert!(cache.begin_refresh("shop"));
    }

    #[test]
    fn keeping_drops_expired_sites() {
        let mut cache = BrainCache::default();
        cache.keep("a", 0, 1, brain("A"));
        cache.keep("b", TTL_MS / 2, 1, brain("B"));
        cache.keep("c", TTL_MS, 1, brain("C"));
        assert!(cache.any("a").is_none(), "a expired when c was kept");
        assert_eq!(cache.len(), 2);
    }
}
