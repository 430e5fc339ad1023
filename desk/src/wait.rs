//! What a queued customer is told about their wait: their place in the queue's serve order and
//! an estimate from the site's recent waits for the same requirement.
//!
//! The estimate is deliberately simple: the median of the last [`SAMPLES`] waits (queued until
//! a person joined) of conversations that needed the same skill, in the last day, times the
//! customer's position. With fewer than [`MIN_SAMPLES`] such waits there is no estimate, and the
//! customer reads "a few minutes" rather than a precise number nobody can stand behind.

use crate::queue::Queued;

/// How many recent waits the median is taken over.
pub const SAMPLES: usize = 20;
/// Fewer recent waits than this give no estimate.
pub const MIN_SAMPLES: usize = 3;
/// Waits older than this say little about now.
pub const WINDOW_MS: u64 = 24 * 3_600_000;

/// One finished wait: what the conversation needed and how long it waited for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    pub skill: Option<String>,
    pub waited_ms: u64,
    /// When the person joined (epoch ms).
    pub at: u64,
}

/// A queued conversation's place: 1 is next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub position: u32,
    pub estimate_s: Option<u32>,
}

/// Every queued conversation's place, in serve order.
pub fn places(queue: &[Queued], waits: &[Wait], now: u64) -> Vec<(String, Place)> {
    let mut ordered: Vec<&Queued> = queue.iter().collect();
    ordered.sort_by(|a, b| Queued::serve_order(a, b));
    ordered
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            let position = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let estimate_s = estimate(position, q.requirements.skill.as_deref(), waits, now);
            (q.conversation.clone(), Place { position, estimate_s })
        })
        .collect()
}

/// The median recent wait for `skill` times `position`, in whole seconds; `None` without enough
/// recent history.
pub fn estimate(position: u32, skill: Option<&str>, waits: &[Wait], now: u64) -> Option<u32> {
    let mut recent: Vec<&Wait> =
        waits.iter().filter(|w| w.skill.as_deref() == skill && now.saturating_sub(w.at) <= WINDOW_MS).collect();
    recent.sort_by_key(|w| std::cmp::Reverse(w.at));
    recent.truncate(SAMPLES);
    if recent.len() < MIN_SAMPLES {
        return None;
    }
    let mut ms: Vec<u64> = recent.iter().map(|w| w.waited_ms).collect();
    ms.sort_unstable();
    let median = ms[ms.len() / 2];
    u32::try_from(median.saturating_mul(u64::from(position)) / 1000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queue::{Priority, Requirements};

    fn queued(id: &str, at: u64, escalated: bool, skill: Option<&str>) -> Queued {
        Queued {
            conversation: id.into(),
            requirements: Requirements { language: None, skill: skill.map(str::to_string) },
            priority: Priority { escalated, ..Priority::default() },
            queued_at: at,
            passed_over_by: Vec::new(),
        }
    }

    fn wait(skill: Option<&str>, waited_ms: u64, at: u64) -> Wait {
        Wait { skill: skill.map(str::to_string), waited_ms, at }
    }

    #[test]
    fn places_follow_the_serve_order() {
        let queue =
            [queued("late", 30, false, None), queued("early", 10, false, None), queued("urgent", 40, true, None)];
        let got: Vec<(String, u32)> = places(&queue, &[], 100).into_iter().map(|(id, p)| (id, p.position)).collect();
        assert_eq!(got, [("urgent".to_string(), 1), ("early".into(), 2), ("late".into(), 3)]);
    }

    #[test]
    fn the_estimate_is_the_median_recent_wait_of_the_same_skill_times_the_position() {
        let now = 10 * WINDOW_MS;
        let waits = [
            wait(None, 60_000, now - 1),
            wait(None, 120_000, now - 2),
            wait(None, 600_000, now - 3),
            wait(Some("billing"), 1_000, now - 4),
            wait(None, 1_000, now - WINDOW_MS - 1),
        ];
        assert_eq!(estimate(1, None, &waits, now), Some(120), "median of the three recent general waits");
        assert_eq!(estimate(3, None, &waits, now), Some(360));
        assert_eq!(estimate(1, Some("billing"), &waits, now), None, "one billing wait is too little history");
        assert_eq!(estimate(1, None, &waits[..2], now), None);
    }
}
