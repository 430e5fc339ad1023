//! Server-side pure logic: signed tokens, password hashing, admission limits, the
//! language-model wire format.

pub mod identity;
pub mod model;
pub mod password;
pub mod quota;
pub mod token;
