//! `lockstep lsp`, driven over stdio exactly as an editor drives it: the
//! real binary, framed JSON-RPC messages, every message the server sends
//! snapshotted (paths of the temporary repository written `/ROOT`).
//! The fixture (`fixtures/lsp`) is a repository with two editions of a
//! README and a history in which the source's "Usage" section changed after
//! the translation was made; the work tree's translation has a drifted TOC
//! entry and a broken link fragment.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{history_fixture, repo};

/// How long a message may take before the test fails (the server answers
/// in milliseconds; this only bounds a hang).
const PATIENCE: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    root: PathBuf,
    next_id: i64,
}

fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server sends JSON"))
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lockstep"))
            .arg("lsp")
            .current_dir(root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("lockstep lsp starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_frame(&mut r) {
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            messages,
            root: root.canonicalize().unwrap(),
            next_id: 0,
        }
    }

    fn uri(&self, rel: &str) -> String {
        format!("file://{}/{rel}", self.root.display())
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, v: Value) {
        let text = v.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{text}", text.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request; returns its response and everything the server sent
    /// before it (answering the server's own requests with `null`, as a
    /// client that accepts them does).
    fn request(&mut self, method: &str, params: Value) -> (Value, Vec<Value>) {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let mut before = Vec::new();
        loop {
            let m = self.next();
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return (m, before);
            }
            before.push(m);
        }
    }

    /// The next message from the server (answering its requests).
    fn next(&mut self) -> Value {
        let m = match self.messages.recv_timeout(PATIENCE) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in {PATIENCE:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        };
        if let (Some(id), Some(_)) = (m.get("id"), m.get("method")) {
            let id = id.clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
        m
    }

    /// Messages until one satisfies `done` (included).
    fn until(&mut self, done: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut out = Vec::new();
        loop {
            let m = self.next();
            let stop = done(&m);
            out.push(m);
            if stop {
                return out;
            }
        }
    }

    /// Messages that arrive within `wait` (none expected: an empty list).
    fn quiet_for(&mut self, wait: Duration) -> Vec<Value> {
        let mut out = Vec::new();
        while let Ok(m) = self.messages.recv_timeout(wait) {
            out.push(m);
        }
        out
    }

    fn initialize(&mut self) -> Vec<Value> {
        let root = format!("file://{}", self.root.display());
        let (init, before) = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "fixture"}],
                "capabilities": {
                    "window": {"workDoneProgress": true},
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                },
            }),
        );
        assert!(before.is_empty());
        self.notify("initialized", json!({}));
        // Loading ends with the progress's end.
        let mut out = vec![init];
        out.extend(
            self.until(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"),
        );
        // Then the diagnostics of every file with findings.
        out.extend(self.until(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"]
                    .as_str()
                    .unwrap()
                    .ends_with("README-ko.md")
        }));
        out
    }

    fn open(&mut self, rel: &str) {
        let text = std::fs::read_to_string(self.root.join(rel)).unwrap();
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    /// Sends one change of document `uri` as its version `version`: `range`
    /// (`None`: the whole text) replaced with `text`.
    fn change(&mut self, uri: &str, version: i32, range: Option<Value>, text: &str) {
        let mut change = json!({"text": text});
        if let Some(range) = range {
            change["range"] = range;
        }
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        );
    }

    /// Shuts down and exits; returns the exit code.
    fn finish(mut self) -> i32 {
        let (r, _) = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        self.child.wait().unwrap().code().unwrap_or(-1)
    }
}

impl Drop for Client {
    /// A failed test leaves no server behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The messages as text, the temporary root written `/ROOT`.
fn shown(root: &Path, messages: &[Value]) -> String {
    let text = serde_json::to_string_pretty(messages).unwrap();
    text.replace(&root.display().to_string(), "/ROOT")
}

fn fixture() -> tempfile::TempDir {
    history_fixture(&repo().join("fixtures/lsp"))
}

#[test]
fn a_session_from_initialize_to_exit() {
    let tmp = fixture();
    let root = tmp.path().join("repo");
    let mut c = Client::start(&root);
    let show = |c: &Client, m: &[Value]| shown(&c.root, m);

    // Initialize: capabilities, the load with progress, the diagnostics.
    let loaded = c.initialize();
    insta::assert_snapshot!("lsp_initialize", show(&c, &loaded));

    // Opening a file as it is on disk changes nothing: nothing is sent.
    c.open("translations/README-ko.md");
    c.open("README.md");
    assert_eq!(c.quiet_for(Duration::from_millis(500)), Vec::<Value>::new());

    // An incremental edit that repairs the broken fragment (`#usag` → `#usage`).
    let ko = c.uri("translations/README-ko.md");
    c.change(
        &ko,
        2,
        Some(json!({"start": {"line": 10, "character": 23}, "end": {"line": 10, "character": 23}})),
        "e",
    );
    let after_edit = c.until(|m| m["method"] == "textDocument/publishDiagnostics");
    insta::assert_snapshot!("lsp_did_change", show(&c, &after_edit));

    // Code actions on the TOC line: the safe fix (preferred), fix-all, and
    // the review commands of the translation's section.
    let (actions, _) = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": ko},
            "range": {"start": {"line": 5, "character": 9}, "end": {"line": 5, "character": 9}},
            "context": {"diagnostics": []},
        }),
    );
    insta::assert_snapshot!("lsp_code_actions", show(&c, std::slice::from_ref(&actions)));

    // The editor applies the quick fix's edit and sends it back as a change.
    let fix = &actions["result"][0]["edit"]["changes"][&ko][0];
    c.change(
        &ko,
        3,
        Some(fix["range"].clone()),
        fix["newText"].as_str().unwrap(),
    );
    let fixed = c.until(|m| m["method"] == "textDocument/publishDiagnostics");
    insta::assert_snapshot!("lsp_after_quick_fix", show(&c, &fixed));

    // Hover on the stale translated heading: state, source section, diff.
    let (hover, _) = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": ko}, "position": {"line": 12, "character": 4}}),
    );
    insta::assert_snapshot!("lsp_hover", show(&c, &[hover]));

    // Definition: from the translated heading to its source section, and
    // from a `#fragment` link to its heading.
    let (to_source, _) = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": ko}, "position": {"line": 12, "character": 4}}),
    );
    let (to_heading, _) = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": ko}, "position": {"line": 4, "character": 9}}),
    );
    insta::assert_snapshot!("lsp_definition", show(&c, &[to_source, to_heading]));

    // Completion of fragments: in the same file, and in another file.
    c.change(
        &ko,
        4,
        Some(json!({"start": {"line": 14, "character": 0}, "end": {"line": 14, "character": 0}})),
        "[a](#) [b](../README.md#us)\n",
    );
    // Answered at once (the stale finding of the last comparison kept),
    // then compared again: the section now has uncommitted edits of its
    // own, so it is no longer stale. Waiting for that second answer keeps
    // it out of the replies below.
    let settled =
        c.until(|m| published_for(&ko)(m) && !codes(m).iter().any(|c| c == "stale-section"));
    assert_eq!(codes(settled.last().unwrap()), ["broken-anchor"]);
    let (same_file, _) = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": ko}, "position": {"line": 14, "character": 5}}),
    );
    let (other_file, _) = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": ko}, "position": {"line": 14, "character": 26}}),
    );
    insta::assert_snapshot!("lsp_completion", show(&c, &[same_file, other_file]));

    // Document links.
    let (links, _) = c.request(
        "textDocument/documentLink",
        json!({"textDocument": {"uri": ko}}),
    );
    insta::assert_snapshot!("lsp_document_links", show(&c, &[links]));

    // The completion line removed: the section is as committed again, and
    // stale again.
    c.change(
        &ko,
        5,
        Some(json!({"start": {"line": 14, "character": 0}, "end": {"line": 15, "character": 0}})),
        "",
    );
    let stale_again =
        c.until(|m| published_for(&ko)(m) && codes(m).iter().any(|c| c == "stale-section"));
    assert_eq!(codes(stale_again.last().unwrap()), ["stale-section"]);
    // A comment that is not a marker does not make it reviewed.
    c.change(
        &ko,
        6,
        Some(json!({"start": {"line": 12, "character": 6}, "end": {"line": 12, "character": 6}})),
        "\n<!-- not a marker -->",
    );
    // (The last diagnostics sent once the server is quiet: the answer at
    // once may drop the finding the edit touched; the comparison after it
    // decides.)
    let settled = |c: &mut Client| {
        let sent = c.quiet_for(Duration::from_millis(1500));
        sent.iter().rev().find(|m| published_for(&ko)(m)).map(codes)
    };
    // (Nothing sent: what was sent last, stale, stands.)
    let still_stale = |c: &mut Client, after: &str| {
        let last = settled(c);
        assert!(
            last.as_ref()
                .is_none_or(|codes| codes == &["stale-section"]),
            "after {after}: {last:?}"
        );
    };
    still_stale(&mut c, "a plain comment, which reviews nothing");
    c.change(
        &ko,
        7,
        Some(json!({"start": {"line": 12, "character": 6}, "end": {"line": 13, "character": 21}})),
        "",
    );
    still_stale(&mut c, "the comment removed");

    // Mark the stale section reviewed: the server asks the editor to apply
    // the marker `lockstep sync --section` writes.
    let (done, asked) = c.request(
        "workspace/executeCommand",
        json!({"command": "lockstep.markSectionReviewed", "arguments": [ko, "사용법"]}),
    );
    insta::assert_snapshot!(
        "lsp_mark_section_reviewed",
        show(&c, &[asked.clone(), vec![done]].concat())
    );

    // The editor applies it: the section is no longer stale.
    let marker = &asked[0]["params"]["edit"]["changes"][&ko][0];
    c.change(
        &ko,
        8,
        Some(marker["range"].clone()),
        marker["newText"].as_str().unwrap(),
    );
    // (Answered at once with the last comparison's findings, then compared
    // again: the stale finding goes then.)
    assert_eq!(settled(&mut c), Some(Vec::<String>::new()));

    assert_eq!(c.finish(), 0, "exit after shutdown is a clean exit");
}

fn codes(m: &Value) -> Vec<String> {
    m["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn published_for(uri: &str) -> impl Fn(&Value) -> bool + '_ {
    move |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
}

/// Rule, line and message of each diagnostic of a publication.
fn summary(m: &Value) -> Vec<String> {
    m["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} line {}: {}",
                d["code"].as_str().unwrap(),
                d["range"]["start"]["line"],
                d["message"].as_str().unwrap().lines().next().unwrap()
            )
        })
        .collect()
}

/// An edit of a translation is answered twice: at once with its file
/// rules' findings and the section findings of the last comparison moved
/// with the text, then, when no message waits, compared with its source
/// again.
#[test]
fn a_translation_answers_at_once_and_is_compared_after() {
    let tmp = fixture();
    let root = tmp.path().join("repo");
    let mut c = Client::start(&root);
    let _ = c.initialize();
    let ko = c.uri("translations/README-ko.md");
    c.open("translations/README-ko.md");
    // A new section above `## 사용법` (line 13): four lines.
    c.change(
        &ko,
        2,
        Some(json!({"start": {"line": 12, "character": 0}, "end": {"line": 12, "character": 0}})),
        "## 부록\n\n새 내용.\n\n",
    );
    let first = c.until(published_for(&ko));
    let then = c.until(published_for(&ko));
    insta::assert_snapshot!(
        "lsp_two_answers",
        format!(
            "at once:\n{}\n\ncompared:\n{}",
            summary(first.last().unwrap()).join("\n"),
            summary(then.last().unwrap()).join("\n")
        )
    );
    assert_eq!(c.quiet_for(Duration::from_millis(500)), Vec::<Value>::new());

    // A suppression of the new section's finding: once compared, the
    // finding is suppressed; one of a rule that finds nothing there is
    // unused (which takes every rule's findings to tell).
    c.change(
        &ko,
        3,
        Some(json!({"start": {"line": 12, "character": 0}, "end": {"line": 12, "character": 0}})),
        "<!-- lockstep-disable-next-line missing-image -->\n\n<!-- lockstep-disable-next-line extra-section -->\n",
    );
    let settled = c.until(|m| {
        published_for(&ko)(m)
            && !codes(m).iter().any(|c| c == "extra-section")
            && codes(m).iter().any(|c| c == "unused-suppression")
    });
    insta::assert_snapshot!(
        "lsp_two_answers_suppressed",
        summary(settled.last().unwrap()).join("\n")
    );
    assert_eq!(c.finish(), 0);
}

/// An edit of a source reaches its translations when nothing else waits:
/// their sections are compared again (their other findings stand, their
/// text did not change), and what the translation then lacks is reported
/// on it — the same findings `lockstep check` reports on the edited tree.
#[test]
fn a_source_edit_reaches_its_translations() {
    let tmp = fixture();
    let root = tmp.path().join("repo");
    // The translation as committed: every file is clean when loaded.
    let restored = Command::new("git")
        .args(["checkout", "-q", "--", "translations/README-ko.md"])
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(restored.success());
    let mut c = Client::start(&root);
    let _ = c.initialize();
    let en = c.uri("README.md");
    let ko = c.uri("translations/README-ko.md");
    c.open("README.md");
    // A new section at the end of the source.
    let text = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines = text.lines().count();
    let added = "\n## FAQ\n\nAsk in the issues.\n";
    c.change(
        &en,
        2,
        Some(json!({"start": {"line": lines, "character": 0}, "end": {"line": lines, "character": 0}})),
        added,
    );
    // And the install section's text changed: the file was clean when
    // loaded, the change is an uncommitted edit, and the translated section
    // (synced before it) is stale by it.
    let install = text
        .lines()
        .position(|l| l.starts_with("Run `cargo"))
        .unwrap();
    let at = text.lines().nth(install).unwrap().len();
    let more = " Add `--locked` to use the lock file.";
    c.change(
        &en,
        3,
        Some(json!({"start": {"line": install, "character": at}, "end": {"line": install, "character": at}})),
        more,
    );
    let reached = c.until(|m| {
        published_for(&ko)(m)
            && codes(m).iter().any(|c| c == "missing-section")
            && codes(m).iter().filter(|c| *c == "stale-section").count() == 2
    });
    let lsp = summary(reached.last().unwrap());
    // The same tree on disk, checked by `lockstep check`.
    let mut edited: Vec<String> = text.lines().map(str::to_string).collect();
    edited[install].push_str(more);
    std::fs::write(
        root.join("README.md"),
        format!("{}\n{added}", edited.join("\n")),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .args(["check", "--format", "json", "."])
        .current_dir(&root)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let check: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "translations/README-ko.md")
        .map(|d| {
            format!(
                "{} line {}: {}",
                d["rule"].as_str().unwrap(),
                d["line"].as_u64().unwrap() - 1,
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(lsp, check);
    insta::assert_snapshot!("lsp_source_edit_reaches_translation", lsp.join("\n"));
    assert_eq!(c.finish(), 0);
}

/// What a client may get wrong, and what happens to the files under an
/// open editor: the server answers with the protocol's errors or ignores,
/// and keeps serving.
#[test]
fn the_server_survives_bad_input_and_vanishing_files() {
    let tmp = fixture();
    let root = tmp.path().join("repo");
    let mut c = Client::start(&root);
    let _ = c.initialize();

    // A body that is not JSON, and JSON that is not JSON-RPC.
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let parse_error = c.next();
    assert_eq!(parse_error["error"]["code"], -32700, "{parse_error}");
    assert_eq!(parse_error["id"], Value::Null);
    c.send(json!({"id": 41, "hello": "world"}));
    let invalid = c.next();
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    assert_eq!(invalid["id"], 41);

    // An unknown request gets MethodNotFound; an unknown notification nothing.
    let (unknown, _) = c.request("lockstep/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    c.notify("lockstep/whatever", json!({}));
    // Parameters of the wrong shape: InvalidParams.
    let (bad, _) = c.request("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");

    // A document outside every root: no diagnostics, empty answers.
    let outside = tempfile::tempdir().unwrap();
    let elsewhere = outside.path().join("notes.md");
    let notes = "# Notes\n\n[x](#nowhere)\n";
    std::fs::write(&elsewhere, notes).unwrap();
    let uri = format!("file://{}", elsewhere.display());
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": notes}}),
    );
    let (hover, before) = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}}),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");
    assert_eq!(before, Vec::<Value>::new());

    // A 10 MB buffer (within the default `max-file-size`, 10 MiB) is
    // checked like any other: it has none of the source's sections.
    let ko = c.uri("translations/README-ko.md");
    c.open("translations/README-ko.md");
    let big = "가나다 라마바\n".repeat(10_000_000 / 20);
    // (A translation's file rules answer first, its sections once compared:
    // each change is followed until the diagnostics it must settle on.)
    c.change(&ko, 2, None, &big);
    let checked = c.until(|m| {
        published_for(&ko)(m) && {
            let codes = codes(m);
            !codes.is_empty() && codes.iter().all(|c| c == "missing-section")
        }
    });
    assert!(checked.len() <= 3, "{checked:?}");
    // Over the limit: one `file-too-large` finding, nothing parsed; taken
    // back when it shrinks.
    let bigger = "가나다 라마바\n".repeat((11 << 20) / 20);
    c.change(&ko, 3, None, &bigger);
    c.until(|m| published_for(&ko)(m) && codes(m) == ["file-too-large"]);
    let text = std::fs::read_to_string(root.join("translations/README-ko.md")).unwrap();
    c.change(&ko, 4, None, &text);
    c.until(|m| {
        published_for(&ko)(m) && codes(m) == ["toc-drift", "broken-anchor", "stale-section"]
    });

    // A file deleted while open: requests on it are still answered (no
    // error); closed, the folder is read again, its diagnostics are taken
    // back, and it is no longer a document of the folder.
    std::fs::remove_file(root.join("translations/README-ko.md")).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": ko, "type": 3}]}),
    );
    let (still, _) = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": ko}, "position": {"line": 12, "character": 3}}),
    );
    assert!(still.get("error").is_none(), "{still}");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": ko}}),
    );
    // (Waits for the empty publication; no such message fails by timeout.)
    c.until(|m| published_for(&ko)(m) && m["params"]["diagnostics"] == json!([]));
    let (gone, _) = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": ko}, "position": {"line": 12, "character": 3}}),
    );
    assert_eq!(gone["result"], Value::Null, "{gone}");

    // A broken configuration: a diagnostic on it, not a crash; mended, gone.
    let config = root.join("lockstep.toml");
    std::fs::write(&config, "source-lang = \"en\"\nmax-file-size = [1]\n").unwrap();
    let config_uri = format!("file://{}", config.display());
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 1}]}),
    );
    let broken = c.until(published_for(&config_uri));
    insta::assert_snapshot!(
        "lsp_broken_config",
        shown(&c.root, &broken[broken.len() - 1..])
    );
    std::fs::write(&config, "source-lang = \"en\"\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let mended = c.until(published_for(&config_uri));
    assert_eq!(mended.last().unwrap()["params"]["diagnostics"], json!([]));

    // After `shutdown`, requests are refused; `exit` ends the server cleanly.
    let (r, _) = c.request("shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null);
    let (after, _) = c.request("textDocument/hover", json!({}));
    assert_eq!(after["error"]["code"], -32600, "{after}");
    c.notify("exit", Value::Null);
    drop(c.stdin.take());
    assert_eq!(c.child.wait().unwrap().code(), Some(0));
}

#[test]
fn requests_before_initialize_are_refused_and_exit_without_shutdown_is_an_error() {
    let tmp = fixture();
    let mut c = Client::start(&tmp.path().join("repo"));
    let (r, _) = c.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002, "{r}");
    c.notify("exit", Value::Null);
    drop(c.stdin.take());
    assert_eq!(c.child.wait().unwrap().code(), Some(1));
}

/// A real editor: headless Neovim's built-in client opens the fixture's
/// translation, receives the diagnostics and applies the TOC quick fix
/// through its own code-action menu (`tests/it/nvim_session.lua`).
#[test]
fn neovim_receives_diagnostics_and_applies_a_quick_fix() {
    let has_nvim = Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_nvim {
        crate::common::skip_without("nvim", "Neovim (`nvim`, Debian's package neovim)");
        return;
    }
    let tmp = fixture();
    let root = tmp.path().join("repo");
    let out = tmp.path().join("nvim.out");
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            repo().join("tests/it/nvim_session.lua").display()
        ))
        .current_dir(&root)
        .env("LOCKSTEP_BIN", env!("CARGO_BIN_EXE_lockstep"))
        .env("LOCKSTEP_NVIM_OUT", &out)
        .env("HOME", tmp.path())
        .env("XDG_CONFIG_HOME", tmp.path())
        .env("XDG_DATA_HOME", tmp.path())
        .env("XDG_STATE_HOME", tmp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("nvim runs");
    assert!(status.success());
    let seen = std::fs::read_to_string(&out).expect("the session wrote what it saw");
    insta::assert_snapshot!("lsp_neovim", seen);
}
