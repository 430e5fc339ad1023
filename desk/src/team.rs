//! The agents routing chooses from, as the desk sees them at one moment.

pub use baton_shared::Presence;

#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub id: String,
    pub presence: Presence,
    /// Languages spoken, as lowercase ISO 639-1 codes ("en", "es").
    pub languages: Vec<String>,
    /// Site-defined skill names ("billing", "returns").
    pub skills: Vec<String>,
    /// Most conversations held at once.
    pub capacity: u32,
    /// Conversations held now, offers awaiting an answer included.
    pub held: u32,
    /// When the agent was last given a conversation (epoch ms); 0 if never.
    pub last_assigned_at: u64,
}

impl Agent {
    /// Can take one more conversation now.
    pub fn has_room(&self) -> bool {
        self.presence == Presence::Online && self.held < self.capacity
    }

    pub fn speaks(&self, language: &str) -> bool {
        self.languages.iter().any(|l| l.eq_ignore_ascii_case(language))
    }

    pub fn has_skill(&self, skill: &str) -> bool {
        self.skills.iter().any(|s| s.eq_ignore_ascii_case(skill))
    }
}
