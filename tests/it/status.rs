//! `lockstep status` in every format, on a small pages/ + pages.xx/ tree
//! (a translated page, a partly untranslated one, pages missing in a
//! language, an orphan translation), and on the real corpora.

use std::process::Command;

use lockstep::app::CheckOptions;
use lockstep::app::status::{StatusOptions, status};
use lockstep::render::status::{StatusFormat, render};

fn report(path: &std::path::Path, langs: &[&str]) -> lockstep::report::status::StatusReport {
    status(&StatusOptions {
        check: CheckOptions {
            paths: vec![path.to_path_buf()],
            langs: langs.iter().map(|s| s.to_string()).collect(),
            ..CheckOptions::default()
        },
    })
    .expect("status runs")
}

/// A copy of the pages fixture outside any git repository: staleness must
/// not depend on this repository's history.
fn pages() -> std::path::PathBuf {
    static COPY: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let dir = COPY.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        crate::common::copy_tree(
            &crate::common::repo().join("fixtures/status/pages"),
            tmp.path(),
        );
        tmp
    });
    dir.path().to_path_buf()
}

#[test]
fn every_format_on_a_pages_tree() {
    let r = report(&pages(), &[]);
    for (name, format) in [
        ("table", StatusFormat::Table),
        ("markdown", StatusFormat::Markdown),
        ("json", StatusFormat::Json),
        ("html", StatusFormat::Html),
    ] {
        let out = render(&r, format, false).unwrap();
        insta::assert_snapshot!(format!("pages_{name}"), out);
    }
    let ko = report(&pages(), &["ko"]);
    insta::assert_snapshot!(
        "pages_svg_ko",
        render(&ko, StatusFormat::Svg, false).unwrap()
    );
}

#[test]
fn json_counts_and_document_level_missing() {
    let r = report(&pages(), &[]);
    let v: serde_json::Value =
        serde_json::from_str(&render(&r, StatusFormat::Json, false).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
    let langs = v["languages"].as_array().unwrap();
    let ko = langs.iter().find(|l| l["lang"] == "ko").unwrap();
    // tar (3 sections: 2 translated, 1 untranslated), ls (2 translated),
    // cp (no Korean file: 2 missing); mv.md has no source: 2 extra.
    assert_eq!(
        (
            ko["documents"].as_u64(),
            ko["sections"].as_u64(),
            ko["translated"].as_u64(),
            ko["untranslated"].as_u64(),
            ko["missing"].as_u64(),
            ko["extra"].as_u64()
        ),
        (Some(3), Some(7), Some(4), Some(1), Some(2), Some(2))
    );
    let missing_cp = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["lang"] == "ko" && s["state"] == "missing")
        .unwrap();
    assert_eq!(missing_cp["file"], "pages.ko/common/cp.md");
    assert!(missing_cp["line"].is_null());
    let extra = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["state"] == "extra")
        .unwrap();
    assert!(extra["source_file"].is_null() && extra["source_line"].is_null());
}

#[test]
fn html_is_self_contained() {
    let html = render(&report(&pages(), &[]), StatusFormat::Html, false).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for external in ["<link", "src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!html.contains(external), "external asset: {external}");
    }
    assert!(
        html.contains("href=\"pages.ko/common/tar.md#L9\""),
        "links to file:line"
    );
}

#[test]
fn cli_formats_output_and_badge_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("badge.svg");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_lockstep"))
            .args(args)
            .current_dir(pages())
            .output()
            .unwrap()
    };
    let o = run(&["status", "--format", "svg"]);
    assert_eq!(o.status.code(), Some(2), "a badge needs one --lang");
    let o = run(&[
        "status",
        "--format",
        "svg",
        "--lang",
        "ko",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains(">57% translated<"), "{svg}");
    let o = run(&["status"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("lang  documents"));
}

#[test]
fn system_design_101_korean() {
    let Some(root) = crate::common::corpus("system-design-101") else {
        return;
    };
    let r = report(&root, &[]);
    let ko = &r.languages["ko"];
    assert_eq!(ko.sections, 83);
    // Translated up to the Redis sections, English after them.
    insta::assert_snapshot!(
        "system_design_101_ko",
        format!(
            "{:?}\n{}",
            ko,
            r.sections
                .iter()
                .map(|s| format!(
                    "{:<12} {:>5} {}",
                    s.state.as_str(),
                    s.line.map(|l| l.to_string()).unwrap_or_default(),
                    s.heading.as_deref().unwrap_or("")
                ))
                .collect::<Vec<_>>()
                .join("\n")
        )
    );
}

#[test]
fn coding_interview_university_30_languages() {
    let Some(root) = crate::common::corpus("coding-interview-university") else {
        return;
    };
    let r = report(&root, &[]);
    assert_eq!(r.languages.len(), 30);
    insta::assert_snapshot!(
        "coding_interview_university_table",
        render(&r, StatusFormat::Table, false).unwrap()
    );
}
