use baton_shared::protocol::{ConversationSummary, VisitorInfo};
use leptos::prelude::*;

use crate::model::context::{ContextFacts, context_facts};
use crate::model::conversation::ConversationModel;
use crate::model::format::{trend_arrow, trend_word};

/// What the brain understood and who the visitor is; shown before and after a takeover.
#[component]
pub fn ContextPanel(
    id: String,
    model: RwSignal<ConversationModel>,
    row: Memo<Option<ConversationSummary>>,
    visitor: RwSignal<Option<VisitorInfo>>,
) -> impl IntoView {
    let facts = Memo::new(move |_| {
        model.with(|m| row.with(|r| visitor.with(|v| context_facts(&id, m.insight.as_ref(), r.as_ref(), v.as_ref()))))
    });
    let fact = move |f: fn(&ContextFacts) -> Option<String>, none: &'static str| {
        move || facts.with(f).map_or_else(|| view! { <span class="muted">{none}</span> }.into_any(), |t| t.into_any())
    };
    view! {
        <section class="panel context" role="region" aria-label="Conversation context">
            <h3>"Context"</h3>
            <dl class="facts">
                <dt>"Intent"</dt>
                <dd>{fact(|f| f.intent.map(str::to_string), "Not known yet")}</dd>
                <dt>"Sentiment"</dt>
                <dd>
                    {move || match facts.with(|f| f.sentiment.clone()) {
                        None => view! { <span class="muted">"Not known yet"</span> }.into_any(),
                        Some(s) => view! {
                            <span class="score">{s.value}</span>
                            {s.trend.map(|t| view! {
                                " "
                                <span class=format!("trend trend-{}", trend_word(t))>
                                    {trend_word(t)} " " <span aria-hidden="true">{trend_arrow(t)}</span>
                                </span>
                            })}
                        }
                        .into_any(),
                    }}
                </dd>
                <dt>"Summary"</dt>
                <dd>{fact(|f| f.summary.clone(), "No summary yet")}</dd>
                <dt>"Visitor"</dt>
                <dd>
                    <ul class="plain">
                        {move || {
                            facts.with(|f| f.visitor.clone()).into_iter().map(|l| view! { <li>{l}</li> }).collect_view()
                        }}
                    </ul>
                </dd>
                <dt>"Flags"</dt>
                <dd>
                    {move || {
                        let flags = facts.with(|f| f.flags.clone());
                        if flags.is_empty() {
                            return view! { <span class="muted">"None"</span> }.into_any();
                        }
                        view! {
                            <ul class="flags plain">
                                {flags
                                    .into_iter()
                                    .map(|c| view! { <li class="flag" data-kind=c.kind.as_str()>{c.text}</li> })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any()
                    }}
                </dd>
            </dl>
        </section>
    }
}
