//! Section alignment on the failure patterns seen on real repositories,
//! each a history fixture under `fixtures/alignment/<pattern>/` (the
//! translation committed with the source it was made from, then the source
//! changed): checked without history (the files as they are now, no git)
//! and with it. For both, the translation rules' findings and the table of
//! `lockstep align` are snapshotted: what lockstep pairs, how sure it is,
//! and what it reports.

use std::path::Path;

use lockstep::rules::RuleId;

use crate::common;

/// The rules whose findings rest on the alignment.
const RULES: &[RuleId] = &[
    RuleId::MissingSection,
    RuleId::ExtraSection,
    RuleId::UncertainAlignment,
];

/// Commit ids masked (they differ from run to run: dates are fixed, but
/// not the trees' paths).
fn masked(text: &str) -> String {
    regex::Regex::new(r"\b[0-9a-f]{10}\b")
        .unwrap()
        .replace_all(text, "<id>")
        .into_owned()
}

/// `lockstep align <translation>` in `dir`: the table (stdout) and the note.
fn align_table(dir: &Path, translation: &str) -> String {
    let out = common::lockstep(&["align", translation], dir);
    assert!(out.status.success(), "align failed: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        if stderr.is_empty() {
            String::new()
        } else {
            format!("(stderr) {stderr}")
        }
    )
}

/// The pattern checked without and with history, as one snapshot.
fn pattern(name: &str, translation: &str) {
    let case = common::repo().join("fixtures/alignment").join(name);

    // Without history: every commit's files written over the previous ones.
    let flat = tempfile::tempdir().unwrap();
    let mut commits: Vec<_> = std::fs::read_dir(case.join("commits"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    commits.sort();
    assert!(
        commits.len() >= 2,
        "{name}: a translation and a later source"
    );
    for commit in &commits {
        common::copy_tree(commit, flat.path());
    }
    let report = common::check(flat.path(), RULES);
    let without = format!(
        "{}\n{}",
        common::compact(&report),
        align_table(flat.path(), translation)
    );

    // With history.
    let repo = common::history_fixture(&case);
    let root = repo.path().join("repo");
    let mut rules = RULES.to_vec();
    rules.push(RuleId::StaleSection);
    let report = common::check(&root, &rules);
    let with = masked(&format!(
        "{}\n{}",
        common::compact(&report),
        align_table(&root, translation)
    ));

    insta::assert_snapshot!(
        name,
        format!("## without history\n{without}\n## with history\n{with}")
    );
}

/// A `####` made a `###` in the translation (system-design-primer's
/// `solutions/system_design/*/README-zh-Hans.md`): every section pairs.
#[test]
fn level_change() {
    pattern("level-change", "README-zh-Hans.md");
}

/// The source dropped its first `##` section (a glossary's "What it is");
/// the translation kept it: that one is extra (with history, certainly;
/// without, the text alone cannot tell which of two prose sections went).
#[test]
fn dropped_first_section() {
    pattern("dropped-first-section", "README-ko.md");
}

/// A translation that stops early: the source's tail is missing, not
/// paired tail to tail (without history: uncertain).
#[test]
fn truncated() {
    pattern("truncated", "README-de.md");
}

/// `<a id="…"></a>` on the line above each translated heading
/// (free-programming-books `docs/CONTRIBUTING-ca.md`): the anchor names the
/// heading below it; counted in the section above, it shifted every pair
/// by one.
#[test]
fn anchors_above_headings() {
    pattern("anchors-above-headings", "CONTRIBUTING-ca.md");
}

/// `## Ссылки` is `## References` with localised links
/// (javascript-algorithms `heap/README.ru-RU.md`): paired, and the two
/// sections never translated are missing.
#[test]
fn localized_references() {
    pattern("localized-references", "README.ru-RU.md");
}

/// A translation that skipped sections rather than stopping early
/// (javascript-algorithms `bloom-filter/README.uk-UA.md`): its sections
/// must not pair in order with the source's first ones, even through
/// history.
#[test]
fn abridged() {
    pattern("abridged", "README.uk-UA.md");
}

/// `lockstep align`: a source file shows each translation; `--format json`
/// has every decision; a folder or a file with no other edition is a usage
/// error (exit 2).
#[test]
fn align_command_forms_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(
        &common::repo().join("fixtures/uncertain-alignment/fail/positional-gap"),
        dir.path(),
    );
    let from_source = common::lockstep(&["align", "README.md"], dir.path());
    assert!(from_source.status.success());
    let text = String::from_utf8_lossy(&from_source.stdout);
    assert!(text.starts_with("README-ko.md ↔ README.md\n"), "{text}");

    let json = common::lockstep(&["align", "README-ko.md", "--format", "json"], dir.path());
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let a = &v["alignments"][0];
    assert_eq!(a["translation"], "README-ko.md");
    assert_eq!(a["source"], "README.md");
    assert!(a["through"].is_null());
    let decisions: Vec<(String, bool)> = a["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["decision"].as_str().unwrap().to_string(),
                p["certain"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        [
            ("paired".to_string(), true),
            ("paired".to_string(), false),
            ("missing".to_string(), false),
            ("paired".to_string(), false),
            ("paired".to_string(), true),
        ]
    );
    assert_eq!(
        v["note"],
        "aligned without history: the documentation is not in a git repository"
    );

    let folder = common::lockstep(&["align", "."], dir.path());
    assert_eq!(folder.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&folder.stderr).contains("is a folder"));
    std::fs::write(dir.path().join("NOTES.md"), "# Notes\n").unwrap();
    let alone = common::lockstep(&["align", "NOTES.md"], dir.path());
    assert_eq!(alone.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&alone.stderr).contains("has no other editions"),
        "{}",
        String::from_utf8_lossy(&alone.stderr)
    );
}
