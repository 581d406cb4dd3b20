//! Pull-request integration end to end: `--changed-since`, baselines and
//! inline suppressions.

use std::fs;
use std::path::Path;

use crate::common::{git_now as git, lockstep, write};

/// Findings of a JSON run as `rule file:line:col message`, the notes, and
/// the exit code.
fn findings(args: &[&str], cwd: &Path) -> (Vec<String>, Vec<String>, i32) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let o = lockstep(&all, cwd);
    let code = o.status.code().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let list = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{} {}",
                d["rule"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    let notes = v["notes"]
        .as_array()
        .map(|n| n.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();
    (list, notes, code)
}

/// A repository with two documents in two editions each, committed on
/// `main`: every file is clean except `notes.md`, which has a broken link,
/// and `broken.md`, which is not UTF-8.
fn repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(
        dir,
        "README.md",
        "# Guide\n\nSee [setup](guide.md#setup).\n\n## Install\n\nRun it.\n\n## Usage\n\nUse it.\n",
    );
    write(
        dir,
        "README-ko.md",
        "# 가이드\n\n[설정](guide.md#setup)을 보세요.\n\n## 설치\n\n실행하세요.\n\n## 사용법\n\n사용하세요.\n",
    );
    write(dir, "guide.md", "# Guide\n\n## Setup\n\nSet it up.\n");
    write(dir, "guide-ko.md", "# 가이드\n\n## 설정\n\n설정하세요.\n");
    write(
        dir,
        "notes.md",
        "# Notes\n\nSee [the plan](plan.md).\n\nCheck the [requirements](setup.md#requirements).\n\n![Diagram](diagram.png)\n",
    );
    write(
        dir,
        "setup.md",
        "# Setup\n\n## Requirements\n\nA computer.\n",
    );
    fs::write(dir.join("diagram.png"), b"png").unwrap();
    // A file that cannot be read: a full run fails on it (exit 2); a
    // changed-only run never reads it.
    fs::write(dir.join("broken.md"), b"# Bad \xff\n").unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "base"]);
    tmp
}

#[test]
fn changed_since_reports_changed_files_and_translations_made_stale() {
    let tmp = repository();
    let dir = tmp.path();
    // The full run sees the old broken link in notes.md.
    let (all, _, code) = findings(&[], dir);
    assert_eq!(
        all,
        [
            "io-error broken.md:1:7 file is not valid UTF-8; it was not checked",
            "broken-link notes.md:3:16 link target `plan.md` does not exist"
        ]
    );
    assert_eq!(code, 2);
    let base = crate::common::git_now(dir, &["rev-parse", "HEAD"]);

    // A pull request edits the English README's Install section (committed)…
    git(dir, &["checkout", "-q", "-b", "pr"]);
    write(
        dir,
        "README.md",
        "# Guide\n\nSee [setup](guide.md#setup).\n\n## Install\n\nDownload it, then run it.\n\n## Usage\n\nUse it.\n",
    );
    git(dir, &["commit", "-qam", "install step"]);
    // It also renames a heading and deletes an image that the unchanged
    // notes.md uses: those links are reported, notes.md's old broken link is
    // not.
    write(
        dir,
        "setup.md",
        "# Setup\n\n## Prerequisites\n\nA computer.\n",
    );
    git(dir, &["rm", "-q", "diagram.png"]);
    git(dir, &["commit", "-qam", "rename, delete"]);
    // …and, uncommitted, breaks an anchor in the Korean guide, and adds an
    // untracked page with a broken anchor into an unchanged file.
    write(
        dir,
        "guide-ko.md",
        "# 가이드\n\n## 설정\n\n[사용법](README-ko.md#없음)을 보세요.\n",
    );
    write(
        dir,
        "faq.md",
        "# FAQ\n\n[Install](README.md#install), [setup](guide.md#set-up).\n",
    );
    let (found, notes, code) = findings(&["--changed-since", &base], dir);
    let revs = regex::Regex::new("[0-9a-f]{10}").unwrap();
    let found: Vec<String> = found
        .iter()
        .map(|f| revs.replace_all(f, "<rev>").into_owned())
        .collect();
    assert_eq!(
        found,
        [
            "stale-section README-ko.md:5:1 section `설치` is stale: its source section changed in <rev> (2024-01-01) since it was synced at <rev> (2024-01-01); this change staled it in <rev>",
            "broken-anchor faq.md:3:47 no heading or anchor in `guide.md` has the id `set-up`",
            "broken-anchor guide-ko.md:5:19 no heading or anchor in `README-ko.md` has the id `없음`",
            "broken-anchor notes.md:5:34 no heading or anchor in `setup.md` has the id `requirements`",
            "missing-image notes.md:7:12 image `diagram.png` does not exist",
        ],
        "{notes:?}"
    );
    assert_eq!(code, 1);
    // The same with the branch name, as the Action passes it.
    let (by_name, _, _) = findings(&["--changed-since", "main"], dir);
    assert_eq!(by_name.len(), 5);
    assert!(by_name[0].starts_with("stale-section README-ko.md:5:1"));
    // Nothing changed since HEAD in the README: no stale report for it.
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "rest"]);
    let (since_head, _, code) = findings(&["--changed-since", "HEAD"], dir);
    assert!(since_head.is_empty(), "{since_head:?}");
    assert_eq!(code, 0);
}

#[test]
fn changed_since_needs_a_revision_git_knows() {
    let tmp = repository();
    let o = lockstep(&["check", "--changed-since", "no-such-ref"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--changed-since no-such-ref"), "{err}");
    // Outside a repository.
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "README.md", "# A\n");
    let o = lockstep(&["check", "--changed-since", "main"], plain.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn baseline_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let readme = "# Guide\n\nSee [the plan](plan.md) and [the FAQ](#faq).\n\nAlso [the plan](plan.md).\n\n## Usage\n\nUse it.\n";
    write(dir, "README.md", readme);
    write(dir, "other.md", "# Other\n\n![diagram](missing.png)\n");

    let (before, _, code) = findings(&[], dir);
    assert_eq!(before.len(), 4, "{before:?}");
    assert_eq!(code, 1);
    let o = lockstep(
        &["check", "--write-baseline", "lockstep-baseline.json"],
        dir,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Wrote 4 findings"));
    let baseline_text = fs::read_to_string(dir.join("lockstep-baseline.json")).unwrap();
    let baseline: serde_json::Value = serde_json::from_str(&baseline_text).unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 4);
    assert!(!baseline_text.contains("\"line\""), "no line numbers");

    // Everything known: quiet and clean.
    let (after, notes, code) = findings(&["--baseline", "lockstep-baseline.json"], dir);
    assert!(after.is_empty() && notes.is_empty(), "{after:?} {notes:?}");
    assert_eq!(code, 0);
    let o = lockstep(&["check", "--baseline", "lockstep-baseline.json"], dir);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "No problems found (2 files checked).\n"
    );

    // Five lines added at the top, and one new broken link: only it shows.
    let edited = format!(
        "<!-- intro -->\n\nWelcome.\n\nRead on.\n{}\n\nSee [more](more.md).\n",
        readme.trim_end()
    );
    write(dir, "README.md", &edited);
    let (after, notes, code) = findings(&["--baseline", "lockstep-baseline.json"], dir);
    assert_eq!(
        after,
        ["broken-link README.md:16:12 link target `more.md` does not exist"]
    );
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(code, 1);
    // A warning-level finding that is new does not fail the run.
    write(dir, "README.md", &format!("{readme}\n## Usage\n\nTwice.\n"));
    let (_, _, code) = findings(&["--baseline", "lockstep-baseline.json"], dir);
    assert_eq!(code, 0, "the duplicate heading is a new warning only");

    // One of the two identical links fixed, and the image: reported as fixed.
    write(
        dir,
        "README.md",
        &readme.replace("Also [the plan](plan.md).", "Also the plan."),
    );
    fs::write(dir.join("missing.png"), b"png").unwrap();
    let (after, notes, code) = findings(&["--baseline", "lockstep-baseline.json"], dir);
    assert!(after.is_empty(), "{after:?}");
    assert_eq!(
        notes,
        [
            "fixed since the baseline: README.md [broken-link] link target `plan.md` does not exist (prune it with --write-baseline)",
            "fixed since the baseline: other.md [missing-image] image `missing.png` does not exist (prune it with --write-baseline)",
        ]
    );
    assert_eq!(code, 0);
    // Fixed entries are reported only for files and rules this run checked.
    let (_, notes, _) = findings(
        &[
            "README.md",
            "--baseline",
            "lockstep-baseline.json",
            "--select",
            "broken-anchor",
        ],
        dir,
    );
    assert!(notes.is_empty(), "{notes:?}");
    // Pruning: writing the baseline again drops them.
    lockstep(
        &["check", "--write-baseline", "lockstep-baseline.json"],
        dir,
    );
    let (_, notes, _) = findings(&["--baseline", "lockstep-baseline.json"], dir);
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn baseline_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "README.md", "# A\n");
    let o = lockstep(&["check", "--baseline", "absent.json"], dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("absent.json"));
    write(dir, "bad.json", "{\"version\": 1, \"findings\": [}");
    let o = lockstep(&["check", "--baseline", "bad.json"], dir);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.json") && err.contains("line 1"), "{err}");
    // A baseline from a changed-only run would forget the other files.
    let o = lockstep(
        &[
            "check",
            "--changed-since",
            "HEAD",
            "--write-baseline",
            "b.json",
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.join("b.json").exists());
}

/// Removes the `<!-- lockstep-… -->` comments from every file under `dir`.
fn strip_suppressions(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let text = fs::read_to_string(&p).unwrap();
        let kept: String = text
            .lines()
            .filter(|l| !l.starts_with("<!-- lockstep-"))
            .map(|l| format!("{l}\n"))
            .collect();
        fs::write(&p, kept).unwrap();
    }
}

#[test]
fn every_suppression_form_hides_real_findings() {
    // The all-forms fixture passes (see tests/fixtures.rs); without its
    // comments, the findings it hides are there.
    let tmp = tempfile::tempdir().unwrap();
    crate::common::copy_tree(
        &crate::common::repo().join("fixtures/unused-suppression/pass/all-forms"),
        tmp.path(),
    );
    let select = ["--select", "broken-link,missing-image"];
    let (with, _, code) = findings(&select, tmp.path());
    assert!(with.is_empty(), "{with:?}");
    assert_eq!(code, 0);
    fs::remove_file(tmp.path().join("select")).unwrap();
    strip_suppressions(tmp.path());
    let (without, _, code) = findings(&select, tmp.path());
    assert_eq!(
        without,
        [
            "broken-link NOTES.md:3:19 link target `drafts/c.md` does not exist",
            "broken-link README.md:3:21 link target `drafts/next.md` does not exist",
            "broken-link README.md:5:19 link target `drafts/a.md` does not exist",
            "missing-image README.md:5:48 image `sketch.png` does not exist",
            "broken-link README.md:8:33 link target `drafts/b.md` does not exist",
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn suppressions_end_where_they_say() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "README.md",
        "# Scope\n\n\
         <!-- lockstep-disable-next-line broken-link -->\n\
         [a](a.md)\n\
         [b](b.md)\n\n\
         <!-- lockstep-disable broken-link -->\n\
         [c](c.md) ![d](d.png)\n\
         <!-- lockstep-enable broken-link -->\n\
         [e](e.md)\n\n\
         <!-- lockstep-disable-next-line -->\n\
         [f](f.md) ![g](g.png)\n",
    );
    let (found, _, _) = findings(&[], tmp.path());
    assert_eq!(
        found,
        [
            "broken-link README.md:5:5 link target `b.md` does not exist",
            "missing-image README.md:8:16 image `d.png` does not exist",
            "broken-link README.md:10:5 link target `e.md` does not exist",
        ]
    );
}

#[test]
fn changed_since_in_a_subfolder_of_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "README.md", "# Top\n\n[gone](gone.md)\n");
    write(dir, "docs/README.md", "# Guide\n\n## Usage\n\nUse it.\n");
    write(
        dir,
        "docs/other.md",
        "# Other\n\n[usage](README.md#usage)\n",
    );
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "base"]);
    write(
        dir,
        "docs/README.md",
        "# Guide\n\n## How to use it\n\nUse it.\n",
    );
    write(
        dir,
        "README.md",
        "# Top\n\n[gone](gone.md) [also](also.md)\n",
    );
    let (found, _, code) = findings(&["docs", "--changed-since", "HEAD"], dir);
    assert_eq!(
        found,
        ["broken-anchor other.md:3:18 no heading or anchor in `README.md` has the id `usage`"]
    );
    assert_eq!(code, 1);
}

#[test]
fn suppressions_of_rules_that_did_not_run_are_not_unused() {
    let dir = crate::common::repo().join("fixtures/unused-suppression/fail/unused");
    let (found, _, _) = findings(&["--select", "missing-image,unused-suppression"], &dir);
    assert_eq!(
        found,
        [
            "unused-suppression README.md:6:1 unknown rule `broken-links` in a suppression (did you mean `broken-link`?)",
            "unused-suppression README.md:8:1 this suppression of `missing-image` suppresses nothing",
        ]
    );
}
