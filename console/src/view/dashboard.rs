use baton_shared::protocol::{ConversationSummary, Mode};
use leptos::prelude::*;

use crate::dashboard::DashboardFeed;
use crate::model::format::{format_wait, mode_label, summary_visitor_label};

/// Every active conversation of the site, waiting ones first, updated live.
#[component]
pub fn ConversationList(
    feed: DashboardFeed,
    selected: ReadSignal<Option<String>>,
    on_select: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
    now: ReadSignal<u64>,
) -> impl IntoView {
    let ids = Memo::new(move |_| feed.model.with(|m| m.rows().iter().map(|r| r.id.clone()).collect::<Vec<_>>()));
    let counts = move || {
        feed.model.with(|m| {
            let waiting = m.waiting_count();
            let total = m.rows().len();
            if waiting > 0 { format!("{total} active · {waiting} waiting") } else { format!("{total} active") }
        })
    };
    view! {
        <div class="list-head">
            <h2>"Conversations"</h2>
            <span class="count">{counts}</span>
            <span class=move || format!("link link-{:?}", feed.status.get()).to_lowercase() role="status">
                {move || feed.status.get().label()}
            </span>
        </div>
        <ul class="conv-list">
            <For each=move || ids.get() key=|id| id.clone() let(id)>
                <li>
                    <ConversationRow id=id feed=feed selected=selected on_select=on_select now=now />
                </li>
            </For>
        </ul>
        {move || {
            let (loaded, empty) = feed.model.with(|m| (m.loaded, m.rows().is_empty()));
            let text = if !loaded { "Loading conversations…" } else { "No active conversations right now." };
            empty.then(|| view! { <p class="empty-list muted">{text}</p> })
        }}
    }
}

#[component]
fn ConversationRow(
    id: String,
    feed: DashboardFeed,
    selected: ReadSignal<Option<String>>,
    on_select: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
    now: ReadSignal<u64>,
) -> impl IntoView {
    let row_id = id.clone();
    let row = Memo::new(move |_| feed.model.with(|m| m.get(&row_id).cloned()));
    let field =
        move |f: fn(&ConversationSummary) -> String| move || row.with(|r| r.as_ref().map(f).unwrap_or_default());
    let mode = move || row.with(|r| r.as_ref().map_or(Mode::Bot, |r| r.mode));
    let wait = move || {
        let since = row.with(|r| r.as_ref().and_then(|r| r.waiting_since))?;
        Some(format_wait(now.get().saturating_sub(since)))
    };
    let is_selected = {
        let id = id.clone();
        move || selected.with(|s| s.as_deref() == Some(id.as_str()))
    };
    let click_id = id.clone();
    view! {
        <button
            type="button"
            class="row"
            class:selected=is_selected.clone()
            class:waiting=move || wait().is_some()
            aria-current=move || is_selected().then_some("true")
            on:click=move |_| on_select(Some(click_id.clone()))
        >
            <span class="row-top">
                <span class="visitor">{field(summary_visitor_label)}</span>
                <span class=move || format!("badge mode-{}", mode().as_str())>{move || mode_label(mode())}</span>
            </span>
            <span class="preview">
                <span class="preview-author">{field(|r| author_prefix(&r.last_author))}</span>
                {field(|r| r.last_preview.clone())}
            </span>
            <span class="row-meta">
                <span class="holder">
                    {field(|r| r.holder.as_ref().map_or("Unassigned".to_string(), |h| h.name.clone()))}
                </span>
                {move || wait().map(|w| view! { <span class="wait" title="Waiting for an answer">"Waiting " {w}</span> })}
            </span>
        </button>
    }
}

fn author_prefix(kind: &str) -> String {
    match kind {
        "bot" => "Bot: ".to_string(),
        "agent" => "Agent: ".to_string(),
        _ => String::new(),
    }
}
