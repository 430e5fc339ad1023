//! Password hashing with PBKDF2-HMAC-SHA256. Stored as `pbkdf2-sha256$ITERATIONS$SALT$HASH`
//! (base64url), so the cost can be raised later without breaking stored hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Hmac;
use sha2::Sha256;

/// OWASP's 2023 floor for PBKDF2-SHA256 is higher, but each login runs inside a
/// Durable Object's CPU budget; this keeps a login near 100 ms there.
pub const ITERATIONS: u32 = 100_000;
const HASH_BYTES: usize = 32;
const SCHEME: &str = "pbkdf2-sha256";

fn derive(password: &str, salt: &[u8], iterations: u32) -> [u8; HASH_BYTES] {
    let mut out = [0u8; HASH_BYTES];
    pbkdf2::pbkdf2::<Hmac<Sha256>>(password.as_bytes(), salt, iterations, &mut out)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    out
}

pub fn hash_password(password: &str, salt: &[u8]) -> String {
    hash_with_iterations(password, salt, ITERATIONS)
}

fn hash_with_iterations(password: &str, salt: &[u8], iterations: u32) -> String {
    let hash = derive(password, salt, iterations);
    format!("{SCHEME}${iterations}${}${}", URL_SAFE_NO_PAD.encode(salt), URL_SAFE_NO_PAD.encode(hash))
}

/// Constant-time comparison; any malformed stored value simply fails.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some(SCHEME), Some(iterations), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(iterations), Ok(salt), Ok(expected)) =
        (iterations.parse::<u32>(), URL_SAFE_NO_PAD.decode(salt), URL_SAFE_NO_PAD.decode(hash))
    else {
        return false;
    };
    if iterations == 0 || iterations > 10_000_000 || expected.len() != HASH_BYTES {
        return false;
    }
    let actual = derive(password, &salt, iterations);
    actual.iter().zip(&expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_password_verifies_wrong_one_does_not() {
        let stored = hash_with_iterations("dana-demo-pass", b"0123456789abcdef", 1_000);
        assert!(stored.starts_with("pbkdf2-sha256$1000$"));
        assert!(!stored.contains("dana-demo-pass"));
        assert!(verify_password("dana-demo-pass", &stored));
        assert!(!verify_password("dana-demo-pas", &stored));
        assert!(!verify_password("", &stored));
    }

    #[test]
    fn salts_make_hashes_differ() {
        assert_ne!(hash_with_iterations("x", b"salt-one", 10), hash_with_iterations("x", b"salt-two", 10));
    }

    #[test]
    fn malformed_stored_values_fail_closed() {
        for bad in
            ["", "plain", "pbkdf2-sha256$x$a$b", "pbkdf2-sha256$0$YQ$YQ", "md5$1$YQ$YQ", "pbkdf2-sha256$1$YQ$YQ$extra"]
        {
            assert!(!verify_password("x", bad), "{bad}");
        }
    }
}
