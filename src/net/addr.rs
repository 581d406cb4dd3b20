//! Which addresses a link check may connect to, and a DNS resolver that
//! enforces it on the addresses a name actually resolves to.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// What may be connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddressPolicy {
    /// `--allow-private`: everything.
    pub allow_private: bool,
    /// Loopback only (tests and benchmarks against a local server).
    pub allow_loopback: bool,
}

impl AddressPolicy {
    /// Why `ip` may not be connected to, if it may not.
    pub fn refuses(&self, ip: IpAddr) -> Option<&'static str> {
        if self.allow_private {
            return None;
        }
        let reason = blocked(ip)?;
        if self.allow_loopback && reason == "loopback address" {
            return None;
        }
        Some(reason)
    }
}

/// Why an address is not a public unicast address, if it is not:
/// loopback, private, link-local (cloud metadata endpoints), multicast,
/// unspecified, broadcast, shared (CGNAT) or documentation-reserved ranges.
pub fn blocked(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => blocked_v4(v4),
        IpAddr::V6(v6) => {
            // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address.
            if let Some(v4) = v6.to_ipv4_mapped() {
                return blocked_v4(v4);
            }
            let s = v6.segments();
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                let v4 =
                    Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
                return blocked_v4(v4);
            }
            if v6.is_loopback() {
                Some("loopback address")
            } else if v6.is_unspecified() {
                Some("unspecified address")
            } else if v6.is_multicast() {
                Some("multicast address")
            } else if (s[0] & 0xfe00) == 0xfc00 {
                Some("private address (unique local)")
            } else if (s[0] & 0xffc0) == 0xfe80 || (s[0] & 0xffc0) == 0xfec0 {
                Some("link-local address")
            } else if s[0] == 0 && s[1..6] == [0, 0, 0, 0, 0] {
                // IPv4-compatible (::a.b.c.d, deprecated).
                let v4 =
                    Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
                blocked_v4(v4).or(Some("reserved address"))
            } else {
                None
            }
        }
    }
}

fn blocked_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if ip.is_loopback() {
        Some("loopback address")
    } else if ip.is_private() {
        Some("private address")
    } else if ip.is_link_local() {
        Some("link-local address")
    } else if ip.is_multicast() {
        Some("multicast address")
    } else if ip.is_broadcast() {
        Some("broadcast address")
    } else if ip.is_unspecified() || o[0] == 0 {
        Some("unspecified address")
    } else if o[0] == 100 && (o[1] & 0xc0) == 64 {
        Some("shared address (carrier-grade NAT)")
    } else if o[0] >= 240 {
        Some("reserved address")
    } else {
        None
    }
}

/// The error a blocked name resolves to (found again in reqwest's error
/// chain to report "not checked").
#[derive(Debug)]
pub struct Blocked(pub String);

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Blocked {}

/// Resolves names with the system resolver (or fixed test overrides) and
/// keeps only addresses the policy allows; a name left without any is an
/// error. reqwest connects only to what this returns, so the decision is
/// made on the very addresses connected to.
#[derive(Debug, Clone)]
pub struct FilteringResolver {
    pub policy: AddressPolicy,
    /// Name → addresses, instead of DNS (tests and benchmarks). Still filtered.
    pub overrides: Arc<HashMap<String, Vec<IpAddr>>>,
}

impl FilteringResolver {
    /// The allowed addresses of `host`, or why there are none.
    pub async fn lookup(
        &self,
        host: &str,
    ) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let found: Vec<SocketAddr> = match self.overrides.get(&host) {
            Some(ips) => ips.iter().map(|ip| SocketAddr::new(*ip, 0)).collect(),
            None => tokio::net::lookup_host((host.as_str(), 0)).await?.collect(),
        };
        let mut refused = None;
        let allowed: Vec<SocketAddr> = found
            .into_iter()
            .filter(|a| match self.policy.refuses(a.ip()) {
                Some(why) => {
                    refused.get_or_insert((why, a.ip()));
                    false
                }
                None => true,
            })
            .collect();
        match (allowed.is_empty(), refused) {
            (true, Some((why, ip))) => Err(Box::new(Blocked(format!(
                "{host} resolves to a {why} ({ip})"
            )))),
            (true, None) => Err(format!("{host} has no addresses").into()),
            _ => Ok(allowed),
        }
    }
}

impl Resolve for FilteringResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = this.lookup(&host).await?;
            let it: Addrs = Box::new(addrs.into_iter());
            Ok(it)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(s: &str) -> Option<&'static str> {
        blocked(s.parse().unwrap())
    }

    #[test]
    fn ranges() {
        for (ip, want) in [
            ("127.0.0.1", Some("loopback address")),
            ("127.255.0.9", Some("loopback address")),
            ("10.1.2.3", Some("private address")),
            ("172.16.0.1", Some("private address")),
            ("172.31.255.255", Some("private address")),
            ("172.32.0.1", None),
            ("192.168.1.1", Some("private address")),
            ("169.254.169.254", Some("link-local address")),
            ("224.0.0.1", Some("multicast address")),
            ("255.255.255.255", Some("broadcast address")),
            ("0.0.0.0", Some("unspecified address")),
            ("100.64.0.1", Some("shared address (carrier-grade NAT)")),
            ("93.184.215.14", None),
            ("8.8.8.8", None),
            ("::1", Some("loopback address")),
            ("::", Some("unspecified address")),
            ("fc00::1", Some("private address (unique local)")),
            ("fd12:3456::1", Some("private address (unique local)")),
            ("fe80::1", Some("link-local address")),
            ("ff02::1", Some("multicast address")),
            ("::ffff:127.0.0.1", Some("loopback address")),
            ("::ffff:169.254.169.254", Some("link-local address")),
            ("64:ff9b::a9fe:a9fe", Some("link-local address")),
            ("2606:4700::1111", None),
        ] {
            assert_eq!(why(ip), want, "{ip}");
        }
        let p = AddressPolicy {
            allow_private: false,
            allow_loopback: true,
        };
        assert_eq!(p.refuses("127.0.0.1".parse().unwrap()), None);
        assert!(p.refuses("10.0.0.1".parse().unwrap()).is_some());
    }
}
