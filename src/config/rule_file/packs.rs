//! The rule packs shipped in this repository's `rules/` folder, compiled
//! into the binary and enabled by name (`packs = ["markdown", "ko"]`).
//!
//! They are parsed only when a run needs them — a configuration enables a
//! pack, or names a shipped rule (`--select no-todo`, `[rules]`, a
//! suppression), or `lockstep rules` lists them — once per process, and
//! their rules are registered then. A pack that does not load is a bug in
//! this repository (the test suite loads them all); it is reported as an
//! error, never as an empty list.

use std::path::Path;
use std::sync::OnceLock;

use super::{RuleSet, RuleSource, parse_file};
use crate::config::ConfigError;

/// Name → rule file text.
pub const SHIPPED: &[(&str, &str)] = &[
    ("markdown", include_str!("../../../rules/markdown.toml")),
    ("ko", include_str!("../../../rules/ko.toml")),
    ("ja", include_str!("../../../rules/ja.toml")),
    ("zh", include_str!("../../../rules/zh.toml")),
];

/// The shipped packs, in [`SHIPPED`] order.
pub type Packs = Vec<(&'static str, RuleSet)>;

static PACKS: OnceLock<Result<Packs, ConfigError>> = OnceLock::new();

/// The shipped packs, parsed (and their rules registered) on first use.
pub fn load() -> Result<&'static Packs, ConfigError> {
    PACKS
        .get_or_init(|| {
            let mut all = RuleSet::default();
            let mut out = Vec::new();
            for (name, text) in SHIPPED {
                let path = Path::new("rules").join(format!("{name}.toml"));
                let set = parse_file(&path, name, text, &all, RuleSource::Pack)?;
                all.rules.extend(set.rules.iter().cloned());
                out.push((*name, set));
            }
            Ok(out)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Whether the packs have been loaded in this process (nothing loads them).
pub fn loaded() -> bool {
    PACKS.get().is_some()
}

pub fn names() -> Vec<&'static str> {
    SHIPPED.iter().map(|(n, _)| *n).collect()
}

/// The shipped pack `name` (which must be one of [`names`]).
pub fn get(name: &str) -> Result<&'static RuleSet, ConfigError> {
    let packs = load()?;
    packs
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s)
        .ok_or_else(|| ConfigError::file(Path::new("rules"), format!("no shipped pack `{name}`")))
}
