//! Reconnect delays for widget and console: exponential, capped, with jitter so a restarted
//! edge is not hit by every client at the same instant.

const FIRST_MS: f64 = 500.0;
const CAP_MS: f64 = 20_000.0;

/// Delay before reconnect attempt `attempt` (1 for the first retry); `jitter` is uniform in [0, 1).
pub fn reconnect_delay_ms(attempt: u32, jitter: f64) -> u32 {
    let ceiling = (FIRST_MS * 2f64.powi(attempt.saturating_sub(1).min(16) as i32)).min(CAP_MS);
    // Half fixed, half random: never zero, never synchronised.
    (ceiling * (0.5 + 0.5 * jitter.clamp(0.0, 1.0))) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps_and_stays_jittered() {
        assert_eq!(reconnect_delay_ms(1, 0.0), 250);
        assert_eq!(reconnect_delay_ms(1, 1.0), 500);
        assert_eq!(reconnect_delay_ms(3, 1.0), 2_000);
        assert_eq!(reconnect_delay_ms(30, 1.0), 20_000);
        assert_eq!(reconnect_delay_ms(30, 0.0), 10_000);
        assert!(reconnect_delay_ms(0, 0.5) > 0);
    }
}
