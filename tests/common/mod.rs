//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use lockstep::app::{self, CheckOptions, Report};
use lockstep::render::{Human, RenderOptions};
use lockstep::rules::RuleId;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpora/<name>`, or `None` (with a message) when absent.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let p = repo().join("../shared/corpora").join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

pub fn check(path: &Path, select: &[RuleId]) -> Report {
    app::check(&CheckOptions {
        paths: vec![path.to_path_buf()],
        select: select.to_vec(),
        ..CheckOptions::default()
    })
    .expect("check runs")
}

/// One line per diagnostic: `file:line:col: severity[rule] message (help)`.
pub fn compact(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let f = &report.files[d.file.index()];
        let lc = f.line_col(d.span.start);
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}",
            f.path,
            lc.line,
            lc.column,
            d.severity,
            d.rule.name(),
            d.message
        ));
        if let Some(h) = &d.help {
            out.push_str(&format!(" (help: {h})"));
        }
        if let Some(s) = &d.source {
            let sf = &report.files[s.file.index()];
            out.push_str(&format!(
                " [source: {}:{}]",
                sf.path,
                sf.line_col(s.span.start).line
            ));
        }
        out.push('\n');
    }
    out
}

/// The human rendering, without colour, at a fixed width.
pub fn human(report: &Report) -> String {
    let h = Human::new(RenderOptions {
        color: false,
        width: Some(100),
    });
    let mut out = String::new();
    for d in &report.diagnostics {
        let source = d.source.as_ref().map(|s| &report.files[s.file.index()]);
        out.push_str(&h.render_one(&report.files[d.file.index()], d, source));
    }
    out
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Carriage returns and byte order marks made visible, for snapshots.
pub fn visible(s: &str) -> String {
    s.replace('\r', "␍").replace('\u{feff}', "<BOM>")
}

/// Runs `lockstep fix` on a copy of `fixture` and returns the unified diff
/// of every change, and the fixed copy.
pub fn fix_diff(
    fixture: &Path,
    unsafe_fixes: bool,
    select: &[RuleId],
) -> (String, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(fixture, tmp.path());
    let (diff, _) = fix_with(tmp.path(), unsafe_fixes, select);
    (diff, tmp)
}

/// Runs `lockstep fix` on `root` itself, writing the changes.
pub fn fix_in_place(root: &Path, unsafe_fixes: bool) -> (String, usize) {
    fix_with(root, unsafe_fixes, &[])
}

fn fix_with(root: &Path, unsafe_fixes: bool, select: &[RuleId]) -> (String, usize) {
    let outcome = lockstep::app::fix::fix(&lockstep::app::fix::FixOptions {
        check: CheckOptions {
            paths: vec![root.to_path_buf()],
            select: select.to_vec(),
            ..CheckOptions::default()
        },
        unsafe_fixes,
    })
    .expect("fix converges");
    let mut diff = String::new();
    for c in &outcome.changes {
        diff.push_str(&lockstep::fix::unified_diff(&c.path, &c.before, &c.after));
        lockstep::write::write_atomic(&c.abs, c.after.as_bytes()).unwrap();
    }
    (diff, outcome.changes.len())
}
