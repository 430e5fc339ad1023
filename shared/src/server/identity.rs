//! Verified identity: the host's server signs its signed-in user's id with the site's identity
//! secret (`user_hash = hex(HMAC-SHA256(identity_secret, user_id))`, as Intercom's `user_hash`
//! and Chatwoot's `identifier_hash`), and Baton trusts the visitor's name, email and attributes
//! only when the hash matches. Each site's secret is derived from the deployment's
//! `IDENTITY_SECRET`, so it needs no storage and one rotation renews them all.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The longest user id a host may send.
pub const MAX_USER_ID_BYTES: usize = 128;

fn mac(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("hmac takes any key"));
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The identity secret of `site`, as its owner puts it on their server.
pub fn site_secret(master: &[u8], site: &str) -> String {
    hex(&mac(master, format!("baton identity secret for site {site}").as_bytes()))
}

/// What the host's server computes for `user_id`.
pub fn user_hash(site_secret: &str, user_id: &str) -> String {
    hex(&mac(site_secret.as_bytes(), user_id.as_bytes()))
}

/// Whether `given` is `user_id`'s hash under `site_secret`, compared in constant time (hex in
/// either case).
pub fn verify(site_secret: &str, user_id: &str, given: &str) -> bool {
    let expected = user_hash(site_secret, user_id);
    let given = given.trim().to_ascii_lowercase();
    expected.len() == given.len() && expected.bytes().zip(given.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_s_hash_verifies_and_nothing_else_does() {
        let secret = site_secret(b"master secret of the deployment", "demo");
        assert_eq!(secret.len(), 64);
        assert_ne!(secret, site_secret(b"master secret of the deployment", "other"), "one secret per site");
        let hash = user_hash(&secret, "user-42");
        assert!(verify(&secret, "user-42", &hash));
        assert!(verify(&secret, "user-42", &hash.to_ascii_uppercase()), "hex in either case");
        assert!(!verify(&secret, "user-43", &hash), "another user's hash");
        assert!(!verify(&site_secret(b"master secret of the deployment", "other"), "user-42", &hash), "another site");
        assert!(!verify(&secret, "user-42", ""));
        assert!(!verify(&secret, "user-42", &hash[..63]));
    }

    #[test]
    fn the_hash_is_plain_hmac_sha256_so_any_server_language_can_make_it() {
        // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
        assert_eq!(
            user_hash("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
