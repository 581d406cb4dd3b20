//! Every output example in README.md is produced here, so it cannot drift:
//! a fenced block whose lines start with `$ lockstep …` is run, command by
//! command, and each command's output must be the lines that follow it.
//!
//! - `<!-- example: DIR -->` on one of the three lines before the block runs
//!   the commands in `DIR` (relative to the repository; a copy of it, made
//!   into a git repository first when it has `commits/`); default: the
//!   repository root.
//! - A line that is only `…` stands for any number of lines; text after
//!   `  #` on a command line is a comment.
//! - Commands that name `../shared/corpora` need the corpora (see
//!   `common::corpus`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;

struct Example {
    /// 1-based line of the README where the block starts.
    line: usize,
    dir: Option<String>,
    commands: Vec<(String, Vec<String>)>,
}

fn examples(readme: &str) -> Vec<Example> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].trim_start().starts_with("```") {
            i += 1;
            continue;
        }
        let start = i;
        // A block inside a list item is indented: so are its lines.
        let indent = lines[i].len() - lines[i].trim_start().len();
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].trim_start().starts_with("```"))
            .unwrap_or(lines.len());
        let body: Vec<&str> = lines[start + 1..end]
            .iter()
            .map(|l| {
                l.get(indent..)
                    .filter(|_| l.starts_with(&" ".repeat(indent)))
                    .unwrap_or(l)
            })
            .collect();
        i = end + 1;
        if !body.iter().any(|l| l.starts_with("$ lockstep ")) {
            continue;
        }
        let dir = lines[start.saturating_sub(3)..start].iter().find_map(|l| {
            l.trim()
                .strip_prefix("<!-- example: ")
                .and_then(|r| r.strip_suffix(" -->"))
                .map(str::to_string)
        });
        let mut commands: Vec<(String, Vec<String>)> = Vec::new();
        for l in &body {
            match l.strip_prefix("$ ") {
                Some(cmd) => {
                    let cmd = cmd.split("  #").next().unwrap_or(cmd).trim().to_string();
                    commands.push((cmd, Vec::new()));
                }
                None => {
                    if let Some((_, expected)) = commands.last_mut() {
                        expected.push(l.to_string());
                    }
                }
            }
        }
        out.push(Example {
            line: start + 1,
            dir,
            commands,
        });
    }
    out
}

/// Whether `actual` matches `expected`, where a line `…` stands for any
/// number of lines (trailing blanks ignored).
fn matches<'a>(expected: &'a [String], actual: &[&'a str]) -> bool {
    let trim = |v: Vec<&'a str>| -> Vec<&'a str> {
        let end = v.iter().rposition(|l| !l.is_empty()).map_or(0, |i| i + 1);
        v[..end].to_vec()
    };
    let e = trim(expected.iter().map(|l| l.trim_end()).collect());
    let a = trim(actual.iter().map(|l| l.trim_end()).collect());
    fn go(e: &[&str], a: &[&str]) -> bool {
        match e.split_first() {
            None => a.is_empty(),
            Some((first, rest)) if first.trim() == "…" => {
                (0..=a.len()).any(|k| go(rest, &a[k..]))
            }
            Some((first, rest)) => a.first() == Some(first) && go(rest, &a[1..]),
        }
    }
    go(&e, &a)
}

/// The folder an example runs in, set up (kept alive by the returned guard).
fn setup(dir: Option<&str>) -> (PathBuf, Option<tempfile::TempDir>) {
    let repo = common::repo();
    let Some(dir) = dir else {
        return (repo, None);
    };
    let src = repo.join(dir);
    if src.join("commits").is_dir() {
        let tmp = common::history_fixture(&src);
        return (tmp.path().join("repo"), Some(tmp));
    }
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&src, tmp.path());
    (tmp.path().to_path_buf(), Some(tmp))
}

fn words(cmd: &str) -> Vec<String> {
    cmd.split_whitespace().map(str::to_string).collect()
}

#[test]
fn every_output_example_is_what_lockstep_prints() {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let all = examples(&readme);
    assert!(
        all.len() >= 7,
        "README output examples not found: {}",
        all.len()
    );
    let mut failures = Vec::new();
    for ex in &all {
        if ex
            .commands
            .iter()
            .any(|(c, _)| c.contains("../shared/corpora"))
            && common::corpus("system-design-101").is_none()
        {
            continue;
        }
        let (cwd, _guard) = setup(ex.dir.as_deref());
        for (cmd, expected) in &ex.commands {
            let args = words(cmd);
            assert_eq!(args[0], "lockstep");
            let o = Command::new(env!("CARGO_BIN_EXE_lockstep"))
                .args(&args[1..])
                .current_dir(&cwd)
                .env_remove("NO_COLOR")
                .env_remove("COLUMNS")
                .env_remove("GITHUB_ACTIONS")
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            let actual: Vec<&str> = text.lines().collect();
            if !matches(expected, &actual) {
                failures.push(format!(
                    "README.md:{}: `{cmd}` printed:\n{text}\n--- the README shows:\n{}",
                    ex.line,
                    expected.join("\n")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn elision_matches_any_lines() {
    let e = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(matches(&e(&["a", "…", "d"]), &["a", "b", "c", "d"]));
    assert!(matches(&e(&["a", "…", "d"]), &["a", "d"]));
    assert!(!matches(&e(&["a", "d"]), &["a", "b", "d"]));
    assert!(!matches(&e(&["a", "…"]), &["b"]));
    let _ = Path::new(".");
}
