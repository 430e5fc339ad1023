//! Harness for Baton's end-to-end tests: starts the real stack (`wrangler dev` serving the
//! release build) and real headless Chromium sessions, and talks to both like users do.

pub mod api;
pub mod browser;
pub mod cli;
pub mod host_page;
pub mod model_stub;
pub mod process;
pub mod socket_auth;
pub mod stack;
pub mod wait;

pub use api::{Api, Socket, event_of, is_ack_for};
pub use browser::{Browser, Page};
pub use host_page::HostPage;
pub use model_stub::{ModelStub, StubReply};
pub use stack::Stack;
pub use wait::{until, until_some};

/// The repository root (this crate lives in `tests/`).
pub fn repo_root() -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().map(std::path::PathBuf::from).unwrap_or(dir)
}
