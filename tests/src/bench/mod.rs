//! The measurements behind `cargo xtask bench`: Baton on this machine, each figure next to a
//! baseline taken in the same run, so a reader compares ratios rather than a noisy machine's
//! absolute times. The widget's weight is measured by xtask itself; everything that needs the
//! running stack or a browser is here.

pub mod bot;
pub mod cpu;
pub mod dashboard;
pub mod fanout;
pub mod flood;
pub mod history;
pub mod host;
pub mod limits;
pub mod options;
pub mod pair;
pub mod pool;
pub mod relay;
pub mod relay_worker;
pub mod sites;
pub mod stats;
pub mod takeover;
pub mod wake;
pub mod ws;

// Pieces of the load generator that stand on their own: the REST client with retries, the
// snapshot of the build served by `wrangler dev`, and the seeded jitter. The bench leaves some
// of their items unused.
#[allow(dead_code)]
#[path = "../load/rest.rs"]
pub mod rest;
#[allow(dead_code)]
#[path = "../load/rng.rs"]
pub mod rng;
#[allow(dead_code)]
#[path = "../load/stack.rs"]
pub mod stack;
