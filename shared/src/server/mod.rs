//! Server-side pure logic: signed tokens, password hashing, the knowledge-base bot.

pub mod bot;
pub mod password;
pub mod token;
