use leptos::prelude::*;

use crate::model::conversation::ConversationModel;

/// The reply the compliance check stopped: why, and the agent's two ways on.
#[component]
pub fn ComplianceWarning(
    model: RwSignal<ConversationModel>,
    on_send_anyway: impl Fn() + Copy + Send + Sync + 'static,
    on_edit: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let issues = Memo::new(move |_| {
        model.with(|m| m.compliance.as_ref().map(|h| h.issues.iter().map(|i| i.reason.clone()).collect::<Vec<_>>()))
    });
    move || {
        issues.get().map(|reasons| {
            view! {
                <div class="compliance" role="alert" aria-labelledby="compliance-title">
                    <h3 id="compliance-title">"Compliance warning"</h3>
                    <p>"Your message was not sent:"</p>
                    <ul>{reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                    <div class="compliance-actions">
                        <button type="button" class="primary" on:click=move |_| on_edit()>
                            "Edit message"
                        </button>
                        <button type="button" class="danger" on:click=move |_| on_send_anyway()>
                            "Send anyway"
                        </button>
                    </div>
                </div>
            }
        })
    }
}
