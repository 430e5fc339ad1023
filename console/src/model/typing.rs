//! When the reply box tells the customer "agent is typing": once on the first keystroke,
//! refreshed while typing continues, off after a pause or when the message is sent.

/// Re-announce "typing" at most this often while keys keep coming.
pub const REFRESH_MS: u64 = 3_000;
/// Quiet time after which "typing" is switched off.
pub const IDLE_MS: u64 = 4_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypingThrottle {
    /// When `typing {on:true}` was last sent; `None` while off.
    announced_at: Option<u64>,
}

impl TypingThrottle {
    /// A keystroke at `now`; true when `typing {on:true}` should go out.
    pub fn keystroke(&mut self, now: u64) -> bool {
        match self.announced_at {
            Some(at) if now.saturating_sub(at) < REFRESH_MS => false,
            _ => {
                self.announced_at = Some(now);
                true
            }
        }
    }

    /// Typing stopped (idle, sent, or left); true when `typing {on:false}` should go out.
    pub fn stop(&mut self) -> bool {
        self.announced_at.take().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announces_once_then_refreshes_then_stops_once() {
        let mut t = TypingThrottle::default();
        assert!(t.keystroke(0));
        assert!(!t.keystroke(1_000));
        assert!(!t.keystroke(2_999));
        assert!(t.keystroke(3_000));
        assert!(t.stop());
        assert!(!t.stop());
        assert!(t.keystroke(3_100));
    }
}
