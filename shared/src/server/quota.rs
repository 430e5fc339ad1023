//! Pure admission control: token buckets for frames on a socket, and fixed windows for
//! logins and conversation starts. Each refusal says how long until the next try can pass.

/// How many frames of one kind a socket may send in a burst, and how fast it may keep sending.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub burst: f64,
    pub per_second: f64,
}

/// Which budget a frame spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Messages, notes, mode changes, ratings, hellos, pings, and bad frames.
    Work,
    /// Typing indicators: a hint whose latest value wins, so the excess is simply not relayed.
    Typing,
}

impl Kind {
    /// One socket's budget.
    pub fn budget(self) -> Budget {
        match self {
            Kind::Work => Budget { burst: 20.0, per_second: 5.0 },
            Kind::Typing => Budget { burst: 10.0, per_second: 4.0 },
        }
    }

    /// One party's budget across all its sockets on a conversation (the customer, or one
    /// agent): a little more than one socket's, so a reconnect or a second tab does not buy a
    /// fresh burst.
    pub fn party_budget(self) -> Budget {
        match self {
            Kind::Work => Budget { burst: 30.0, per_second: 8.0 },
            Kind::Typing => Budget { burst: 15.0, per_second: 6.0 },
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    budget: Budget,
    tokens: f64,
    last_ms: u64,
}

impl Bucket {
    pub fn new(budget: Budget, now_ms: u64) -> Bucket {
        Bucket { budget, tokens: budget.burst, last_ms: now_ms }
    }

    /// Takes one token if there is one; otherwise says in how many milliseconds there will be.
    pub fn take(&mut self, now_ms: u64) -> Result<(), u64> {
        let elapsed = now_ms.saturating_sub(self.last_ms) as f64 / 1000.0;
        self.tokens = (self.tokens + elapsed * self.budget.per_second).min(self.budget.burst);
        self.last_ms = self.last_ms.max(now_ms);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            let missing = 1.0 - self.tokens;
            Err(((missing / self.budget.per_second) * 1000.0).ceil().max(1.0) as u64)
        }
    }
}

/// A count of attempts in a window that opened at `start_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start_ms: u64,
    pub count: u32,
}

/// At most `limit` attempts per `window_ms`, counted from the first attempt of a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowLimit {
    pub limit: u32,
    pub window_ms: u64,
}

impl WindowLimit {
    /// The window still in force at `now_ms`, if any.
    pub fn current(self, window: Option<Window>, now_ms: u64) -> Option<Window> {
        window.filter(|w| now_ms < w.start_ms.saturating_add(self.window_ms))
    }

    /// Whether another attempt may go ahead now; if not, the milliseconds until it may.
    pub fn check(self, window: Option<Window>, now_ms: u64) -> Result<(), u64> {
        match self.current(window, now_ms) {
            Some(w) if w.count >= self.limit => Err((w.start_ms + self.window_ms - now_ms).max(1)),
            _ => Ok(()),
        }
    }

    /// The window after counting one more attempt at `now_ms`.
    pub fn count(self, window: Option<Window>, now_ms: u64) -> Window {
        match self.current(window, now_ms) {
            Some(w) => Window { start_ms: w.start_ms, count: w.count.saturating_add(1) },
            None => Window { start_ms: now_ms, count: 1 },
        }
    }
}

/// Sign-in attempts one network (an IPv4 address, an IPv6 /64) may make, checked in the worker
/// before any object is asked: a stranger cycling through random emails wears out this, not the
/// site object's time.
pub const SIGN_INS_PER_ADDRESS: WindowLimit = WindowLimit { limit: 20, window_ms: 60 * 1000 };

/// The key a client address is counted under: an IPv6 address by its /64 (one subscriber's
/// network hands out the rest for free), anything else whole.
pub fn address_key(address: &str) -> String {
    let address = address.trim();
    if !address.contains(':') {
        return address.to_string();
    }
    // Expand "::" so the first four groups are the /64.
    let (head, tail) = address.split_once("::").unwrap_or((address, ""));
    let head: Vec<&str> = head.split(':').filter(|g| !g.is_empty()).collect();
    let tail: Vec<&str> = tail.split(':').filter(|g| !g.is_empty()).collect();
    let missing = 8usize.saturating_sub(head.len() + tail.len());
    let groups: Vec<String> = head
        .iter()
        .map(|g| g.to_ascii_lowercase())
        .chain(std::iter::repeat_n("0".to_string(), missing))
        .chain(tail.iter().map(|g| g.to_ascii_lowercase()))
        .map(|g| g.trim_start_matches('0').to_string())
        .map(|g| if g.is_empty() { "0".to_string() } else { g })
        .collect();
    format!("{}::/64", groups.iter().take(4).cloned().collect::<Vec<_>>().join(":"))
}

/// What an attempt window is stored under: a SHA-256 of what it counts (`login:{email}`,
/// `start:{network}`), so the site object never keeps the emails and addresses strangers try.
pub fn attempt_key(counted: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(counted.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Failed sign-ins in a row of one account from one network: the first `free` cost nothing,
/// then each next attempt waits twice as long as the one before, up to `max_delay_ms`. Counted
/// per network, so a stranger's guesses slow the stranger down and never lock the agent out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureBackoff {
    pub free: u32,
    pub first_delay_ms: u64,
    pub max_delay_ms: u64,
    /// A run of failures this old is forgotten.
    pub forget_after_ms: u64,
}

impl FailureBackoff {
    /// The wait after `failures` in a row.
    pub fn delay(self, failures: u32) -> u64 {
        if failures < self.free {
            return 0;
        }
        let doublings = (failures - self.free).min(32);
        self.first_delay_ms.saturating_mul(1u64 << doublings).min(self.max_delay_ms)
    }

    /// The run in force at `now_ms` (`start_ms` is the last failure, `count` the run's length).
    pub fn current(self, run: Option<Window>, now_ms: u64) -> Option<Window> {
        run.filter(|r| now_ms < r.start_ms.saturating_add(self.forget_after_ms))
    }

    /// Whether an attempt may go ahead now; if not, the milliseconds until it may.
    pub fn check(self, run: Option<Window>, now_ms: u64) -> Result<(), u64> {
        let Some(run) = self.current(run, now_ms) else { return Ok(()) };
        let ready = run.start_ms.saturating_add(self.delay(run.count));
        if now_ms < ready { Err(ready - now_ms) } else { Ok(()) }
    }

    /// The run after one more failure at `now_ms`.
    pub fn fail(self, run: Option<Window>, now_ms: u64) -> Window {
        let count = self.current(run, now_ms).map_or(0, |r| r.count);
        Window { start_ms: now_ms, count: count.saturating_add(1) }
    }
}

pub const SIGN_IN_FAILURES: FailureBackoff =
    FailureBackoff { free: 5, first_delay_ms: 2_000, max_delay_ms: 15 * 60 * 1000, forget_after_ms: 60 * 60 * 1000 };

pub fn starts_per_minute(limit: u32) -> WindowLimit {
    WindowLimit { limit, window_ms: 60 * 1000 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_spends_its_burst_then_refuses_with_the_wait_for_the_next_token() {
        let mut bucket = Bucket::new(Budget { burst: 3.0, per_second: 2.0 }, 1_000);
        for _ in 0..3 {
            assert_eq!(bucket.take(1_000), Ok(()));
        }
        assert_eq!(bucket.take(1_000), Err(500));
        assert_eq!(bucket.take(1_200), Err(300));
        assert_eq!(bucket.take(1_500), Ok(()));
    }

    #[test]
    fn bucket_never_refills_past_its_burst_or_backwards_in_time() {
        let mut bucket = Bucket::new(Budget { burst: 2.0, per_second: 1.0 }, 0);
        assert_eq!(bucket.take(60_000), Ok(()));
        assert_eq!(bucket.take(60_000), Ok(()));
        assert!(bucket.take(60_000).is_err());
        // A clock that steps back grants nothing.
        assert!(bucket.take(10_000).is_err());
    }

    #[test]
    fn window_refuses_past_its_limit_until_it_ends() {
        let limit = WindowLimit { limit: 2, window_ms: 1_000 };
        let mut window = None;
        for now in [100, 200] {
            assert_eq!(limit.check(window, now), Ok(()));
            window = Some(limit.count(window, now));
        }
        assert_eq!(limit.check(window, 300), Err(800));
        assert_eq!(limit.check(window, 1_099), Err(1));
        assert_eq!(limit.check(window, 1_100), Ok(()));
        assert_eq!(limit.count(window, 1_100), Window { start_ms: 1_100, count: 1 });
    }

    #[test]
    fn failures_in_a_row_wait_longer_and_longer_and_are_forgotten_after_a_while() {
        let rule = FailureBackoff { free: 2, first_delay_ms: 1_000, max_delay_ms: 5_000, forget_after_ms: 60_000 };
        let mut run = None;
        for now in [0, 10] {
            assert_eq!(rule.check(run, now), Ok(()));
            run = Some(rule.fail(run, now));
        }
        // Two free failures, then 1 s, 2 s, 4 s, and never more than 5 s.
        assert_eq!(rule.check(run, 500), Err(510));
        assert_eq!(rule.check(run, 1_010), Ok(()));
        run = Some(rule.fail(run, 1_010));
        assert_eq!(rule.check(run, 1_010), Err(2_000));
        run = Some(rule.fail(run, 3_010));
        assert_eq!(rule.check(run, 3_010), Err(4_000));
        run = Some(rule.fail(run, 7_010));
        assert_eq!(rule.check(run, 7_010), Err(5_000));
        assert_eq!(rule.delay(u32::MAX), 5_000, "no overflow");
        // An hour later the run is gone.
        assert_eq!(rule.check(run, 7_010 + 60_000), Ok(()));
        assert_eq!(rule.fail(run, 7_010 + 60_000).count, 1);
    }

    #[test]
    fn addresses_count_whole_for_ipv4_and_by_slash_64_for_ipv6() {
        assert_eq!(address_key(" 203.0.113.7 "), "203.0.113.7");
        assert_eq!(address_key("2001:db8:85a3:12:1:2:3:4"), "2001:db8:85a3:12::/64");
        assert_eq!(address_key("2001:DB8:85a3:0012::99"), "2001:db8:85a3:12::/64");
        assert_eq!(address_key("2001:db8::1"), "2001:db8:0:0::/64");
        assert_eq!(address_key("::1"), "0:0:0:0::/64");
        assert_eq!(address_key("2001:db8:85a3:12:ffff::1"), address_key("2001:db8:85a3:12::2"), "one /64");
    }

    #[test]
    fn attempt_keys_keep_no_email() {
        let key = attempt_key("login:dana@demo.test");
        assert_eq!(key.len(), 64);
        assert!(!key.contains("dana"));
        assert_eq!(key, attempt_key("login:dana@demo.test"));
        assert_ne!(key, attempt_key("login:sam@demo.test"));
    }
}
