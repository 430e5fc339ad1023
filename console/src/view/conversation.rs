use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html::{Div, Textarea};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::conversation::ConversationLink;
use crate::model::conversation::{Delivery, Entry, EntryKind};
use crate::model::dashboard::DashboardModel;
use crate::model::format::{clock, mode_label, visitor_label};
use crate::view::app::Auth;
use crate::view::avatar::Avatar;
use crate::view::compliance::ComplianceWarning;
use crate::view::context::ContextPanel;
use crate::view::copilot::CopilotPanel;
use crate::view::resolve::ResolveButton;
use crate::view::transfer::{Move, MoveButton};
use baton_shared::protocol::{AccountRole, LoginResponse, Mode, VisitorInfo};

/// The selected conversation: header with holder and controls, transcript, reply box, and
/// beside them the context and co-pilot panels.
#[component]
pub fn ConversationPane(
    id: String,
    auth: Auth,
    login: LoginResponse,
    dashboard: ReadSignal<DashboardModel>,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
    /// Opens the visitor's previous (closed) conversation in the History.
    on_previous: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let site = auth.site.get_value();
    let link = ConversationLink::open(&site, &id, &login, move || auth.expired());
    let model = link.model;

    // Details the page passed about its visitor; until (or unless) they come, the dashboard
    // row's name stands in. The socket notices a dead token, so failures here stay quiet.
    let visitor_info = RwSignal::new(None::<VisitorInfo>);
    {
        let (token, id) = (login.token.clone(), id.clone());
        spawn_local(async move {
            if let Ok(info) = api::visitor(&site, &token, &id).await {
                visitor_info.set(Some(info));
            }
        });
    }
    let row = {
        let id = id.clone();
        Memo::new(move |_| dashboard.with(|d| d.get(&id).cloned()))
    };
    let visitor = {
        let id = id.clone();
        Memo::new(move |_| {
            let given = visitor_info.with(|v| v.as_ref().and_then(|v| v.name.clone()));
            let name = given.or_else(|| row.with(|r| r.as_ref().and_then(|r| r.visitor_name.clone())));
            visitor_label(name.as_deref(), &id)
        })
    };
    let entries = Memo::new(move |_| model.with(|m| m.entries(&visitor.get())));
    let mode = Memo::new(move |_| model.with(|m| m.state.mode));
    let holds = Memo::new(move |_| model.with(|m| m.holds()));
    let holder = Signal::derive(move || model.with(|m| (m.state.holder.as_ref().map(|h| h.id.clone()), m.state.epoch)));
    let supervisor = login.role == AccountRole::Supervisor;
    let utc_offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);

    let draft = RwSignal::new(String::new());
    let note = RwSignal::new(false);
    let reply_box = NodeRef::<Textarea>::new();
    let focus_reply = move || {
        if let Some(el) = reply_box.get_untracked() {
            let _ = el.focus();
        }
    };
    // Co-pilot text and bot drafts go into the box as a reply to edit, never straight out.
    let insert = move |text: String| {
        note.set(false);
        draft.set(text);
        focus_reply();
    };
    // A reply the compliance check stopped comes back into the box, unless the agent is
    // already writing something else (the warning still holds it for "Send anyway").
    let held = Memo::new(move |_| model.with(|m| m.compliance.as_ref().map(|h| h.client_id.clone())));
    Effect::new(move |_| {
        if held.get().is_none() || !draft.get_untracked().trim().is_empty() {
            return;
        }
        if let Some(text) = model.with_untracked(|m| m.compliance.as_ref().map(|h| h.text.clone())) {
            note.set(false);
            draft.set(text);
        }
    });
    let send_anyway = move || {
        if let Some(sent) = link.send_anyway()
            && draft.get_untracked().trim() == sent
        {
            draft.set(String::new());
        }
    };
    let edit_held = move || {
        if let Some(text) = link.edit_held()
            && draft.get_untracked().trim().is_empty()
        {
            note.set(false);
            draft.set(text);
        }
        focus_reply();
    };
    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        if link.submit(&text, note.get_untracked()) {
            draft.set(String::new());
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        send();
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };

    // Follow the conversation as it grows, unless the agent scrolled up to read.
    let scroller = NodeRef::<Div>::new();
    let stick_to_bottom = StoredValue::new(true);
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            stick_to_bottom.set_value(el.scroll_height() - el.scroll_top() - el.client_height() < 48);
        }
    };
    Effect::new(move |_| {
        entries.with(Vec::len);
        model.with(|m| m.typing.is_some());
        if let Some(el) = scroller.get().filter(|_| stick_to_bottom.get_value()) {
            request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
        }
    });

    view! {
        <section class="conversation" aria-label=move || format!("Conversation with {}", visitor.get())>
            <header class="pane-head">
                <button type="button" class="ghost back" on:click=move |_| on_close()>"← Conversations"</button>
                <div class="pane-title">
                    <h2>{move || visitor.get()}</h2>
                    <p class="holder-line">
                        <span class=move || format!("badge mode-{}", mode.get().as_str())>{move || mode_label(mode.get())}</span>
                        <span>{move || model.with(|m| m.holder_line())}</span>
                        {move || row.with(|r| r.as_ref().and_then(|r| r.previous.clone())).map(|previous| view! {
                            <button type="button" class="ghost small" on:click=move |_| on_previous(previous.clone())>
                                "Previous conversation"
                            </button>
                        })}
                        <span class=move || format!("link link-{:?}", link.status.get()).to_lowercase()>
                            {move || link.status.get().label()}
                        </span>
                    </p>
                </div>
                <div class="actions">
                    <button
                        type="button"
                        class="primary"
                        disabled=move || !model.with(|m| m.can_take_over())
                        on:click=move |_| link.take_over()
                    >
                        "Take over"
                    </button>
                    <button
                        type="button"
                        disabled=move || !model.with(|m| m.can_hand_back())
                        on:click=move |_| link.hand_back()
                    >
                        "Hand back to bot"
                    </button>
                    <ResolveButton link=link allowed=Signal::derive(move || model.with(|m| m.can_hand_back())) />
                    <MoveButton kind=Move::Transfer id=id.clone() auth=auth login=login.clone() dashboard=dashboard
                        allowed=Signal::derive(move || holds.get()) holder=holder />
                    {supervisor.then(|| view! {
                        <MoveButton kind=Move::Reassign id=id.clone() auth=auth login=login.clone() dashboard=dashboard
                            allowed=Signal::derive(move || model.with(|m| m.welcomed && m.state.mode != Mode::Closed))
                            holder=holder />
                    })}
                </div>
            </header>
            {move || {
                model.with(|m| m.alert.clone()).map(|a| {
                    view! {
                        <div class="alert">
                            <p role="alert">{a}</p>
                            <button type="button" class="ghost dismiss" aria-label="Dismiss" on:click=move |_| link.dismiss_alert()>
                                "×"
                            </button>
                        </div>
                    }
                })
            }}
            <div class="conversation-body">
                <div class="conversation-main">
                    // A log: screen readers announce each new message, as the widget's does.
                    <div
                        class="transcript-scroll"
                        role="log"
                        aria-live="polite"
                        aria-label="Conversation transcript"
                        node_ref=scroller
                        on:scroll=on_scroll
                    >
                        <ol class="transcript" aria-label="Transcript">
                            <For
                                each=move || entries.get()
                                key=|e: &Entry| (e.key.clone(), delivery_key(&e.delivery))
                                children=move |e: Entry| {
                                    view! { <TranscriptEntry entry=e utc_offset=utc_offset on_use=insert /> }
                                }
                            />
                        </ol>
                        {move || model.with(|m| !m.welcomed).then(|| view! { <p class="muted loading">"Loading transcript…"</p> })}
                    </div>
                    <p class="typing" aria-live="polite">{move || model.with(|m| m.typing_line(&visitor.get()))}</p>
                    <ComplianceWarning model=model on_send_anyway=send_anyway on_edit=edit_held />
                    <form class="composer" class:note-mode=move || note.get() on:submit=on_submit>
                        <label class="sr-only" for="reply">"Reply"</label>
                        <textarea
                            id="reply"
                            node_ref=reply_box
                            rows="3"
                            placeholder=move || placeholder(note.get(), holds.get())
                            prop:value=move || draft.get()
                            on:input=move |ev| {
                                draft.set(event_target_value(&ev));
                                if !note.get_untracked() {
                                    link.keystroke();
                                }
                            }
                            on:keydown=on_keydown
                        ></textarea>
                        <div class="composer-bar">
                            <label class="note-toggle">
                                <input
                                    type="checkbox"
                                    prop:checked=move || note.get()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        note.set(on);
                                        if on {
                                            link.stop_typing();
                                        }
                                    }
                                />
                                "Private note"
                            </label>
                            <span class="hint muted">"Enter to send · Shift+Enter for a new line"</span>
                            <button type="submit" class="primary">"Send"</button>
                        </div>
                    </form>
                </div>
                <div class="side-column">
                    <ContextPanel id=id.clone() model=model row=row visitor=visitor_info />
                    <CopilotPanel model=model on_insert=insert />
                </div>
            </div>
        </section>
    }
}

fn placeholder(note: bool, holds: bool) -> &'static str {
    match (note, holds) {
        (true, _) => "Private note: only agents see this",
        (false, true) => "Write a reply to the customer",
        (false, false) => "Take over to reply, or tick Private note",
    }
}

fn delivery_key(d: &Delivery) -> u8 {
    match d {
        Delivery::Stored => 0,
        Delivery::Sending => 1,
        Delivery::Failed(_) => 2,
    }
}

#[component]
fn TranscriptEntry(
    entry: Entry,
    utc_offset: i64,
    on_use: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let time = entry.ts.map(|ts| clock(ts, utc_offset));
    if entry.kind == EntryKind::Notice {
        return view! {
            <li class="entry entry-notice">
                <span class="notice-text">{entry.text}</span>
                {time.map(|t| view! { <time>{t}</time> })}
            </li>
        }
        .into_any();
    }
    let kind = match entry.kind {
        EntryKind::Customer => "customer",
        EntryKind::Bot => "bot",
        EntryKind::Agent => "agent",
        EntryKind::Note => "note",
        EntryKind::Notice => "notice",
    };
    let class = format!("entry entry-{kind}{}", if entry.mine { " mine" } else { "" });
    let show_avatar = matches!(entry.kind, EntryKind::Agent | EntryKind::Note);
    let tag_class = match entry.kind {
        EntryKind::Note => "tag tag-note",
        EntryKind::Customer => "tag tag-left",
        _ => "tag",
    };
    let draft_text = entry.draft.then(|| entry.text.clone());
    let delivery = match entry.delivery {
        Delivery::Stored => None,
        Delivery::Sending => Some(view! { <span class="delivery">"Sending…"</span> }.into_any()),
        Delivery::Failed(why) => Some(view! { <span class="delivery failed">"Not sent: " {why}</span> }.into_any()),
    };
    view! {
        <li class=class>
            <div class="entry-head">
                {show_avatar.then(|| view! { <Avatar name=entry.who.clone() url=entry.avatar.clone() small=true /> })}
                <span class="who">{entry.who}</span>
                {entry.tag.map(|t| view! { <span class=tag_class>{t}</span> })}
                {time.map(|t| view! { <time>{t}</time> })}
            </div>
            <div class="bubble">{entry.text}</div>
            {entry.detail.map(|d| view! { <div class="bot-meta">{d}</div> })}
            {draft_text.map(|text| {
                view! {
                    <button type="button" class="small-button use-draft" on:click=move |_| on_use(text.clone())>
                        "Use draft"
                    </button>
                }
            })}
            {delivery}
        </li>
    }
    .into_any()
}
