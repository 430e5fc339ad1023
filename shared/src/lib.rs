//! Everything the edge, the widget and the console must agree on: the wire protocol,
//! limits, and the conversation state machine. No I/O lives here.

pub mod appearance;
pub mod avatar;
pub mod backoff;
pub mod calendar;
pub mod client;
pub mod config;
pub mod error;
pub mod history;
pub mod i18n;
pub mod insight;
pub mod limits;
pub mod machine;
pub mod origin;
pub mod protocol;
pub mod team;
pub mod text;

#[cfg(feature = "server")]
pub mod server;

pub use error::{ApiError, ErrorCode};
pub use insight::*;
pub use machine::{Command, ConversationState, Rejection};
pub use protocol::*;
pub use team::{AccountInput, DeskSettings, Presence, RoutingMode, TeamMember};
