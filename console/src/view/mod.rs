//! Leptos components. They read view-models and send commands; no protocol logic lives here.

pub mod app;
mod appearance;
mod avatar;
mod compliance;
mod context;
mod conversation;
mod copilot;
mod dashboard;
mod history;
mod knowledge;
mod offline;
mod resolve;
mod rules;
mod settings;
mod sign_in;
mod team;
mod transfer;
mod workspace;
