//! The `lockstep` binary end to end: exit codes, output formats, scoping,
//! configuration errors, and the tree walk's safety rules.

use crate::common::{assert_safe_to_print, git_now as git, lockstep, write};

use std::fs;
use std::process::{Command, Output, Stdio};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn demo_exits_1_with_its_findings() {
    // Staleness depends on this repository's history: left out here.
    let o = lockstep(
        &["check", "fixtures/demo", "--ignore", "stale-section"],
        &crate::common::repo(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!("demo_human", stdout(&o));
}

#[test]
fn demo_json_is_version_1() {
    let o = lockstep(
        &["check", "fixtures/demo", "--format", "json"],
        &crate::common::repo(),
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["files"], 4);
    assert_eq!(v["summary"]["errors"], 3);
    assert_eq!(v["summary"]["warnings"], 1);
    insta::assert_snapshot!("demo_json", stdout(&o));
}

#[test]
fn clean_tree_exits_0() {
    let dir = crate::common::repo().join("fixtures/broken-anchor/pass/github-ids");
    let o = lockstep(&["check", dir.to_str().unwrap()], &crate::common::repo());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "No problems found (1 file checked).\n");
    let o = lockstep(
        &["check", "--quiet", dir.to_str().unwrap()],
        &crate::common::repo(),
    );
    assert_eq!(stdout(&o), "", "--quiet prints nothing when all is well");
}

#[test]
fn path_defaults_to_the_current_directory() {
    let o = lockstep(&["check"], &crate::common::repo().join("fixtures/demo"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("translations/README-ko.md:10:10"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn broken_config_exits_2_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", "# A\n");
    write(
        tmp.path(),
        "lockstep.toml",
        "source-lang = \"en\"\n[rules]\nbroken-link = \"loud\"\n",
    );
    let o = lockstep(&["check", "."], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(
        err,
        "error: ./lockstep.toml:3:15: invalid severity `loud` for `broken-link`: expected \"error\", \"warning\", \"info\" or \"off\"\n  \
         ╭─[./lockstep.toml:3:15]\n\
         2 │ [rules]\n\
         3 │ broken-link = \"loud\"\n  \
         ·               ^^^^^^ here\n  \
         ╰────\n",
        "said once, with the line it points at"
    );
    assert!(stdout(&o).is_empty());

    write(tmp.path(), "lockstep.toml", "[documents]\nsource = 1\n");
    let o = lockstep(&["check", "."], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("lockstep.toml:"), "{}", stderr(&o));

    write(tmp.path(), "lockstep.toml", "colour = \"red\"\n");
    let o = lockstep(&["check", "."], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("lockstep.toml:1:1: unknown field `colour`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn config_flag_points_at_another_file() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", "# A\n\n[x](#b)\n");
    write(
        tmp.path(),
        "ci.toml",
        "[rules]\nbroken-anchor = \"warning\"\n",
    );
    let o = lockstep(&["check", ".", "--config", "ci.toml"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "warnings do not fail the run");
    assert!(stdout(&o).contains("1 warning"));
    let o = lockstep(&["check", ".", "--config", "missing.toml"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    let repo = crate::common::repo();
    let o = lockstep(&["check", "no/such/path"], &repo);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`no/such/path` does not exist"));
    let o = lockstep(
        &["check", "fixtures/demo", "--select", "broken-links"],
        &repo,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `broken-link`"),
        "{}",
        stderr(&o)
    );
    let o = lockstep(&["check", "--format", "xml"], &repo);
    assert_eq!(o.status.code(), Some(2));
    let o = lockstep(&["frobnicate"], &repo);
    assert_eq!(o.status.code(), Some(2));
}

/// `--lang` names languages the tree has: a typo is a usage error that
/// lists them (never a silent "0 files checked"); letter case and `_`/`-`
/// do not matter (`pt-BR` is `pt-br`).
#[test]
fn unknown_languages_are_usage_errors() {
    let repo = crate::common::repo();
    let o = lockstep(&["check", "--lang", "xx", "fixtures/demo"], &repo);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: unknown language `xx` in --lang: the languages in fixtures/demo are en, ja, ko\n"
    );
    assert_eq!(stdout(&o), "");
    let o = lockstep(&["status", "--lang", "jp", "fixtures/demo"], &repo);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown language `jp`"),
        "{}",
        stderr(&o)
    );
    let o = lockstep(&["check", "--lang", "KO", "fixtures/demo"], &repo);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with("(1 file checked).\n"),
        "{}",
        stdout(&o)
    );
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", "# A\n");
    write(tmp.path(), "README.pt-BR.md", "# A\n");
    let o = lockstep(&["check", "--lang", "pt_br", "."], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("(1 file checked)"), "{}", stdout(&o));
}

#[test]
fn select_and_ignore() {
    let repo = crate::common::repo();
    let o = lockstep(
        &[
            "check",
            "fixtures/demo",
            "--select",
            "missing-image",
            "--format",
            "json",
        ],
        &repo,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["missing-image"]);
    let o = lockstep(
        &[
            "check",
            "fixtures/demo",
            "--ignore",
            "broken-anchor,missing-image,toc-drift",
            "--format",
            "json",
        ],
        &repo,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["broken-link"]);
}

#[test]
fn a_file_argument_limits_the_run_to_its_document() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", "# A\n\n[x](#nope)\n");
    write(tmp.path(), "README-ko.md", "# 가\n\n[x](#nope)\n");
    write(tmp.path(), "other.md", "# B\n\n[x](#nope)\n");
    let o = lockstep(
        &[
            "check",
            "README-ko.md",
            "--format",
            "json",
            "--ignore",
            "stale-section",
        ],
        tmp.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["README-ko.md", "README.md"]);
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn file_arguments_find_the_configuration_above_them() {
    // `docs/a.md` from the root: the root is the folder with lockstep.toml
    // (not `docs/`), so its `exclude` applies and links resolve from it.
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "lockstep.toml", "exclude = [\"drafts/\"]\n");
    write(
        tmp.path(),
        "docs/a.md",
        "# A\n\n[b](../drafts/b.md) [c](c.md)\n",
    );
    write(tmp.path(), "drafts/b.md", "# B\n\n[nope](nope.md)\n");
    let o = lockstep(&["check", "docs/a.md", "drafts/b.md"], tmp.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "broken-link\n\n  × link target `docs/c.md` does not exist\n   ╭─[docs/a.md:3:25]\n \
         2 │ \n 3 │ [b](../drafts/b.md) [c](c.md)\n   ·                         ────\n   ╰────\n\
         note: `drafts/b.md` was not checked: it is not a Markdown file, or `exclude` in lockstep.toml excludes it\n\
         Found 1 error and 0 warnings in 1 file (1 file checked).\n"
    );
}

#[test]
fn lang_filter() {
    let o = lockstep(
        &["check", "fixtures/demo", "--lang", "ko", "--format", "json"],
        &crate::common::repo(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for d in v["diagnostics"].as_array().unwrap() {
        assert_eq!(d["file"], "translations/README-ko.md");
        assert_eq!(d["lang"], "ko");
    }
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let repo = crate::common::repo();
    let o = lockstep(&["check", "fixtures/demo"], &repo);
    assert!(!stdout(&o).contains('\x1b'), "no colour when piped");
    let o = lockstep(&["check", "fixtures/demo", "--color", "always"], &repo);
    assert!(stdout(&o).contains("\x1b["), "colour when forced");
    for choice in ["auto", "always"] {
        let o = Command::new(env!("CARGO_BIN_EXE_lockstep"))
            .args(["check", "fixtures/demo", "--color", choice])
            .current_dir(&repo)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            !stdout(&o).contains('\x1b'),
            "NO_COLOR wins over --color {choice}"
        );
    }
}

#[test]
fn unreadable_or_invalid_files_are_reported_and_the_run_continues() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("bad.md"), b"# ok\n\n\xff\xfe broken\n").unwrap();
    write(tmp.path(), "good.md", "# Good\n\n[x](#missing)\n");
    let o = lockstep(&["check", ".", "--format", "json"], tmp.path());
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unreadable file is an I/O error"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["rule"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(got, ["bad.md:3:1 io-error", "good.md:3:5 broken-anchor"]);
}

#[test]
fn gitignore_is_respected_and_git_dirs_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), ".gitignore", "vendor/\n");
    write(tmp.path(), "vendor/x.md", "[x](#nope)\n");
    write(tmp.path(), ".git/info.md", "[x](#nope)\n");
    write(tmp.path(), ".github/PULL_REQUEST_TEMPLATE.md", "# PR\n");
    write(
        tmp.path(),
        "README.md",
        "# A\n\nSee [template](.github/PULL_REQUEST_TEMPLATE.md).\n",
    );
    let o = lockstep(&["check", "."], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("(2 files checked)"), "{}", stdout(&o));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_never_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.md", "# Secret\n\n[x](#nope)\n");
    let tmp = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), tmp.path().join("linked")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        tmp.path().join("secret.md"),
    )
    .unwrap();
    write(tmp.path(), "inside.md", "# In\n");
    std::os::unix::fs::symlink(tmp.path().join("inside.md"), tmp.path().join("alias.md")).unwrap();
    write(
        tmp.path(),
        "README.md",
        "# A\n\n[s](secret.md) [l](linked/secret.md) [a](alias.md)\n",
    );
    let o = lockstep(&["check", ".", "--format", "json"], tmp.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let msgs: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        msgs,
        [
            "link target `secret.md` is a symlink to a place outside the documentation root; it was not followed",
            "link target `linked/secret.md` does not exist",
        ]
    );
    assert_eq!(
        v["summary"]["files"], 2,
        "only README.md and inside.md are read"
    );
}

#[test]
fn size_cap_skips_without_reading() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "lockstep.toml", "max-file-size = \"1 KiB\"\n");
    write(tmp.path(), "big.md", &"x ".repeat(1000));
    write(tmp.path(), "README.md", "# A\n\n[big](big.md#anything)\n");
    let o = lockstep(&["check", ".", "--format", "json"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "a skipped file is a warning");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["rule"], "file-too-large");
    assert_eq!(d["file"], "big.md");
    assert_eq!(
        v["diagnostics"].as_array().unwrap().len(),
        1,
        "anchors of a skipped file are not judged"
    );
}

#[test]
fn broken_pipe_exits_0() {
    let tmp = tempfile::tempdir().unwrap();
    let body: String = (0..5000).map(|i| format!("[x](#missing-{i})\n")).collect();
    write(tmp.path(), "README.md", &body);
    let mut child = Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .args(["check", "."])
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn rules_lists_and_documents() {
    // Outside this repository, whose lockstep.toml turns the markdown pack on.
    let empty = tempfile::tempdir().unwrap();
    let o = lockstep(&["rules"], empty.path());
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("rules_list", stdout(&o));
    let o = lockstep(&["rules", "broken-anchor"], &crate::common::repo());
    assert!(stdout(&o).contains("## What it does"));
    let o = lockstep(&["rules", "nope"], &crate::common::repo());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn excluded_files_are_not_checked_but_still_exist() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "lockstep.toml",
        "exclude = [\"CHANGELOG.md\", \"vendor/\"]\n",
    );
    write(tmp.path(), "CHANGELOG.md", "# Changes\n\n[x](#nope)\n");
    write(tmp.path(), "vendor/lib/README.md", "[x](#nope)\n");
    write(
        tmp.path(),
        "README.md",
        "# A\n\n[log](CHANGELOG.md#changes) [lib](vendor/lib/README.md)\n",
    );
    let o = lockstep(&["check", "."], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("(1 file checked)"), "{}", stdout(&o));
}

/// `[[overrides]]`: levels per file, the last matching table winning; a
/// rule turned off for a file leaves its work to the rule that would have
/// deferred to it, and suppressions of it there are not "unused".
#[test]
fn overrides_set_rule_levels_per_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "lockstep.toml",
        "[rules]\nunused-suppression = \"warning\"\n\n\
         [[overrides]]\nfiles = [\"generated/\", \"notes.md\"]\n\
         rules = { broken-link = \"off\", toc-drift = \"off\" }\n\n\
         [[overrides]]\nfiles = [\"notes.md\"]\nrules = { broken-link = \"info\" }\n",
    );
    write(dir, "README.md", "# Top\n\n[a](missing.md)\n");
    write(
        dir,
        "generated/page.md",
        "# Page\n\n<!-- toc -->\n- [Intro](#intro)\n- [Gone](#gone)\n<!-- tocstop -->\n\n\
         ## Intro\n\n[b](missing.md)\n\n<!-- lockstep-disable-next-line toc-drift -->\nText.\n",
    );
    write(
        dir,
        "notes.md",
        "# Notes\n\n[c](missing.md)\n\n<!-- lockstep-disable-next-line broken-anchor -->\nText.\n",
    );
    let o = lockstep(
        &[
            "check",
            ".",
            "--format",
            "json",
            "--ignore",
            "stale-section",
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        crate::common::json_findings(&o),
        [
            "error broken-link README.md:3:5 link target `missing.md` does not exist",
            "error broken-anchor generated/page.md:5:10 no heading or anchor in this file has the id `gone`",
            "info broken-link notes.md:3:5 link target `missing.md` does not exist",
            "warning unused-suppression notes.md:5:1 this suppression of `broken-anchor` suppresses nothing",
        ]
    );
}

/// The first ```toml block after `marker` in the README.
fn readme_toml(marker: &str) -> String {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find(marker).expect(marker)..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    section[start..start + section[start..].find("```\n").unwrap()].to_string()
}

/// The README's TOML examples work as written: the `lockstep.toml`, the
/// `[external-links]` settings, and the rule file (its examples pass).
#[test]
fn the_readme_toml_examples_work() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "README.md", "# Top\n");
    fs::create_dir(dir.join("rules")).unwrap();
    let config = readme_toml("## Configuration: `lockstep.toml`");
    assert!(config.contains("[[overrides]]"), "{config}");
    for config in [config, readme_toml("none is a library default:")] {
        write(dir, "lockstep.toml", &config);
        let o = lockstep(&["check", ".", "--no-cache"], dir);
        assert_eq!(o.status.code(), Some(0), "{config}\n{}", stderr(&o));
    }
    write(
        dir,
        "rules/house.toml",
        &readme_toml("copy this into `rules/house.toml`"),
    );
    let o = lockstep(&["rules", "--test", "rules"], dir);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).ends_with("2 rules, 6 examples: all passed\n"),
        "{}",
        stdout(&o)
    );
}

/// Mistakes in `[[overrides]]` point into the file.
#[test]
fn bad_overrides_exit_2_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "README.md", "# Top\n");
    for (toml, want) in [
        (
            "[[overrides]]\nfiles = [\"a/\"]\nrules = { broken-links = \"off\" }\n",
            "lockstep.toml:3:11: unknown rule `broken-links`",
        ),
        (
            "[[overrides]]\nfiles = [\"a/\"]\nrules = { broken-link = \"quiet\" }\n",
            "lockstep.toml:3:25: invalid severity `quiet` for `broken-link`",
        ),
        (
            "[[overrides]]\nfiles = [\"a/{b\"]\nrules = { broken-link = \"off\" }\n",
            "lockstep.toml:2:10: invalid glob",
        ),
        (
            "[[overrides]]\nrules = { broken-link = \"off\" }\n",
            "lockstep.toml:1:1: missing field `files`",
        ),
        (
            "[[overrides]]\nfiles = [\"a/\"]\nrule = { broken-link = \"off\" }\n",
            "lockstep.toml:3:1: unknown field `rule`",
        ),
    ] {
        write(dir, "lockstep.toml", toml);
        let o = lockstep(&["check", "."], dir);
        assert_eq!(o.status.code(), Some(2), "{toml}");
        assert!(stderr(&o).contains(want), "{toml}\n{}", stderr(&o));
    }
}

const DRIFTED: &str = "# Guide\n\n<!-- TOC -->\n- [Install it](#install)\n- [Gone](#gone)\n<!-- /TOC -->\n\n## Installation\n\nText.\n";

#[test]
fn fix_diff_writes_nothing_and_exits_1_when_something_would_change() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", DRIFTED);
    let o = lockstep(&["fix", "--diff"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "--- a/README.md\n+++ b/README.md\n@@ -2,6 +2,5 @@\n \n <!-- TOC -->\n-- [Install it](#install)\n-- [Gone](#gone)\n+- [Install it](#installation)\n <!-- /TOC -->\n \n"
    );
    assert_eq!(
        fs::read_to_string(tmp.path().join("README.md")).unwrap(),
        DRIFTED
    );
}

#[test]
fn fix_writes_then_has_nothing_left() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", DRIFTED);
    write(tmp.path(), "notes.txt", "untouched\r\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(
            tmp.path().join("README.md"),
            fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    let o = lockstep(&["fix"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "Fixed 2 problems (toc-drift: 2) in 1 file.\n");
    let fixed = fs::read_to_string(tmp.path().join("README.md")).unwrap();
    assert_eq!(
        fixed,
        DRIFTED.replace(
            "- [Install it](#install)\n- [Gone](#gone)\n",
            "- [Install it](#installation)\n"
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(tmp.path().join("README.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640, "permissions kept");
    }
    assert_eq!(
        fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "untouched\r\n"
    );
    let o = lockstep(&["fix", "--diff"], tmp.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    let o = lockstep(&["fix"], tmp.path());
    assert_eq!(stdout(&o), "Nothing to fix.\n");
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temporary files left: {leftovers:?}");
}

#[test]
fn fix_unsafe_and_select() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", DRIFTED);
    let o = lockstep(&["fix", "--select", "broken-link", "--diff"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "no broken-link fixes to make");
    let o = lockstep(&["fix", "--unsafe-fixes"], tmp.path());
    assert_eq!(o.status.code(), Some(0));
    let fixed = fs::read_to_string(tmp.path().join("README.md")).unwrap();
    assert!(
        fixed.contains("- [Installation](#installation)\n"),
        "{fixed}"
    );
}

#[test]
fn fix_never_writes_a_file_it_could_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = b"# Guide\n\n<!-- TOC -->\n- [X](#x)\n<!-- /TOC -->\n\n## Y \xff\n";
    fs::write(tmp.path().join("bad.md"), bad).unwrap();
    let o = lockstep(&["fix"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(fs::read(tmp.path().join("bad.md")).unwrap(), bad);
}

#[test]
fn sync_writes_markers_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(
        dir,
        "README.md",
        "# Guide\n\n## Install\n\nRun it.\n\n## Usage\n\nUse it.\n",
    );
    let ko = "# 가이드\r\n\r\n## 설치\r\n\r\n실행하세요.\r\n\r\n## 사용법\r\n\r\n사용하세요.\r\n";
    write(dir, "README-ko.md", ko);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "translate"]);
    write(
        dir,
        "README.md",
        "# Guide\n\n## Install\n\nRun it as root.\n\n## Usage\n\nUse it now.\n",
    );
    git(dir, &["commit", "-qam", "source"]);
    let o = lockstep(
        &["check", "--select", "stale-section", "--format", "json"],
        dir,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["diagnostics"].as_array().unwrap().len(),
        2,
        "both sections stale"
    );
    assert!(
        v["diagnostics"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("+Run it as root.")
    );

    // Mark one section: a marker line after its heading, in the file's line endings.
    let o = lockstep(&["sync", "README-ko.md", "--section", "설치"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = fs::read_to_string(dir.join("README-ko.md")).unwrap();
    let head = String::from_utf8(
        Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(dir)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let head = head.trim();
    assert_eq!(
        after,
        ko.replace(
            "## 설치\r\n",
            &format!("## 설치\r\n<!-- lockstep-synced: {head} -->\r\n")
        )
    );
    git(dir, &["commit", "-qam", "reviewed"]);
    let o = lockstep(
        &["check", "--select", "stale-section", "--format", "json"],
        dir,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lines: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [8], "only the unmarked section is still stale");

    // The whole file: a marker before the first heading; syncing again updates it.
    let head = String::from_utf8(
        Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(dir)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let head = head.trim();
    let o = lockstep(&["sync", "README-ko.md"], dir);
    assert_eq!(o.status.code(), Some(0));
    let after = fs::read_to_string(dir.join("README-ko.md")).unwrap();
    assert!(
        after.starts_with(&format!("<!-- lockstep-synced: {head} -->\r\n# 가이드")),
        "{after}"
    );
    git(dir, &["commit", "-qam", "all reviewed"]);
    let o = lockstep(&["sync", "README-ko.md"], dir);
    assert_eq!(o.status.code(), Some(0));
    let again = fs::read_to_string(dir.join("README-ko.md")).unwrap();
    assert_eq!(
        again.matches("lockstep-synced").count(),
        2,
        "updated in place, not added"
    );
    assert!(!again.contains(head), "markers now name the new HEAD");
    let o = lockstep(
        &["check", "--select", "stale-section", "--format", "json"],
        dir,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["diagnostics"].as_array().unwrap().is_empty());
    let o = lockstep(&["sync", "README-ko.md", "--section", "nope"], dir);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn no_history_is_said_once() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", "# A\n\n## B\n\nText.\n");
    write(tmp.path(), "README-ko.md", "# 가\n\n## 나\n\n글.\n");
    write(tmp.path(), "README-ja.md", "# あ\n\n## い\n\n文。\n");
    let o = lockstep(&["check", "--format", "json"], tmp.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let notes: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "stale-section")
        .collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["severity"], "info");
    assert!(
        notes[0]["message"]
            .as_str()
            .unwrap()
            .contains("not in a git repository")
    );
    assert_eq!(o.status.code(), Some(0));
}

/// In a GitHub Actions log, a diff's lines could be read as workflow
/// commands: `fix --diff` stops commands around it there.
#[test]
fn fix_diff_stops_workflow_commands_on_github() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "README.md",
        "# A\n\n  ::error file=x::pwned ##[error]also [a](#A)\n",
    );
    let run = |actions: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_lockstep"));
        c.args(["fix", "--diff", "."]).current_dir(tmp.path());
        if actions {
            c.env("GITHUB_ACTIONS", "true");
        } else {
            c.env_remove("GITHUB_ACTIONS");
        }
        c.output().unwrap()
    };
    let plain = stdout(&run(false));
    assert!(plain.starts_with("--- a/README.md\n"), "{plain}");
    let o = run(true);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let token = lines[0]
        .strip_prefix("::stop-commands::")
        .expect("commands stopped first");
    assert!(token.len() > 16);
    assert_eq!(lines.last().copied(), Some(format!("::{token}::").as_str()));
    assert_eq!(
        out.lines()
            .skip(1)
            .take(lines.len() - 2)
            .collect::<Vec<_>>()
            .join("\n")
            + "\n",
        plain
    );
}

/// `fix --diff` prints a file's control characters raw when piped (the
/// patch must apply) and masked on a terminal (a pseudo-terminal made by
/// util-linux `script`; skipped, saying so, where it is missing).
#[cfg(target_os = "linux")]
#[test]
fn fix_diff_masks_control_characters_on_a_terminal() {
    let dir = crate::common::repo().join("fixtures/bare-url/fix/control-character");
    let args = ["fix", "--diff", "--select", "bare-url", "."];
    let piped = lockstep(&args, &dir);
    assert_eq!(piped.status.code(), Some(1));
    assert!(
        stdout(&piped).contains("<http://example.com/a>\u{1}b"),
        "{}",
        stdout(&piped)
    );
    let Some(o) = crate::common::lockstep_on_terminal(&args.join(" "), &dir) else {
        return;
    };
    assert_eq!(o.status.code(), Some(1));
    let shown = stdout(&o);
    assert!(shown.contains("<http://example.com/a>?b"), "{shown:?}");
    assert!(
        !shown.contains('\u{1}') && !shown.contains('\u{7f}'),
        "{shown:?}"
    );
}

/// A pull request can change lockstep.toml and the project's rule files:
/// their errors print the message escaped and the snippet masked (same
/// lengths, so the pointer stays under the right character), in every
/// output format.
#[test]
fn configuration_and_rule_file_errors_are_safe_to_print() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "README.md", "# A\n");
    let run = |what: &str, want: &[&str]| {
        for format in ["human", "github"] {
            let o = lockstep(&["check", ".", "--format", format], dir);
            assert_eq!(o.status.code(), Some(2), "{what}");
            let err = stderr(&o);
            for w in want {
                assert!(err.contains(w), "{what}: {w:?} not in:\n{err}");
            }
            assert_safe_to_print(what, &err);
            assert!(stdout(&o).is_empty());
        }
    };

    // A key that decodes to newlines around a workflow command.
    write(
        dir,
        "lockstep.toml",
        "\"x\\n::error file=README.md,line=1::injected\\n\" = 1\n",
    );
    run(
        "key with newlines",
        &[
            "lockstep.toml:1:1: unknown field `x\\u{a}::error file=README.md,line=1::injected\\u{a}`",
        ],
    );

    // Raw control, bidi and format characters in the file itself.
    write(
        dir,
        "lockstep.toml",
        "source-lang = \"en\" # \u{202E}\u{200B}\u{2060}\u{FEFF}\u{2028}\u{85}\nexclude = ['\u{1b}[31m\u{7}\u{0}']\n",
    );
    run(
        "raw characters in lockstep.toml",
        &[
            "lockstep.toml:2:13:",
            // Masked with same-length stand-ins.
            "source-lang = \"en\" # \u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{B7}",
            "exclude = ['?[31m",
        ],
    );

    // Rule files.
    write(dir, "lockstep.toml", "rule-dirs = [\"rules\"]\n");
    write(
        dir,
        "rules/x.toml",
        "[[rule]]\nid = \"x\\n::error file=README.md::injected\\r##[error]y\"\nmessage = \"m\"\npattern = \"a\"\n",
    );
    run(
        "rule id with newlines",
        &["x.toml:2:6: rule id `x\\u{a}::error file=README.md::injected\\u{d}##\\u{5b}error]y`"],
    );
    write(
        dir,
        "rules/x.toml",
        "[[rule]]\nid = \"x\"\nmessage = \"m\"\npattern = '(\u{1b}[31m\u{7}\u{0}\u{202E}'\n",
    );
    run(
        "raw characters in a rule file",
        &["x.toml:4:13:", "pattern = '(?[31m??\u{FFFD}'"],
    );
    write(
        dir,
        "rules/x.toml",
        "[[rule]]\nid = \"x\"\nmessage = \"m\"\npattern = \"(\u{202E}\u{200B}::error::x ##[error]\"\n",
    );
    run(
        "bad pattern with bidi and format characters",
        &[
            "x.toml:4:11: invalid pattern",
            "pattern = \"(\u{FFFD}\u{FFFD}::error::x ##?error]\"",
        ],
    );
}

/// `fix --diff` piped stays a patch that applies byte for byte; a file name
/// with a newline or a bidi override is quoted in its header the way git
/// quotes it, so the header cannot be split or reordered, and `git apply`
/// still reads it.
#[cfg(unix)]
#[test]
fn fix_diff_quotes_odd_file_names_and_still_applies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let name = "we\u{202E}ird\nname.md";
    if fs::write(dir.join(name), DRIFTED).is_err() {
        eprintln!("skipped: the filesystem refuses the file name {name:?}");
        return;
    }
    git(dir, &["init", "-q"]);
    let o = lockstep(&["fix", "--diff"], dir);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let diff = stdout(&o);
    assert!(
        diff.starts_with(
            "--- \"a/we\\342\\200\\256ird\\nname.md\"\n+++ \"b/we\\342\\200\\256ird\\nname.md\"\n@@ -2,6 +2,5 @@\n"
        ),
        "{diff}"
    );
    assert_safe_to_print("fix --diff", &diff);
    fs::write(dir.join("fix.patch"), &diff).unwrap();
    git(dir, &["apply", "fix.patch"]);
    fs::remove_file(dir.join("fix.patch")).unwrap();
    let o = lockstep(&["fix", "--diff"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o), "");
}

/// A stale section's diff (whose context lines start with a space, then the
/// file's text) and the line `sync` prints (with the heading) are safe to
/// print in a CI log: no workflow command, no raw bidi or format character.
#[test]
fn stale_diffs_and_sync_lines_are_safe_to_print() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(
        dir,
        "README.md",
        "# Guide\n\n## Install\n\n::error file=README.md::ctx\nRun it.\n",
    );
    write(
        dir,
        "README-ko.md",
        "# 가이드\n\n## 설치 \u{202E}\u{200B} ::error file=x::y ##[error]z\n\n실행하세요.\n",
    );
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "translate"]);
    write(
        dir,
        "README.md",
        "# Guide\n\n## Install\n\n::error file=README.md::ctx\nRun it as root.\n",
    );
    git(dir, &["commit", "-qam", "source"]);
    for format in ["human", "github"] {
        let o = lockstep(
            &["check", "--select", "stale-section", "--format", format],
            dir,
        );
        let out = stdout(&o);
        assert!(out.contains("+Run it as root."), "{out}");
        if format == "github" {
            // One command per finding, and nothing else.
            assert_eq!(out.lines().count(), 1, "{out}");
            let message = out.strip_prefix("::warning file=README-ko.md,").unwrap();
            assert_safe_to_print(format, message);
        } else {
            assert_safe_to_print(format, &out);
        }
    }
    let o = lockstep(
        &["check", "--select", "stale-section", "--color", "never"],
        dir,
    );
    assert!(
        stdout(&o).contains("\n     \\u{3a}:error file=README.md::ctx\n"),
        "{}",
        stdout(&o)
    );
    let o = lockstep(
        &[
            "sync",
            "README-ko.md",
            "--section",
            "설치--error-filexy-errorz",
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(
            "README-ko.md: marked section `설치 \\u{202e}\\u{200b} ::error file=x::y ##\\u{5b}error]z` as synced at "
        ),
        "{}",
        stdout(&o)
    );
    assert_safe_to_print("sync", &stdout(&o));
}

/// `lockstep sync` on a translation whose front matter names its sync point
/// (OpenTelemetry's `default_lang_commit`, MDN's `sourceCommit`) updates
/// that value in place, abbreviated as the file had it, and writes nothing
/// else; the section is then no longer stale.
#[test]
fn sync_updates_front_matter_conventions_in_place() {
    for (key, indent) in [("default_lang_commit", ""), ("sourceCommit", "  ")] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q", "-b", "main"]);
        write(dir, "README.md", "# Guide\n\n## Install\n\nRun it.\n");
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-qm", "source"]);
        let first = crate::common::git_now(dir, &["rev-parse", "--short=7", "HEAD"]);
        let parent = if indent.is_empty() { "" } else { "l10n:\n" };
        let ko = format!(
            "---\ntitle: 가이드\n{parent}{indent}{key}: {}\n---\n\n# 가이드\n\n## 설치\n\n실행하세요.\n",
            first.trim()
        );
        write(dir, "README-ko.md", &ko);
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-qm", "translate"]);
        write(
            dir,
            "README.md",
            "# Guide\n\n## Install\n\nRun it as root.\n",
        );
        git(dir, &["commit", "-qam", "source changed"]);
        let stale = |dir: &std::path::Path| {
            let o = lockstep(
                &["check", "--select", "stale-section", "--format", "json"],
                dir,
            );
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            v["diagnostics"].as_array().unwrap().len()
        };
        assert_eq!(stale(dir), 1, "{key}: stale before the sync");
        let o = lockstep(&["sync", "README-ko.md"], dir);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let head = crate::common::git_now(dir, &["rev-parse", "HEAD"]);
        let after = fs::read_to_string(dir.join("README-ko.md")).unwrap();
        assert_eq!(
            after,
            ko.replace(first.trim(), &head.trim()[..7]),
            "{key}: only the commit changes"
        );
        assert_eq!(stale(dir), 0, "{key}: in sync after");
    }
}

/// An invalid `skip-commits` pattern is a configuration error naming its
/// line (exit 2).
#[test]
fn invalid_skip_commit_patterns_are_configuration_errors() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", "# Guide\n");
    write(
        tmp.path(),
        "lockstep.toml",
        "skip-commits = [\n  \"typo\",\n  \"(\",\n]\n",
    );
    let o = lockstep(&["check"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("lockstep.toml:3:3"), "{err}");
    assert!(err.contains("`(` is not a valid pattern"), "{err}");
}
