//! The widget's view model: one conversation folded from server frames, the customer's own
//! actions not yet confirmed, and the panel's state. Pure: no clock, no DOM, so every rule the
//! widget shows is tested natively.

use baton_shared::avatar::validate_avatar_url;
use baton_shared::client::{Outgoing, SendState, Thread};
use baton_shared::i18n::{Text, Texts};
use baton_shared::{
    AgentInfo, Author, ClientFrame, ErrorCode, Event, EventBody, Mode, ModeReason, ServerFrame, SiteInfo,
};

use crate::wire::Incoming;

/// Who wrote a message, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Customer,
    Bot,
    Agent,
}

/// Delivery state of the customer's own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Typed, not yet acknowledged by the conversation.
    Pending,
    /// Stored by the conversation (acknowledged or seen in the transcript).
    Sent,
    /// Refused by the conversation; the customer may retry.
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Sent => "sent",
            Status::Failed => "failed",
        }
    }
}

/// One line of the message list, as shown: the list compares items by content, position by
/// position, and re-renders from the first one that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Message {
        who: Who,
        author: String,
        text: String,
        /// Only for the customer's own messages.
        status: Option<Status>,
        /// Client id of a customer message, so a failed one can be retried.
        client_id: Option<String>,
        /// First of a run by the same author: shows the author's name.
        first: bool,
    },
    Notice {
        text: String,
    },
}

/// A button in the row above the composer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    TalkToPerson,
    LeaveMessage,
    KeepChatting,
    EndChat,
    ConfirmEnd,
    CancelEnd,
    StartNew,
}

impl Action {
    pub fn label(self, texts: Texts) -> &'static str {
        texts.get(match self {
            Action::TalkToPerson => Text::TalkToPerson,
            Action::LeaveMessage => Text::LeaveMessage,
            Action::KeepChatting => Text::KeepChatting,
            Action::EndChat => Text::EndChat,
            Action::ConfirmEnd => Text::ConfirmEnd,
            Action::CancelEnd => Text::Cancel,
            Action::StartNew => Text::StartNew,
        })
    }
}

/// The row above the composer: a question or a statement, and the buttons that answer it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actions {
    pub title: Option<&'static str>,
    pub buttons: Vec<Action>,
    /// The "Leave a message" form shows below.
    pub form: bool,
}

/// What the panel header shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub subtitle: String,
    /// Not uppercased here: the stylesheet does it (see `initials`).
    pub initials: String,
    /// Only URLs that pass `validate_avatar_url`.
    pub image: Option<String>,
    /// A person holds the conversation (otherwise the bot's icon is shown).
    pub human: bool,
}

/// State of the link to the conversation, shown in the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Link {
    /// Nothing started yet (a first-time visitor who has not opened the chat).
    #[default]
    Idle,
    Connecting,
    Online,
    Reconnecting,
    /// The edge refused this site (unknown site, origin not allowed): retrying will not help.
    Unavailable,
}

impl Link {
    pub fn label(self, texts: Texts) -> &'static str {
        match self {
            Link::Connecting => texts.get(Text::Connecting),
            Link::Reconnecting => texts.get(Text::Reconnecting),
            Link::Unavailable => texts.get(Text::Unavailable),
            Link::Idle | Link::Online => "",
        }
    }
}

/// A customer message still in the outbox, as its frame.
fn send_frame(o: &Outgoing<String>) -> ClientFrame {
    ClientFrame::send(o.client_id.clone(), o.payload.clone())
}

/// Everything the widget shows: the conversation folded from frames, the customer's
/// unconfirmed actions, and the panel's own state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transcript {
    pub link: Link,
    /// The widget's words, in the visitor's language.
    pub texts: Texts,
    open: bool,
    /// Bot and agent messages that arrived while the panel was closed.
    unread: u32,
    conversation_id: String,
    bot_name: String,
    bot_avatar: Option<String>,
    greeting: String,
    /// The events customers see, and the customer's messages (their text) not yet among them.
    thread: Thread<String>,
    mode: Mode,
    holder: Option<AgentInfo>,
    /// Seq the current mode comes from, so an older mode event never overrides a newer state.
    mode_seq: u64,
    /// Client id of a "Talk to a person" request not yet answered by a mode change.
    human_request: Option<String>,
    /// A rating sent but not yet seen as an event.
    rating: Option<(String, u8)>,
    /// The customer pressed "End chat" and is asked to confirm.
    confirming_end: bool,
    /// Client id of an "End chat" not yet answered by the close.
    ending: Option<String>,
    /// The customer chose "Leave a message": the form shows.
    leaving: bool,
    /// A "Keep chatting" or a left message sent but not yet seen stored.
    choice: Option<ClientFrame>,
    /// While queued: the customer's place in line and the estimate (seconds), as the desk said.
    place: Option<(u32, Option<u32>)>,
    typing: Option<String>,
    typing_gen: u32,
    alert: Option<String>,
    alert_gen: u32,
}

impl Transcript {
    pub fn new(texts: Texts) -> Transcript {
        Transcript { texts, ..Transcript::default() }
    }

    pub fn set_site(&mut self, site: &SiteInfo) {
        self.bot_name = site.bot_name.clone();
        self.bot_avatar = site.bot_avatar.clone().filter(|url| validate_avatar_url(url).is_ok());
        self.greeting = site.greeting.clone();
    }

    /// Switches to `id`. A different conversation (a new one after an expired token) starts
    /// from an empty history; messages not yet stored anywhere are kept and go to the new one.
    pub fn set_conversation(&mut self, id: &str) {
        if self.conversation_id == id {
            return;
        }
        if !self.conversation_id.is_empty() {
            let mut thread = std::mem::take(&mut self.thread);
            thread.start_over();
            *self = Transcript {
                link: self.link,
                texts: self.texts,
                open: self.open,
                bot_name: std::mem::take(&mut self.bot_name),
                bot_avatar: self.bot_avatar.take(),
                greeting: std::mem::take(&mut self.greeting),
                thread,
                ..Transcript::default()
            };
        }
        self.conversation_id = id.to_string();
    }

    /// Nothing of the conversation left: what a new visitor sees, in the same language and
    /// with the panel as it was.
    pub fn reset(&mut self) {
        *self = Transcript { open: self.open, ..Transcript::new(self.texts) };
    }

    pub fn set_open(&mut self, open: bool) {
        self.open = open;
        if open {
            self.unread = 0;
        }
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    pub fn unread(&self) -> u32 {
        self.unread
    }

    /// Counts new bot and agent messages toward the launcher's badge while the panel is closed.
    pub fn count_unread(&mut self, fresh: usize) {
        if !self.open {
            self.unread = self.unread.saturating_add(u32::try_from(fresh).unwrap_or(u32::MAX));
        }
    }

    /// The highest seq seen, announced in `hello` so the conversation sends exactly the gap.
    /// Events the widget could not read count: asking for them again would not help.
    pub fn last_seq(&self) -> u64 {
        self.thread.log.last_seq()
    }

    /// The customer-visible events after `seq`, in order: what a frame brought.
    pub fn events_after(&self, seq: u64) -> impl Iterator<Item = &Event> {
        self.thread.log.iter().filter(move |e| e.seq > seq)
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Folds in what one socket message carried: its frame, then the events it held that the
    /// widget cannot read, which count as seen (the caller reports them to the console). Returns
    /// how many new bot or agent messages it brought.
    pub fn receive(&mut self, incoming: Incoming) -> usize {
        // After the frame: a welcome to another conversation starts from an empty history.
        let fresh = incoming.frame.map_or(0, |frame| self.apply(frame));
        if let Some(seq) = incoming.skipped {
            self.thread.log.skip(seq);
        }
        fresh
    }

    /// Folds one frame in. Returns how many new bot or agent messages it brought.
    pub fn apply(&mut self, frame: ServerFrame) -> usize {
        match frame {
            ServerFrame::Welcome { conversation_id, state, events, bot_name, .. } => {
                self.set_conversation(&conversation_id);
                if !bot_name.is_empty() {
                    self.bot_name = bot_name;
                }
                let fresh = events.into_iter().map(|e| self.insert(e)).filter(|n| *n).count();
                if state.last_seq >= self.mode_seq {
                    self.mode_seq = state.last_seq;
                    self.set_mode(state.mode, state.holder);
                }
                fresh
            }
            ServerFrame::Event { event } => usize::from(self.insert(event)),
            // Once the event itself has arrived, `insert` has already taken the message out of the
            // outbox; until then the ack marks it sent.
            ServerFrame::Ack { client_id, seq } => {
                self.thread.ack(&client_id, seq);
                0
            }
            ServerFrame::Typing { author, on } => {
                let name = match author {
                    Author::Agent(agent) => agent.name,
                    Author::Bot => self.bot_name.clone(),
                    Author::Customer | Author::System => return 0,
                };
                self.typing = on.then_some(name);
                self.typing_gen = self.typing_gen.wrapping_add(1);
                0
            }
            ServerFrame::Error {
                code: ErrorCode::RateLimited, client_id: Some(id), retry_after_ms: Some(_), ..
            } if self.thread.outbox.get(&id).is_some_and(|o| !o.acked()) => {
                // Still pending: the connection sends it again once the wait is over.
                self.show_alert(self.texts.get(Text::SendingQuickly));
                0
            }
            ServerFrame::Error { code, client_id, .. } => {
                if let Some(id) = client_id.as_deref() {
                    self.thread.outbox.fail(id);
                    if self.human_request.as_deref() == Some(id) {
                        self.human_request = None;
                    }
                    if self.rating.as_ref().is_some_and(|(r, _)| r == id) {
                        self.rating = None;
                    }
                    if self.ending.as_deref() == Some(id) {
                        self.ending = None;
                    }
                    if self.choice.as_ref().and_then(ClientFrame::client_id) == Some(id) {
                        self.choice = None;
                    }
                }
                self.show_alert(friendly_error(self.texts, code));
                0
            }
            ServerFrame::QueuePlace { position, estimate_s } => {
                if self.mode == Mode::Queued {
                    self.place = Some((position, estimate_s));
                }
                0
            }
            // Agent-only frames; a customer socket never receives them.
            ServerFrame::Pong | ServerFrame::Insight { .. } | ServerFrame::ComplianceWarning { .. } => 0,
        }
    }

    /// Inserts a transcript event; false when it was already known or is not for customers.
    fn insert(&mut self, event: Event) -> bool {
        if !event.visible_to_customer() || self.thread.log.contains(event.seq) {
            return false;
        }
        if event.client_id.is_some()
            && event.client_id.as_deref() == self.choice.as_ref().and_then(ClientFrame::client_id)
        {
            self.choice = None;
            self.leaving = false;
        }
        let mut from_other_side = false;
        match (&event.author, &event.body) {
            (_, EventBody::Mode { mode, holder, .. }) if event.seq > self.mode_seq => {
                self.mode_seq = event.seq;
                self.set_mode(*mode, holder.clone());
            }
            (_, EventBody::Rating { .. }) => self.rating = None,
            (Author::Bot | Author::Agent(_), EventBody::Text { .. }) => {
                self.typing = None;
                from_other_side = true;
            }
            _ => {}
        }
        // Also takes the customer's message this event stores out of the outbox.
        self.thread.insert(event);
        from_other_side
    }

    fn set_mode(&mut self, mode: Mode, holder: Option<AgentInfo>) {
        self.mode = mode;
        self.holder = if mode == Mode::Human { holder } else { None };
        if mode != Mode::Bot {
            self.human_request = None;
        }
        if mode != Mode::Queued {
            self.place = None;
            self.leaving = false;
            self.choice = None;
        }
        if mode == Mode::Closed {
            self.ending = None;
            self.confirming_end = false;
        }
    }

    /// Queues a message typed by the customer; it shows as pending until acknowledged.
    pub fn queue_message(&mut self, client_id: &str, text: &str) {
        self.thread.outbox.push(client_id.into(), text.into());
    }

    /// Marks a failed message pending again and returns the frame that resends it.
    pub fn retry(&mut self, client_id: &str) -> Option<ClientFrame> {
        let text = self.thread.outbox.retry(client_id)?;
        Some(ClientFrame::send(client_id, text.clone()))
    }

    /// The message to send again after a rate-limit wait, if it is still waiting.
    pub fn pending(&self, client_id: &str) -> Option<ClientFrame> {
        self.thread.outbox.get(client_id).filter(|o| o.waiting()).map(send_frame)
    }

    pub fn request_human(&mut self, client_id: &str) {
        if self.can_request_human() {
            self.human_request = Some(client_id.into());
        }
    }

    /// "End chat" asks first; `confirm_end` or `cancel_end` answers.
    pub fn ask_to_end(&mut self) {
        self.confirming_end = self.can_end();
    }

    pub fn cancel_end(&mut self) {
        self.confirming_end = false;
    }

    /// The customer confirmed: the close is sent with this client id.
    pub fn confirm_end(&mut self, client_id: &str) -> bool {
        let go = self.confirming_end && self.can_end();
        self.confirming_end = false;
        if go {
            self.ending = Some(client_id.into());
        }
        go
    }

    pub fn confirming_end(&self) -> bool {
        self.confirming_end
    }

    /// The status line: the connection's trouble if any, else the customer's place in line.
    pub fn status(&self) -> String {
        let t = self.texts;
        let link = self.link.label(t);
        match self.place {
            Some((position, estimate_s)) if link.is_empty() => {
                let line = match position {
                    1 => t.get(Text::NextInLine).to_string(),
                    n => t.fill(Text::NumberInLine, &n.to_string()),
                };
                let wait = match estimate_s {
                    Some(s) => t.fill(Text::AboutMinutes, &s.div_ceil(60).max(1).to_string()),
                    None => t.get(Text::FewMinutes).to_string(),
                };
                format!("{line} · {wait}")
            }
            _ => link.to_string(),
        }
    }

    /// The row above the composer, whichever question the conversation is at.
    pub fn actions(&self) -> Actions {
        if self.link == Link::Unavailable {
            return Actions::default();
        }
        if self.is_closed() {
            return Actions {
                title: Some(self.texts.get(Text::ConversationEnded)),
                buttons: vec![Action::StartNew],
                form: false,
            };
        }
        if self.confirming_end {
            return Actions {
                title: Some(self.texts.get(Text::EndThisChat)),
                buttons: vec![Action::ConfirmEnd, Action::CancelEnd],
                form: false,
            };
        }
        if self.offers_choice() {
            let form = self.leaving;
            return Actions { title: None, buttons: vec![Action::LeaveMessage, Action::KeepChatting], form };
        }
        let buttons = [(self.can_request_human(), Action::TalkToPerson), (self.can_end(), Action::EndChat)];
        let buttons = buttons.into_iter().filter(|(on, _)| *on).map(|(_, a)| a).collect();
        Actions { title: None, buttons, form: false }
    }

    /// Nobody can come and the customer has not chosen yet: "Leave a message" or "Keep chatting".
    fn offers_choice(&self) -> bool {
        let told = self.thread.log.iter().rev().find_map(|e| match e.body {
            EventBody::NoAgent { .. } => Some(true),
            EventBody::Mode { .. } | EventBody::OfflineMessage { .. } => Some(false),
            _ => None,
        });
        self.mode == Mode::Queued && told == Some(true) && self.choice.is_none()
    }

    /// "Leave a message" opens the form below the choice; "Keep chatting" still stands instead.
    pub fn start_leaving(&mut self) {
        self.leaving = self.offers_choice();
    }

    /// "Keep chatting" or "Send message": the frame to send, kept until it is stored.
    pub fn choose(&mut self, frame: ClientFrame) {
        if self.mode == Mode::Queued && self.choice.is_none() {
            self.choice = Some(frame);
        }
    }

    pub fn choice(&self) -> Option<&ClientFrame> {
        self.choice.as_ref()
    }

    /// A conversation is running and not already ending.
    pub fn can_end(&self) -> bool {
        !self.conversation_id.is_empty() && self.mode != Mode::Closed && self.ending.is_none()
    }

    pub fn rate(&mut self, client_id: &str, score: u8) {
        if self.rating.is_none() && (1..=5).contains(&score) {
            self.rating = Some((client_id.into(), score));
        }
    }

    /// Everything the customer asked for that the conversation has not confirmed yet, in
    /// order; sent again after every (re)connect with the same client ids.
    pub fn unconfirmed(&self) -> Vec<ClientFrame> {
        let mut frames: Vec<ClientFrame> = self.thread.outbox.waiting().map(send_frame).collect();
        if let Some(id) = &self.human_request {
            frames.push(ClientFrame::RequestHuman { client_id: id.clone() });
        }
        if let Some((id, score)) = &self.rating {
            frames.push(ClientFrame::Rate { client_id: id.clone(), score: *score });
        }
        if let Some(id) = &self.ending {
            frames.push(ClientFrame::End { client_id: id.clone() });
        }
        frames.extend(self.choice.clone());
        frames
    }

    pub fn can_request_human(&self) -> bool {
        self.mode == Mode::Bot && self.human_request.is_none()
    }

    pub fn is_closed(&self) -> bool {
        self.mode == Mode::Closed
    }

    /// The score being sent, to show it selected until the rating event arrives.
    pub fn rating_in_flight(&self) -> Option<u8> {
        self.rating.as_ref().map(|(_, s)| *s)
    }

    pub fn typing(&self) -> Option<(String, u32)> {
        self.typing.as_ref().map(|who| (self.texts.fill(Text::Typing, who), self.typing_gen))
    }

    /// Clears the typing indicator unless it was refreshed since `generation`.
    pub fn expire_typing(&mut self, generation: u32) {
        if self.typing_gen == generation {
            self.typing = None;
        }
    }

    pub fn show_alert(&mut self, text: &str) {
        self.alert = Some(text.to_string());
        self.alert_gen = self.alert_gen.wrapping_add(1);
    }

    pub fn alert(&self) -> Option<(String, u32)> {
        self.alert.clone().map(|a| (a, self.alert_gen))
    }

    /// Dismisses the alert unless a newer one replaced it since `generation`.
    pub fn dismiss_alert(&mut self, generation: u32) {
        if self.alert_gen == generation {
            self.alert = None;
        }
    }

    fn bot_label(&self) -> String {
        if self.bot_name.is_empty() { self.texts.get(Text::Assistant).to_string() } else { self.bot_name.clone() }
    }

    pub fn header(&self) -> Header {
        if let (Mode::Human, Some(agent)) = (self.mode, &self.holder) {
            return Header {
                name: agent.name.clone(),
                subtitle: self.texts.get(Text::SupportAgent).into(),
                initials: initials(&agent.name),
                image: agent.avatar.clone().filter(|url| validate_avatar_url(url).is_ok()),
                human: true,
            };
        }
        let subtitle = self.texts.get(match self.mode {
            Mode::Queued => Text::WaitingForPerson,
            Mode::Closed => Text::ConversationEndedShort,
            _ => Text::VirtualAssistant,
        });
        let name = self.bot_label();
        Header {
            initials: initials(&name),
            name,
            subtitle: subtitle.into(),
            image: self.bot_avatar.clone(),
            human: false,
        }
    }

    /// Whether to ask for a rating: an agent handed the conversation back or resolved it and
    /// no rating followed. The prompt stays at the end of the list until answered.
    pub fn wants_rating(&self) -> bool {
        self.thread
            .log
            .iter()
            .rev()
            .find_map(|e| match e.body {
                EventBody::Rating { .. } => Some(false),
                EventBody::Mode { reason: ModeReason::HandedBack | ModeReason::Resolved, .. } => Some(true),
                _ => None,
            })
            .unwrap_or(false)
    }

    /// The message list: greeting, transcript in seq order with notices for mode changes, then
    /// the customer's messages not yet in the transcript.
    pub fn items(&self) -> Vec<Item> {
        let (log, outbox) = (&self.thread.log, &self.thread.outbox);
        let t = self.texts;
        let you = t.get(Text::You);
        let mut list = List { items: Vec::with_capacity(log.len() + outbox.len() + 1), last: None };
        let bot = self.bot_label();
        let greeted = log
            .iter()
            .find(|e| e.author == Author::Bot)
            .is_some_and(|e| matches!(&e.body, EventBody::Text { text, .. } if text.trim() == self.greeting.trim()));
        if !self.greeting.trim().is_empty() && !greeted {
            list.message(Who::Bot, &bot, &self.greeting, None, None);
        }
        for e in log.iter() {
            match (&e.author, &e.body) {
                (Author::Customer, EventBody::Text { text, .. }) => {
                    list.message(Who::Customer, you, text, Some(Status::Sent), e.client_id.clone())
                }
                (Author::Bot, EventBody::Text { text, .. }) => list.message(Who::Bot, &bot, text, None, None),
                (Author::Agent(agent), EventBody::Text { text, .. }) => {
                    list.message(Who::Agent, &agent.name, text, None, None)
                }
                (Author::System, EventBody::Text { text, .. }) => list.notice(text.clone()),
                (_, EventBody::NoAgent { text }) => list.message(Who::Bot, &bot, text, None, None),
                (_, EventBody::OfflineMessage { text, .. }) => {
                    list.message(Who::Customer, you, text, Some(Status::Sent), e.client_id.clone())
                }
                (author, EventBody::Mode { mode, holder, reason }) => match (mode, reason) {
                    (Mode::Queued, _) => list.notice(t.get(Text::ConnectingPerson).into()),
                    (Mode::Human, _) => {
                        let name = match (holder, author) {
                            (Some(agent), _) | (None, Author::Agent(agent)) => agent.name.as_str(),
                            _ => t.get(Text::AnAgent),
                        };
                        list.notice(t.fill(Text::Joined, name));
                    }
                    (Mode::Bot, ModeReason::HandedBack | ModeReason::CustomerChoseBot) => {
                        list.notice(t.fill(Text::BackWith, &bot));
                    }
                    (Mode::Closed, reason) => list.notice(match (reason, author) {
                        (ModeReason::CustomerEnded, _) => t.get(Text::YouEnded).into(),
                        (ModeReason::LeftMessage, _) => t.get(Text::MessageWentToTeam).into(),
                        (ModeReason::Resolved, Author::Agent(agent)) => t.fill(Text::ClosedConversation, &agent.name),
                        (ModeReason::Inactive, _) => t.get(Text::ClosedInactive).into(),
                        _ => t.get(Text::ConversationEnded).into(),
                    }),
                    _ => {}
                },
                (_, EventBody::Rating { .. }) => list.notice(t.get(Text::ThanksForRating).into()),
                (_, EventBody::Note { .. }) => {}
            }
        }
        for o in outbox.iter() {
            let status = match o.state() {
                SendState::Failed => Status::Failed,
                SendState::Acked(_) => Status::Sent,
                SendState::Waiting => Status::Pending,
            };
            list.message(Who::Customer, you, &o.payload, Some(status), Some(o.client_id.clone()));
        }
        list.items
    }
}

struct List {
    items: Vec<Item>,
    /// Author of the previous message, for grouping runs.
    last: Option<(Who, String)>,
}

impl List {
    fn message(&mut self, who: Who, author: &str, text: &str, status: Option<Status>, client_id: Option<String>) {
        let first = self.last.as_ref().is_none_or(|(w, a)| *w != who || a != author);
        self.last = Some((who, author.to_string()));
        self.items.push(Item::Message { who, author: author.into(), text: text.into(), status, client_id, first });
    }

    fn notice(&mut self, text: String) {
        self.last = None;
        self.items.push(Item::Notice { text });
    }
}

/// Up to two initials, like `baton_shared::text::initials` but left in their case: the avatar
/// is styled `text-transform: uppercase`, which spares the widget Unicode's case tables (12 KB).
pub fn initials(name: &str) -> String {
    let mut words = name.split_whitespace();
    let first = words.next().and_then(|w| w.chars().next());
    let last = words.next_back().and_then(|w| w.chars().next());
    match (first, last) {
        (None, _) => "?".into(),
        (Some(a), None) => a.to_string(),
        (Some(a), Some(b)) => [a, b].iter().collect(),
    }
}

/// What the customer reads for an error the conversation reported.
pub fn friendly_error(texts: Texts, code: ErrorCode) -> &'static str {
    texts.get(match code {
        ErrorCode::RateLimited => Text::ErrorRateLimited,
        ErrorCode::TextTooLong | ErrorCode::FrameTooLarge => Text::ErrorTooLong,
        ErrorCode::EmptyText => Text::ErrorEmpty,
        ErrorCode::ConversationClosed => Text::ErrorClosed,
        ErrorCode::InvalidRating => Text::ErrorRating,
        ErrorCode::InvalidEmail => Text::ErrorEmail,
        _ => Text::ErrorOther,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dana() -> AgentInfo {
        AgentInfo { id: "a1".into(), name: "Dana Rivera".into(), avatar: Some("https://cdn.example.com/d.png".into()) }
    }

    fn site() -> SiteInfo {
        SiteInfo {
            id: "demo".into(),
            name: "Northwind".into(),
            bot_name: "Baton Assistant".into(),
            greeting: "Hi! How can I help?".into(),
            bot_avatar: None,
        }
    }

    fn ev(seq: u64, author: Author, body: EventBody) -> Event {
        Event { seq, ts: 0, epoch: 0, author, body, client_id: None }
    }

    fn text(seq: u64, author: Author, t: &str) -> Event {
        ev(seq, author, EventBody::Text { text: t.into(), bot: None })
    }

    fn mode(seq: u64, mode: Mode, holder: Option<AgentInfo>, reason: ModeReason) -> Event {
        ev(seq, Author::System, EventBody::Mode { mode, holder, reason })
    }

    /// A welcome whose state is what the conversation would hold after `events`.
    fn welcome(events: Vec<Event>) -> ServerFrame {
        let s = baton_shared::ConversationState::replay(&events);
        ServerFrame::Welcome {
            conversation_id: "c1".into(),
            role: baton_shared::Role::Customer,
            state: s.view(),
            events,
            bot_name: "Baton Assistant".into(),
            insight: None,
            earlier: false,
        }
    }

    fn english() -> Texts {
        Texts(baton_shared::i18n::Locale::En.catalogue())
    }

    fn fresh() -> Transcript {
        let mut t = Transcript::new(english());
        t.set_site(&site());
        t.set_conversation("c1");
        t
    }

    fn texts(t: &Transcript) -> Vec<String> {
        t.items()
            .into_iter()
            .map(|i| match i {
                Item::Message { author, text, .. } => format!("{author}: {text}"),
                Item::Notice { text, .. } => format!("-- {text}"),
            })
            .collect()
    }

    fn statuses(t: &Transcript) -> Vec<Status> {
        t.items()
            .into_iter()
            .filter_map(|i| match i {
                Item::Message { status, .. } => status,
                _ => None,
            })
            .collect()
    }

    #[test]
    fn greeting_is_the_first_bot_line_and_not_repeated() {
        let mut t = fresh();
        assert_eq!(texts(&t), vec!["Baton Assistant: Hi! How can I help?"]);
        t.apply(welcome(vec![text(1, Author::Bot, "Hi! How can I help?")]));
        assert_eq!(texts(&t), vec!["Baton Assistant: Hi! How can I help?"]);
    }

    #[test]
    fn events_are_deduplicated_and_ordered_by_seq() {
        let mut t = fresh();
        t.apply(ServerFrame::Event { event: text(2, Author::Bot, "second") });
        t.apply(ServerFrame::Event { event: text(1, Author::Customer, "first") });
        t.apply(ServerFrame::Event { event: text(2, Author::Bot, "second") });
        t.apply(welcome(vec![text(1, Author::Customer, "first"), text(2, Author::Bot, "second")]));
        assert_eq!(texts(&t)[1..], ["You: first", "Baton Assistant: second"]);
        assert_eq!(t.last_seq(), 2);
    }

    #[test]
    fn notes_never_reach_the_list() {
        let mut t = fresh();
        t.apply(ServerFrame::Event { event: ev(1, Author::Agent(dana()), EventBody::Note { text: "vip".into() }) });
        assert_eq!(texts(&t).len(), 1);
        assert_eq!(t.last_seq(), 0);
    }

    #[test]
    fn pending_message_becomes_sent_on_ack_then_event() {
        let mut t = fresh();
        t.queue_message("c-1", "hello");
        assert_eq!(statuses(&t), vec![Status::Pending]);
        assert_eq!(t.unconfirmed(), vec![ClientFrame::send("c-1", "hello")]);
        t.apply(ServerFrame::Ack { client_id: "c-1".into(), seq: 1 });
        assert_eq!(statuses(&t), vec![Status::Sent]);
        assert!(t.unconfirmed().is_empty());
        let mut stored = text(1, Author::Customer, "hello");
        stored.client_id = Some("c-1".into());
        t.apply(ServerFrame::Event { event: stored });
        assert_eq!(statuses(&t), vec![Status::Sent]);
        assert_eq!(texts(&t)[1..], ["You: hello"]);
    }

    #[test]
    fn event_before_ack_and_resent_ack_change_nothing() {
        let mut t = fresh();
        t.queue_message("c-1", "hello");
        let mut stored = text(1, Author::Customer, "hello");
        stored.client_id = Some("c-1".into());
        t.apply(ServerFrame::Event { event: stored });
        t.apply(ServerFrame::Ack { client_id: "c-1".into(), seq: 1 });
        t.apply(ServerFrame::Ack { client_id: "c-1".into(), seq: 1 });
        assert_eq!(texts(&t)[1..], ["You: hello"]);
        assert_eq!(statuses(&t), vec![Status::Sent]);
    }

    #[test]
    fn queued_messages_are_resent_in_order_until_confirmed() {
        let mut t = fresh();
        t.queue_message("a", "one");
        t.queue_message("b", "two");
        let ids: Vec<_> = t
            .unconfirmed()
            .into_iter()
            .map(|f| match f {
                ClientFrame::Send { client_id, .. } => client_id,
                _ => String::new(),
            })
            .collect();
        assert_eq!(ids, ["a", "b"]);
        // The reconnect's welcome already holds "a": only "b" is still unconfirmed.
        let mut stored = text(1, Author::Customer, "one");
        stored.client_id = Some("a".into());
        t.apply(welcome(vec![stored]));
        assert_eq!(t.unconfirmed(), vec![ClientFrame::send("b", "two")]);
    }

    #[test]
    fn rate_limited_message_with_a_hint_stays_pending_for_an_automatic_resend() {
        let mut t = fresh();
        t.queue_message("c-1", "quick");
        t.apply(ServerFrame::Error {
            code: ErrorCode::RateLimited,
            message: "slow down".into(),
            client_id: Some("c-1".into()),
            retry_after_ms: Some(400),
        });
        assert_eq!(statuses(&t), vec![Status::Pending]);
        assert!(t.alert().unwrap().0.contains("in a moment"));
        assert_eq!(t.pending("c-1"), Some(ClientFrame::send("c-1", "quick")));
        t.apply(ServerFrame::Ack { client_id: "c-1".into(), seq: 1 });
        assert_eq!(t.pending("c-1"), None);
    }

    #[test]
    fn refused_message_fails_and_can_be_retried() {
        let mut t = fresh();
        t.queue_message("c-1", "spam");
        t.apply(ServerFrame::Error {
            code: ErrorCode::RateLimited,
            message: "slow down".into(),
            client_id: Some("c-1".into()),
            retry_after_ms: None,
        });
        assert_eq!(statuses(&t), vec![Status::Failed]);
        assert!(t.unconfirmed().is_empty());
        assert!(t.alert().unwrap().0.contains("too quickly"));
        assert_eq!(t.retry("c-1"), Some(ClientFrame::send("c-1", "spam")));
        assert_eq!(statuses(&t), vec![Status::Pending]);
    }

    #[test]
    fn alerts_dismiss_only_their_own_generation() {
        let mut t = fresh();
        t.show_alert("first");
        let (_, first) = t.alert().unwrap();
        t.show_alert("second");
        t.dismiss_alert(first);
        assert_eq!(t.alert().unwrap().0, "second");
    }

    #[test]
    fn a_transfer_shows_the_new_agent_and_a_return_to_the_queue_shows_the_wait() {
        let mut t = fresh();
        t.apply(ServerFrame::Event { event: mode(1, Mode::Human, Some(dana()), ModeReason::AgentTookOver) });
        let sam = AgentInfo { id: "a2".into(), name: "Sam".into(), avatar: None };
        t.apply(ServerFrame::Event { event: mode(2, Mode::Human, Some(sam), ModeReason::Transferred) });
        assert_eq!((t.header().name.as_str(), t.header().human), ("Sam", true));
        t.apply(ServerFrame::Event { event: mode(3, Mode::Queued, None, ModeReason::AgentLeft) });
        assert_eq!(t.header().subtitle, "Waiting for a person…");
        assert_eq!(
            texts(&t)[1..],
            [
                "-- Dana Rivera joined the conversation",
                "-- Sam joined the conversation",
                "-- Connecting you with a person…"
            ]
        );
    }

    #[test]
    fn takeover_and_hand_back_show_notices_header_and_rating_prompt() {
        let mut t = fresh();
        t.request_human("h1");
        assert!(!t.can_request_human());
        assert_eq!(t.unconfirmed(), vec![ClientFrame::RequestHuman { client_id: "h1".into() }]);
        t.apply(ServerFrame::Event { event: mode(1, Mode::Queued, None, ModeReason::CustomerAsked) });
        assert!(t.unconfirmed().is_empty());
        assert_eq!(t.header().subtitle, "Waiting for a person…");
        t.apply(ServerFrame::Event { event: mode(2, Mode::Human, Some(dana()), ModeReason::AgentTookOver) });
        let h = t.header();
        assert_eq!(
            (h.name.as_str(), h.subtitle.as_str(), h.initials.as_str(), h.human),
            ("Dana Rivera", "Support agent", "DR", true)
        );
        assert_eq!(h.image.as_deref(), Some("https://cdn.example.com/d.png"));
        t.apply(ServerFrame::Event { event: text(3, Author::Agent(dana()), "Dana here") });
        t.apply(ServerFrame::Event { event: mode(4, Mode::Bot, None, ModeReason::HandedBack) });
        assert_eq!(t.header().name, "Baton Assistant");
        assert!(t.can_request_human());
        assert_eq!(
            texts(&t)[1..],
            [
                "-- Connecting you with a person…",
                "-- Dana Rivera joined the conversation",
                "Dana Rivera: Dana here",
                "-- You're back with Baton Assistant",
            ]
        );
        assert!(t.wants_rating());
        t.rate("r1", 5);
        assert_eq!(t.rating_in_flight(), Some(5));
        assert_eq!(t.unconfirmed(), vec![ClientFrame::Rate { client_id: "r1".into(), score: 5 }]);
        let mut rating = ev(5, Author::Customer, EventBody::Rating { score: 5 });
        rating.client_id = Some("r1".into());
        t.apply(ServerFrame::Event { event: rating });
        assert_eq!(t.rating_in_flight(), None);
        assert!(!t.wants_rating());
        assert_eq!(texts(&t)[4..], ["-- You're back with Baton Assistant", "-- Thanks for your feedback"]);
    }

    #[test]
    fn initials_match_the_shared_helper_once_uppercased() {
        for name in ["Dana", "dana smith", "Ana María López", "   ", "élodie", "Sam  O'Kafor "] {
            assert_eq!(initials(name).to_uppercase(), baton_shared::text::initials(name), "{name}");
        }
    }

    #[test]
    fn bot_escalation_shows_connecting_notice() {
        let mut t = fresh();
        t.apply(ServerFrame::Event { event: mode(1, Mode::Queued, None, ModeReason::BotEscalated) });
        assert_eq!(texts(&t)[1..], ["-- Connecting you with a person…"]);
        assert!(!t.can_request_human());
    }

    #[test]
    fn unsafe_avatar_falls_back_to_initials() {
        let mut t = fresh();
        let mut agent = dana();
        agent.avatar = Some("javascript:alert(1)".into());
        t.apply(ServerFrame::Event { event: mode(1, Mode::Human, Some(agent), ModeReason::AgentTookOver) });
        let h = t.header();
        assert_eq!((h.image, h.initials.as_str()), (None, "DR"));
    }

    #[test]
    fn welcome_state_sets_mode_after_its_events() {
        let mut t = fresh();
        t.apply(welcome(vec![
            mode(1, Mode::Queued, None, ModeReason::CustomerAsked),
            mode(2, Mode::Human, Some(dana()), ModeReason::AgentTookOver),
        ]));
        assert_eq!(t.header().name, "Dana Rivera");
        // An old mode event arriving late does not override the newer state.
        t.apply(ServerFrame::Event { event: mode(1, Mode::Queued, None, ModeReason::CustomerAsked) });
        assert_eq!(t.mode(), Mode::Human);
    }

    #[test]
    fn typing_indicator_follows_agent_and_clears_on_message() {
        let mut t = fresh();
        t.apply(ServerFrame::Typing { author: Author::Agent(dana()), on: true });
        let (label, generation) = t.typing().unwrap();
        assert_eq!(label, "Dana Rivera is typing…");
        t.apply(ServerFrame::Event { event: text(1, Author::Agent(dana()), "hi") });
        assert!(t.typing().is_none());
        t.apply(ServerFrame::Typing { author: Author::Agent(dana()), on: true });
        t.expire_typing(generation);
        assert!(t.typing().is_some(), "a refreshed indicator survives an older expiry");
        t.apply(ServerFrame::Typing { author: Author::Customer, on: true });
        t.apply(ServerFrame::Typing { author: Author::Agent(dana()), on: false });
        assert!(t.typing().is_none());
    }

    #[test]
    fn authors_are_grouped_and_markup_stays_text() {
        let mut t = fresh();
        t.apply(welcome(vec![
            text(1, Author::Customer, "<b>a</b>"),
            text(2, Author::Customer, "b"),
            text(3, Author::Bot, "c"),
        ]));
        let firsts: Vec<bool> = t
            .items()
            .into_iter()
            .filter_map(|i| match i {
                Item::Message { first, .. } => Some(first),
                _ => None,
            })
            .collect();
        assert_eq!(firsts, [true, true, false, true]);
        assert_eq!(texts(&t)[1], "You: <b>a</b>");
    }

    #[test]
    fn a_new_conversation_keeps_only_unstored_messages() {
        let mut t = fresh();
        t.apply(ServerFrame::Event { event: text(1, Author::Bot, "old") });
        t.queue_message("a", "stored");
        t.apply(ServerFrame::Ack { client_id: "a".into(), seq: 2 });
        t.queue_message("b", "waiting");
        t.set_conversation("c2");
        assert_eq!(texts(&t), ["Baton Assistant: Hi! How can I help?", "You: waiting"]);
        assert_eq!(t.last_seq(), 0);
    }

    #[test]
    fn unread_counts_only_while_closed() {
        let mut t = fresh();
        assert_eq!(t.apply(ServerFrame::Event { event: text(1, Author::Bot, "a") }), 1);
        assert_eq!(t.apply(ServerFrame::Event { event: text(1, Author::Bot, "a") }), 0);
        assert_eq!(t.apply(ServerFrame::Event { event: text(2, Author::Customer, "b") }), 0);
        t.count_unread(2);
        assert_eq!(t.unread(), 2);
        t.set_open(true);
        assert_eq!(t.unread(), 0);
        t.count_unread(1);
        assert_eq!(t.unread(), 0);
    }

    #[test]
    fn unreadable_events_count_as_seen() {
        let mut t = fresh();
        t.apply(ServerFrame::Event { event: text(1, Author::Bot, "a") });
        let skipped = |seq: Option<u64>| Incoming { frame: None, skipped: seq, unreadable: true };
        assert_eq!(t.receive(skipped(Some(3))), 0);
        assert_eq!(t.last_seq(), 3, "the reconnect's hello does not ask for seq 3 again");
        assert_eq!(texts(&t)[1..], ["Baton Assistant: a"]);
        // A readable event older than the skipped one still shows; the skip is not undone.
        assert_eq!(
            t.receive(Incoming {
                frame: Some(ServerFrame::Event { event: text(2, Author::Bot, "b") }),
                ..skipped(None)
            }),
            1
        );
        assert_eq!((t.last_seq(), texts(&t).len()), (3, 3));
        // Skips inside a welcome to a new conversation belong to that conversation.
        let mut frame = welcome(vec![text(1, Author::Customer, "new")]);
        if let ServerFrame::Welcome { conversation_id, .. } = &mut frame {
            *conversation_id = "c2".into();
        }
        t.receive(Incoming { frame: Some(frame), ..skipped(Some(2)) });
        assert_eq!((t.last_seq(), texts(&t)[1..].to_vec()), (2, vec!["You: new".to_string()]));
        t.set_conversation("c3");
        assert_eq!(t.last_seq(), 0);
    }

    #[test]
    fn link_labels() {
        assert_eq!(Link::Reconnecting.label(english()), "Reconnecting…");
        assert_eq!(Link::Online.label(english()), "");
    }

    #[test]
    fn closed_conversation() {
        let mut t = fresh();
        t.apply(ServerFrame::Event { event: mode(1, Mode::Closed, None, ModeReason::Closed) });
        assert!(t.is_closed());
        assert!(!t.can_request_human());
        assert_eq!(texts(&t)[1..], ["-- This conversation has ended"]);
    }

    #[test]
    fn end_chat_asks_first_is_resent_until_closed_and_says_who_closed() {
        let mut t = fresh();
        assert!(!t.confirm_end("e1"), "nothing to end without asking");
        t.ask_to_end();
        assert!(t.confirming_end());
        t.cancel_end();
        assert!(!t.confirming_end() && !t.confirm_end("e1"));
        t.ask_to_end();
        assert!(t.confirm_end("e1"));
        assert_eq!(t.unconfirmed(), [ClientFrame::End { client_id: "e1".into() }], "resent after a reconnect");
        assert!(!t.can_end(), "one close at a time");
        let mut closed = mode(1, Mode::Closed, None, ModeReason::CustomerEnded);
        closed.author = Author::Customer;
        t.apply(ServerFrame::Event { event: closed });
        assert!(t.unconfirmed().is_empty() && t.is_closed() && !t.can_end());
        assert_eq!(texts(&t)[1..], ["-- You ended the chat"]);
        assert!(!t.wants_rating(), "nobody to rate");

        let mut t = fresh();
        let mut resolved = mode(1, Mode::Closed, None, ModeReason::Resolved);
        resolved.author = Author::Agent(dana());
        t.apply(ServerFrame::Event { event: resolved });
        assert_eq!(texts(&t)[1..], ["-- Dana Rivera closed the conversation"]);
        assert!(t.wants_rating(), "the customer rates the person who resolved it");
    }

    #[test]
    fn the_place_in_line_shows_while_queued_and_goes_when_a_person_joins() {
        let mut t = fresh();
        t.link = Link::Online;
        t.apply(ServerFrame::QueuePlace { position: 2, estimate_s: None });
        assert_eq!(t.status(), "", "not queued: a stray place is ignored");
        t.apply(ServerFrame::Event { event: mode(1, Mode::Queued, None, ModeReason::CustomerAsked) });
        t.apply(ServerFrame::QueuePlace { position: 3, estimate_s: Some(200) });
        assert_eq!(t.status(), "You're number 3 in line · about 4 min");
        t.apply(ServerFrame::QueuePlace { position: 1, estimate_s: None });
        assert_eq!(t.status(), "You're next in line · a few minutes");
        t.link = Link::Reconnecting;
        assert_eq!(t.status(), "Reconnecting…", "connection trouble comes first");
        t.link = Link::Online;
        t.apply(ServerFrame::Event { event: mode(2, Mode::Human, Some(dana()), ModeReason::AgentTookOver) });
        assert_eq!(t.status(), "");
    }

    #[test]
    fn nobody_can_come_offers_a_message_or_more_chat_until_the_customer_chooses() {
        let mut t = fresh();
        t.apply(ServerFrame::Event { event: mode(1, Mode::Queued, None, ModeReason::CustomerAsked) });
        assert_eq!(t.actions().buttons, [Action::EndChat]);
        t.apply(ServerFrame::Event {
            event: ev(2, Author::Bot, EventBody::NoAgent { text: "Nobody is here.".into() }),
        });
        assert_eq!(texts(&t).last().map(String::as_str), Some("Baton Assistant: Nobody is here."));
        assert_eq!(t.actions().buttons, [Action::LeaveMessage, Action::KeepChatting]);
        t.start_leaving();
        assert!(t.actions().form, "the form opens");
        assert_eq!(t.actions().buttons, [Action::LeaveMessage, Action::KeepChatting], "the other way still stands");
        let left =
            ClientFrame::LeaveMessage { client_id: "l1".into(), email: "a@b.test".into(), text: "call me".into() };
        t.choose(left.clone());
        assert_eq!(t.unconfirmed(), [left], "resent after a reconnect until stored");
        assert!(!t.actions().form, "sent: the form goes");
        let mut stored =
            ev(3, Author::Customer, EventBody::OfflineMessage { email: "a@b.test".into(), text: "call me".into() });
        stored.client_id = Some("l1".into());
        t.apply(ServerFrame::Event { event: stored });
        assert!(t.unconfirmed().is_empty());
        assert_eq!(texts(&t).last().map(String::as_str), Some("You: call me"));
        let mut closed = mode(4, Mode::Closed, None, ModeReason::LeftMessage);
        closed.author = Author::System;
        t.apply(ServerFrame::Event { event: closed });
        assert_eq!(texts(&t).last().map(String::as_str), Some("-- Your message went to the team"));

        let mut t = fresh();
        t.apply(ServerFrame::Event { event: mode(1, Mode::Queued, None, ModeReason::CustomerAsked) });
        t.apply(ServerFrame::Event { event: ev(2, Author::Bot, EventBody::NoAgent { text: "Nobody".into() }) });
        t.choose(ClientFrame::KeepChatting { client_id: "k1".into() });
        assert_eq!(t.actions().buttons, [Action::EndChat], "chosen: the choice goes");
        let mut back = mode(3, Mode::Bot, None, ModeReason::CustomerChoseBot);
        back.client_id = Some("k1".into());
        t.apply(ServerFrame::Event { event: back });
        assert!(t.unconfirmed().is_empty() && t.can_request_human(), "and may ask for a person again later");
        assert_eq!(texts(&t).last().map(String::as_str), Some("-- You're back with Baton Assistant"));
    }
}
