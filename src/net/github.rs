//! One sticky pull-request comment: `lockstep comment` posts a report as a
//! comment on a GitHub issue or pull request, or updates the comment it
//! posted before (found by a hidden marker), so a pull request carries one
//! comment that follows its latest push instead of one per push.
//!
//! The REST calls (`GET …/issues/N/comments` page by page, then `PATCH
//! …/issues/comments/ID` or `POST …/issues/N/comments`) go to the API URL
//! given (GitHub's, an Enterprise server's, or a test server's); the token
//! is sent only there, never through a proxy from the environment, and no
//! redirect is followed.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Deserialize;

/// Marks the comment lockstep owns (invisible when rendered).
pub const MARKER: &str = "<!-- lockstep-report -->";

/// Where the comment goes.
#[derive(Debug, Clone)]
pub struct CommentTarget {
    /// `https://api.github.com` (no trailing slash needed).
    pub api: String,
    /// `owner/name`.
    pub repo: String,
    /// The pull request's (issue's) number.
    pub issue: u64,
    pub token: String,
}

/// What was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    Created { id: u64 },
    Updated { id: u64 },
}

#[derive(Deserialize)]
struct Comment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
}

/// The pages of comments read at most (100 each) when looking for ours.
const MAX_PAGES: usize = 30;

/// Creates the comment, or updates the one marked as lockstep's.
pub fn upsert(target: &CommentTarget, body: &str) -> Result<Posted, String> {
    let valid_repo = target.repo.split_once('/').is_some_and(|(o, n)| {
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        ok(o) && ok(n)
    });
    if !valid_repo {
        return Err(format!("`{}` is not an owner/name repository", target.repo));
    }
    let api = target.api.trim_end_matches('/');
    if !(api.starts_with("https://") || api.starts_with("http://")) {
        return Err(format!("`{api}` is not an http(s) API URL"));
    }
    let body = format!("{MARKER}\n{body}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the network runtime: {e}"))?;
    let client = reqwest::Client::builder()
        .user_agent(concat!("lockstep/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
    let send = |method: Method, url: String, json: Option<serde_json::Value>| {
        let mut req = client
            .request(method.clone(), &url)
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .bearer_auth(&target.token);
        if let Some(j) = json {
            req = req
                .header("Content-Type", "application/json")
                .body(j.to_string());
        }
        async move {
            let resp = req
                .send()
                .await
                .map_err(|e| format!("{method} {url}: {e}"))?;
            let status = resp.status();
            let text = resp
                .text()
                .await
                .map_err(|e| format!("{method} {url}: {e}"))?;
            if !status.is_success() {
                let hint = match status {
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                        " (does the token have `pull-requests: write`?)"
                    }
                    StatusCode::NOT_FOUND => " (is the repository or the number right?)",
                    _ => "",
                };
                let text: String = text.chars().take(300).collect();
                return Err(format!("{method} {url}: HTTP {status}{hint}: {text}"));
            }
            Ok(text)
        }
    };
    runtime.block_on(async {
        let base = format!("{api}/repos/{}/issues", target.repo);
        let mut ours = None;
        for page in 1..=MAX_PAGES {
            let text = send(
                Method::GET,
                format!("{base}/{}/comments?per_page=100&page={page}", target.issue),
                None,
            )
            .await?;
            let comments: Vec<Comment> = serde_json::from_str(&text)
                .map_err(|e| format!("the comments of #{}: {e}", target.issue))?;
            ours = comments
                .iter()
                .find(|c| c.body.as_deref().is_some_and(|b| b.starts_with(MARKER)))
                .map(|c| c.id);
            if ours.is_some() || comments.len() < 100 {
                break;
            }
        }
        let json = serde_json::json!({ "body": body });
        match ours {
            Some(id) => {
                send(Method::PATCH, format!("{base}/comments/{id}"), Some(json)).await?;
                Ok(Posted::Updated { id })
            }
            None => {
                let text = send(
                    Method::POST,
                    format!("{base}/{}/comments", target.issue),
                    Some(json),
                )
                .await?;
                let c: Comment =
                    serde_json::from_str(&text).map_err(|e| format!("the new comment: {e}"))?;
                Ok(Posted::Created { id: c.id })
            }
        }
    })
}
