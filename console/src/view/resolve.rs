//! "Resolve" for the agent who holds the conversation: a button and its dialog, with an
//! optional resolution note that agents and the history keep (the customer never sees it).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::conversation::ConversationLink;

#[component]
pub fn ResolveButton(
    link: ConversationLink,
    /// The agent holds the conversation now.
    allowed: Signal<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    // Resolved (or no longer theirs): the dialog has nothing left to do.
    Effect::new(move |_| {
        if !allowed.get() {
            open.set(false);
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = note.get_untracked();
        let text = text.trim();
        link.resolve((!text.is_empty()).then(|| text.to_string()));
        open.set(false);
    };
    view! {
        <button
            type="button"
            disabled=move || !allowed.get()
            on:click=move |_| {
                note.set(String::new());
                open.set(true);
            }
        >
            "Resolve"
        </button>
        {move || open.get().then(|| view! {
            <div class="dialog-backdrop">
                <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="resolve-title">
                    <h3 id="resolve-title">"Resolve conversation"</h3>
                    <form class="stack-form" on:submit=submit>
                        <label for="resolve-note">"Resolution note (optional)"</label>
                        <textarea id="resolve-note" rows="3" aria-describedby="resolve-note-hint"
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                        <span id="resolve-note-hint" class="field-hint">
                            "The conversation closes for the customer too. Only agents see the note."
                        </span>
                        <div class="form-actions">
                            <button type="submit" class="primary">"Confirm resolve"</button>
                            <button type="button" on:click=move |_| open.set(false)>"Cancel"</button>
                        </div>
                    </form>
                </div>
            </div>
        })}
    }
}
