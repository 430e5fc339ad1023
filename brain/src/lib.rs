//! The bot brain: everything Baton understands about a conversation, as plain functions over
//! text and events. No I/O and no `worker` import: the edge runs it inside the Durable Objects,
//! the tests and `cargo xtask eval` run it natively.

pub mod answer;
pub mod compliance;
pub mod copilot;
pub mod eval;
pub mod human;
pub mod intent;
pub mod knowledge;
pub mod sentiment;
pub mod summary;
pub mod text;
pub mod watch;
