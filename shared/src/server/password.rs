//! Stored password hashes: PBKDF2-HMAC-SHA256 at OWASP's 600,000 iterations.
//!
//! The worker derives hashes with WebCrypto, which runs at native speed but refuses more than
//! 100,000 iterations in one call (workerd's cap) and holds the isolate's thread while it runs.
//! So a hash is PBKDF2 in *steps* of `STEP_ITERATIONS`, each step's output the next step's
//! password, all with the same salt: an attacker has to run every iteration of every step for
//! each guess, exactly as for one call of the total count, while the worker serves other
//! requests between steps of a few milliseconds each.
//!
//! Stored as `pbkdf2-sha256-steps$ITERATIONS$SALT$HASH` (base64url). Hashes from before the
//! steps, `pbkdf2-sha256$ITERATIONS$SALT$HASH`, are one plain call; they still verify, and
//! [`StoredHash::needs_upgrade`] says to store a new hash on the next successful sign-in.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// OWASP's iteration count for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet).
pub const ITERATIONS: u32 = 600_000;
/// Iterations per step: well under workerd's cap, so one step blocks the thread briefly.
pub const STEP_ITERATIONS: u32 = 50_000;
/// The most iterations one WebCrypto call may run in workerd (hashes from before the steps).
pub const WEBCRYPTO_MAX_ITERATIONS: u32 = 100_000;
pub const HASH_BYTES: usize = 32;
pub const SALT_BYTES: usize = 16;
const STEPS_SCHEME: &str = "pbkdf2-sha256-steps";
const PLAIN_SCHEME: &str = "pbkdf2-sha256";
/// Stored counts above this are refused rather than run (a corrupt row must not cost minutes).
const MAX_ITERATIONS: u32 = 10_000_000;

/// A stored hash, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHash {
    /// Each PBKDF2 call's iteration count, in order.
    pub steps: Vec<u32>,
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

impl StoredHash {
    /// A new hash's parameters: `ITERATIONS` in steps, with `salt`; `hash` is filled by the caller.
    pub fn steps_for(iterations: u32) -> Vec<u32> {
        let mut steps = vec![STEP_ITERATIONS; (iterations / STEP_ITERATIONS) as usize];
        if !iterations.is_multiple_of(STEP_ITERATIONS) {
            steps.push(iterations % STEP_ITERATIONS);
        }
        steps
    }

    /// Reads a stored value; anything malformed is `None` and must fail the sign-in.
    pub fn parse(stored: &str) -> Option<StoredHash> {
        let mut parts = stored.split('$');
        let (Some(scheme), Some(iterations), Some(salt), Some(hash), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let iterations = iterations.parse::<u32>().ok().filter(|n| (1..=MAX_ITERATIONS).contains(n))?;
        let steps = match scheme {
            STEPS_SCHEME => Self::steps_for(iterations),
            PLAIN_SCHEME if iterations <= WEBCRYPTO_MAX_ITERATIONS => vec![iterations],
            _ => return None,
        };
        let salt = URL_SAFE_NO_PAD.decode(salt).ok().filter(|s| !s.is_empty())?;
        let hash = URL_SAFE_NO_PAD.decode(hash).ok().filter(|h| h.len() == HASH_BYTES)?;
        Some(StoredHash { steps, salt, hash })
    }

    /// The stored form of a hash made with [`StoredHash::steps_for`]`(iterations)`.
    pub fn encode(iterations: u32, salt: &[u8], hash: &[u8]) -> String {
        format!("{STEPS_SCHEME}${iterations}${}${}", URL_SAFE_NO_PAD.encode(salt), URL_SAFE_NO_PAD.encode(hash))
    }

    /// Made with fewer iterations than today's, or before the steps: replace it when the
    /// password is next known to be right.
    pub fn needs_upgrade(&self) -> bool {
        self.steps.iter().sum::<u32>() < ITERATIONS
    }

    /// Whether `derived` is this hash, compared in constant time.
    pub fn matches(&self, derived: &[u8]) -> bool {
        derived.len() == self.hash.len() && derived.iter().zip(&self.hash).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

/// The same derivation in plain Rust, for tests and tools that have no WebCrypto.
pub fn derive_native(password: &str, salt: &[u8], steps: &[u32]) -> [u8; HASH_BYTES] {
    use hmac::Hmac;
    use sha2::Sha256;
    let mut key = password.as_bytes().to_vec();
    let mut out = [0u8; HASH_BYTES];
    for &iterations in steps {
        pbkdf2::pbkdf2::<Hmac<Sha256>>(&key, salt, iterations, &mut out)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        key = out.to_vec();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn native_hash(password: &str, salt: &[u8], iterations: u32) -> String {
        StoredHash::encode(iterations, salt, &derive_native(password, salt, &StoredHash::steps_for(iterations)))
    }

    fn verify(password: &str, stored: &str) -> bool {
        StoredHash::parse(stored).is_some_and(|s| s.matches(&derive_native(password, &s.salt, &s.steps)))
    }

    #[test]
    fn right_password_verifies_wrong_one_does_not() {
        let stored = native_hash("dana-demo-pass", b"0123456789abcdef", 2_500);
        assert!(stored.starts_with("pbkdf2-sha256-steps$2500$"));
        assert!(!stored.contains("dana-demo-pass"));
        assert!(verify("dana-demo-pass", &stored));
        assert!(!verify("dana-demo-pas", &stored));
        assert!(!verify("", &stored));
    }

    #[test]
    fn the_work_is_split_into_steps_webcrypto_accepts() {
        assert_eq!(StoredHash::steps_for(ITERATIONS), vec![STEP_ITERATIONS; 12]);
        assert_eq!(StoredHash::steps_for(120_000), vec![50_000, 50_000, 20_000]);
        assert!(StoredHash::steps_for(ITERATIONS).iter().all(|&s| s <= WEBCRYPTO_MAX_ITERATIONS));
        // Steps chain: two steps of 1,000 are not one call of 2,000, nor one of 1,000.
        let chained = derive_native("pw", b"salt", &[1_000, 1_000]);
        assert_ne!(chained, derive_native("pw", b"salt", &[2_000]));
        assert_ne!(chained, derive_native("pw", b"salt", &[1_000]));
    }

    #[test]
    fn hashes_from_before_the_steps_still_verify_and_ask_to_be_upgraded() {
        let salt = b"0123456789abcdef";
        let plain = derive_native("old-pass", salt, &[100_000]);
        let stored = format!("pbkdf2-sha256$100000${}${}", URL_SAFE_NO_PAD.encode(salt), URL_SAFE_NO_PAD.encode(plain));
        assert!(verify("old-pass", &stored));
        assert!(StoredHash::parse(&stored).is_some_and(|s| s.needs_upgrade()));
        let today = native_hash("new-pass", salt, ITERATIONS);
        assert!(StoredHash::parse(&today).is_some_and(|s| !s.needs_upgrade()));
        assert!(StoredHash::parse(&native_hash("x", salt, 1_000)).is_some_and(|s| s.needs_upgrade()));
    }

    #[test]
    fn salts_make_hashes_differ() {
        assert_ne!(native_hash("x", b"salt-one", 10), native_hash("x", b"salt-two", 10));
    }

    #[test]
    fn malformed_stored_values_fail_closed() {
        for bad in [
            "",
            "plain",
            "pbkdf2-sha256$x$a$b",
            "pbkdf2-sha256$0$YQ$YQ",
            "md5$1$YQ$YQ",
            "pbkdf2-sha256$1$YQ$YQ$extra",
            // A plain call over WebCrypto's cap was never written, so it is not read either.
            "pbkdf2-sha256$600000$YWFhYWFhYWFhYWFhYWFhYQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pbkdf2-sha256-steps$99999999$YQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(StoredHash::parse(bad).is_none(), "{bad}");
        }
    }
}
