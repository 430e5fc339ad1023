//! Talks to the edge: REST start/resume, the conversation socket, reconnects with backoff, and
//! redelivery of everything the customer did while offline (same client ids, so nothing doubles).

use std::time::Duration;

use baton_shared::i18n::{Text, Texts};
use baton_shared::limits::MAX_TEXT_CHARS;
use baton_shared::limits::PROTOCOL_VERSION;
use baton_shared::{ClientFrame, ErrorCode, ServerFrame, StartResponse};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, WebSocket};

use crate::host;
use crate::transcript::{Link, Transcript, friendly_error};
use crate::wire;

/// Every this many failed attempts, go back to the REST start: an expired token or a
/// restarted edge is fixed there (it resumes the conversation or hands out a new one).
const ATTEMPTS_BEFORE_RESTART: u32 = 3;
const KEEPALIVE: Duration = Duration::from_secs(30);
/// Nothing heard for this long on an open socket means the connection died silently.
const SILENCE_MS: f64 = 75_000.0;
const TYPING_REFRESH_MS: f64 = 3_000.0;
const TYPING_IDLE: Duration = Duration::from_millis(2_500);
/// A typing indicator whose "off" got lost disappears after this.
const TYPING_SHOWN: Duration = Duration::from_secs(8);
const ALERT_SHOWN: Duration = Duration::from_secs(10);
/// A longer hint than this is not believed; the message is tried again after this long.
const MAX_RATE_LIMIT_WAIT_MS: u64 = 60_000;

/// Handle shared by every view: reactive state plus the I/O behind it.
#[derive(Clone, Copy)]
pub struct Chat {
    /// Everything the panel shows; one signal, so the widget instantiates the reactive
    /// machinery for a single type.
    pub model: RwSignal<Transcript>,
    io: StoredValue<Io, LocalStorage>,
}

/// What the loader lends the widget: how to ask the page who its visitor is (JSON in the
/// start request's shape, read at each start so a later `Baton('identify')` counts), and where
/// to tell the page what happened (`Baton('on', …)` listeners).
#[derive(Default)]
pub struct Host {
    pub visitor: JsValue,
    pub emit: JsValue,
}

impl Host {
    fn visitor(&self) -> String {
        self.visitor
            .unchecked_ref::<js_sys::Function>()
            .call0(&JsValue::NULL)
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    }
}

#[derive(Default)]
struct Io {
    site: String,
    host: Host,
    base: String,
    token: Option<String>,
    conversation_id: Option<String>,
    starting: bool,
    socket: Option<Socket>,
    /// Bumped per socket, so late events of a replaced socket are ignored.
    socket_gen: u32,
    failures: u32,
    ever_online: bool,
    retry: Option<TimeoutHandle>,
    last_heard: f64,
    typing_on: bool,
    typing_sent_at: f64,
    typing_idle: Option<TimeoutHandle>,
}

struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut()>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

enum StartError {
    /// Network trouble or a server error: try again later.
    Retry,
    /// The stored token was refused: forget it and start a new conversation.
    BadToken,
    /// The site does not exist or does not allow this page.
    Refused,
}

impl Chat {
    /// `texts` are the widget's words in the visitor's language, as the edge chose them.
    pub fn new(site: String, base: String, host: Host, texts: Texts) -> Chat {
        let token = storage().and_then(|s| s.get_item(&token_key(&site)).ok().flatten());
        let base = base.trim_end_matches('/').to_string();
        let chat = Chat {
            model: RwSignal::new(Transcript::new(texts)),
            io: StoredValue::new_local(Io { site, base, token, host, ..Io::default() }),
        };
        set_interval(move || chat.keepalive(), KEEPALIVE);
        let _ = window_event_listener(leptos::ev::online, move |_| chat.retry_now());
        chat
    }

    /// The widget's words; read inside a view's closure, a new language (`setLocale`)
    /// re-renders it.
    pub fn texts(self) -> Texts {
        self.model.with(|m| m.texts)
    }

    pub fn text(self, key: Text) -> &'static str {
        self.texts().get(key)
    }

    /// Tells the page's `Baton('on', name, …)` listeners; `detail` is JSON.
    fn emit(self, name: &str, detail: &str) {
        self.io.with_value(|io| {
            let _ =
                io.host.emit.unchecked_ref::<js_sys::Function>().call2(&JsValue::NULL, &name.into(), &detail.into());
        });
    }

    /// Tells the page the unread count if it is no longer `before`.
    fn tell_unread(self, before: u32) {
        let now = self.model.with_untracked(Transcript::unread);
        if now != before {
            self.emit("unread", &host::unread(now));
        }
    }

    /// A returning visitor resumes at once (history, replies that came while away); a new
    /// visitor gets a conversation only once they open the chat or write.
    pub fn resume_if_returning(self) {
        if self.io.with_value(|io| io.token.is_some()) {
            self.ensure_started();
        }
    }

    fn link(self) -> Link {
        self.model.with_untracked(|m| m.link)
    }

    fn set_link(self, link: Link) {
        if self.link() != link {
            self.model.update(|m| m.link = link);
        }
    }

    pub fn set_open(self, open: bool) {
        let (was_open, unread) = self.model.with_untracked(|m| (m.is_open(), m.unread()));
        self.model.update(|m| m.set_open(open));
        if was_open != open {
            self.emit(if open { "open" } else { "close" }, "{}");
        }
        self.tell_unread(unread);
        if open {
            self.ensure_started();
        } else {
            self.typing_stopped();
        }
    }

    pub fn ensure_started(self) {
        if self.link() == Link::Unavailable {
            return;
        }
        let go = self
            .io
            .try_update_value(|io| {
                let go = io.conversation_id.is_none() && !io.starting && io.retry.is_none();
                io.starting |= go;
                go
            })
            .unwrap_or(false);
        if go {
            spawn_local(self.start());
        }
    }

    async fn start(self) {
        if self.link() != Link::Reconnecting {
            self.set_link(Link::Connecting);
        }
        let (base, site, token, known) =
            self.io.with_value(|io| (io.base.clone(), io.site.clone(), io.token.clone(), io.host.visitor()));
        // The loader puts the page in (its origin and path unless the site opts in to more).
        let request = wire::encode_start_request(token.as_deref(), &known);
        let outcome = post_start(&base, &site, &request, token.is_some()).await;
        self.io.update_value(|io| io.starting = false);
        match outcome {
            Ok(started) => {
                if let Some(s) = storage() {
                    let _ = s.set_item(&token_key(&site), &started.token);
                    let _ = s.set_item(&conversation_key(&site), &started.conversation_id);
                }
                self.io.update_value(|io| {
                    io.token = Some(started.token);
                    io.conversation_id = Some(started.conversation_id.clone());
                });
                self.model.update(|m| {
                    m.set_site(&started.site);
                    m.set_conversation(&started.conversation_id);
                });
                self.connect();
            }
            Err(StartError::BadToken) => {
                if let Some(s) = storage() {
                    let _ = s.remove_item(&token_key(&site));
                }
                self.io.update_value(|io| io.token = None);
                self.retry_later();
            }
            Err(StartError::Refused) => self.set_link(Link::Unavailable),
            Err(StartError::Retry) => self.retry_later(),
        }
    }

    fn connect(self) {
        let url = self.io.with_value(socket_url);
        let generation = self
            .io
            .try_update_value(|io| {
                io.socket = None;
                io.socket_gen = io.socket_gen.wrapping_add(1);
                io.socket_gen
            })
            .unwrap_or(0);
        let Some(ws) = url.and_then(|(url, bearer)| {
            WebSocket::new_with_str_sequence(&url, &js_sys::Array::of2(&"baton".into(), &bearer.into())).ok()
        }) else {
            return self.retry_later();
        };
        let on_open = Closure::<dyn FnMut()>::new(move || chat_if_current(self, generation).map_or((), Chat::on_open));
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            if let (Some(chat), Some(text)) = (chat_if_current(self, generation), ev.data().as_string()) {
                chat.on_frame(&text);
            }
        });
        let on_close =
            Closure::<dyn FnMut()>::new(move || chat_if_current(self, generation).map_or((), Chat::retry_later));
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.io.update_value(|io| {
            io.socket = Some(Socket { ws, _on_open: on_open, _on_message: on_message, _on_close: on_close })
        });
    }

    fn on_open(self) {
        let last_seq = self.model.with_untracked(Transcript::last_seq);
        self.io.update_value(|io| io.last_heard = js_sys::Date::now());
        self.write(&ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq });
    }

    fn on_frame(self, raw: &str) {
        self.io.update_value(|io| io.last_heard = js_sys::Date::now());
        let incoming = wire::decode_server_frame(raw);
        if incoming.unreadable {
            leptos::logging::warn!("baton: ignored what this widget cannot read: {raw}");
        }
        let frame = incoming.frame.as_ref();
        let welcome = matches!(frame, Some(ServerFrame::Welcome { .. }));
        let typing = matches!(frame, Some(ServerFrame::Typing { .. }));
        let alert = matches!(frame, Some(ServerFrame::Error { .. }));
        let resend_later = match frame {
            Some(ServerFrame::Error {
                code: ErrorCode::RateLimited,
                client_id: Some(id),
                retry_after_ms: Some(ms),
                ..
            }) => Some((id.clone(), *ms)),
            _ => None,
        };
        if frame.is_none() && incoming.skipped.is_none() {
            return;
        }
        // The first welcome after a reload brings history, which is not "unread".
        let count_new = !welcome || self.io.with_value(|io| io.ever_online);
        let (seen, unread) = self.model.with_untracked(|m| (m.last_seq(), m.unread()));
        let fresh = self.model.try_update(|m| m.receive(incoming)).unwrap_or(0);
        if count_new {
            for (name, detail) in self.model.with_untracked(|m| host::events(m.events_after(seen))) {
                self.emit(name, &detail);
            }
            if fresh > 0 {
                self.model.update(|m| m.count_unread(fresh));
            }
        }
        self.tell_unread(unread);
        if welcome {
            self.io.update_value(|io| {
                io.failures = 0;
                io.ever_online = true;
            });
            self.set_link(Link::Online);
            for frame in self.model.with_untracked(Transcript::unconfirmed) {
                self.write(&frame);
            }
        }
        if let Some((_, generation)) = self.model.with_untracked(Transcript::typing).filter(|_| typing) {
            set_timeout(move || self.model.update(|m| m.expire_typing(generation)), TYPING_SHOWN);
        }
        if alert {
            self.expire_alert();
        }
        if let Some((client_id, wait_ms)) = resend_later {
            let wait = Duration::from_millis(wait_ms.min(MAX_RATE_LIMIT_WAIT_MS));
            set_timeout(
                move || {
                    if let Some(frame) = self.model.with_untracked(|m| m.pending(&client_id)) {
                        self.deliver(frame);
                    }
                },
                wait,
            );
        }
    }

    /// Drops the socket and schedules the next attempt with backoff and jitter.
    fn retry_later(self) {
        let failures = self
            .io
            .try_update_value(|io| {
                // Closed and ignored from now on, but dropped only by the next `connect`: this
                // may run inside the socket's own close handler.
                if let Some(socket) = &io.socket {
                    let _ = socket.ws.close();
                }
                io.socket_gen = io.socket_gen.wrapping_add(1);
                io.failures = io.failures.saturating_add(1);
                if let Some(pending) = io.retry.take() {
                    pending.clear();
                }
                io.failures
            })
            .unwrap_or(1);
        self.set_link(Link::Reconnecting);
        let delay = baton_shared::backoff::reconnect_delay_ms(failures, js_sys::Math::random());
        let handle = set_timeout_with_handle(move || self.attempt(), Duration::from_millis(delay.into())).ok();
        self.io.update_value(|io| io.retry = handle);
    }

    fn attempt(self) {
        let restart = self.io.try_update_value(|io| {
            io.retry = None;
            let restart = io.conversation_id.is_none() || io.failures % ATTEMPTS_BEFORE_RESTART == 0;
            if restart {
                io.conversation_id = None;
            }
            restart
        });
        match restart {
            Some(true) => self.ensure_started(),
            Some(false) => self.connect(),
            None => {}
        }
    }

    /// The browser says the network is back: skip the rest of the backoff.
    fn retry_now(self) {
        let waiting = self.io.try_update_value(|io| io.retry.take().map(|h| h.clear()).is_some()).unwrap_or(false);
        if waiting {
            self.attempt();
        }
    }

    fn keepalive(self) {
        if self.link() != Link::Online {
            return;
        }
        let silent = self.io.with_value(|io| js_sys::Date::now() - io.last_heard > SILENCE_MS);
        if silent {
            self.retry_later();
        } else {
            self.write(&ClientFrame::Ping);
        }
    }

    /// Writes a frame if the socket is open; false otherwise (the caller's frame stays in the
    /// transcript's unconfirmed list and goes out after the next welcome).
    fn write(self, frame: &ClientFrame) -> bool {
        let raw = wire::encode_client_frame(frame);
        self.io.with_value(|io| {
            io.socket
                .as_ref()
                .is_some_and(|s| s.ws.ready_state() == WebSocket::OPEN && s.ws.send_with_str(&raw).is_ok())
        })
    }

    fn deliver(self, frame: ClientFrame) {
        self.ensure_started();
        if self.link() == Link::Online {
            self.write(&frame);
        }
    }

    /// Sends a message typed by the customer; false when there was nothing to send.
    pub fn send_text(self, text: &str) -> bool {
        let Some(text) = self.checked(text) else { return false };
        let client_id = new_client_id();
        self.model.update(|m| m.queue_message(&client_id, &text));
        self.typing_stopped();
        self.deliver(ClientFrame::Send { client_id, text, send_anyway: false });
        true
    }

    /// The text trimmed, if it may be sent: an empty one is not, and one over the limit is
    /// refused here with the conversation's own words, so the customer can shorten it in place.
    /// (The conversation checks again; this only spares a round trip.)
    fn checked(self, text: &str) -> Option<String> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            self.alert(friendly_error(self.texts(), ErrorCode::TextTooLong));
            return None;
        }
        Some(text.to_string())
    }

    pub fn retry_message(self, client_id: &str) {
        if let Some(frame) = self.model.try_update(|m| m.retry(client_id)).flatten() {
            self.deliver(frame);
        }
    }

    pub fn request_human(self) {
        if !self.model.with_untracked(Transcript::can_request_human) {
            return;
        }
        let client_id = new_client_id();
        self.model.update(|m| m.request_human(&client_id));
        self.deliver(ClientFrame::RequestHuman { client_id });
    }

    pub fn rate(self, score: u8) {
        if self.model.with_untracked(Transcript::rating_in_flight).is_some() {
            return;
        }
        let client_id = new_client_id();
        self.model.update(|m| m.rate(&client_id, score));
        self.deliver(ClientFrame::Rate { client_id, score });
    }

    /// "End chat", once the customer confirmed: the conversation closes for both sides.
    pub fn end_chat(self) {
        let client_id = new_client_id();
        if self.model.try_update(|m| m.confirm_end(&client_id)).unwrap_or(false) {
            self.deliver(ClientFrame::End { client_id });
        }
    }

    /// Nobody can come: the customer keeps chatting with the bot.
    pub fn keep_chatting(self) {
        let frame = ClientFrame::KeepChatting { client_id: new_client_id() };
        self.model.update(|m| m.choose(frame));
        self.send_choice();
    }

    /// Nobody can come: the customer leaves a message. The browser checks the email's form
    /// (`type="email"`) and the conversation checks it again (`invalid_email`).
    pub fn leave_message(self, email: &str, text: &str) -> Result<(), &'static str> {
        let text = self.checked(text).ok_or(friendly_error(self.texts(), ErrorCode::EmptyText))?;
        let frame = ClientFrame::LeaveMessage { client_id: new_client_id(), email: email.trim().into(), text };
        self.model.update(|m| m.choose(frame));
        self.send_choice();
        Ok(())
    }

    fn send_choice(self) {
        if let Some(frame) = self.model.with_untracked(|m| m.choice().cloned()) {
            self.deliver(frame);
        }
    }

    /// The page signed its user out (`Baton('reset')`): this browser forgets the conversation
    /// and the next one starts afresh, with whatever the page then says about its visitor.
    pub fn reset(self) {
        if let Some(s) = storage() {
            let site = self.io.with_value(|io| io.site.clone());
            let _ = s.remove_item(&token_key(&site));
            let _ = s.remove_item(&conversation_key(&site));
        }
        self.io.update_value(|io| {
            if let Some(retry) = io.retry.take() {
                retry.clear();
            }
            // Dropping the socket closes it; its late events are ignored by generation.
            io.socket = None;
            io.socket_gen = io.socket_gen.wrapping_add(1);
            io.token = None;
            io.conversation_id = None;
            io.failures = 0;
            io.ever_online = false;
        });
        self.model.update(Transcript::reset);
        if self.model.with_untracked(Transcript::is_open) {
            self.ensure_started();
        }
    }

    /// "Start a new conversation" after one ended: the edge sees the ended one in the token and
    /// starts a new one linked to it; the old transcript shows until the new one is there.
    pub fn start_new(self) {
        self.io.update_value(|io| io.conversation_id = None);
        self.ensure_started();
    }

    pub fn alert(self, text: &str) {
        self.model.update(|m| m.show_alert(text));
        self.expire_alert();
    }

    fn expire_alert(self) {
        if let Some((_, generation)) = self.model.with_untracked(Transcript::alert) {
            set_timeout(move || self.model.update(|m| m.dismiss_alert(generation)), ALERT_SHOWN);
        }
    }

    /// The customer typed: "typing on" at most every few seconds, "off" after a pause.
    pub fn typing_activity(self) {
        let now = js_sys::Date::now();
        let announce = self
            .io
            .try_update_value(|io| {
                if let Some(idle) = io.typing_idle.take() {
                    idle.clear();
                }
                let due = !io.typing_on || now - io.typing_sent_at > TYPING_REFRESH_MS;
                if due {
                    io.typing_on = true;
                    io.typing_sent_at = now;
                }
                due
            })
            .unwrap_or(false);
        if announce && self.link() == Link::Online {
            self.write(&ClientFrame::Typing { on: true });
        }
        let idle = set_timeout_with_handle(move || self.typing_stopped(), TYPING_IDLE).ok();
        self.io.update_value(|io| io.typing_idle = idle);
    }

    pub fn typing_stopped(self) {
        let was_on = self
            .io
            .try_update_value(|io| {
                if let Some(idle) = io.typing_idle.take() {
                    idle.clear();
                }
                std::mem::take(&mut io.typing_on)
            })
            .unwrap_or(false);
        if was_on && self.link() == Link::Online {
            self.write(&ClientFrame::Typing { on: false });
        }
    }
}

fn chat_if_current(chat: Chat, generation: u32) -> Option<Chat> {
    chat.io.try_with_value(|io| io.socket_gen == generation).unwrap_or(false).then_some(chat)
}

async fn post_start(base: &str, site: &str, request: &str, with_token: bool) -> Result<StartResponse, StartError> {
    let window = web_sys::window().ok_or(StartError::Retry)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new().map_err(|_| StartError::Retry)?;
    headers.set("content-type", "application/json").map_err(|_| StartError::Retry)?;
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(request));
    let url = format!("{base}/api/sites/{}/conversations", uri(site));
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| StartError::Retry)?
        .dyn_into()
        .map_err(|_| StartError::Retry)?;
    let status = response.status();
    let body = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|v| v.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    match status {
        200..=299 => wire::decode_start_response(&body).ok_or(StartError::Retry),
        401 if with_token => Err(StartError::BadToken),
        408 | 429 => Err(StartError::Retry),
        400..=499 => Err(StartError::Refused),
        _ => Err(StartError::Retry),
    }
}

fn storage() -> Option<web_sys::Storage> {
    // Throws in some privacy modes and sandboxed frames; the chat then simply does not resume.
    web_sys::window()?.local_storage().ok().flatten()
}

fn token_key(site: &str) -> String {
    format!("baton:{site}")
}

/// Where the conversation's id is kept beside its token, for the loader's `identify`.
fn conversation_key(site: &str) -> String {
    format!("baton:{site}:c")
}

fn uri(part: &str) -> String {
    js_sys::encode_uri_component(part).into()
}

/// The socket's URL and its token. The token goes as the `bearer.{token}` subprotocol beside
/// `baton`, never in the URL, which logs on the way keep.
fn socket_url(io: &Io) -> Option<(String, String)> {
    let (id, token) = (io.conversation_id.as_ref()?, io.token.as_ref()?);
    let base = socket_base(&io.base)?;
    Some((format!("{base}/api/sites/{}/conversations/{}/ws", uri(&io.site), uri(id)), format!("bearer.{token}")))
}

/// `https://host/x` → `wss://host/x`, `http://…` → `ws://…`.
fn socket_base(base: &str) -> Option<String> {
    if let Some(rest) = base.strip_prefix("https://") {
        Some(format!("wss://{rest}"))
    } else {
        base.strip_prefix("http://").map(|rest| format!("ws://{rest}"))
    }
}

/// 24 hex characters. A client id only has to differ from this visitor's other ids in the same
/// conversation (it names a message for resends), and grants nothing: `Math.random` is enough.
fn new_client_id() -> String {
    (0..24).map(|_| char::from(b"0123456789abcdef"[(js_sys::Math::random() * 16.0) as usize & 15])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_base_switches_scheme() {
        assert_eq!(socket_base("https://chat.example.com").as_deref(), Some("wss://chat.example.com"));
        assert_eq!(socket_base("http://127.0.0.1:8787").as_deref(), Some("ws://127.0.0.1:8787"));
        assert_eq!(socket_base("ftp://x"), None);
    }
}
