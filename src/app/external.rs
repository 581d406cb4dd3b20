//! The network edge of a run: with `dead-link` or `redirected-link` on,
//! the external URLs of the files in scope are checked (from the cache when
//! fresh) before any rule runs; the rules get the outcomes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use crate::config::Settings;
use crate::diagnostic::RuleId;
use crate::external::{self, Outcome};
use crate::net::{self, AddressPolicy, NetOptions, Progress};
use crate::source::FileId;
use crate::workspace::Workspace;

use super::AppError;
use super::scope::{Scope, Selection};

/// What the command line says about external links.
#[derive(Clone, Default)]
pub struct ExternalOptions {
    /// `--external`: turn on `dead-link`.
    pub enabled: bool,
    /// `--report-redirects`: turn on `redirected-link`.
    pub report_redirects: bool,
    pub allow_private: bool,
    pub use_env_proxy: bool,
    pub no_cache: bool,
    /// Told how the checks advance (the binary draws a progress bar).
    pub progress: Option<Arc<dyn Progress>>,
    /// Name → addresses instead of DNS (tests, benchmarks); still filtered.
    pub overrides: HashMap<String, Vec<IpAddr>>,
    /// Allow loopback addresses only (tests, benchmarks).
    pub allow_loopback: bool,
}

impl std::fmt::Debug for ExternalOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalOptions")
            .field("enabled", &self.enabled)
            .field("report_redirects", &self.report_redirects)
            .field("allow_private", &self.allow_private)
            .finish_non_exhaustive()
    }
}

/// `--external` and `--report-redirects` turn their rules on (over
/// `--select`, not over `--ignore`).
pub fn apply_flags(settings: &mut Settings, ext: &ExternalOptions, selection: &Selection) {
    let external = ext.enabled || settings.is_enabled(RuleId::DeadLink);
    for (on, rule) in [
        (ext.enabled, RuleId::DeadLink),
        (external && ext.report_redirects, RuleId::RedirectedLink),
    ] {
        if on && !selection.ignore.contains(&rule) {
            settings
                .severities
                .insert(rule, Some(rule.default_severity()));
        }
    }
}

/// Checks the external URLs of the files the run reports on, when
/// `dead-link` or `redirected-link` is on (`None` otherwise). Notes about
/// the run (cache problems) go to `notes`.
pub fn check(
    ws: &Workspace,
    scope: &Scope,
    ext: &ExternalOptions,
    notes: &mut Vec<String>,
) -> Result<Option<HashMap<String, Outcome>>, AppError> {
    let settings = &ws.settings;
    if !settings.is_enabled(RuleId::DeadLink) && !settings.is_enabled(RuleId::RedirectedLink) {
        return Ok(None);
    }
    let config = &settings.external;
    let mut urls: Vec<String> = (0..ws.files.len())
        .map(|i| FileId(i as u32))
        .filter(|&id| scope.reports_on(ws, id))
        .filter_map(|id| Some((ws.docs[id.index()].as_ref()?, &ws.files[id.index()].text)))
        .flat_map(|(doc, text)| external::occurrences(doc, text))
        .filter_map(|o| o.request.ok())
        .filter(|u| config.wants(u))
        .collect();
    urls.sort_unstable();
    urls.dedup();
    let mut cache = (config.cache && !ext.no_cache)
        .then(|| net::cache::Cache::load(&ws.root, config.cache_max_age));
    let mut outcomes: HashMap<String, Outcome> = HashMap::new();
    let mut to_check = Vec::new();
    for u in urls {
        match cache.as_ref().and_then(|c| c.get(&u)) {
            Some(o) => {
                outcomes.insert(u, o);
            }
            None => {
                if let Ok(parsed) = external::request_url(&u) {
                    to_check.push(parsed);
                }
            }
        }
    }
    let opts = NetOptions {
        max_concurrency: config.max_concurrency,
        per_host: config.per_host,
        connect_timeout: config.connect_timeout,
        timeout: config.timeout,
        deadline: config.deadline,
        max_redirects: config.max_redirects,
        retries: config.retries,
        policy: AddressPolicy {
            allow_private: ext.allow_private,
            allow_loopback: ext.allow_loopback,
        },
        use_env_proxy: ext.use_env_proxy,
        overrides: ext.overrides.clone(),
        progress: ext.progress.clone(),
        ..NetOptions::default()
    };
    let checked = net::check_urls(&to_check, &opts).map_err(AppError::Network)?;
    for (url, outcome) in checked {
        let key = url.to_string();
        if let Some(c) = cache.as_mut() {
            c.put(&key, &outcome);
        }
        outcomes.insert(key, outcome);
    }
    if let Some(c) = cache
        && let Err(e) = c.save()
    {
        notes.push(format!(
            "the link cache {} could not be written: {e}",
            ws.root.join(net::cache::CACHE_FILE).display()
        ));
    }
    Ok(Some(outcomes))
}
