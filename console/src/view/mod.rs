//! Leptos components. They read view-models and send commands; no protocol logic lives here.

pub mod app;
mod avatar;
mod conversation;
mod dashboard;
mod sign_in;
mod workspace;
