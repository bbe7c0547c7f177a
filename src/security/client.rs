//! Who a limit counts: the client's address as the connection shows it, or as a trusted
//! proxy's header names it (`TRUSTED_PROXIES`), with IPv6 clients counted by their /64 (one
//! home or phone network is given a whole /64 and can pick any address in it); and, for
//! password guesses, what is being guessed at.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// An address range: `203.0.113.0/24`, `2001:db8::/32`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNetwork {
    base: IpAddr,
    prefix: u8,
}

impl IpNetwork {
    /// `ADDRESS` or `ADDRESS/PREFIX`; the error names what could not be read.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let refused = || format!("{text:?} is not an address or a range like 10.0.0.0/8");
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let base: IpAddr = address.parse().map_err(|_| refused())?;
        let most = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => most,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= most)
                .ok_or_else(refused)?,
        };
        Ok(IpNetwork { base, prefix })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.base, canonical(address)) {
            (IpAddr::V4(base), IpAddr::V4(a)) => same_prefix(
                u128::from(u32::from(base)),
                u128::from(u32::from(a)),
                32,
                self.prefix,
            ),
            (IpAddr::V6(base), IpAddr::V6(a)) => {
                same_prefix(u128::from(base), u128::from(a), 128, self.prefix)
            }
            _ => false,
        }
    }
}

fn same_prefix(a: u128, b: u128, bits: u8, prefix: u8) -> bool {
    let shift = u32::from(bits - prefix);
    a.checked_shr(shift).unwrap_or(0) == b.checked_shr(shift).unwrap_or(0)
}

/// An IPv4 client seen through an IPv6 socket (`::ffff:203.0.113.7`) is that IPv4 client.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// The ranges whose connections may name the client in the real-IP header.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNetwork>);

impl TrustedProxies {
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        entries
            .iter()
            .flat_map(|e| e.split(','))
            .filter(|e| !e.trim().is_empty())
            .map(|e| IpNetwork::parse(e).map_err(|why| format!("TRUSTED_PROXIES: {why}")))
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn trusts(&self, peer: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(peer))
    }
}

/// One client as limits count it: an IPv4 address, or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    pub fn of(address: IpAddr) -> Self {
        ClientKey(match canonical(address) {
            IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
            v4 => v4,
        })
    }
}

impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
            v4 => write!(f, "{v4}"),
        }
    }
}

/// What a password guess is aimed at: each has its own count of wrong guesses per client, so
/// that a right password for one (an author's own post) resets nothing of another (the
/// admin sign-in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuessTarget {
    AdminSignIn,
    Post(i32),
}

/// The key a rate limit's events are stored under: the client, and what it guessed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateKey(String);

impl RateKey {
    pub fn client(client: ClientKey) -> Self {
        RateKey(client.to_string())
    }

    pub fn guessing(client: ClientKey, target: GuessTarget) -> Self {
        RateKey(match target {
            GuessTarget::AdminSignIn => format!("{client} admin"),
            GuessTarget::Post(id) => format!("{client} post:{id}"),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_hold_their_addresses_only() {
        let lan = IpNetwork::parse("10.1.0.0/16").unwrap();
        assert!(lan.contains(ip("10.1.200.3")));
        assert!(!lan.contains(ip("10.2.0.1")));
        assert!(
            lan.contains(ip("::ffff:10.1.0.9")),
            "IPv4 through an IPv6 socket"
        );
        let one = IpNetwork::parse("127.0.0.1").unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let all = IpNetwork::parse("0.0.0.0/0").unwrap();
        assert!(all.contains(ip("203.0.113.1")) && !all.contains(ip("::1")));
        let v6 = IpNetwork::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")) && !v6.contains(ip("2001:db9::1")));
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "proxy",
            "10.0.0.0/x",
            "1.2.3/8",
        ] {
            assert!(IpNetwork::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_bit_prefix() {
        let a = ClientKey::of(ip("2001:db8:1:2::1"));
        let b = ClientKey::of(ip("2001:db8:1:2:ffff:ffff:ffff:fffe"));
        assert_eq!(a, b);
        assert_ne!(a, ClientKey::of(ip("2001:db8:1:3::1")));
        assert_eq!(a.to_string(), "2001:db8:1:2::/64");
        assert_eq!(
            ClientKey::of(ip("::ffff:203.0.113.7")).to_string(),
            "203.0.113.7"
        );
        assert_eq!(ClientKey::of(ip("203.0.113.7")).to_string(), "203.0.113.7");
    }

    #[test]
    fn each_guess_target_has_its_own_key() {
        let client = ClientKey::of(ip("203.0.113.7"));
        let keys = [
            RateKey::client(client),
            RateKey::guessing(client, GuessTarget::AdminSignIn),
            RateKey::guessing(client, GuessTarget::Post(1)),
            RateKey::guessing(client, GuessTarget::Post(2)),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
