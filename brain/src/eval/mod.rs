//! The evaluation set's scorer: `cargo xtask eval` prints its report.

pub mod articles;
