//! Rule files: content rules and a glossary as data (`rules/*.toml`),
//! loaded and validated.
//!
//! A rule file holds `[[rule]]` tables (a pattern, the text scopes it looks
//! at, a message, an optional replacement) and `[[glossary]]` tables (a term
//! per language). Shipped packs are compiled into the binary ([`packs`]); a
//! project adds its own folders with `rule-dirs` ([`load`]). Rule files are
//! untrusted input (they may come from a pull request): every problem is a
//! [`ConfigError`] pointing at the file, line and column, patterns run on
//! Rust's linear-time regex engine with a compiled-size cap, and nothing here
//! panics on bad input. Running the rules is `rules::declarative`'s job.

mod compile;
pub mod load;
pub mod packs;
mod raw;
pub mod template;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use globset::GlobSet;
use regex::Regex;

use crate::config::ConfigError;
use crate::parse::TextScope;
use crate::registry::{self, Origin, RuleId, Severity};

pub use self::compile::compile_pattern;
pub use self::load::{load_dirs, load_file, load_standalone};
pub use self::template::Template;

/// Where a rule file comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSource {
    /// A pack shipped in this repository (`markdown`).
    Pack,
    /// A project's own rule file.
    Project,
}

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

/// Where a definition is: a rule file and the line of its id.
#[derive(Debug, Clone)]
pub struct Defined {
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
    pub origin: Defined,
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
    pub origin: Defined,
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
    /// when `other` was parsed); a rule already here is not added twice.
    pub fn append(&mut self, other: RuleSet) {
        for r in other.rules {
            if !self.rules.iter().any(|m| m.id == r.id) {
                self.rules.push(r);
            }
        }
        self.glossary.extend(other.glossary);
    }

    /// The rule named `name`: built-in, one of this set's, or a shipped
    /// pack's (the packs are loaded then, and the rule joins this set).
    /// `Ok(None)`: no such rule. The error is a shipped pack that does not load.
    pub fn resolve(&mut self, name: &str) -> Result<Option<RuleId>, ConfigError> {
        if let Some(r) = RuleId::ALL.iter().find(|r| r.name() == name) {
            return Ok(Some(*r));
        }
        if let Some(r) = self.rules.iter().find(|r| r.name == name) {
            return Ok(Some(r.id));
        }
        let shipped = packs::load()?
            .iter()
            .flat_map(|(_, set)| &set.rules)
            .find(|r| r.name == name);
        Ok(shipped.map(|r| {
            self.rules.push(r.clone());
            r.id
        }))
    }

    /// " (did you mean `x`?)" for a misspelt rule name, among the built-in
    /// rules, this set's and the shipped packs'.
    pub fn suggest(&self, name: &str) -> String {
        let shipped = packs::load().map(|p| p.as_slice()).unwrap_or_default();
        registry::did_you_mean(
            name,
            RuleId::ALL
                .iter()
                .map(|r| r.name())
                .chain(self.rules.iter().map(|r| r.name.as_str()))
                .chain(
                    shipped
                        .iter()
                        .flat_map(|(_, s)| s.rules.iter().map(|r| r.name.as_str())),
                ),
        )
    }
}

/// Parses and validates one rule file. `display` names it in messages and
/// is the pack of its rules; `path` names it in errors.
pub fn parse_file(
    path: &Path,
    display: &str,
    text: &str,
    existing: &RuleSet,
    source: RuleSource,
) -> Result<RuleSet, ConfigError> {
    let err = |span: Range<usize>, msg: String| ConfigError::at(path, text, span, msg);
    let file: raw::RawRuleFile =
        toml::from_str(text).map_err(|e| ConfigError::toml(path, text, &e))?;
    let count = file.rule.as_ref().map_or(0, Vec::len) + file.glossary.as_ref().map_or(0, Vec::len);
    if source == RuleSource::Project && count > load::MAX_RULES {
        return Err(ConfigError::file(
            path,
            format!(
                "too many rules: the file defines {count} rules and glossary entries; lockstep loads at most {}",
                load::MAX_RULES
            ),
        ));
    }
    let lines = crate::source::LineIndex::new(text);
    let line_of = |offset: usize| lines.line_col(text, offset).line;
    let mut out = RuleSet::default();
    for r in file.rule.unwrap_or_default() {
        let (rule, span) = compile::rule(r, display, text, &err, &line_of)?;
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
            .push(Arc::new(compile::glossary(g, display, &err, &line_of)?));
    }
    // Registered only when the whole file is valid.
    let origin = match source {
        RuleSource::Pack => Origin::Pack(registry::leak_str(display)),
        RuleSource::Project => Origin::Project(registry::leak_str(display)),
    };
    for r in &mut out.rules {
        let rule = Arc::make_mut(r);
        rule.id = RuleId::Declared(registry::register(compile::meta_of(rule), origin));
    }
    Ok(out)
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
            RuleSource::Project,
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
        let shipped = packs::get("markdown").unwrap();
        let e = parse_file(
            Path::new("rules/house.toml"),
            "rules/house.toml",
            &OK.replace("no-foo", "no-todo"),
            shipped,
            RuleSource::Project,
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
}
