//! Command-line types (clap). Parsing only: values are validated into real
//! objects by `main` before the pipeline runs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "lockstep",
    version,
    about = "Keeps every language edition of a Markdown documentation set correct and in sync",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Configuration file (default: lockstep.toml at the documentation root)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print findings only: no summary line
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// When to use colour (auto: on a terminal, unless NO_COLOR is set)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check documentation trees for broken anchors, links and images
    Check(CheckArgs),
    /// Apply safe fixes (TOC entries, anchors); --diff shows them instead
    Fix(FixArgs),
    /// Show how far each translation is: per language, document and section
    Status(StatusArgs),
    /// Mark a translation (or some sections) as in sync with the source at HEAD
    Sync(SyncArgs),
    /// Show how a document's translations pair with its source, section by section
    Align(AlignArgs),
    /// Show what was discovered: documents and their editions, docs sites and their settings
    Docs(DocsArgs),
    /// List the rules, or print one rule's documentation
    Rules(RulesArgs),
    /// Post a report as one pull-request comment, updated in place on later runs (token in GITHUB_TOKEN)
    Comment(CommentArgs),
    /// Serve the checks, fixes and translation status to an editor (Language Server Protocol over stdio)
    Lsp,
}

#[derive(Debug, Args)]
pub struct CommentArgs {
    /// The report to post (Markdown), e.g. from `status --changed-since REF --format markdown`
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The repository, OWNER/NAME [default: $GITHUB_REPOSITORY]
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,

    /// The pull request's number
    #[arg(long, value_name = "N")]
    pub pr: u64,

    /// The REST API's URL [default: $GITHUB_API_URL, else https://api.github.com]
    #[arg(long, value_name = "URL")]
    pub api: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Documentation roots (folders) or single documents (files) [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,

    #[command(flatten)]
    pub only: OnlyArgs,

    /// Report only files changed since REF (plus translations whose source changed, and links into changed files)
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,

    /// With --changed-since: also list the sections that were stale before the change
    #[arg(long, requires = "changed_since")]
    pub all_stale: bool,

    /// Hide the findings recorded in FILE; report only new ones (and fixed ones as notes)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in FILE (a baseline) and exit 0
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "changed_since"])]
    pub write_baseline: Option<PathBuf>,

    #[command(flatten)]
    pub external: ExternalArgs,
}

/// External link checking (the only network access lockstep makes).
#[derive(Debug, Args, Clone, Default)]
pub struct ExternalArgs {
    /// Check external http(s) links over the network (rule dead-link)
    #[arg(long)]
    pub external: bool,

    /// With --external: report links that redirect elsewhere (rule redirected-link)
    #[arg(long)]
    pub report_redirects: bool,

    /// With --external: also connect to loopback, private and link-local addresses
    #[arg(long)]
    pub allow_private: bool,

    /// With --external: use HTTP_PROXY / HTTPS_PROXY from the environment
    #[arg(long)]
    pub use_env_proxy: bool,

    /// With --external: neither read nor write .lockstep-cache
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Documentation roots (folders) or single documents (files) [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Print a unified diff of what would change and write nothing (exit 1 when something would)
    #[arg(long)]
    pub diff: bool,

    /// Also apply unsafe fixes (e.g. rewriting TOC entry texts to the heading texts)
    #[arg(long)]
    pub unsafe_fixes: bool,

    #[command(flatten)]
    pub only: OnlyArgs,

    #[command(flatten)]
    pub external: ExternalArgs,
}

/// Which editions and rules a `check` or `fix` covers.
#[derive(Debug, Args, Clone, Default)]
pub struct OnlyArgs {
    /// Only editions in these languages (file-name codes such as ko, ptbr; or the source language)
    #[arg(long = "lang", value_name = "LANG", value_delimiter = ',')]
    pub langs: Vec<String>,

    /// Only these rules
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Not these rules
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The documentation root [default: .]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Only these languages (file-name codes such as ko, ptbr)
    #[arg(long = "lang", value_name = "LANG", value_delimiter = ',')]
    pub langs: Vec<String>,

    /// Output format (svg: a badge for one --lang)
    #[arg(long, value_enum, default_value_t = StatusFormatArg::Table)]
    pub format: StatusFormatArg,

    /// Say which stale sections the change since REF staled (markdown: a pull-request report)
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,

    /// Markdown: make file links absolute, below this URL (e.g. https://github.com/o/r/blob/SHA/)
    #[arg(long, value_name = "URL")]
    pub link_base: Option<String>,

    /// Write to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The translated file
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Mark only this section (its heading id, e.g. `설치`); repeatable [default: the whole file]
    #[arg(long = "section", value_name = "ID")]
    pub sections: Vec<String>,
}

#[derive(Debug, Args)]
pub struct AlignArgs {
    /// A translated file, or a source edition (all its translations)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Output format
    #[arg(long, value_enum, default_value_t = AlignFormatArg::Human)]
    pub format: AlignFormatArg,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Documentation root (default: .)
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,

    /// Output format
    #[arg(long, value_enum, default_value_t = AlignFormatArg::Human)]
    pub format: AlignFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlignFormatArg {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormatArg {
    Table,
    Markdown,
    Json,
    Html,
    Svg,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule id: print its documentation
    pub rule: Option<String>,

    /// Run the examples of every declarative rule: the loaded ones (shipped
    /// packs and the project's rule-dirs), or those of the rule files in DIR
    #[arg(long, value_name = "DIR", conflicts_with = "rule")]
    #[allow(clippy::option_option)]
    pub test: Option<Option<PathBuf>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    /// One line per finding: `file:line:col: severity [rule] message`
    Concise,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
