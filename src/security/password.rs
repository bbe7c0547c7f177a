//! Password hashing: argon2id with the crate's defaults (19 MiB, 2 passes), the PHC string
//! stored. A password is never stored or logged in clear.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// The PHC string (`$argon2id$v=19$...`) of `password` with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| format!("no random bytes for a salt: {e}"))?;
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| format!("cannot encode a salt: {e}"))?;
    Argon2::default()
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
        let hash = hash_password("비밀번호1234").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("비밀번호1234"));
    }

    #[test]
    fn only_the_same_password_matches() {
        let hash = hash_password("correct horse").unwrap();
        assert!(password_matches("correct horse", &hash));
        assert!(!password_matches("correct horse ", &hash));
        assert!(!password_matches("", &hash));
    }

    #[test]
    fn the_same_password_gets_a_different_salt_each_time() {
        assert_ne!(
            hash_password("same").unwrap(),
            hash_password("same").unwrap()
        );
    }

    #[test]
    fn a_broken_stored_hash_matches_nothing() {
        assert!(!password_matches("x", "not a hash"));
    }
}
