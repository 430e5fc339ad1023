//! One conversation as an agent sees it: server frames folded into a transcript, the agent's
//! own messages tracked from send to ack to stored event, and what the controls may do.

use baton_shared::client::{SendState, Thread};
use baton_shared::insight::{ComplianceIssue, Insight};
use baton_shared::limits::PROTOCOL_VERSION;
use baton_shared::machine::ConversationState;
use baton_shared::protocol::{AgentInfo, Author, ClientFrame, Event, EventBody, Mode, ModeReason, ServerFrame};
use baton_shared::text::validate_message_text;

use super::format::bot_detail;
use super::session::is_auth_error;

/// What the console keeps of a reply or note it sent, until its stored event arrives.
#[derive(Debug, Clone, PartialEq)]
struct Composed {
    text: String,
    note: bool,
    /// The agent confirmed it despite a compliance warning.
    send_anyway: bool,
    /// Why the server refused it, once the outbox marks it failed.
    refusal: String,
}

/// A reply the compliance check stopped: not stored, not resent, waiting for the agent to
/// send it anyway or edit it.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplianceHold {
    pub client_id: String,
    pub text: String,
    pub issues: Vec<ComplianceIssue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Customer,
    Bot,
    Agent,
    Note,
    Notice,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Stored,
    Sending,
    Failed(String),
}

/// One line of the transcript as the view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Stable across updates: "e<seq>" for stored events, "o<client id>" for outgoing ones.
    pub key: String,
    pub kind: EntryKind,
    pub who: String,
    pub avatar: Option<String>,
    pub text: String,
    /// The label beside the author: "Bot", "Note · agents only", "Left for the team".
    pub tag: Option<&'static str>,
    /// What the bot based a reply on; for a message left for the team, where the answer goes.
    pub detail: Option<String>,
    pub ts: Option<u64>,
    pub delivery: Delivery,
    pub mine: bool,
    /// A bot draft written after a takeover, which the agent may reuse as a reply.
    pub draft: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConversationModel {
    pub id: String,
    pub me: AgentInfo,
    pub bot_name: String,
    pub state: ConversationState,
    /// A `welcome` arrived at least once, so `state` is the server's.
    pub welcomed: bool,
    /// Stored events in seq order, and this console's messages not yet among them.
    thread: Thread<Composed>,
    /// Someone else typing right now.
    pub typing: Option<Author>,
    /// The last refusal or problem, for the alert region.
    pub alert: Option<String>,
    /// The server no longer accepts this console's token.
    pub auth_failed: bool,
    /// The brain's latest view of the conversation.
    pub insight: Option<Insight>,
    pub compliance: Option<ComplianceHold>,
}

impl ConversationModel {
    pub fn new(id: impl Into<String>, me: AgentInfo) -> Self {
        ConversationModel {
            id: id.into(),
            me,
            bot_name: "Bot".into(),
            state: ConversationState::default(),
            welcomed: false,
            thread: Thread::default(),
            typing: None,
            alert: None,
            auth_failed: false,
            insight: None,
            compliance: None,
        }
    }

    /// What to say first on every (re)connect: only the gap is sent back.
    pub fn hello(&self) -> ClientFrame {
        ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq: self.thread.log.last_seq() }
    }

    /// Folds a server frame in; returns frames to send back (unacked messages after a welcome).
    pub fn receive(&mut self, frame: ServerFrame) -> Vec<ClientFrame> {
        match frame {
            ServerFrame::Welcome { state, events, bot_name, insight, .. } => {
                self.bot_name = bot_name;
                // A welcome without one keeps what is shown; the next insight frame replaces it.
                if insight.is_some() {
                    self.insight = insight;
                }
                for event in events {
                    self.thread.insert(event);
                }
                self.state = state.into();
                self.welcomed = true;
                self.typing = None;
                // Resending under the same client id is safe: the server acks the original seq.
                return self.thread.outbox.waiting().map(|o| frame_for(&o.client_id, &o.payload)).collect();
            }
            ServerFrame::Event { event } => {
                if event.seq > self.state.last_seq {
                    self.state.apply(&event);
                }
                if matches!(event.author, Author::Customer)
                    && matches!(event.body, EventBody::Text { .. } | EventBody::OfflineMessage { .. })
                {
                    self.typing = None;
                }
                self.thread.insert(event);
            }
            ServerFrame::Ack { client_id, seq } => self.thread.ack(&client_id, seq),
            ServerFrame::Typing { author, on } => {
                if !matches!(&author, Author::Agent(a) if a.id == self.me.id) {
                    self.typing = on.then_some(author);
                }
            }
            ServerFrame::Error { code, message, client_id, .. } => {
                if is_auth_error(code) {
                    self.auth_failed = true;
                }
                if let Some(o) = client_id.and_then(|id| self.thread.outbox.fail(&id)) {
                    o.refusal = message.clone();
                }
                self.alert = Some(message);
            }
            ServerFrame::Insight { insight } => self.insight = Some(insight),
            ServerFrame::ComplianceWarning { client_id, issues } => self.hold(client_id, issues),
            // The customer's place in the queue is for the customer; agents see the queue itself.
            ServerFrame::QueuePlace { .. } | ServerFrame::Pong => {}
        }
        Vec::new()
    }

    /// The socket dropped: nobody is known to be typing any more.
    pub fn connection_lost(&mut self) {
        self.typing = None;
    }

    /// Queues a reply or private note; the frame is to be sent now if the socket is open,
    /// and is resent after a reconnect until acked.
    pub fn compose(&mut self, client_id: String, text: &str, note: bool) -> Result<ClientFrame, String> {
        let text = validate_message_text(text).map_err(|e| e.message)?;
        if !note {
            // A new reply supersedes one the compliance check stopped: the agent edited it.
            self.compliance = None;
        }
        Ok(self.queue(client_id, Composed { text, note, send_anyway: false, refusal: String::new() }))
    }

    fn queue(&mut self, client_id: String, composed: Composed) -> ClientFrame {
        let frame = frame_for(&client_id, &composed);
        self.thread.outbox.push(client_id, composed);
        self.alert = None;
        frame
    }

    /// The server did not store this reply: stop tracking it (a reconnect must not resend it)
    /// and keep its text for the agent's decision.
    fn hold(&mut self, client_id: String, issues: Vec<ComplianceIssue>) {
        if self.thread.outbox.get(&client_id).is_none_or(|o| o.payload.note) {
            return;
        }
        let Some(reply) = self.thread.outbox.remove(&client_id) else { return };
        self.compliance = Some(ComplianceHold { client_id, text: reply.text, issues });
    }

    /// "Send anyway": the held text again, under a new client id, confirmed. The server stores
    /// it and records the override.
    pub fn send_anyway(&mut self, client_id: String) -> Option<ClientFrame> {
        let held = self.compliance.take()?;
        let confirmed = Composed { text: held.text, note: false, send_anyway: true, refusal: String::new() };
        Some(self.queue(client_id, confirmed))
    }

    /// "Edit message": drops the warning and returns the held text for the reply box.
    pub fn edit_held(&mut self) -> Option<String> {
        self.compliance.take().map(|h| h.text)
    }

    pub fn holds(&self) -> bool {
        self.state.holds(&self.me.id)
    }

    /// Also while another agent holds it: the server's refusal names who does.
    pub fn can_take_over(&self) -> bool {
        self.welcomed && self.state.mode != Mode::Closed && !self.holds()
    }

    pub fn can_hand_back(&self) -> bool {
        self.welcomed && self.holds()
    }

    /// Who holds the conversation, for the header.
    pub fn holder_line(&self) -> String {
        match (self.state.mode, self.state.holder.as_ref()) {
            _ if !self.welcomed => "Connecting…".to_string(),
            (Mode::Human, Some(h)) if h.id == self.me.id => "You are handling this conversation".to_string(),
            (Mode::Human, Some(h)) => format!("{} is handling this conversation", h.name),
            (Mode::Human, None) => "An agent is handling this conversation".to_string(),
            (Mode::Queued, _) => "Waiting for a person".to_string(),
            (Mode::Bot, _) => format!("{} is answering", self.bot_name),
            (Mode::Closed, _) => "This conversation is closed".to_string(),
        }
    }

    pub fn typing_line(&self, visitor: &str) -> Option<String> {
        match self.typing.as_ref()? {
            Author::Customer => Some(format!("{visitor} is typing…")),
            Author::Agent(a) => Some(format!("{} is typing…", a.name)),
            Author::Bot => Some(format!("{} is typing…", self.bot_name)),
            Author::System => None,
        }
    }

    /// The transcript: stored events in order, then this console's messages still in flight.
    pub fn entries(&self, visitor: &str) -> Vec<Entry> {
        let stored = self.thread.log.iter().map(|e| self.entry_for(e, visitor));
        // An acked message whose event is here has already left the outbox.
        let pending = self.thread.outbox.iter().map(|o| Entry {
            key: format!("o{}", o.client_id),
            kind: if o.payload.note { EntryKind::Note } else { EntryKind::Agent },
            who: self.me.name.clone(),
            avatar: self.me.avatar.clone(),
            text: o.payload.text.clone(),
            tag: o.payload.note.then_some(NOTE_TAG),
            detail: None,
            ts: None,
            delivery: match o.state() {
                SendState::Failed => Delivery::Failed(o.payload.refusal.clone()),
                SendState::Acked(_) => Delivery::Stored,
                SendState::Waiting => Delivery::Sending,
            },
            mine: true,
            draft: false,
        });
        stored.chain(pending).collect()
    }

    fn entry_for(&self, event: &Event, visitor: &str) -> Entry {
        let (who, avatar, mine) = match &event.author {
            Author::Customer => (visitor.to_string(), None, false),
            Author::Bot => (self.bot_name.clone(), None, false),
            Author::Agent(a) => (a.name.clone(), a.avatar.clone(), a.id == self.me.id),
            Author::System => ("System".to_string(), None, false),
        };
        let (kind, text, tag, detail) = match &event.body {
            EventBody::Text { text, bot } => {
                let kind = match event.author {
                    Author::Customer => EntryKind::Customer,
                    Author::Bot => EntryKind::Bot,
                    Author::Agent(_) => EntryKind::Agent,
                    Author::System => EntryKind::Notice,
                };
                (kind, text.clone(), (kind == EntryKind::Bot).then_some(BOT_TAG), bot.as_ref().map(bot_detail))
            }
            EventBody::Note { text } => {
                let draft = (event.author == Author::Bot).then(|| "Bot draft, not sent to the customer".to_string());
                (EntryKind::Note, text.clone(), Some(NOTE_TAG), draft)
            }
            EventBody::Mode { holder, reason, .. } => {
                let notice = mode_notice(&event.author, holder.as_ref(), *reason, &self.bot_name);
                (EntryKind::Notice, notice, None, None)
            }
            EventBody::Rating { score } => {
                (EntryKind::Notice, format!("{visitor} rated the conversation {score}/5"), None, None)
            }
            // The bot telling the customer nobody can come is the bot speaking, whoever signs it.
            EventBody::NoAgent { text } => (EntryKind::Bot, text.clone(), Some(BOT_TAG), None),
            EventBody::OfflineMessage { email, text } => {
                (EntryKind::Customer, text.clone(), Some(LEFT_TAG), Some(left_detail(email)))
            }
        };
        // Whoever the server signs it with, the customer read it from the bot: so do agents.
        let who = if matches!(event.body, EventBody::NoAgent { .. }) { self.bot_name.clone() } else { who };
        Entry {
            key: format!("e{}", event.seq),
            kind,
            who,
            avatar,
            text,
            tag,
            detail,
            ts: Some(event.ts),
            delivery: Delivery::Stored,
            mine,
            draft: event.author == Author::Bot && matches!(event.body, EventBody::Note { .. }),
        }
    }
}

/// The system line a mode change shows: who took over, who handed back, who asked. The history
/// screen reads closed transcripts with the same words.
pub fn mode_notice(author: &Author, holder: Option<&AgentInfo>, reason: ModeReason, bot_name: &str) -> String {
    let by = match author {
        Author::Agent(a) => Some(a.name.as_str()),
        _ => None,
    };
    match reason {
        ModeReason::AgentTookOver => {
            format!("{} took over", holder.map(|h| h.name.as_str()).or(by).unwrap_or("An agent"))
        }
        ModeReason::HandedBack => match by {
            Some(name) => format!("Handed back to the bot by {name}"),
            None => "Handed back to the bot".to_string(),
        },
        ModeReason::Transferred => match (by, holder) {
            (Some(from), Some(to)) => format!("{from} transferred the conversation to {}", to.name),
            (Some(from), None) => format!("{from} transferred the conversation back to the queue"),
            (None, _) => "Transferred".to_string(),
        },
        ModeReason::AgentLeft => "The agent went offline; back in the queue".to_string(),
        ModeReason::Reassigned => match (by, holder) {
            (Some(by), Some(to)) => format!("{by} reassigned the conversation to {}", to.name),
            _ => "Reassigned".to_string(),
        },
        ModeReason::CustomerAsked => "Customer asked for a person".to_string(),
        ModeReason::BotEscalated => format!("{bot_name} asked for a person to take over"),
        ModeReason::Closed => "Conversation closed".to_string(),
        ModeReason::Resolved => format!("Resolved by {}", by.unwrap_or("an agent")),
        ModeReason::CustomerEnded => "The customer ended the chat".to_string(),
        ModeReason::Inactive => "Closed after a period without messages".to_string(),
        ModeReason::CustomerChoseBot => "The customer chose to keep chatting with the bot".to_string(),
        ModeReason::LeftMessage => "The customer left a message".to_string(),
    }
}

/// The labels beside an author's name in the live transcript.
pub const BOT_TAG: &str = "Bot";
pub const NOTE_TAG: &str = "Note · agents only";
/// A message the customer left when nobody could come: it is answered by email, from the
/// "Offline messages" screen, not in the chat.
pub const LEFT_TAG: &str = "Left for the team";

/// Under a message left for the team: where the answer goes.
pub fn left_detail(email: &str) -> String {
    format!("To be answered by email at {email}")
}

fn frame_for(client_id: &str, c: &Composed) -> ClientFrame {
    let client_id = client_id.to_string();
    if c.note {
        ClientFrame::Note { client_id, text: c.text.clone() }
    } else {
        ClientFrame::Send { client_id, text: c.text.clone(), send_anyway: c.send_anyway }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_shared::error::ErrorCode;
    use baton_shared::protocol::{BotMeta, ConversationView, Role};

    fn agent(id: &str, name: &str) -> AgentInfo {
        AgentInfo { id: id.into(), name: name.into(), avatar: None }
    }

    fn ev(seq: u64, epoch: u64, author: Author, body: EventBody, client_id: Option<&str>) -> Event {
        Event { seq, ts: seq * 1000, epoch, author, body, client_id: client_id.map(str::to_string) }
    }

    fn text(t: &str) -> EventBody {
        EventBody::Text { text: t.into(), bot: None }
    }

    fn welcome(mode: Mode, holder: Option<AgentInfo>, last_seq: u64, events: Vec<Event>) -> ServerFrame {
        welcome_with(mode, holder, last_seq, events, None)
    }

    fn welcome_with(
        mode: Mode,
        holder: Option<AgentInfo>,
        last_seq: u64,
        events: Vec<Event>,
        insight: Option<Insight>,
    ) -> ServerFrame {
        ServerFrame::Welcome {
            conversation_id: "c1".into(),
            role: Role::Agent,
            state: ConversationView { mode, epoch: 0, holder, last_seq },
            events,
            bot_name: "Baton Assistant".into(),
            insight,
            earlier: false,
        }
    }

    fn dana_console() -> ConversationModel {
        ConversationModel::new("c1", agent("a1", "Dana"))
    }

    #[test]
    fn welcome_builds_the_transcript_with_bot_detail_and_notices() {
        let mut m = dana_console();
        assert_eq!(m.hello(), ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq: 0 });
        assert!(!m.can_take_over(), "nothing is known before the welcome");
        let bot = EventBody::Text {
            text: "Returns take 30 days".into(),
            bot: Some(BotMeta {
                confidence: 0.82,
                article_id: Some("ret".into()),
                article_title: Some("Returns".into()),
            }),
        };
        let queued = EventBody::Mode { mode: Mode::Queued, holder: None, reason: ModeReason::CustomerAsked };
        let resend = m.receive(welcome(
            Mode::Queued,
            None,
            3,
            vec![
                ev(1, 0, Author::Customer, text("<b>hi</b>"), None),
                ev(2, 0, Author::Bot, bot, None),
                ev(3, 1, Author::Customer, queued, None),
            ],
        ));
        assert!(resend.is_empty());
        let entries = m.entries("Ada");
        assert_eq!(
            entries.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [EntryKind::Customer, EntryKind::Bot, EntryKind::Notice]
        );
        assert_eq!(entries[0].text, "<b>hi</b>");
        assert_eq!(entries[0].who, "Ada");
        assert_eq!(entries[1].who, "Baton Assistant");
        assert_eq!(entries[1].detail.as_deref(), Some("Confidence 82% · Article: Returns"));
        assert_eq!(entries[2].text, "Customer asked for a person");
        assert_eq!(m.holder_line(), "Waiting for a person");
        assert!(m.can_take_over() && !m.can_hand_back());
        assert_eq!(m.hello(), ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq: 3 });
    }

    #[test]
    fn nobody_coming_reads_as_the_bot_and_a_message_left_as_the_customers_labelled() {
        let mut m = dana_console();
        let no_agent = EventBody::NoAgent { text: "Our team is away right now.".into() };
        let chose_bot = EventBody::Mode { mode: Mode::Bot, holder: None, reason: ModeReason::CustomerChoseBot };
        let left = EventBody::OfflineMessage { email: "rosa@example.test".into(), text: "Call me".into() };
        let closed = EventBody::Mode { mode: Mode::Closed, holder: None, reason: ModeReason::LeftMessage };
        m.receive(welcome(
            Mode::Closed,
            None,
            4,
            vec![
                ev(1, 1, Author::Bot, no_agent, None),
                ev(2, 2, Author::Customer, chose_bot, None),
                ev(3, 2, Author::Customer, left, None),
                ev(4, 3, Author::System, closed, None),
            ],
        ));
        let entries = m.entries("Rosa");
        let read: Vec<(EntryKind, &str, &str, Option<&str>)> =
            entries.iter().map(|e| (e.kind, e.who.as_str(), e.text.as_str(), e.tag)).collect();
        assert_eq!(
            read,
            [
                (EntryKind::Bot, "Baton Assistant", "Our team is away right now.", Some(BOT_TAG)),
                (EntryKind::Notice, "Rosa", "The customer chose to keep chatting with the bot", None),
                (EntryKind::Customer, "Rosa", "Call me", Some("Left for the team")),
                (EntryKind::Notice, "System", "The customer left a message", None),
            ]
        );
        assert_eq!(entries[0].detail, None);
        assert_eq!(entries[2].detail.as_deref(), Some("To be answered by email at rosa@example.test"));
        // Whoever signs it, "nobody can come" is the bot's line.
        let signed = ev(5, 3, Author::System, EventBody::NoAgent { text: "Nobody".into() }, None);
        assert_eq!(m.entry_for(&signed, "Rosa").who, "Baton Assistant");
    }

    #[test]
    fn takeover_reply_and_hand_back() {
        let mut m = dana_console();
        m.receive(welcome(Mode::Bot, None, 0, vec![]));
        let dana = agent("a1", "Dana");
        let took = EventBody::Mode { mode: Mode::Human, holder: Some(dana.clone()), reason: ModeReason::AgentTookOver };
        m.receive(ServerFrame::Event { event: ev(1, 1, Author::Agent(dana.clone()), took, None) });
        assert!(m.holds() && m.can_hand_back() && !m.can_take_over());
        assert_eq!(m.holder_line(), "You are handling this conversation");

        // Sent, acked, then broadcast back: shown once.
        let frame = m.compose("c-1".into(), "  Hi, Dana here  ", false).unwrap();
        assert_eq!(frame, ClientFrame::send("c-1", "Hi, Dana here"));
        assert_eq!(m.entries("Ada")[1].delivery, Delivery::Sending);
        m.receive(ServerFrame::Ack { client_id: "c-1".into(), seq: 2 });
        assert_eq!(m.entries("Ada")[1].delivery, Delivery::Stored);
        m.receive(ServerFrame::Event {
            event: ev(2, 1, Author::Agent(dana.clone()), text("Hi, Dana here"), Some("c-1")),
        });
        m.receive(ServerFrame::Event {
            event: ev(2, 1, Author::Agent(dana.clone()), text("Hi, Dana here"), Some("c-1")),
        });
        let entries = m.entries("Ada");
        assert_eq!(entries.len(), 2);
        assert_eq!((entries[1].key.as_str(), entries[1].mine), ("e2", true));

        let back = EventBody::Mode { mode: Mode::Bot, holder: None, reason: ModeReason::HandedBack };
        m.receive(ServerFrame::Event { event: ev(3, 2, Author::Agent(dana), back, None) });
        assert_eq!(m.entries("Ada")[2].text, "Handed back to the bot by Dana");
        assert_eq!(m.entries("Ada")[0].text, "Dana took over");
        assert!(!m.holds() && m.can_take_over());
        assert_eq!(m.holder_line(), "Baton Assistant is answering");
    }

    #[test]
    fn event_before_ack_is_not_doubled() {
        let mut m = dana_console();
        m.receive(welcome(Mode::Bot, None, 0, vec![]));
        m.compose("n-1".into(), "vip customer", true).unwrap();
        m.receive(ServerFrame::Event {
            event: ev(
                1,
                0,
                Author::Agent(agent("a1", "Dana")),
                EventBody::Note { text: "vip customer".into() },
                Some("n-1"),
            ),
        });
        m.receive(ServerFrame::Ack { client_id: "n-1".into(), seq: 1 });
        let entries = m.entries("Ada");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].kind, EntryKind::Note);
    }

    #[test]
    fn another_holder_is_named_and_refusals_are_alerts() {
        let mut m = dana_console();
        m.receive(welcome(Mode::Human, Some(agent("a2", "Sam")), 0, vec![]));
        assert_eq!(m.holder_line(), "Sam is handling this conversation");
        assert!(m.can_take_over(), "the attempt must reach the server to hear who holds it");
        assert!(!m.can_hand_back());
        m.receive(ServerFrame::Error {
            code: ErrorCode::AlreadyHeld,
            message: "Sam is already handling this conversation".into(),
            client_id: None,
            retry_after_ms: None,
        });
        assert_eq!(m.alert.as_deref(), Some("Sam is already handling this conversation"));
        assert!(!m.auth_failed);

        m.compose("c-9".into(), "hello", false).unwrap();
        m.receive(ServerFrame::Error {
            code: ErrorCode::NotHolder,
            message: "Sam is handling this conversation; take it over first".into(),
            client_id: Some("c-9".into()),
            retry_after_ms: None,
        });
        assert!(matches!(&m.entries("Ada")[0].delivery, Delivery::Failed(why) if why.contains("take it over")));
        m.receive(ServerFrame::Error {
            code: ErrorCode::TokenExpired,
            message: "expired".into(),
            client_id: None,
            retry_after_ms: None,
        });
        assert!(m.auth_failed);
    }

    #[test]
    fn reconnect_asks_for_the_gap_and_resends_unacked_messages() {
        let mut m = dana_console();
        m.receive(welcome(
            Mode::Human,
            Some(agent("a1", "Dana")),
            4,
            vec![ev(4, 1, Author::Customer, text("q"), None)],
        ));
        m.compose("c-1".into(), "acked", false).unwrap();
        m.compose("c-2".into(), "lost in flight", false).unwrap();
        m.receive(ServerFrame::Ack { client_id: "c-1".into(), seq: 5 });
        m.receive(ServerFrame::Typing { author: Author::Customer, on: true });
        assert_eq!(m.typing_line("Ada").as_deref(), Some("Ada is typing…"));
        m.connection_lost();
        assert_eq!(m.typing_line("Ada"), None);

        assert_eq!(m.hello(), ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq: 4 });
        let dana = Author::Agent(agent("a1", "Dana"));
        let resend = m.receive(welcome(
            Mode::Human,
            Some(agent("a1", "Dana")),
            5,
            vec![ev(4, 1, Author::Customer, text("q"), None), ev(5, 1, dana, text("acked"), Some("c-1"))],
        ));
        assert_eq!(resend, vec![ClientFrame::send("c-2", "lost in flight")]);
        let keys: Vec<_> = m.entries("Ada").into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["e4", "e5", "oc-2"]);
    }

    #[test]
    fn own_typing_is_ignored_and_customer_message_ends_typing() {
        let mut m = dana_console();
        m.receive(welcome(Mode::Bot, None, 0, vec![]));
        m.receive(ServerFrame::Typing { author: Author::Agent(agent("a1", "Dana")), on: true });
        assert_eq!(m.typing, None);
        m.receive(ServerFrame::Typing { author: Author::Customer, on: true });
        m.receive(ServerFrame::Event { event: ev(1, 0, Author::Customer, text("x"), None) });
        assert_eq!(m.typing, None);
        assert!(m.compose("c".into(), "   ", false).is_err());
    }

    fn holding_dana() -> ConversationModel {
        let mut m = dana_console();
        m.receive(welcome(Mode::Human, Some(agent("a1", "Dana")), 0, vec![]));
        m
    }

    fn warning(client_id: &str) -> ServerFrame {
        ServerFrame::ComplianceWarning {
            client_id: client_id.into(),
            issues: vec![
                ComplianceIssue { rule: "card_number".into(), reason: "contains a card number ending 4242".into() },
                ComplianceIssue { rule: "forbidden_promise".into(), reason: "promises \"guaranteed refund\"".into() },
            ],
        }
    }

    #[test]
    fn a_compliance_warning_holds_the_reply_instead_of_resending_it() {
        let mut m = holding_dana();
        m.compose("c-1".into(), "Card 4242 4242 4242 4242, guaranteed refund", false).unwrap();
        m.receive(warning("c-1"));
        let held = m.compliance.clone().unwrap();
        assert_eq!(held.text, "Card 4242 4242 4242 4242, guaranteed refund");
        assert_eq!(held.issues.len(), 2);
        assert!(m.entries("Ada").is_empty(), "the stopped reply is not shown as sending");
        let resend = m.receive(welcome(Mode::Human, Some(agent("a1", "Dana")), 0, vec![]));
        assert!(resend.is_empty(), "a reconnect must not resend what the check stopped");
        assert!(m.compliance.is_some(), "the warning survives a reconnect");

        // Unknown ids and notes are not held.
        m.receive(warning("nope"));
        assert_eq!(m.compliance.as_ref().map(|h| h.client_id.as_str()), Some("c-1"));
    }

    #[test]
    fn send_anyway_resends_the_same_text_confirmed_under_a_new_id() {
        let mut m = holding_dana();
        m.compose("c-1".into(), "guaranteed refund", false).unwrap();
        m.receive(warning("c-1"));
        let frame = m.send_anyway("c-2".into()).unwrap();
        assert_eq!(
            frame,
            ClientFrame::Send { client_id: "c-2".into(), text: "guaranteed refund".into(), send_anyway: true }
        );
        assert_eq!(m.compliance, None);
        assert_eq!(m.send_anyway("c-3".into()), None, "nothing held, nothing sent");
        assert_eq!(m.entries("Ada")[0].delivery, Delivery::Sending);
        // Still confirmed when resent after a reconnect.
        let resend = m.receive(welcome(Mode::Human, Some(agent("a1", "Dana")), 0, vec![]));
        assert_eq!(resend, [frame]);
        m.receive(ServerFrame::Ack { client_id: "c-2".into(), seq: 1 });
        assert_eq!(m.entries("Ada")[0].delivery, Delivery::Stored);
    }

    #[test]
    fn editing_or_sending_a_new_reply_dismisses_the_warning() {
        let mut m = holding_dana();
        m.compose("c-1".into(), "guaranteed refund", false).unwrap();
        m.receive(warning("c-1"));
        assert_eq!(m.edit_held().as_deref(), Some("guaranteed refund"));
        assert_eq!((m.compliance.clone(), m.edit_held()), (None, None));

        m.compose("c-2".into(), "we guarantee it", false).unwrap();
        m.receive(warning("c-2"));
        m.compose("n-1".into(), "checking with billing", true).unwrap();
        assert!(m.compliance.is_some(), "a private note leaves the warning up");
        m.receive(warning("n-1"));
        assert_eq!(m.compliance.as_ref().map(|h| h.client_id.as_str()), Some("c-2"));
        m.compose("c-3".into(), "We will refund you once the return arrives", false).unwrap();
        assert_eq!(m.compliance, None);
    }

    #[test]
    fn insights_replace_each_other_and_bot_drafts_can_be_reused() {
        use baton_shared::insight::{Intent, Suggestion};
        let mut m = dana_console();
        let first = Insight { intent: Some(Intent::Refund), summary: "Wants a refund".into(), ..Insight::default() };
        m.receive(welcome_with(Mode::Bot, None, 0, vec![], Some(first)));
        assert_eq!(m.insight.as_ref().map(|i| i.summary.as_str()), Some("Wants a refund"));
        m.receive(welcome(Mode::Bot, None, 0, vec![]));
        assert!(m.insight.is_some(), "a welcome without an insight keeps the last one");
        let second = Insight {
            suggestions: vec![Suggestion { text: "I can help with that refund.".into(), article_id: None }],
            ..Insight::default()
        };
        m.receive(ServerFrame::Insight { insight: second.clone() });
        assert_eq!(m.insight, Some(second));

        let draft = ev(1, 1, Author::Bot, EventBody::Note { text: "Returns take 30 days".into() }, None);
        let note = ev(2, 1, Author::Agent(agent("a2", "Sam")), EventBody::Note { text: "vip".into() }, None);
        m.receive(ServerFrame::Event { event: draft });
        m.receive(ServerFrame::Event { event: note });
        let entries = m.entries("Ada");
        assert!(entries[0].draft && !entries[1].draft);
        assert_eq!(entries[0].detail.as_deref(), Some("Bot draft, not sent to the customer"));
    }

    #[test]
    fn stale_mode_events_do_not_rewind_the_state() {
        let mut m = dana_console();
        let sam = agent("a2", "Sam");
        m.receive(welcome(Mode::Human, Some(sam.clone()), 5, vec![]));
        let old = EventBody::Mode { mode: Mode::Queued, holder: None, reason: ModeReason::BotEscalated };
        m.receive(ServerFrame::Event { event: ev(2, 1, Author::Bot, old, None) });
        assert_eq!(m.state.mode, Mode::Human);
        assert_eq!(m.entries("Ada")[0].text, "Baton Assistant asked for a person to take over");
    }
}
