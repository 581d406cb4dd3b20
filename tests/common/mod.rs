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
        out.push_str(&h.render_one(&report.files[d.file.index()], d));
    }
    out
}
