//! The external link checker against a test server on loopback: every
//! outcome, the concurrency limits, and that blocked addresses are never
//! connected to. No internet needed.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::support::server::{Server, Stats};
use lockstep::net::{AddressPolicy, NetOptions, Outcome, check_urls, request_url};

/// Loopback allowed; a 2 s timeout — well above what a loopback request takes
/// on a loaded CI machine, well below `/hang` (5 s).
fn loopback_options() -> NetOptions {
    NetOptions {
        policy: AddressPolicy {
            allow_private: false,
            allow_loopback: true,
        },
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        backoff: Duration::from_millis(50),
        ..NetOptions::default()
    }
}

fn check(urls: &[String], opts: &NetOptions) -> HashMap<String, Outcome> {
    let parsed: Vec<_> = urls.iter().map(|u| request_url(u).unwrap()).collect();
    check_urls(&parsed, opts)
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

#[test]
fn every_outcome() {
    let s = Server::start();
    let paths = [
        "/ok",
        "/missing",
        "/flaky",
        "/limited",
        "/limited-long",
        "/server-error",
        "/r/3",
        "/r/7",
        "/loop",
        "/to-metadata",
        "/head-405",
        "/hang",
    ];
    let urls: Vec<String> = paths.iter().map(|p| s.url(p)).collect();
    let got = check(&urls, &loopback_options());
    let o = |p: &str| got[&s.url(p)].clone();
    assert_eq!(
        o("/ok"),
        Outcome::Ok {
            status: 200,
            final_url: None
        }
    );
    assert_eq!(o("/missing"), Outcome::Dead { status: 404 });
    // 500 once, then 200: retried.
    assert_eq!(
        o("/flaky"),
        Outcome::Ok {
            status: 200,
            final_url: None
        }
    );
    assert_eq!(s.stats.hits("/flaky"), 2);
    // 429 with Retry-After: 1, then 200: waited at least a second.
    assert_eq!(
        o("/limited"),
        Outcome::Ok {
            status: 200,
            final_url: None
        }
    );
    assert_eq!(s.stats.hits("/limited"), 2);
    let gap = s.stats.gap("/limited").expect("two requests");
    assert!(gap >= Duration::from_millis(990), "retried after {gap:?}");
    // Asked to wait an hour: given up at once, not retried.
    assert_eq!(o("/limited-long"), Outcome::RateLimited { status: 429 });
    assert_eq!(s.stats.hits("/limited-long"), 1);
    // Always 503: the first request and 3 retries.
    assert_eq!(o("/server-error"), Outcome::Dead { status: 503 });
    assert_eq!(s.stats.hits("/server-error"), 4);
    assert_eq!(
        o("/r/3"),
        Outcome::Ok {
            status: 200,
            final_url: Some(s.url("/r/0"))
        }
    );
    assert_eq!(
        o("/r/7"),
        Outcome::Failed {
            error: "more than 5 redirects".into()
        }
    );
    // r/7 follows 5 redirects (to r/6 … r/2) and refuses the sixth (to r/1).
    assert_eq!(s.stats.hits("/r/2"), 2);
    assert_eq!(s.stats.hits("/r/1"), 1);
    assert_eq!(
        o("/loop"),
        Outcome::Failed {
            error: format!("redirect loop (back to {})", s.url("/loop"))
        }
    );
    // A redirect to the cloud metadata address is refused before connecting.
    assert_eq!(
        o("/to-metadata"),
        Outcome::Blocked {
            reason: "link-local address (169.254.169.254)".into()
        }
    );
    // HEAD refused with 405: GET follows.
    assert_eq!(
        o("/head-405"),
        Outcome::Ok {
            status: 200,
            final_url: None
        }
    );
    assert_eq!(s.stats.methods("/head-405"), ["HEAD", "GET"]);
    assert_eq!(o("/hang"), Outcome::Timeout { seconds: 2 });
    // Requests ran side by side, not one after another: `/limited`'s retry
    // (after 1 s) arrived while `/hang` (5 s) was still open.
    let max = s.stats.max_active.load(Ordering::SeqCst);
    assert!(max >= 2, "at most {max} request(s) open at once");
}

/// HTTPS with a certificate the client does not trust (issued by the
/// test-only CA, which is in no trust store): the check fails with the TLS
/// error, and no request is ever sent over that connection. The client
/// reads the system's trust store, which must not be empty (`.ci/run`
/// installs ca-certificates where it is missing).
// Linux: the platform verifier reads the system store and SSL_CERT_FILE
// there; other systems word their errors differently.
#[cfg(target_os = "linux")]
#[test]
fn untrusted_certificates_fail_before_any_request() {
    let s = Server::start_tls();
    let url = s.url("/ok");
    let got = check(std::slice::from_ref(&url), &loopback_options());
    let outcome = &got[&request_url(&url).unwrap().to_string()];
    assert_eq!(
        outcome,
        &Outcome::Failed {
            error: "connection failed: invalid peer certificate: UnknownIssuer".into()
        }
    );
    assert_eq!(s.stats.connections.load(Ordering::SeqCst), 1);
    assert_eq!(s.stats.requests.load(Ordering::SeqCst), 0);
}

/// Connections are counted server-side, from accept until the response is
/// about to be written — inside the client's permit window, so the counts
/// are exact: never above a limit, and equal to it when requests overlap.
#[test]
fn concurrency_limits_hold() {
    let shared = Arc::new(Stats::default());
    let servers: Vec<Server> = (0..3)
        .map(|_| Server::start_shared(Arc::clone(&shared)))
        .collect();
    let urls: Vec<String> = servers
        .iter()
        .flat_map(|s| (0..8).map(move |i| s.url(&format!("/slow?i={i}"))))
        .collect();
    let opts = NetOptions {
        max_concurrency: 4,
        per_host: 2,
        ..loopback_options()
    };
    let got = check(&urls, &opts);
    assert_eq!(got.len(), 24);
    assert!(
        got.values()
            .all(|o| matches!(o, Outcome::Ok { status: 200, .. }))
    );
    for s in &servers {
        let max = s.stats.max_active.load(Ordering::SeqCst);
        assert_eq!(max, 2, "per-host limit: {max} at once");
        assert_eq!(s.stats.requests.load(Ordering::SeqCst), 8);
    }
    // Reached, never exceeded (150 ms per request: they overlap).
    let max = shared.max_active.load(Ordering::SeqCst);
    assert_eq!(max, 4, "global limit: {max} at once");
}

#[test]
fn blocked_addresses_are_never_connected_to() {
    let s = Server::start();
    let port = s.addr.port();
    let mut overrides = HashMap::new();
    // A public-looking name that resolves to loopback.
    overrides.insert(
        "docs.example.test".to_string(),
        vec!["127.0.0.1".parse::<IpAddr>().unwrap()],
    );
    let opts = NetOptions {
        overrides,
        ..NetOptions::default()
    };
    let urls = vec![
        format!("http://127.0.0.1:{port}/ok"),
        format!("http://[::ffff:127.0.0.1]:{port}/ok"),
        format!("http://2130706433:{port}/ok"),
        format!("http://docs.example.test:{port}/ok"),
        format!("http://localhost:{port}/ok"),
    ];
    let got = check(&urls, &opts);
    for u in &urls {
        let key = request_url(u).unwrap().to_string();
        assert!(
            matches!(&got[&key], Outcome::Blocked { reason } if reason.contains("loopback address")),
            "{u}: {:?}",
            got[&key]
        );
    }
    assert_eq!(
        got[&request_url(&urls[3]).unwrap().to_string()],
        Outcome::Blocked {
            reason: "docs.example.test resolves to a loopback address (127.0.0.1)".into()
        }
    );
    assert_eq!(
        s.stats.connections.load(Ordering::SeqCst),
        0,
        "a blocked address was connected to"
    );
    // The same with loopback allowed: connected.
    let got = check(&urls[..1], &loopback_options());
    assert!(matches!(got.values().next(), Some(Outcome::Ok { .. })));
    assert_eq!(s.stats.connections.load(Ordering::SeqCst), 1);
}

/// The special-purpose blocks beyond the private ones, and addresses that
/// carry a loopback address inside a tunnel: refused as literals, as what a
/// name resolves to and as a redirect's target — even with loopback allowed,
/// as in these tests — and never connected to.
#[test]
fn special_purpose_addresses_are_never_connected_to() {
    let s = Server::start();
    let port = s.addr.port();
    let mut overrides = HashMap::new();
    overrides.insert(
        "bench.example.test".to_string(),
        vec!["198.18.0.1".parse::<IpAddr>().unwrap()],
    );
    overrides.insert(
        "tunnel.example.test".to_string(),
        vec!["2002:7f00:1::".parse::<IpAddr>().unwrap()],
    );
    let opts = NetOptions {
        overrides,
        ..loopback_options()
    };
    let cases = [
        (
            "198.18.0.1".to_string(),
            "benchmarking address (198.18.0.1)",
        ),
        ("192.0.2.1".into(), "documentation address (192.0.2.1)"),
        (
            "198.51.100.1".into(),
            "documentation address (198.51.100.1)",
        ),
        ("203.0.113.1".into(), "documentation address (203.0.113.1)"),
        (
            "192.0.0.1".into(),
            "reserved address (IETF protocol assignments) (192.0.0.1)",
        ),
        (
            "192.88.99.1".into(),
            "reserved address (deprecated 6to4 relay anycast) (192.88.99.1)",
        ),
        (
            "[2001:db8::1]".into(),
            "documentation address (2001:db8::1)",
        ),
        (
            "[2002:7f00:1::]".into(),
            "6to4 address of 127.0.0.1, a loopback address (2002:7f00:1::)",
        ),
        (
            "[2001:0:4136:e378:8000:63bf:80ff:fffe]".into(),
            "Teredo address of 127.0.0.1, a loopback address (2001:0:4136:e378:8000:63bf:80ff:fffe)",
        ),
        (
            "[64:ff9b:1::7f00:1]".into(),
            "reserved address (local-use IPv4/IPv6 translation) (64:ff9b:1::7f00:1)",
        ),
        (
            "bench.example.test".into(),
            "bench.example.test resolves to a benchmarking address (198.18.0.1)",
        ),
        (
            "tunnel.example.test".into(),
            "tunnel.example.test resolves to a 6to4 address of 127.0.0.1, a loopback address (2002:7f00:1::)",
        ),
    ];
    let mut urls: Vec<String> = cases
        .iter()
        .map(|(host, _)| format!("http://{host}:{port}/ok"))
        .collect();
    // A redirect from the (allowed) test server to a 6to4 address.
    let redirect = s.url(&format!("/to?http://[2002:7f00:1::]:{port}/ok"));
    urls.push(redirect.clone());
    let got = check(&urls, &opts);
    for ((_, reason), url) in cases.iter().zip(&urls) {
        assert_eq!(
            got[&request_url(url).unwrap().to_string()],
            Outcome::Blocked {
                reason: reason.to_string()
            },
            "{url}"
        );
    }
    assert_eq!(
        got[&request_url(&redirect).unwrap().to_string()],
        Outcome::Blocked {
            reason: "6to4 address of 127.0.0.1, a loopback address (2002:7f00:1::)".into()
        }
    );
    // Only the redirect itself reached the server.
    assert_eq!(s.stats.hits("/to"), 1);
    assert_eq!(s.stats.connections.load(Ordering::SeqCst), 1);
    assert_eq!(s.stats.requests.load(Ordering::SeqCst), 1);
}

/// The deadline bounds the whole batch: with one request at a time to the
/// slow server, the request in flight (`/hang` answers after 5 s) and the
/// two waiting behind it are all cut off when the deadline passes, while
/// the other server's URL, checked meanwhile, keeps its outcome. The
/// counts say that the waiting ones were never sent. (A 2 s deadline: far
/// above what the fast request takes, far below `/hang` and the 10 s
/// request timeout, so the outcome does not depend on the machine's speed.)
#[test]
fn the_deadline_bounds_the_whole_batch() {
    let slow = Server::start();
    let fast = Server::start();
    let hanging: Vec<String> = (0..3).map(|i| slow.url(&format!("/hang?i={i}"))).collect();
    let mut urls = hanging.clone();
    urls.push(fast.url("/ok"));
    let opts = NetOptions {
        per_host: 1,
        timeout: Duration::from_secs(10),
        deadline: Duration::from_secs(2),
        ..loopback_options()
    };
    let got = check(&urls, &opts);
    assert_eq!(got.len(), 4);
    assert_eq!(
        got[&fast.url("/ok")],
        Outcome::Ok {
            status: 200,
            final_url: None
        }
    );
    for u in &hanging {
        assert_eq!(got[u], Outcome::DeadlinePassed { deadline_ms: 2000 }, "{u}");
    }
    assert_eq!(slow.stats.connections.load(Ordering::SeqCst), 1);
    assert_eq!(slow.stats.requests.load(Ordering::SeqCst), 1);
    assert_eq!(fast.stats.requests.load(Ordering::SeqCst), 1);
}

#[test]
fn fragments_are_not_requested_and_odd_urls_are_refused() {
    assert_eq!(
        request_url("https://github.com/o/r/blob/main/README.md#install")
            .unwrap()
            .as_str(),
        "https://github.com/o/r/blob/main/README.md"
    );
    assert!(
        request_url("ftp://example.com/x")
            .unwrap_err()
            .contains("not an http(s) URL")
    );
    assert!(
        request_url("http://exa mple.com/")
            .unwrap_err()
            .contains("not a valid URL")
    );
}

#[test]
fn the_cache_keeps_facts_not_accidents() {
    use lockstep::net::cache::Cache;
    let tmp = tempfile::tempdir().unwrap();
    let mut c = Cache::load(tmp.path(), Duration::from_secs(3600));
    c.put(
        "https://a/",
        &Outcome::Ok {
            status: 200,
            final_url: None,
        },
    );
    c.put("https://b/", &Outcome::Dead { status: 404 });
    c.put("https://c/", &Outcome::Timeout { seconds: 20 });
    c.put("https://d/", &Outcome::Blocked { reason: "x".into() });
    c.put("https://e/", &Outcome::DeadlinePassed { deadline_ms: 1000 });
    c.save().unwrap();
    let c = Cache::load(tmp.path(), Duration::from_secs(3600));
    assert_eq!(c.len(), 2);
    assert_eq!(c.get("https://b/"), Some(Outcome::Dead { status: 404 }));
    assert_eq!(c.get("https://c/"), None);
    assert_eq!(c.get("https://e/"), None);
    // Expired entries are neither used nor kept.
    let c = Cache::load(tmp.path(), Duration::ZERO);
    assert_eq!(c.get("https://a/"), None);
    c.save().unwrap();
    assert!(Cache::load(tmp.path(), Duration::from_secs(3600)).is_empty());
    // A damaged cache is ignored.
    std::fs::write(tmp.path().join(".lockstep-cache"), "{not json").unwrap();
    assert!(Cache::load(tmp.path(), Duration::from_secs(3600)).is_empty());
}
