//! The isolate's one [`BrainCache`]: every conversation of a site reads the same indexed
//! knowledge base (the freshness rules are the engine's, tested there).

use std::cell::RefCell;
use std::rc::Rc;

use baton_engine::{Brain, BrainCache};

thread_local! {
    // Workers run each isolate on one thread: this is per isolate, shared by its objects.
    static BRAINS: RefCell<BrainCache> = RefCell::new(BrainCache::default());
}

pub fn fresh(site: &str, now: u64, min_version: u64) -> Option<Rc<Brain>> {
    BRAINS.with_borrow(|brains| brains.fresh(site, now, min_version))
}

pub fn any(site: &str) -> Option<Rc<Brain>> {
    BRAINS.with_borrow(|brains| brains.any(site))
}

pub fn keep(site: &str, now: u64, version: u64, brain: Rc<Brain>) {
    BRAINS.with_borrow_mut(|brains| brains.keep(site, now, version, brain));
}

pub fn usable(site: &str, min_version: u64) -> Option<Rc<Brain>> {
    BRAINS.with_borrow(|brains| brains.usable(site, min_version))
}

pub fn begin_refresh(site: &str) -> bool {
    BRAINS.with_borrow_mut(|brains| brains.begin_refresh(site))
}

pub fn end_refresh(site: &str) {
    BRAINS.with_borrow_mut(|brains| brains.end_refresh(site));
}
