use baton_shared::avatar::validate_avatar_url;
use baton_shared::text::initials;
use leptos::prelude::*;

/// A person's picture, or their initials when there is none or the URL is not a safe one.
#[component]
pub fn Avatar(name: String, url: Option<String>, #[prop(optional)] small: bool) -> impl IntoView {
    let class = if small { "avatar avatar-small" } else { "avatar" };
    match url.filter(|u| validate_avatar_url(u).is_ok()) {
        Some(src) => view! { <img class=class src=src alt="" /> }.into_any(),
        None => view! { <span class=class aria-hidden="true">{initials(&name)}</span> }.into_any(),
    }
}
