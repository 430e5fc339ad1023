use baton_shared::protocol::LoginResponse;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::model::rules::RulesForm;
use crate::model::usage::model_usage_line;
use crate::view::app::Auth;
use crate::view::settings::Settings;

/// Supervisors' settings for escalation, alerts and the compliance check.
#[component]
pub fn RulesPage(auth: Auth, login: LoginResponse) -> impl IntoView {
    let site = StoredValue::new(auth.site.get_value());
    let token = StoredValue::new(login.token);
    let get = async move { api::get_rules(&site.get_value(), &token.get_value()).await };
    let settings = Settings::load(auth, get, RulesForm::from_rules);
    let put = move |rules| async move { api::put_rules(&site.get_value(), &token.get_value(), &rules).await };
    let save = settings.on_submit(RulesForm::to_rules, put, RulesForm::from_rules, "Rules saved");
    let Settings { form, busy, status, .. } = settings;

    // Only supervisors may read the model budget; an agent's page simply goes without it.
    let usage = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Ok(read) = api::model_usage(&site.get_value(), &token.get_value()).await {
            usage.set(Some(model_usage_line(&read)));
        }
    });

    view! {
        <div class="page rules">
            <header class="page-head">
                <h2>"Rules"</h2>
                <p class="muted">
                    "When the bot hands over, what agents are alerted about, and what replies must not contain."
                </p>
            </header>
            {move || usage.get().map(|line| view! { <p class="muted model-usage">{line}</p> })}
            {settings.outcome()}
            {move || match form.with(Option::is_some) {
                false => view! { <p class="muted">"Loading rules…"</p> }.into_any(),
                true => view! { <RulesFields form=form busy=busy status=status on_submit=save /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn RulesFields(
    form: RwSignal<Option<RulesForm>>,
    busy: RwSignal<bool>,
    status: RwSignal<Option<String>>,
    on_submit: impl FnMut(SubmitEvent) + 'static,
) -> impl IntoView {
    let f = Fields { form, status };
    view! {
        <form class="rules-form" on:submit=on_submit>
            <fieldset class="panel">
                <legend>"Escalation"</legend>
                <p class="muted small">"When the bot stops and queues the conversation for a person."</p>
                {f.check("Escalate when the customer asks for a person", |r| &mut r.escalate_on_request)}
                {f.field(
                    "rules-streak",
                    "Low-confidence answers in a row",
                    "number",
                    "0 turns it off",
                    |r| &mut r.low_confidence_streak,
                )}
                {f.field(
                    "rules-esc-sentiment",
                    "Escalate below sentiment",
                    "number",
                    "From −1 to 1; empty turns it off",
                    |r| &mut r.escalate_below_sentiment,
                )}
                {f.check("Escalate when the bot is looping", |r| &mut r.escalate_on_looping)}
                {f.field(
                    "rules-topics",
                    "Sensitive topics",
                    "text",
                    "Comma-separated words that always need a person",
                    |r| &mut r.sensitive_topics,
                )}
            </fieldset>
            <fieldset class="panel">
                <legend>"Alerts"</legend>
                <p class="muted small">"Flags shown to agents on the dashboard; empty turns a rule off."</p>
                {f.field(
                    "rules-alert-sentiment",
                    "Alert below sentiment",
                    "number",
                    "From −1 to 1",
                    |r| &mut r.alert_below_sentiment,
                )}
                {f.field(
                    "rules-vip-attribute",
                    "VIP attribute",
                    "text",
                    "A visitor attribute, e.g. plan",
                    |r| &mut r.vip_attribute,
                )}
                {f.field(
                    "rules-vip-value",
                    "VIP value",
                    "text",
                    "Its value for VIPs, e.g. enterprise",
                    |r| &mut r.vip_value,
                )}
                {f.check("Flag unverified visitors as VIPs too", |r| &mut r.vip_unverified_too)}
                {f.field("rules-keywords", "Topic keywords", "text", "Comma-separated", |r| &mut r.topic_keywords)}
                {f.field(
                    "rules-unresolved",
                    "Unresolved after minutes",
                    "number",
                    "Open this long without an agent",
                    |r| &mut r.unresolved_after_minutes,
                )}
                {f.field(
                    "rules-confidence",
                    "Alert below bot confidence",
                    "number",
                    "From 0 to 1, e.g. 0.35",
                    |r| &mut r.alert_below_confidence,
                )}
                {f.check("Alert when the customer asks for a person", |r| &mut r.alert_on_request)}
            </fieldset>
            <fieldset class="panel">
                <legend>"Compliance"</legend>
                <p class="muted small">"Agents' replies are checked before they reach the customer."</p>
                {f.check("Check card numbers", |r| &mut r.check_card_numbers)}
                {f.check("Check personal data", |r| &mut r.check_personal_data)}
                {f.field(
                    "rules-promises",
                    "Forbidden promises",
                    "text",
                    "Comma-separated phrases",
                    |r| &mut r.forbidden_promises,
                )}
                {f.field("rules-banned", "Banned words", "text", "Comma-separated", |r| &mut r.banned_words)}
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || busy.get()>"Save rules"</button>
            </div>
        </form>
    }
}

/// Binds inputs to one field of the form each; any edit clears "Rules saved".
#[derive(Clone, Copy)]
struct Fields {
    form: RwSignal<Option<RulesForm>>,
    status: RwSignal<Option<String>>,
}

type Lens<T> = fn(&mut RulesForm) -> &mut T;

impl Fields {
    fn read<T: Clone>(self, lens: Lens<T>) -> Option<T> {
        // The lens needs `&mut`; reading through a clone keeps the signal untouched.
        self.form.with(|f| f.clone().map(|mut f| lens(&mut f).clone()))
    }

    fn write<T>(self, lens: Lens<T>, value: T) {
        self.status.set(None);
        self.form.update(|f| {
            if let Some(f) = f {
                *lens(f) = value;
            }
        });
    }

    fn field(
        self,
        id: &'static str,
        label: &'static str,
        kind: &'static str,
        hint: &'static str,
        lens: Lens<String>,
    ) -> impl IntoView {
        let hint_id = format!("{id}-hint");
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type=kind
                    step=(kind == "number").then_some("any")
                    aria-describedby=hint_id.clone()
                    prop:value=move || self.read(lens).unwrap_or_default()
                    on:input=move |ev| self.write(lens, event_target_value(&ev))
                />
                <span id=hint_id class="field-hint">{hint}</span>
            </div>
        }
    }

    fn check(self, label: &'static str, lens: Lens<bool>) -> impl IntoView {
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=move || self.read(lens).unwrap_or(false)
                    on:change=move |ev| self.write(lens, event_target_checked(&ev))
                />
                {label}
            </label>
        }
    }
}
