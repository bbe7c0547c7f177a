//! Slowing down one address: at most `max` events (posts, wrong passwords) in a sliding
//! window. In memory, per process.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimit {
    /// Events allowed per window; 0 means no limit.
    max: usize,
    window: Duration,
    events: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl RateLimit {
    pub fn new(max: usize, window: Duration) -> Self {
        RateLimit {
            max,
            window,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` when `address` has used up its events; how long until one frees up.
    pub fn check(&self, address: IpAddr) -> Result<(), Duration> {
        if self.max == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut events = self.lock();
        let Some(times) = events.get_mut(&address) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        match times.front() {
            Some(oldest) if times.len() >= self.max => {
                Err(self.window.saturating_sub(now.duration_since(*oldest)))
            }
            _ => Ok(()),
        }
    }

    /// Counts one event for `address`.
    pub fn record(&self, address: IpAddr) {
        if self.max == 0 {
            return;
        }
        let now = Instant::now();
        let mut events = self.lock();
        if events.len() > 10_000 {
            // Forget addresses whose events have all aged out, so the map stays small.
            events.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        let times = events.entry(address).or_default();
        times.push_back(now);
        if times.len() > self.max {
            times.pop_front();
        }
    }

    /// Forgets `address`'s events (a right password after wrong ones).
    pub fn clear(&self, address: IpAddr) {
        self.lock().remove(&address);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, VecDeque<Instant>>> {
        self.events.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// "N초" / "N분" for a wait, rounded up, in Korean and English.
pub fn describe_wait(wait: Duration) -> (String, String) {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    if seconds < 60 {
        (format!("{seconds}초"), format!("{seconds} s"))
    } else {
        let minutes = seconds.div_ceil(60);
        (format!("{minutes}분"), format!("{minutes} min"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn an_address_is_stopped_after_its_allowance() {
        let limit = RateLimit::new(2, Duration::from_secs(600));
        limit.record(HOME);
        assert!(limit.check(HOME).is_ok());
        limit.record(HOME);
        let wait = limit.check(HOME).unwrap_err();
        assert!(wait > Duration::from_secs(590), "{wait:?}");
        assert!(
            limit.check(OTHER).is_ok(),
            "other addresses are not affected"
        );
    }

    #[test]
    fn events_age_out_of_the_window() {
        let limit = RateLimit::new(1, Duration::ZERO);
        limit.record(HOME);
        assert!(limit.check(HOME).is_ok());
    }

    #[test]
    fn clearing_an_address_restores_its_allowance() {
        let limit = RateLimit::new(1, Duration::from_secs(60));
        limit.record(HOME);
        limit.clear(HOME);
        assert!(limit.check(HOME).is_ok());
    }

    #[test]
    fn zero_means_no_limit() {
        let limit = RateLimit::new(0, Duration::from_secs(60));
        for _ in 0..100 {
            limit.record(HOME);
        }
        assert!(limit.check(HOME).is_ok());
    }

    #[test]
    fn waits_are_told_in_seconds_or_minutes() {
        assert_eq!(describe_wait(Duration::from_millis(1500)).0, "2초");
        assert_eq!(describe_wait(Duration::from_secs(61)).1, "2 min");
    }
}
