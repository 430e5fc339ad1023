//! Which available agent gets which queued conversation.

use crate::queue::{Queued, Requirements};
use crate::team::Agent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutingSettings {
    /// How long a conversation waits with nobody eligible before its skill stops counting;
    /// after twice as long its language stops counting too.
    pub relax_after_ms: u64,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        RoutingSettings { relax_after_ms: 60_000 }
    }
}

/// Which requirements no longer count, in the order they are dropped: skill first, because a
/// colleague without the skill can still help or transfer, then language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relaxed {
    Nothing,
    Skill,
    SkillAndLanguage,
}

impl Relaxed {
    /// From strict to `self`: routing tries the strictest match first.
    fn up_to(self) -> impl Iterator<Item = Relaxed> {
        [Relaxed::Nothing, Relaxed::Skill, Relaxed::SkillAndLanguage].into_iter().filter(move |r| *r <= self)
    }

    /// Whether `agent` meets `needs` with this much relaxed (capacity and presence aside).
    fn admits(self, agent: &Agent, needs: &Requirements) -> bool {
        let skill = self >= Relaxed::Skill || needs.skill.as_deref().is_none_or(|s| agent.has_skill(s));
        let language = self >= Relaxed::SkillAndLanguage || needs.language.as_deref().is_none_or(|l| agent.speaks(l));
        skill && language
    }
}

/// What a conversation queued at `queued_at` may do without at `now`.
pub fn relaxed_at(settings: &RoutingSettings, queued_at: u64, now: u64) -> Relaxed {
    let waited = now.saturating_sub(queued_at);
    if settings.relax_after_ms == 0 || waited >= settings.relax_after_ms.saturating_mul(2) {
        Relaxed::SkillAndLanguage
    } else if waited >= settings.relax_after_ms {
        Relaxed::Skill
    } else {
        Relaxed::Nothing
    }
}

/// One decision: `conversation` goes to `agent`; `relaxed` says which requirement was dropped
/// to find them, for the console to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub conversation: String,
    pub agent: String,
    pub relaxed: Relaxed,
}

/// Every assignment the desk can make at `now`: the queue in serve order, each conversation to
/// the eligible agent with the fewest held, ties to the one who has waited longest since their
/// last assignment (then by id). Conversations nobody can take stay queued, in order. Pure: the
/// caller commits the assignments (or offers) and calls again when anything changes.
pub fn route(queue: &[Queued], agents: &[Agent], settings: &RoutingSettings, now: u64) -> Vec<Assignment> {
    let mut order: Vec<&Queued> = queue.iter().collect();
    order.sort_by(|a, b| Queued::serve_order(a, b));
    // What this call has handed out so far, on top of the snapshot.
    let mut team: Vec<Agent> = agents.to_vec();
    let mut assignments = Vec::new();
    for waiting in order {
        if !team.iter().any(Agent::has_room) {
            break;
        }
        let allowed = relaxed_at(settings, waiting.queued_at, now);
        let found = allowed.up_to().find_map(|level| best(&team, &waiting.requirements, level).map(|i| (i, level)));
        if let Some((i, relaxed)) = found {
            let agent = &mut team[i];
            agent.held += 1;
            agent.last_assigned_at = now;
            assignments.push(Assignment {
                conversation: waiting.conversation.clone(),
                agent: agent.id.clone(),
                relaxed,
            });
        }
    }
    assignments
}

/// The index of the agent `needs` should go to at this level of relaxation, if any.
fn best(team: &[Agent], needs: &Requirements, level: Relaxed) -> Option<usize> {
    team.iter()
        .enumerate()
        .filter(|(_, a)| a.has_room() && level.admits(a, needs))
        .min_by(|(_, a), (_, b)| {
            a.held.cmp(&b.held).then(a.last_assigned_at.cmp(&b.last_assigned_at)).then_with(|| a.id.cmp(&b.id))
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::queue::Priority;
    use crate::team::Presence;

    fn agent(id: &str, languages: &[&str], skills: &[&str], held: u32) -> Agent {
        Agent {
            id: id.into(),
            presence: Presence::Online,
            languages: languages.iter().map(|l| l.to_string()).collect(),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            capacity: 3,
            held,
            last_assigned_at: 0,
        }
    }

    fn queued(id: &str, language: Option<&str>, skill: Option<&str>, queued_at: u64) -> Queued {
        Queued {
            conversation: id.into(),
            requirements: Requirements { language: language.map(Into::into), skill: skill.map(Into::into) },
            priority: Priority::default(),
            queued_at,
        }
    }

    fn pairs(assignments: &[Assignment]) -> Vec<(&str, &str)> {
        assignments.iter().map(|a| (a.conversation.as_str(), a.agent.as_str())).collect()
    }

    #[test]
    fn a_spanish_billing_question_goes_to_the_spanish_billing_agent_not_the_less_loaded_one() {
        let team = [agent("ana", &["es", "en"], &["billing"], 2), agent("bob", &["en"], &["billing"], 0)];
        let queue = [queued("c1", Some("es"), Some("billing"), 0)];
        let got = route(&queue, &team, &RoutingSettings::default(), 1_000);
        assert_eq!(pairs(&got), [("c1", "ana")]);
        assert_eq!(got[0].relaxed, Relaxed::Nothing);
    }

    #[test]
    fn the_least_loaded_eligible_agent_wins_and_ties_go_to_the_longest_idle() {
        let mut team = [agent("a", &["en"], &[], 1), agent("b", &["en"], &[], 0), agent("c", &["en"], &[], 0)];
        team[1].last_assigned_at = 500;
        team[2].last_assigned_at = 100;
        let got = route(&[queued("c1", Some("en"), None, 0)], &team, &RoutingSettings::default(), 1_000);
        assert_eq!(pairs(&got), [("c1", "c")], "b and c hold none; c has waited longer");
        // Several at once spread out instead of piling onto one agent.
        let queue: Vec<Queued> = (0..3).map(|i| queued(&format!("q{i}"), None, None, i)).collect();
        let got = route(&queue, &team, &RoutingSettings::default(), 1_000);
        let mut per_agent = HashMap::new();
        for a in &got {
            *per_agent.entry(a.agent.as_str()).or_insert(0) += 1;
        }
        assert_eq!(per_agent, HashMap::from([("b", 1), ("c", 1), ("a", 1)]));
    }

    #[test]
    fn nobody_away_offline_or_full_is_given_anything() {
        let mut team = [agent("away", &["en"], &[], 0), agent("off", &["en"], &[], 0), agent("full", &["en"], &[], 3)];
        team[0].presence = Presence::Away;
        team[1].presence = Presence::Offline;
        let got = route(&[queued("c1", None, None, 0)], &team, &RoutingSettings::default(), 1_000_000);
        assert!(got.is_empty(), "{got:?}");
        // A full agent stays full while someone else still has room.
        let team = [agent("full-en", &["en"], &[], 3), agent("free-es", &["es"], &[], 0)];
        let got = route(&[queued("c1", Some("en"), None, 0)], &team, &RoutingSettings::default(), 1_000);
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn requirements_relax_skill_first_then_language_and_say_so() {
        let settings = RoutingSettings { relax_after_ms: 60_000 };
        let queue = [queued("c1", Some("de"), Some("technical"), 0)];
        let team = [agent("en-billing", &["en"], &["billing"], 0), agent("de-billing", &["de"], &["billing"], 1)];
        assert!(route(&queue, &team, &settings, 59_999).is_empty(), "nobody is eligible yet");
        let got = route(&queue, &team, &settings, 60_000);
        assert_eq!((pairs(&got), got[0].relaxed), (vec![("c1", "de-billing")], Relaxed::Skill));
        let english_only = [team[0].clone()];
        assert!(route(&queue, &english_only, &settings, 60_000).is_empty(), "language still counts");
        let got = route(&queue, &english_only, &settings, 120_000);
        assert_eq!((pairs(&got), got[0].relaxed), (vec![("c1", "en-billing")], Relaxed::SkillAndLanguage));
    }

    #[test]
    fn a_strict_match_is_preferred_even_when_relaxing_is_allowed() {
        let queue = [queued("c1", Some("fr"), Some("returns"), 0)];
        let team = [agent("any", &["fr"], &[], 0), agent("fit", &["fr"], &["returns"], 2)];
        let got = route(&queue, &team, &RoutingSettings::default(), 10 * 60_000);
        assert_eq!((pairs(&got), got[0].relaxed), (vec![("c1", "fit")], Relaxed::Nothing));
    }

    #[test]
    fn thirty_queued_and_four_agents_of_capacity_three_give_twelve_in_priority_order() {
        let team: Vec<Agent> = (0..4).map(|i| agent(&format!("a{i}"), &["en"], &[], 0)).collect();
        let mut queue: Vec<Queued> = (0..30).map(|i| queued(&format!("c{i:02}"), None, None, 1_000 + i)).collect();
        // A few outrank the rest: escalations first, then VIPs, then the upset, then by wait.
        queue[29].priority = Priority { escalated: true, ..Priority::default() };
        queue[20].priority = Priority { vip: true, ..Priority::default() };
        queue[10].priority = Priority { upset: true, ..Priority::default() };
        let got = route(&queue, &team, &RoutingSettings::default(), 2_000);
        assert_eq!(got.len(), 12);
        let mut held = HashMap::new();
        for a in &got {
            *held.entry(a.agent.clone()).or_insert(0) += 1;
        }
        assert!(held.values().all(|&n| n == 3), "{held:?}");
        let conversations: Vec<&str> = got.iter().map(|a| a.conversation.as_str()).collect();
        let mut distinct = conversations.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 12, "no conversation goes to two agents");
        let mut order = queue.clone();
        order.sort_by(Queued::serve_order);
        let first_twelve: Vec<&str> = order[..12].iter().map(|q| q.conversation.as_str()).collect();
        assert_eq!(conversations, first_twelve);
        assert_eq!(&first_twelve[..4], ["c29", "c20", "c10", "c00"]);
    }

    #[test]
    fn language_and_skill_names_match_whatever_their_case() {
        let team = [agent("ana", &["ES"], &["Billing"], 0)];
        let got = route(&[queued("c1", Some("es"), Some("billing"), 0)], &team, &RoutingSettings::default(), 0);
        assert_eq!(pairs(&got), [("c1", "ana")]);
    }

    #[test]
    fn without_a_relax_time_requirements_never_block() {
        let settings = RoutingSettings { relax_after_ms: 0 };
        assert_eq!(relaxed_at(&settings, 5, 5), Relaxed::SkillAndLanguage);
        assert_eq!(relaxed_at(&RoutingSettings::default(), 10, 5), Relaxed::Nothing, "a clock stepping back");
    }
}
