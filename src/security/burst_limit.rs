//! A per-client limit kept in this process's memory, for requests that cost CPU but store
//! nothing (a pasted list ranked, a search computed): a bucket of `per_minute` requests that
//! refills at that rate. Counting them in the database would turn each into a write; kept per
//! instance, N instances allow N times the rate, which still bounds what one client costs
//! each of them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::client::ClientKey;

/// Clients remembered at most; past it, the ones whose bucket is full again are forgotten.
const MOST_CLIENTS: usize = 100_000;

pub struct BurstLimit {
    /// Requests per minute, and the bucket's size; 0 means no limit.
    per_minute: u32,
    buckets: Mutex<HashMap<ClientKey, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl BurstLimit {
    pub fn new(per_minute: usize) -> Self {
        BurstLimit {
            per_minute: u32::try_from(per_minute).unwrap_or(u32::MAX),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request for `client`, or says how long until one is allowed.
    pub fn take(&self, client: ClientKey) -> Result<(), Duration> {
        self.take_at(client, Instant::now())
    }

    fn take_at(&self, client: ClientKey, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let size = f64::from(self.per_minute);
        let per_second = size / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MOST_CLIENTS && !buckets.contains_key(&client) {
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.updated).as_secs_f64() * per_second
                    < size
            });
            // Every remembered client is still mid-burst (many addresses at once, a /48 of
            // IPv6 say): forget them all rather than grow, or scan them all again on every
            // new client's request under the lock.
            if buckets.len() >= MOST_CLIENTS {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: size,
            updated: now,
        });
        let refilled = now.saturating_duration_since(bucket.updated).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refilled).min(size);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(n: u8) -> ClientKey {
        ClientKey::of(std::net::IpAddr::V4(std::net::Ipv4Addr::new(
            203, 0, 113, n,
        )))
    }

    #[test]
    fn a_client_gets_its_burst_then_waits_for_the_refill() {
        let limit = BurstLimit::new(3);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limit.take_at(client(1), start).is_ok());
        }
        let wait = limit.take_at(client(1), start).unwrap_err();
        assert!(
            wait > Duration::from_secs(19) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(
            limit.take_at(client(2), start).is_ok(),
            "others are not affected"
        );
        assert!(limit
            .take_at(client(1), start + Duration::from_secs(20))
            .is_ok());
        assert!(limit
            .take_at(client(1), start + Duration::from_secs(21))
            .is_err());
    }

    #[test]
    fn zero_means_no_limit() {
        let limit = BurstLimit::new(0);
        for _ in 0..1_000 {
            assert!(limit.take(client(1)).is_ok());
        }
    }

    #[test]
    fn many_clients_do_not_grow_the_memory_without_bound() {
        let address = |n: u32| ClientKey::of(std::net::Ipv4Addr::from(0x0a00_0000 + n).into());
        let limit = BurstLimit::new(10);
        let start = Instant::now();
        for n in 0..MOST_CLIENTS as u32 {
            let _ = limit.take_at(address(n), start);
        }
        // An hour later every bucket is full again: the next new client forgets them.
        let later = start + Duration::from_secs(3_600);
        let _ = limit.take_at(client(9), later);
        assert_eq!(limit.buckets.lock().unwrap().len(), 1);

        // All at one instant: no bucket has refilled, so none is forgotten as full; the map
        // still stays within its size, and a new client does not scan it again each time.
        let limit = BurstLimit::new(10);
        for n in 0..(MOST_CLIENTS as u32 + 10) {
            let _ = limit.take_at(address(n), start);
            assert!(limit.buckets.lock().unwrap().len() <= MOST_CLIENTS);
        }
    }
}
