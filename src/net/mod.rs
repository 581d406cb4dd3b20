//! The network: external link checking (`--external`), and the one
//! pull-request comment `lockstep comment` keeps ([`github`]).
//!
//! [`check_urls`] takes deduplicated URLs and returns an [`Outcome`] per URL;
//! turning outcomes into diagnostics is the `dead-link` rule's job. Every
//! limit is explicit — concurrency (global and per host), timeouts (connect
//! and whole request), redirects, retries, and a deadline for the whole
//! batch — none is left to a library default. A pull request can add any
//! URL, so by default nothing is connected to that is not a globally
//! reachable unicast address ([`addr::blocked`]), decided on the resolved
//! addresses ([`addr::FilteringResolver`]) and again on every redirect hop;
//! no proxy from the environment unless asked, no cookies, response bodies
//! never read.

pub mod addr;
pub mod cache;
pub mod github;

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use tokio::sync::Semaphore;

pub use self::addr::AddressPolicy;
use self::addr::{Blocked, FilteringResolver};

/// How external links are checked.
#[derive(Debug, Clone)]
pub struct NetOptions {
    /// Requests in flight at once, over all hosts.
    pub max_concurrency: usize,
    /// Requests in flight at once to one host (`host:port`).
    pub per_host: usize,
    pub connect_timeout: Duration,
    /// The whole request, connecting included.
    pub timeout: Duration,
    /// The whole batch: URLs not done by then are [`Outcome::DeadlinePassed`].
    pub deadline: Duration,
    pub max_redirects: usize,
    /// Retries after a 429 or 5xx response.
    pub retries: u32,
    /// The first retry's delay; each next one doubles (unless `Retry-After` says).
    pub backoff: Duration,
    /// The longest `Retry-After` honoured; longer ones give up on the URL.
    pub max_retry_wait: Duration,
    pub policy: AddressPolicy,
    /// Use `HTTP(S)_PROXY` from the environment (`--use-env-proxy`).
    pub use_env_proxy: bool,
    /// Name → addresses instead of DNS (tests, benchmarks); still filtered.
    pub overrides: HashMap<String, Vec<IpAddr>>,
    /// Told how the checks advance.
    pub progress: Option<Arc<dyn Progress>>,
}

impl Default for NetOptions {
    /// The defaults of `[external-links]`.
    fn default() -> Self {
        let c = crate::config::External::default();
        Self {
            max_concurrency: c.max_concurrency,
            per_host: c.per_host,
            connect_timeout: c.connect_timeout,
            timeout: c.timeout,
            deadline: c.deadline,
            max_redirects: c.max_redirects,
            retries: c.retries,
            backoff: Duration::from_millis(500),
            max_retry_wait: Duration::from_secs(60),
            policy: AddressPolicy::default(),
            use_env_proxy: false,
            overrides: HashMap::new(),
            progress: None,
        }
    }
}

impl std::fmt::Debug for dyn Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

pub use crate::external::{Outcome, request_url};

/// Told how a batch of URL checks advances (the binary draws a progress
/// bar on a terminal); called from the checking threads.
pub trait Progress: Send + Sync {
    /// `total` URLs are about to be checked.
    fn start(&self, total: usize);
    /// One more URL is done.
    fn advance(&self);
    fn finish(&self);
}

struct Limits {
    global: Semaphore,
    per_host: usize,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl Limits {
    fn host(&self, url: &Url) -> Arc<Semaphore> {
        let key = format!(
            "{}:{}",
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0)
        );
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(key)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host.max(1))))
            .clone()
    }
}

struct Checker {
    client: reqwest::Client,
    resolver: FilteringResolver,
    opts: NetOptions,
    limits: Limits,
    /// When the batch's deadline passes (set when the runtime starts).
    deadline: tokio::time::Instant,
}

/// Checks every URL once (they should be deduplicated and without
/// fragments) and returns their outcomes. Blocks; runs its own runtime.
pub fn check_urls(urls: &[Url], opts: &NetOptions) -> Result<HashMap<Url, Outcome>, String> {
    if urls.is_empty() {
        return Ok(HashMap::new());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the network runtime: {e}"))?;
    let resolver = FilteringResolver {
        policy: opts.policy,
        overrides: Arc::new(
            opts.overrides
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect(),
        ),
    };
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!(
            "lockstep/",
            env!("CARGO_PKG_VERSION"),
            " (documentation link checker; +",
            env!("CARGO_PKG_REPOSITORY"),
            ")"
        ))
        .connect_timeout(opts.connect_timeout)
        .timeout(opts.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(resolver.clone()))
        .pool_max_idle_per_host(opts.per_host.max(1))
        .pool_idle_timeout(Duration::from_secs(30));
    if !opts.use_env_proxy {
        builder = builder.no_proxy();
    }
    let client = builder
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
    let progress = opts.progress.clone();
    if let Some(p) = &progress {
        p.start(urls.len());
    }
    let results = runtime.block_on(async {
        // One deadline for the batch: a check still waiting for a permit, a
        // retry or an answer when it passes is dropped (closing its
        // connection) and reported as not checked; no request starts after it.
        let deadline = tokio::time::Instant::now() + opts.deadline;
        let checker = Arc::new(Checker {
            client,
            resolver,
            opts: opts.clone(),
            limits: Limits {
                global: Semaphore::new(opts.max_concurrency.max(1)),
                per_host: opts.per_host,
                hosts: Mutex::new(HashMap::new()),
            },
            deadline,
        });
        let mut tasks = tokio::task::JoinSet::new();
        for url in urls {
            let checker = Arc::clone(&checker);
            let url = url.clone();
            let bar = progress.clone();
            tasks.spawn(async move {
                let outcome = tokio::time::timeout_at(deadline, checker.check(&url))
                    .await
                    .unwrap_or_else(|_| checker.deadline_passed());
                if let Some(b) = &bar {
                    b.advance();
                }
                (url, outcome)
            });
        }
        let mut out = HashMap::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok((url, outcome)) => {
                    out.insert(url, outcome);
                }
                Err(e) => return Err(format!("a link check failed: {e}")),
            }
        }
        Ok(out)
    });
    if let Some(p) = progress {
        p.finish();
    }
    runtime.shutdown_background();
    results
}

/// What one request (with its retries) ended in.
enum Hop {
    Status(StatusCode, Option<String>),
    Done(Outcome),
}

impl Checker {
    fn deadline_passed(&self) -> Outcome {
        Outcome::DeadlinePassed {
            deadline_ms: u64::try_from(self.opts.deadline.as_millis()).unwrap_or(u64::MAX),
        }
    }

    async fn check(&self, start: &Url) -> Outcome {
        let mut url = start.clone();
        let mut seen: HashSet<Url> = HashSet::from([url.clone()]);
        let mut redirects = 0;
        loop {
            if let Some(outcome) = self.refused(&url).await {
                return outcome;
            }
            let (status, location) = match self.request(&url).await {
                Hop::Done(outcome) => return outcome,
                Hop::Status(s, l) => (s, l),
            };
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let Some(location) = location else {
                    return Outcome::Failed {
                        error: format!("HTTP {} without a Location header", status.as_u16()),
                    };
                };
                let next = match url.join(&location) {
                    Ok(mut n) if matches!(n.scheme(), "http" | "https") => {
                        n.set_fragment(None);
                        n
                    }
                    _ => {
                        return Outcome::Failed {
                            error: format!(
                                "redirect to an invalid or non-http location `{location}`"
                            ),
                        };
                    }
                };
                if !seen.insert(next.clone()) {
                    return Outcome::Failed {
                        error: format!("redirect loop (back to {next})"),
                    };
                }
                redirects += 1;
                if redirects > self.opts.max_redirects {
                    return Outcome::Failed {
                        error: format!("more than {} redirects", self.opts.max_redirects),
                    };
                }
                url = next;
                continue;
            }
            let code = status.as_u16();
            return if status.is_success() || status == StatusCode::NOT_MODIFIED {
                Outcome::Ok {
                    status: code,
                    final_url: (url != *start).then(|| url.to_string()),
                }
            } else if status == StatusCode::TOO_MANY_REQUESTS {
                Outcome::RateLimited { status: code }
            } else {
                Outcome::Dead { status: code }
            };
        }
    }

    /// A URL whose host the policy refuses, decided before connecting: IP
    /// literals always; names too when a proxy would resolve them.
    async fn refused(&self, url: &Url) -> Option<Outcome> {
        let blocked = |why: String| Some(Outcome::Blocked { reason: why });
        match url.host()? {
            url::Host::Ipv4(ip) => self
                .opts
                .policy
                .refuses(IpAddr::V4(ip))
                .and_then(|why| blocked(format!("{why} ({ip})"))),
            url::Host::Ipv6(ip) => self
                .opts
                .policy
                .refuses(IpAddr::V6(ip))
                .and_then(|why| blocked(format!("{why} ({ip})"))),
            url::Host::Domain(name) if self.opts.use_env_proxy => {
                match self.resolver.lookup(name).await {
                    Err(e) if e.is::<Blocked>() => blocked(e.to_string()),
                    _ => None,
                }
            }
            url::Host::Domain(_) => None,
        }
    }

    /// One request with its retries: HEAD, then GET when HEAD is refused;
    /// 429 and 5xx retried with exponential backoff (or `Retry-After`).
    async fn request(&self, url: &Url) -> Hop {
        let host = self.limits.host(url);
        let mut attempt = 0;
        loop {
            // The permits cover the response's whole life: it is reduced to
            // what is needed and dropped (closing the connection) before they
            // are released, so the limits bound open connections, not just
            // requests waiting for headers.
            let head = {
                let Ok(_host) = host.acquire().await else {
                    return Hop::Done(shutting_down());
                };
                let Ok(_all) = self.limits.global.acquire().await else {
                    return Hop::Done(shutting_down());
                };
                // Permits freed by checks the deadline cut off must not
                // start new requests in the moment before this one is cut
                // off too.
                if tokio::time::Instant::now() >= self.deadline {
                    return Hop::Done(self.deadline_passed());
                }
                let mut r = self.send(Method::HEAD, url).await;
                if let Ok(resp) = &r
                    && matches!(resp.status().as_u16(), 403 | 405 | 501)
                {
                    r = self.send(Method::GET, url).await;
                }
                // The body is never read: dropping the response closes it.
                r.map(|resp| Head::of(&resp))
            };
            let head = match head {
                Ok(head) => head,
                Err(e) => return Hop::Done(self.failure(&e)),
            };
            let status = head.status;
            let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
            if retryable && attempt < self.opts.retries {
                let wait = match head.retry_after {
                    Some(w) if w > self.opts.max_retry_wait => {
                        return Hop::Done(if status == StatusCode::TOO_MANY_REQUESTS {
                            Outcome::RateLimited {
                                status: status.as_u16(),
                            }
                        } else {
                            Outcome::Dead {
                                status: status.as_u16(),
                            }
                        });
                    }
                    Some(w) => w,
                    None => self.opts.backoff * 2u32.saturating_pow(attempt),
                };
                attempt += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            return Hop::Status(status, head.location);
        }
    }

    async fn send(&self, method: Method, url: &Url) -> Result<reqwest::Response, reqwest::Error> {
        self.client.request(method, url.clone()).send().await
    }

    fn failure(&self, e: &reqwest::Error) -> Outcome {
        // Blocked by the resolver: somewhere in the chain.
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        let mut root = e.to_string();
        while let Some(s) = source {
            if let Some(b) = s.downcast_ref::<Blocked>() {
                return Outcome::Blocked {
                    reason: b.0.clone(),
                };
            }
            root = s.to_string();
            source = s.source();
        }
        if e.is_timeout() {
            return Outcome::Timeout {
                seconds: self.opts.timeout.as_secs(),
            };
        }
        let what = if e.is_connect() {
            "connection failed"
        } else {
            "request failed"
        };
        Outcome::Failed {
            error: format!("{what}: {root}"),
        }
    }
}

fn shutting_down() -> Outcome {
    Outcome::Failed {
        error: "shutting down".into(),
    }
}

/// What lockstep needs of a response: its status and two headers.
struct Head {
    status: StatusCode,
    location: Option<String>,
    retry_after: Option<Duration>,
}

impl Head {
    fn of(resp: &reqwest::Response) -> Head {
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::trim)
        };
        Head {
            status: resp.status(),
            location: header(reqwest::header::LOCATION).map(str::to_string),
            retry_after: header(reqwest::header::RETRY_AFTER).and_then(retry_after),
        }
    }
}

/// `Retry-After`: seconds, or an HTTP date.
fn retry_after(v: &str) -> Option<Duration> {
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}
