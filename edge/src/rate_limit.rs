//! Token buckets per socket, so one client cannot flood a conversation.

/// How many frames of one kind a socket may send in a burst, and how fast it may keep sending.
#[derive(Debug, Clone, Copy)]
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
    pub fn budget(self) -> Budget {
        match self {
            Kind::Work => Budget { burst: 20.0, per_second: 5.0 },
            Kind::Typing => Budget { burst: 10.0, per_second: 4.0 },
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

    /// Takes one token if there is one.
    pub fn take(&mut self, now_ms: u64) -> bool {
        let elapsed = now_ms.saturating_sub(self.last_ms) as f64 / 1000.0;
        self.tokens = (self.tokens + elapsed * self.budget.per_second).min(self.budget.burst);
        self.last_ms = now_ms;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}
