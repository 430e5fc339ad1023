//! The History screen: every closed conversation of the site, searched and filtered, page by
//! page, and one read back without any control that could change it. Supervisors also erase a
//! conversation, or every conversation of a visitor, for good.

use baton_shared::history::{HistoryRecord, MAX_SEARCH_CHARS};
use baton_shared::protocol::{AccountRole, LoginResponse};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html::{Button, H2};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

use crate::api;
use crate::dashboard::DashboardFeed;
use crate::model::conversation::EntryKind;
use crate::model::history::{
    HistoryFilters, HistoryList, HistoryRow, PageRequest, RecordLine, erase_email, erased_text, flag_options,
    history_row, holding_lines, outcome_options, rating_options, record_facts, record_lines, record_summary,
    record_visitor,
};
use crate::view::app::Auth;
use crate::view::avatar::Avatar;

/// The viewer's offset from UTC (minutes, east positive) at an instant, daylight saving included.
pub(crate) fn offset_at(ms: u64) -> i64 {
    -(js_sys::Date::new(&JsValue::from_f64(ms as f64)).get_timezone_offset() as i64)
}

/// What the History screen shows, kept by the workspace so a visit to another page keeps the
/// search, its rows and the conversation being read.
#[derive(Clone, Copy)]
pub struct HistoryState {
    pub filters: RwSignal<HistoryFilters>,
    pub list: RwSignal<HistoryList>,
    /// The closed conversation being read; `None` shows the list.
    pub open: RwSignal<Option<String>>,
    /// The row to give focus back to on "Back to history".
    return_to: RwSignal<Option<String>>,
}

impl HistoryState {
    pub fn new() -> Self {
        HistoryState {
            filters: RwSignal::new(HistoryFilters::default()),
            list: RwSignal::new(HistoryList::default()),
            open: RwSignal::new(None),
            return_to: RwSignal::new(None),
        }
    }
}

/// The site and token every call of the screen needs. Calls can start after an await (a
/// refresh after an erasure), when the agent may have left the screen: then there is none,
/// where a plain read of a disposed value would panic.
#[derive(Clone, Copy)]
pub(crate) struct Caller {
    site: StoredValue<String>,
    token: StoredValue<String>,
}

impl Caller {
    pub(crate) fn new(site: String, token: String) -> Self {
        Caller { site: StoredValue::new(site), token: StoredValue::new(token) }
    }

    pub(crate) fn get(&self) -> Option<(String, String)> {
        Some((self.site.try_get_value()?, self.token.try_get_value()?))
    }
}

/// Focus for an element that may have left the page meanwhile.
pub(crate) fn focus<E>(node: NodeRef<E>)
where
    E: leptos::html::ElementType,
    E::Output: JsCast + Clone + 'static,
{
    if let Some(el) = node.try_get_untracked().flatten() {
        let _ = el.unchecked_ref::<web_sys::HtmlElement>().focus();
    }
}

#[component]
pub fn HistoryPage(auth: Auth, login: LoginResponse, feed: DashboardFeed, state: HistoryState) -> impl IntoView {
    let caller = Caller::new(auth.site.get_value(), login.token.clone());
    let supervisor = login.role == AccountRole::Supervisor;
    let bot_name = StoredValue::new(login.site.bot_name.clone());
    let status = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let heading = NodeRef::<H2>::new();

    // Each page call reports to the list, which keeps only the latest request's answer.
    let run = move |request: PageRequest| {
        let Some((site, token)) = caller.get() else { return };
        spawn_local(async move {
            match api::history(&site, &token, &request.query).await {
                Ok(page) => state.list.update(|l| {
                    l.receive(request.id, page);
                }),
                Err(e) => {
                    let current = state.list.try_update(|l| l.failed(request.id)).unwrap_or(false);
                    if current {
                        auth.report(e, error);
                    }
                }
            }
        });
    };
    // Coming (back) to the screen shows the same search, fresh: conversations close all the time.
    if let Some(request) = state.list.try_update(HistoryList::refresh) {
        run(request);
    }

    let search = move || match state.filters.with_untracked(|f| f.query(&offset_at)) {
        Ok(query) => {
            error.set(None);
            status.set(None);
            if let Some(request) = state.list.try_update(|l| l.search(query)) {
                run(request);
            }
        }
        Err(message) => error.set(Some(message)),
    };
    let load_more = move || {
        if let Some(request) = state.list.try_update(HistoryList::load_more).flatten() {
            error.set(None);
            run(request);
        }
    };
    let open = move |id: String| {
        error.set(None);
        status.set(None);
        state.return_to.set(Some(id.clone()));
        state.open.set(Some(id));
    };
    let back = move || {
        error.set(None);
        state.open.set(None);
    };
    let deleted = move |id: String| {
        state.list.update(|l| l.remove(&id));
        state.return_to.set(None);
        state.open.set(None);
        status.set(Some("Conversation deleted for good.".into()));
        focus(heading);
    };
    let visitor_erased = move |text: String| {
        status.set(Some(text));
        // Which rows were that visitor's only the server knows: ask again.
        if let Some(request) = state.list.try_update(HistoryList::refresh) {
            run(request);
        }
    };

    view! {
        <div class="page history">
            <header class="page-head">
                <h2 node_ref=heading tabindex="-1">"History"</h2>
                <p class="muted">"Every closed conversation of the site, newest first. Open one to read it as it ended."</p>
            </header>
            <p class="notice" role="status">{move || status.get()}</p>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || match state.open.get() {
                Some(id) => view! {
                    <RecordView id=id auth=auth caller=caller supervisor=supervisor bot_name=bot_name.get_value()
                        state=state on_back=back on_deleted=deleted />
                }
                .into_any(),
                None => view! {
                    <SearchForm feed=feed state=state on_search=search />
                    <Results state=state on_open=open on_more=load_more />
                    {supervisor.then(|| view! {
                        <EraseVisitorForm auth=auth caller=caller error=error on_erased=visitor_erased />
                    })}
                }
                .into_any(),
            }}
        </div>
    }
}

/// The search box and the filters, sent together by "Search" or Enter in any field.
#[component]
fn SearchForm(
    feed: DashboardFeed,
    state: HistoryState,
    on_search: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let filters = state.filters;
    let edit = move |f: fn(&mut HistoryFilters, String), value: String| filters.update(|form| f(form, value));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        on_search();
    };
    let clear = move |_| {
        filters.update(|f| *f = HistoryFilters { q: f.q.clone(), ..HistoryFilters::default() });
        on_search();
    };
    // Everyone who can hold a conversation, deactivated accounts too: they held some once.
    let agents = Memo::new(move |_| {
        let mut agents: Vec<(String, String)> = feed.model.with(|m| {
            m.team
                .iter()
                .map(|t| {
                    let name = if t.active { t.agent.name.clone() } else { format!("{} (deactivated)", t.agent.name) };
                    (t.agent.id.clone(), name)
                })
                .collect()
        });
        agents.sort_by_key(|(_, name)| name.to_lowercase());
        agents
    });

    view! {
        <form class="panel history-search" role="search" aria-label="Search the history" on:submit=submit>
            <div class="search-row">
                <label for="history-q">"Search conversations"</label>
                <input id="history-q" type="search" autocomplete="off" maxlength=MAX_SEARCH_CHARS
                    aria-describedby="history-q-hint"
                    prop:value=move || filters.with(|f| f.q.clone())
                    on:input=move |ev| edit(|f, v| f.q = v, event_target_value(&ev)) />
                <button type="submit" class="primary">"Search"</button>
            </div>
            <span id="history-q-hint" class="field-hint">
                "Words from the messages and notes, the visitor's name or email, or an agent's name."
            </span>
            <div class="history-filters">
                <FilterDate id="history-from" label="From" filters=filters read=|f| f.from.clone() write=|f, v| f.from = v />
                <FilterDate id="history-to" label="To" filters=filters read=|f| f.to.clone() write=|f, v| f.to = v />
                <div class="field">
                    <label for="history-agent">"Agent"</label>
                    <select id="history-agent" on:change=move |ev| edit(|f, v| f.agent = v, event_target_value(&ev))>
                        <option value="" prop:selected=move || filters.with(|f| f.agent.is_empty())>"Any agent"</option>
                        {move || agents.get().into_iter().map(|(id, name)| {
                            let chosen = id.clone();
                            view! {
                                <option value=id prop:selected=move || filters.with(|f| f.agent == chosen)>{name}</option>
                            }
                        }).collect_view()}
                    </select>
                </div>
                <FilterSelect id="history-outcome" label="Outcome" options=outcome_options() filters=filters
                    read=|f| f.outcome.clone() write=|f, v| f.outcome = v />
                <FilterSelect id="history-rating" label="Rating" options=rating_options() filters=filters
                    read=|f| f.rating.clone() write=|f, v| f.rating = v />
                <FilterSelect id="history-flag" label="Flag" options=flag_options() filters=filters
                    read=|f| f.flag.clone() write=|f, v| f.flag = v />
                <button type="button" class="clear-filters" on:click=clear>"Clear filters"</button>
            </div>
        </form>
    }
}

/// A labelled date input.
#[component]
fn FilterDate(
    id: &'static str,
    label: &'static str,
    filters: RwSignal<HistoryFilters>,
    read: fn(&HistoryFilters) -> String,
    write: fn(&mut HistoryFilters, String),
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="date"
                prop:value=move || filters.with(read)
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    filters.update(|f| write(f, value));
                } />
        </div>
    }
}

/// A labelled select of fixed options, "Any" first.
#[component]
fn FilterSelect(
    id: &'static str,
    label: &'static str,
    options: Vec<(&'static str, &'static str)>,
    filters: RwSignal<HistoryFilters>,
    read: fn(&HistoryFilters) -> String,
    write: fn(&mut HistoryFilters, String),
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| {
                let value = event_target_value(&ev);
                filters.update(|f| write(f, value));
            }>
                {options.into_iter().map(|(value, text)| view! {
                    <option value=value prop:selected=move || filters.with(|f| read(f) == value)>{text}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// The rows found so far, "Load more", and the empty state.
#[component]
fn Results(
    state: HistoryState,
    on_open: impl Fn(String) + Copy + Send + Sync + 'static,
    on_more: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let list = state.list;
    let rows =
        Memo::new(move |_| list.with(|l| l.entries().iter().map(|e| history_row(e, &offset_at)).collect::<Vec<_>>()));
    let searching = Memo::new(move |_| list.with(HistoryList::searching));
    let count = move || {
        list.with(|l| match (l.loaded(), l.searching()) {
            (_, true) => "Searching…".to_string(),
            (false, false) => String::new(),
            (true, false) => l.count_text(),
        })
    };
    view! {
        <section class="panel history-results" aria-label="Closed conversations"
            aria-busy=move || searching.get().then_some("true")>
            <div class="panel-head">
                <h3>"Closed conversations"</h3>
                <span class="count" aria-live="polite">{count}</span>
            </div>
            <ul class="history-list">
                <For each=move || rows.get() key=|row| row.clone() let(row)>
                    <li><RowButton row=row return_to=state.return_to on_open=on_open /></li>
                </For>
            </ul>
            {move || list.with(HistoryList::is_empty_result).then(|| view! {
                <p class="empty-list muted">"No closed conversations match."</p>
            })}
            {move || list.with(|l| !l.loaded() && l.searching()).then(|| view! {
                <p class="empty-list muted">"Loading closed conversations…"</p>
            })}
            {move || list.with(HistoryList::has_more).then(|| view! {
                <div class="load-more">
                    <button type="button" disabled=move || list.with(|l| l.searching() || l.loading_more())
                        on:click=move |_| on_more()>
                        "Load more"
                    </button>
                </div>
            })}
        </section>
    }
}

/// One closed conversation in the list; its whole text is the button's name, visitor and
/// preview first.
#[component]
fn RowButton(
    row: HistoryRow,
    return_to: RwSignal<Option<String>>,
    on_open: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let button = NodeRef::<Button>::new();
    let id = StoredValue::new(row.id.clone());
    // Back from reading this conversation: focus lands where the agent left the list.
    Effect::new(move |_| {
        let Some(el) = button.get() else { return };
        if return_to.with_untracked(|r| r.as_deref() == Some(id.get_value().as_str())) {
            return_to.set(None);
            let _ = el.focus();
        }
    });
    let rating = row.rating.clone().map(|(shown, spoken)| {
        view! {
            <span class="history-rating">
                <span aria-hidden="true">{shown}</span>
                <span class="sr-only">{spoken}</span>
            </span>
        }
    });
    view! {
        <button type="button" class="history-row" node_ref=button on:click=move |_| on_open(id.get_value())>
            <span class="row-top">
                <span class="visitor">{row.visitor.clone()}</span>
                <span class=format!("badge outcome-{}", row.outcome_key)>{row.outcome}</span>
                <span class="history-closed">{row.closed.clone()}</span>
            </span>
            {row.email.clone().map(|e| view! { <span class="muted small">{e}</span> })}
            <span class="preview">{row.preview.clone()}</span>
            <span class="row-meta">
                <span>{row.closed_because}</span>
                {row.agents.clone().map(|a| view! { <span>{a}</span> })}
                {rating}
            </span>
            {(!row.flags.is_empty()).then(|| view! {
                <span class="flags">
                    {row.flags.iter().map(|&(kind, label)| view! {
                        <span class="flag" data-kind=kind>{label}</span>
                    }).collect_view()}
                </span>
            })}
        </button>
    }
}

/// One closed conversation, read-only: transcript, details, summary and who held it.
#[component]
fn RecordView(
    id: String,
    auth: Auth,
    caller: Caller,
    supervisor: bool,
    bot_name: String,
    state: HistoryState,
    on_back: impl Fn() + Copy + Send + Sync + 'static,
    on_deleted: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (record, error) = load_record(id, auth, caller);
    let bot_name = StoredValue::new(bot_name);
    move || match record.get() {
        Some(r) => view! {
            <ClosedConversation record=r auth=auth caller=caller supervisor=supervisor bot_name=bot_name.get_value()
                state=state on_back=on_back on_deleted=on_deleted />
        }
        .into_any(),
        None => view! { <RecordLoading error=error back="Back to history" on_back=on_back /> }.into_any(),
    }
}

/// Starts reading closed conversation `id`: the record once it comes, or why it did not.
pub(crate) fn load_record(
    id: String,
    auth: Auth,
    caller: Caller,
) -> (RwSignal<Option<HistoryRecord>>, RwSignal<Option<String>>) {
    let record = RwSignal::new(None::<HistoryRecord>);
    let error = RwSignal::new(None::<String>);
    if let Some((site, token)) = caller.get() {
        spawn_local(async move {
            match api::history_record(&site, &token, &id).await {
                Ok(r) => record.set(Some(r)),
                Err(e) => auth.report(e, error),
            }
        });
    }
    (record, error)
}

/// While the record comes, or why it did not; `back` names the way back to the list.
#[component]
pub(crate) fn RecordLoading(
    error: RwSignal<Option<String>>,
    back: &'static str,
    on_back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = move || error.with(Option::is_none).then_some("true");
    view! {
        <section class="history-record" aria-label="Closed conversation" aria-busy=busy>
            <BackButton label=back on_back=on_back />
            {move || match error.get() {
                Some(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                None => view! { <p class="muted loading">"Loading conversation…"</p> }.into_any(),
            }}
        </section>
    }
}

/// "Back to history"; the arrow is decoration, so the name is the words alone.
#[component]
pub(crate) fn BackButton(label: &'static str, on_back: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    view! {
        <button type="button" class="ghost history-back" on:click=move |_| on_back()>
            <span aria-hidden="true">"← "</span>
            {label}
        </button>
    }
}

#[component]
fn ClosedConversation(
    record: HistoryRecord,
    auth: Auth,
    caller: Caller,
    supervisor: bool,
    bot_name: String,
    state: HistoryState,
    on_back: impl Fn() + Copy + Send + Sync + 'static,
    on_deleted: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let visitor = record_visitor(&record);
    let previous = record.entry.previous.clone();
    let id = StoredValue::new(record.entry.id.clone());
    view! {
        <section class="history-record" aria-label=format!("Closed conversation with {visitor}")>
            <header class="record-head">
                <BackButton label="Back to history" on_back=on_back />
                <RecordTitle record=record.clone() />
                <div class="actions">
                    {previous.map(|prev| view! {
                        <button type="button" on:click=move |_| state.open.set(Some(prev.clone()))>
                            "Previous conversation"
                        </button>
                    })}
                    {supervisor.then(|| view! {
                        <DeleteButton id=id.get_value() auth=auth caller=caller on_deleted=on_deleted />
                    })}
                </div>
            </header>
            <RecordBody record=record bot_name=bot_name />
        </section>
    }
}

/// The visitor's name as the heading, with how the conversation ended. The heading takes focus:
/// screen reader users land on the conversation they opened, not at the top of the page.
#[component]
pub(crate) fn RecordTitle(record: HistoryRecord) -> impl IntoView {
    let outcome = record.entry.outcome;
    let heading = NodeRef::<H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <div class="pane-title">
            <h2 node_ref=heading tabindex="-1">{record_visitor(&record)}</h2>
            <p class="holder-line">
                <span class=format!("badge outcome-{}", outcome.as_str())>{outcome.label()}</span>
                <span class="badge mode-closed">"Closed"</span>
            </p>
        </div>
    }
}

/// A closed conversation read back: its transcript beside its details, summary and who held
/// it, without any control that could change it. The Offline messages screen shows the same.
#[component]
pub(crate) fn RecordBody(record: HistoryRecord, bot_name: String) -> impl IntoView {
    let lines = record_lines(&record, &bot_name, &offset_at);
    let facts = record_facts(&record, &offset_at);
    let summary = record_summary(&record);
    let holdings = holding_lines(&record, &offset_at);
    view! {
        <div class="record-body">
            <ol class="transcript record-transcript" aria-label="Transcript">
                {lines.into_iter().map(|line| view! { <RecordEntry line=line /> }).collect_view()}
            </ol>
            <div class="record-side">
                <section class="panel" aria-labelledby="record-details-title">
                    <h3 id="record-details-title">"Details"</h3>
                    <dl class="facts">
                        {facts.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                    </dl>
                </section>
                <section class="panel" aria-labelledby="record-summary-title">
                    <h3 id="record-summary-title">"Summary"</h3>
                    {match summary {
                        Some(s) => view! { <p class="record-summary">{s}</p> }.into_any(),
                        None => view! { <p class="muted">"No summary was written for this conversation."</p> }.into_any(),
                    }}
                </section>
                <section class="panel" aria-labelledby="record-holders-title">
                    <h3 id="record-holders-title">"Who held it"</h3>
                    <ul class="plain holdings" aria-labelledby="record-holders-title">
                        {if holdings.is_empty() {
                            view! { <li class="muted">"No agent held it; the bot handled it alone."</li> }.into_any()
                        } else {
                            holdings.into_iter().map(|h| view! { <li>{h}</li> }).collect_view().into_any()
                        }}
                    </ul>
                </section>
            </div>
        </div>
    }
}

/// A transcript line as the live view draws it, without any control.
#[component]
fn RecordEntry(line: RecordLine) -> impl IntoView {
    if line.kind == EntryKind::Notice {
        return view! {
            <li class="entry entry-notice">
                <span class="notice-text">{line.text}</span>
                <time>{line.time}</time>
            </li>
        }
        .into_any();
    }
    let kind = match line.kind {
        EntryKind::Customer => "customer",
        EntryKind::Bot => "bot",
        EntryKind::Agent => "agent",
        EntryKind::Note => "note",
        EntryKind::Notice => "notice",
    };
    let show_avatar = matches!(line.kind, EntryKind::Agent | EntryKind::Note) && line.who != "System";
    let tag_class = match line.kind {
        EntryKind::Note => "tag tag-note",
        EntryKind::Customer => "tag tag-left",
        _ => "tag",
    };
    view! {
        <li class=format!("entry entry-{kind}")>
            <div class="entry-head">
                {show_avatar.then(|| view! { <Avatar name=line.who.clone() url=line.avatar.clone() small=true /> })}
                <span class="who">{line.who}</span>
                {line.tag.map(|t| view! { <span class=tag_class>{t}</span> })}
                <time>{line.time}</time>
            </div>
            <div class="bubble">{line.text}</div>
            {line.detail.map(|d| view! { <div class="bot-meta">{d}</div> })}
        </li>
    }
    .into_any()
}

/// "Delete conversation" and its confirmation, for supervisors.
#[component]
fn DeleteButton(
    id: String,
    auth: Auth,
    caller: Caller,
    on_deleted: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let trigger = NodeRef::<Button>::new();
    let id = StoredValue::new(id);
    let confirm = move || {
        if busy.get_untracked() {
            return;
        }
        let (Some((site, token)), id) = (caller.get(), id.get_value()) else { return };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let done = api::erase_conversation(&site, &token, &id).await;
            busy.set(false);
            match done {
                Ok(_) => {
                    open.set(false);
                    on_deleted(id);
                }
                Err(e) => auth.report(e, error),
            }
        });
    };
    let cancel = move || {
        open.set(false);
        focus(trigger);
    };
    view! {
        <button type="button" class="danger" node_ref=trigger on:click=move |_| {
            error.set(None);
            open.set(true);
        }>
            "Delete conversation"
        </button>
        {move || open.get().then(|| view! {
            <ConfirmDialog
                ids="delete-conversation"
                title="Delete this conversation?"
                text="It is erased for good from the history and from the conversation itself: the transcript, \
                      notes, summary and rating. This cannot be undone."
                    .to_string()
                confirm="Delete for good"
                busy=busy
                error=error
                on_confirm=confirm
                on_cancel=cancel
            />
        })}
    }
}

/// For a visitor's request to be forgotten: every closed conversation of an email, erased.
#[component]
fn EraseVisitorForm(
    auth: Auth,
    caller: Caller,
    /// The page's alert, for an email that is not one.
    error: RwSignal<Option<String>>,
    on_erased: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    // The email the dialog asks about, fixed when it opens so editing the field cannot change it.
    let asking = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let dialog_error = RwSignal::new(None::<String>);
    let trigger = NodeRef::<Button>::new();

    let ask = move |ev: SubmitEvent| {
        ev.prevent_default();
        match erase_email(&email.get_untracked()) {
            Ok(address) => {
                error.set(None);
                dialog_error.set(None);
                asking.set(Some(address));
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let confirm = move || {
        let Some(address) = asking.get_untracked() else { return };
        if busy.get_untracked() {
            return;
        }
        let Some((site, token)) = caller.get() else { return };
        busy.set(true);
        dialog_error.set(None);
        spawn_local(async move {
            let done = api::erase_visitor(&site, &token, &address).await;
            busy.set(false);
            match done {
                Ok(n) => {
                    asking.set(None);
                    email.set(String::new());
                    on_erased(erased_text(n, &address));
                    focus(trigger);
                }
                Err(e) => auth.report(e, dialog_error),
            }
        });
    };
    let cancel = move || {
        asking.set(None);
        focus(trigger);
    };
    view! {
        <section class="panel erase-visitor">
            <form class="erase-form" aria-labelledby="erase-visitor-title" novalidate=true on:submit=ask>
                <h3 id="erase-visitor-title">"Erase a visitor's data"</h3>
                <p class="muted small" id="erase-visitor-hint">
                    "Every closed conversation of this email is erased for good, for a visitor who asks to be forgotten."
                </p>
                <div class="erase-row">
                    <div class="field">
                        <label for="erase-email">"Visitor email"</label>
                        <input id="erase-email" type="email" autocomplete="off" aria-describedby="erase-visitor-hint"
                            prop:value=move || email.get()
                            on:input=move |ev| email.set(event_target_value(&ev)) />
                    </div>
                    <button type="submit" class="danger" node_ref=trigger>"Erase visitor data"</button>
                </div>
            </form>
            {move || asking.get().map(|address| view! {
                <ConfirmDialog
                    ids="erase-visitor"
                    title="Erase every conversation of this visitor?"
                    text=format!(
                        "Every closed conversation of {address} is erased for good from the history and from the \
                         conversations themselves. This cannot be undone."
                    )
                    confirm="Erase for good"
                    busy=busy
                    error=dialog_error
                    on_confirm=confirm
                    on_cancel=cancel
                />
            })}
        </section>
    }
}

/// A modal yes-or-no for something that cannot be undone. Focus starts on "Cancel", the safe
/// answer; Tab stays between the two buttons and Escape cancels.
#[component]
fn ConfirmDialog(
    /// Prefix of the dialog's element ids.
    ids: &'static str,
    title: &'static str,
    text: String,
    confirm: &'static str,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    on_confirm: impl Fn() + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (title_id, labelled_by) = (format!("{ids}-title"), format!("{ids}-title"));
    let (text_id, described_by) = (format!("{ids}-text"), format!("{ids}-text"));
    let confirm_button = NodeRef::<Button>::new();
    let cancel_button = NodeRef::<Button>::new();
    Effect::new(move |_| {
        if let Some(b) = cancel_button.get() {
            let _ = b.focus();
        }
    });
    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            on_cancel();
        }
        "Tab" => {
            ev.prevent_default();
            let active = document().active_element();
            let on_cancel_button = cancel_button
                .get_untracked()
                .is_some_and(|b| active.as_ref().is_some_and(|a| AsRef::<web_sys::Element>::as_ref(&b) == a));
            let next = if on_cancel_button && !busy.get_untracked() { confirm_button.get_untracked() } else { None };
            match next {
                Some(b) => {
                    let _ = b.focus();
                }
                None => {
                    if let Some(b) = cancel_button.get_untracked() {
                        let _ = b.focus();
                    }
                }
            }
        }
        _ => {}
    };
    view! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby=labelled_by
                aria-describedby=described_by on:keydown=on_keydown>
                <h3 id=title_id>{title}</h3>
                <p id=text_id>{text}</p>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <div class="form-actions">
                    <button type="button" class="danger-solid" node_ref=confirm_button disabled=move || busy.get()
                        on:click=move |_| on_confirm()>
                        {confirm}
                    </button>
                    <button type="button" node_ref=cancel_button on:click=move |_| on_cancel()>"Cancel"</button>
                </div>
            </div>
        </div>
    }
}
