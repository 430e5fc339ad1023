//! A tiny xorshift generator: the load only needs cheap, independent jitter per socket, and a
//! printed seed makes a run's choices reproducible without another dependency.

#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// `stream` separates generators made from the same seed (one per socket).
    pub fn new(seed: u64, stream: u64) -> Rng {
        // splitmix64 of the inputs, so nearby seeds and streams give unrelated sequences.
        let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in [low, high] (inclusive); `low` when the range is empty.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        if high <= low { low } else { low + self.next_u64() % (high - low + 1) }
    }
}

/// A seed from the clock, for runs that do not name one.
pub fn seed_from_time() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_and_ranges_hold() {
        let (mut a, mut b) = (Rng::new(7, 1), Rng::new(7, 2));
        assert_ne!(a.next_u64(), b.next_u64());
        for _ in 0..1000 {
            let v = a.between(1000, 3000);
            assert!((1000..=3000).contains(&v));
            let u = b.unit();
            assert!((0.0..1.0).contains(&u));
        }
        assert_eq!(a.between(5, 5), 5);
    }
}
