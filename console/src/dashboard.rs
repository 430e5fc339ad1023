//! The site's live dashboard feed: `snapshot` on every (re)connect, then `upsert`s.

use baton_shared::Presence;
use baton_shared::protocol::{DashboardClientFrame, DashboardFrame, encode};
use leptos::prelude::*;

use crate::model::dashboard::DashboardModel;
use crate::model::net::{dashboard_path, socket_protocols, socket_url};
use crate::model::session::is_auth_error;
use crate::notify;
use crate::socket::{Handlers, LinkStatus, LiveSocket};

#[derive(Clone, Copy)]
pub struct DashboardFeed {
    pub model: RwSignal<DashboardModel>,
    pub status: RwSignal<LinkStatus>,
    /// "Alert me about new flags", remembered on this browser.
    pub alerts_on: RwSignal<bool>,
    socket: StoredValue<LiveSocket, LocalStorage>,
}

impl DashboardFeed {
    /// Subscribes for as long as the calling component lives.
    pub fn open(site: &str, token: &str, on_auth_failed: impl Fn() + 'static) -> DashboardFeed {
        let model = RwSignal::new(DashboardModel::default());
        let status = RwSignal::new(LinkStatus::Connecting);
        let alerts_on = RwSignal::new(notify::enabled());
        let location = window().location();
        let url = socket_url(
            &location.protocol().unwrap_or_default(),
            &location.host().unwrap_or_default(),
            &dashboard_path(site),
        );
        let protocols = socket_protocols(token);
        let handlers = Handlers {
            on_open: Box::new(move |_| status.set(LinkStatus::Live)),
            on_text: Box::new(move |_, text| {
                let Ok(frame) = serde_json::from_str::<DashboardFrame>(&text) else { return };
                // Keep-alive answers change nothing; don't re-render every row for them.
                if matches!(frame, DashboardFrame::Pong) {
                    return;
                }
                let mut refused = None;
                let mut alerts = Vec::new();
                model.update(|m| {
                    refused = m.apply(frame);
                    // Taken even when alerts are off, so they never pile up.
                    alerts = m.take_alerts();
                });
                if !alerts.is_empty() && alerts_on.get_untracked() {
                    notify::chime();
                    alerts.iter().for_each(notify::show);
                }
                if refused.is_some_and(|e| is_auth_error(e.code)) {
                    on_auth_failed();
                }
            }),
            on_down: Box::new(move || status.set(LinkStatus::Reconnecting)),
        };
        let socket = LiveSocket::start(url, protocols, Some(encode(&DashboardClientFrame::Ping)), handlers);
        let socket = StoredValue::new_local(socket);
        on_cleanup(move || socket.with_value(LiveSocket::stop));
        DashboardFeed { model, status, alerts_on, socket }
    }

    /// "Accept" or "Decline" on an offer; false while the link is down.
    pub fn answer_offer(&self, conversation: &str, accept: bool) -> bool {
        let frame = encode(&DashboardClientFrame::AnswerOffer { conversation: conversation.to_string(), accept });
        self.socket.try_with_value(|s| s.send(&frame)).unwrap_or(false)
    }

    /// The agent chose in the "Status" control. False while the link is down; the control
    /// keeps showing what the site last said.
    pub fn set_presence(&self, presence: Presence) -> bool {
        let frame = encode(&DashboardClientFrame::SetPresence { presence });
        self.socket.try_with_value(|s| s.send(&frame)).unwrap_or(false)
    }

    /// The agent ticked or unticked "Alert me about new flags".
    pub fn set_alerts(&self, on: bool) {
        notify::set_enabled(on);
        self.alerts_on.set(on);
    }
}
