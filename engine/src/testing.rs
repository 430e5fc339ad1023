//! A conversation to drive in tests: the engine on the memory store, a customer and agents.

use baton_brain::knowledge::KnowledgeBase;
use baton_shared::limits::PROTOCOL_VERSION;
use baton_shared::{
    AgentInfo, Article, ClientFrame, ConversationState, ModelSettings, ServerFrame, SiteRules, VisitorInfo, encode,
};

use crate::Caller;
use crate::brain::Brain;
use crate::conversation::{Engine, Incoming, Socket};
use crate::effects::Effects;
use crate::record::Record;
use crate::store::MemoryStore;

pub fn agent(id: &str, name: &str) -> AgentInfo {
    AgentInfo { id: id.into(), name: name.into(), avatar: None }
}

pub fn model_settings() -> ModelSettings {
    ModelSettings {
        endpoint: "https://model.test/v1/chat/completions".into(),
        model: "stand-in".into(),
        timeout_ms: 1,
        calls_per_hour: 600,
        calls_per_conversation_per_hour: 30,
    }
}

pub fn shipping_article() -> Article {
    Article {
        id: "shipping-times".into(),
        title: "Shipping times".into(),
        body: "Orders ship within two business days. Standard shipping takes 3 to 5 days; express takes 1 to 2.".into(),
        tags: vec!["shipping".into(), "delivery".into()],
        url: None,
    }
}

pub fn brain_with_shipping(model: Option<ModelSettings>) -> Brain {
    Brain {
        bot_name: "Ava".into(),
        knowledge: KnowledgeBase::new(vec![shipping_article()]),
        model,
        rules: SiteRules::default(),
        desk: baton_shared::DeskSettings::default(),
    }
}

pub fn record_in(mode: baton_shared::Mode, holder: Option<AgentInfo>) -> Record {
    let mut record = Record::new("shop", "c1", VisitorInfo::default(), "Ava", 1_000);
    record.state = ConversationState { mode, epoch: 1, holder, last_seq: 0 };
    record
}

/// One conversation with a brain, a clock, and sockets that said hello.
pub struct Chat {
    pub engine: Engine<MemoryStore>,
    pub brain: Brain,
    pub now: u64,
}

impl Chat {
    pub fn new(brain: Brain) -> Chat {
        let mut chat = Chat { engine: Engine::new(MemoryStore::default()), brain, now: 1_000 };
        let start = crate::Start { site: "shop".into(), conversation: "c1".into(), ..crate::Start::default() };
        let fx = chat.engine.init(&chat.brain, start, chat.now);
        assert!(fx.dashboard.is_some(), "a started conversation is on the dashboard");
        chat
    }

    /// `frame` from `caller`'s greeted socket (`socket` names it, for rate budgets).
    pub fn send_on(&mut self, socket: &str, caller: &Caller, frame: &ClientFrame) -> Effects {
        self.now += 1;
        let socket = Socket { id: socket, caller, greeted: true };
        self.engine.receive(&self.brain, &socket, Incoming::Text(&encode(frame)), self.now)
    }

    pub fn customer(&mut self, frame: ClientFrame) -> Effects {
        self.send_on("customer", &Caller::Customer, &frame)
    }

    pub fn agent(&mut self, who: &AgentInfo, frame: ClientFrame) -> Effects {
        let caller = Caller::Agent(who.clone());
        self.send_on(&format!("agent-{}", who.id), &caller, &frame)
    }

    pub fn hello(&mut self, caller: &Caller, last_seq: u64) -> Effects {
        self.now += 1;
        let socket = Socket { id: "fresh", caller, greeted: false };
        let frame = encode(&ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq });
        self.engine.receive(&self.brain, &socket, Incoming::Text(&frame), self.now)
    }

    pub fn state(&self) -> ConversationState {
        self.engine.record().expect("the conversation exists").state
    }

    pub fn transcript(&self) -> Vec<baton_shared::Event> {
        self.engine.store().events.borrow().clone()
    }
}

/// The error code a set of effects sent its sender, if any.
pub fn error_code(fx: &Effects) -> Option<baton_shared::ErrorCode> {
    fx.sender_frames().find_map(|f| match f {
        ServerFrame::Error { code, .. } => Some(*code),
        _ => None,
    })
}
