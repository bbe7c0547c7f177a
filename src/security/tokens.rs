//! Random tokens (visitor cookies, admin sessions, edit grants) and the store of the ones
//! that expire. A store keeps only a token's SHA-256 digest, so a memory dump holds no usable
//! token.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// 32 random bytes from the operating system, as 64 hex digits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    hex(&bytes)
}

/// Whether `text` could be a token made by `random_token` (before trusting a cookie).
pub fn looks_like_token(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The SHA-256 of a token, as hex: what is stored instead of the token.
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// Lower-case hex. Written out: a visitor's first request makes a token, and a `format!` a
/// byte was a visible share of serving a kept page.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    text
}

/// Tokens that stand for a value (a signed-in admin, a right to edit one post) until they
/// expire or are revoked. In memory: a restart signs everyone out, which is the safe side.
pub struct ExpiringTokens<V> {
    lifetime: Duration,
    entries: Mutex<HashMap<String, (V, Instant)>>,
}

impl<V: Clone> ExpiringTokens<V> {
    pub fn new(lifetime: Duration) -> Self {
        ExpiringTokens {
            lifetime,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// A new token standing for `value`.
    pub fn issue(&self, value: V) -> String {
        let token = random_token();
        let now = Instant::now();
        let mut entries = self.lock();
        entries.retain(|_, (_, expires)| *expires > now);
        entries.insert(token_digest(&token), (value, now + self.lifetime));
        token
    }

    /// What `token` stands for, if it was issued here and has not expired or been revoked.
    pub fn get(&self, token: &str) -> Option<V> {
        if !looks_like_token(token) {
            return None;
        }
        let digest = token_digest(token);
        let mut entries = self.lock();
        match entries.get(&digest) {
            Some((value, expires)) if *expires > Instant::now() => Some(value.clone()),
            Some(_) => {
                entries.remove(&digest);
                None
            }
            None => None,
        }
    }

    pub fn revoke(&self, token: &str) {
        self.lock().remove(&token_digest(token));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (V, Instant)>> {
        // A panic while holding the lock cannot leave the map half-changed, so keep using it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_recognisable() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert!(looks_like_token(&a));
        assert!(!looks_like_token("abc"));
        assert!(!looks_like_token(&"z".repeat(64)));
    }

    #[test]
    fn digests_are_lower_case_hex_as_stored_before() {
        // The SHA-256 test vector: viewer keys already in databases must stay the same.
        assert_eq!(
            token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }

    #[test]
    fn secrets_compare_equal_only_when_identical() {
        assert!(same_secret("abcd", "abcd"));
        assert!(!same_secret("abcd", "abce"));
        assert!(!same_secret("abcd", "abc"));
    }

    #[test]
    fn an_issued_token_stands_for_its_value_until_revoked() {
        let store = ExpiringTokens::new(Duration::from_secs(60));
        let token = store.issue(7);
        assert_eq!(store.get(&token), Some(7));
        assert_eq!(store.get(&random_token()), None);
        store.revoke(&token);
        assert_eq!(store.get(&token), None);
    }

    #[test]
    fn an_expired_token_stands_for_nothing() {
        let store = ExpiringTokens::new(Duration::ZERO);
        let token = store.issue(());
        assert_eq!(store.get(&token), None);
    }
}
