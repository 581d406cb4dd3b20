//! The import rules (`scripts/check-layers`, ARCHITECTURE.md) hold for the
//! source, and the script does catch a violation of each kind.

use std::path::Path;
use std::process::{Command, Output};

use crate::common;

fn check_layers(root: &Path) -> Option<Output> {
    let script = common::repo().join("scripts/check-layers");
    match Command::new("python3").arg(&script).arg(root).output() {
        Ok(o) => Some(o),
        Err(_) => {
            common::skip_without("python3", "python3 (runs scripts/check-layers)");
            None
        }
    }
}

#[test]
fn the_source_follows_the_stages() {
    let Some(o) = check_layers(&common::repo()) else {
        return;
    };
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

/// A copy of `src/` with one deliberate violation of each rule.
#[test]
fn violations_are_caught() {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&common::repo().join("src"), &tmp.path().join("src"));
    let append = |file: &str, line: &str| {
        let path = tmp.path().join("src").join(file);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(line);
        std::fs::write(&path, text).unwrap();
    };
    append("render/json.rs", "use crate::app::Report;\n");
    append("render/github.rs", "use crate::config::Settings;\n");
    append("rules/dead_link.rs", "use crate::net::check_urls;\n");
    append(
        "rules/broken_link.rs",
        "fn git() { let _ = std::process::Command::new(\"git\"); }\n",
    );
    append(
        "rules/toc_drift/rewrite.rs",
        "use super::super::super::history::History;\n",
    );
    append("parse/toc.rs", "use crate::{align, source::Span};\n");
    let Some(o) = check_layers(tmp.path()) else {
        return;
    };
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    for expected in [
        "src/render/json.rs",
        "`render` imports `app`",
        "src/render/github.rs",
        "a renderer imports `config`",
        "src/rules/dead_link.rs",
        "a rule imports `net`",
        "src/rules/broken_link.rs",
        "must not use `\\bstd::process\\b`",
        "src/rules/toc_drift/rewrite.rs",
        "a rule imports `history`",
        "`parse` (stage 3) imports `align` (stage 7)",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
    assert!(out.contains("check-layers: 7 violation(s)"), "{out}");
}
