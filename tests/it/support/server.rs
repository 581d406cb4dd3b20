//! A small HTTP/1.1 test server on loopback for the external link tests and
//! benchmark: fixed routes with known behaviours, and counters of what it
//! saw (connections, requests, requests in flight and their maximum).
//! `Server::start_tls` serves the same routes over HTTPS with a certificate
//! issued by the test-only CA in `tls/ca.pem`.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Counters, shared by every server started with the same `Stats`.
#[derive(Debug, Default)]
pub struct Stats {
    pub connections: AtomicUsize,
    pub requests: AtomicUsize,
    /// Connections open now (accepted, response not yet written).
    pub active: AtomicUsize,
    /// The most ever open at once.
    pub max_active: AtomicUsize,
    /// Requests per path (`METHOD /path`), in arrival order.
    pub log: Mutex<Vec<String>>,
    /// When each request of `log` arrived (the server's clock).
    pub arrivals: Mutex<Vec<Instant>>,
}

impl Stats {
    pub fn hits(&self, path: &str) -> usize {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|l| l.split_once(' ').map(|x| x.1) == Some(path))
            .count()
    }

    /// The time between the first two requests for `path`, as the server
    /// saw them arrive.
    pub fn gap(&self, path: &str) -> Option<Duration> {
        let log = self.log.lock().unwrap();
        let arrivals = self.arrivals.lock().unwrap();
        let mut at = log
            .iter()
            .zip(arrivals.iter())
            .filter(|(l, _)| l.split_once(' ').map(|x| x.1) == Some(path))
            .map(|(_, t)| *t);
        let (first, second) = (at.next()?, at.next()?);
        Some(second.duration_since(first))
    }

    pub fn methods(&self, path: &str) -> Vec<String> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter_map(|l| {
                l.split_once(' ')
                    .filter(|x| x.1 == path)
                    .map(|x| x.0.to_string())
            })
            .collect()
    }
}

pub struct Server {
    pub addr: SocketAddr,
    /// This server's counters.
    pub stats: Arc<Stats>,
    /// Counters shared with other servers (for global limits).
    pub shared: Arc<Stats>,
    scheme: &'static str,
}

/// The test CA that issued the HTTPS server's certificate.
pub const TEST_CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/support/tls/ca.pem");

/// A CA unrelated to the server's certificate.
pub const OTHER_CA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/it/support/tls/other-ca.pem"
);

fn tls_config() -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_slice_iter(include_bytes!("tls/cert.pem"))
        .collect::<Result<Vec<_>, _>>()
        .expect("test certificate");
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("tls/key.pem")).expect("test key");
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("test certificate and key");
    Arc::new(config)
}

impl Server {
    pub fn start() -> Server {
        Self::start_shared(Arc::new(Stats::default()))
    }

    /// A server on 127.0.0.1 on a free port, counting also into `shared`.
    pub fn start_shared(shared: Arc<Stats>) -> Server {
        Self::start_with(shared, None)
    }

    /// The same routes over HTTPS.
    pub fn start_tls() -> Server {
        Self::start_with(Arc::new(Stats::default()), Some(tls_config()))
    }

    fn start_with(shared: Arc<Stats>, tls: Option<Arc<rustls::ServerConfig>>) -> Server {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let stats = Arc::new(Stats::default());
        let (s, g) = (Arc::clone(&stats), Arc::clone(&shared));
        let counters: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (s, g, c) = (Arc::clone(&s), Arc::clone(&g), Arc::clone(&counters));
                let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                let tls = tls.clone();
                thread::spawn(move || match tls {
                    None => serve(conn, scheme, addr, &s, &g, &c),
                    Some(config) => {
                        let Ok(session) = rustls::ServerConnection::new(config) else {
                            return;
                        };
                        let stream = rustls::StreamOwned::new(session, conn);
                        serve(stream, scheme, addr, &s, &g, &c)
                    }
                });
            }
        });
        Server {
            addr,
            stats,
            shared,
            scheme,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{}", self.scheme, self.addr, path)
    }
}

fn bump(stats: &[&Stats], f: impl Fn(&Stats)) {
    for s in stats {
        f(s);
    }
}

/// Counts a connection as open while it lives.
struct Open<'a>([&'a Stats; 2]);

impl<'a> Open<'a> {
    fn enter(stats: [&'a Stats; 2]) -> Open<'a> {
        bump(&stats, |x| {
            let now = x.active.fetch_add(1, Ordering::SeqCst) + 1;
            x.max_active.fetch_max(now, Ordering::SeqCst);
        });
        Open(stats)
    }
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        bump(&self.0, |x| {
            x.active.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

fn serve(
    mut conn: impl Read + Write,
    scheme: &str,
    addr: SocketAddr,
    s: &Stats,
    g: &Stats,
    counters: &Mutex<HashMap<String, usize>>,
) {
    bump(&[s, g], |x| {
        x.connections.fetch_add(1, Ordering::SeqCst);
    });
    // Open connections, from accept until the response is about to be
    // written: a window that lies inside the client's (it connects after
    // taking its permits and releases them only after reading the response).
    let open = Open::enter([s, g]);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 64 * 1024 {
            return;
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut first = head.lines().next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let target = first.next().unwrap_or("/").to_string();
    let path = target.split('?').next().unwrap_or("/").to_string();
    bump(&[s, g], |x| {
        x.requests.fetch_add(1, Ordering::SeqCst);
        let mut log = x.log.lock().unwrap();
        log.push(format!("{method} {path}"));
        x.arrivals.lock().unwrap().push(Instant::now());
    });
    let n = {
        let mut c = counters.lock().unwrap();
        let e = c.entry(format!("{method} {target}")).or_default();
        *e += 1;
        *e
    };
    let (status, headers): (u16, Vec<(String, String)>) = match path.as_str() {
        "/ok" => (200, vec![]),
        "/missing" => (404, vec![]),
        "/flaky" if n == 1 => (500, vec![]),
        "/flaky" => (200, vec![]),
        "/limited" if n == 1 => (429, vec![("Retry-After".into(), "1".into())]),
        "/limited" => (200, vec![]),
        "/limited-long" => (429, vec![("Retry-After".into(), "3600".into())]),
        "/server-error" => (503, vec![]),
        "/loop" => (302, vec![("Location".into(), "/loop".into())]),
        "/to-metadata" => (
            302,
            vec![(
                "Location".into(),
                "http://169.254.169.254/latest/meta-data/".into(),
            )],
        ),
        // `/to?<url>`: a redirect to whatever the query says.
        "/to" => (
            302,
            vec![(
                "Location".into(),
                target.split_once('?').map_or("/", |x| x.1).to_string(),
            )],
        ),
        "/head-405" if method == "HEAD" => (405, vec![]),
        "/head-405" => (200, vec![]),
        "/hang" => {
            thread::sleep(Duration::from_secs(5));
            (200, vec![])
        }
        "/slow" => {
            thread::sleep(Duration::from_millis(150));
            (200, vec![])
        }
        p if p.starts_with("/r/") => {
            let k: usize = p[3..].parse().unwrap_or(0);
            if k == 0 {
                (200, vec![])
            } else {
                (
                    302,
                    vec![("Location".into(), format!("{scheme}://{addr}/r/{}", k - 1))],
                )
            }
        }
        _ => (404, vec![]),
    };
    let mut response = format!("HTTP/1.1 {status} X\r\nContent-Length: 2\r\nConnection: close\r\n");
    for (k, v) in headers {
        response.push_str(&format!("{k}: {v}\r\n"));
    }
    response.push_str("\r\n");
    if method != "HEAD" {
        response.push_str("ok");
    }
    drop(open);
    let _ = conn.write_all(response.as_bytes());
    let _ = conn.flush();
}
