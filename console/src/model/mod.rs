//! View-model logic: plain Rust, no browser APIs, unit tested natively.

pub mod conversation;
pub mod dashboard;
pub mod format;
pub mod net;
pub mod session;
pub mod typing;
