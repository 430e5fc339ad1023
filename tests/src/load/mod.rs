//! The load generator behind `cargo xtask bench load`: hundreds of conversations in which a
//! customer and an agent chat over real sockets to a real `wrangler dev`, while those sockets
//! are dropped and resumed at random; then every transcript is checked against what was sent.

pub mod counters;
pub mod ledger;
pub mod link;
pub mod options;
pub mod report;
pub mod rest;
pub mod rng;
pub mod run;
pub mod setup;
pub mod side;
pub mod stack;
pub mod verify;
pub mod world;
