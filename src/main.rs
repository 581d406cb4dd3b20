//! The `lockstep` binary: parse arguments, run the pipeline, print, exit.
//! This is the only place that exits the process.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use lockstep::app::fix::{self, FixOptions};
use lockstep::app::status::{self, StatusOptions};
use lockstep::app::sync::{self, SyncOptions};
use lockstep::app::{self, AppError, CheckOptions};
use lockstep::cli::{
    CheckArgs, Cli, ColorChoice, Command, FixArgs, FormatArg, RulesArgs, StatusArgs,
    StatusFormatArg, SyncArgs,
};
use lockstep::config::ConfigError;
use lockstep::diagnostic::Severity;
use lockstep::render::status::StatusFormat;
use lockstep::render::{self, Format, RenderOptions};
use lockstep::rules::{self, RuleId};

const EXIT_CLEAN: u8 = 0;
const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match &cli.command {
        Command::Check(args) => run_check(&cli, args),
        Command::Fix(args) => run_fix(&cli, args),
        Command::Status(args) => run_status(&cli, args),
        Command::Sync(args) => run_sync(&cli, args),
        Command::Rules(args) => run_rules(&cli, args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::BrokenPipe) => ExitCode::from(EXIT_CLEAN),
        Err(Failure::App(e)) => {
            report_error(&cli, &e);
            ExitCode::from(EXIT_ERROR)
        }
        Err(Failure::Io(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
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

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure::App(AppError::Config(e))
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

fn external_options(a: &lockstep::cli::ExternalArgs) -> lockstep::app::ExternalOptions {
    lockstep::app::ExternalOptions {
        enabled: a.external,
        report_redirects: a.report_redirects,
        allow_private: a.allow_private,
        use_env_proxy: a.use_env_proxy,
        no_cache: a.no_cache,
        progress: io::stderr().is_terminal(),
        ..Default::default()
    }
}

/// Rule names as given; they are resolved once the configuration (and its
/// rule files) is loaded.
fn parse_rules(names: &[String]) -> Result<Vec<String>, AppError> {
    Ok(names.iter().filter(|n| !n.is_empty()).cloned().collect())
}

fn run_check(cli: &Cli, args: &CheckArgs) -> Result<u8, Failure> {
    let opts = CheckOptions {
        paths: args.paths.clone(),
        config: cli.config.clone(),
        select: parse_rules(&args.select)?,
        ignore: parse_rules(&args.ignore)?,
        langs: args.langs.clone(),
        changed_since: args.changed_since.clone(),
        external: external_options(&args.external),
    };
    let mut report = app::check(&opts)?;
    if let Some(path) = &args.write_baseline {
        let text = lockstep::app::baseline::write(&report);
        if let Err(e) = lockstep::write::write_new_or_atomic(path, text.as_bytes()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Ok(EXIT_ERROR);
        }
        if !cli.quiet {
            eprintln!(
                "Wrote {} finding{} to the baseline {}.",
                report.diagnostics.len(),
                if report.diagnostics.len() == 1 {
                    ""
                } else {
                    "s"
                },
                path.display()
            );
        }
        return Ok(if report.has_io_error() {
            EXIT_ERROR
        } else {
            EXIT_CLEAN
        });
    }
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path).map_err(|e| {
            AppError::Usage(format!("cannot read the baseline {}: {e}", path.display()))
        })?;
        lockstep::app::baseline::apply(&mut report, &text)
            .map_err(|e| AppError::Usage(format!("{}: {e}", path.display())))?;
    }
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
    };
    let stdout = io::stdout();
    let render_opts = RenderOptions {
        color: use_color(cli.color, stdout.is_terminal()),
        width: terminal_width(),
    };
    let mut out = io::BufWriter::new(stdout.lock());
    if format == Format::Human && cli.quiet {
        let human = render::Human::new(render_opts);
        for d in &report.diagnostics {
            let file = &report.files[d.file.index()];
            let source = d.source.as_ref().map(|s| &report.files[s.file.index()]);
            let text = if d.severity == Severity::Info {
                render::note_line(file, d, source)
            } else {
                human.render_one(file, d, source)
            };
            out.write_all(text.as_bytes())?;
        }
    } else {
        render::renderer(format, render_opts).render(&report, &mut out)?;
    }
    out.flush()?;
    let code = if report.has_io_error() {
        EXIT_ERROR
    } else if report.count(Severity::Error) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    // The process ends right after this: freeing every file's text would only
    // delay the exit.
    std::mem::forget(report);
    Ok(code)
}

fn run_fix(cli: &Cli, args: &FixArgs) -> Result<u8, Failure> {
    let opts = FixOptions {
        check: CheckOptions {
            paths: args.paths.clone(),
            config: cli.config.clone(),
            select: parse_rules(&args.select)?,
            ignore: parse_rules(&args.ignore)?,
            langs: args.langs.clone(),
            changed_since: None,
            external: external_options(&args.external),
        },
        unsafe_fixes: args.unsafe_fixes,
    };
    let outcome = fix::fix(&opts)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.diff {
        // Raw when piped (a patch must apply); on a terminal, control and
        // bidi characters from the files are shown masked.
        let terminal = io::stdout().is_terminal();
        for c in &outcome.changes {
            let diff = lockstep::fix::unified_diff(&c.path, &c.before, &c.after);
            if terminal {
                write!(out, "{}", lockstep::render::safe::mask(&diff))?;
            } else {
                write!(out, "{diff}")?;
            }
        }
        out.flush()?;
        return Ok(if outcome.changes.is_empty() {
            EXIT_CLEAN
        } else {
            EXIT_FINDINGS
        });
    }
    for c in &outcome.changes {
        if let Err(e) = lockstep::write::write_atomic(&c.abs, c.after.as_bytes()) {
            out.flush()?;
            eprintln!("error: cannot write {}: {e}", c.path);
            return Ok(EXIT_ERROR);
        }
    }
    if !cli.quiet {
        let fixed: usize = outcome.applied.values().sum();
        if fixed == 0 {
            writeln!(out, "Nothing to fix.")?;
        } else {
            let per_rule: Vec<String> = outcome
                .applied
                .iter()
                .map(|(r, n)| format!("{r}: {n}"))
                .collect();
            let files = outcome.changes.len();
            writeln!(
                out,
                "Fixed {fixed} problem{} ({}) in {files} file{}.",
                if fixed == 1 { "" } else { "s" },
                per_rule.join(", "),
                if files == 1 { "" } else { "s" },
            )?;
        }
        let errors = outcome.remaining.count(Severity::Error);
        let warnings = outcome.remaining.count(Severity::Warning);
        if errors + warnings > 0 {
            writeln!(
                out,
                "{errors} error{} and {warnings} warning{} remain; `lockstep check` shows them.",
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" },
            )?;
        }
    }
    out.flush()?;
    Ok(if outcome.remaining.has_io_error() {
        EXIT_ERROR
    } else if outcome.remaining.count(Severity::Error) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

fn run_status(cli: &Cli, args: &StatusArgs) -> Result<u8, Failure> {
    let opts = StatusOptions {
        check: CheckOptions {
            paths: args.path.iter().cloned().collect(),
            config: cli.config.clone(),
            langs: args.langs.clone(),
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
    let report = status::status(&opts)?;
    let color = args.output.is_none() && use_color(cli.color, io::stdout().is_terminal());
    let text = lockstep::render::status::render(&report, format, color).map_err(AppError::Usage)?;
    match &args.output {
        Some(path) => {
            if let Err(e) = lockstep::write::write_new_or_atomic(path, text.as_bytes()) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Ok(EXIT_ERROR);
            }
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    // After the table, as `check` ends with its summary.
    if let (Some(note), false) = (&report.note, cli.quiet) {
        eprintln!("note: {note}");
    }
    Ok(EXIT_CLEAN)
}

fn run_sync(cli: &Cli, args: &SyncArgs) -> Result<u8, Failure> {
    let outcome = sync::sync(&SyncOptions {
        file: args.file.clone(),
        sections: args.sections.clone(),
        config: cli.config.clone(),
    })?;
    if outcome.after != outcome.before
        && let Err(e) = lockstep::write::write_atomic(&outcome.path, outcome.after.as_bytes())
    {
        eprintln!("error: cannot write {}: {e}", outcome.path.display());
        return Ok(EXIT_ERROR);
    }
    if !cli.quiet {
        let mut out = io::stdout().lock();
        writeln!(
            out,
            "{}: marked {} as synced at {} ({}).",
            outcome.path.display(),
            outcome.marked.join(", "),
            outcome.commit.short(),
            outcome.commit.date()
        )?;
    }
    Ok(EXIT_CLEAN)
}

fn run_rules(cli: &Cli, args: &RulesArgs) -> Result<u8, Failure> {
    if let Some(dir) = &args.test {
        return run_rule_tests(cli, dir.as_deref());
    }
    // The configuration in the current folder adds the project's rules.
    let settings = app::load_settings(std::path::Path::new("."), cli.config.as_deref())?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match &args.rule {
        Some(name) => {
            let rule = RuleId::from_name(name).ok_or_else(|| {
                AppError::Usage(format!(
                    "unknown rule `{name}`{}",
                    rules::did_you_mean(name)
                ))
            })?;
            write!(out, "{}", rule.doc_page())?;
        }
        None => {
            let list: Vec<RuleId> = RuleId::ALL
                .iter()
                .copied()
                .chain(settings.declared.rules.iter().map(|r| r.id))
                .collect();
            let width = list.iter().map(|r| r.name().len()).max().unwrap_or(0);
            let pack_width = list.iter().map(|r| r.pack().len()).max().unwrap_or(0);
            for rule in list {
                let m = rule.meta();
                let level = match settings.severity(rule) {
                    Some(level) => level.as_str().to_string(),
                    None => format!("{} (off)", m.severity.as_str()),
                };
                writeln!(
                    out,
                    "{:width$}  {:pack_width$}  {:13}  {}",
                    m.name,
                    rule.pack(),
                    level,
                    m.summary
                )?;
            }
        }
    }
    out.flush()?;
    Ok(EXIT_CLEAN)
}

/// `lockstep rules --test [DIR]`: every example of every declarative rule.
fn run_rule_tests(cli: &Cli, dir: Option<&std::path::Path>) -> Result<u8, Failure> {
    let set = match dir {
        Some(dir) => lockstep::declarative::load_standalone(dir)?,
        None => {
            if let Some(e) = lockstep::declarative::packs::load_error() {
                return Err(
                    AppError::Usage(format!("the shipped rule packs do not load: {e}")).into(),
                );
            }
            app::load_settings(std::path::Path::new("."), cli.config.as_deref())?.declared
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let (mut failed, mut examples) = (0, 0);
    for rule in &set.rules {
        let n = rule.examples_fail.len() + rule.examples_pass.len();
        examples += n;
        let problems = lockstep::declarative::engine::test_examples(rule);
        if n == 0 {
            writeln!(out, "warning  {} ({}): no examples", rule.name, rule.pack)?;
        } else if problems.is_empty() {
            if !cli.quiet {
                writeln!(out, "ok       {} ({}): {n} examples", rule.name, rule.pack)?;
            }
        } else {
            failed += 1;
            writeln!(out, "FAILED   {} ({})", rule.name, rule.pack)?;
            for p in problems {
                writeln!(out, "         {p}")?;
            }
        }
    }
    writeln!(
        out,
        "{} rule{}, {examples} examples: {}",
        set.rules.len(),
        if set.rules.len() == 1 { "" } else { "s" },
        if failed == 0 {
            "all passed".to_string()
        } else {
            format!("{failed} failed")
        }
    )?;
    out.flush()?;
    Ok(if failed == 0 {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// Prints a fatal error; configuration errors point into the TOML with a snippet.
fn report_error(cli: &Cli, e: &AppError) {
    match e {
        AppError::Config(c) => eprint!("{}", render_config_error(c, cli.color)),
        AppError::Usage(_) | AppError::NoConvergence { .. } => eprintln!("error: {e}"),
    }
}

fn render_config_error(e: &ConfigError, color: ColorChoice) -> String {
    let plain = format!("error: {e}\n");
    let Some(span) = e.span.clone() else {
        return plain;
    };
    let theme = if use_color(color, io::stderr().is_terminal()) {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let report = miette::MietteDiagnostic::new(e.message.clone())
        .with_code("config")
        .with_label(miette::LabeledSpan::at(span, "here"));
    let src = miette::NamedSource::new(e.path.display().to_string(), e.text.clone());
    let report = miette::Report::new(report).with_source_code(src);
    let mut s = plain;
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_links(false);
    if handler.render_report(&mut s, report.as_ref()).is_err() {
        return format!("error: {e}\n");
    }
    s
}

/// mimalloc: parsing allocates many small nodes on every thread at once,
/// where glibc's allocator spends a quarter of the run in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
