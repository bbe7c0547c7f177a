//! What keeps the board safe: password hashes, random tokens and the store of expiring ones
//! (admin sessions, edit grants), and rate limits per address. The stores and the limits' counts
//! live in the database, shared by every instance; `Safeguards` holds their settings.

pub mod burst_limit;
pub mod client;
pub mod password;
pub mod rate_limit;
pub mod session_seal;
pub mod tokens;

pub use burst_limit::BurstLimit;
pub use client::{ClientKey, GuessTarget, RateKey, TrustedProxies};
pub use password::{hash_password, password_matches, PasswordCost};
pub use rate_limit::RateLimit;
pub use session_seal::SessionSeal;
pub use tokens::{random_token, same_secret, token_digest, ExpiringTokens};

use std::sync::Arc;
use std::time::Duration;

use crate::job_queue::JobQueue;

/// How long an admin stays signed in without signing in again.
pub const ADMIN_SESSION_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);
/// How long a right post password lets its author finish editing.
pub const EDIT_GRANT_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// Password checks that may wait for each one running (`PASSWORD_CHECKS_AT_ONCE`).
pub const PASSWORD_CHECKS_WAITING_PER_RUNNING: usize = 32;
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
    /// The proxies whose `real_ip_header` is believed (addresses or ranges, `10.0.0.0/8`);
    /// required with it: from any other peer the header is ignored.
    pub trusted_proxies: Vec<String>,
    /// Posts one address may create per window; 0 for no limit.
    pub posts_per_window: usize,
    /// Password guesses one client may make at each target (the admin sign-in, each post) per
    /// window; 0 for no limit.
    pub wrong_passwords_per_window: usize,
    /// Label photos read per address per window; 0 means no limit.
    pub photos_per_window: usize,
    /// Pasted lists ranked per client per minute (in each instance's memory); 0: no limit.
    pub pasted_lists_per_minute: usize,
    /// Searches computed per client per minute (kept answers are not counted); 0: no limit.
    pub searches_per_minute: usize,
    /// Password checks (argon2: the admin's fills 19 MiB) run at once; 32 times as many may
    /// wait, and past that a check is told to retry (503).
    pub password_checks_at_once: usize,
    /// How costly a post password's hash is (the admin password's is always the default).
    pub post_password_cost: PasswordCost,
}

impl Default for SafeguardSettings {
    fn default() -> Self {
        SafeguardSettings {
            admin_password: None,
            secure_cookies: false,
            real_ip_header: None,
            trusted_proxies: Vec::new(),
            posts_per_window: 10,
            wrong_passwords_per_window: 10,
            photos_per_window: 30,
            pasted_lists_per_minute: 30,
            searches_per_minute: 300,
            password_checks_at_once: crate::job_queue::cores(),
            post_password_cost: PasswordCost::POSTS,
        }
    }
}

/// The running site's safeguards: who is signed in as admin, who may edit which post, and
/// how often each address may post or guess.
pub struct Safeguards {
    /// argon2id hash of `ADMIN_PASSWORD`; the clear password is not kept.
    admin_password_hash: Option<String>,
    /// Seals admin cookies under a key drawn from `ADMIN_PASSWORD` (`None`: sign-in is off).
    pub session_seal: Option<SessionSeal>,
    pub secure_cookies: bool,
    pub real_ip_header: Option<String>,
    pub trusted_proxies: TrustedProxies,
    pub admin_sessions: ExpiringTokens,
    /// Tokens standing for "typed the right password of post N".
    pub edit_grants: ExpiringTokens,
    pub posting: RateLimit,
    pub wrong_passwords: RateLimit,
    /// Label photos read per address (OCR is the costliest thing a visitor can ask for).
    pub photo_reads: RateLimit,
    pub pasted_lists: BurstLimit,
    pub searches: BurstLimit,
    /// argon2 checks of admin and post passwords, a few at a time.
    pub password_checks: Arc<JobQueue>,
    pub post_password_cost: PasswordCost,
}

impl Safeguards {
    pub fn new(settings: SafeguardSettings) -> Result<Self, String> {
        let (admin_password_hash, session_seal) = match settings.admin_password.as_deref() {
            Some("") | None => (None, None),
            Some(password) => (
                Some(hash_password(password, PasswordCost::default())?),
                Some(SessionSeal::from_password(password)?),
            ),
        };
        let real_ip_header = settings.real_ip_header.filter(|h| !h.trim().is_empty());
        let trusted_proxies = TrustedProxies::parse(&settings.trusted_proxies)?;
        if real_ip_header.is_some() && trusted_proxies.is_empty() {
            return Err(
                "REAL_IP_HEADER needs TRUSTED_PROXIES: the addresses of the proxies \
                        that set it (e.g. 10.0.0.5 or 10.0.0.0/24); from anyone else the \
                        header would let a client pick its own address"
                    .to_string(),
            );
        }
        let checks = settings.password_checks_at_once.max(1);
        Ok(Safeguards {
            admin_password_hash,
            session_seal,
            secure_cookies: settings.secure_cookies,
            real_ip_header,
            trusted_proxies,
            admin_sessions: ExpiringTokens::new("admin_session", ADMIN_SESSION_LIFETIME),
            edit_grants: ExpiringTokens::new("edit_grant", EDIT_GRANT_LIFETIME),
            posting: RateLimit::new("post", settings.posts_per_window, RATE_WINDOW),
            wrong_passwords: RateLimit::new(
                "wrong_password",
                settings.wrong_passwords_per_window,
                RATE_WINDOW,
            ),
            photo_reads: RateLimit::new("photo", settings.photos_per_window, RATE_WINDOW),
            pasted_lists: BurstLimit::new(settings.pasted_lists_per_minute),
            searches: BurstLimit::new(settings.searches_per_minute),
            // Memory and CPU are bounded by the checks running; a waiting one costs a future,
            // so many may wait (a burst of authors), and past them the rest are told to retry.
            password_checks: JobQueue::new(checks, checks * PASSWORD_CHECKS_WAITING_PER_RUNNING),
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
