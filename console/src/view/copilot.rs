use baton_shared::insight::Insight;
use leptos::prelude::*;

use crate::model::context::safe_link;
use crate::model::conversation::ConversationModel;
use crate::model::format::percent;

/// Suggested replies and matching articles. Inserting only fills the reply box: the agent
/// reads and edits before anything goes to the customer.
#[component]
pub fn CopilotPanel(
    model: RwSignal<ConversationModel>,
    on_insert: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let insight = Memo::new(move |_| model.with(|m| m.insight.clone().unwrap_or_default()));
    let holds = Memo::new(move |_| model.with(ConversationModel::holds));
    view! {
        <section class="panel copilot" role="region" aria-label="Co-pilot">
            <h3>"Co-pilot"</h3>
            {move || {
                (!holds.get()).then(|| view! { <p class="muted hint-line">"Take over to reply with these."</p> })
            }}
            <h4 id="copilot-suggestions">"Suggested replies"</h4>
            {move || {
                let insight = insight.get();
                if insight.suggestions.is_empty() {
                    return view! { <p class="muted">"No suggestions yet."</p> }.into_any();
                }
                view! {
                    <ol class="suggestions plain" aria-labelledby="copilot-suggestions">
                        {insight
                            .suggestions
                            .iter()
                            .enumerate()
                            .map(|(i, s)| {
                                let text = s.text.clone();
                                let source = based_on(&insight, s.article_id.as_deref());
                                view! {
                                    <li class="suggestion">
                                        <p>{s.text.clone()}</p>
                                        {source.map(|t| view! { <p class="muted small">"From " {t}</p> })}
                                        <button
                                            type="button"
                                            class="small-button"
                                            aria-label=format!("Insert suggestion {}", i + 1)
                                            on:click=move |_| on_insert(text.clone())
                                        >
                                            "Insert"
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
            <h4>"Relevant articles"</h4>
            {move || {
                let articles = insight.with(|i| i.articles.clone());
                if articles.is_empty() {
                    return view! { <p class="muted">"No matching articles."</p> }.into_any();
                }
                view! {
                    <ul class="articles plain" aria-label="Relevant articles">
                        {articles
                            .into_iter()
                            .map(|a| {
                                let title = match safe_link(a.url.as_deref()) {
                                    Some(href) => view! {
                                        <a href=href.to_string() target="_blank" rel="noopener noreferrer">
                                            {a.title.clone()}
                                        </a>
                                    }
                                    .into_any(),
                                    None => view! { <span>{a.title.clone()}</span> }.into_any(),
                                };
                                view! {
                                    <li>
                                        {title}
                                        <span class="muted small">" · Confidence " {percent(a.confidence)} "%"</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

/// The title of the article a suggestion came from, when the insight lists it.
fn based_on(insight: &Insight, article_id: Option<&str>) -> Option<String> {
    let id = article_id?;
    insight.articles.iter().find(|a| a.id == id).map(|a| a.title.clone())
}
