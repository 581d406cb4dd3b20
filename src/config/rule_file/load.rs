//! Reading rule files from disk: a project's `rule-dirs`, or the folder
//! `lockstep rules --test DIR` names.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::{RuleSet, RuleSource, parse_file};
use crate::config::ConfigError;
use crate::config::read::{read_capped, read_inside, stays_inside};

/// The most rules and glossary entries a project's rule files may define.
pub const MAX_RULES: usize = 1000;

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
/// Ids must be new to `set` and to `also`. With a `root`, every file must be
/// a regular file inside it.
fn load_folder(
    dir: &Path,
    set: &mut RuleSet,
    also: &RuleSet,
    root: Option<&Path>,
    display: impl Fn(&Path) -> String,
    unreadable: impl FnOnce(std::io::Error) -> ConfigError,
) -> Result<(), ConfigError> {
    for f in rule_files(dir).map_err(unreadable)? {
        let mut known = also.clone();
        known.append(set.clone());
        let loaded = load_file(&f, &display(&f), &known, root)?;
        set.append(loaded);
        if set.rules.len() + set.glossary.len() > MAX_RULES {
            return Err(ConfigError::file(
                &f,
                format!(
                    "too many rules: the project's rule files define more than {MAX_RULES} rules and glossary entries"
                ),
            ));
        }
    }
    Ok(())
}

/// Loads every `*.toml` file in each of `dirs` (relative to `base`, sorted by
/// name) into `set`. `dirs` carry their spans in `config` for errors.
pub fn load_dirs(
    config_path: &Path,
    config_text: &str,
    base: &Path,
    root: &Path,
    dirs: &[Spanned<String>],
    set: &mut RuleSet,
) -> Result<(), ConfigError> {
    // A project's rule ids must not clash with the shipped packs' either.
    let mut shipped = RuleSet::default();
    for (_, pack) in super::packs::load()? {
        shipped.append(pack.clone());
    }
    for d in dirs {
        let outside = || {
            ConfigError::at(
                config_path,
                config_text,
                d.span(),
                format!(
                    "the rule folder `{}` is outside the documentation root; it was not read",
                    d.get_ref()
                ),
            )
        };
        if !stays_inside(d.get_ref()) {
            return Err(outside());
        }
        let dir = base.join(d.get_ref());
        if let (Ok(dir), Ok(root)) = (dir.canonicalize(), root.canonicalize())
            && !dir.starts_with(root)
        {
            return Err(outside());
        }
        load_folder(
            &dir,
            set,
            &shipped,
            Some(root),
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
        return load_file(dir, &dir.to_string_lossy(), &set, None);
    }
    load_folder(
        dir,
        &mut set,
        &RuleSet::default(),
        None,
        |f| f.to_string_lossy().replace('\\', "/"),
        |e| ConfigError::file(dir, format!("cannot read the rule folder: {e}")),
    )?;
    Ok(set)
}

/// Reads and parses one rule file (with a `root`: a regular file inside it).
pub fn load_file(
    path: &Path,
    display: &str,
    existing: &RuleSet,
    root: Option<&Path>,
) -> Result<RuleSet, ConfigError> {
    let text = match root {
        Some(root) => read_inside(root, path, "rule file")?,
        None => read_capped(path, "rule file")?,
    };
    parse_file(path, display, &text, existing, RuleSource::Project)
}

fn display_path(base: &Path, f: &Path) -> String {
    f.strip_prefix(base)
        .unwrap_or(f)
        .to_string_lossy()
        .replace('\\', "/")
}
