//! Baton agent console: live dashboard of a site's conversations with flags and alerts,
//! one-click takeover, reply and private notes with the co-pilot beside them, hand-back; for
//! supervisors the knowledge base and rules. The browser side is a thin Leptos shell around `model`.

pub mod model;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod conversation;
#[cfg(target_arch = "wasm32")]
mod dashboard;
#[cfg(target_arch = "wasm32")]
mod notify;
#[cfg(target_arch = "wasm32")]
mod session;
#[cfg(target_arch = "wasm32")]
mod socket;
#[cfg(target_arch = "wasm32")]
mod view;

#[cfg(target_arch = "wasm32")]
pub use view::app::App;
