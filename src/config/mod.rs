//! Configuration: `lockstep.toml`, rule files and command-line selections →
//! [`Settings`], validated.
//!
//! Raw serde types live in [`raw`]; [`Settings::resolve`] validates them
//! (rule names, severities, layout patterns, globs, sizes) into the objects
//! the later stages use, and reports every problem as a [`ConfigError`] that
//! points at the file, line and column. Rule files (the shipped packs and a
//! project's `rule-dirs`) are loaded here too ([`rule_file`]); running them
//! is the rules stage's job. Reading the configuration and rule files is the
//! only I/O here.

pub mod error;
pub mod raw;
pub mod read;
pub mod rule_file;
pub mod site;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::discover::layout::Layout;
use crate::discover::{Globs, lang};
use crate::parse::dialect::AnchorStyle;
use crate::registry::{RuleId, Severity};

pub use self::error::ConfigError;
pub use crate::discover::CONFIG_FILE;
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// How fragment case differences are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnchorCase {
    /// A warning where the renderer forgives it (github.com retries the
    /// lowercased id), an error where fragments match exactly.
    #[default]
    Auto,
    /// Always an error: the ids must match exactly.
    Error,
    /// Always a warning.
    Warning,
    /// Accept fragments that match an id ignoring case.
    Ignore,
}

/// Everything the pipeline needs to know, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub source_lang: String,
    /// Explicit layouts; empty means zero-configuration discovery.
    pub layouts: Vec<Layout>,
    /// Language codes as used in file names → the language of the text.
    pub languages: BTreeMap<String, String>,
    /// Effective severity of each rule; `None` = off.
    pub severities: BTreeMap<RuleId, Option<Severity>>,
    pub anchor_case: AnchorCase,
    pub max_file_size: u64,
    /// Markdown files not to check (gitignore-style globs, relative to the root).
    pub exclude: Globs,
    pub toc_titles: Vec<String>,
    /// Commits staleness ignores, besides `.git-blame-ignore-revs`.
    pub ignore_revs: Vec<String>,
    /// Regexes: commits whose subject matches one never stale anything.
    pub skip_commits: Vec<String>,
    /// The configuration file that was read, if any.
    pub config_path: Option<PathBuf>,
    /// Shipped packs enabled by `packs`.
    pub packs: Vec<String>,
    /// The declarative rules this root knows — its project rules, the rules
    /// of the packs it enables, and shipped rules it names elsewhere — and
    /// the glossary. Which of them run is up to `severities`.
    pub declared: rule_file::RuleSet,
    /// How external links are checked (`dead-link`, `--external`).
    pub external: External,
    /// `[[overrides]]`: rule levels for some files, in file order.
    pub overrides: Vec<Override>,
    /// `anchor-style`: the heading-id dialect, when set (else detected per site, else GitHub's).
    pub anchor_style: Option<AnchorStyle>,
    /// `[site]`, as written.
    pub site: Option<site::SiteOverride>,
    /// The docs sites of the root: detected and `[site]` applied (filled when the root is walked).
    pub sites: Vec<site::Site>,
    /// `image-variants`: how localised image names are made.
    pub image_variants: Vec<String>,
}

/// One `[[overrides]]` table: the level of some rules in the files its
/// globs match. It changes the level of a rule that runs, or turns it off
/// for those files; it never turns on a rule that is off for the run.
#[derive(Debug, Clone)]
pub struct Override {
    pub files: Globs,
    pub rules: Vec<(RuleId, Option<Severity>)>,
    pub anchor_style: Option<AnchorStyle>,
}

/// The most globs one list (`exclude`, an override's `files`) may hold.
pub const MAX_GLOBS: usize = 10_000;

fn anchor_style(
    a: &toml::Spanned<String>,
    err: &dyn Fn(Range<usize>, String) -> ConfigError,
) -> Result<AnchorStyle, ConfigError> {
    AnchorStyle::from_name(a.get_ref()).ok_or_else(|| {
        err(
            a.span(),
            format!(
                "unknown anchor-style `{}`: expected one of {}",
                a.get_ref(),
                AnchorStyle::ALL
                    .iter()
                    .map(|s| format!("`{}`", s.name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

fn resolve_site(
    raw: raw::RawSite,
    err: &dyn Fn(Range<usize>, String) -> ConfigError,
) -> Result<site::SiteOverride, ConfigError> {
    let rel = |v: &toml::Spanned<String>| -> Result<String, ConfigError> {
        let p = v.get_ref().trim_matches('/');
        if v.get_ref().contains('\\') || p.split('/').any(|c| c == "..") {
            return Err(err(
                v.span(),
                format!(
                    "`{}` must be a folder below the root, with `/` separators",
                    v.get_ref()
                ),
            ));
        }
        Ok(p.trim_start_matches("./").to_string())
    };
    let list =
        |v: &Option<Vec<toml::Spanned<String>>>| -> Result<Option<Vec<String>>, ConfigError> {
            v.as_ref().map(|l| l.iter().map(rel).collect()).transpose()
        };
    let framework = match &raw.framework {
        Some(f) => Some(site::Framework::from_name(f.get_ref()).ok_or_else(|| {
            err(
                f.span(),
                format!(
                    "unknown framework `{}`: expected \"vitepress\", \"hugo\", \"docusaurus\", \"mkdocs\", \"mdbook\" or \"none\"",
                    f.get_ref()
                ),
            )
        })?),
        None => None,
    };
    let base = raw.base.as_ref().map(|b| {
        let b = b.get_ref().trim();
        format!("/{}/", b.trim_matches('/')).replace("//", "/")
    });
    let mut languages = None;
    if let Some(l) = &raw.languages {
        let mut out = Vec::new();
        for code in l {
            if !lang::is_code_shaped(code.get_ref()) {
                return Err(err(
                    code.span(),
                    format!("`{}` is not a language code", code.get_ref()),
                ));
            }
            out.push(code.get_ref().clone());
        }
        languages = Some(out);
    }
    Ok(site::SiteOverride {
        framework,
        dir: raw.root.as_ref().map(rel).transpose()?,
        content: list(&raw.content)?,
        statics: list(&raw.statics)?,
        clean_urls: raw.clean_urls,
        page_relative: raw.page_relative,
        fallback: raw.fallback,
        base,
        languages,
        detect: raw.detect.unwrap_or(true),
    })
}

/// Builds gitignore-style globs, pointing at the bad one on error.
fn globs(
    globs: &[toml::Spanned<String>],
    err: &dyn Fn(Range<usize>, String) -> ConfigError,
) -> Result<Globs, ConfigError> {
    if globs.len() > MAX_GLOBS {
        return Err(err(
            globs[MAX_GLOBS].span(),
            format!(
                "too many globs ({}): a list takes at most {MAX_GLOBS}",
                globs.len()
            ),
        ));
    }
    Globs::new(globs.iter().map(|g| g.get_ref().as_str())).map_err(|(i, m)| {
        let span = match i {
            Some(i) => globs[i].span(),
            None => globs
                .first()
                .map_or(0..0, |g| g.span().start..globs[globs.len() - 1].span().end),
        };
        err(span, format!("invalid glob: {m}"))
    })
}

/// `[external-links]`, validated.
#[derive(Debug, Clone)]
pub struct External {
    pub include: Vec<regex::Regex>,
    pub exclude: Vec<regex::Regex>,
    pub max_concurrency: usize,
    pub per_host: usize,
    pub connect_timeout: std::time::Duration,
    pub timeout: std::time::Duration,
    /// The whole batch of checks; URLs not done by then are reported as not checked.
    pub deadline: std::time::Duration,
    pub retries: u32,
    pub max_redirects: usize,
    pub cache: bool,
    pub cache_max_age: std::time::Duration,
}

impl Default for External {
    /// The defaults of `[external-links]` (the network edge uses them too).
    fn default() -> Self {
        use std::time::Duration;
        Self {
            include: Vec::new(),
            exclude: Vec::new(),
            max_concurrency: 32,
            per_host: 2,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            deadline: Duration::from_secs(5 * 60),
            retries: 3,
            max_redirects: 5,
            cache: true,
            cache_max_age: Duration::from_secs(24 * 3600),
        }
    }
}

impl External {
    /// Whether `url` (as requested) is to be checked.
    pub fn wants(&self, url: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|r| r.is_match(url)))
            && !self.exclude.iter().any(|r| r.is_match(url))
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            source_lang: "en".into(),
            layouts: Vec::new(),
            languages: BTreeMap::new(),
            severities: RuleId::ALL
                .iter()
                .map(|r| (*r, r.meta().default_on.then(|| r.default_severity())))
                .collect(),
            anchor_case: AnchorCase::Auto,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            exclude: Globs::default(),
            toc_titles: crate::parse::toc::DEFAULT_TITLES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            ignore_revs: Vec::new(),
            skip_commits: Vec::new(),
            config_path: None,
            packs: Vec::new(),
            declared: rule_file::RuleSet::default(),
            external: External::default(),
            overrides: Vec::new(),
            anchor_style: None,
            site: None,
            sites: Vec::new(),
            image_variants: Vec::new(),
        }
    }
}

impl Settings {
    /// Reads and validates the configuration file at `path` for the
    /// documentation root `root`: the file (and the rule files it names)
    /// must be regular files inside the root.
    pub fn load(path: &Path, root: &Path) -> Result<Self, ConfigError> {
        let text = read::read_inside(root, path, "configuration")?;
        Self::from_toml_in(path, &text, root)
    }

    /// Reads and validates a configuration file named on the command line
    /// (`--config`): the user chose it, so it may be anywhere — but if it is
    /// a symbolic link (which a pull request can plant), the file it leads
    /// to must be inside the current folder or the documentation root.
    pub fn load_explicit(path: &Path, root: &Path) -> Result<Self, ConfigError> {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let text = if !is_link {
            read::read_capped(path, "configuration")?
        } else {
            match read::read_inside(Path::new("."), path, "configuration") {
                Ok(text) => text,
                Err(_) => read::read_inside(root, path, "configuration")?,
            }
        };
        Self::from_toml_in(path, &text, root)
    }

    /// Parses and validates configuration text (`path` names it in errors;
    /// its folder is the documentation root).
    pub fn from_toml(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let root = path.parent().unwrap_or(Path::new("."));
        Self::from_toml_in(path, text, root)
    }

    /// Parses and validates configuration text for the documentation root `root`.
    pub fn from_toml_in(path: &Path, text: &str, root: &Path) -> Result<Self, ConfigError> {
        let raw: raw::RawConfig =
            toml::from_str(text).map_err(|e| ConfigError::toml(path, text, &e))?;
        let mut settings = Self::resolve(raw, path, text, root)?;
        settings.config_path = Some(path.to_path_buf());
        Ok(settings)
    }

    /// Validates raw configuration.
    pub fn resolve(
        raw: raw::RawConfig,
        path: &Path,
        text: &str,
        root: &Path,
    ) -> Result<Self, ConfigError> {
        let err = |span: Range<usize>, msg: String| ConfigError::at(path, text, span, msg);
        let mut s = Settings::default();
        if let Some(lang) = raw.source_lang {
            if !lang::is_code_shaped(lang.get_ref()) {
                return Err(err(
                    lang.span(),
                    format!("`{}` is not a language code", lang.get_ref()),
                ));
            }
            s.source_lang = lang.into_inner();
        }
        for (code, language) in raw.languages.unwrap_or_default() {
            if !lang::is_code_shaped(code.get_ref()) {
                return Err(err(
                    code.span(),
                    format!("`{}` is not a language code", code.get_ref()),
                ));
            }
            if !lang::is_code_shaped(language.get_ref()) {
                return Err(err(
                    language.span(),
                    format!(
                        "`{}` is not a language tag (expected something like `zh-Hans` or `ko`)",
                        language.get_ref()
                    ),
                ));
            }
            s.languages.insert(code.into_inner(), language.into_inner());
        }
        for layout in raw.documents.unwrap_or_default() {
            let parsed = Layout::new(layout.source.get_ref(), layout.translation.get_ref())
                .map_err(|e| {
                    let span = if e.in_source {
                        layout.source.span()
                    } else {
                        layout.translation.span()
                    };
                    err(span, e.message)
                })?;
            s.layouts.push(parsed);
        }
        for pack in raw.packs.unwrap_or_default() {
            if !rule_file::packs::names().contains(&pack.get_ref().as_str()) {
                return Err(err(
                    pack.span(),
                    format!(
                        "unknown rule pack `{}`: the shipped packs are {}",
                        pack.get_ref(),
                        rule_file::packs::names().join(", ")
                    ),
                ));
            }
            let set = rule_file::packs::get(pack.get_ref())?;
            for r in &set.rules {
                s.severities.insert(r.id, r.severity);
            }
            s.declared.append(set.clone());
            s.packs.push(pack.into_inner());
        }
        if let Some(dirs) = raw.rule_dirs {
            let base = path.parent().unwrap_or(Path::new("."));
            let before = s.declared.rules.len();
            rule_file::load_dirs(path, text, base, root, &dirs, &mut s.declared)?;
            for r in &s.declared.rules[before..] {
                s.severities.insert(r.id, r.severity);
            }
        }
        if raw.external == Some(true) {
            s.severities.insert(RuleId::DeadLink, Some(Severity::Error));
        }
        if let Some(e) = raw.external_links {
            s.external = resolve_external(e, &err)?;
        }
        for (name, severity) in raw.rules.unwrap_or_default() {
            let (rule, level) = rule_level(&mut s.declared, &name, &severity, &err)?;
            s.severities.insert(rule, level);
        }
        for o in raw.overrides.unwrap_or_default() {
            let files = globs(&o.files, &err)?;
            let mut rules = Vec::new();
            for (name, severity) in &o.rules {
                rules.push(rule_level(&mut s.declared, name, severity, &err)?);
            }
            let anchor_style = o
                .anchor_style
                .as_ref()
                .map(|a| anchor_style(a, &err))
                .transpose()?;
            s.overrides.push(Override {
                files,
                rules,
                anchor_style,
            });
        }
        if let Some(case) = raw.anchor_case {
            s.anchor_case = match case.get_ref().as_str() {
                "auto" => AnchorCase::Auto,
                "error" => AnchorCase::Error,
                "warning" => AnchorCase::Warning,
                "ignore" => AnchorCase::Ignore,
                other => {
                    return Err(err(
                        case.span(),
                        format!(
                            "invalid anchor-case `{other}`: expected \"auto\", \"error\", \"warning\" or \"ignore\""
                        ),
                    ));
                }
            };
        }
        if let Some(a) = &raw.anchor_style {
            s.anchor_style = Some(anchor_style(a, &err)?);
        }
        if let Some(site) = raw.site {
            s.site = Some(resolve_site(site, &err)?);
        }
        for v in raw.image_variants.unwrap_or_default() {
            let p = v.get_ref();
            if !p.contains("{lang}") || !p.contains("{stem}") {
                return Err(err(
                    v.span(),
                    format!(
                        "image variant `{p}` must contain `{{stem}}` and `{{lang}}` (e.g. `{{stem}}.{{lang}}.{{ext}}`)"
                    ),
                ));
            }
            s.image_variants.push(p.clone());
        }
        if let Some(size) = raw.max_file_size {
            s.max_file_size = parse_size(size.get_ref()).map_err(|m| err(size.span(), m))?;
        }
        s.exclude = globs(&raw.exclude.unwrap_or_default(), &err)?;
        for rev in raw.ignore_revs.unwrap_or_default() {
            let r = rev.get_ref().trim();
            if r.len() < 7 || !r.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err(
                    rev.span(),
                    format!("`{r}` is not a commit id (7 to 40 hexadecimal digits)"),
                ));
            }
            s.ignore_revs.push(r.to_ascii_lowercase());
        }
        for pattern in raw.skip_commits.unwrap_or_default() {
            let p = pattern.get_ref();
            if let Err(e) = regex::Regex::new(p) {
                return Err(err(
                    pattern.span(),
                    format!("`{p}` is not a valid pattern: {e}"),
                ));
            }
            s.skip_commits.push(p.clone());
        }
        if let Some(titles) = raw.toc.and_then(|t| t.titles) {
            s.toc_titles = titles;
        }
        Ok(s)
    }

    /// The rule named `name` for this root (see [`rule_file::RuleSet::resolve`]).
    pub fn rule_named(&mut self, name: &str) -> Result<Option<RuleId>, ConfigError> {
        self.declared.resolve(name)
    }

    /// " (did you mean `x`?)" among every rule this root could name.
    pub fn did_you_mean_rule(&self, name: &str) -> String {
        self.declared.suggest(name)
    }

    /// Whether parsing must build text runs: a declarative rule or the
    /// glossary will run.
    pub fn needs_text_runs(&self) -> bool {
        self.declared.rules.iter().any(|r| self.is_enabled(r.id))
            || (!self.declared.glossary.is_empty() && self.is_enabled(RuleId::GlossaryTerm))
    }

    /// The effective severity of `rule`, or `None` when it is off.
    pub fn severity(&self, rule: RuleId) -> Option<Severity> {
        self.severities
            .get(&rule)
            .copied()
            .unwrap_or_else(|| rule.meta().default_on.then(|| rule.default_severity()))
    }

    pub fn is_enabled(&self, rule: RuleId) -> bool {
        self.severity(rule).is_some()
    }

    /// The heading-id dialect of the file at `path`: the last
    /// `[[overrides]]` table that matches it and sets one, else
    /// `anchor-style`, else its site's, else GitHub's.
    pub fn anchor_style_for(&self, path: &str) -> AnchorStyle {
        for o in self.overrides.iter().rev() {
            if let Some(a) = o.anchor_style
                && o.files.matches(path)
            {
                return a;
            }
        }
        if let Some(a) = self.anchor_style {
            return a;
        }
        self.site_for(path)
            .and_then(|s| s.anchor_style)
            .unwrap_or_default()
    }

    /// The docs site that serves `path` (the innermost), if any.
    pub fn site_for(&self, path: &str) -> Option<&site::Site> {
        self.sites.iter().find(|s| s.contains(path))
    }

    /// The attribute-list delimiters of the site of `path`, when not `{` `}`.
    pub fn attr_delimiters_for(&self, path: &str) -> Option<&(String, String)> {
        self.site_for(path).and_then(|s| s.attr_delimiters.as_ref())
    }

    /// Whether the site of `path` passes link fragments through its slug function.
    pub fn slugs_fragments_for(&self, path: &str) -> bool {
        self.site_for(path).is_some_and(|s| s.slugs_fragments)
    }

    /// Whether any file may use another dialect than GitHub's.
    pub fn has_dialects(&self) -> bool {
        self.anchor_style.is_some_and(|a| a != AnchorStyle::Github)
            || self.overrides.iter().any(|o| o.anchor_style.is_some())
            || self
                .sites
                .iter()
                .any(|s| s.anchor_style.is_some() || s.attr_delimiters.is_some())
    }

    /// The level of `rule` in the file at `path` (relative to the root): the
    /// last `[[overrides]]` table that matches the file and names the rule,
    /// else the run's level. `None` when the rule is off there.
    pub fn severity_in(&self, rule: RuleId, path: &str) -> Option<Severity> {
        let level = self.severity(rule)?;
        for o in self.overrides.iter().rev() {
            if let Some(&(_, l)) = o.rules.iter().find(|(r, _)| *r == rule)
                && o.files.matches(path)
            {
                return l;
            }
        }
        Some(level)
    }

    pub fn is_enabled_in(&self, rule: RuleId, path: &str) -> bool {
        self.severity_in(rule, path).is_some()
    }

    /// Applies `--select` (only these rules) and `--ignore` (not these).
    pub fn select(&mut self, select: &[RuleId], ignore: &[RuleId]) {
        if !select.is_empty() {
            for (rule, level) in self.severities.iter_mut() {
                if !select.contains(rule) && !rule.always_on() {
                    *level = None;
                } else if level.is_none() {
                    *level = Some(rule.default_severity());
                }
            }
            for rule in select {
                self.severities
                    .entry(*rule)
                    .or_insert(Some(rule.default_severity()));
            }
        }
        for rule in ignore {
            if !rule.always_on() {
                self.severities.insert(*rule, None);
            }
        }
    }

    /// The language a file-name code stands for (`kr` → `ko`).
    pub fn language_of(&self, code: &str) -> String {
        self.languages
            .get(code)
            .cloned()
            .unwrap_or_else(|| lang::canonical(code))
    }
}

/// A `rule = "level"` pair of `[rules]` or `[[overrides]]`.
fn rule_level(
    declared: &mut rule_file::RuleSet,
    name: &toml::Spanned<String>,
    severity: &toml::Spanned<String>,
    err: &dyn Fn(Range<usize>, String) -> ConfigError,
) -> Result<(RuleId, Option<Severity>), ConfigError> {
    let Some(rule) = declared.resolve(name.get_ref())? else {
        return Err(err(
            name.span(),
            format!(
                "unknown rule `{}`{}",
                name.get_ref(),
                declared.suggest(name.get_ref())
            ),
        ));
    };
    let level = match severity.get_ref().as_str() {
        "off" => None,
        s if Severity::from_name(s).is_some() => Severity::from_name(s),
        other => {
            return Err(err(
                severity.span(),
                format!(
                    "invalid severity `{other}` for `{}`: expected \"error\", \"warning\", \"info\" or \"off\"",
                    name.get_ref()
                ),
            ));
        }
    };
    Ok((rule, level))
}

fn resolve_external(
    e: raw::RawExternal,
    err: &dyn Fn(Range<usize>, String) -> ConfigError,
) -> Result<External, ConfigError> {
    let mut x = External::default();
    let regexes =
        |list: Option<Vec<toml::Spanned<String>>>| -> Result<Vec<regex::Regex>, ConfigError> {
            list.unwrap_or_default()
                .iter()
                .map(|p| {
                    regex::RegexBuilder::new(p.get_ref())
                        .size_limit(rule_file::REGEX_SIZE_LIMIT)
                        .build()
                        .map_err(|e| err(p.span(), format!("invalid regex: {e}")))
                })
                .collect()
        };
    x.include = regexes(e.include)?;
    x.exclude = regexes(e.exclude)?;
    let count = |v: Option<toml::Spanned<i64>>, min: i64, max: i64, default: usize| match v {
        None => Ok(default),
        Some(n) if (min..=max).contains(n.get_ref()) => Ok(*n.get_ref() as usize),
        Some(n) => Err(err(
            n.span(),
            format!("expected a number from {min} to {max}"),
        )),
    };
    x.max_concurrency = count(e.max_concurrency, 1, 1024, x.max_concurrency)?;
    x.per_host = count(e.per_host, 1, 64, x.per_host)?;
    x.retries = count(e.retries, 0, 10, x.retries as usize)? as u32;
    x.max_redirects = count(e.max_redirects, 0, 20, x.max_redirects)?;
    let duration = |v: Option<toml::Spanned<toml::Value>>, default| match v {
        None => Ok(default),
        Some(v) => parse_duration(v.get_ref()).map_err(|m| err(v.span(), m)),
    };
    x.connect_timeout = duration(e.connect_timeout, x.connect_timeout)?;
    x.timeout = duration(e.timeout, x.timeout)?;
    if let Some(v) = &e.deadline
        && parse_duration(v.get_ref()).is_ok_and(|d| d.is_zero())
    {
        return Err(err(
            v.span(),
            "the deadline must be longer than zero (it bounds the whole batch of checks)".into(),
        ));
    }
    x.deadline = duration(e.deadline, x.deadline)?;
    x.cache_max_age = duration(e.cache_max_age, x.cache_max_age)?;
    if let Some(c) = e.cache {
        x.cache = c;
    }
    Ok(x)
}

/// `20` (seconds), `"500ms"`, `"20s"`, `"5m"`, `"2h"`, `"1d"`.
fn parse_duration(v: &toml::Value) -> Result<std::time::Duration, String> {
    use std::time::Duration;
    let bad = || {
        "expected a duration: seconds, or a string like \"500ms\", \"20s\", \"5m\", \"1d\""
            .to_string()
    };
    match v {
        toml::Value::Integer(n) if *n >= 0 => Ok(Duration::from_secs(*n as u64)),
        toml::Value::String(s) => {
            let t = s.trim();
            let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
            let (num, unit) = t.split_at(split);
            let n: u64 = num.parse().map_err(|_| bad())?;
            let ms = match unit.trim() {
                "ms" => 1,
                "s" | "" => 1000,
                "m" | "min" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => return Err(bad()),
            };
            Ok(Duration::from_millis(n.saturating_mul(ms)))
        }
        _ => Err(bad()),
    }
}

/// `10485760`, `"10 MiB"`, `"512k"`, `"2MB"`.
fn parse_size(v: &toml::Value) -> Result<u64, String> {
    match v {
        // (capped at the largest text lockstep reads)
        toml::Value::Integer(n) if *n > 0 => Ok((*n as u64).min(crate::source::MAX_TEXT)),
        toml::Value::String(s) => {
            let t = s.trim();
            let split = t
                .find(|c: char| !c.is_ascii_digit() && c != '.')
                .unwrap_or(t.len());
            let (num, unit) = t.split_at(split);
            let num: f64 = num
                .parse()
                .map_err(|_| format!("invalid size `{s}`: expected e.g. \"10 MiB\""))?;
            let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
                "" | "b" => 1.0,
                "k" | "kb" | "kib" => 1024.0,
                "m" | "mb" | "mib" => 1024.0 * 1024.0,
                "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
                other => return Err(format!("invalid size unit `{other}` in `{s}`")),
            };
            let bytes = num * mult;
            if bytes < 1.0 {
                return Err(format!("size `{s}` must be at least one byte"));
            }
            Ok((bytes as u64).min(crate::source::MAX_TEXT))
        }
        _ => Err(
            "max-file-size must be a positive number of bytes or a string like \"10 MiB\"".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Settings, ConfigError> {
        Settings::from_toml(Path::new("lockstep.toml"), text)
    }

    #[test]
    fn unknown_key_points_at_it() {
        let e = load("source-lang = \"en\"\nbogus = 1\n").unwrap_err();
        assert_eq!(e.line_col(), Some((2, 1)));
        assert!(e.message.contains("unknown field `bogus`"), "{}", e.message);
    }

    #[test]
    fn bad_severity_points_at_value() {
        let e = load("[rules]\nbroken-link = \"loud\"\n").unwrap_err();
        assert_eq!(e.line_col(), Some((2, 15)));
        assert!(e.message.contains("invalid severity"));
    }

    #[test]
    fn unknown_rule() {
        let e = load("[rules]\nbroken-links = \"off\"\n").unwrap_err();
        assert!(
            e.message.contains("did you mean `broken-link`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(
            parse_size(&toml::Value::String("10 MiB".into())),
            Ok(10 << 20)
        );
        assert_eq!(parse_size(&toml::Value::Integer(5)), Ok(5));
        assert!(parse_size(&toml::Value::String("ten".into())).is_err());
    }

    #[test]
    fn wrong_type() {
        let e = load("source-lang = 3\n").unwrap_err();
        assert_eq!(e.line_col(), Some((1, 15)));
    }

    #[test]
    fn external_deadline() {
        use std::time::Duration;
        let s = load("").unwrap();
        assert_eq!(s.external.deadline, Duration::from_secs(300));
        let s = load("[external-links]\ndeadline = \"90s\"\n").unwrap();
        assert_eq!(s.external.deadline, Duration::from_secs(90));
        let s = load("[external-links]\ndeadline = 600\n").unwrap();
        assert_eq!(s.external.deadline, Duration::from_secs(600));
        let e = load("[external-links]\ndeadline = \"later\"\n").unwrap_err();
        assert_eq!(e.line_col(), Some((2, 12)));
        assert!(e.message.contains("expected a duration"), "{}", e.message);
        let e = load("[external-links]\ndeadline = \"0s\"\n").unwrap_err();
        assert_eq!(e.line_col(), Some((2, 12)));
        assert!(e.message.contains("longer than zero"), "{}", e.message);
    }
}
