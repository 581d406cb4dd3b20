//! The `lockstep` binary: parse arguments, call the library, hand the result
//! to a renderer, exit. This is the only place that exits the process, and
//! [`exit_code`] the only place that maps outcomes to exit codes.

mod cli;
mod progress;

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use lockstep::app::fix::FixOptions;
use lockstep::app::status::StatusOptions;
use lockstep::app::sync::SyncOptions;
use lockstep::app::{self, AppError, CheckOptions, ExternalOptions};
use lockstep::diagnostic::Severity;
use lockstep::render::status::StatusFormat;
use lockstep::render::{self, Format, RenderOptions};
use lockstep::report::Report;

use self::cli::{
    AlignArgs, AlignFormatArg, CheckArgs, Cli, ColorChoice, Command, CommentArgs, DocsArgs,
    FixArgs, FormatArg, RulesArgs, StatusArgs, StatusFormatArg, SyncArgs,
};

/// How a command ended, before it becomes an exit code.
enum Outcome {
    /// Nothing at error level.
    Clean,
    /// Findings at error level (or, for `fix --diff`, something to change;
    /// for `rules --test`, a failed example).
    Findings,
    /// A file could not be read or written, or the run could not finish.
    Error,
}

/// The one place outcomes become exit codes: 0 clean, 1 findings, 2 errors.
fn exit_code(outcome: &Result<Outcome, Failure>) -> u8 {
    match outcome {
        Ok(Outcome::Clean) | Err(Failure::BrokenPipe) => 0,
        Ok(Outcome::Findings) => 1,
        Ok(Outcome::Error) | Err(Failure::App(_) | Failure::Io(_)) => 2,
    }
}

/// What a finished check report means.
fn report_outcome(report: &Report) -> Outcome {
    if report.has_io_error() {
        Outcome::Error
    } else if report.count(Severity::Error) > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

fn main() -> ExitCode {
    lockstep::app::no_huge_pages();
    purge_freed_memory_sooner();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match &cli.command {
        Command::Check(args) => run_check(&cli, args),
        Command::Fix(args) => run_fix(&cli, args),
        Command::Status(args) => run_status(&cli, args),
        Command::Sync(args) => run_sync(&cli, args),
        Command::Align(args) => run_align(&cli, args),
        Command::Docs(args) => run_docs(&cli, args),
        Command::Rules(args) => run_rules(&cli, args),
        Command::Comment(args) => run_comment(&cli, args),
        // The protocol's exit codes: 0 after `shutdown`, 1 without it.
        Command::Lsp => Ok(if lockstep::lsp::run_stdio() {
            Outcome::Clean
        } else {
            Outcome::Findings
        }),
    };
    match &result {
        Err(Failure::App(e)) => eprint!("{}", render_error(&cli, e)),
        Err(Failure::Io(e)) => eprint!("{}", render::error::render(&e.to_string(), None, false)),
        _ => {}
    }
    ExitCode::from(exit_code(&result))
}

enum Failure {
    App(AppError),
    Io(io::Error),
    /// stdout was closed (e.g. piped into `head`): not an error.
    BrokenPipe,
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::App(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Io(e)
        }
    }
}

/// Colour on a terminal (or when forced), and never when `NO_COLOR` is set.
fn use_color(choice: ColorChoice, stream_is_terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        _ if no_color => false,
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stream_is_terminal,
    }
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.parse().ok()
}

fn external_options(a: &cli::ExternalArgs) -> ExternalOptions {
    ExternalOptions {
        enabled: a.external,
        report_redirects: a.report_redirects,
        allow_private: a.allow_private,
        use_env_proxy: a.use_env_proxy,
        no_cache: a.no_cache,
        progress: io::stderr()
            .is_terminal()
            .then(|| Arc::new(progress::Bar::default()) as Arc<dyn lockstep::net::Progress>),
        ..Default::default()
    }
}

/// Writes a file the user asked for (`--output`, `--write-baseline`).
fn write_output(path: &Path, text: &str) -> Result<(), AppError> {
    lockstep::write::write_output(path, text.as_bytes()).map_err(|e| AppError::Io {
        path: path.to_path_buf(),
        message: format!("cannot write it: {e}"),
    })
}

fn run_check(cli: &Cli, args: &CheckArgs) -> Result<Outcome, Failure> {
    let opts = CheckOptions {
        paths: args.paths.clone(),
        config: cli.config.clone(),
        select: args.only.select.clone(),
        ignore: args.only.ignore.clone(),
        langs: args.only.langs.clone(),
        changed_since: args.changed_since.clone(),
        all_stale: args.all_stale,
        external: external_options(&args.external),
    };
    let mut report = app::check(&opts)?;
    if let Some(path) = &args.write_baseline {
        write_output(path, &app::baseline::write(&report))?;
        if !cli.quiet {
            let n = report.diagnostics.len();
            eprintln!(
                "Wrote {n} finding{} to the baseline {}.",
                if n == 1 { "" } else { "s" },
                render::safe::escape(&path.display().to_string())
            );
        }
        return Ok(if report.has_io_error() {
            Outcome::Error
        } else {
            Outcome::Clean
        });
    }
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path).map_err(|e| AppError::Io {
            path: path.clone(),
            message: format!("cannot read the baseline: {e}"),
        })?;
        app::baseline::apply(&mut report, &text)
            .map_err(|e| AppError::Usage(format!("{}: {e}", path.display())))?;
    }
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
        FormatArg::Concise => Format::Concise,
    };
    let stdout = io::stdout();
    let render_opts = RenderOptions {
        color: use_color(cli.color, stdout.is_terminal()),
        width: terminal_width(),
        quiet: cli.quiet,
    };
    let mut out = io::BufWriter::new(stdout.lock());
    render::renderer(format, render_opts).render(&report, &mut out)?;
    lockstep::app::probe("rendered");
    out.flush()?;
    let outcome = report_outcome(&report);
    // The process ends right after this: freeing every file's text would only
    // delay the exit.
    std::mem::forget(report);
    Ok(outcome)
}

fn run_fix(cli: &Cli, args: &FixArgs) -> Result<Outcome, Failure> {
    let opts = FixOptions {
        check: CheckOptions {
            paths: args.paths.clone(),
            config: cli.config.clone(),
            select: args.only.select.clone(),
            ignore: args.only.ignore.clone(),
            langs: args.only.langs.clone(),
            changed_since: None,
            all_stale: false,
            external: external_options(&args.external),
        },
        unsafe_fixes: args.unsafe_fixes,
    };
    let report = app::fix::fix(&opts)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut failed = !report.unsettled.is_empty() || report.remaining.has_io_error();
    for (path, rules) in &report.unsettled {
        let names: Vec<&str> = rules.iter().map(|r| r.name()).collect();
        eprintln!(
            "error: the fixes of {} did not settle after {} passes (rules: {}); it was left as it is",
            render::safe::escape(path),
            lockstep::fix::MAX_PASSES,
            names.join(", ")
        );
    }
    if args.diff {
        // Raw when piped (a patch must apply); masked on a terminal. In a
        // GitHub Actions log, the runner reads lines of the diff as workflow
        // commands (`::…` after blanks, `##[` anywhere): commands are
        // stopped around it.
        let terminal = io::stdout().is_terminal();
        let actions = !terminal && std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
        let token = actions.then(stop_token);
        if let Some(t) = &token {
            writeln!(out, "::stop-commands::{t}")?;
        }
        render::fix::diff(&report, terminal, &mut out)?;
        if let Some(t) = &token {
            writeln!(out, "::{t}::")?;
        }
        out.flush()?;
        return Ok(if failed {
            Outcome::Error
        } else if report.changes.is_empty() {
            Outcome::Clean
        } else {
            Outcome::Findings
        });
    }
    let result = app::fix::write_changes(&report);
    for (path, e) in &result.failed {
        failed = true;
        eprintln!("error: cannot write {}: {e}", render::safe::escape(path));
    }
    if !result.failed.is_empty() && !result.written.is_empty() {
        eprintln!(
            "note: these files were fixed: {}",
            result
                .written
                .iter()
                .map(|p| render::safe::escape(p).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !cli.quiet {
        render::fix::summary(&report, &mut out)?;
    }
    out.flush()?;
    Ok(if failed {
        Outcome::Error
    } else {
        report_outcome(&report.remaining)
    })
}

fn run_comment(cli: &Cli, args: &CommentArgs) -> Result<Outcome, Failure> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let repo = args
        .repo
        .clone()
        .or_else(|| env("GITHUB_REPOSITORY"))
        .ok_or_else(|| {
            AppError::Usage(
                "give the repository with --repo OWNER/NAME (or GITHUB_REPOSITORY)".into(),
            )
        })?;
    let token = env("GITHUB_TOKEN").ok_or_else(|| {
        AppError::Usage("set GITHUB_TOKEN to a token that may write pull-request comments".into())
    })?;
    let body = std::fs::read_to_string(&args.file).map_err(|e| AppError::Io {
        path: args.file.clone(),
        message: e.to_string(),
    })?;
    let target = lockstep::net::github::CommentTarget {
        api: args
            .api
            .clone()
            .or_else(|| env("GITHUB_API_URL"))
            .unwrap_or_else(|| "https://api.github.com".into()),
        repo,
        issue: args.pr,
        token,
    };
    let posted = lockstep::net::github::upsert(&target, &body).map_err(AppError::Network)?;
    if !cli.quiet {
        match posted {
            lockstep::net::github::Posted::Created { id } => {
                eprintln!("Posted comment {id} on #{}.", args.pr)
            }
            lockstep::net::github::Posted::Updated { id } => {
                eprintln!("Updated comment {id} on #{}.", args.pr)
            }
        }
    }
    Ok(Outcome::Clean)
}

/// A `--link-base`: an http(s) URL that cannot end or break a Markdown link.
fn valid_link_base(base: &str) -> bool {
    (base.starts_with("https://") || base.starts_with("http://"))
        && !base
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "()<>[]\"'`\\".contains(c))
}

fn run_status(cli: &Cli, args: &StatusArgs) -> Result<Outcome, Failure> {
    let opts = StatusOptions {
        check: CheckOptions {
            paths: args.path.iter().cloned().collect(),
            config: cli.config.clone(),
            langs: args.langs.clone(),
            changed_since: args.changed_since.clone(),
            ..CheckOptions::default()
        },
    };
    let format = match args.format {
        StatusFormatArg::Table => StatusFormat::Table,
        StatusFormatArg::Markdown => StatusFormat::Markdown,
        StatusFormatArg::Json => StatusFormat::Json,
        StatusFormatArg::Html => StatusFormat::Html,
        StatusFormatArg::Svg => StatusFormat::Svg,
    };
    if format == StatusFormat::Svg && args.langs.len() != 1 {
        return Err(AppError::Usage(
            "--format svg makes one badge: give exactly one --lang".into(),
        )
        .into());
    }
    let link_base = match &args.link_base {
        Some(base) if !valid_link_base(base) => {
            return Err(AppError::Usage(format!(
                "--link-base `{}`: give an http(s) URL without spaces, quotes, brackets or parentheses",
                base.escape_debug()
            ))
            .into());
        }
        Some(base) if !base.ends_with('/') => format!("{base}/"),
        Some(base) => base.clone(),
        None => String::new(),
    };
    let mut report = app::status::status(&opts)?;
    report.link_base = link_base;
    let color = args.output.is_none() && use_color(cli.color, io::stdout().is_terminal());
    if format == StatusFormat::Json {
        // Written as it is made: a large site's report is hundreds of megabytes.
        let json = |out: &mut dyn Write| render::status::json::write(&report, out);
        match &args.output {
            Some(path) => {
                lockstep::write::write_output_with(path, json).map_err(|e| AppError::Io {
                    path: path.to_path_buf(),
                    message: format!("cannot write it: {e}"),
                })?
            }
            None => json(&mut io::stdout().lock())?,
        }
    } else {
        let text = render::status::render(&report, format, color).map_err(AppError::Usage)?;
        match &args.output {
            Some(path) => write_output(path, &text)?,
            None => {
                let mut out = io::BufWriter::new(io::stdout().lock());
                out.write_all(text.as_bytes())?;
                out.flush()?;
            }
        }
    }
    // After the table, as `check` ends with its summary.
    if let (Some(note), false) = (&report.note, cli.quiet) {
        eprintln!("note: {}", render::safe::escape(note));
    }
    Ok(Outcome::Clean)
}

fn run_sync(cli: &Cli, args: &SyncArgs) -> Result<Outcome, Failure> {
    let outcome = app::sync::sync(&SyncOptions {
        file: args.file.clone(),
        sections: args.sections.clone(),
        config: cli.config.clone(),
    })?;
    if outcome.after != outcome.before
        && let Err(e) = lockstep::write::replace(
            &outcome.path,
            outcome.before.as_bytes(),
            outcome.after.as_bytes(),
        )
    {
        let message = format!("cannot write {}: {e}", outcome.path.display());
        eprint!("{}", render::error::render(&message, None, false));
        return Ok(Outcome::Error);
    }
    if !cli.quiet {
        // The path and the headings come from the user's files.
        let line = format!(
            "{}: marked {} as synced at {} ({}).",
            outcome.path.display(),
            outcome.marked.join(", "),
            outcome.commit.short(),
            outcome.commit.date()
        );
        let line = render::safe::escape(&line);
        let mut out = io::stdout().lock();
        writeln!(out, "{}", render::safe::guard(&line))?;
    }
    Ok(Outcome::Clean)
}

fn run_align(cli: &Cli, args: &AlignArgs) -> Result<Outcome, Failure> {
    let report = app::align::align(&app::align::AlignOptions {
        file: args.file.clone(),
        config: cli.config.clone(),
    })?;
    let text = match args.format {
        AlignFormatArg::Human => render::align::human(&report),
        AlignFormatArg::Json => render::align::json(&report),
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    out.write_all(text.as_bytes())?;
    out.flush()?;
    if let (Some(note), false, AlignFormatArg::Human) = (&report.note, cli.quiet, args.format) {
        eprintln!("note: {}", render::safe::escape(note));
    }
    Ok(Outcome::Clean)
}

fn run_docs(cli: &Cli, args: &DocsArgs) -> Result<Outcome, Failure> {
    let report = app::docs::docs(&app::docs::DocsOptions {
        path: args.path.clone(),
        config: cli.config.clone(),
    })?;
    let text = match args.format {
        AlignFormatArg::Human => render::docs::text(&report),
        AlignFormatArg::Json => render::docs::json(&report),
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Outcome::Clean)
}

fn run_rules(cli: &Cli, args: &RulesArgs) -> Result<Outcome, Failure> {
    // The configuration in the current folder adds the project's rules.
    let here = Path::new(".");
    let config = cli.config.as_deref();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let outcome = if let Some(dir) = &args.test {
        let tests = app::rules::test(here, config, dir.as_deref())?;
        render::rules::tests(&tests, cli.quiet, &mut out)?;
        if tests.failed() == 0 {
            Outcome::Clean
        } else {
            Outcome::Findings
        }
    } else if let Some(name) = &args.rule {
        render::rules::page(app::rules::find(here, config, name)?, &mut out)?;
        Outcome::Clean
    } else {
        render::rules::list(&app::rules::list(here, config)?, &mut out)?;
        Outcome::Clean
    };
    out.flush()?;
    Ok(outcome)
}

/// A token for `::stop-commands::` no file can guess: the time and the
/// process id, hashed with a random per-process key.
fn stop_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    format!("lockstep-{:016x}", h.finish())
}

/// A fatal error as printed: configuration errors point into the file with
/// a snippet.
fn render_error(cli: &Cli, e: &AppError) -> String {
    let color = use_color(cli.color, io::stderr().is_terminal());
    match e {
        AppError::Config(c) => {
            let path = c.path.display().to_string();
            let snippet = c.span.clone().map(|span| render::error::Snippet {
                path: &path,
                text: &c.text,
                span,
            });
            render::error::render(&e.to_string(), snippet, color)
        }
        _ => render::error::render(&e.to_string(), None, color),
    }
}

/// mimalloc: parsing allocates many small nodes on every thread at once,
/// where glibc's allocator spends a quarter of the run in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_t` (mimalloc.h).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// mimalloc (v3) gives memory a thread freed back to the system only a
/// second after it was freed: never, in a run of `check`, whose peak is then
/// its live data plus everything its earlier phases freed (walking,
/// grouping, anchor sets, the index's tables). 20 ms keeps the pages that
/// parsing frees and takes again at once (purging those costs page faults:
/// at 0 ms a tldr-pages run took 12% longer) and returns the rest — tldr-pages'
/// peak 99 → 96 MiB, within the noise in time. `MIMALLOC_PURGE_DELAY` in the
/// environment still decides.
fn purge_freed_memory_sooner() {
    unsafe extern "C" {
        fn mi_option_set_default(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // SAFETY: sets an integer in mimalloc's option table (a default: a value
    // from the environment is kept); no memory of ours is touched.
    unsafe { mi_option_set_default(MI_OPTION_PURGE_DELAY, 20) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option set is the purge delay: mimalloc v3's is 1000 ms unless
    /// the environment says otherwise (an upgrade that renumbered the
    /// options fails here), and 20 ms once set.
    #[test]
    fn the_purge_delay_is_the_option_set() {
        unsafe extern "C" {
            fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
        }
        let from_env = std::env::var("MIMALLOC_PURGE_DELAY").ok();
        // SAFETY: reads an integer from mimalloc's option table.
        let before = unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) };
        let expected = from_env
            .as_deref()
            .map_or(1000, |v| v.parse().unwrap_or(-1));
        assert_eq!(before, expected);
        purge_freed_memory_sooner();
        let after = unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(after, if from_env.is_some() { before } else { 20 });
    }
}
