//! The conversation as a live log, the rating prompt, and the other side's typing indicator.
//!
//! The log's items are kept in the DOM by `sync` rather than `<For>`: the list only grows at
//! the end or changes its last few items, and a common-prefix diff does that in a fraction of
//! the generic keyed diff's 18 KB of wasm, which every page embedding the widget downloads.

use baton_shared::i18n::{Text, Texts};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::connection::Chat;
use crate::links;
use crate::transcript::{Item, Status, Transcript, Who};
use crate::view::rating::rating;

pub fn message_list(chat: Chat) -> impl IntoView {
    let wants_rating = move || chat.model.with(Transcript::wants_rating);
    let typing = move || chat.model.with(Transcript::typing).map(|(label, _)| label);
    let log = NodeRef::<html::Div>::new();
    let items = NodeRef::<html::Div>::new();
    let shown = StoredValue::new_local(Shown::default());
    // Follows the conversation to its end when something new shows or the panel opens, but
    // leaves the reader where they are on other changes (typing, connection state).
    Effect::new(move |was_open: Option<bool>| {
        let (next, texts) = chat.model.with(|m| (m.items(), m.texts));
        let open = chat.model.with(|m| m.is_open());
        let changed = items.get().is_some_and(|container| {
            shown.try_update_value(|shown| sync(&container, shown, next, texts)).unwrap_or(false)
        });
        if open && (changed || was_open != Some(true)) {
            request_animation_frame(move || {
                if let Some(log) = log.get_untracked() {
                    log.set_scroll_top(log.scroll_height());
                }
            });
        }
        open
    });
    // One listener for every "Retry" button the log ever shows.
    let retry = move |ev: leptos::ev::MouseEvent| {
        let id = ev.target().and_then(|t| t.dyn_into::<Element>().ok()).and_then(|e| e.get_attribute("data-retry"));
        if let Some(id) = id {
            chat.retry_message(&id);
        }
    };
    view! {
        <div class="log" role="log" aria-live="polite" aria-label=move || chat.text(Text::Conversation) tabindex="0" node_ref=log on:click=retry>
            <div class="items" node_ref=items></div>
            {move || wants_rating().then(|| rating(chat))}
        </div>
        {move || {
            typing()
                .map(|label| {
                    view! {
                        <div class="typing">
                            <span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>
                            {label}
                        </div>
                    }
                })
        }}
    }
}

/// What the list shows, and in which words.
#[derive(Default)]
struct Shown {
    items: Vec<(Item, Element)>,
    texts: Texts,
}

/// Makes `container` show `next`: keeps the unchanged prefix, replaces the rest. Returns
/// whether anything changed.
fn sync(container: &Element, shown: &mut Shown, next: Vec<Item>, texts: Texts) -> bool {
    // In another language every item is built again: its status line is in words.
    if shown.texts != texts {
        shown.texts = texts;
        shown.items.truncate(0);
        container.set_text_content(None);
    }
    let shown = &mut shown.items;
    let keep = shown.iter().zip(&next).take_while(|((old, _), new)| old == *new).count();
    if keep == shown.len() && keep == next.len() {
        return false;
    }
    for (_, element) in shown.drain(keep..) {
        element.remove();
    }
    let Some(document) = container.owner_document() else {
        return true;
    };
    for item in next.into_iter().skip(keep) {
        // `shown` must stay a prefix of what should show; a failure is retried next time.
        let Some(element) = build(&document, &item, texts) else {
            break;
        };
        let _ = container.append_child(&element);
        shown.push((item, element));
    }
    true
}

/// Builds one item. Every string goes in as text content, never as markup.
fn build(document: &Document, item: &Item, texts: Texts) -> Option<Element> {
    let element = document.create_element("div").ok()?;
    match item {
        Item::Message { who, author, text, status, client_id, first, .. } => {
            let class = match who {
                Who::Customer => "me",
                Who::Bot => "bot",
                Who::Agent => "agent",
            };
            element.set_class_name(&format!("msg {class}{}", if *first { " first" } else { "" }));
            // Every message names its author; a run shows it once and keeps it for screen readers.
            append(document, &element, if *first { "by" } else { "by sr" }, author)?;
            let bubble = append(document, &element, "bubble", "")?;
            // The customer's own words stay as typed; the bot's and agents' addresses are links.
            let linked = if *who == Who::Customer { vec![(text.as_str(), false)] } else { links::split(text) };
            for (run, link) in linked {
                let node: web_sys::Node = if link {
                    let a = document.create_element("a").ok()?;
                    for (name, value) in [("href", run), ("target", "_blank"), ("rel", "noopener noreferrer")] {
                        let _ = a.set_attribute(name, value);
                    }
                    a.set_text_content(Some(run));
                    a.into()
                } else {
                    document.create_text_node(run).into()
                };
                bubble.append_child(&node).ok()?;
            }
            if let Some(status) = status {
                let _ = element.set_attribute("data-status", status.as_str());
                let label = texts.get(match status {
                    Status::Pending => Text::Sending,
                    Status::Sent => Text::Sent,
                    Status::Failed => Text::NotSent,
                });
                let line = append(document, &element, "st", label)?;
                if let (Status::Failed, Some(id)) = (status, client_id) {
                    let button = document.create_element("button").ok()?;
                    let _ = button.set_attribute("type", "button");
                    let _ = button.set_attribute("data-retry", id);
                    button.set_text_content(Some(texts.get(Text::Retry)));
                    line.append_child(&button).ok()?;
                }
            }
        }
        Item::Notice { text, .. } => {
            element.set_class_name("note");
            element.set_text_content(Some(text));
        }
    }
    Some(element)
}

fn append(document: &Document, parent: &Element, class: &str, text: &str) -> Option<Element> {
    let child = document.create_element("div").ok()?;
    child.set_class_name(class);
    child.set_text_content(Some(text));
    parent.append_child(&child).ok()?;
    Some(child)
}
