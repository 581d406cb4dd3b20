//! Declarative rules: content rules and a glossary as data (`rules/*.toml`).
//!
//! A rule file holds `[[rule]]` tables (a pattern, the text scopes it looks
//! at, a message, an optional replacement) and `[[glossary]]` tables (a term
//! per language). Shipped packs are compiled into the binary ([`packs`]); a
//! project adds its own folders with `rule-dirs`. Rule files are untrusted
//! input (they may come from a pull request): every problem is a
//! [`ConfigError`] pointing at the file, line and column, patterns run on
//! Rust's linear-time regex engine with a compiled-size cap, and nothing here
//! panics on bad input.
//!
//! Loading is I/O at the configuration boundary; matching ([`engine`]) is
//! pure.

pub mod engine;
pub mod packs;
mod raw;
pub mod template;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::{Regex, RegexBuilder};
use toml::Spanned;

use crate::config::ConfigError;
use crate::diagnostic::Severity;
use crate::parse::TextScope;
use crate::rules::{RuleId, RuleKind, RuleMeta, registry};

pub use self::template::Template;

/// Compiled patterns may not exceed this size (a rule file is untrusted).
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Which editions a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LangSel {
    /// `*`: every edition.
    Any,
    /// `source`: the source edition (and single-edition documents).
    Source,
    /// `translations`: every translated edition.
    Translations,
    /// A language (`ko`, `zh`, `zh-Hant`): editions in it or a variant of it.
    Lang(String),
}

/// The edition of a file, as filters see it.
#[derive(Debug, Clone, Copy)]
pub struct EditionInfo<'a> {
    /// The language the file is written in (canonical tag).
    pub language: &'a str,
    pub is_translation: bool,
}

/// Whether `language` (a canonical tag) is `sel` or a variant of it.
pub fn lang_matches(sel: &str, language: &str) -> bool {
    let sel = sel.to_ascii_lowercase();
    let language = language.to_ascii_lowercase();
    language == sel
        || language
            .strip_prefix(sel.as_str())
            .is_some_and(|rest| rest.starts_with('-'))
}

impl LangSel {
    fn accepts(&self, e: EditionInfo<'_>) -> bool {
        match self {
            LangSel::Any => true,
            LangSel::Source => !e.is_translation,
            LangSel::Translations => e.is_translation,
            LangSel::Lang(l) => lang_matches(l, e.language),
        }
    }
}

/// Where a definition is: a rule file and the byte range of its id.
#[derive(Debug, Clone)]
pub struct Origin {
    /// As shown: `rules/house.toml`, or `markdown` for a shipped pack.
    pub file: String,
    pub line: usize,
}

/// One `[[rule]]`, compiled.
#[derive(Debug, Clone)]
pub struct DeclaredRule {
    pub id: RuleId,
    pub name: String,
    pub message: Template,
    /// `None`: off unless selected.
    pub severity: Option<Severity>,
    pub regex: Regex,
    /// A match that also matches this pattern is ignored.
    pub unless: Option<Regex>,
    /// The text before a match must end with this (anchored `(?:…)$`).
    pub preceded_by: Option<Regex>,
    /// The text after a match must start with this (anchored `^(?:…)`).
    pub followed_by: Option<Regex>,
    pub scopes: Vec<TextScope>,
    pub langs: Vec<LangSel>,
    pub files: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    pub replace: Option<Template>,
    pub unsafe_fix: bool,
    pub examples_fail: Vec<String>,
    pub examples_pass: Vec<String>,
    pub docs: String,
    /// The pack (`markdown`) or the rule file (`rules/house.toml`).
    pub pack: String,
    pub origin: Origin,
}

impl DeclaredRule {
    /// Whether the rule looks at a file of this edition at this path
    /// (relative to the documentation root).
    pub fn applies_to(&self, path: &str, edition: EditionInfo<'_>) -> bool {
        self.langs.iter().any(|l| l.accepts(edition))
            && self.files.as_ref().is_none_or(|g| g.is_match(path))
            && !self.exclude.as_ref().is_some_and(|g| g.is_match(path))
    }
}

/// One `[[glossary]]` entry: a term in several languages.
#[derive(Debug, Clone)]
pub struct GlossaryEntry {
    /// Language (as written in the file) → accepted forms of the term.
    pub terms: BTreeMap<String, Vec<String>>,
    /// Per language: case-insensitive matchers for the forms.
    pub matchers: BTreeMap<String, Regex>,
    /// The translation may keep the source term verbatim.
    pub allow_source: bool,
    pub origin: Origin,
}

impl GlossaryEntry {
    /// The forms and matcher for `language` (a canonical tag): the most
    /// specific key that matches it.
    pub fn for_language(&self, language: &str) -> Option<(&str, &[String], &Regex)> {
        self.terms
            .iter()
            .filter(|(k, _)| lang_matches(&crate::discover::lang::canonical(k), language))
            .max_by_key(|(k, _)| k.len())
            .and_then(|(k, v)| Some((k.as_str(), v.as_slice(), self.matchers.get(k)?)))
    }
}

/// The declarative rules and glossary of one configuration.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Arc<DeclaredRule>>,
    pub glossary: Vec<Arc<GlossaryEntry>>,
}

impl RuleSet {
    /// Adds `other`'s rules and glossary (ids were checked against this set
    /// when `other` was parsed).
    fn append(&mut self, other: RuleSet) {
        self.rules.extend(other.rules);
        self.glossary.extend(other.glossary);
    }
}

/// Parses and validates one rule file. `display` names it in messages and
/// is the pack of its rules; `path` names it in errors.
pub fn parse_file(
    path: &Path,
    display: &str,
    text: &str,
    existing: &RuleSet,
) -> Result<RuleSet, ConfigError> {
    let err = |span: Range<usize>, msg: String| ConfigError::at(path, text, span, msg);
    let file: raw::RawRuleFile = toml::from_str(text).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        text: text.to_string(),
        span: e.span(),
        message: e.message().trim().to_string(),
    })?;
    let line_of = |offset: usize| {
        crate::source::LineIndex::new(text)
            .line_col(text, offset)
            .line
    };
    let mut out = RuleSet::default();
    for r in file.rule.unwrap_or_default() {
        let (rule, span) = compile_rule(r, display, text, &err, &line_of)?;
        if let Some(prev) = existing
            .rules
            .iter()
            .chain(&out.rules)
            .find(|p| p.name == rule.name)
        {
            return Err(err(
                span,
                format!(
                    "duplicate rule id `{}`: also defined in {} (line {})",
                    rule.name, prev.origin.file, prev.origin.line
                ),
            ));
        }
        out.rules.push(Arc::new(rule));
    }
    for g in file.glossary.unwrap_or_default() {
        out.glossary
            .push(Arc::new(compile_glossary(g, display, &err, &line_of)?));
    }
    // Registered only when the whole file is valid.
    for r in &mut out.rules {
        let rule = Arc::make_mut(r);
        rule.id = RuleId::Declared(registry::register(meta_of(rule), &rule.pack));
    }
    Ok(out)
}

type ErrFn<'a> = dyn Fn(Range<usize>, String) -> ConfigError + 'a;

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn severity_of(s: &Spanned<String>, err: &ErrFn<'_>) -> Result<Option<Severity>, ConfigError> {
    match s.get_ref().as_str() {
        "error" => Ok(Some(Severity::Error)),
        "warning" => Ok(Some(Severity::Warning)),
        "info" => Ok(Some(Severity::Info)),
        "off" => Ok(None),
        other => Err(err(
            s.span(),
            format!(
                "invalid severity `{other}`: expected \"error\", \"warning\", \"info\" or \"off\""
            ),
        )),
    }
}

/// Compiles a pattern, pointing at the offending character when the pattern
/// is a literal string ('…') in the file.
pub fn compile_pattern(
    pattern: &Spanned<String>,
    what: &str,
    err: &ErrFn<'_>,
    text: Option<&str>,
) -> Result<Regex, ConfigError> {
    let p = pattern.get_ref();
    let span = pattern.span();
    // Where the pattern's own characters start in the file, if they map 1:1.
    let literal_at = text.and_then(|t| {
        let raw = t.get(span.clone())?;
        (raw.starts_with('\'') && !raw.starts_with("'''") && raw[1..].starts_with(p.as_str()))
            .then_some(span.start + 1)
    });
    if let Err(e) = regex_syntax::ParserBuilder::new().build().parse(p) {
        let (offset, message) = match &e {
            regex_syntax::Error::Parse(a) => (a.span().start.offset, a.kind().to_string()),
            regex_syntax::Error::Translate(h) => (h.span().start.offset, h.kind().to_string()),
            other => (0, other.to_string()),
        };
        let hint = if message.contains("look-around") || message.contains("backreference") {
            " (lockstep uses Rust's regex syntax, which has no look-around or back-references \
             so that every pattern runs in linear time; `unless` can drop unwanted matches)"
        } else {
            ""
        };
        let at = match literal_at {
            Some(start) => start + offset..start + offset + 1,
            None => span,
        };
        return Err(err(at, format!("invalid {what}: {message}{hint}")));
    }
    RegexBuilder::new(p)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => err(
                span.clone(),
                format!(
                    "{what} is too large: it compiles to more than {} KiB (the limit for rule files); simplify it",
                    limit / 1024
                ),
            ),
            other => err(span.clone(), format!("invalid {what}: {other}")),
        })
}

fn globs(list: &[Spanned<String>], err: &ErrFn<'_>) -> Result<Option<GlobSet>, ConfigError> {
    if list.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in list {
        let glob = GlobBuilder::new(g.get_ref())
            .literal_separator(true)
            .build()
            .map_err(|e| err(g.span(), format!("invalid glob: {}", e.kind())))?;
        b.add(glob);
    }
    b.build()
        .map(Some)
        .map_err(|e| err(list[0].span(), format!("invalid glob: {e}")))
}

fn compile_rule(
    r: raw::RawRule,
    pack: &str,
    text: &str,
    err: &ErrFn<'_>,
    line_of: &dyn Fn(usize) -> usize,
) -> Result<(DeclaredRule, Range<usize>), ConfigError> {
    let id_span = r.id.span();
    let name = r.id.get_ref().clone();
    if !is_kebab(&name) {
        return Err(err(
            id_span,
            format!(
                "rule id `{name}` must be kebab-case (`no-todo`): lowercase letters, digits and single hyphens"
            ),
        ));
    }
    if RuleId::ALL.iter().any(|b| b.name() == name) {
        return Err(err(
            id_span,
            format!("rule id `{name}` is the name of a built-in rule"),
        ));
    }
    let regex = compile_pattern(&r.pattern, "pattern", err, Some(text))?;
    let unless = match &r.unless {
        Some(u) => Some(compile_pattern(u, "`unless` pattern", err, Some(text))?),
        None => None,
    };
    // Context patterns are checked as written, then anchored.
    let anchored = |p: &Option<Spanned<String>>, what: &str, wrap: fn(&str) -> String| {
        p.as_ref()
            .map(|p| -> Result<Regex, ConfigError> {
                compile_pattern(p, what, err, Some(text))?;
                let wrapped = Spanned::new(p.span(), wrap(p.get_ref()));
                compile_pattern(&wrapped, what, err, None)
            })
            .transpose()
    };
    let preceded_by = anchored(&r.preceded_by, "`preceded-by` pattern", |p| {
        format!("(?:{p})$")
    })?;
    let followed_by = anchored(&r.followed_by, "`followed-by` pattern", |p| {
        format!("^(?:{p})")
    })?;
    let groups: Vec<Option<String>> = regex
        .capture_names()
        .map(|n| n.map(str::to_string))
        .collect();
    let message = Template::parse(r.message.get_ref(), &groups)
        .map_err(|m| err(r.message.span(), format!("invalid message: {m}")))?;
    let replace = match &r.replace {
        Some(rep) => Some(
            Template::parse(rep.get_ref(), &groups)
                .map_err(|m| err(rep.span(), format!("invalid replace: {m}")))?,
        ),
        None => None,
    };
    let severity = match &r.severity {
        Some(s) => severity_of(s, err)?,
        None => Some(Severity::Warning),
    };
    let scopes = match &r.scope {
        None => vec![
            TextScope::Prose,
            TextScope::Heading,
            TextScope::LinkText,
            TextScope::ImageAlt,
        ],
        Some(list) => {
            if list.get_ref().is_empty() {
                return Err(err(
                    list.span(),
                    "scope must name at least one scope".into(),
                ));
            }
            let mut out = Vec::new();
            for s in list.get_ref() {
                let scope = TextScope::from_name(s.get_ref()).ok_or_else(|| {
                    err(
                        s.span(),
                        format!(
                            "unknown scope `{}`: expected one of {}",
                            s.get_ref(),
                            TextScope::ALL
                                .iter()
                                .map(|s| s.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })?;
                if !out.contains(&scope) {
                    out.push(scope);
                }
            }
            out
        }
    };
    let mut langs = Vec::new();
    for l in r.langs.as_deref().unwrap_or_default() {
        langs.push(match l.get_ref().as_str() {
            "*" => LangSel::Any,
            "source" => LangSel::Source,
            "translations" => LangSel::Translations,
            code if crate::discover::lang::is_known_code(code) => {
                LangSel::Lang(crate::discover::lang::canonical(code))
            }
            other => {
                return Err(err(
                    l.span(),
                    format!(
                        "`{other}` is not a language code (or \"*\", \"source\", \"translations\")"
                    ),
                ));
            }
        });
    }
    if langs.is_empty() {
        langs.push(LangSel::Any);
    }
    let files = globs(r.files.as_deref().unwrap_or_default(), err)?;
    let exclude = globs(r.exclude.as_deref().unwrap_or_default(), err)?;
    if r.unsafe_.is_some() && r.replace.is_none() {
        return Err(err(
            id_span,
            "`unsafe` only applies to a rule with `replace`".into(),
        ));
    }
    let (examples_fail, examples_pass) = match r.examples {
        Some(e) => (e.fail.unwrap_or_default(), e.pass.unwrap_or_default()),
        None => (Vec::new(), Vec::new()),
    };
    let docs = r
        .docs
        .map(|d| d.into_inner().trim().to_string())
        .unwrap_or_default();
    Ok((
        DeclaredRule {
            id: RuleId::Declared(u32::MAX),
            name,
            message,
            severity,
            regex,
            unless,
            preceded_by,
            followed_by,
            scopes,
            langs,
            files,
            exclude,
            replace,
            unsafe_fix: r.unsafe_.unwrap_or(false),
            examples_fail,
            examples_pass,
            docs,
            pack: pack.to_string(),
            origin: Origin {
                file: pack.to_string(),
                line: line_of(id_span.start),
            },
        },
        id_span,
    ))
}

fn compile_glossary(
    g: raw::RawGlossary,
    file: &str,
    err: &ErrFn<'_>,
    line_of: &dyn Fn(usize) -> usize,
) -> Result<GlossaryEntry, ConfigError> {
    let mut terms = BTreeMap::new();
    let mut matchers = BTreeMap::new();
    let mut allow_source = false;
    let mut first = usize::MAX;
    let table_span = g.span();
    for (key, value) in g.into_inner() {
        first = first.min(key.span().start);
        let k = key.get_ref().as_str();
        if k == "allow-source" {
            allow_source = value
                .get_ref()
                .as_bool()
                .ok_or_else(|| err(value.span(), "allow-source must be true or false".into()))?;
            continue;
        }
        if !crate::discover::lang::is_known_code(k) {
            return Err(err(
                key.span(),
                format!(
                    "`{k}` is not a language code (a glossary entry maps language codes to terms, plus `allow-source`)"
                ),
            ));
        }
        let forms: Vec<String> = match value.get_ref() {
            toml::Value::String(s) => vec![s.clone()],
            toml::Value::Array(a) => a
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| err(value.span(), "expected a term or a list of terms".into()))?,
            _ => {
                return Err(err(
                    value.span(),
                    "expected a term or a list of terms".into(),
                ));
            }
        };
        if forms.is_empty() || forms.iter().any(|f| f.trim().is_empty()) {
            return Err(err(value.span(), "a glossary term cannot be empty".into()));
        }
        let alternatives: Vec<String> = forms.iter().map(|f| regex::escape(f.trim())).collect();
        // A term starts at a word boundary when it starts with a word
        // character; inflections may follow (`cache` matches `caches`).
        let boundary = if forms
            .iter()
            .all(|f| f.trim().starts_with(|c: char| c.is_alphanumeric()))
        {
            r"\b"
        } else {
            ""
        };
        let pattern = format!("(?i){boundary}(?:{})", alternatives.join("|"));
        let re = RegexBuilder::new(&pattern)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| err(value.span(), format!("glossary term too large: {e}")))?;
        matchers.insert(k.to_string(), re);
        terms.insert(k.to_string(), forms);
    }
    if terms.len() < 2 {
        return Err(err(
            table_span,
            "a glossary entry needs a term in at least two languages".into(),
        ));
    }
    Ok(GlossaryEntry {
        terms,
        matchers,
        allow_source,
        origin: Origin {
            file: file.to_string(),
            line: line_of(if first == usize::MAX { 0 } else { first }),
        },
    })
}

/// The rule's description for the registry (`lockstep rules`, SARIF).
fn meta_of(r: &DeclaredRule) -> RuleMeta {
    let summary = first_sentence(&r.docs).unwrap_or_else(|| r.message.to_string());
    let mut docs = String::from("## What it does\n");
    docs.push_str(&format!(
        "Reports text matching `{}` in {} ({}).",
        r.regex.as_str(),
        r.scopes
            .iter()
            .map(|s| format!("`{}`", s.name()))
            .collect::<Vec<_>>()
            .join(", "),
        describe_langs(&r.langs)
    ));
    if let Some(p) = &r.preceded_by {
        docs.push_str(&format!(
            " Only where the text before matches `{}`.",
            p.as_str()
        ));
    }
    if let Some(f) = &r.followed_by {
        docs.push_str(&format!(
            " Only where the text after matches `{}`.",
            f.as_str()
        ));
    }
    if let Some(u) = &r.unless {
        docs.push_str(&format!(
            " Matches that match `{}` are ignored.",
            u.as_str()
        ));
    }
    docs.push_str(&format!("\n\nMessage: {}\n", r.message));
    if !r.docs.is_empty() {
        docs.push_str(&format!("\n## Why\n{}\n", r.docs));
    }
    if !r.examples_fail.is_empty() || !r.examples_pass.is_empty() {
        docs.push_str("\n## Examples\n");
        for e in &r.examples_fail {
            docs.push_str(&format!("- reported: {}\n", code(&e.replace('\n', "\\n"))));
        }
        for e in &r.examples_pass {
            docs.push_str(&format!(
                "- not reported: {}\n",
                code(&e.replace('\n', "\\n"))
            ));
        }
    }
    docs.push_str("\n## Fix safety\n");
    match &r.replace {
        Some(t) => docs.push_str(&format!(
            "{} fix: the match is replaced with `{}` (only where the matched text is written literally in the file).\n",
            if r.unsafe_fix { "Unsafe" } else { "Safe" },
            t
        )),
        None => docs.push_str("No automatic fix.\n"),
    }
    docs.push_str(&format!(
        "\nDefined in {} (line {}).\n",
        r.origin.file, r.origin.line
    ));
    RuleMeta {
        name: registry::leak_str(&r.name),
        summary: registry::leak_str(&summary),
        severity: r.severity.unwrap_or(Severity::Warning),
        default_on: false,
        kind: RuleKind::Declarative,
        docs: registry::leak_str(&docs),
    }
}

/// `s` as Markdown inline code, with a backtick fence longer than any run
/// of backticks inside it.
fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{s}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

/// The first sentence of `docs` (up to `. ` or `。`), whitespace collapsed.
fn first_sentence(docs: &str) -> Option<String> {
    let para = docs.split("\n\n").next()?;
    let flat = para.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = flat.find(". ").map_or(flat.len(), |i| i + 1);
    let s = flat[..end].trim().trim_end_matches('.').to_string();
    (!s.is_empty()).then_some(s)
}

fn describe_langs(langs: &[LangSel]) -> String {
    let parts: Vec<String> = langs
        .iter()
        .map(|l| match l {
            LangSel::Any => "every edition".into(),
            LangSel::Source => "the source edition".into(),
            LangSel::Translations => "translations".into(),
            LangSel::Lang(c) => format!("`{c}` editions"),
        })
        .collect();
    parts.join(", ")
}

/// The `*.toml` files in `dir`, sorted by name.
fn rule_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Loads every rule file in `dir` into `set`; `display` names each file.
fn load_folder(
    dir: &Path,
    set: &mut RuleSet,
    display: impl Fn(&Path) -> String,
    unreadable: impl FnOnce(std::io::Error) -> ConfigError,
) -> Result<(), ConfigError> {
    for f in rule_files(dir).map_err(unreadable)? {
        let loaded = load_file(&f, &display(&f), set)?;
        set.append(loaded);
    }
    Ok(())
}

/// Loads every `*.toml` file in each of `dirs` (relative to `base`, sorted by
/// name) into `set`. `dirs` carry their spans in `config` for errors.
pub fn load_dirs(
    config_path: &Path,
    config_text: &str,
    base: &Path,
    dirs: &[Spanned<String>],
    set: &mut RuleSet,
) -> Result<(), ConfigError> {
    for d in dirs {
        let dir = base.join(d.get_ref());
        load_folder(
            &dir,
            set,
            |f| display_path(base, f),
            |e| {
                ConfigError::at(
                    config_path,
                    config_text,
                    d.span(),
                    format!("cannot read the rule folder {}: {e}", dir.display()),
                )
            },
        )?;
    }
    Ok(())
}

/// Every `*.toml` rule file in `dir` (or the single file `dir`), on its
/// own: ids must be unique among these files only (`lockstep rules --test`).
pub fn load_standalone(dir: &Path) -> Result<RuleSet, ConfigError> {
    let mut set = RuleSet::default();
    if dir.is_file() {
        return load_file(dir, &dir.to_string_lossy(), &set);
    }
    load_folder(
        dir,
        &mut set,
        |f| f.to_string_lossy().replace('\\', "/"),
        |e| ConfigError {
            path: dir.to_path_buf(),
            text: String::new(),
            span: None,
            message: format!("cannot read the rule folder: {e}"),
        },
    )?;
    Ok(set)
}

/// Reads and parses one rule file.
pub fn load_file(path: &Path, display: &str, existing: &RuleSet) -> Result<RuleSet, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        text: String::new(),
        span: None,
        message: format!("cannot read the rule file: {e}"),
    })?;
    parse_file(path, display, &text, existing)
}

fn display_path(base: &Path, f: &Path) -> String {
    f.strip_prefix(base)
        .unwrap_or(f)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RuleSet, ConfigError> {
        parse_file(
            Path::new("rules/house.toml"),
            "rules/house.toml",
            text,
            &RuleSet::default(),
        )
    }

    /// `file:line:col: message` of the error `text` gives.
    fn error(text: &str) -> String {
        parse(text).expect_err("an error").to_string()
    }

    const OK: &str = "[[rule]]\nid = \"no-foo\"\nmessage = \"foo: {0}\"\npattern = 'foo'\n";

    #[test]
    fn a_valid_rule_loads_with_defaults() {
        let set = parse(OK).unwrap();
        let r = &set.rules[0];
        assert_eq!(r.name, "no-foo");
        assert_eq!(r.severity, Some(Severity::Warning));
        assert_eq!(r.langs, [LangSel::Any]);
        assert_eq!(r.scopes.len(), 4);
        assert_eq!(r.origin.line, 2);
        assert_eq!(RuleId::from_name("no-foo"), Some(r.id));
        assert_eq!(r.id.pack(), "rules/house.toml");
    }

    #[test]
    fn malformed_toml_and_unknown_keys_point_at_the_place() {
        assert_eq!(
            error("[[rule]]\nid = \"x\nmessage = 1\n"),
            "rules/house.toml:2:8: invalid basic string, expected `\"`"
        );
        assert!(
            error(
                "[[rule]]\nid = \"no-foo\"\nmessage = \"m\"\npattern = 'x'\nscopes = [\"prose\"]\n"
            )
            .starts_with("rules/house.toml:5:1: unknown field `scopes`, expected one of")
        );
        assert!(
            error("[[rules]]\nid = \"x\"\n")
                .starts_with("rules/house.toml:1:3: unknown field `rules`")
        );
        assert!(
            error("[[rule]]\nid = \"no-foo\"\npattern = 'x'\n").contains("missing field `message`")
        );
    }

    #[test]
    fn ids_must_be_kebab_case_new_and_unique() {
        assert_eq!(
            error(&OK.replace("no-foo", "No_Foo")),
            "rules/house.toml:2:6: rule id `No_Foo` must be kebab-case (`no-todo`): lowercase letters, digits and single hyphens"
        );
        assert_eq!(
            error(&OK.replace("no-foo", "broken-link")),
            "rules/house.toml:2:6: rule id `broken-link` is the name of a built-in rule"
        );
        assert_eq!(
            error(&format!("{OK}\n{OK}")),
            "rules/house.toml:7:6: duplicate rule id `no-foo`: also defined in rules/house.toml (line 2)"
        );
        // Against rules loaded before (a shipped pack, another file).
        let shipped = crate::declarative::packs::get("markdown").unwrap();
        let e = parse_file(
            Path::new("rules/house.toml"),
            "rules/house.toml",
            &OK.replace("no-foo", "no-todo"),
            shipped,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "rules/house.toml:2:6: duplicate rule id `no-todo`: also defined in markdown (line 6)"
        );
    }

    #[test]
    fn bad_patterns_point_into_the_pattern() {
        assert_eq!(
            error(&OK.replace("'foo'", "'fo(o'")),
            "rules/house.toml:4:14: invalid pattern: unclosed group"
        );
        let look = error(&OK.replace("'foo'", "'foo(?=bar)'"));
        assert!(
            look.starts_with("rules/house.toml:4:15: invalid pattern: look-around, including look-ahead and look-behind, is not supported (lockstep uses Rust's regex syntax"),
            "{look}"
        );
        let back = error(&OK.replace("'foo'", r"'(\w+) \1'"));
        assert!(
            back.starts_with(
                "rules/house.toml:4:18: invalid pattern: backreferences are not supported"
            ),
            "{back}"
        );
        // A basic string: the position is the value's.
        assert!(
            error(&OK.replace("'foo'", "\"fo(o\""))
                .starts_with("rules/house.toml:4:11: invalid pattern")
        );
        let unless = error(&format!("{OK}unless = '('\n"));
        assert!(
            unless.starts_with("rules/house.toml:5:11: invalid `unless` pattern"),
            "{unless}"
        );
    }

    #[test]
    fn patterns_over_the_size_limit_are_refused() {
        let e = error(&OK.replace("'foo'", r"'\w{1000}\w{1000}'"));
        assert!(
            e.starts_with(
                "rules/house.toml:4:11: pattern is too large: it compiles to more than 1024 KiB"
            ),
            "{e}"
        );
    }

    #[test]
    fn templates_scopes_langs_globs_and_severities_are_checked() {
        assert_eq!(
            error(&OK.replace("foo: {0}", "foo: {2}")),
            "rules/house.toml:3:11: invalid message: `{2}`: the pattern has 0 groups (`{0}` is the whole match)"
        );
        assert_eq!(
            error(&format!("{OK}replace = '{{name}}'\n")),
            "rules/house.toml:5:11: invalid replace: `{name}`: the pattern has no group named `name`"
        );
        assert!(error(&format!("{OK}scope = [\"prose\", \"body\"]\n")).starts_with(
            "rules/house.toml:5:19: unknown scope `body`: expected one of prose, heading, link-text"
        ));
        assert_eq!(
            error(&format!("{OK}scope = []\n")),
            "rules/house.toml:5:9: scope must name at least one scope"
        );
        assert_eq!(
            error(&format!("{OK}langs = [\"korean!\"]\n")),
            "rules/house.toml:5:10: `korean!` is not a language code (or \"*\", \"source\", \"translations\")"
        );
        assert!(
            error(&format!("{OK}files = [\"docs/[a\"]\n"))
                .starts_with("rules/house.toml:5:10: invalid glob")
        );
        assert_eq!(
            error(&format!("{OK}severity = \"fatal\"\n")),
            "rules/house.toml:5:12: invalid severity `fatal`: expected \"error\", \"warning\", \"info\" or \"off\""
        );
        assert_eq!(
            error(&format!("{OK}unsafe = true\n")),
            "rules/house.toml:2:6: `unsafe` only applies to a rule with `replace`"
        );
    }

    #[test]
    fn glossary_entries_are_checked() {
        let set =
            parse("[[glossary]]\nen = \"cache\"\nko = [\"캐시\", \"캐쉬\"]\nallow-source = true\n")
                .unwrap();
        let g = &set.glossary[0];
        assert!(g.allow_source);
        assert_eq!(g.terms["ko"], ["캐시", "캐쉬"]);
        assert_eq!(g.origin.line, 2);
        let (key, forms, re) = g.for_language("ko").unwrap();
        assert_eq!((key, forms.len()), ("ko", 2));
        assert!(re.is_match("캐쉬를"));
        assert!(g.for_language("ja").is_none());
        assert_eq!(
            error("[[glossary]]\nen = \"cache\"\n"),
            "rules/house.toml:1:1: a glossary entry needs a term in at least two languages"
        );
        assert_eq!(
            error("[[glossary]]\nen = \"cache\"\nkorean = \"캐시\"\n"),
            "rules/house.toml:3:1: `korean` is not a language code (a glossary entry maps language codes to terms, plus `allow-source`)"
        );
        assert_eq!(
            error("[[glossary]]\nen = \"cache\"\nko = \"\"\n"),
            "rules/house.toml:3:6: a glossary term cannot be empty"
        );
        assert_eq!(
            error("[[glossary]]\nen = \"cache\"\nko = 3\n"),
            "rules/house.toml:3:6: expected a term or a list of terms"
        );
    }

    #[test]
    fn language_selection() {
        assert!(lang_matches("zh", "zh-Hant"));
        assert!(lang_matches("zh-Hant", "zh-Hant"));
        assert!(!lang_matches("zh-Hant", "zh-Hans"));
        assert!(!lang_matches("zh", "zhx"));
        let e = |language, is_translation| EditionInfo {
            language,
            is_translation,
        };
        assert!(LangSel::Source.accepts(e("en", false)));
        assert!(!LangSel::Source.accepts(e("ko", true)));
        assert!(LangSel::Translations.accepts(e("ko", true)));
        assert!(LangSel::Lang("pt".into()).accepts(e("pt-BR", true)));
    }

    #[test]
    fn the_shipped_packs_load_and_their_examples_pass() {
        assert_eq!(crate::declarative::packs::load_error(), None);
        for (name, set) in crate::declarative::packs::shipped() {
            assert!(!set.rules.is_empty(), "{name} is empty");
            for r in &set.rules {
                assert!(
                    !r.examples_fail.is_empty() && !r.examples_pass.is_empty(),
                    "{}: needs fail and pass examples",
                    r.name
                );
                let problems = engine::test_examples(r);
                assert!(problems.is_empty(), "{}: {problems:?}", r.name);
            }
        }
    }
}
