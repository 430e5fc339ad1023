//! Server-side pure logic: signed tokens, password hashing, admission limits, the
//! language-model wire format, the knowledge-base bot.

pub mod bot;
pub mod model;
pub mod password;
pub mod quota;
pub mod token;
