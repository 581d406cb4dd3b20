//! `lockstep fix`: the fix loop over each root's workspace.
//!
//! Each pass runs the rules that can fix something, applies every applicable
//! fix that does not overlap another, and re-parses the changed files
//! ([`crate::fix::converge`]); a final check (every rule, with the edges'
//! evidence) says what remains. Nothing is written here: the caller writes
//! the changed files, or shows their diff.

use crate::fix::{self, Converged, Offered, Texts};
use crate::report::fix::{Change, FixReport};
use crate::rules::Enabled;
use crate::source::FileId;
use crate::workspace::Workspace;

use super::run::{self, Evidence};
use super::scope::Scope;
use super::{AppError, CheckOptions, Loaded, load_root, prefix, scope};

/// What the command line asked `fix` to do.
#[derive(Debug, Clone, Default)]
pub struct FixOptions {
    pub check: CheckOptions,
    /// Also apply unsafe fixes.
    pub unsafe_fixes: bool,
}

/// A workspace's files as the fix loop's texts.
impl Texts for Workspace {
    type Key = FileId;

    fn text(&self, key: FileId) -> &str {
        &self.files[key.index()].text
    }

    fn set_text(&mut self, key: FileId, text: String) {
        self.update_file(key, text);
    }

    fn set_texts(&mut self, texts: Vec<(FileId, String)>) {
        self.update_files(texts);
    }
}

/// Runs the fix loop on one workspace: the rules that can fix, on the
/// files in `scope`. Files whose fixes do not settle are left as they were
/// and listed in [`Converged::unsettled`].
pub fn fix_workspace(
    ws: &mut Workspace,
    scope: &Scope,
    evidence: &Evidence,
    unsafe_fixes: bool,
) -> Converged<FileId> {
    let settings = ws.settings.clone();
    let enabled = Enabled::fixing(&settings);
    fix::converge(ws, unsafe_fixes, |ws: &Workspace| {
        run::run(ws, scope, &enabled, evidence)
            .into_iter()
            .filter_map(|d| {
                Some(Offered {
                    key: d.file,
                    rule: d.rule,
                    fix: d.fix?,
                })
            })
            .collect()
    })
}

/// `lockstep fix` over every root. Nothing is written here.
pub fn fix(opts: &FixOptions) -> Result<FixReport, AppError> {
    let check = CheckOptions {
        changed_since: None,
        ..opts.check.clone()
    };
    let roots = scope::roots(&check.paths)?;
    let multi = roots.len() > 1;
    let mut outcome = FixReport::default();
    for (root, files) in roots {
        let Loaded {
            mut ws,
            scope,
            history,
            ..
        } = load_root(&root, files.as_deref(), &check)?;
        // Gathered once: every pass of the loop uses the same outcomes.
        let mut evidence = Evidence {
            external: super::external::check(&ws, &scope, &check.external, &mut Vec::new())?,
            prefetched: history,
            ..Evidence::default()
        };
        let done = fix_workspace(&mut ws, &scope, &evidence, opts.unsafe_fixes);
        outcome.passes = outcome.passes.max(done.passes);
        for (rule, n) in done.applied {
            *outcome.applied.entry(rule).or_default() += n;
        }
        let prefix = prefix(&root, multi);
        let originals_count = done.originals.len();
        for (id, rules) in done.unsettled {
            outcome
                .unsettled
                .push((format!("{prefix}{}", ws.files[id.index()].path), rules));
        }
        for (id, before) in done.originals {
            let file = &ws.files[id.index()];
            outcome.changes.push(Change {
                path: format!("{prefix}{}", file.path),
                abs: root.join(&file.path),
                before,
                after: file.text.clone(),
            });
        }
        evidence.read_history(&ws, &scope);
        // The final check sees the fixed texts as they will be on disk.
        if let Some(Ok(history)) = evidence.history.as_mut() {
            for c in &outcome.changes[outcome.changes.len() - originals_count..] {
                let rel = c.path.strip_prefix(&prefix).unwrap_or(&c.path);
                history.assume_on_disk(rel, &c.before);
            }
        }
        let diagnostics = run::run(&ws, &scope, &Enabled::new(&ws.settings), &evidence);
        run::merge_into(&mut outcome.remaining, ws, &scope, diagnostics, &prefix);
    }
    Ok(outcome)
}

/// What writing the fixed files did.
#[derive(Debug, Default)]
pub struct Written {
    /// Files written, as displayed.
    pub written: Vec<String>,
    /// Files not written, with why.
    pub failed: Vec<(String, crate::write::WriteError)>,
}

/// Writes every changed file of `report` — each only if it still holds
/// what was read (see [`crate::write::replace`]); a file that cannot be
/// written is skipped and named, the others are written.
pub fn write_changes(report: &FixReport) -> Written {
    let mut out = Written::default();
    for c in &report.changes {
        match crate::write::replace(&c.abs, c.before.as_bytes(), c.after.as_bytes()) {
            Ok(()) => out.written.push(c.path.clone()),
            Err(e) => out.failed.push((c.path.clone(), e)),
        }
    }
    out
}
