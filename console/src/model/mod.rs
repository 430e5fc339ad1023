//! View-model logic: plain Rust, no browser APIs, unit tested natively.

pub mod alerts;
pub mod context;
pub mod conversation;
pub mod dashboard;
pub mod format;
pub mod knowledge;
pub mod net;
pub mod rest;
pub mod rules;
pub mod session;
pub mod triage;
pub mod typing;
