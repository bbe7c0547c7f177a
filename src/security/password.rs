//! Password hashing: argon2id, the PHC string stored (it records its own parameters, so a
//! hash made at any cost verifies after the cost changes). A password is never stored or
//! logged in clear.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// The memory argon2id fills per hash, in KiB, with 2 passes. The default, 19 MiB (19,456 KiB),
/// is OWASP's recommendation and the crate's: about 35 ms of a core. It guards the admin
/// password. Post passwords use `PasswordCost::POSTS` unless `POST_PASSWORD_MEMORY_KIB` says
/// otherwise; BENCHMARKS.md has posts per second at several settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordCost {
    pub memory_kib: u32,
}

impl Default for PasswordCost {
    fn default() -> Self {
        PasswordCost {
            memory_kib: Params::DEFAULT_M_COST,
        }
    }
}

impl PasswordCost {
    /// Post passwords: 1 MiB, about 2 ms of a core, so 2 cores can take over 500 posts a
    /// second (at OWASP's 19 MiB they take about 30). A post password guards one post, online
    /// guesses are rate limited, and offline a short PIN falls at either cost while a real
    /// passphrase holds at either; the admin password, which guards everything, keeps the
    /// default. SECURITY.md states the trade.
    pub const POSTS: PasswordCost = PasswordCost { memory_kib: 1_024 };

    /// The smallest memory argon2 accepts with one lane.
    pub const MIN_MEMORY_KIB: u32 = Params::MIN_M_COST;

    fn hasher(self) -> Result<Argon2<'static>, String> {
        let params = Params::new(self.memory_kib, Params::DEFAULT_T_COST, 1, None)
            .map_err(|e| format!("argon2 parameters: {e}"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// The PHC string (`$argon2id$v=19$...`) of `password` with a fresh salt, at `cost`.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, String> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| format!("no random bytes for a salt: {e}"))?;
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| format!("cannot encode a salt: {e}"))?;
    cost.hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| format!("cannot hash a password: {e}"))
}

/// Whether `password` matches the stored PHC string; an unreadable hash matches nothing.
pub fn password_matches(password: &str, stored_hash: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(e) => {
            log::error!("a stored password hash cannot be read: {e}");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_and_does_not_hold_the_password() {
        let hash = hash_password("비밀번호1234", PasswordCost::default()).unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("비밀번호1234"));
    }

    #[test]
    fn only_the_same_password_matches() {
        let hash = hash_password("correct horse", PasswordCost::default()).unwrap();
        assert!(password_matches("correct horse", &hash));
        assert!(!password_matches("correct horse ", &hash));
        assert!(!password_matches("", &hash));
    }

    #[test]
    fn the_same_password_gets_a_different_salt_each_time() {
        assert_ne!(
            hash_password("same", PasswordCost::default()).unwrap(),
            hash_password("same", PasswordCost::default()).unwrap()
        );
    }

    #[test]
    fn a_hash_at_a_lower_cost_records_it_and_still_verifies() {
        let cheap = PasswordCost { memory_kib: 2_048 };
        let hash = hash_password("correct horse", cheap).unwrap();
        assert!(hash.contains("m=2048,t=2,p=1"), "{hash}");
        assert!(password_matches("correct horse", &hash));
        assert!(!password_matches("wrong horse", &hash));
        let default = hash_password("x", PasswordCost::default()).unwrap();
        assert!(default.contains("m=19456,t=2,p=1"), "{default}");
        let post = hash_password("x", PasswordCost::POSTS).unwrap();
        assert!(post.contains("m=1024,t=2,p=1"), "{post}");
    }

    #[test]
    fn a_broken_stored_hash_matches_nothing() {
        assert!(!password_matches("x", "not a hash"));
    }
}
