//! The widget's views. Each is a plain function of the `Chat` handle (and the focus targets)
//! returning a Leptos view: no context lookups or component wrappers, which measurably shrink
//! the wasm every embedding page downloads.

pub mod composer;
pub mod header;
pub mod icons;
pub mod launcher;
pub mod message_list;
pub mod panel;
pub mod rating;
