//! The bot brain: everything Baton understands about a conversation, as plain functions over
//! text and events. No I/O and no `worker` import: the edge runs it inside the Durable Objects,
//! the tests and `cargo xtask eval` run it natively.

pub mod absence;
pub mod answer;
pub mod compliance;
pub mod copilot;
/// The evaluation scorer, for `cargo xtask eval` and this crate's tests: never in the worker.
#[cfg(feature = "eval")]
pub mod eval;
mod glossary;
pub mod human;
pub mod intent;
pub mod knowledge;
pub mod routing;
pub mod sentiment;
pub mod summary;
/// Synthetic articles for benchmarks: never in the worker.
#[cfg(feature = "eval")]
pub mod synthetic;
pub mod text;
pub mod watch;
