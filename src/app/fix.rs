//! `lockstep fix`: apply fixes, re-parse, re-check, until nothing changes.
//!
//! Each pass checks the workspace, applies every applicable fix that does
//! not overlap another (see [`crate::fix::apply`]), and re-parses the changed
//! files. The loop stops when no fix changes anything; if that has not
//! happened after [`MAX_PASSES`] — or a file returns to an earlier state — it
//! fails, naming the rules, and nothing is written. Writing (or diffing) is
//! the caller's choice: this module only computes the new texts.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::fix::{self, Applicability, Fix};
use crate::rules::RuleId;
use crate::source::FileId;

use super::{AppError, CheckOptions, Report, Scope, Workspace, load_settings, roots, scope_for};

/// Passes before the fix loop gives up.
pub const MAX_PASSES: usize = 10;

/// What the command line asked `fix` to do.
#[derive(Debug, Clone, Default)]
pub struct FixOptions {
    pub check: CheckOptions,
    /// Also apply unsafe fixes.
    pub unsafe_fixes: bool,
}

/// One file the fixes changed.
#[derive(Debug, Clone)]
pub struct Change {
    /// Path as displayed (relative to the root).
    pub path: String,
    /// Where to write it.
    pub abs: PathBuf,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Default)]
pub struct FixOutcome {
    pub changes: Vec<Change>,
    /// Fixes applied, per rule.
    pub applied: BTreeMap<RuleId, usize>,
    /// What `check` reports after the fixes.
    pub remaining: Report,
    pub passes: usize,
}

fn applicable(fix: &Fix, unsafe_fixes: bool) -> bool {
    fix.applicability == Applicability::Safe || unsafe_fixes
}

/// The fixes applied per rule, each changed file's original text, and the
/// number of passes.
pub type Fixed = (BTreeMap<RuleId, usize>, HashMap<FileId, String>, usize);

/// Runs the fix loop on one workspace. Returns what was fixed, or the rules
/// still producing changes when the loop did not converge.
pub fn fix_workspace(
    ws: &mut Workspace,
    scope: &Scope,
    unsafe_fixes: bool,
) -> Result<Fixed, Vec<RuleId>> {
    fix_loop(ws, unsafe_fixes, |ws| ws.check(scope))
}

/// The loop itself, over any checker (tests drive it with rules of their own).
pub fn fix_loop(
    ws: &mut Workspace,
    unsafe_fixes: bool,
    check: impl Fn(&Workspace) -> Vec<Diagnostic>,
) -> Result<Fixed, Vec<RuleId>> {
    let mut applied: BTreeMap<RuleId, usize> = BTreeMap::new();
    let mut originals: HashMap<FileId, String> = HashMap::new();
    let mut seen: HashSet<(FileId, u64)> = HashSet::new();
    for pass in 1..=MAX_PASSES {
        let diagnostics = check(ws);
        let mut by_file: BTreeMap<FileId, Vec<&Diagnostic>> = BTreeMap::new();
        for d in &diagnostics {
            if d.fix.as_ref().is_some_and(|f| applicable(f, unsafe_fixes)) {
                by_file.entry(d.file).or_default().push(d);
            }
        }
        let mut changed: Vec<RuleId> = Vec::new();
        for (file, ds) in by_file {
            let fixes: Vec<&Fix> = ds.iter().filter_map(|d| d.fix.as_deref()).collect();
            let old = &ws.files[file.index()].text;
            let (new, used) = fix::apply(old, &fixes);
            if new == *old {
                continue;
            }
            if !seen.insert((file, hash(&new))) {
                // Back to an earlier state: the fixes undo each other.
                changed.extend(used.iter().map(|&i| ds[i].rule));
                changed.sort();
                changed.dedup();
                return Err(changed);
            }
            for &i in &used {
                *applied.entry(ds[i].rule).or_default() += 1;
                changed.push(ds[i].rule);
            }
            originals.entry(file).or_insert_with(|| old.clone());
            ws.update_file(file, new);
        }
        if changed.is_empty() {
            return Ok((applied, originals, pass));
        }
        if pass == MAX_PASSES {
            changed.sort();
            changed.dedup();
            return Err(changed);
        }
    }
    unreachable!("the loop returns on its last pass")
}

fn hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// `lockstep fix` over every root. Nothing is written here.
pub fn fix(opts: &FixOptions) -> Result<FixOutcome, AppError> {
    let paths = if opts.check.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.check.paths.clone()
    };
    let roots = roots(&paths)?;
    let multi = roots.len() > 1;
    let mut outcome = FixOutcome::default();
    for (root, files) in roots {
        let mut settings = load_settings(&root, opts.check.config.as_deref())?;
        super::select_rules(&mut settings, &opts.check.select, &opts.check.ignore)?;
        super::external_flags(&mut settings, &opts.check.external, &opts.check.ignore);
        let mut ws = Workspace::load(&root, settings);
        let scope = scope_for(&ws, files.as_deref(), &opts.check.langs);
        // Checked once: every pass of the loop uses the same outcomes.
        super::check_external(&mut ws, &scope, &opts.check.external)?;
        let (applied, originals, passes) = fix_workspace(&mut ws, &scope, opts.unsafe_fixes)
            .map_err(|rules| AppError::NoConvergence { rules })?;
        outcome.passes = outcome.passes.max(passes);
        for (rule, n) in applied {
            *outcome.applied.entry(rule).or_default() += n;
        }
        let prefix = if multi {
            format!("{}/", root.display().to_string().trim_end_matches('/'))
        } else {
            String::new()
        };
        let mut changed: Vec<(FileId, String)> = originals.into_iter().collect();
        changed.sort_by_key(|(id, _)| *id);
        for (id, before) in changed {
            let file = &ws.files[id.index()];
            outcome.changes.push(Change {
                path: format!("{prefix}{}", file.path),
                abs: root.join(&file.path),
                before,
                after: file.text.clone(),
            });
        }
        let diagnostics = ws.check(&scope);
        super::merge_into(&mut outcome.remaining, ws, &scope, diagnostics, &prefix);
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::fix::Edit;
    use crate::source::Span;

    fn workspace(text: &str) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("README.md"), text).unwrap();
        let ws = Workspace::load(dir.path(), Settings::default());
        (dir, ws)
    }

    fn finding(fix: Fix) -> Diagnostic {
        Diagnostic::new(RuleId::TocDrift, FileId(0), Span::empty(0), "x").with_fix(fix)
    }

    #[test]
    fn a_fix_that_never_settles_fails_naming_its_rule() {
        let (_dir, mut ws) = workspace("a");
        // Always appends: every pass changes the file.
        let err = fix_loop(&mut ws, false, |ws| {
            let end = ws.files[0].text.len();
            vec![finding(Fix::safe(vec![Edit::replace(
                Span::empty(end),
                "a",
            )]))]
        })
        .unwrap_err();
        assert_eq!(err, [RuleId::TocDrift]);
    }

    #[test]
    fn fixes_that_undo_each_other_are_caught() {
        let (_dir, mut ws) = workspace("a");
        let err = fix_loop(&mut ws, false, |ws| {
            let next = if ws.files[0].text == "a" { "b" } else { "a" };
            vec![finding(Fix::safe(vec![Edit::replace(
                Span::new(0, 1),
                next,
            )]))]
        })
        .unwrap_err();
        assert_eq!(err, [RuleId::TocDrift]);
    }

    #[test]
    fn unsafe_fixes_wait_for_the_flag() {
        let (_dir, mut ws) = workspace("a");
        let check = |ws: &Workspace| {
            if ws.files[0].text == "a" {
                vec![finding(Fix::unsafe_(vec![Edit::replace(
                    Span::new(0, 1),
                    "b",
                )]))]
            } else {
                Vec::new()
            }
        };
        let (applied, originals, _) = fix_loop(&mut ws, false, check).unwrap();
        assert!(applied.is_empty() && originals.is_empty());
        let (applied, originals, passes) = fix_loop(&mut ws, true, check).unwrap();
        assert_eq!(applied[&RuleId::TocDrift], 1);
        assert_eq!(originals[&FileId(0)], "a");
        assert_eq!(ws.files[0].text, "b");
        assert_eq!(passes, 2);
    }
}
