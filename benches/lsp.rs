//! `cargo bench --bench lsp`: how long `lockstep lsp` takes from a
//! `didChange` to the `publishDiagnostics` it causes, after the initial
//! load, on a 2 MB README with 30 translations in a git repository — the
//! real binary over stdio, as an editor runs it.
//!
//! Each edit toggles a link fragment in the first section (`#section-0-topic`
//! ↔ `#section-0-topicx`), so that every edit changes the file's findings
//! (a server sends diagnostics only when they change). Editing the source
//! re-checks it and its 30 translations; editing a translation re-checks it
//! and its source.
//!
//! The repository is generated once into `target/bench-lsp` (delete it to
//! regenerate).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

// The READMEs of the `check` benchmark's tree (the rest of that module is
// not used here).
#[allow(dead_code)]
mod tree;
use serde_json::{Value, json};

const LANGS: &[&str] = &[
    "ar", "bn", "ca", "cs", "da", "de", "el", "es", "fa", "fi", "fr", "he", "hi", "hu", "id", "it",
    "ja", "ko", "nl", "no", "pl", "pt", "ro", "ru", "sv", "th", "tr", "uk", "vi", "zh",
];

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Bench")
        .env("GIT_AUTHOR_EMAIL", "b@example.com")
        .env("GIT_COMMITTER_NAME", "Bench")
        .env("GIT_COMMITTER_EMAIL", "b@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

fn generate() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-lsp");
    if root.join(".complete").exists() {
        return root;
    }
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("translations")).unwrap();
    std::fs::create_dir_all(root.join("pages/common")).unwrap();
    std::fs::create_dir_all(root.join("images")).unwrap();
    // What the READMEs link to, so that their links resolve.
    for i in 0..tree::PAGES {
        std::fs::write(
            root.join(format!("pages/common/command-{i}.md")),
            tree::page(i, ""),
        )
        .unwrap();
    }
    std::fs::write(root.join("images/diagram.png"), b"png").unwrap();
    std::fs::write(root.join("README.md"), tree::big_readme("en", 2 << 20)).unwrap();
    for lang in LANGS {
        let text = tree::big_readme(lang, 2 << 20)
            .replace("](pages/", "](../pages/")
            .replace("](images/", "](../images/");
        std::fs::write(root.join(format!("translations/README-{lang}.md")), text).unwrap();
    }
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "docs"]);
    std::fs::write(root.join(".complete"), b"").unwrap();
    root
}

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    fn send(&mut self, v: Value) {
        let text = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{text}", text.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "server ended"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        if v.get("id").is_some() && v.get("method").is_some() {
            let id = v["id"].clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
        v
    }

    fn until_published(&mut self, uri: &str) {
        loop {
            let m = self.read();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return;
            }
        }
    }
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .arg("lsp")
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("lockstep lsp starts");
    let mut s = Server {
        stdin: child.stdin.take().unwrap(),
        stdout: BufReader::new(child.stdout.take().unwrap()),
        child,
    };
    let uri = format!("file://{}", root.display());
    s.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": uri, "capabilities": {"window": {"workDoneProgress": true}}}}));
    let _ = s.read();
    s.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    loop {
        let m = s.read();
        if m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end" {
            break;
        }
    }
    s
}

/// Measures edits of `rel` (opened first).
fn edits(c: &mut Criterion, name: &str, s: &mut Server, root: &Path, rel: &str) {
    let uri = format!("file://{}/{rel}", root.display());
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    s.send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}}),
    );
    // The line of the first section's own link: `- item two with [anchor](#section-0-topic)`.
    let line = text
        .lines()
        .position(|l| l == "- item two with [anchor](#section-0-topic)")
        .unwrap();
    let at = "- item two with [anchor](#section-0-topic".len();
    let mut version = 1;
    let mut broken = false;
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                version += 1;
                let change = if broken {
                    json!({"range": {"start": {"line": line, "character": at}, "end": {"line": line, "character": at + 1}}, "text": ""})
                } else {
                    json!({"range": {"start": {"line": line, "character": at}, "end": {"line": line, "character": at}}, "text": "x"})
                };
                broken = !broken;
                let started = Instant::now();
                s.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}}));
                s.until_published(&uri);
                total += started.elapsed();
            }
            total
        })
    });
}

fn bench(c: &mut Criterion) {
    let root = generate().canonicalize().unwrap();
    let mut s = start(&root);
    edits(
        c,
        "lsp didChange → publishDiagnostics, source README (2 MB, 30 translations)",
        &mut s,
        &root,
        "README.md",
    );
    edits(
        c,
        "lsp didChange → publishDiagnostics, a translation (2 MB)",
        &mut s,
        &root,
        "translations/README-ko.md",
    );
    let _ = s.child.kill();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(10));
    targets = bench
}
criterion_main!(benches);
