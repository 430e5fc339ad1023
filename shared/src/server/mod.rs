//! Server-side pure logic: signed tokens, password hashing, admission limits, the
//! knowledge-base bot.

pub mod bot;
pub mod password;
pub mod quota;
pub mod token;
