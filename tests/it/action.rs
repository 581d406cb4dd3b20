//! The GitHub Action's check step (`action/run.sh`), run as the Action runs
//! it: inputs in `INPUT_*` variables, results in `$GITHUB_OUTPUT`, lockstep
//! on PATH — including a pull request in a shallow clone.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{git_now as git, write};

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_lockstep"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs the step in `cwd` with `inputs`; returns its output and the
/// variables it wrote to `$GITHUB_OUTPUT`.
fn step(cwd: &Path, inputs: &[(&str, &str)]) -> (Output, Vec<(String, String)>) {
    let out_dir = tempfile::tempdir().unwrap();
    let out_file = out_dir.path().join("output");
    fs::write(&out_file, "").unwrap();
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg(crate::common::repo().join("action/run.sh"))
        .current_dir(cwd)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &out_file)
        .env("RUNNER_TEMP", out_dir.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", cwd)
        .env_remove("NO_COLOR");
    for (k, v) in inputs {
        cmd.env(format!("INPUT_{k}"), v);
    }
    let o = cmd.output().expect("bash runs");
    let vars = fs::read_to_string(&out_file)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect::<Vec<_>>();
    // The SARIF file lives in RUNNER_TEMP: read it before it goes.
    let vars = vars
        .into_iter()
        .map(|(k, v)| {
            if k == "sarif-file" {
                (k, fs::read_to_string(&v).unwrap_or_default())
            } else {
                (k, v)
            }
        })
        .collect();
    (o, vars)
}

fn var<'a>(vars: &'a [(String, String)], name: &str) -> &'a str {
    vars.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {vars:?}"))
}

#[test]
fn annotations_and_exit_code() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "docs/README.md", "# A\n\n[b](b.md)\n");
    write(tmp.path(), "other/README.md", "# C\n\n[d](d.md)\n");
    let (o, vars) = step(tmp.path(), &[("PATHS", "docs")]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "::error file=docs/README.md,line=3,endLine=3,col=5,endColumn=8,title=lockstep broken-link::link target `b.md` does not exist\n"
    );
    assert_eq!(var(&vars, "exit-code"), "1");
    // Two paths on two lines; a config input; extra arguments.
    write(
        tmp.path(),
        "ci.toml",
        "[rules]\nbroken-link = \"warning\"\n",
    );
    let (o, vars) = step(
        tmp.path(),
        &[
            ("PATHS", "docs\nother"),
            ("CONFIG", "ci.toml"),
            ("ARGS", "--lang en"),
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.lines().all(|l| l.starts_with("::warning file=")),
        "{out}"
    );
    assert_eq!(var(&vars, "exit-code"), "0");
    // A usage error is exit code 2, not a pass.
    let (_, vars) = step(tmp.path(), &[("PATHS", "nowhere")]);
    assert_eq!(var(&vars, "exit-code"), "2");
}

#[test]
fn sarif_mode_writes_a_file_for_upload() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", "# A\n\n[b](b.md)\n");
    let (o, vars) = step(tmp.path(), &[("SARIF", "true")]);
    assert!(o.status.success());
    assert_eq!(var(&vars, "exit-code"), "1");
    let sarif: serde_json::Value = serde_json::from_str(var(&vars, "sarif-file")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "broken-link");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("::error"));
}

#[test]
fn pull_request_in_a_shallow_clone() {
    // The repository on the server: a base commit on main, then a pull
    // request that changes the source README.
    let server = tempfile::tempdir().unwrap();
    let origin = server.path().join("origin");
    fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "-q", "-b", "main"]);
    write(&origin, "README.md", "# Guide\n\n## Install\n\nRun it.\n");
    write(
        &origin,
        "README-ko.md",
        "# 가이드\n\n## 설치\n\n실행하세요.\n",
    );
    write(&origin, "old.md", "# Old\n\n[gone](gone.md)\n");
    git(&origin, &["add", "-A"]);
    git(&origin, &["commit", "-qm", "base"]);
    let base = git(&origin, &["rev-parse", "HEAD"]);
    git(&origin, &["checkout", "-q", "-b", "pr"]);
    write(
        &origin,
        "README.md",
        "# Guide\n\n## Install\n\nDownload it, then run it.\n",
    );
    git(&origin, &["commit", "-qam", "pr"]);
    // actions/checkout's default: one commit.
    let clone = server.path().join("clone");
    let url = format!("file://{}", origin.display());
    let o = Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--branch", "pr", &url])
        .arg(&clone)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let (o, vars) = step(&clone, &[("CHANGED_SINCE", &base)]);
    let out = String::from_utf8_lossy(&o.stdout);
    let annotations: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        annotations.len(),
        1,
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        annotations[0].starts_with(
            "::warning file=README-ko.md,line=3,endLine=3,col=1,endColumn=5,title=lockstep stale-section::"
        ),
        "{out}"
    );
    assert!(out.contains("lockstep: fetching"), "{out}");
    assert!(out.contains("the clone is shallow"), "{out}");
    // A stale section is a warning: the job passes.
    assert_eq!(var(&vars, "exit-code"), "0");

    // The base given as a branch name that the clone does not have.
    let (o, vars) = step(&clone, &[("CHANGED_SINCE", "main")]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("::warning")).count(),
        1,
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(var(&vars, "exit-code"), "0");
}
