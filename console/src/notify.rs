//! Getting the agent's attention for a new flag: a short tone and a browser notification.
//! Both are best effort; a blocked or missing API just stays quiet.

use std::cell::RefCell;

use wasm_bindgen_futures::JsFuture;
use web_sys::{AudioContext, Notification, NotificationOptions, NotificationPermission, OscillatorType, Storage};

use crate::model::alerts::{ALERTS_PREF_KEY, FlagAlert};

const TONE_HZ: f32 = 880.0;
const TONE_SECONDS: f64 = 0.15;
const TONE_VOLUME: f32 = 0.15;

thread_local! {
    // Browsers start an audio context suspended unless a click created or resumed it, so one
    // context is made when the agent ticks the box and reused for every tone.
    static AUDIO: RefCell<Option<AudioContext>> = const { RefCell::new(None) };
}

fn storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Whether the agent opted in on this browser.
pub fn enabled() -> bool {
    storage().and_then(|s| s.get_item(ALERTS_PREF_KEY).ok().flatten()).is_some_and(|v| v == "on")
}

/// Remembers the choice; when switching on (a click), also unlocks sound and asks for permission
/// to notify.
pub fn set_enabled(on: bool) {
    if let Some(s) = storage() {
        let _ = if on { s.set_item(ALERTS_PREF_KEY, "on") } else { s.remove_item(ALERTS_PREF_KEY) };
    }
    if on {
        with_audio(|_| {});
        if permission() == Some(NotificationPermission::Default)
            && let Ok(promise) = Notification::request_permission()
        {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(promise).await;
            });
        }
    }
}

/// `None` where the browser has no notifications at all; reading `Notification.permission`
/// there would throw straight through the wasm.
fn permission() -> Option<NotificationPermission> {
    let window = web_sys::window()?;
    js_sys::Reflect::has(&window, &"Notification".into()).ok()?.then(Notification::permission)
}

fn with_audio(f: impl FnOnce(&AudioContext)) {
    AUDIO.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = AudioContext::new().ok();
        }
        if let Some(ctx) = slot.as_ref() {
            // Resuming outside a click may be refused; the tone is then skipped, nothing else.
            let _ = ctx.resume();
            f(ctx);
        }
    });
}

/// One short sine beep, fading out so it does not click.
pub fn chime() {
    with_audio(|ctx| {
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else { return };
        let now = ctx.current_time();
        osc.set_type(OscillatorType::Sine);
        osc.frequency().set_value(TONE_HZ);
        let _ = gain.gain().set_value_at_time(TONE_VOLUME, now);
        let _ = gain.gain().exponential_ramp_to_value_at_time(0.001, now + TONE_SECONDS);
        let routed = osc.connect_with_audio_node(&gain).and_then(|_| gain.connect_with_audio_node(&ctx.destination()));
        if routed.is_ok() {
            let _ = osc.start_with_when(now);
            let _ = osc.stop_with_when(now + TONE_SECONDS);
        }
    });
}

/// A system notification, if the agent allowed them.
pub fn show(alert: &FlagAlert) {
    if permission() != Some(NotificationPermission::Granted) {
        return;
    }
    let options = NotificationOptions::new();
    options.set_tag(&alert.tag());
    let _ = Notification::new_with_options(&alert.message(), &options);
}
