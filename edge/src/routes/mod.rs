//! One module per capability; `lib.rs` routes every `/api/*` request to them.

pub mod admin;
pub mod avatar;
pub mod conversations;
pub mod health;
pub mod history;
pub mod knowledge;
pub mod login;
pub mod offline;
pub mod site;
pub mod team;
pub mod transfer;
