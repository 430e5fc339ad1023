//! The Offline messages screen: what customers left for the team when nobody could come, each
//! with its conversation to read and, until someone answers it, a reply form. The answer goes
//! out by email through the site's webhook; here it is recorded with who sent it.

use baton_shared::history::HistoryRecord;
use baton_shared::protocol::LoginResponse;
use leptos::ev::SubmitEvent;
use leptos::html::{Button, Div};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::model::history::record_visitor;
use crate::model::offline::{Answered, OfflineInbox, OfflineRow, ReplyDraft, offline_row, sent_text};
use crate::view::app::Auth;
use crate::view::history::{BackButton, Caller, RecordBody, RecordLoading, RecordTitle, load_record, offset_at};

/// What the screen shows, kept by the workspace so replies being written, and the conversation
/// being read, survive a visit to another page.
#[derive(Clone, Copy)]
pub struct OfflineState {
    pub inbox: RwSignal<OfflineInbox>,
    /// The conversation being read; `None` shows the list.
    open: RwSignal<Option<String>>,
    /// The "View conversation" button to give focus back to on the way back.
    return_to: RwSignal<Option<String>>,
    /// The item just answered: its reply form is gone, so focus moves to the answer.
    answered_now: RwSignal<Option<String>>,
}

impl OfflineState {
    pub fn new() -> Self {
        OfflineState {
            inbox: RwSignal::new(OfflineInbox::default()),
            open: RwSignal::new(None),
            return_to: RwSignal::new(None),
            answered_now: RwSignal::new(None),
        }
    }
}

#[component]
pub fn OfflinePage(auth: Auth, login: LoginResponse, state: OfflineState) -> impl IntoView {
    let caller = Caller::new(auth.site.get_value(), login.token.clone());
    let bot_name = StoredValue::new(login.site.bot_name.clone());
    let status = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);

    // Each load reports to the inbox, which keeps only the latest one's answer.
    let load = move || {
        let Some((site, token)) = caller.get() else { return };
        let Some(id) = state.inbox.try_update(OfflineInbox::load) else { return };
        error.set(None);
        spawn_local(async move {
            match api::offline_messages(&site, &token).await {
                Ok(messages) => {
                    state.inbox.try_update(|i| i.receive(id, messages));
                }
                Err(e) => {
                    if state.inbox.try_update(|i| i.failed(id)).unwrap_or(false) {
                        auth.report(e, error);
                    }
                }
            }
        });
    };
    // Opening the screen shows the list fresh: messages arrive, and colleagues answer them.
    load();

    let reply = move |conversation: String| {
        let Some((site, token)) = caller.get() else { return };
        let Some(body) = state.inbox.try_update(|i| i.send(&conversation)).flatten() else { return };
        status.set(None);
        spawn_local(async move {
            match api::reply_offline(&site, &token, &conversation, &body).await {
                Ok(message) => {
                    // The page may be gone by now; the inbox outlives it.
                    status.try_set(Some(sent_text(&message.email)));
                    state.answered_now.try_set(Some(conversation));
                    state.inbox.try_update(|i| i.replied(message));
                }
                Err(e) if e.is_auth() => auth.expired(),
                Err(e) => {
                    state.inbox.try_update(|i| i.reply_failed(&conversation, e.message));
                }
            }
        });
    };
    let open = move |conversation: String| {
        status.set(None);
        state.return_to.set(Some(conversation.clone()));
        state.open.set(Some(conversation));
    };
    let back = move || state.open.set(None);

    view! {
        <div class="page offline">
            <header class="page-head">
                <h2>"Offline messages"</h2>
                <p class="muted">
                    "Messages visitors left when nobody could come. Your reply goes to them by email."
                </p>
            </header>
            <p class="notice" role="status">{move || status.get()}</p>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || match state.open.get() {
                Some(id) => view! {
                    <OfflineRecord id=id auth=auth caller=caller bot_name=bot_name.get_value() on_back=back />
                }
                .into_any(),
                None => view! { <MessageList state=state on_refresh=load on_open=open on_reply=reply /> }.into_any(),
            }}
        </div>
    }
}

/// Every message, waiting ones first, with "Refresh" and the empty state.
#[component]
fn MessageList(
    state: OfflineState,
    on_refresh: impl Fn() + Copy + Send + Sync + 'static,
    on_open: impl Fn(String) + Copy + Send + Sync + 'static,
    on_reply: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let inbox = state.inbox;
    // Typing a reply changes the inbox too: the messages are compared first, so rows are formatted
    // again, and items keyed by their row redrawn, only when a message changed (an answer came).
    let messages = Memo::new(move |_| inbox.with(|i| i.messages().to_vec()));
    let rows = Memo::new(move |_| messages.with(|m| m.iter().map(|m| offline_row(m, &offset_at)).collect::<Vec<_>>()));
    let loading = Memo::new(move |_| inbox.with(OfflineInbox::loading));
    view! {
        <section class="panel offline-list" aria-label="Offline messages"
            aria-busy=move || loading.get().then_some("true")>
            <div class="panel-head">
                <span class="count" aria-live="polite">{move || inbox.with(OfflineInbox::count_text)}</span>
                // Never disabled, so focus stays on it; a second press supersedes the first load.
                <button type="button" on:click=move |_| on_refresh()>"Refresh"</button>
            </div>
            <ul class="offline-items">
                <For each=move || rows.get() key=|row| row.clone() let(row)>
                    <li><MessageItem row=row state=state on_open=on_open on_reply=on_reply /></li>
                </For>
            </ul>
            {move || inbox.with(OfflineInbox::is_empty_result).then(|| view! {
                <p class="empty-list muted">"No offline messages."</p>
            })}
            {move || inbox.with(|i| !i.loaded() && i.loading()).then(|| view! {
                <p class="empty-list muted">"Loading offline messages…"</p>
            })}
        </section>
    }
}

/// One message: who left it, when, what they wrote; then who answered, or the reply form.
#[component]
fn MessageItem(
    row: OfflineRow,
    state: OfflineState,
    on_open: impl Fn(String) + Copy + Send + Sync + 'static,
    on_reply: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let who_id = format!("{}-who", row.dom_id);
    let (labelled_by, described_by) = (who_id.clone(), who_id.clone());
    let conversation = StoredValue::new(row.conversation.clone());
    let view_button = NodeRef::<Button>::new();
    // Back from reading this conversation: focus lands where the agent left the list.
    Effect::new(move |_| {
        let Some(el) = view_button.get() else { return };
        if state.return_to.with_untracked(|r| r.as_deref() == Some(conversation.get_value().as_str())) {
            state.return_to.set(None);
            let _ = el.focus();
        }
    });
    let waiting = row.answered.is_none();
    let follow_up = match row.answered.clone() {
        Some(answered) => {
            view! { <AnswerNote answered=answered conversation=row.conversation.clone() state=state /> }.into_any()
        }
        None => view! { <ReplyForm row=row.clone() state=state on_reply=on_reply /> }.into_any(),
    };
    view! {
        <article class="offline-item" class:waiting=waiting aria-labelledby=labelled_by>
            <header class="offline-head">
                <h3 id=who_id>{row.who.clone()}</h3>
                {waiting.then(|| view! { <span class="badge offline-waiting">"Waiting for a reply"</span> })}
                <time class="offline-time">{row.left.clone()}</time>
            </header>
            {row.email.clone().map(|e| view! { <p class="muted small offline-email">{e}</p> })}
            <p class="offline-text">{row.text.clone()}</p>
            <div class="offline-actions">
                <button type="button" node_ref=view_button aria-describedby=described_by
                    on:click=move |_| on_open(conversation.get_value())>
                    "View conversation"
                </button>
            </div>
            {follow_up}
        </article>
    }
}

/// "Answered by Dana: …", with when. It takes focus when this console just sent it, since the
/// form that had focus is gone.
#[component]
fn AnswerNote(answered: Answered, conversation: String, state: OfflineState) -> impl IntoView {
    let note = NodeRef::<Div>::new();
    Effect::new(move |_| {
        let Some(el) = note.get() else { return };
        if state.answered_now.with_untracked(|a| a.as_deref() == Some(conversation.as_str())) {
            state.answered_now.set(None);
            let _ = el.focus();
        }
    });
    view! {
        <div class="offline-answer" node_ref=note tabindex="-1">
            <p>
                <strong class="answered-by">{answered.by}</strong>": "
                <span class="answer-text">{answered.reply}</span>
            </p>
            <p class="muted small"><time>{answered.at}</time></p>
        </div>
    }
}

/// The reply to a waiting message; the draft lives in the inbox, so it survives leaving the page.
#[component]
fn ReplyForm(
    row: OfflineRow,
    state: OfflineState,
    on_reply: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let inbox = state.inbox;
    let conversation = StoredValue::new(row.conversation.clone());
    let field_id = format!("{}-reply", row.dom_id);
    let error_id = format!("{}-reply-error", row.dom_id);
    let draft =
        move |read: fn(&ReplyDraft) -> bool| inbox.with(|i| i.draft(&conversation.get_value()).is_some_and(read));
    let error = move || inbox.with(|i| i.draft(&conversation.get_value()).and_then(|d| d.error.clone()));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        on_reply(conversation.get_value());
    };
    let described_by = error_id.clone();
    view! {
        <form class="offline-reply" on:submit=submit aria-busy=move || draft(|d| d.sending).then_some("true")>
            <label for=field_id.clone()>{row.reply_label.clone()}</label>
            <textarea id=field_id rows="3"
                aria-invalid=move || draft(|d| d.error.is_some()).then_some("true")
                aria-describedby=move || draft(|d| d.error.is_some()).then(|| described_by.clone())
                prop:value=move || inbox.with(|i| i.draft(&conversation.get_value()).map(|d| d.text.clone()).unwrap_or_default())
                on:input=move |ev| inbox.update(|i| i.edit(&conversation.get_value(), event_target_value(&ev)))
            ></textarea>
            {move || error().map(|e| view! { <p class="error" role="alert" id=error_id.clone()>{e}</p> })}
            <div class="form-actions">
                <button type="submit" class="primary">"Send reply"</button>
                {move || draft(|d| d.sending).then(|| view! { <span class="muted small">"Sending…"</span> })}
            </div>
        </form>
    }
}

/// The conversation a message was left in, read-only, as the History screen shows it.
#[component]
fn OfflineRecord(
    id: String,
    auth: Auth,
    caller: Caller,
    bot_name: String,
    on_back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (record, error) = load_record(id, auth, caller);
    let bot_name = StoredValue::new(bot_name);
    move || match record.get() {
        Some(r) => view! { <ReadOnlyRecord record=r bot_name=bot_name.get_value() on_back=on_back /> }.into_any(),
        None => view! { <RecordLoading error=error back="Back to offline messages" on_back=on_back /> }.into_any(),
    }
}

/// The History screen's reading of a closed conversation, with the way back to this list and no
/// other action: replying happens on the list.
#[component]
fn ReadOnlyRecord(
    record: HistoryRecord,
    bot_name: String,
    on_back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let label = format!("Closed conversation with {}", record_visitor(&record));
    view! {
        <section class="history-record" aria-label=label>
            <header class="record-head">
                <BackButton label="Back to offline messages" on_back=on_back />
                <RecordTitle record=record.clone() />
            </header>
            <RecordBody record=record bot_name=bot_name />
        </section>
    }
}
