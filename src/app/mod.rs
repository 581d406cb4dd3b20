//! Orchestration: the pipeline from command-line options to a report.
//!
//! For each documentation root: load and validate the settings, resolve the
//! rule and language selections ([`scope`]), load the workspace ([`load`]:
//! discover, read, parse, index — in parallel), gather what the edges
//! provide before any rule runs (git history, external link outcomes), run
//! the rules ([`run`]), and merge the roots into one [`Report`]. `fix`,
//! `status`, `align`, `sync` and `rules` are the other commands. This is the only
//! module that uses rayon; nothing below it knows about the command line.

pub mod align;
pub mod baseline;
pub mod docs;
pub mod external;
pub mod fix;
pub mod load;
pub mod rules;
pub mod run;
pub mod scope;
pub mod status;
pub mod sync;
pub mod versions;

use std::path::PathBuf;

use crate::config::{CONFIG_FILE, ConfigError};
use crate::history;
use crate::report::Report;
use crate::rules::Enabled;
use crate::workspace::Workspace;

pub use self::external::ExternalOptions;
pub use self::load::load_settings;
pub use self::run::Evidence;
pub use self::scope::Scope;

/// Why a run could not produce a report (exit code 2).
#[derive(Debug)]
pub enum AppError {
    /// Bad command-line input: a path that does not exist, an unknown rule
    /// or language.
    Usage(String),
    /// A configuration or rule file is wrong (or refused).
    Config(ConfigError),
    /// A file could not be read or written.
    Io { path: PathBuf, message: String },
    /// git failed where the run needed it (`--changed-since`, `sync`).
    Git(String),
    /// The network edge could not run.
    Network(String),
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Usage(m) | AppError::Git(m) | AppError::Network(m) => f.write_str(m),
            AppError::Config(e) => e.fmt(f),
            AppError::Io { path, message } => write!(f, "{}: {message}", path.display()),
        }
    }
}

impl std::error::Error for AppError {}

impl From<ConfigError> for AppError {
    fn from(e: ConfigError) -> Self {
        AppError::Config(e)
    }
}

/// What the command line asked `check` for. Rule names and languages are
/// strings here; they are resolved per root (a root's rule files add rules,
/// its tree has its own languages) before anything runs.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Report only editions in these languages (file-name codes, or the source language).
    pub langs: Vec<String>,
    /// Report only files changed since this git revision, and translations
    /// whose source changed since it.
    pub changed_since: Option<String>,
    /// With `changed_since`: also report sections that were stale before.
    pub all_stale: bool,
    /// External link checking.
    pub external: ExternalOptions,
}

/// One root, loaded and scoped, with its settings resolved.
pub struct Loaded {
    pub ws: Workspace,
    pub scope: Scope,
    /// `files` given on the command line that the run does not check.
    pub notes: Vec<String>,
    /// The git history, being read while the files were (when a rule
    /// that may need it is on).
    pub history: Option<history::Prefetch>,
}

/// Loads one root for `opts`: settings (with the rule selection and
/// external flags applied), the workspace (only what a `--changed-since`
/// run needs), the scope (with `--lang` resolved).
pub fn load_root(
    root: &std::path::Path,
    files: Option<&[PathBuf]>,
    opts: &CheckOptions,
) -> Result<Loaded, AppError> {
    let mut settings = load_settings(root, opts.config.as_deref())?;
    let selection = scope::resolve_rules(&mut settings, &opts.select, &opts.ignore)?;
    settings.select(&selection.select, &selection.ignore);
    external::apply_flags(&mut settings, &opts.external, &selection);
    let wants_history = run::HISTORY_RULES.iter().any(|&r| settings.is_enabled(r));
    let (ws, scope, history) = match &opts.changed_since {
        None => {
            let (ws, history) = load::load_prefetching(root, settings, wants_history);
            let langs = scope::resolve_langs(&ws, &opts.langs)?;
            let scope = scope::scope_for(&ws, files, langs);
            (ws, scope, history)
        }
        Some(rev) => {
            let git =
                |e: history::Unavailable| AppError::Git(format!("--changed-since {rev}: {e}"));
            let (changed, base) = history::changed_since(root, rev).map_err(git)?;
            // Files that may link to a changed one: their links into it
            // may have broken (a renamed heading, a deleted image).
            let mut names: Vec<String> = changed
                .iter()
                .map(|p| p.rsplit('/').next().unwrap_or(p).to_string())
                .collect();
            names.sort_unstable();
            names.dedup();
            let mentioning = history::files_mentioning(root, &names).map_err(git)?;
            let (ws, history) = load::load_needed_prefetching(
                root,
                settings,
                &|p| changed.contains(p) || mentioning.contains(p),
                wants_history,
            );
            let langs = scope::resolve_langs(&ws, &opts.langs)?;
            let mut scope = scope::scope_for(&ws, files, langs);
            let in_files = scope::changed_files(&ws, &changed);
            scope.inbound = scope::links_into(&ws, &mentioning, &changed, &in_files);
            scope.files = Some(in_files);
            scope.changed = changed;
            scope.since = Some(base);
            scope.all_stale = opts.all_stale;
            (ws, scope, history)
        }
    };
    let notes = scope::unchecked_args(&ws, files)
        .into_iter()
        .map(|f| {
            format!(
                "`{f}` was not checked: it is not a Markdown file, or `exclude` in {CONFIG_FILE} excludes it"
            )
        })
        .collect();
    Ok(Loaded {
        ws,
        scope,
        notes,
        history,
    })
}

/// Every enabled rule on a loaded workspace (reading git history first when
/// a rule needs it; no network): what `check` reports for it.
pub fn check_workspace(ws: &Workspace, scope: &Scope) -> Vec<crate::diagnostic::Diagnostic> {
    let mut evidence = Evidence::default();
    evidence.read_history(ws, scope);
    run::run(ws, scope, &Enabled::new(&ws.settings), &evidence)
}

/// The prefix of a root's paths in a report over several roots.
fn prefix(root: &std::path::Path, multi: bool) -> String {
    if multi {
        format!("{}/", root.display().to_string().trim_end_matches('/'))
    } else {
        String::new()
    }
}

/// `lockstep check`: every root, merged into one report. With a single root,
/// paths are relative to it; with several, each is prefixed with its root.
pub fn check(opts: &CheckOptions) -> Result<Report, AppError> {
    let roots = scope::roots(&opts.paths)?;
    let multi = roots.len() > 1;
    let mut report = Report::default();
    if !multi {
        report.base = roots[0].0.display().to_string();
    }
    for (root, files) in roots {
        probe("start");
        let Loaded {
            ws,
            scope,
            notes,
            history,
        } = load_root(&root, files.as_deref(), opts)?;
        probe("loaded");
        report.notes.extend(notes);
        let mut evidence = Evidence {
            external: external::check(&ws, &scope, &opts.external, &mut report.notes)?,
            prefetched: history,
            ..Evidence::default()
        };
        evidence.read_history(&ws, &scope);
        probe("evidence");
        let diagnostics = run::run(&ws, &scope, &Enabled::new(&ws.settings), &evidence);
        probe("rules");
        report.notes.extend(evidence.stale_before_note());
        run::merge_into(&mut report, ws, &scope, diagnostics, &prefix(&root, multi));
        probe("merged");
    }
    Ok(report)
}

/// Asks Linux not to back this process's memory with transparent huge
/// pages. Where THP is `always` (many distributions and CI images), every
/// 2 MiB region the allocator touches became resident and was zeroed whole:
/// a 4-file run held 30 MiB (14 without), and zeroing fresh pages was a
/// quarter of a large run's time. Call first thing in `main`.
pub fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory
    // of ours; an error (an old kernel) leaves things as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// The CPU time (user and system) the process has used so far, in ms: set
/// beside the wall time, it shows how many cores a phase kept busy.
fn cpu_ms() -> f64 {
    #[cfg(unix)]
    {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage writes a `rusage` into the pointer it is given.
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) } == 0 {
            // SAFETY: initialised by the successful call above.
            let u = unsafe { usage.assume_init() };
            let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
            return ms(u.ru_utime) + ms(u.ru_stime);
        }
    }
    f64::NAN
}

/// With `LOCKSTEP_TRACE` set, prints to stderr how long the run has taken
/// so far and the process's memory (resident now and at its peak, from
/// `/proc/self/status` where there is one) as it passes each phase — the
/// figures behind the README's "Speed" section.
pub fn probe(phase: &str) {
    static START: std::sync::OnceLock<Option<std::time::Instant>> = std::sync::OnceLock::new();
    let Some(start) =
        START.get_or_init(|| std::env::var_os("LOCKSTEP_TRACE").map(|_| std::time::Instant::now()))
    else {
        return;
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |k: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(k))
            .map_or("?", str::trim)
            .to_string()
    };
    eprintln!(
        "trace: {:9.1} ms  {phase:<12} cpu {:7.1} ms  rss {:>10}  peak {:>10}  (heap and stacks {:>10}, files {:>10})",
        start.elapsed().as_secs_f64() * 1000.0,
        cpu_ms(),
        field("VmRSS:"),
        field("VmHWM:"),
        field("RssAnon:"),
        field("RssFile:")
    );
}
