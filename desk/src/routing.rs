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
        let found = allowed.up_to().find_map(|level| best(&team, waiting, level).map(|i| (i, level)));
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

/// The index of the agent `waiting` should go to at this level of relaxation, if any.
fn best(team: &[Agent], waiting: &Queued, level: Relaxed) -> Option<usize> {
    team.iter()
        .enumerate()
        .filter(|(_, a)| a.has_room() && level.admits(a, &waiting.requirements))
        .filter(|(_, a)| !waiting.passed_over_by.contains(&a.id))
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
            passed_over_by: Vec::new(),
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
    fn an_agent_who_passed_a_conversation_over_is_not_given_it_again() {
        let team = [agent("ana", &["en"], &[], 0), agent("bob", &["en"], &[], 1)];
        let mut waiting = queued("c1", None, None, 0);
        waiting.passed_over_by = vec!["ana".into()];
        assert_eq!(pairs(&route(&[waiting.clone()], &team, &RoutingSettings::default(), 0)), [("c1", "bob")]);
        waiting.passed_over_by.push("bob".into());
        assert!(route(&[waiting], &team, &RoutingSettings::default(), 0).is_empty());
    }

    #[test]
    fn without_a_relax_time_requirements_never_block() {
        let settings = RoutingSettings { relax_after_ms: 0 };
        assert_eq!(relaxed_at(&settings, 5, 5), Relaxed::SkillAndLanguage);
        assert_eq!(relaxed_at(&RoutingSettings::default(), 10, 5), Relaxed::Nothing, "a clock stepping back");
    }
}

/// Random teams and queues against the stated rules, checked one decision at a time.
#[cfg(test)]
mod properties {
    use std::collections::HashSet;

    use super::*;
    use crate::queue::Priority;
    use crate::team::Presence;

    /// xorshift64*: a fixed seed gives the same cases on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len() as u64) as usize]
        }
    }

    const LANGUAGES: [&str; 3] = ["en", "es", "de"];
    const SKILLS: [&str; 3] = ["billing", "returns", "technical"];

    fn some_of(rng: &mut Rng, from: &[&str]) -> Vec<String> {
        from.iter().filter(|_| rng.below(2) == 0).map(|s| s.to_string()).collect()
    }

    fn team(rng: &mut Rng) -> Vec<Agent> {
        (0..rng.below(8))
            .map(|i| Agent {
                id: format!("a{i}"),
                presence: [Presence::Online, Presence::Online, Presence::Away, Presence::Offline]
                    [rng.below(4) as usize],
                languages: some_of(rng, &LANGUAGES),
                skills: some_of(rng, &SKILLS),
                capacity: 1 + rng.below(4) as u32,
                held: rng.below(4) as u32,
                last_assigned_at: rng.below(5),
            })
            .collect()
    }

    fn queue(rng: &mut Rng, team: &[Agent]) -> Vec<Queued> {
        (0..rng.below(12))
            .map(|i| Queued {
                conversation: format!("c{i}"),
                requirements: Requirements {
                    language: (rng.below(3) > 0).then(|| rng.pick(&LANGUAGES).to_string()),
                    skill: (rng.below(2) == 0).then(|| rng.pick(&SKILLS).to_string()),
                },
                priority: Priority { escalated: rng.below(4) == 0, vip: rng.below(4) == 0, upset: rng.below(4) == 0 },
                queued_at: rng.below(200_000),
                passed_over_by: team.iter().filter(|_| rng.below(6) == 0).map(|a| a.id.clone()).collect(),
            })
            .collect()
    }

    #[test]
    fn every_assignment_is_capacity_safe_eligible_strictest_and_balanced() {
        let settings = RoutingSettings { relax_after_ms: 60_000 };
        let now = 200_000;
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for case in 0..5_000 {
            let team = team(&mut rng);
            let queue = queue(&mut rng, &team);
            let got = route(&queue, &team, &settings, now);

            let distinct: HashSet<&str> = got.iter().map(|a| a.conversation.as_str()).collect();
            assert_eq!(distinct.len(), got.len(), "case {case}: a conversation went to two agents");

            // Replay the queue in serve order against the team as each decision left it.
            let mut state = team.clone();
            let mut order: Vec<&Queued> = queue.iter().collect();
            order.sort_by(|a, b| Queued::serve_order(a, b));
            let mut decisions = got.iter();
            let mut next = decisions.next();
            for waiting in order {
                let allowed = relaxed_at(&settings, waiting.queued_at, now);
                let candidates = |level: Relaxed| -> Vec<usize> {
                    (0..state.len())
                        .filter(|&i| {
                            let a = &state[i];
                            a.has_room()
                                && level.admits(a, &waiting.requirements)
                                && !waiting.passed_over_by.contains(&a.id)
                        })
                        .collect()
                };
                let strictest = allowed.up_to().find(|&level| !candidates(level).is_empty());
                match next.filter(|a| a.conversation == waiting.conversation) {
                    Some(assignment) => {
                        let level =
                            strictest.unwrap_or_else(|| panic!("case {case}: nobody was eligible for {assignment:?}"));
                        assert_eq!(assignment.relaxed, level, "case {case}: not the strictest match");
                        let pool = candidates(level);
                        let i = state
                            .iter()
                            .position(|a| a.id == assignment.agent)
                            .unwrap_or_else(|| panic!("case {case}"));
                        assert!(pool.contains(&i), "case {case}: {} was not eligible", assignment.agent);
                        let fewest = pool.iter().map(|&j| state[j].held).min().unwrap_or(0);
                        assert_eq!(state[i].held, fewest, "case {case}: not the least loaded");
                        let idlest =
                            pool.iter().filter(|&&j| state[j].held == fewest).map(|&j| state[j].last_assigned_at).min();
                        assert_eq!(Some(state[i].last_assigned_at), idlest, "case {case}: not the longest idle");
                        state[i].held += 1;
                        state[i].last_assigned_at = now;
                        assert!(state[i].held <= state[i].capacity, "case {case}: over capacity");
                        next = decisions.next();
                    }
                    None => assert!(
                        strictest.is_none(),
                        "case {case}: {} stayed queued though someone was eligible",
                        waiting.conversation
                    ),
                }
            }
            assert!(next.is_none(), "case {case}: an assignment out of serve order");
        }
    }
}
