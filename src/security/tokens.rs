//! Random tokens (visitor cookies, admin sessions, edit grants) and the store of the ones
//! that expire. The store keeps only a token's SHA-256 digest, so a copy of the database holds
//! no usable token.

use std::time::Duration;

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::Conn;
use crate::schema::auth_tokens;

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
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    text
}

/// Tokens that stand for a right (a signed-in admin, the right to edit one post) until they
/// expire or are revoked. Kept in the database, by digest, so that every instance serving the
/// site honours a token another issued, and a revocation (signing out) ends it on all at once.
#[derive(Debug, Clone, Copy)]
pub struct ExpiringTokens {
    kind: &'static str,
    lifetime: Duration,
}

impl ExpiringTokens {
    pub const fn new(kind: &'static str, lifetime: Duration) -> Self {
        ExpiringTokens { kind, lifetime }
    }

    /// A new token standing for `post_id` (`None` for an admin session). Expired tokens of
    /// every kind are dropped on the way.
    pub fn issue(&self, conn: &mut Conn, post_id: Option<i32>) -> QueryResult<String> {
        let token = random_token();
        let now = unix_ms();
        diesel::delete(auth_tokens::table.filter(auth_tokens::expires_at_ms.le(now)))
            .execute(conn)?;
        diesel::insert_into(auth_tokens::table)
            .values((
                auth_tokens::digest.eq(token_digest(&token)),
                auth_tokens::kind.eq(self.kind),
                auth_tokens::post_id.eq(post_id),
                auth_tokens::expires_at_ms.eq(now.saturating_add(millis(self.lifetime))),
            ))
            .execute(conn)?;
        Ok(token)
    }

    /// What `token` stands for (`Some(None)`: an admin session), if it was issued and has not
    /// expired or been revoked.
    pub fn get(&self, conn: &mut Conn, token: &str) -> QueryResult<Option<Option<i32>>> {
        if !looks_like_token(token) {
            return Ok(None);
        }
        auth_tokens::table
            .find(token_digest(token))
            .filter(auth_tokens::kind.eq(self.kind))
            .filter(auth_tokens::expires_at_ms.gt(unix_ms()))
            .select(auth_tokens::post_id)
            .first(conn)
            .optional()
    }

    pub fn revoke(&self, conn: &mut Conn, token: &str) -> QueryResult<()> {
        diesel::delete(auth_tokens::table.find(token_digest(token)))
            .execute(conn)
            .map(|_| ())
    }
}

/// Now, in milliseconds since 1970 (UTC): the one clock every instance shares.
pub(crate) fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

pub(crate) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
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

    fn database() -> (tempfile::TempDir, crate::db::DbPool) {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::open(dir.path().join("tokens.db").to_str().unwrap()).unwrap();
        (dir, pool)
    }

    #[test]
    fn an_issued_token_stands_for_its_value_until_revoked() {
        let (_dir, pool) = database();
        let conn = &mut pool.get().unwrap();
        let grants = ExpiringTokens::new("edit_grant", Duration::from_secs(60));
        let sessions = ExpiringTokens::new("admin_session", Duration::from_secs(60));
        let token = grants.issue(conn, None).unwrap();
        assert_eq!(grants.get(conn, &token).unwrap(), Some(None));
        assert_eq!(
            sessions.get(conn, &token).unwrap(),
            None,
            "kinds do not mix"
        );
        assert_eq!(grants.get(conn, &random_token()).unwrap(), None);
        assert_eq!(grants.get(conn, "not a token").unwrap(), None);
        grants.revoke(conn, &token).unwrap();
        assert_eq!(grants.get(conn, &token).unwrap(), None);
    }

    #[test]
    fn an_expired_token_stands_for_nothing_and_is_dropped() {
        use crate::schema::auth_tokens;
        let (_dir, pool) = database();
        let conn = &mut pool.get().unwrap();
        let store = ExpiringTokens::new("admin_session", Duration::ZERO);
        let token = store.issue(conn, None).unwrap();
        assert_eq!(store.get(conn, &token).unwrap(), None);
        store.issue(conn, None).unwrap();
        let kept: i64 = auth_tokens::table.count().get_result(conn).unwrap();
        assert_eq!(kept, 1, "the expired token went when the next was issued");
    }
}
