//! Hostile pull requests: everything lockstep reads may come from a
//! stranger. Files outside the root are never read or printed; nothing
//! hangs; `fix` and `sync` never lose an edit, never write through a link,
//! never touch what `check` did not report. Every input here is generated.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, git_now as git, lockstep, write};

const SECRET: &str = "LOCKSTEP_TEST_SECRET_7f3a";

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs lockstep with a watchdog: a hang fails the test (after `limit`)
/// instead of stalling the suite. Not a timing assertion: the limit is far
/// above any normal run.
pub fn lockstep_within(args: &[&str], cwd: &Path, limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run lockstep");
    // Drained while it runs: a full pipe must not block it.
    let drain = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|r| Box::new(r) as _));
    let err = drain(child.stderr.take().map(|r| Box::new(r) as _));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let e = err.join().unwrap_or_default();
            panic!(
                "lockstep {args:?} did not finish within {limit:?}; stderr: {}",
                String::from_utf8_lossy(&e)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// A `lockstep.toml` or rule file that links outside the root is refused
/// without being read: its content never reaches the output.
#[cfg(unix)]
#[test]
fn files_outside_the_root_are_never_read() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "credentials.toml",
        &format!("token = \"{SECRET}\"\n[[rule]]\nid = \"x\"\n"),
    );
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", "# A\n");
    symlink(
        &outside.path().join("credentials.toml"),
        &tmp.path().join("lockstep.toml"),
    );
    let o = lockstep(&["check", "."], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("lockstep.toml: the configuration was not read: it is (or links to) a file outside the documentation root"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains(SECRET) && !stdout(&o).contains(SECRET));

    // A rule file that links out.
    fs::remove_file(tmp.path().join("lockstep.toml")).unwrap();
    write(tmp.path(), "lockstep.toml", "rule-dirs = [\"rules\"]\n");
    fs::create_dir(tmp.path().join("rules")).unwrap();
    symlink(
        &outside.path().join("credentials.toml"),
        &tmp.path().join("rules/house.toml"),
    );
    let o = lockstep(&["check", "."], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("house.toml: the rule file was not read"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains(SECRET));

    // Rule folders that climb out of the root, or are absolute.
    for dir in ["../outside", outside.path().to_str().unwrap()] {
        write(
            tmp.path(),
            "lockstep.toml",
            &format!("rule-dirs = [{dir:?}]\n"),
        );
        let o = lockstep(&["check", "."], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{dir}");
        assert!(
            stderr(&o).contains("lockstep.toml:1:14: the rule folder")
                && stderr(&o).contains("is outside the documentation root"),
            "{}",
            stderr(&o)
        );
    }
}

/// `.lockstep-cache` is read only as a regular file of bounded size: a link
/// to `/dev/zero` or a FIFO is ignored (and never hangs the run).
#[cfg(unix)]
#[test]
fn the_link_cache_cannot_hang_or_flood_the_run() {
    let server = crate::support::server::Server::start();
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "README.md",
        &format!("# A\n\n[ok]({})\n", server.url("/ok")),
    );
    let cache = tmp.path().join(".lockstep-cache");
    let run = || {
        lockstep_within(
            &["check", ".", "--external", "--allow-private"],
            tmp.path(),
            Duration::from_secs(60),
        )
    };
    symlink(Path::new("/dev/zero"), &cache);
    let o = run();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The link was replaced by a real cache file, not written through.
    assert!(fs::symlink_metadata(&cache).unwrap().is_file());
    fs::remove_file(&cache).unwrap();
    let made = Command::new("mkfifo").arg(&cache).status();
    if made.is_ok_and(|s| s.success()) {
        let o = run();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    } else {
        common::skip_without("mkfifo", "mkfifo (to make a FIFO)");
    }
    // A cache over the size cap is not read.
    fs::remove_file(&cache).ok();
    let big = format!(
        "{{\"version\":1,\"entries\":{{}},\"pad\":\"{}\"}}",
        "x".repeat(lockstep::net::cache::MAX_CACHE_SIZE as usize)
    );
    fs::write(&cache, big).unwrap();
    let o = run();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A repository with a document and its Korean edition, committed.
fn translated_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", "# Guide\n\n## Install\n\nText.\n");
    write(tmp.path(), "README-ko.md", "# 안내\n\n## 설치\n\n텍스트.\n");
    write(tmp.path(), "CONTRIBUTING.md", "# Contributing\n");
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    git(tmp.path(), &["add", "-A"]);
    git(tmp.path(), &["commit", "-qm", "docs"]);
    tmp
}

/// `sync` writes markers only into translations, never through a link.
#[cfg(unix)]
#[test]
fn sync_refuses_links_sources_and_single_editions() {
    let tmp = translated_repo();
    let o = lockstep(&["sync", "README.md"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`README.md` is the source edition of its document"),
        "{}",
        stderr(&o)
    );
    let o = lockstep(&["sync", "CONTRIBUTING.md"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`CONTRIBUTING.md` has no other editions"),
        "{}",
        stderr(&o)
    );
    // A translation that is a link to a file outside the root.
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "target.md", "# 밖\n");
    fs::remove_file(tmp.path().join("README-ko.md")).unwrap();
    symlink(
        &outside.path().join("target.md"),
        &tmp.path().join("README-ko.md"),
    );
    let o = lockstep(&["sync", "README-ko.md"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a symbolic link"), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(outside.path().join("target.md")).unwrap(),
        "# 밖\n"
    );
    assert!(
        fs::symlink_metadata(tmp.path().join("README-ko.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// `status FILE` reports that file's document only.
#[test]
fn status_of_a_file_is_its_document() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a.md", "# A\n\n## One\n");
    write(tmp.path(), "a.ko.md", "# 가\n\n## 하나\n");
    write(tmp.path(), "b.md", "# B\n\n## Two\n");
    write(tmp.path(), "b.ko.md", "# 나\n\n## 둘\n");
    let o = lockstep(&["status", "a.ko.md", "--format", "json"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["languages"][0]["documents"], 1);
    let files: Vec<&str> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["source_file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["a.md", "a.md"]);
    let o = lockstep(&["status", "notes.txt"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
}

/// A tree for `fix`: `a.md` and `b.md` each have one broken anchor of
/// letter case (a safe fix).
fn fixable_tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["a.md", "b.md", "c.md"] {
        write(
            tmp.path(),
            name,
            "# Title\n\nSee [install](#Install).\n\n## Install\n",
        );
    }
    tmp
}

const FIXED: &str = "# Title\n\nSee [install](#install).\n\n## Install\n";
const BROKEN: &str = "# Title\n\nSee [install](#Install).\n\n## Install\n";

/// A read-only file is refused (exit 2), the others are fixed and listed.
#[cfg(unix)]
#[test]
fn fix_refuses_read_only_files_and_fixes_the_rest() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = fixable_tree();
    let ro = tmp.path().join("b.md");
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o444)).unwrap();
    let o = lockstep(&["fix", "."], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("error: cannot write b.md: it is read-only"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("note: these files were fixed: a.md, c.md"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read_to_string(&ro).unwrap(), BROKEN);
    assert_eq!(fs::read_to_string(tmp.path().join("a.md")).unwrap(), FIXED);
    assert_eq!(fs::read_to_string(tmp.path().join("c.md")).unwrap(), FIXED);
}

/// An edit made between reading and writing is never overwritten.
#[test]
fn an_edit_made_while_fixing_is_kept() {
    let tmp = fixable_tree();
    let report = lockstep::app::fix::fix(&lockstep::app::fix::FixOptions {
        check: lockstep::app::CheckOptions {
            paths: vec![tmp.path().to_path_buf()],
            ..Default::default()
        },
        unsafe_fixes: false,
    })
    .unwrap();
    assert_eq!(report.changes.len(), 3);
    // Someone saves b.md meanwhile.
    let edited = "# Title\n\nSee [install](#Install) — edited.\n\n## Install\n";
    fs::write(tmp.path().join("b.md"), edited).unwrap();
    let written = lockstep::app::fix::write_changes(&report);
    assert_eq!(written.written, ["a.md", "c.md"]);
    assert_eq!(written.failed.len(), 1);
    assert_eq!(written.failed[0].0, "b.md");
    assert!(matches!(
        written.failed[0].1,
        lockstep::write::WriteError::Changed
    ));
    assert_eq!(fs::read_to_string(tmp.path().join("b.md")).unwrap(), edited);
    assert_eq!(fs::read_to_string(tmp.path().join("a.md")).unwrap(), FIXED);
}

/// Hard links keep sharing the fixed file; temporary files left by a
/// killed run are removed; nothing else is left behind.
#[cfg(unix)]
#[test]
fn fix_keeps_hard_links_and_cleans_up_after_a_killed_run() {
    let tmp = fixable_tree();
    let outside = tempfile::tempdir().unwrap();
    let link = outside.path().join("a-link.md");
    fs::hard_link(tmp.path().join("a.md"), &link).unwrap();
    // What a run killed during its write leaves behind (a pid that cannot
    // be running: above the kernel's pid_max).
    let stale = tmp.path().join(".lockstep-4999999-q1w2e3.tmp");
    fs::write(&stale, "half a file").unwrap();
    let o = lockstep(&["fix", "."], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(&link).unwrap(),
        FIXED,
        "the link shares the fix"
    );
    if Path::new("/proc/self").exists() {
        assert!(!stale.exists(), "the stale temporary file was removed");
    }
    assert!(lockstep::write::temp_files(tmp.path()).is_empty());
}

/// A file whose fixes never settle is named and left alone; the others
/// are fixed; exit 2. (A project rule whose fix re-creates its match.)
#[test]
fn a_file_whose_fixes_never_settle_is_named_and_skipped() {
    let tmp = fixable_tree();
    write(tmp.path(), "lockstep.toml", "rule-dirs = [\"rules\"]\n");
    write(
        tmp.path(),
        "rules/grow.toml",
        "[[rule]]\nid = \"grow\"\nmessage = \"m\"\npattern = 'x+'\nreplace = '{0}x'\n",
    );
    write(tmp.path(), "grow.md", "# Grow\n\nx\n");
    let o = lockstep_within(&["fix", "."], tmp.path(), Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("error: the fixes of grow.md did not settle after 10 passes (rules: grow); it was left as it is"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(tmp.path().join("grow.md")).unwrap(),
        "# Grow\n\nx\n"
    );
    assert_eq!(fs::read_to_string(tmp.path().join("a.md")).unwrap(), FIXED);
}

/// `fix --diff` over a file that is not UTF-8 exits 2, like `check`.
#[test]
fn fix_diff_reports_unreadable_files() {
    let tmp = fixable_tree();
    fs::write(tmp.path().join("bad.md"), b"# Bad \xff\n").unwrap();
    let o = lockstep(&["fix", "--diff", "."], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).contains("+See [install](#install)."));
}

/// A file named from a subfolder, with no `lockstep.toml` or `.git`
/// anywhere above: the root is the current folder, so links out of the
/// subfolder resolve and `--diff` paths apply from here.
#[test]
fn a_file_in_a_subfolder_is_checked_from_the_current_folder() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "guide.md", "# Guide\n\n## Setup\n");
    write(
        tmp.path(),
        "docs/page.md",
        "# Page\n\n[guide](../guide.md#setup) and [bad](#Page)\n",
    );
    let o = lockstep(&["check", "docs/page.md", "--format", "json"], tmp.path());
    assert_eq!(
        common::json_findings(&o),
        [
            "warning broken-anchor docs/page.md:3:38 `#Page` differs from the id `page` in this file only in letter case"
        ]
    );
    let o = lockstep(&["fix", "--diff", "docs/page.md"], tmp.path());
    assert!(
        stdout(&o).starts_with("--- a/docs/page.md\n+++ b/docs/page.md\n"),
        "{}",
        stdout(&o)
    );
}

/// The counts of a summary agree with the findings listed, and with what
/// `fix` says remains.
#[test]
fn counts_agree() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a.md", "# A\n\n[x](#nowhere) [y](missing.md)\n");
    write(tmp.path(), "b.md", "# B\n\n![i](gone.png)\n");
    fs::write(tmp.path().join("c.md"), b"# C \xff\n").unwrap();
    let o = lockstep(&["check", "."], tmp.path());
    let summary = stdout(&o).lines().last().unwrap_or_default().to_string();
    assert_eq!(
        summary,
        "Found 4 errors and 0 warnings in 3 files (3 files checked)."
    );
    let o = lockstep(&["fix", "."], tmp.path());
    assert!(
        stdout(&o).contains("4 errors and 0 warnings remain"),
        "{}",
        stdout(&o)
    );
}

/// Inputs built to stall a run finish (a watchdog, not a timing assertion:
/// the scaling benchmark measures growth) with the findings they should have.
/// `check --format json` on `dir`, which must finish (within two minutes)
/// with findings at error level: its report.
fn check_json_with_errors(dir: &Path) -> serde_json::Value {
    let o = lockstep_within(
        &["check", ".", "--format", "json"],
        dir,
        Duration::from_secs(120),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn pathological_documents_finish() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let n = 20_000;
    // Images nested 20,000 deep: every level's image is missing.
    write(
        dir,
        "nested.md",
        &format!("# T\n\n{}a{}\n", "![".repeat(n), "](u)".repeat(n)),
    );
    // A TOC of 2,000 entries whose anchors were all renamed, and 10% more
    // headings than entries.
    let toc: String = (0..2000)
        .map(|i| format!("- [Titre {i}](#titre-{i})\n"))
        .collect();
    let body: String = (0..2200)
        .map(|i| format!("## Heading {i}\n\ntext\n\n"))
        .collect();
    write(
        dir,
        "toc.md",
        &format!("# T\n\n## Contents\n\n{toc}\n{body}"),
    );
    let v = check_json_with_errors(dir);
    let count = |file: &str, rule: &str| {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == file && d["rule"] == rule)
            .count()
    };
    assert_eq!(count("nested.md", "missing-image"), n);
    // Nothing alike: 2,000 entries pointing nowhere, 2,200 headings without one.
    assert_eq!(count("toc.md", "toc-drift"), 4200);
    let o = lockstep_within(&["fix", "--diff", "."], dir, Duration::from_secs(120));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

/// Broken anchors are compared with every id of their target for a
/// suggestion: quadratic, so a file's comparisons stop at two million, and
/// the fragments past that say they were not compared.
#[test]
fn thousands_of_broken_anchors_into_thousands_of_headings_finish() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let n = 1500;
    let body: String = (0..n)
        .map(|i| format!("## Heading {i} alpha\n\ntext\n\n"))
        .collect();
    let links: String = (0..n)
        .map(|i| format!("- [x](#headin-{i}-alph)\n"))
        .collect();
    write(dir, "many.md", &format!("# T\n\n{body}{links}"));
    let v = check_json_with_errors(dir);
    let helps: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "broken-anchor")
        .map(|d| d["help"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(helps.len(), n);
    // 1,501 ids (the title's too): 1,332 fragments fit in two million
    // comparisons, each with its own heading as the suggestion.
    let compared = 2_000_000 / (n + 1);
    for (i, help) in helps.iter().enumerate() {
        if i < compared {
            assert_eq!(*help, format!("expected `#heading-{i}-alpha`"));
        } else {
            assert_eq!(
                *help,
                "not compared with the ids in this file for a likely match: this file has too many broken anchors to compare each with every id"
            );
        }
    }
}

/// Configurations built to exhaust memory or time are refused with an
/// error that names the limit.
#[test]
fn oversized_configurations_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "README.md", "# A\n");
    let globs: String = (0..20_000).map(|i| format!("\"g{i}/*.md\",")).collect();
    write(dir, "lockstep.toml", &format!("exclude = [{globs}]\n"));
    let o = lockstep_within(&["check", "."], dir, Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("too many globs (20000): a list takes at most 10000"),
        "{}",
        stderr(&o)
    );
    let rules: String = (0..20_000)
        .map(|i| format!("[[rule]]\nid = \"r{i}\"\nmessage = \"m\"\npattern = 'x{i}'\n"))
        .collect();
    write(dir, "lockstep.toml", "rule-dirs = [\"rules\"]\n");
    write(dir, "rules/many.toml", &rules);
    let o = lockstep_within(&["check", "."], dir, Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("rules/many.toml: the rule file was not read: it is larger than 1024 KiB")
            || stderr(&o).contains("too many rules"),
        "{}",
        stderr(&o)
    );
    // Under the size cap, but too many rules.
    let rules: String = (0..1500)
        .map(|i| format!("[[rule]]\nid = \"r{i}\"\nmessage = \"m\"\npattern = 'x{i}'\n"))
        .collect();
    write(dir, "rules/many.toml", &rules);
    let o = lockstep_within(&["check", "."], dir, Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("too many rules: the file defines 1500 rules and glossary entries; lockstep loads at most 1000"),
        "{}",
        stderr(&o)
    );
}
