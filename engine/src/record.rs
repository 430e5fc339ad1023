//! Everything one conversation knows about itself besides its transcript, and how each
//! committed event changes it. Pure: the store persists it, the object acts on it.

use baton_shared::text::preview;
use baton_shared::{
    Author, ConversationState, ConversationSummary, ConversationView, Event, EventBody, Mode, ModeReason, VisitorInfo,
};

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub site: String,
    pub conversation: String,
    pub state: ConversationState,
    pub visitor: VisitorInfo,
    /// The bot's name when the conversation started; the site's current one wins when known.
    pub bot_name: String,
    pub created_at: u64,
    pub updated_at: u64,
    /// Preview and author kind of the last visible text message.
    pub last_preview: String,
    pub last_author: String,
    /// Timestamp of the oldest customer message nobody has answered yet.
    pub waiting_since: Option<u64>,
    /// When the conversation last joined the queue, while it is queued.
    pub queued_since: Option<u64>,
    /// The bot queued it (a trigger fired) rather than the customer asking.
    pub queued_by_bot: bool,
    /// The skill a transfer back to the queue asked for; it wins over the site's skill rules
    /// until the conversation leaves the queue.
    pub required_skill: Option<String>,
    /// When anyone (customer, bot or agent) last wrote; inactivity closes count from here.
    pub last_message_at: u64,
    /// The visitor's conversation before this one, closed when this one started.
    pub previous: Option<String>,
    /// While queued, the customer's place and estimate (s) as the desk last said them, sent
    /// again to a customer who reconnects.
    pub place: Option<(u32, Option<u32>)>,
}

impl Record {
    pub fn new(site: &str, conversation: &str, visitor: VisitorInfo, bot_name: &str, now: u64) -> Record {
        Record {
            site: site.to_string(),
            conversation: conversation.to_string(),
            state: ConversationState::default(),
            visitor,
            bot_name: bot_name.to_string(),
            created_at: now,
            updated_at: now,
            last_preview: String::new(),
            last_author: Author::System.kind().to_string(),
            waiting_since: None,
            queued_since: None,
            queued_by_bot: false,
            required_skill: None,
            last_message_at: now,
            previous: None,
            place: None,
        }
    }

    /// Advances past a committed event.
    pub fn apply(&mut self, event: &Event) {
        self.state.apply(event);
        self.updated_at = self.updated_at.max(event.ts);
        if let EventBody::Mode { mode, reason, .. } = &event.body {
            self.queued_since = (*mode == Mode::Queued).then_some(event.ts);
            self.queued_by_bot = *mode == Mode::Queued && *reason == ModeReason::BotEscalated;
            if *mode != Mode::Queued {
                self.required_skill = None;
                self.place = None;
            }
        }
        if let EventBody::Text { text, .. } = &event.body {
            self.last_message_at = self.last_message_at.max(event.ts);
            self.last_preview = preview(text);
            self.last_author = event.author.kind().to_string();
            self.waiting_since = match event.author {
                Author::Customer => self.waiting_since.or(Some(event.ts)),
                _ => None,
            };
        }
    }

    pub fn view(&self) -> ConversationView {
        self.state.view()
    }

    pub fn summary(&self) -> ConversationSummary {
        ConversationSummary {
            id: self.conversation.clone(),
            mode: self.state.mode,
            epoch: self.state.epoch,
            holder: self.state.holder.clone(),
            last_preview: self.last_preview.clone(),
            last_author: self.last_author.clone(),
            last_seq: self.state.last_seq,
            started_at: self.created_at,
            updated_at: self.updated_at,
            waiting_since: self.waiting_since,
            visitor_name: self.visitor.name.clone(),
            visitor_verified: self.visitor.verified,
            flags: Vec::new(),
            sentiment: None,
            intent: None,
            queue: None,
            previous: self.previous.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use baton_shared::AgentInfo;

    use super::*;

    fn event(seq: u64, ts: u64, author: Author, body: EventBody) -> Event {
        Event { seq, ts, epoch: 0, author, body, client_id: None }
    }

    fn text(text: &str) -> EventBody {
        EventBody::Text { text: text.into(), bot: None }
    }

    #[test]
    fn the_wait_starts_at_the_first_unanswered_customer_message_and_ends_with_any_answer() {
        let mut record = Record::new("shop", "c1", VisitorInfo::default(), "Ava", 100);
        record.apply(&event(1, 200, Author::Customer, text("hello?")));
        record.apply(&event(2, 300, Author::Customer, text("anyone there?")));
        assert_eq!(record.waiting_since, Some(200));
        assert_eq!((record.last_preview.as_str(), record.last_author.as_str()), ("anyone there?", "customer"));
        record.apply(&event(3, 400, Author::Bot, EventBody::Note { text: "draft".into() }));
        assert_eq!(record.waiting_since, Some(200), "a note answers nobody");
        assert_eq!(record.last_preview, "anyone there?", "notes are not previewed");
        record.apply(&event(4, 500, Author::Bot, text("Hi!")));
        assert_eq!(record.waiting_since, None);
        assert_eq!(record.summary().last_seq, 4);
    }

    #[test]
    fn time_never_runs_backwards_and_mode_changes_reach_the_summary() {
        let mut record = Record::new("shop", "c1", VisitorInfo::default(), "Ava", 1_000);
        let dana = AgentInfo { id: "a1".into(), name: "Dana".into(), avatar: None };
        let mut takeover = event(
            1,
            900,
            Author::Agent(dana.clone()),
            EventBody::Mode { mode: Mode::Human, holder: Some(dana.clone()), reason: ModeReason::AgentTookOver },
        );
        takeover.epoch = 1;
        record.apply(&takeover);
        assert_eq!(record.updated_at, 1_000);
        let row = record.summary();
        assert_eq!((row.mode, row.epoch, row.holder), (Mode::Human, 1, Some(dana)));
        assert!(row.flags.is_empty() && row.sentiment.is_none(), "the brain's part is added by the engine");
    }

    #[test]
    fn the_queue_wait_starts_when_it_is_queued_and_ends_with_the_next_mode() {
        let mut record = Record::new("shop", "c1", VisitorInfo::default(), "Ava", 0);
        let mode = |seq, ts, mode| {
            event(seq, ts, Author::System, EventBody::Mode { mode, holder: None, reason: ModeReason::CustomerAsked })
        };
        record.apply(&event(1, 10, Author::Customer, text("a person please")));
        assert_eq!(record.queued_since, None);
        record.apply(&mode(2, 20, Mode::Queued));
        record.apply(&event(3, 30, Author::Customer, text("hello?")));
        assert_eq!(record.queued_since, Some(20), "messages do not restart the wait");
        record.apply(&mode(4, 40, Mode::Bot));
        assert_eq!(record.queued_since, None);
    }
}
