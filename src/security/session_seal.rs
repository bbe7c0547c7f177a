//! The admin cookie's seal: `TOKEN.TAG`, where the tag is an HMAC-SHA256 of the session token
//! under a key drawn from `ADMIN_PASSWORD` (argon2id with a fixed salt, so every instance
//! given the same password draws the same key). A cookie whose tag does not verify is no
//! admin's, told without a database query, so a made-up cookie costs what an anonymous visit
//! costs; and when `ADMIN_PASSWORD` changes, every session sealed under the old key ends.

use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::tokens::{hex, looks_like_token};

/// What the key is drawn for; a different use of the same password draws a different key.
const KEY_SALT: &[u8] = b"seongbun admin session seal v1";

pub struct SessionSeal {
    key: [u8; 32],
}

impl SessionSeal {
    /// The seal of sessions signed in with `admin_password`. As costly as the password's hash
    /// (OWASP's argon2id): a stolen cookie is no shortcut to guessing the password.
    pub fn from_password(admin_password: &str) -> Result<Self, String> {
        let params = Params::new(Params::DEFAULT_M_COST, Params::DEFAULT_T_COST, 1, Some(32))
            .map_err(|e| format!("argon2 parameters: {e}"))?;
        let mut key = [0u8; 32];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(admin_password.as_bytes(), KEY_SALT, &mut key)
            .map_err(|e| format!("cannot draw the session key: {e}"))?;
        Ok(SessionSeal { key })
    }

    fn tag(&self, token: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(token.as_bytes());
        mac
    }

    /// The cookie value for session `token`.
    pub fn seal(&self, token: &str) -> String {
        format!("{token}.{}", hex(&self.tag(token).finalize().into_bytes()))
    }

    /// The session token inside a cookie value this seal made, or `None` for anything else.
    /// The tag is compared in constant time.
    pub fn open<'a>(&self, cookie: &'a str) -> Option<&'a str> {
        let (token, tag) = cookie.split_once('.')?;
        if !looks_like_token(token) || !looks_like_token(tag) {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&tag[2 * i..2 * i + 2], 16).ok()?;
        }
        self.tag(token).verify_slice(&bytes).ok().map(|()| token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security::random_token;

    #[test]
    fn a_sealed_token_opens_and_anything_else_does_not() {
        let seal = SessionSeal::from_password("admin-1").unwrap();
        let token = random_token();
        let cookie = seal.seal(&token);
        assert_eq!(seal.open(&cookie), Some(token.as_str()));
        assert_eq!(seal.open(&token), None, "a bare token");
        let other = random_token();
        let forged = format!("{other}.{}", &cookie[65..]);
        assert_eq!(seal.open(&forged), None, "another token under this tag");
        assert_eq!(seal.open(&format!("{token}.{}", "0".repeat(64))), None);
        assert_eq!(seal.open("x.y"), None);
        assert_eq!(seal.open(""), None);
    }

    #[test]
    fn the_same_password_seals_alike_and_a_new_one_ends_old_cookies() {
        let token = random_token();
        let first = SessionSeal::from_password("admin-1").unwrap();
        let again = SessionSeal::from_password("admin-1").unwrap();
        assert_eq!(
            again.open(&first.seal(&token)),
            Some(token.as_str()),
            "every instance"
        );
        let changed = SessionSeal::from_password("admin-2").unwrap();
        assert_eq!(changed.open(&first.seal(&token)), None);
    }
}
