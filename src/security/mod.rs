//! What keeps the board safe: password hashes, random tokens and the store of expiring ones
//! (admin sessions, edit grants), and rate limits per address. The stores and the limits' counts
//! live in the database, shared by every instance; `Safeguards` holds their settings.

pub mod password;
pub mod rate_limit;
pub mod tokens;

pub use password::{hash_password, password_matches, PasswordCost};
pub use rate_limit::RateLimit;
pub use tokens::{random_token, same_secret, token_digest, ExpiringTokens};

use std::time::Duration;

/// How long an admin stays signed in without signing in again.
pub const ADMIN_SESSION_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);
/// How long a right post password lets its author finish editing.
pub const EDIT_GRANT_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// The window rate limits count in.
pub const RATE_WINDOW: Duration = Duration::from_secs(10 * 60);

/// The settings the safeguards are built from (see `config::ServeArgs`).
#[derive(Debug, Clone)]
pub struct SafeguardSettings {
    /// `None` disables admin sign-in.
    pub admin_password: Option<String>,
    /// Mark cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// The header a trusted proxy in front puts the client's address in (`X-Real-IP`); `None`:
    /// the connection's own address (the default, as anyone can send such a header).
    pub real_ip_header: Option<String>,
    /// Posts one address may create per window; 0 for no limit.
    pub posts_per_window: usize,
    /// Wrong passwords (post or admin) one address may try per window; 0 for no limit.
    pub wrong_passwords_per_window: usize,
    /// Label photos read per address per window; 0 means no limit.
    pub photos_per_window: usize,
    /// How costly a post password's hash is (the admin password's is always the default).
    pub post_password_cost: PasswordCost,
}

impl Default for SafeguardSettings {
    fn default() -> Self {
        SafeguardSettings {
            admin_password: None,
            secure_cookies: false,
            real_ip_header: None,
            posts_per_window: 10,
            wrong_passwords_per_window: 10,
            photos_per_window: 30,
            post_password_cost: PasswordCost::POSTS,
        }
    }
}

/// The running site's safeguards: who is signed in as admin, who may edit which post, and
/// how often each address may post or guess.
pub struct Safeguards {
    /// argon2id hash of `ADMIN_PASSWORD`; the clear password is not kept.
    admin_password_hash: Option<String>,
    pub secure_cookies: bool,
    pub real_ip_header: Option<String>,
    pub admin_sessions: ExpiringTokens,
    /// Tokens standing for "typed the right password of post N".
    pub edit_grants: ExpiringTokens,
    pub posting: RateLimit,
    pub wrong_passwords: RateLimit,
    /// Label photos read per address (OCR is the costliest thing a visitor can ask for).
    pub photo_reads: RateLimit,
    pub post_password_cost: PasswordCost,
}

impl Safeguards {
    pub fn new(settings: SafeguardSettings) -> Result<Self, String> {
        let admin_password_hash = match settings.admin_password.as_deref() {
            Some("") | None => None,
            Some(password) => Some(hash_password(password, PasswordCost::default())?),
        };
        Ok(Safeguards {
            admin_password_hash,
            secure_cookies: settings.secure_cookies,
            real_ip_header: settings.real_ip_header.filter(|h| !h.trim().is_empty()),
            admin_sessions: ExpiringTokens::new("admin_session", ADMIN_SESSION_LIFETIME),
            edit_grants: ExpiringTokens::new("edit_grant", EDIT_GRANT_LIFETIME),
            posting: RateLimit::new("post", settings.posts_per_window, RATE_WINDOW),
            wrong_passwords: RateLimit::new(
                "wrong_password",
                settings.wrong_passwords_per_window,
                RATE_WINDOW,
            ),
            photo_reads: RateLimit::new("photo", settings.photos_per_window, RATE_WINDOW),
            post_password_cost: settings.post_password_cost,
        })
    }

    pub fn admin_enabled(&self) -> bool {
        self.admin_password_hash.is_some()
    }

    /// Whether `password` is the admin password (always false when sign-in is disabled).
    pub fn is_admin_password(&self, password: &str) -> bool {
        self.admin_password_hash
            .as_deref()
            .is_some_and(|hash| password_matches(password, hash))
    }
}
