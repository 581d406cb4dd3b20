//! The rule packs shipped in this repository's `rules/` folder, compiled
//! into the binary and enabled by name (`packs = ["markdown", "ko"]`).

use std::path::Path;
use std::sync::LazyLock;

use super::{RuleSet, parse_file};

/// Name → rule file text.
pub const SHIPPED: &[(&str, &str)] = &[
    ("markdown", include_str!("../../rules/markdown.toml")),
    ("ko", include_str!("../../rules/ko.toml")),
    ("ja", include_str!("../../rules/ja.toml")),
    ("zh", include_str!("../../rules/zh.toml")),
];

static PACKS: LazyLock<Result<Vec<(&'static str, RuleSet)>, String>> = LazyLock::new(|| {
    let mut all = RuleSet::default();
    let mut out = Vec::new();
    for (name, text) in SHIPPED {
        let path = Path::new("rules").join(format!("{name}.toml"));
        let set = parse_file(&path, name, text, &all).map_err(|e| e.to_string())?;
        all.rules.extend(set.rules.iter().cloned());
        out.push((*name, set));
    }
    Ok(out)
});

/// The shipped packs, parsed once (and their rules registered). A pack that
/// does not load is a bug in this repository: the test suite loads them all.
pub fn shipped() -> &'static [(&'static str, RuleSet)] {
    match &*PACKS {
        Ok(p) => p,
        Err(_) => &[],
    }
}

/// Why the shipped packs did not load, if they did not.
pub fn load_error() -> Option<&'static str> {
    PACKS.as_ref().err().map(String::as_str)
}

pub fn names() -> Vec<&'static str> {
    SHIPPED.iter().map(|(n, _)| *n).collect()
}

pub fn get(name: &str) -> Option<&'static RuleSet> {
    shipped().iter().find(|(n, _)| *n == name).map(|(_, s)| s)
}
