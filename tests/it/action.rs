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
    step_env(cwd, inputs, &[])
}

/// [`step`] with more environment variables (as the runner sets them).
fn step_env(
    cwd: &Path,
    inputs: &[(&str, &str)],
    env: &[(&str, &str)],
) -> (Output, Vec<(String, String)>) {
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
    for (k, v) in env {
        cmd.env(k, v);
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

/// A fake GitHub REST API on loopback: issue comments in memory, and every
/// request as `METHOD path token`.
struct FakeApi {
    url: String,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    comments: std::sync::Arc<std::sync::Mutex<Vec<(u64, String)>>>,
}

impl FakeApi {
    fn start() -> FakeApi {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let comments = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(u64, String)>::new()));
        let (l, c) = (log.clone(), comments.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let mut parts = line.split_whitespace();
                let (method, path) = (
                    parts.next().unwrap_or("").to_string(),
                    parts.next().unwrap_or("").to_string(),
                );
                let (mut length, mut auth) = (0usize, String::new());
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    let (name, value) = h.split_once(':').unwrap_or(("", ""));
                    match name.to_ascii_lowercase().as_str() {
                        "content-length" => length = value.trim().parse().unwrap_or(0),
                        "authorization" => auth = value.trim().to_string(),
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let body: serde_json::Value =
                    serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
                l.lock().unwrap().push(format!("{method} {path} {auth}"));
                let mut comments = c.lock().unwrap();
                let (status, reply) = match method.as_str() {
                    "GET" if path.starts_with("/repos/o/r/issues/7/comments") => {
                        let list: Vec<serde_json::Value> = comments
                            .iter()
                            .map(|(id, b)| serde_json::json!({"id": id, "body": b}))
                            .collect();
                        ("200 OK", serde_json::Value::Array(list))
                    }
                    "POST" if path == "/repos/o/r/issues/7/comments" => {
                        let id = 100 + comments.len() as u64;
                        comments.push((id, body["body"].as_str().unwrap_or("").to_string()));
                        ("201 Created", serde_json::json!({"id": id}))
                    }
                    "PATCH" if path.starts_with("/repos/o/r/issues/comments/") => {
                        let id: u64 = path.rsplit('/').next().unwrap().parse().unwrap();
                        for (i, b) in comments.iter_mut() {
                            if *i == id {
                                *b = body["body"].as_str().unwrap_or("").to_string();
                            }
                        }
                        ("200 OK", serde_json::json!({"id": id}))
                    }
                    _ => ("404 Not Found", serde_json::json!({"message": "Not Found"})),
                };
                let reply = reply.to_string();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            }
        });
        FakeApi { url, log, comments }
    }
}

/// With `changed-since`, the report of what the change staled goes to the
/// job summary (links to the commit's files) and, with `comment`, to one
/// pull-request comment, created once and then updated in place.
#[test]
fn pull_request_report_to_the_summary_and_one_sticky_comment() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    write(repo, "README.md", "# Guide\n\n## Install\n\nRun it.\n");
    write(repo, "README-ko.md", "# 가이드\n\n## 설치\n\n실행하세요.\n");
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-qm", "base"]);
    let base = git(repo, &["rev-parse", "HEAD"]);
    let base = base.trim();
    write(
        repo,
        "README.md",
        "# Guide\n\n## Install\n\nDownload it, then run it.\n",
    );
    git(repo, &["commit", "-qam", "pr"]);
    let sha = git(repo, &["rev-parse", "HEAD"]);
    let api = FakeApi::start();
    let summary = dir.path().join("summary.md");
    fs::write(&summary, "").unwrap();
    let run = || {
        let (o, vars) = step_env(
            repo,
            &[
                ("CHANGED_SINCE", base),
                ("COMMENT", "true"),
                ("PR_NUMBER", "7"),
                ("GITHUB_TOKEN", "secret-token"),
            ],
            &[
                ("GITHUB_API_URL", &api.url),
                ("GITHUB_REPOSITORY", "o/r"),
                ("GITHUB_SERVER_URL", "https://github.example"),
                ("GITHUB_SHA", sha.trim()),
                ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
            ],
        );
        assert_eq!(var(&vars, "exit-code"), "0");
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
    };
    let out = run();
    let text = fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("## Translations this change made stale\n"),
        "{text}\n{out}"
    );
    assert!(
        text.contains(&format!(
            "[README-ko.md:3](https://github.example/o/r/blob/{}/README-ko.md#L3)",
            sha.trim()
        )),
        "{text}"
    );
    assert!(text.contains("+Download it, then run it."), "{text}");
    assert!(out.contains("Posted comment 100 on #7."), "{out}");
    // A second push: the same comment is updated.
    let out = run();
    assert!(out.contains("Updated comment 100 on #7."), "{out}");
    let log = api.log.lock().unwrap().clone();
    let calls: Vec<String> = log
        .iter()
        .map(|l| l.split('?').next().unwrap().to_string())
        .collect();
    assert_eq!(
        calls,
        [
            "GET /repos/o/r/issues/7/comments",
            "POST /repos/o/r/issues/7/comments Bearer secret-token",
            "GET /repos/o/r/issues/7/comments",
            "PATCH /repos/o/r/issues/comments/100 Bearer secret-token",
        ]
    );
    assert!(
        log.iter().all(|l| l.ends_with("Bearer secret-token")),
        "{log:?}"
    );
    let comments = api.comments.lock().unwrap().clone();
    assert_eq!(comments.len(), 1);
    assert!(
        comments[0]
            .1
            .starts_with("<!-- lockstep-report -->\n## Translations this change made stale")
    );
}
