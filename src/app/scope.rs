//! What a run covers: its documentation roots, the files and languages it
//! reports on, and the rules it runs — validated at the boundary, once per
//! root, into typed values (rule ids, language codes that exist).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, RuleId};
use crate::discover;
use crate::index;
use crate::registry::did_you_mean;
use crate::source::FileId;
use crate::workspace::Workspace;

use super::AppError;

/// Which files a run reports on.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Only these document groups (a file argument limits the run to its document).
    pub groups: Option<HashSet<usize>>,
    /// Only these files (`--changed-since`).
    pub files: Option<HashSet<FileId>>,
    /// With `--changed-since`: files outside `files` that link to a changed
    /// file; only findings about those links are reported for them.
    pub inbound: HashSet<FileId>,
    /// With `--changed-since`: the changed paths.
    pub changed: HashSet<String>,
    /// With `--changed-since`: the commit the change starts from (the merge
    /// base), and whether sections stale before it are reported too.
    pub since: Option<String>,
    pub all_stale: bool,
    /// Only editions in these languages (codes as found in the tree).
    pub langs: Vec<String>,
}

impl Scope {
    /// Whether `file` is within the reporting scope.
    pub fn contains(&self, ws: &Workspace, file: FileId) -> bool {
        if self.files.as_ref().is_some_and(|f| !f.contains(&file)) {
            return false;
        }
        self.contains_but_files(ws, file)
    }

    /// In scope, or an inbound file (see [`Scope::inbound`]) in scope but
    /// for the changed-files filter.
    pub fn reports_on(&self, ws: &Workspace, file: FileId) -> bool {
        self.contains(ws, file)
            || (self.inbound.contains(&file) && self.contains_but_files(ws, file))
    }

    fn contains_but_files(&self, ws: &Workspace, file: FileId) -> bool {
        let edition = &ws.editions[file.index()];
        if let Some(groups) = &self.groups
            && !groups.contains(&edition.group)
        {
            return false;
        }
        if self.langs.is_empty() {
            return true;
        }
        let lang = edition
            .lang
            .as_deref()
            .unwrap_or(ws.settings.source_lang.as_str());
        self.langs.iter().any(|l| same_code(l, lang))
    }

    /// Number of files in scope that were read — parsed, or found
    /// unreadable (those are reported too, so they count as checked).
    pub fn checked_files(&self, ws: &Workspace) -> usize {
        let unreadable: HashSet<FileId> = ws.read_problems.iter().map(|d| d.file).collect();
        (0..ws.files.len())
            .map(|i| FileId(i as u32))
            .filter(|&id| {
                (ws.docs[id.index()].is_some() || unreadable.contains(&id)) && self.contains(ws, id)
            })
            .count()
    }

    /// Whether a finding in an inbound file (see [`Scope::inbound`]) is about
    /// one of its links into a changed file.
    pub fn is_about_changed_link(&self, ws: &Workspace, d: &Diagnostic) -> bool {
        if !matches!(
            d.rule,
            RuleId::BrokenAnchor | RuleId::BrokenLink | RuleId::MissingImage
        ) {
            return false;
        }
        let Some(doc) = &ws.docs[d.file.index()] else {
            return false;
        };
        let file = &ws.files[d.file.index()];
        doc.links.iter().chain(&doc.images).any(|l| {
            l.span.start <= d.span.start
                && d.span.end <= l.span.end
                && index::link_path(&file.path, l.dest(&file.text))
                    .is_some_and(|t| self.changed.contains(&t))
        })
    }
}

/// Whether two language codes name the same edition language: `pt-br`,
/// `pt-BR` and `pt_BR` do.
pub fn same_code(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes().zip(b.bytes()).all(|(x, y)| {
            let n = |c: u8| {
                if c == b'_' {
                    b'-'
                } else {
                    c.to_ascii_lowercase()
                }
            };
            n(x) == n(y)
        })
}

/// Resolves `--lang` values against the languages the root has: each must
/// be one of its edition codes (or the source language). Returns the codes
/// as found in the tree.
pub fn resolve_langs(ws: &Workspace, wanted: &[String]) -> Result<Vec<String>, AppError> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut known = ws.languages();
    if !known.iter().any(|l| same_code(l, &ws.settings.source_lang)) {
        known.insert(0, ws.settings.source_lang.clone());
    }
    known.sort();
    let mut out = Vec::new();
    for w in wanted {
        match known.iter().find(|k| same_code(k, w)) {
            Some(k) => out.push(k.clone()),
            None => {
                return Err(AppError::Usage(format!(
                    "unknown language `{w}` in --lang{}: the languages in {} are {}",
                    did_you_mean(&w.to_ascii_lowercase(), known.iter().map(String::as_str)),
                    ws.root.display(),
                    known.join(", ")
                )));
            }
        }
    }
    Ok(out)
}

/// Rule names from the command line, resolved for one root.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<RuleId>,
    pub ignore: Vec<RuleId>,
}

/// Resolves `--select` and `--ignore` names against a root's rules (its
/// project rules and the shipped packs included).
pub fn resolve_rules(
    settings: &mut Settings,
    select: &[String],
    ignore: &[String],
) -> Result<Selection, AppError> {
    let mut resolve = |names: &[String]| -> Result<Vec<RuleId>, AppError> {
        let mut out = Vec::new();
        for n in names.iter().filter(|n| !n.is_empty()) {
            match settings.rule_named(n)? {
                Some(r) => out.push(r),
                None => {
                    return Err(AppError::Usage(format!(
                        "unknown rule `{n}`{}",
                        settings.did_you_mean_rule(n)
                    )));
                }
            }
        }
        Ok(out)
    };
    let select = resolve(select)?;
    let ignore = resolve(ignore)?;
    Ok(Selection { select, ignore })
}

/// A documentation root and the files given on the command line inside it
/// (`None`: the whole root).
pub type RootArg = (PathBuf, Option<Vec<PathBuf>>);

/// Groups command-line paths by documentation root. A folder is a root of
/// its own (reported whole); a file adds its document to its root's scope.
pub fn roots(paths: &[PathBuf]) -> Result<Vec<RootArg>, AppError> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut out: Vec<RootArg> = Vec::new();
    for p in &paths {
        if !p.exists() {
            return Err(AppError::Usage(format!(
                "path `{}` does not exist",
                p.display()
            )));
        }
        let root = discover::root_for(p);
        let is_dir = p.is_dir();
        let slot = match out.iter_mut().find(|(r, _)| same_path(r, &root)) {
            Some(slot) => slot,
            None => {
                out.push((root.clone(), Some(Vec::new())));
                out.last_mut().expect("just pushed")
            }
        };
        if is_dir {
            slot.1 = None;
        } else if let Some(files) = &mut slot.1 {
            files.push(p.clone());
        }
    }
    Ok(out)
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The file a path given on the command line names in the workspace, if it
/// is one of its Markdown files (not excluded).
fn arg_file(ws: &Workspace, root: &Path, f: &Path) -> Option<FileId> {
    let abs = f.canonicalize().ok()?;
    let rel = abs.strip_prefix(root).ok()?;
    let rel = rel.to_str()?.replace('\\', "/");
    ws.file_id(&rel)
}

/// The workspace files the command-line `files` name (those it has).
pub fn arg_files(ws: &Workspace, files: Option<&[PathBuf]>) -> Vec<FileId> {
    let root = ws.root.canonicalize().unwrap_or_else(|_| ws.root.clone());
    files
        .unwrap_or_default()
        .iter()
        .filter_map(|f| arg_file(ws, &root, f))
        .collect()
}

/// The files given on the command line that the run does not check: not
/// Markdown, or excluded by the configuration.
pub fn unchecked_args(ws: &Workspace, files: Option<&[PathBuf]>) -> Vec<String> {
    let root = ws.root.canonicalize().unwrap_or_else(|_| ws.root.clone());
    files
        .unwrap_or_default()
        .iter()
        .filter(|f| arg_file(ws, &root, f).is_none())
        .map(|f| f.display().to_string())
        .collect()
}

/// The scope for a root: the documents of the given files, in `langs`
/// (already resolved with [`resolve_langs`]).
pub fn scope_for(ws: &Workspace, files: Option<&[PathBuf]>, langs: Vec<String>) -> Scope {
    let groups = files.map(|files| {
        let root = ws.root.canonicalize().unwrap_or_else(|_| ws.root.clone());
        files
            .iter()
            .filter_map(|f| Some(ws.editions[arg_file(ws, &root, f)?.index()].group))
            .collect()
    });
    Scope {
        groups,
        langs,
        ..Scope::default()
    }
}

/// The files a change touches: the changed files themselves and the
/// translations of changed source editions.
pub fn changed_files(ws: &Workspace, changed: &HashSet<String>) -> HashSet<FileId> {
    let mut out: HashSet<FileId> = changed.iter().filter_map(|p| ws.file_id(p)).collect();
    for g in &ws.groups {
        if changed.contains(&g.source) {
            out.extend(g.translations.iter().filter_map(|t| ws.translation_file(t)));
        }
    }
    out
}

/// The files among `candidates` (outside `except`) with a link whose
/// target is one of the `changed` paths.
pub fn links_into(
    ws: &Workspace,
    candidates: &HashSet<String>,
    changed: &HashSet<String>,
    except: &HashSet<FileId>,
) -> HashSet<FileId> {
    candidates
        .iter()
        .filter_map(|p| ws.file_id(p))
        .filter(|id| !except.contains(id))
        .filter(|&id| links_to(ws, id, |_| true, |t| changed.contains(t)))
        .collect()
}

/// Whether file `id` has a link or image to a path `is_target` accepts;
/// `may_be_target` tells first, from the destination as written, whether
/// resolving it is worth it.
pub fn links_to(
    ws: &Workspace,
    id: FileId,
    may_be_target: impl Fn(&str) -> bool,
    is_target: impl Fn(&str) -> bool,
) -> bool {
    let Some(doc) = &ws.docs[id.index()] else {
        return false;
    };
    let file = &ws.files[id.index()];
    doc.links.iter().chain(&doc.images).any(|l| {
        let dest = l.dest(&file.text);
        may_be_target(dest) && index::link_path(&file.path, dest).is_some_and(|t| is_target(&t))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_ignore_case_and_separator() {
        assert!(same_code("pt-br", "pt-BR"));
        assert!(same_code("pt_BR", "pt-br"));
        assert!(!same_code("pt", "pt-br"));
        assert!(!same_code("ko", "ja"));
    }
}
