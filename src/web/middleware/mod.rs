//! What wraps every request: the visitor cookie, the admin session and CSRF (`visitor`), the
//! page language and localized error pages (`language`), security headers, metrics, and
//! compressing a page made per request once (`compress_once`), closing connections while the
//! instance drains before a stop (`draining`).

pub(super) mod compress_once;
pub(super) mod draining;
pub(super) mod language;
pub(super) mod metrics;
pub(super) mod security_headers;
pub(super) mod visitor;
