//! Which addresses a link check may connect to, and a DNS resolver that
//! enforces it on the addresses a name actually resolves to.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
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
    pub fn refuses(&self, ip: IpAddr) -> Option<Cow<'static, str>> {
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

/// Why an address is not a public unicast address, if it is not.
///
/// The ranges are the IANA IPv4 and IPv6 Special-Purpose Address Registries
/// (iana.org/assignments/iana-ipv4-special-registry and
/// iana-ipv6-special-registry, as updated in 2024–2025): every entry whose
/// "Globally Reachable" is False or N/A is refused, a more specific entry
/// marked True inside one of them is allowed (as the registries' footnotes
/// say). Multicast (its own registries) and the deprecated IPv6 site-local
/// block are refused too. Of the addresses that carry an IPv4 address,
/// IPv4-mapped ones and the well-known NAT64 prefix connect to it, so it
/// decides; IPv4-compatible ones (deprecated), 6to4 and Teredo (N/A in the
/// registry) are refused whatever they carry, and say so when what they
/// carry is not public (Teredo's client address is stored inverted); the
/// local-use NAT64 prefix is refused. IPv6 addresses outside 2000::/3, the
/// only block allocated to global unicast, are refused. The tables are
/// `V4_GLOBAL`, `V4_BLOCKED`, `V6_GLOBAL` and `V6_BLOCKED` below.
pub fn blocked(ip: IpAddr) -> Option<Cow<'static, str>> {
    match ip {
        IpAddr::V4(v4) => blocked_v4(v4).map(Cow::Borrowed),
        IpAddr::V6(v6) => blocked_v6(v6),
    }
}

/// An address block: the address as an integer and the prefix length.
type Block<T> = (T, u8);

const fn v4(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}

fn in_v4((net, len): Block<u32>, ip: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    ip & mask == net & mask
}

fn in_v6((net, len): Block<u128>, ip: u128) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    ip & mask == net & mask
}

/// IPv4 registry entries marked globally reachable that lie inside a
/// refused block (192.0.0.0/24); the others marked True — 192.31.196.0/24
/// AS112-v4 (RFC 7535), 192.52.193.0/24 AMT (RFC 7450), 192.175.48.0/24
/// Direct Delegation AS112 Service (RFC 7534) — lie outside every refused
/// block and need no entry.
const V4_GLOBAL: &[Block<u32>] = &[
    // Port Control Protocol Anycast, RFC 7723.
    (v4(192, 0, 0, 9), 32),
    // Traversal Using Relays around NAT Anycast, RFC 8155.
    (v4(192, 0, 0, 10), 32),
];

/// Refused IPv4 blocks, with the reason given. A more specific block comes
/// before the block that contains it.
const V4_BLOCKED: &[(Block<u32>, &str)] = &[
    // "This network", RFC 791 section 3.2; "this host on this network"
    // 0.0.0.0/32, RFC 1122 section 3.2.1.3.
    ((v4(0, 0, 0, 0), 8), "unspecified address"),
    // Private-Use, RFC 1918.
    ((v4(10, 0, 0, 0), 8), "private address"),
    // Shared Address Space, RFC 6598.
    (
        (v4(100, 64, 0, 0), 10),
        "shared address (carrier-grade NAT)",
    ),
    // Loopback, RFC 1122 section 3.2.1.3.
    ((v4(127, 0, 0, 0), 8), "loopback address"),
    // Link Local, RFC 3927 (cloud metadata endpoints live here).
    ((v4(169, 254, 0, 0), 16), "link-local address"),
    // Private-Use, RFC 1918.
    ((v4(172, 16, 0, 0), 12), "private address"),
    // Documentation (TEST-NET-1), RFC 5737.
    ((v4(192, 0, 2, 0), 24), "documentation address"),
    // IETF Protocol Assignments, RFC 6890 section 2.1, with the entries
    // inside it marked not globally reachable: IPv4 Service Continuity
    // Prefix 192.0.0.0/29 (RFC 7335), IPv4 dummy address 192.0.0.8/32
    // (RFC 7600), NAT64/DNS64 Discovery 192.0.0.170/32 and 192.0.0.171/32
    // (RFC 8880, RFC 7050 section 2.2).
    (
        (v4(192, 0, 0, 0), 24),
        "reserved address (IETF protocol assignments)",
    ),
    // Deprecated (6to4 Relay Anycast), RFC 7526 (was RFC 3068); N/A. Also
    // holds the 6a44-relay anycast address 192.88.99.2/32 (RFC 6751).
    (
        (v4(192, 88, 99, 0), 24),
        "reserved address (deprecated 6to4 relay anycast)",
    ),
    // Private-Use, RFC 1918.
    ((v4(192, 168, 0, 0), 16), "private address"),
    // Benchmarking, RFC 2544.
    ((v4(198, 18, 0, 0), 15), "benchmarking address"),
    // Documentation (TEST-NET-2), RFC 5737.
    ((v4(198, 51, 100, 0), 24), "documentation address"),
    // Documentation (TEST-NET-3), RFC 5737.
    ((v4(203, 0, 113, 0), 24), "documentation address"),
    // Multicast, RFC 5771 (the IPv4 Multicast Address Space Registry).
    ((v4(224, 0, 0, 0), 4), "multicast address"),
    // Limited Broadcast, RFC 8190 and RFC 919 section 7.
    ((v4(255, 255, 255, 255), 32), "broadcast address"),
    // Reserved, RFC 1112 section 4.
    ((v4(240, 0, 0, 0), 4), "reserved address"),
];

fn blocked_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let ip = u32::from(ip);
    if V4_GLOBAL.iter().any(|&b| in_v4(b, ip)) {
        return None;
    }
    V4_BLOCKED
        .iter()
        .find(|&&(b, _)| in_v4(b, ip))
        .map(|&(_, why)| why)
}

/// IPv6 registry entries marked globally reachable that lie inside a
/// refused block (2001::/23); 2620:4f:8000::/48, Direct Delegation AS112
/// Service (RFC 7534), lies outside every refused block.
const V6_GLOBAL: &[Block<u128>] = &[
    // Port Control Protocol Anycast 2001:1::1/128, RFC 7723.
    (0x2001_0001_0000_0000_0000_0000_0000_0001, 128),
    // Traversal Using Relays around NAT Anycast 2001:1::2/128, RFC 8155.
    (0x2001_0001_0000_0000_0000_0000_0000_0002, 128),
    // DNS-SD Service Registration Protocol Anycast 2001:1::3/128, RFC 9665.
    (0x2001_0001_0000_0000_0000_0000_0000_0003, 128),
    // AMT 2001:3::/32, RFC 7450.
    (0x2001_0003 << 96, 32),
    // AS112-v6 2001:4:112::/48, RFC 7535.
    (0x2001_0004_0112 << 80, 48),
    // ORCHIDv2 2001:20::/28, RFC 7343.
    (0x2001_0020 << 96, 28),
    // Drone Remote ID Protocol Entity Tags (DETs) Prefix 2001:30::/28, RFC 9374.
    (0x2001_0030 << 96, 28),
];

/// Refused IPv6 blocks, with the reason given (after the unspecified and
/// loopback addresses and the forms that carry an IPv4 address). A more
/// specific block comes before the block that contains it.
const V6_BLOCKED: &[(Block<u128>, &str)] = &[
    // Discard-Only Address Block 100::/64, RFC 6666.
    ((0x0100 << 112, 64), "reserved address (discard only)"),
    // Dummy IPv6 Prefix 100:0:0:1::/64, RFC 9780.
    (
        (0x0100_0000_0000_0001 << 64, 64),
        "reserved address (dummy prefix)",
    ),
    // Benchmarking 2001:2::/48, RFC 5180 and RFC Errata 1752.
    ((0x2001_0002_0000 << 80, 48), "benchmarking address"),
    // IETF Protocol Assignments 2001::/23, RFC 2928; holds TEREDO 2001::/32
    // (handled before this table) and the deprecated ORCHID 2001:10::/28
    // (RFC 4843, N/A).
    (
        (0x2001 << 112, 23),
        "reserved address (IETF protocol assignments)",
    ),
    // Documentation 2001:db8::/32, RFC 3849.
    ((0x2001_0db8 << 96, 32), "documentation address"),
    // Documentation 3fff::/20, RFC 9637.
    ((0x3fff << 112, 20), "documentation address"),
    // Segment Routing (SRv6) SIDs 5f00::/16, RFC 9602.
    (
        (0x5f00 << 112, 16),
        "reserved address (SRv6 segment identifiers)",
    ),
    // Unique-Local fc00::/7, RFC 4193 and RFC 8190.
    ((0xfc00 << 112, 7), "private address (unique local)"),
    // Link-Local Unicast fe80::/10, RFC 4291.
    ((0xfe80 << 112, 10), "link-local address"),
    // Site-local fec0::/10, deprecated by RFC 3879 (no longer in the
    // registry; refused as before).
    ((0xfec0 << 112, 10), "link-local address"),
    // Multicast ff00::/8, RFC 4291 (the IPv6 Multicast Address Space Registry).
    ((0xff00 << 112, 8), "multicast address"),
];

/// The IPv4 address in the 32 bits of `bits` starting `from` bits from the
/// left.
fn embedded(bits: u128, from: u32) -> Ipv4Addr {
    Ipv4Addr::from((bits >> (96 - from)) as u32)
}

fn blocked_v6(ip: Ipv6Addr) -> Option<Cow<'static, str>> {
    let bits = u128::from(ip);
    if ip.is_loopback() {
        // Loopback ::1/128, RFC 4291.
        return Some("loopback address".into());
    }
    if ip.is_unspecified() {
        // Unspecified ::/128, RFC 4291.
        return Some("unspecified address".into());
    }
    // IPv4-mapped ::ffff:0:0/96 (RFC 4291; not globally reachable as an
    // IPv6 destination, but a socket given one connects to the IPv4 address
    // over IPv4): the IPv4 address decides.
    if in_v6((0xffff << 32, 96), bits) {
        return blocked_v4(embedded(bits, 96)).map(Cow::Borrowed);
    }
    // IPv4-IPv6 Translation 64:ff9b::/96 (RFC 6052, globally reachable):
    // the translator connects to the IPv4 address, which decides.
    if in_v6((0x0064_ff9b << 96, 96), bits) {
        return blocked_v4(embedded(bits, 96)).map(Cow::Borrowed);
    }
    // IPv4-compatible ::/96 (RFC 4291 section 2.5.5.1, deprecated): refused,
    // named after the IPv4 address when it is not public.
    if in_v6((0, 96), bits) {
        return Some(
            blocked_v4(embedded(bits, 96))
                .unwrap_or("reserved address")
                .into(),
        );
    }
    // IPv4-IPv6 Translation 64:ff9b:1::/48 (RFC 8215): local use.
    if in_v6((0x0064_ff9b_0001 << 80, 48), bits) {
        return Some("reserved address (local-use IPv4/IPv6 translation)".into());
    }
    // 6to4 2002::/16 (RFC 3056; N/A): the IPv4 address is bits 16..48.
    if in_v6((0x2002 << 112, 16), bits) {
        return Some(tunnel("6to4", &[embedded(bits, 16)]));
    }
    // TEREDO 2001::/32 (RFC 4380, RFC 8190; N/A): the server's IPv4 address
    // is bits 32..64, the client's the last 32 bits, each bit inverted.
    if in_v6((0x2001 << 112, 32), bits) {
        let server = embedded(bits, 32);
        let client = Ipv4Addr::from(!(bits as u32));
        return Some(tunnel("Teredo", &[client, server]));
    }
    if V6_GLOBAL.iter().any(|&b| in_v6(b, bits)) {
        return None;
    }
    if let Some(&(_, why)) = V6_BLOCKED.iter().find(|&&(b, _)| in_v6(b, bits)) {
        return Some(why.into());
    }
    // The IANA IPv6 Address Space registry allocates only 2000::/3 to
    // global unicast (RFC 4291 section 2.4); the rest is reserved by the
    // IETF and not routed.
    if !in_v6((0x2000 << 112, 3), bits) {
        return Some("reserved address".into());
    }
    None
}

/// Why a tunnel address is refused: the first of its IPv4 addresses that is
/// not public, or that it is a tunnel.
fn tunnel(kind: &str, inside: &[Ipv4Addr]) -> Cow<'static, str> {
    match inside.iter().find_map(|&v4| Some((v4, blocked_v4(v4)?))) {
        Some((v4, why)) => {
            let a = if why.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{kind} address of {v4}, {a} {why}").into()
        }
        None => format!("{kind} address").into(),
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

    fn why(s: &str) -> Option<String> {
        blocked(s.parse().unwrap()).map(Cow::into_owned)
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
            assert_eq!(why(ip).as_deref(), want, "{ip}");
        }
        let p = AddressPolicy {
            allow_private: false,
            allow_loopback: true,
        };
        assert_eq!(p.refuses("127.0.0.1".parse().unwrap()), None);
        assert!(p.refuses("10.0.0.1".parse().unwrap()).is_some());
    }

    /// The IPv4 registry's entries: an address inside each refused block,
    /// and the addresses just outside it.
    #[test]
    fn ipv4_special_purpose_registry() {
        const IETF: &str = "reserved address (IETF protocol assignments)";
        const DOC: &str = "documentation address";
        for (ip, want) in [
            // IETF Protocol Assignments 192.0.0.0/24 and what lies in it.
            ("192.0.0.0", Some(IETF)),
            ("192.0.0.1", Some(IETF)),
            ("192.0.0.8", Some(IETF)),
            ("192.0.0.170", Some(IETF)),
            ("192.0.0.171", Some(IETF)),
            ("192.0.0.255", Some(IETF)),
            ("191.255.255.255", None),
            ("192.0.1.0", None),
            // ... except the entries marked globally reachable.
            ("192.0.0.9", None),
            ("192.0.0.10", None),
            ("192.0.0.11", Some(IETF)),
            // Documentation: TEST-NET-1, -2 and -3.
            ("192.0.2.1", Some(DOC)),
            ("192.0.2.255", Some(DOC)),
            ("192.0.3.0", None),
            ("198.51.100.7", Some(DOC)),
            ("198.51.99.255", None),
            ("198.51.101.0", None),
            ("203.0.113.9", Some(DOC)),
            ("203.0.112.255", None),
            ("203.0.114.0", None),
            // Deprecated 6to4 relay anycast.
            (
                "192.88.99.1",
                Some("reserved address (deprecated 6to4 relay anycast)"),
            ),
            ("192.88.98.255", None),
            ("192.88.100.0", None),
            // Benchmarking 198.18.0.0/15.
            ("198.18.0.1", Some("benchmarking address")),
            ("198.19.255.255", Some("benchmarking address")),
            ("198.17.255.255", None),
            ("198.20.0.0", None),
            // Reserved 240.0.0.0/4, multicast below it.
            ("240.0.0.1", Some("reserved address")),
            ("255.255.255.254", Some("reserved address")),
            ("239.255.255.255", Some("multicast address")),
            ("223.255.255.255", None),
            // Shared address space edges.
            ("100.63.255.255", None),
            (
                "100.127.255.255",
                Some("shared address (carrier-grade NAT)"),
            ),
            ("100.128.0.0", None),
            // Globally reachable entries outside any refused block.
            ("192.31.196.1", None),
            ("192.52.193.1", None),
            ("192.175.48.1", None),
        ] {
            assert_eq!(why(ip).as_deref(), want, "{ip}");
        }
    }

    /// The IPv6 registry's entries, and the forms that carry an IPv4 address.
    #[test]
    fn ipv6_special_purpose_registry() {
        const IETF: &str = "reserved address (IETF protocol assignments)";
        const DOC: &str = "documentation address";
        for (ip, want) in [
            // Documentation 2001:db8::/32 and 3fff::/20.
            ("2001:db8::1", Some(DOC)),
            ("2001:db8:ffff:ffff::1", Some(DOC)),
            ("2001:db7:ffff::1", None),
            ("2001:db9::1", None),
            ("3fff::1", Some(DOC)),
            ("3fff:fff:ffff::1", Some(DOC)),
            ("3fff:1000::1", None),
            // SRv6 SIDs, discard-only, dummy prefix.
            (
                "5f00::1",
                Some("reserved address (SRv6 segment identifiers)"),
            ),
            ("100::1", Some("reserved address (discard only)")),
            ("100:0:0:1::1", Some("reserved address (dummy prefix)")),
            // IETF Protocol Assignments 2001::/23 and what lies in it.
            ("2001:1::4", Some(IETF)),
            ("2001:10::1", Some(IETF)),
            ("2001:1ff:ffff::1", Some(IETF)),
            ("2001:200::1", None),
            ("2000:ffff:ffff::1", None),
            ("2001:2::1", Some("benchmarking address")),
            ("2001:2:1::1", Some(IETF)),
            // ... except the entries marked globally reachable.
            ("2001:1::1", None),
            ("2001:1::2", None),
            ("2001:1::3", None),
            ("2001:3::1", None),
            ("2001:4:112::1", None),
            ("2001:4:113::1", Some(IETF)),
            ("2001:20::1", None),
            ("2001:3f:ffff::1", None),
            ("2620:4f:8000::1", None),
            // Site-local (deprecated), and what no registry allocates.
            ("fec0::1", Some("link-local address")),
            ("4000::1", Some("reserved address")),
            ("1fff:ffff::1", Some("reserved address")),
            ("e000::1", Some("reserved address")),
            // IPv4-mapped and the well-known NAT64 prefix: the IPv4 address decides.
            ("::ffff:8.8.8.8", None),
            ("::ffff:198.18.0.1", Some("benchmarking address")),
            ("::ffff:192.0.2.1", Some(DOC)),
            ("64:ff9b::808:808", None),
            ("64:ff9b::c0a8:101", Some("private address")),
            ("64:ff9b::c000:201", Some(DOC)),
            // IPv4-compatible (deprecated): always refused.
            ("::7f00:1", Some("loopback address")),
            ("::808:808", Some("reserved address")),
            // Local-use NAT64: refused whatever it carries.
            (
                "64:ff9b:1::808:808",
                Some("reserved address (local-use IPv4/IPv6 translation)"),
            ),
            ("64:ff9b:2::808:808", Some("reserved address")),
            // 6to4: the IPv4 address is bits 16..48; refused either way.
            (
                "2002:7f00:1::",
                Some("6to4 address of 127.0.0.1, a loopback address"),
            ),
            (
                "2002:c0a8:101::1",
                Some("6to4 address of 192.168.1.1, a private address"),
            ),
            (
                "2002:a9fe:a9fe::",
                Some("6to4 address of 169.254.169.254, a link-local address"),
            ),
            ("2002:808:808::1", Some("6to4 address")),
            (
                "2002:1:2::",
                Some("6to4 address of 0.1.0.2, an unspecified address"),
            ),
            ("2003::1", None),
            ("2001:ffff::1", None),
            // Teredo: the client's IPv4 address inverted in the last 32
            // bits, the server's in bits 32..64. RFC 4380's example: server
            // 65.54.227.120, client 192.0.2.45.
            (
                "2001:0:4136:e378:8000:63bf:3fff:fdd2",
                Some("Teredo address of 192.0.2.45, a documentation address"),
            ),
            (
                "2001:0:4136:e378:8000:63bf:80ff:fffe",
                Some("Teredo address of 127.0.0.1, a loopback address"),
            ),
            (
                "2001:0:7f00:1:8000:63bf:f7f7:f7f7",
                Some("Teredo address of 127.0.0.1, a loopback address"),
            ),
            (
                "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
                Some("Teredo address"),
            ),
            ("2001:1::1", None),
        ] {
            assert_eq!(why(ip).as_deref(), want, "{ip}");
        }
    }

    /// `allow_loopback` lets loopback through, and nothing that only
    /// carries a loopback address inside a tunnel.
    #[test]
    fn loopback_allowance_is_exact() {
        let p = AddressPolicy {
            allow_private: false,
            allow_loopback: true,
        };
        let refuses = |s: &str| p.refuses(s.parse().unwrap());
        assert_eq!(refuses("::1"), None);
        assert_eq!(refuses("::ffff:127.0.0.1"), None);
        assert!(refuses("2002:7f00:1::").is_some());
        assert!(refuses("2001:0:4136:e378:8000:63bf:80ff:fffe").is_some());
        assert!(refuses("198.18.0.1").is_some());
        let open = AddressPolicy {
            allow_private: true,
            allow_loopback: false,
        };
        assert_eq!(open.refuses("2002:7f00:1::".parse().unwrap()), None);
        assert_eq!(open.refuses("192.0.2.1".parse().unwrap()), None);
    }
}
