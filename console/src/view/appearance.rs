use baton_shared::protocol::LoginResponse;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use baton_shared::i18n::Locale;

use crate::api;
use crate::model::appearance::{AppearanceForm, GREETING_LANGUAGES};
use crate::view::app::Auth;
use crate::view::settings::Settings;

/// Supervisors' look of the widget, with a preview that follows every keystroke.
#[component]
pub fn AppearancePage(auth: Auth, login: LoginResponse) -> impl IntoView {
    let site = StoredValue::new(auth.site.get_value());
    let token = StoredValue::new(login.token);
    let get = async move { api::get_appearance(&site.get_value(), &token.get_value()).await };
    let settings = Settings::load(auth, get, AppearanceForm::from_appearance);
    let put = move |look| async move { api::put_appearance(&site.get_value(), &token.get_value(), &look).await };
    let save = settings.on_submit(
        AppearanceForm::to_appearance,
        put,
        AppearanceForm::from_appearance,
        "Appearance saved: new visitors see it at once",
    );
    let Settings { form, busy, .. } = settings;

    view! {
        <div class="page appearance">
            <header class="page-head">
                <h2>"Appearance"</h2>
                <p class="muted">"How the chat widget looks on your site, and what the bot says first."</p>
            </header>
            {settings.outcome()}
            {move || match form.with(Option::is_some) {
                false => view! { <p class="muted">"Loading…"</p> }.into_any(),
                true => view! {
                    <div class="appearance-layout">
                        <AppearanceFields form=form busy=busy on_submit=save />
                        <Preview form=form />
                    </div>
                }
                .into_any(),
            }}
        </div>
    }
}

/// Reads and edits one text field of the form.
fn text_field(
    form: RwSignal<Option<AppearanceForm>>,
    read: fn(&AppearanceForm) -> String,
    write: fn(&mut AppearanceForm, String),
) -> (impl Fn() -> Option<String> + Copy, impl Fn(String) + Copy) {
    let value = move || form.with(|f| f.as_ref().map(read));
    let edit = move |v: String| form.update(|f| f.iter_mut().for_each(|f| write(f, v.clone())));
    (value, edit)
}

#[component]
fn AppearanceFields(
    form: RwSignal<Option<AppearanceForm>>,
    busy: RwSignal<bool>,
    on_submit: impl FnMut(SubmitEvent) + 'static,
) -> impl IntoView {
    let (accent, set_accent) = text_field(form, |f| f.accent.clone(), |f, v| f.accent = v);
    let (label, set_label) = text_field(form, |f| f.launcher_label.clone(), |f, v| f.launcher_label = v);
    let (bot, set_bot) = text_field(form, |f| f.bot_name.clone(), |f, v| f.bot_name = v);
    let (avatar, set_avatar) = text_field(form, |f| f.bot_avatar.clone(), |f, v| f.bot_avatar = v);
    let left = move || form.with(|f| f.as_ref().is_some_and(|f| f.left));
    let contrast = move || form.with(|f| f.as_ref().map(AppearanceForm::contrast_line));
    view! {
        <form class="stack-form panel" on:submit=on_submit>
            <label for="look-accent">"Accent colour"</label>
            <div class="colour-row">
                <input id="look-accent-picker" type="color" aria-label="Accent colour picker"
                    prop:value=accent on:input=move |ev| set_accent(event_target_value(&ev)) />
                <input id="look-accent" type="text" aria-describedby="look-accent-hint" spellcheck="false"
                    prop:value=accent on:input=move |ev| set_accent(event_target_value(&ev)) />
            </div>
            <span id="look-accent-hint" class="field-hint" aria-live="polite">{contrast}</span>
            <label for="look-side">"Launcher position"</label>
            <select id="look-side" on:change=move |ev| {
                let is_left = event_target_value(&ev) == "left";
                form.update(|f| f.iter_mut().for_each(|f| f.left = is_left));
            }>
                <option value="right" prop:selected=move || !left()>"Bottom right"</option>
                <option value="left" prop:selected=left>"Bottom left"</option>
            </select>
            <label for="look-label">"Launcher label"</label>
            <input id="look-label" type="text" aria-describedby="look-label-hint" maxlength="40"
                prop:value=label on:input=move |ev| set_label(event_target_value(&ev)) />
            <span id="look-label-hint" class="field-hint">"Beside the chat icon, e.g. “Chat with us”; empty for the icon alone"</span>
            <label for="look-bot">"Bot name"</label>
            <input id="look-bot" type="text" aria-describedby="look-bot-hint" maxlength="60"
                prop:value=bot on:input=move |ev| set_bot(event_target_value(&ev)) />
            <span id="look-bot-hint" class="field-hint">"Empty keeps the site's"</span>
            <label for="look-avatar">"Bot picture"</label>
            <input id="look-avatar" type="url" aria-describedby="look-avatar-hint"
                prop:value=avatar on:input=move |ev| set_avatar(event_target_value(&ev)) />
            <span id="look-avatar-hint" class="field-hint">"An https:// address of a square picture"</span>
            <label for="look-locale">"Default language"</label>
            <select id="look-locale" aria-describedby="look-locale-hint" on:change=move |ev| {
                let chosen = Locale::parse(&event_target_value(&ev)).unwrap_or_default();
                form.update(|f| f.iter_mut().for_each(|f| f.locale = chosen));
            }>
                {GREETING_LANGUAGES
                    .iter()
                    .map(|&(locale, name)| view! {
                        <option
                            value=locale.as_str()
                            prop:selected=move || form.with(|f| f.as_ref().is_some_and(|f| f.locale == locale))
                        >
                            {name}
                        </option>
                    })
                    .collect_view()}
            </select>
            <span id="look-locale-hint" class="field-hint">"When the visitor's browser asks for none of these"</span>
            <fieldset class="greetings">
                <legend>"Greeting"</legend>
                <p class="muted small">"The bot's first words, in the visitor's language; empty ones use the site's."</p>
                {GREETING_LANGUAGES
                    .iter()
                    .enumerate()
                    .map(|(i, (locale, name))| {
                        let id = format!("look-greeting-{}", locale.as_str());
                        view! {
                            <label for=id.clone()>{*name}</label>
                            <textarea id=id rows="2"
                                prop:value=move || form.with(|f| f.as_ref().map(|f| f.greetings[i].clone()))
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    form.update(|f| f.iter_mut().for_each(|f| f.greetings[i] = v.clone()));
                                }
                            ></textarea>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || busy.get()>"Save appearance"</button>
            </div>
        </form>
    }
}

/// A drawing of the widget in the form's colours and words (not the widget itself).
#[component]
fn Preview(form: RwSignal<Option<AppearanceForm>>) -> impl IntoView {
    let read = move |f: fn(&AppearanceForm) -> String| form.with(|form| form.as_ref().map(f).unwrap_or_default());
    let accent = move || format!("--preview-accent: {}", read(AppearanceForm::preview_accent));
    let left = move || form.with(|f| f.as_ref().is_some_and(|f| f.left));
    let bot = move || {
        let name = read(|f| f.bot_name.trim().to_string());
        if name.is_empty() { "Assistant".to_string() } else { name }
    };
    let labelled = move || read(|f| f.launcher_label.trim().to_string());
    view! {
        <section class="panel widget-preview" aria-labelledby="preview-title" style=accent>
            <h3 id="preview-title">"Preview"</h3>
            <div class="preview-page" class:left=left>
                <div class="preview-panel">
                    <div class="preview-head">
                        <span class="preview-avatar" aria-hidden="true">{move || bot().chars().next()}</span>
                        <span>
                            <strong>{bot}</strong>
                            <span class="preview-sub">"Virtual assistant"</span>
                        </span>
                    </div>
                    <p class="preview-bubble">{move || read(AppearanceForm::preview_greeting)}</p>
                    <span class="preview-send" aria-hidden="true">"➤"</span>
                </div>
                <span class="preview-launcher" role="img" aria-label=move || format!("Launcher: {}", read(AppearanceForm::preview_launcher))>
                    <span aria-hidden="true">"💬"</span>
                    {move || (!labelled().is_empty()).then(|| view! { <span aria-hidden="true">{labelled}</span> })}
                </span>
            </div>
        </section>
    }
}
