//! A WebSocket that comes back: reconnects with backoff after any drop until stopped,
//! and pings now and then so a dead link shows up as a drop.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use leptos::prelude::{IntervalHandle, TimeoutHandle, set_interval_with_handle, set_timeout_with_handle};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use baton_shared::backoff::reconnect_delay_ms;

const PING_EVERY: Duration = Duration::from_secs(25);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Connecting,
    Live,
    Reconnecting,
}

impl LinkStatus {
    pub fn label(self) -> &'static str {
        match self {
            LinkStatus::Connecting => "Connecting…",
            LinkStatus::Live => "Live",
            LinkStatus::Reconnecting => "Reconnecting…",
        }
    }
}

type OnOpen = Box<dyn Fn(&WebSocket)>;
type OnText = Box<dyn Fn(&WebSocket, String)>;

/// What the owner of a socket reacts to. Each gets the live socket, to answer on it.
pub struct Handlers {
    pub on_open: OnOpen,
    pub on_text: OnText,
    pub on_down: Box<dyn Fn()>,
}

struct Listeners {
    open: Closure<dyn FnMut(Event)>,
    message: Closure<dyn FnMut(MessageEvent)>,
    close: Closure<dyn FnMut(CloseEvent)>,
}

struct Inner {
    url: String,
    /// Offered subprotocols; the token travels in one of them.
    protocols: Vec<String>,
    ping: Option<String>,
    handlers: Handlers,
    ws: RefCell<Option<WebSocket>>,
    listeners: RefCell<Option<Listeners>>,
    attempt: Cell<u32>,
    /// Whether the current socket ever opened; only such a socket's normal close resets the backoff.
    opened: Cell<bool>,
    stopped: Cell<bool>,
    retry: Cell<Option<TimeoutHandle>>,
    pinger: Cell<Option<IntervalHandle>>,
}

pub struct LiveSocket(Rc<Inner>);

impl LiveSocket {
    /// Opens `url` now and keeps it open; `ping` is sent every 25 s while connected.
    pub fn start(url: String, protocols: Vec<String>, ping: Option<String>, handlers: Handlers) -> LiveSocket {
        let inner = Rc::new(Inner {
            url,
            protocols,
            ping,
            handlers,
            ws: RefCell::new(None),
            listeners: RefCell::new(None),
            attempt: Cell::new(0),
            opened: Cell::new(false),
            stopped: Cell::new(false),
            retry: Cell::new(None),
            pinger: Cell::new(None),
        });
        *inner.listeners.borrow_mut() = Some(Listeners::new(Rc::downgrade(&inner)));
        inner.connect();
        LiveSocket(inner)
    }

    /// Sends a text frame; false when the socket is not open right now.
    pub fn send(&self, text: &str) -> bool {
        self.0.send(text)
    }

    /// Closes for good: no reconnect, no callbacks after this.
    pub fn stop(&self) {
        let inner = &self.0;
        inner.stopped.set(true);
        if let Some(t) = inner.retry.take() {
            t.clear();
        }
        if let Some(p) = inner.pinger.take() {
            p.clear();
        }
        if let Some(ws) = inner.ws.borrow_mut().take() {
            detach(&ws);
            let _ = ws.close();
        }
    }
}

impl Listeners {
    fn new(weak: Weak<Inner>) -> Listeners {
        let w = weak.clone();
        let open = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            if let Some(inner) = w.upgrade() {
                inner.opened.set(true);
                let ws = inner.ws.borrow().clone();
                if let Some(ws) = ws {
                    (inner.handlers.on_open)(&ws);
                }
            }
        });
        let w = weak.clone();
        let message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let (Some(inner), Some(text)) = (w.upgrade(), ev.data().as_string()) else { return };
            let ws = inner.ws.borrow().clone();
            if let Some(ws) = ws {
                (inner.handlers.on_text)(&ws, text);
            }
        });
        let close = Closure::<dyn FnMut(CloseEvent)>::new(move |ev: CloseEvent| {
            if let Some(inner) = weak.upgrade() {
                inner.dropped(ev.code());
            }
        });
        Listeners { open, message, close }
    }
}

impl Inner {
    fn connect(self: &Rc<Self>) {
        if self.stopped.get() {
            return;
        }
        let protocols: js_sys::Array = self.protocols.iter().map(|p| wasm_bindgen::JsValue::from_str(p)).collect();
        let Ok(ws) = WebSocket::new_with_str_sequence(&self.url, &protocols) else {
            self.schedule_retry();
            return;
        };
        if let Some(l) = self.listeners.borrow().as_ref() {
            ws.set_onopen(Some(l.open.as_ref().unchecked_ref()));
            ws.set_onmessage(Some(l.message.as_ref().unchecked_ref()));
            ws.set_onclose(Some(l.close.as_ref().unchecked_ref()));
        }
        *self.ws.borrow_mut() = Some(ws);
        if self.pinger.get().is_none()
            && let Some(ping) = self.ping.clone()
        {
            let weak = Rc::downgrade(self);
            let handle = set_interval_with_handle(
                move || {
                    if let Some(inner) = weak.upgrade() {
                        inner.send(&ping);
                    }
                },
                PING_EVERY,
            );
            self.pinger.set(handle.ok());
        }
    }

    fn send(&self, text: &str) -> bool {
        match self.ws.borrow().as_ref() {
            Some(ws) if ws.ready_state() == WebSocket::OPEN => ws.send_with_str(text).is_ok(),
            _ => false,
        }
    }

    fn dropped(self: &Rc<Self>, code: u16) {
        if let Some(ws) = self.ws.borrow_mut().take() {
            detach(&ws);
        }
        if self.stopped.get() {
            return;
        }
        // The edge refuses a socket by accepting it, sending one error and closing with
        // 4000 + the HTTP status; such a socket opened but must keep backing off.
        if self.opened.take() && !(4000..5000).contains(&code) {
            self.attempt.set(0);
        }
        (self.handlers.on_down)();
        self.schedule_retry();
    }

    fn schedule_retry(self: &Rc<Self>) {
        let attempt = self.attempt.get();
        self.attempt.set(attempt.saturating_add(1));
        let delay = u64::from(reconnect_delay_ms(attempt.saturating_add(1), js_sys::Math::random()));
        let weak = Rc::downgrade(self);
        let handle = set_timeout_with_handle(
            move || {
                if let Some(inner) = weak.upgrade() {
                    inner.retry.set(None);
                    inner.connect();
                }
            },
            Duration::from_millis(delay),
        );
        self.retry.set(handle.ok());
    }
}

fn detach(ws: &WebSocket) {
    ws.set_onopen(None);
    ws.set_onmessage(None);
    ws.set_onclose(None);
}
