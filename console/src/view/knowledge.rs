use baton_shared::protocol::{Article, LoginResponse};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::model::knowledge::{ArticleForm, upsert_article};
use crate::model::rest::RestError;
use crate::view::app::Auth;

/// Supervisors' editor for the articles the bot answers from.
#[component]
pub fn KnowledgeBase(auth: Auth, login: LoginResponse) -> impl IntoView {
    let site = StoredValue::new(auth.site.get_value());
    let token = StoredValue::new(login.token);
    let articles = RwSignal::new(None::<Vec<Article>>);
    let form = RwSignal::new(ArticleForm::default());
    let confirming = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let status = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);

    let failed = move |e: RestError| auth.report(e, error);
    spawn_local(async move {
        match api::list_articles(&site.get_value(), &token.get_value()).await {
            Ok(list) => articles.set(Some(list)),
            Err(e) => {
                articles.set(Some(Vec::new()));
                failed(e);
            }
        }
    });

    let edit = move |f: fn(&mut ArticleForm, String), value: String| {
        status.set(None);
        form.update(|form| f(form, value));
    };
    let start_new = move || {
        confirming.set(None);
        status.set(None);
        error.set(None);
        form.set(ArticleForm::default());
    };
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        status.set(None);
        error.set(None);
        let current = form.get_untracked();
        spawn_local(async move {
            let (site, token, input) = (site.get_value(), token.get_value(), current.input());
            let saved = match current.editing.as_deref() {
                Some(id) => api::update_article(&site, &token, id, &input).await,
                None => api::create_article(&site, &token, &input).await,
            };
            busy.set(false);
            match saved {
                Ok(article) => {
                    form.set(ArticleForm::from_article(&article));
                    articles.update(|list| upsert_article(list.get_or_insert_with(Vec::new), article));
                    status.set(Some("Article saved".to_string()));
                }
                Err(e) => failed(e),
            }
        });
    };
    let delete = move |id: String| {
        confirming.set(None);
        status.set(None);
        error.set(None);
        spawn_local(async move {
            match api::delete_article(&site.get_value(), &token.get_value(), &id).await {
                Ok(()) => {
                    articles.update(|list| {
                        if let Some(list) = list {
                            list.retain(|a| a.id != id);
                        }
                    });
                    if form.with_untracked(|f| f.editing.as_deref() == Some(id.as_str())) {
                        form.set(ArticleForm::default());
                    }
                    status.set(Some("Article deleted".to_string()));
                }
                Err(e) => failed(e),
            }
        });
    };

    view! {
        <div class="page knowledge">
            <header class="page-head">
                <h2>"Knowledge base"</h2>
                <p class="muted">"Articles the bot answers from. Changes apply to new answers at once."</p>
            </header>
            {move || status.get().map(|s| view! { <p class="notice" role="status">{s}</p> })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <div class="page-columns">
                <section class="panel" aria-labelledby="kb-list-title">
                    <h3 id="kb-list-title">"Articles"</h3>
                    {move || match articles.get() {
                        None => view! { <p class="muted">"Loading articles…"</p> }.into_any(),
                        Some(list) if list.is_empty() => view! { <p class="muted">"No articles yet."</p> }.into_any(),
                        Some(list) => view! {
                            <ul class="article-list plain">
                                {list
                                    .into_iter()
                                    .map(|a| {
                                        view! {
                                            <ArticleRow article=a form=form confirming=confirming on_delete=delete />
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }}
                </section>
                <section class="panel" aria-labelledby="kb-form-title">
                    <h3 id="kb-form-title">
                        {move || form.with(|f| match f.editing {
                            Some(_) => "Edit article",
                            None => "Write an article",
                        })}
                    </h3>
                    <form class="stack-form" on:submit=save>
                        <label for="kb-title">"Title"</label>
                        <input
                            id="kb-title"
                            type="text"
                            prop:value=move || form.with(|f| f.title.clone())
                            on:input=move |ev| edit(|f, v| f.title = v, event_target_value(&ev))
                        />
                        <label for="kb-body">"Body"</label>
                        <textarea
                            id="kb-body"
                            rows="8"
                            prop:value=move || form.with(|f| f.body.clone())
                            on:input=move |ev| edit(|f, v| f.body = v, event_target_value(&ev))
                        ></textarea>
                        <label for="kb-tags">"Tags"</label>
                        <input
                            id="kb-tags"
                            type="text"
                            aria-describedby="kb-tags-hint"
                            prop:value=move || form.with(|f| f.tags.clone())
                            on:input=move |ev| edit(|f, v| f.tags = v, event_target_value(&ev))
                        />
                        <span id="kb-tags-hint" class="field-hint">"Comma-separated, e.g. shipping, delivery"</span>
                        <label for="kb-url">"URL"</label>
                        <input
                            id="kb-url"
                            type="url"
                            aria-describedby="kb-url-hint"
                            prop:value=move || form.with(|f| f.url.clone())
                            on:input=move |ev| edit(|f, v| f.url = v, event_target_value(&ev))
                        />
                        <span id="kb-url-hint" class="field-hint">"Optional: the page agents can link to"</span>
                        <div class="form-actions">
                            <button type="submit" class="primary" disabled=move || busy.get()>"Save article"</button>
                            <button type="button" on:click=move |_| start_new()>"New article"</button>
                        </div>
                    </form>
                </section>
            </div>
        </div>
    }
}

#[component]
fn ArticleRow(
    article: Article,
    form: RwSignal<ArticleForm>,
    confirming: RwSignal<Option<String>>,
    on_delete: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = article.id.clone();
    let asking = {
        let id = id.clone();
        move || confirming.with(|c| c.as_deref() == Some(id.as_str()))
    };
    let tags = article.tags.join(", ");
    let title = article.title.clone();
    let article = StoredValue::new(article);
    let (ask_id, delete_id) = (id.clone(), id);
    view! {
        <li class="article-row">
            <div class="article-text">
                <span class="article-title">{title.clone()}</span>
                {(!tags.is_empty()).then(|| view! { <span class="muted small">{tags}</span> })}
            </div>
            <div class="article-actions">
                <button
                    type="button"
                    class="small-button"
                    aria-label=format!("Edit {title}")
                    on:click=move |_| {
                        confirming.set(None);
                        form.set(article.with_value(ArticleForm::from_article));
                    }
                >
                    "Edit"
                </button>
                <button
                    type="button"
                    class="small-button"
                    aria-label=format!("Delete {title}")
                    on:click=move |_| confirming.set(Some(ask_id.clone()))
                >
                    "Delete"
                </button>
            </div>
            {move || {
                asking()
                    .then(|| {
                        let id = delete_id.clone();
                        view! {
                            <div class="confirm" role="group" aria-label="Confirm delete">
                                <p>"Delete \u{201c}" {title.clone()} "\u{201d}? The bot stops using it at once."</p>
                                <button type="button" class="danger" on:click=move |_| on_delete(id.clone())>
                                    "Confirm delete"
                                </button>
                                <button type="button" on:click=move |_| confirming.set(None)>
                                    "Cancel"
                                </button>
                            </div>
                        }
                    })
            }}
        </li>
    }
}
