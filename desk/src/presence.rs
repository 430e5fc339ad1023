//! An agent's presence: what they chose in the console, corrected by what the desk sees (no
//! console connected for a while, offers left unanswered, a deactivated account).

use baton_shared::{DeskSettings, Presence};

/// Offers an agent may leave unanswered in a row before the desk sets them Away.
pub const MISSED_OFFERS_BEFORE_AWAY: u32 = 3;

/// What the desk keeps about one agent's presence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PresenceRecord {
    /// The agent's choice in the console's "Status" control (Online until they choose).
    pub chosen: Presence,
    /// Since when no console of the agent has been connected; `None` while one is.
    pub gone_since: Option<u64>,
    /// Why the desk changed the choice, shown to the agent and colleagues.
    pub note: Option<String>,
    /// Offers in a row that timed out unanswered.
    pub missed_offers: u32,
    /// When routing last gave the agent a conversation (ms); 0 if never.
    pub last_assigned_at: u64,
}

impl PresenceRecord {
    /// The presence colleagues see and routing uses at `now`: Offline for a deactivated account
    /// or once every console has been gone for the site's grace period, else the choice.
    pub fn effective(&self, active: bool, settings: &DeskSettings, now: u64) -> Presence {
        if !active {
            return Presence::Offline;
        }
        match self.gone_since {
            Some(since) if now >= since.saturating_add(settings.offline_after_ms()) => Presence::Offline,
            _ => self.chosen,
        }
    }

    /// When the presence will turn Offline by itself, if it will.
    pub fn offline_at(&self, settings: &DeskSettings) -> Option<u64> {
        let since = self.gone_since?;
        (self.chosen != Presence::Offline).then(|| since.saturating_add(settings.offline_after_ms()))
    }

    /// The agent chose in the console: their choice stands and the desk's note goes.
    pub fn choose(&mut self, presence: Presence) {
        self.chosen = presence;
        self.note = None;
        self.missed_offers = 0;
    }

    /// A console of the agent connected.
    pub fn connected(&mut self) {
        self.gone_since = None;
    }

    /// The agent's last console went away at `now`.
    pub fn disconnected(&mut self, now: u64) {
        self.gone_since.get_or_insert(now);
    }

    /// An offer to the agent timed out; returns whether that set them Away.
    pub fn missed_offer(&mut self) -> bool {
        self.missed_offers += 1;
        if self.missed_offers < MISSED_OFFERS_BEFORE_AWAY || self.chosen != Presence::Online {
            return false;
        }
        self.chosen = Presence::Away;
        self.note = Some(format!("Set to Away after {} offers in a row went unanswered", self.missed_offers));
        self.missed_offers = 0;
        true
    }

    /// The agent answered an offer (accepted or declined): the count of misses starts over.
    pub fn answered_offer(&mut self) {
        self.missed_offers = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> DeskSettings {
        DeskSettings { offline_after_s: 60, ..DeskSettings::default() }
    }

    #[test]
    fn an_agent_whose_consoles_are_gone_turns_offline_after_the_grace_period_only() {
        let mut p = PresenceRecord::default();
        assert_eq!(p.effective(true, &settings(), 0), Presence::Online);
        p.disconnected(1_000);
        p.disconnected(5_000);
        assert_eq!(p.gone_since, Some(1_000), "the first disconnect counts");
        assert_eq!(p.effective(true, &settings(), 60_999), Presence::Online);
        assert_eq!(p.offline_at(&settings()), Some(61_000));
        assert_eq!(p.effective(true, &settings(), 61_000), Presence::Offline);
        p.connected();
        assert_eq!(p.effective(true, &settings(), 100_000), Presence::Online, "until a console connects again");
    }

    #[test]
    fn a_deactivated_account_is_offline_whatever_it_chose() {
        let p = PresenceRecord::default();
        assert_eq!(p.effective(false, &settings(), 0), Presence::Offline);
    }

    #[test]
    fn three_missed_offers_in_a_row_set_an_online_agent_away_with_a_reason() {
        let mut p = PresenceRecord::default();
        assert!(!p.missed_offer());
        p.answered_offer();
        assert!(!p.missed_offer());
        assert!(!p.missed_offer());
        assert!(p.missed_offer(), "the third in a row");
        assert_eq!(p.effective(true, &settings(), 0), Presence::Away);
        assert!(p.note.as_deref().is_some_and(|n| n.contains("3 offers")), "{:?}", p.note);
        p.choose(Presence::Online);
        assert_eq!((p.chosen, p.note.as_deref()), (Presence::Online, None));
    }
}
