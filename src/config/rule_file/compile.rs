//! Compiling one rule file's tables into rules and glossary entries, with
//! every problem pointing into the file.

use std::collections::BTreeMap;
use std::ops::Range;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::{Regex, RegexBuilder};
use toml::Spanned;

use super::{DeclaredRule, Defined, GlossaryEntry, LangSel, REGEX_SIZE_LIMIT, Template, raw};
use crate::config::ConfigError;
use crate::discover::lang;
use crate::parse::TextScope;
use crate::registry::{self, FixAvailability, RuleId, RuleMeta, Scope, Severity};

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
        "off" => Ok(None),
        name if Severity::from_name(name).is_some() => Ok(Severity::from_name(name)),
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
    if list.len() > crate::config::MAX_GLOBS {
        return Err(err(
            list[crate::config::MAX_GLOBS].span(),
            format!(
                "too many globs ({}): a list takes at most {}",
                list.len(),
                crate::config::MAX_GLOBS
            ),
        ));
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

pub(super) fn rule(
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
            code if lang::is_known_code(code) => LangSel::Lang(lang::canonical(code)),
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
            origin: Defined {
                file: pack.to_string(),
                line: line_of(id_span.start),
            },
        },
        id_span,
    ))
}

pub(super) fn glossary(
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
        if !lang::is_known_code(k) {
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
        origin: Defined {
            file: file.to_string(),
            line: line_of(if first == usize::MAX { 0 } else { first }),
        },
    })
}

/// The rule's description for the registry (`lockstep rules`, SARIF).
pub(super) fn meta_of(r: &DeclaredRule) -> RuleMeta {
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
        scope: Scope::Document,
        fix: match (&r.replace, r.unsafe_fix) {
            (None, _) => FixAvailability::None,
            (Some(_), false) => FixAvailability::Safe,
            (Some(_), true) => FixAvailability::Unsafe,
        },
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
