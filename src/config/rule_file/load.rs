//! Reading rule files from disk: a project's `rule-dirs`, or the folder
//! `lockstep rules --test DIR` names.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::{RuleSet, RuleSource, parse_file};
use crate::config::ConfigError;

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
/// Ids must be new to `set` and to `also`.
fn load_folder(
    dir: &Path,
    set: &mut RuleSet,
    also: &RuleSet,
    display: impl Fn(&Path) -> String,
    unreadable: impl FnOnce(std::io::Error) -> ConfigError,
) -> Result<(), ConfigError> {
    for f in rule_files(dir).map_err(unreadable)? {
        let mut known = also.clone();
        known.append(set.clone());
        let loaded = load_file(&f, &display(&f), &known)?;
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
    // A project's rule ids must not clash with the shipped packs' either.
    let mut shipped = RuleSet::default();
    for (_, pack) in super::packs::load()? {
        shipped.append(pack.clone());
    }
    for d in dirs {
        let dir = base.join(d.get_ref());
        load_folder(
            &dir,
            set,
            &shipped,
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
        &RuleSet::default(),
        |f| f.to_string_lossy().replace('\\', "/"),
        |e| ConfigError::file(dir, format!("cannot read the rule folder: {e}")),
    )?;
    Ok(set)
}

/// Reads and parses one rule file.
pub fn load_file(path: &Path, display: &str, existing: &RuleSet) -> Result<RuleSet, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::file(path, format!("cannot read the rule file: {e}")))?;
    parse_file(path, display, &text, existing, RuleSource::Project)
}

fn display_path(base: &Path, f: &Path) -> String {
    f.strip_prefix(base)
        .unwrap_or(f)
        .to_string_lossy()
        .replace('\\', "/")
}
