//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use lockstep::app::{self, CheckOptions};
use lockstep::render::{Human, RenderOptions};
use lockstep::report::Report;
use lockstep::rules::RuleId;

/// Runs `lockstep <command>` (a shell command line, redirections allowed)
/// in `dir` under a pseudo-terminal made by util-linux `script`: stdout is
/// what the terminal showed, the exit code is lockstep's. `None`, saying so,
/// where `script` is not installed.
pub fn lockstep_on_terminal(command: &str, dir: &Path) -> Option<std::process::Output> {
    let has_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        skip_without("script", "util-linux `script` (for a pseudo-terminal)");
        return None;
    }
    let bin = env!("CARGO_BIN_EXE_lockstep");
    let output = std::process::Command::new("script")
        .args(["-qfec", &format!("'{bin}' {command}"), "/dev/null"])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run script");
    Some(output)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether a test may run without `what` (a tool or data this machine
/// lacks): outside CI it skips, saying so; in CI (`CI` set) it fails,
/// unless `LOCKSTEP_ALLOW_SKIP` names `kind` — the way `.ci/run` says
/// explicitly what it does not run and why.
pub fn skip_without(kind: &str, what: &str) {
    let allowed =
        std::env::var("LOCKSTEP_ALLOW_SKIP").is_ok_and(|v| v.split(',').any(|k| k.trim() == kind));
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    if ci && !allowed {
        panic!(
            "{what} is absent and CI is set: provide it, or name `{kind}` in LOCKSTEP_ALLOW_SKIP to skip these tests explicitly"
        );
    }
    eprintln!("skipped: {what} is absent");
}

/// `../shared/corpora/<name>`, or `None` when absent (see [`skip_without`]:
/// kind `corpora`).
pub fn corpus(name: &str) -> Option<PathBuf> {
    let p = repo().join("../shared/corpora").join(name);
    if p.exists() {
        Some(p)
    } else {
        skip_without("corpora", &p.display().to_string());
        None
    }
}

/// `lockstep check` on `path` with only `select` (all default rules when
/// empty). Staleness depends on the git history around the path, so it is
/// left out unless selected: tests of it build their own histories.
fn names(rules: &[RuleId]) -> Vec<String> {
    rules.iter().map(|r| r.name().to_string()).collect()
}

pub fn check(path: &Path, select: &[RuleId]) -> Report {
    check_with(path, select, CheckOptions::default())
}

/// [`check`] with more options (`--changed-since`, `--all-stale`).
pub fn check_with(path: &Path, select: &[RuleId], more: CheckOptions) -> Report {
    let ignore = if select.contains(&RuleId::StaleSection) {
        Vec::new()
    } else {
        vec![RuleId::StaleSection]
    };
    app::check(&CheckOptions {
        paths: vec![path.to_path_buf()],
        select: names(select),
        ignore: names(&ignore),
        ..more
    })
    .expect("check runs")
}

/// Runs the `lockstep` binary in `cwd` (colour and width from the
/// environment removed).
pub fn lockstep(args: &[&str], cwd: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .output()
        .expect("run lockstep")
}

/// The findings of a `--format json` run as
/// `severity rule file:line:col message`.
pub fn json_findings(o: &std::process::Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}:{}:{} {}",
                d["severity"].as_str().unwrap(),
                d["rule"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// Writes `text` to `root/rel`, creating folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Runs git in `dir` with a fixed identity and no user configuration.
pub fn git_now(dir: &Path, args: &[&str]) -> String {
    git(dir, args, "2024-01-01T00:00:00Z")
}

fn git(dir: &Path, args: &[&str], date: &str) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Translator")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "Translator")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Builds a git repository from a history fixture: `commits/<NN-name>/`
/// folders are committed in order (their files written over the previous
/// ones, dated 2024-01-NN; `{{commit:<NN-name>}}` in a file becomes that
/// commit's id); then `worktree/` is copied without committing;
/// `ignore-revs` lists commit folders for `.git-blame-ignore-revs`; a file
/// named `shallow` makes the result a `--depth 1` clone; `renames` has lines
/// `<NN-name>: <from> -> <to>`, moved with `git mv` before that commit's
/// files are written (a commit folder holding the moved file unchanged
/// makes a pure rename).
pub fn history_fixture(case: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"], "2024-01-01T00:00:00Z");
    git(
        &repo,
        &["config", "commit.gpgsign", "false"],
        "2024-01-01T00:00:00Z",
    );
    git(
        &repo,
        &["config", "core.autocrlf", "false"],
        "2024-01-01T00:00:00Z",
    );
    let mut commits: Vec<(String, String)> = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(case.join("commits"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    let substitute = |text: &str, commits: &[(String, String)]| {
        let mut t = text.to_string();
        for (name, id) in commits {
            t = t.replace(&format!("{{{{commit:{name}}}}}"), id);
        }
        t
    };
    let copy_substituted = |from: &Path, commits: &[(String, String)]| {
        for entry in walk(from) {
            let rel = entry.strip_prefix(from).unwrap();
            let target = repo.join(rel);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            let text = std::fs::read_to_string(&entry).unwrap();
            std::fs::write(&target, substitute(&text, commits)).unwrap();
        }
    };
    let renames = std::fs::read_to_string(case.join("renames")).unwrap_or_default();
    for (n, dir) in dirs.iter().enumerate() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        for line in renames.lines().filter(|l| !l.trim().is_empty()) {
            let (at, mv) = line.split_once(": ").expect("`<commit>: <from> -> <to>`");
            let (from, to) = mv.split_once(" -> ").expect("`<from> -> <to>`");
            assert!(
                dirs.iter().any(|d| d.ends_with(at)),
                "renames: no commit folder {at}"
            );
            if at == name {
                std::fs::create_dir_all(repo.join(to).parent().unwrap()).unwrap();
                git(&repo, &["mv", from, to], "2024-01-01T00:00:00Z");
            }
        }
        copy_substituted(dir, &commits);
        let date = format!("2024-01-{:02}T12:00:00Z", n + 1);
        git(&repo, &["add", "-A"], &date);
        git(
            &repo,
            &["commit", "-q", "--allow-empty", "-m", &name],
            &date,
        );
        let id = git(&repo, &["rev-parse", "HEAD"], &date);
        commits.push((name, id));
    }
    if let Ok(list) = std::fs::read_to_string(case.join("ignore-revs")) {
        let ids: Vec<String> = list
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                commits
                    .iter()
                    .find(|(n, _)| n == l.trim())
                    .expect("known commit")
                    .1
                    .clone()
            })
            .collect();
        std::fs::write(repo.join(".git-blame-ignore-revs"), ids.join("\n") + "\n").unwrap();
    }
    if case.join("worktree").is_dir() {
        copy_substituted(&case.join("worktree"), &commits);
    }
    if case.join("shallow").exists() {
        let clone = tmp.path().join("clone");
        let url = format!("file://{}", repo.display());
        git(
            tmp.path(),
            &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
            "2024-02-01T00:00:00Z",
        );
        std::fs::remove_dir_all(&repo).unwrap();
        std::fs::rename(&clone, &repo).unwrap();
    }
    tmp
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
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
        quiet: false,
    });
    let mut out = String::new();
    for d in &report.diagnostics {
        let source = d.source.as_ref().map(|s| &report.files[s.file.index()]);
        out.push_str(&h.render_one(&report.files[d.file.index()], d, source));
    }
    out
}

/// Copies a folder tree (files and folders only); the copies are writable
/// (the shared corpora are read-only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            let mut p = std::fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            p.set_readonly(false);
            std::fs::set_permissions(&target, p).unwrap();
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
            select: names(select),
            ..CheckOptions::default()
        },
        unsafe_fixes,
    })
    .expect("fix converges");
    let mut diff = String::new();
    for c in &outcome.changes {
        diff.push_str(&lockstep::fix::unified_diff(&c.path, &c.before, &c.after));
        lockstep::write::replace(&c.abs, c.before.as_bytes(), c.after.as_bytes()).unwrap();
    }
    (diff, outcome.changes.len())
}

/// Characters from a user's file (Markdown, configuration, rules) that must
/// never be printed raw: terminal controls, NUL, bidi overrides, invisible format
/// characters, line separators.
const NEVER_RAW: [char; 10] = [
    '\u{1b}', '\u{7}', '\u{0}', '\r', '\u{85}', '\u{202E}', '\u{200B}', '\u{2060}', '\u{FEFF}',
    '\u{2028}',
];

/// No line GitHub Actions would run as a workflow command (it trims leading
/// blanks, and reads `##[` anywhere), no raw control, bidi or format
/// character.
pub fn assert_safe_to_print(what: &str, text: &str) {
    for line in text.split(['\n', '\r']) {
        assert!(
            !line.trim_start().starts_with("::") && !line.contains("##["),
            "{what}: a workflow command in {line:?}:\n{text}"
        );
    }
    for c in NEVER_RAW {
        assert!(
            !text.contains(c),
            "{what}: raw U+{:04X} in:\n{text}",
            c as u32
        );
    }
}
