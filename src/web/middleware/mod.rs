//! What wraps every request: the visitor cookie, the admin session and CSRF (`visitor`), the
//! page language and localized error pages (`language`), security headers and metrics.

pub(super) mod language;
pub(super) mod metrics;
pub(super) mod security_headers;
pub(super) mod visitor;
