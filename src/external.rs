//! External links as data: where each `http(s)` URL is written, and what
//! checking it found.
//!
//! The network edge (`net`) fills in an [`Outcome`] per URL as requested;
//! the `dead-link` and `redirected-link` rules turn outcomes into findings,
//! one per place a URL occurs ([`occurrences`]). Plain types only: nothing
//! here touches the network.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::parse::Document;
use crate::source::Span;

/// What checking a URL found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    /// 2xx; `final_url` when redirects led elsewhere.
    Ok {
        status: u16,
        final_url: Option<String>,
    },
    /// A final 4xx or 5xx (after retries for 5xx).
    Dead { status: u16 },
    /// Still 429 after every retry, or asked to wait longer than allowed.
    RateLimited { status: u16 },
    /// No answer within the timeout.
    Timeout { seconds: u64 },
    /// DNS, connection, TLS or redirect trouble.
    Failed { error: String },
    /// Not connected to: the address is not public.
    Blocked { reason: String },
    /// Not finished when the run's deadline (`[external-links] deadline`)
    /// passed: waiting for its turn, a retry or an answer.
    DeadlinePassed { deadline_ms: u64 },
}

impl Outcome {
    /// Facts about the remote server, worth remembering between runs (not
    /// timeouts, failures, refusals or a run that ran out of time).
    pub fn cacheable(&self) -> bool {
        matches!(self, Outcome::Ok { .. } | Outcome::Dead { .. })
    }
}

/// The URL as requested: without its fragment (never sent over HTTP; not
/// checked remotely).
pub fn request_url(url: &str) -> Result<Url, String> {
    let mut u = Url::parse(url).map_err(|e| format!("not a valid URL ({e})"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(format!("`{}` is not an http(s) URL", u.scheme()));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host".into());
    }
    u.set_fragment(None);
    Ok(u)
}

/// One place a URL occurs in a file.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// The destination as written.
    pub span: Span,
    /// The URL as written.
    pub url: String,
    /// The URL as requested (no fragment); `Err` when it cannot be.
    pub request: Result<String, String>,
}

/// Every external `http(s)` URL of a document (links, images, autolinks,
/// HTML `href`/`src`), in document order; `text` is the file's.
pub fn occurrences(doc: &Document, text: &str) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for l in doc.links.iter().chain(&doc.images) {
        let dest = l.dest(text).trim();
        let lower = dest.get(..8).unwrap_or(dest).to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            continue;
        }
        out.push(Occurrence {
            span: l.target_span(),
            url: dest.to_string(),
            request: request_url(dest).map(|u| u.to_string()),
        });
    }
    out
}

/// A duration for messages: `5 min`, `20 s`, `500 ms`.
pub fn describe_duration(ms: u64) -> String {
    if ms >= 60_000 && ms.is_multiple_of(60_000) {
        format!("{} min", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

/// `HTTP 404 Not Found`: the status and its standard reason phrase.
pub fn describe_status(status: u16) -> String {
    match reason_phrase(status) {
        Some(r) => format!("HTTP {status} {r}"),
        None => format!("HTTP {status}"),
    }
}

/// The reason phrases of RFC 9110 (and a few registered extensions).
fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_requests() {
        assert_eq!(describe_status(404), "HTTP 404 Not Found");
        assert_eq!(describe_status(599), "HTTP 599");
        assert_eq!(
            request_url("https://example.com/a#frag").unwrap().as_str(),
            "https://example.com/a"
        );
        assert!(request_url("ftp://x").is_err());
        assert_eq!(describe_duration(300_000), "5 min");
        assert_eq!(describe_duration(90_000), "90 s");
        assert_eq!(describe_duration(1000), "1 s");
        assert_eq!(describe_duration(250), "250 ms");
        assert!(!Outcome::DeadlinePassed { deadline_ms: 1 }.cacheable());
    }
}
