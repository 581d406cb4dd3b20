//! What a rule is, by name: the typed [`RuleId`], its static description
//! ([`RuleMeta`]: severity, scope, fix availability, docs), the table of
//! built-in rules, and the registry of declarative rules.
//!
//! This is the bottom of the crate: it imports nothing. The table of
//! built-in rules is written once, in [`builtin_rules!`]; this module makes
//! the `RuleId` enum from it, and `rules` makes the rule modules, their
//! metadata lookup ([`RuleId::meta`]) and their dispatch from the same table.
//! Strings become rule ids only at the configuration and command-line
//! boundary ([`RuleId::from_name`]).

use std::fmt;
use std::sync::RwLock;

/// Every built-in rule, once: `Variant => module` (the module in `src/rules/`
/// holds the rule's `META`, its `CHECK` and its documentation). Invokes
/// `$callback!` with the list. Adding a rule is one line here and one file.
macro_rules! builtin_rules {
    ($callback:ident) => {
        $callback! {
            BrokenAnchor => broken_anchor,
            BrokenLink => broken_link,
            MissingImage => missing_image,
            TocDrift => toc_drift,
            MissingSection => missing_section,
            ExtraSection => extra_section,
            UntranslatedSection => untranslated_section,
            StaleSection => stale_section,
            GlossaryTerm => glossary_term,
            DeadLink => dead_link,
            RedirectedLink => redirected_link,
            UnusedSuppression => unused_suppression,
            ImageMismatch => image_mismatch,
            UncertainAlignment => uncertain_alignment,
            IoError => io_error,
            FileTooLarge => file_too_large,
        }
    };
}
pub(crate) use builtin_rules;

macro_rules! define_rule_id {
    ($($variant:ident => $module:ident),* $(,)?) => {
        /// A rule: a built-in one, or a declarative one (from a shipped pack
        /// or a project's rule folder) interned by name in this registry.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $($variant,)*
            /// A declarative rule: an index into the registry.
            Declared(u32),
        }

        impl RuleId {
            /// Every built-in rule, in the table's order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];
        }
    };
}
builtin_rules!(define_rule_id);

/// How serious a finding is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// `error`, `warning`, `info` (or `None`).
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule sees (and so where the pipeline runs it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One file of one edition.
    Document,
    /// One file plus the cross-file index.
    Corpus,
    /// One aligned section across editions.
    Section,
    /// One file plus the outcomes of the external link checks.
    External,
    /// Reported by the pipeline itself (reading files, suppressions).
    System,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Document => "document",
            Scope::Corpus => "corpus",
            Scope::Section => "section",
            Scope::External => "external",
            Scope::System => "system",
        }
    }
}

/// Which fixes a rule can offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Safe,
    Unsafe,
    SafeAndUnsafe,
}

impl FixAvailability {
    pub fn has_fixes(self) -> bool {
        self != FixAvailability::None
    }

    /// Whether a fix of this safety may come from the rule.
    pub fn allows(self, safe: bool) -> bool {
        match self {
            FixAvailability::None => false,
            FixAvailability::Safe => safe,
            FixAvailability::Unsafe => !safe,
            FixAvailability::SafeAndUnsafe => true,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::SafeAndUnsafe => "safe and unsafe",
        }
    }
}

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    /// A pack shipped in this repository's `rules/` folder (`markdown`, `ko` …).
    Pack(&'static str),
    /// A project's rule file (`rules/house.toml`).
    Project(&'static str),
}

impl Origin {
    /// `built-in`, the pack's name, or the rule file.
    pub fn label(self) -> &'static str {
        match self {
            Origin::BuiltIn => "built-in",
            Origin::Pack(p) | Origin::Project(p) => p,
        }
    }

    /// Whether `docs/rules/<id>.md` exists for the rule (built-in and shipped).
    pub fn has_doc_page(self) -> bool {
        !matches!(self, Origin::Project(_))
    }
}

/// A rule's static description.
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub summary: &'static str,
    pub severity: Severity,
    /// Whether `check` runs the rule without being asked (`--select` or
    /// `[rules]` turn the others on).
    pub default_on: bool,
    pub scope: Scope,
    pub fix: FixAvailability,
    /// Markdown: What it does / Why / Example / Fix safety.
    pub docs: &'static str,
}

/// Built-in rules in their order, then declarative rules by name: the same
/// order in every run, whatever order rule files were loaded in.
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self.builtin_index(), other.builtin_index()) {
            (Some(a), Some(b)) => a.cmp(&b),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => self.name().cmp(other.name()),
        }
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl RuleId {
    /// Position among the built-in rules (their order of precedence).
    fn builtin_index(self) -> Option<usize> {
        Self::ALL.iter().position(|r| *r == self)
    }

    pub fn name(self) -> &'static str {
        self.meta().name
    }

    /// A built-in rule, or a declarative rule registered so far. (Shipped
    /// packs are registered when loaded: see `config::rule_file::packs`.)
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.name() == name)
            .or_else(|| lookup(name).map(RuleId::Declared))
    }

    /// Built-in rules, then every declarative rule registered so far (by name).
    pub fn all() -> Vec<RuleId> {
        let mut declared: Vec<RuleId> = ids().into_iter().map(RuleId::Declared).collect();
        declared.sort();
        Self::ALL.iter().copied().chain(declared).collect()
    }

    pub fn origin(self) -> Origin {
        match self {
            RuleId::Declared(i) => read()[i as usize].origin,
            _ => Origin::BuiltIn,
        }
    }

    /// Where the rule comes from: `built-in`, a shipped pack's name, or a
    /// project rule file.
    pub fn pack(self) -> &'static str {
        self.origin().label()
    }

    pub fn default_severity(self) -> Severity {
        self.meta().severity
    }

    pub fn scope(self) -> Scope {
        self.meta().scope
    }

    /// The rule's documentation page, as printed by `lockstep rules <id>`
    /// and kept in `docs/rules/<id>.md`.
    pub fn doc_page(self) -> String {
        let m = self.meta();
        let pack = match self.origin() {
            Origin::BuiltIn => String::new(),
            o => format!(" Pack: {}.", o.label()),
        };
        format!(
            "# {}\n\n{}\n\nDefault severity: {}{}. Kind: {} rule. Fixes: {}.{pack}\n\n{}",
            m.name,
            m.summary,
            m.severity,
            if m.default_on {
                ""
            } else {
                ", off unless selected"
            },
            m.scope.as_str(),
            m.fix.as_str(),
            m.docs
        )
    }

    /// System diagnostics cannot be switched off: a file that was not checked
    /// must never pass silently.
    pub fn always_on(self) -> bool {
        self.meta().scope == Scope::System
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// " (did you mean `x`?)" for a misspelt name among `candidates`, or "".
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default()
}

// --- The registry of declarative rules -----------------------------------
//
// A declarative rule's id is its name, stable across runs; the index is only
// a handle. Registering the same rule again (another root, another test)
// reuses its index and replaces its description. Descriptions are leaked:
// there are as many as rule definitions loaded, a handful per run.

struct Entry {
    name: &'static str,
    meta: &'static RuleMeta,
    origin: Origin,
}

static ENTRIES: RwLock<Vec<Entry>> = RwLock::new(Vec::new());

fn read() -> std::sync::RwLockReadGuard<'static, Vec<Entry>> {
    ENTRIES.read().unwrap_or_else(|p| p.into_inner())
}

/// Leaks a string for a [`RuleMeta`] field.
pub fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// Registers (or re-describes) the declarative rule named `meta.name`;
/// returns its index.
pub fn register(meta: RuleMeta, origin: Origin) -> u32 {
    let mut entries = ENTRIES.write().unwrap_or_else(|p| p.into_inner());
    if let Some(i) = entries.iter().position(|e| e.name == meta.name) {
        let e = &mut entries[i];
        if !same(e.meta, &meta) || e.origin != origin {
            e.meta = Box::leak(Box::new(meta));
            e.origin = origin;
        }
        return i as u32;
    }
    let meta: &'static RuleMeta = Box::leak(Box::new(meta));
    entries.push(Entry {
        name: meta.name,
        meta,
        origin,
    });
    (entries.len() - 1) as u32
}

fn same(a: &RuleMeta, b: &RuleMeta) -> bool {
    a.name == b.name
        && a.summary == b.summary
        && a.severity == b.severity
        && a.default_on == b.default_on
        && a.fix == b.fix
        && a.docs == b.docs
}

fn lookup(name: &str) -> Option<u32> {
    read().iter().position(|e| e.name == name).map(|i| i as u32)
}

/// The description of declarative rule `i`.
pub fn declared_meta(i: u32) -> &'static RuleMeta {
    read()[i as usize].meta
}

fn ids() -> Vec<u32> {
    (0..read().len() as u32).collect()
}
