//! One conversation's agent socket: hello with the last seen seq, welcome, events, acks;
//! and the agent's commands (take over, hand back, reply, note, typing).

use std::time::Duration;

use baton_shared::protocol::{ClientFrame, LoginResponse, ServerFrame, encode};
use leptos::prelude::*;

use crate::model::conversation::ConversationModel;
use crate::model::net::{client_id, conversation_path, socket_protocols, socket_url};
use crate::model::typing::{IDLE_MS, TypingThrottle};
use crate::session::now_ms;
use crate::socket::{Handlers, LinkStatus, LiveSocket};

const NOT_CONNECTED: &str = "Not connected right now; reconnecting. Try again in a moment.";
/// A "typing" that is not refreshed or switched off within this long is dropped (the other side may be gone).
const TYPING_SHOWN_FOR: Duration = Duration::from_secs(7);

#[derive(Clone, Copy)]
pub struct ConversationLink {
    pub model: RwSignal<ConversationModel>,
    pub status: RwSignal<LinkStatus>,
    socket: StoredValue<LiveSocket, LocalStorage>,
    typing: StoredValue<(TypingThrottle, Option<TimeoutHandle>), LocalStorage>,
}

impl ConversationLink {
    /// Connects for as long as the calling component lives.
    pub fn open(
        site: &str,
        conversation_id: &str,
        session: &LoginResponse,
        on_auth_failed: impl Fn() + 'static,
    ) -> Self {
        let model = RwSignal::new(ConversationModel::new(conversation_id, session.agent.clone()));
        let status = RwSignal::new(LinkStatus::Connecting);
        let typing_shown = StoredValue::new_local(None::<TimeoutHandle>);
        let location = window().location();
        let url = socket_url(
            &location.protocol().unwrap_or_default(),
            &location.host().unwrap_or_default(),
            &conversation_path(site, conversation_id),
        );
        let protocols = socket_protocols(&session.token);
        let handlers = Handlers {
            on_open: Box::new(move |ws| {
                status.set(LinkStatus::Live);
                let hello = model.with_untracked(ConversationModel::hello);
                let _ = ws.send_with_str(&encode(&hello));
            }),
            on_text: Box::new(move |ws, text| {
                let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) else { return };
                // Keep-alive answers change nothing; don't re-render the transcript for them.
                if matches!(frame, ServerFrame::Pong) {
                    return;
                }
                if matches!(frame, ServerFrame::Typing { on: true, .. }) {
                    let expire =
                        set_timeout_with_handle(move || model.update(|m| m.typing = None), TYPING_SHOWN_FOR).ok();
                    if let Some(old) = typing_shown.try_update_value(|t| std::mem::replace(t, expire)).flatten() {
                        old.clear();
                    }
                }
                let mut replies = Vec::new();
                let mut auth_failed = false;
                model.update(|m| {
                    replies = m.receive(frame);
                    auth_failed = m.auth_failed;
                });
                for reply in replies {
                    let _ = ws.send_with_str(&encode(&reply));
                }
                if auth_failed {
                    on_auth_failed();
                }
            }),
            on_down: Box::new(move || {
                status.set(LinkStatus::Reconnecting);
                model.update(ConversationModel::connection_lost);
            }),
        };
        let socket =
            StoredValue::new_local(LiveSocket::start(url, protocols, Some(encode(&ClientFrame::Ping)), handlers));
        let link = ConversationLink {
            model,
            status,
            socket,
            typing: StoredValue::new_local((TypingThrottle::default(), None)),
        };
        on_cleanup(move || {
            link.stop_typing();
            if let Some(t) = typing_shown.try_update_value(Option::take).flatten() {
                t.clear();
            }
            socket.with_value(LiveSocket::stop);
        });
        link
    }

    fn send(&self, frame: &ClientFrame) -> bool {
        self.socket.try_with_value(|s| s.send(&encode(frame))).unwrap_or(false)
    }

    fn command(&self, frame: ClientFrame) {
        self.dismiss_alert();
        if !self.send(&frame) {
            self.model.update(|m| m.alert = Some(NOT_CONNECTED.to_string()));
        }
    }

    pub fn take_over(&self) {
        self.command(ClientFrame::TakeOver);
    }

    pub fn hand_back(&self) {
        self.stop_typing();
        self.command(ClientFrame::HandBack);
    }

    /// Closes the conversation as resolved; `note` is kept for agents and the history.
    pub fn resolve(&self, note: Option<String>) {
        self.stop_typing();
        self.command(ClientFrame::Resolve { note });
    }

    pub fn dismiss_alert(&self) {
        // Only notify when there is an alert to clear: every notification re-renders the view.
        self.model.maybe_update(|m| m.alert.take().is_some());
    }

    /// Queues a reply or note; true when it was accepted (the box can be cleared). A message
    /// that cannot go out now is resent after the reconnect.
    pub fn submit(&self, text: &str, note: bool) -> bool {
        let id = client_id(now_ms(), js_sys::Math::random());
        let mut composed = None;
        self.model.update(|m| match m.compose(id, text, note) {
            Ok(frame) => composed = Some(frame),
            Err(why) => m.alert = Some(why),
        });
        let Some(frame) = composed else { return false };
        if !note {
            self.stop_typing();
        }
        self.send(&frame);
        true
    }

    /// "Send anyway" on a compliance warning: the held reply again under a new client id,
    /// confirmed. Returns the text that went out.
    pub fn send_anyway(&self) -> Option<String> {
        let id = client_id(now_ms(), js_sys::Math::random());
        let mut sent = None;
        self.model.update(|m| {
            let text = m.compliance.as_ref().map(|h| h.text.clone());
            sent = m.send_anyway(id).zip(text);
        });
        let (frame, text) = sent?;
        self.stop_typing();
        self.send(&frame);
        Some(text)
    }

    /// "Edit message": drops the warning; returns the held text for the reply box.
    pub fn edit_held(&self) -> Option<String> {
        let mut held = None;
        self.model.maybe_update(|m| {
            held = m.edit_held();
            held.is_some()
        });
        held
    }

    /// A keystroke in the reply box; only the holder's typing is shown to the customer.
    pub fn keystroke(&self) {
        if !self.model.with_untracked(ConversationModel::holds) {
            return;
        }
        let announce = self.typing.try_update_value(|(t, _)| t.keystroke(now_ms())).unwrap_or(false);
        if announce {
            self.send(&ClientFrame::Typing { on: true });
        }
        let link = *self;
        let idle = set_timeout_with_handle(move || link.stop_typing(), Duration::from_millis(IDLE_MS)).ok();
        let previous = self.typing.try_update_value(|(_, timer)| std::mem::replace(timer, idle)).flatten();
        if let Some(t) = previous {
            t.clear();
        }
    }

    pub fn stop_typing(&self) {
        let stop = self
            .typing
            .try_update_value(|(t, timer)| {
                if let Some(h) = timer.take() {
                    h.clear();
                }
                t.stop()
            })
            .unwrap_or(false);
        if stop {
            self.send(&ClientFrame::Typing { on: false });
        }
    }
}
