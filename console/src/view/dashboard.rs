use baton_shared::protocol::{AuthorKind, ConversationSummary, Mode};
use leptos::prelude::*;

use crate::dashboard::DashboardFeed;
use crate::model::desk::{needs_text, queue_order, relaxed_text, seconds_left};
use crate::model::format::{flag_text, format_wait, mode_label, sentiment_label, summary_visitor_label};
use crate::model::triage::{Filter, Sort};

/// How the agent narrowed and ordered the list; kept by the workspace so it survives a visit
/// to another page.
#[derive(Clone, Copy)]
pub struct Triage {
    pub filter: RwSignal<Filter>,
    pub sort: RwSignal<Sort>,
}

impl Triage {
    pub fn new() -> Self {
        Triage { filter: RwSignal::new(Filter::default()), sort: RwSignal::new(Sort::default()) }
    }
}

/// Every active conversation of the site, waiting ones first, updated live.
#[component]
pub fn ConversationList(
    feed: DashboardFeed,
    triage: Triage,
    selected: ReadSignal<Option<String>>,
    on_select: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
    now: ReadSignal<u64>,
) -> impl IntoView {
    let ids = Memo::new(move |_| feed.model.with(|m| m.visible_ids(triage.filter.get(), triage.sort.get())));
    let counts = move || {
        feed.model.with(|m| {
            let waiting = m.waiting_count();
            let total = m.rows().len();
            if waiting > 0 { format!("{total} active · {waiting} waiting") } else { format!("{total} active") }
        })
    };
    view! {
        <div class="list-head">
            <div class="list-title">
                <h2>"Conversations"</h2>
                <span class="count">{counts}</span>
                <span class=move || format!("link link-{:?}", feed.status.get()).to_lowercase() role="status">
                    {move || feed.status.get().label()}
                </span>
            </div>
            <div class="list-tools">
                <select
                    aria-label="Filter conversations"
                    on:change=move |ev| triage.filter.set(Filter::parse(&event_target_value(&ev)))
                >
                    {Filter::options()
                        .into_iter()
                        .map(|f| {
                            view! {
                                <option value=f.value() prop:selected=move || triage.filter.get() == f>
                                    {f.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <select
                    aria-label="Sort conversations"
                    on:change=move |ev| triage.sort.set(Sort::parse(&event_target_value(&ev)))
                >
                    {Sort::ALL
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.value() prop:selected=move || triage.sort.get() == s>
                                    {s.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <label class="alert-toggle">
                    <input
                        type="checkbox"
                        prop:checked=move || feed.alerts_on.get()
                        on:change=move |ev| feed.set_alerts(event_target_checked(&ev))
                    />
                    "Alert me about new flags"
                </label>
            </div>
        </div>
        <DeskInbox feed=feed now=now />
        <QueueSection feed=feed selected=selected on_select=on_select now=now />
        <ul class="conv-list" aria-label="All conversations">
            <For each=move || ids.get() key=|id| id.clone() let(id)>
                <li>
                    <ConversationRow id=id feed=feed selected=selected on_select=on_select now=now />
                </li>
            </For>
        </ul>
        {move || {
            let (loaded, total) = feed.model.with(|m| (m.loaded, m.rows().len()));
            let text = match (loaded, total) {
                (false, _) => "Loading conversations…",
                (true, 0) => "No active conversations right now.",
                (true, _) => "No conversations match this filter.",
            };
            ids.with(Vec::is_empty).then(|| view! { <p class="empty-list muted">{text}</p> })
        }}
    }
}

/// What the desk says to this agent, and the offers waiting for their answer, with a countdown.
#[component]
fn DeskInbox(feed: DashboardFeed, now: ReadSignal<u64>) -> impl IntoView {
    let offers = move || feed.model.with(|m| m.desk.offers.clone());
    view! {
        <p class="desk-notice" role="status">{move || feed.model.with(|m| m.desk.notice.clone())}</p>
        {move || {
            let offers = offers();
            (!offers.is_empty()).then(|| view! {
                <section class="offers" aria-label="Offers">
                    {offers
                        .into_iter()
                        .map(|offer| {
                            let id = offer.row.id.clone();
                            let decline_id = id.clone();
                            let who = summary_visitor_label(&offer.row);
                            let needs = needs_text(&offer.row);
                            let relaxed = relaxed_text(&offer.relaxed);
                            let expires_at = offer.expires_at;
                            view! {
                                <div class="offer" role="group" aria-label=format!("Offer: {who}")>
                                    <p class="offer-title">"Conversation offered: " <strong>{who.clone()}</strong></p>
                                    <p class="preview">{offer.row.last_preview.clone()}</p>
                                    {needs.map(|n| view! { <p class="row-insight">"Needs " {n}</p> })}
                                    {relaxed.map(|r| view! { <p class="muted small">{r}</p> })}
                                    <p class="countdown" aria-live="off">
                                        {move || format!("{} s left", seconds_left(expires_at, now.get()))}
                                    </p>
                                    <div class="form-actions">
                                        <button type="button" class="primary"
                                            on:click=move |_| {
                                                feed.model.update(|m| m.desk.accepting(&id));
                                                feed.answer_offer(&id, true);
                                            }>"Accept"</button>
                                        <button type="button"
                                            on:click=move |_| { feed.answer_offer(&decline_id, false); }>"Decline"</button>
                                    </div>
                                </div>
                            }
                        })
                        .collect_view()}
                </section>
            })
        }}
    }
}

/// The queue in the order the desk serves it, never pushed out by recent conversations: what
/// each conversation needs and how long it has waited.
#[component]
fn QueueSection(
    feed: DashboardFeed,
    selected: ReadSignal<Option<String>>,
    on_select: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
    now: ReadSignal<u64>,
) -> impl IntoView {
    let queue = Memo::new(move |_| {
        feed.model.with(|m| queue_order(m.rows()).into_iter().cloned().collect::<Vec<ConversationSummary>>())
    });
    view! {
        <section class="queue" aria-label="Queue">
            <h3>"Queue " <span class="count">{move || queue.with(Vec::len)}</span></h3>
            {move || queue.with(Vec::is_empty).then(|| view! { <p class="muted small">"Nobody is waiting for a person."</p> })}
            <ul class="queue-list plain">
                {move || queue.get().into_iter().map(|row| {
                    let id = row.id.clone();
                    let current = id.clone();
                    let queued_at = row.queue.as_ref().map_or(row.updated_at, |n| n.queued_at);
                    let who = summary_visitor_label(&row);
                    let needs = needs_text(&row).unwrap_or_else(|| "anyone".to_string());
                    view! {
                        <li>
                            <button type="button" class="queue-row"
                                aria-current=move || selected.with(|s| s.as_deref() == Some(current.as_str())).then_some("true")
                                on:click=move |_| on_select(Some(id.clone()))>
                                <span class="visitor">{who}</span>
                                <span class="row-insight">"Needs " {needs}</span>
                                <span class="wait">"Waiting " {move || format_wait(now.get().saturating_sub(queued_at))}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
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
    let insight = move || {
        row.with(|r| {
            let r = r.as_ref()?;
            let parts: Vec<String> =
                r.intent.map(|i| i.label().to_string()).into_iter().chain(r.sentiment.map(sentiment_label)).collect();
            (!parts.is_empty()).then(|| parts.join(" · "))
        })
    };
    let flags = move || row.with(|r| r.as_ref().map(|r| r.flags.clone()).unwrap_or_default());
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
            class:flagged=move || row.with(|r| r.as_ref().is_some_and(|r| !r.flags.is_empty()))
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
            {move || insight().map(|text| view! { <span class="row-insight">{text}</span> })}
            {move || {
                let flags = flags();
                (!flags.is_empty())
                    .then(|| {
                        view! {
                            <span class="flags">
                                {flags
                                    .iter()
                                    .map(|f| {
                                        view! { <span class="flag" data-kind=f.kind.as_str()>{flag_text(f)}</span> }
                                    })
                                    .collect_view()}
                            </span>
                        }
                    })
            }}
            <span class="row-meta">
                <span class="holder">
                    {field(|r| r.holder.as_ref().map_or("Unassigned".to_string(), |h| h.name.clone()))}
                </span>
                {move || wait().map(|w| view! { <span class="wait" title="Waiting for an answer">"Waiting " {w}</span> })}
            </span>
        </button>
    }
}

/// `kind` is an `AuthorKind` name.
fn author_prefix(kind: &str) -> String {
    match AuthorKind::parse(kind) {
        Some(AuthorKind::Bot) => "Bot: ".to_string(),
        Some(AuthorKind::Agent) => "Agent: ".to_string(),
        Some(AuthorKind::Customer | AuthorKind::System) | None => String::new(),
    }
}
