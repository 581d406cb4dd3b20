//! `lockstep lsp`: the engine behind the Language Server Protocol, over
//! stdio (see the README's "In the editor").
//!
//! One thread reads messages, one writes them; this module's loop handles
//! them in order, and loads each workspace folder in a thread of its own
//! (reported with `$/progress`). A folder is one documentation root, read
//! as `lockstep check <folder>` reads it. After the load, an opened or
//! edited buffer replaces the file's text in the workspace (unsaved text,
//! not the file on disk); the file, the other editions of its document and
//! the files that link to it are checked again, and diagnostics are sent
//! for every file whose findings changed. The git history is read with the
//! load and read again when `.git/HEAD` (or a branch) moves, as when
//! `lockstep.toml` or a rule file changes.

mod convert;
mod features;
mod transport;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{BufRead, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lt;
use lt::Url;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::app::{self, AppError, CheckOptions, Evidence, Scope, run, scope};
use crate::diagnostic::Diagnostic;
use crate::parse;
use crate::registry::Severity;
use crate::rules::{self, Enabled};
use crate::source::{FileId, TextChange};
use crate::workspace::Workspace;

pub use self::transport::{Incoming, Outgoing};

/// Where a rule's documentation page is (the diagnostic's `codeDescription`).
const RULE_PAGES: &str = "https://github.com/lockstep-docs/lockstep/blob/main/docs/rules";

/// The commands `workspace/executeCommand` runs.
pub const FIX_ALL: &str = "lockstep.fixAll";
pub const MARK_SECTION: &str = "lockstep.markSectionReviewed";
pub const MARK_DOCUMENT: &str = "lockstep.markDocumentReviewed";

/// Serves the protocol on stdin/stdout until `exit`. `Ok(true)`: the client
/// shut the server down first (exit code 0, as the protocol asks).
pub fn run_stdio() -> bool {
    serve(std::io::BufReader::new(std::io::stdin()), std::io::stdout())
}

/// Serves the protocol on `input`/`output` until `exit` or the end of the
/// input. Returns whether `shutdown` came first.
pub fn serve(input: impl BufRead + Send + 'static, output: impl Write + Send + 'static) -> bool {
    let (events, receive) = mpsc::channel::<Event>();
    let (out, to_write) = mpsc::channel::<Outgoing>();
    let reader_events = events.clone();
    // The reader may block on stdin for ever: it is not joined.
    // A message interrupts a comparison the server runs while none waits.
    std::thread::spawn(move || {
        transport::read_loop(input, reader_events, |m| {
            if crate::align::interrupt::fire() {
                app::probe("fired");
            }
            Event::Client(m)
        })
    });
    let writer = std::thread::spawn(move || transport::write_loop(output, to_write));
    let mut server = Server::new(out, events);
    let clean = server.run(receive);
    drop(server);
    let _ = writer.join();
    clean
}

/// What the loop handles: a message, or a folder's load finishing.
enum Event {
    Client(Incoming),
    Loaded {
        root: usize,
        generation: u64,
        result: Box<Result<Ready, AppError>>,
    },
}

/// A loaded documentation root.
pub(crate) struct Ready {
    pub ws: Workspace,
    pub evidence: Evidence,
    /// The last findings of each file that has any.
    pub found: BTreeMap<FileId, Vec<Diagnostic>>,
}

enum RootState {
    Loading,
    Ready(Box<Ready>),
    /// The configuration could not be read: the error is shown on it.
    Broken,
}

struct Root {
    dir: PathBuf,
    state: RootState,
    /// Bumped at every (re)load: a load that finishes after a newer one
    /// started is dropped.
    generation: u64,
    /// The configuration or rule file an error was shown on.
    config_error: Option<Url>,
}

/// An open document: the editor's text is the truth, not the disk's.
struct Buffer {
    uri: Url,
    text: String,
    version: i32,
    /// What re-parsing only the edited sections needs (after the first
    /// parse of the buffer).
    parsed: Option<parse::incremental::State>,
    /// The last change, as the client sent it (one range replaced).
    edit: Option<TextChange>,
}

struct Server {
    out: Sender<Outgoing>,
    events: Sender<Event>,
    initialized: bool,
    shut_down: bool,
    roots: Vec<Root>,
    buffers: BTreeMap<PathBuf, Buffer>,
    /// What each file was last sent (files not listed: nothing).
    published: BTreeMap<Url, Vec<lt::Diagnostic>>,
    /// The client creates `$/progress` tokens (`window.workDoneProgress`).
    progress: bool,
    /// The client registers file watchers the server asks for.
    watch: bool,
    loading: usize,
    /// Edited translations (root, id) whose sections were not compared
    /// again yet: checked in full as soon as no message waits.
    comparing: BTreeSet<(usize, FileId)>,
    /// Files (root, id) to check again when nothing else waits: the
    /// translations of an edited source.
    later: BTreeSet<(usize, FileId)>,
    next_id: i32,
}

/// The parameters of `req`, or the error response saying why not.
fn params<P: DeserializeOwned>(req: &Request) -> Result<P, Response> {
    serde_json::from_value(req.params.clone()).map_err(|e| {
        Response::new_err(
            req.id.clone(),
            ErrorCode::InvalidParams as i32,
            format!("invalid parameters for `{}`: {e}", req.method),
        )
    })
}

impl Server {
    fn new(out: Sender<Outgoing>, events: Sender<Event>) -> Self {
        Server {
            out,
            events,
            initialized: false,
            shut_down: false,
            roots: Vec::new(),
            buffers: BTreeMap::new(),
            published: BTreeMap::new(),
            progress: false,
            watch: false,
            loading: 0,
            comparing: BTreeSet::new(),
            later: BTreeSet::new(),
            next_id: 0,
        }
    }

    fn send(&self, m: impl Into<Message>) {
        let _ = self.out.send(Outgoing::Message(m.into()));
    }

    fn notify(&self, method: &str, params: impl Serialize) {
        self.send(Notification::new(method.to_string(), params));
    }

    fn request(&mut self, method: &str, params: impl Serialize) {
        self.next_id += 1;
        let id = RequestId::from(format!("lockstep-{}", self.next_id));
        self.send(Request::new(id, method.to_string(), params));
    }

    fn log(&self, message: String) {
        self.notify(
            "window/logMessage",
            lt::LogMessageParams {
                typ: lt::MessageType::LOG,
                message,
            },
        );
    }

    fn run(&mut self, receive: Receiver<Event>) -> bool {
        loop {
            // Deferred re-checks run one file at a time, only while no
            // message waits: typing is answered first.
            let event = if self.later.is_empty() && self.comparing.is_empty() {
                match receive.recv() {
                    Ok(e) => e,
                    Err(_) => return false,
                }
            } else {
                match receive.try_recv() {
                    Ok(e) => e,
                    Err(mpsc::TryRecvError::Empty) => {
                        self.check_deferred();
                        continue;
                    }
                    Err(mpsc::TryRecvError::Disconnected) => return false,
                }
            };
            match event {
                Event::Client(Incoming::Malformed(error)) => {
                    let _ = self.out.send(Outgoing::Raw(error));
                }
                Event::Client(Incoming::Message(Message::Request(req))) => {
                    // A bug of ours answers one request with an error; the
                    // server goes on.
                    let id = req.id.clone();
                    let method = req.method.clone();
                    if catch_unwind(AssertUnwindSafe(|| self.on_request(req))).is_err() {
                        self.send(Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            format!("lockstep failed while answering `{method}` (a bug: please report it)"),
                        ));
                    }
                }
                Event::Client(Incoming::Message(Message::Response(_))) => {}
                Event::Client(Incoming::Message(Message::Notification(n))) => {
                    if n.method == "exit" {
                        return self.shut_down;
                    }
                    let method = n.method.clone();
                    if catch_unwind(AssertUnwindSafe(|| self.on_notification(n))).is_err() {
                        self.log(format!(
                            "lockstep failed while handling `{method}` (a bug: please report it)"
                        ));
                    }
                }
                Event::Loaded {
                    root,
                    generation,
                    result,
                } => self.on_loaded(root, generation, *result),
            }
        }
    }

    /// One deferred check (an edited translation's comparison first),
    /// given up when a message arrives meanwhile: then it waits again.
    fn check_deferred(&mut self) {
        let (comparing, (r, id)) = match self.comparing.pop_first() {
            Some(next) => (true, next),
            None => (false, self.later.pop_first().expect("not empty")),
        };
        // Only the sections are compared again: an edited translation's
        // other rules ran when it was edited, and the text of a translation
        // of an edited source did not change. (In a file with suppression
        // comments every rule runs: whether one is unused needs them all.)
        let suppressions = self.ready(r).is_some_and(|ready| {
            ready.ws.docs[id.index()]
                .as_ref()
                .is_some_and(|d| d.comments.iter().any(|c| c.text.starts_with("lockstep-")))
        });
        let mode = if suppressions {
            Mode::Deferred
        } else {
            Mode::Sections
        };
        crate::align::interrupt::arm();
        if !self.check_with(r, HashSet::from([id]), mode) {
            // Given up for a message: it comes first again.
            if comparing {
                self.comparing.insert((r, id));
            } else {
                self.later.insert((r, id));
            }
        }
    }

    fn on_request(&mut self, req: Request) {
        let id = req.id.clone();
        let error =
            |code: ErrorCode, message: String| Response::new_err(id.clone(), code as i32, message);
        if req.method == "initialize" {
            if self.initialized {
                return self.send(error(
                    ErrorCode::InvalidRequest,
                    "initialize was sent twice".into(),
                ));
            }
            return match params::<lt::InitializeParams>(&req) {
                Ok(p) => {
                    let result = self.initialize(p);
                    self.send(Response::new_ok(id, result));
                }
                Err(e) => self.send(e),
            };
        }
        if !self.initialized {
            return self.send(error(
                ErrorCode::ServerNotInitialized,
                "the server has not been initialized".into(),
            ));
        }
        if self.shut_down {
            return self.send(error(
                ErrorCode::InvalidRequest,
                "the server is shut down: only `exit` is accepted".into(),
            ));
        }
        let response = match req.method.as_str() {
            "shutdown" => {
                self.shut_down = true;
                Ok(Value::Null)
            }
            "textDocument/hover" => params(&req).map(|p| json_of(self.hover(p))),
            "textDocument/definition" => params(&req).map(|p| json_of(self.definition(p))),
            "textDocument/completion" => params(&req).map(|p| json_of(self.completion(p))),
            "textDocument/documentLink" => params(&req).map(|p| json_of(self.document_links(p))),
            "textDocument/codeAction" => params(&req).map(|p| json_of(self.code_actions(p))),
            "workspace/executeCommand" => match params(&req) {
                Ok(p) => self
                    .execute_command(p)
                    .map_err(|m| error(ErrorCode::InvalidParams, m)),
                Err(e) => Err(e),
            },
            method => Err(error(
                ErrorCode::MethodNotFound,
                format!("lockstep does not handle `{method}`"),
            )),
        };
        match response {
            Ok(v) => self.send(Response::new_ok(id, v)),
            Err(e) => self.send(e),
        }
    }

    fn on_notification(&mut self, n: Notification) {
        if !self.initialized {
            return; // before `initialize`, notifications are dropped
        }
        let n = &n;
        let result = match n.method.as_str() {
            "initialized" => {
                self.start();
                Ok(())
            }
            "textDocument/didOpen" => notification_params(n).map(|p| self.did_open(p)),
            "textDocument/didChange" => notification_params(n).map(|p| self.did_change(p)),
            "textDocument/didClose" => notification_params(n).map(|p| self.did_close(p)),
            "workspace/didChangeWatchedFiles" => notification_params(n).map(|p| self.watched(p)),
            _ => Ok(()), // `$/cancelRequest`, `didSave`, …: nothing to do
        };
        if let Err(e) = result {
            self.log(e);
        }
    }

    fn initialize(&mut self, p: lt::InitializeParams) -> lt::InitializeResult {
        self.initialized = true;
        self.progress = p
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        self.watch = p
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        #[allow(deprecated)] // `root_uri`: older clients send only that
        let folders: Vec<Url> = match (p.workspace_folders, p.root_uri) {
            (Some(f), _) if !f.is_empty() => f.into_iter().map(|f| f.uri).collect(),
            (_, Some(root)) => vec![root],
            _ => Vec::new(),
        };
        for uri in folders {
            if let Some(dir) = convert::path_of(&uri) {
                let dir = dir.canonicalize().unwrap_or(dir);
                self.roots.push(Root {
                    dir,
                    state: RootState::Loading,
                    generation: 0,
                    config_error: None,
                });
            }
        }
        let kinds = vec![
            lt::CodeActionKind::QUICKFIX,
            lt::CodeActionKind::new("source.fixAll.lockstep"),
            lt::CodeActionKind::SOURCE,
        ];
        lt::InitializeResult {
            capabilities: lt::ServerCapabilities {
                position_encoding: Some(lt::PositionEncodingKind::UTF16),
                text_document_sync: Some(lt::TextDocumentSyncCapability::Options(
                    lt::TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(lt::TextDocumentSyncKind::INCREMENTAL),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(lt::HoverProviderCapability::Simple(true)),
                definition_provider: Some(lt::OneOf::Left(true)),
                completion_provider: Some(lt::CompletionOptions {
                    trigger_characters: Some(vec!["#".into()]),
                    ..Default::default()
                }),
                code_action_provider: Some(lt::CodeActionProviderCapability::Options(
                    lt::CodeActionOptions {
                        code_action_kinds: Some(kinds),
                        ..Default::default()
                    },
                )),
                execute_command_provider: Some(lt::ExecuteCommandOptions {
                    commands: vec![FIX_ALL.into(), MARK_SECTION.into(), MARK_DOCUMENT.into()],
                    ..Default::default()
                }),
                document_link_provider: Some(lt::DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: Default::default(),
                }),
                ..Default::default()
            },
            server_info: Some(lt::ServerInfo {
                name: "lockstep".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        }
    }

    /// After `initialized`: watch the files a reload depends on, load every root.
    fn start(&mut self) {
        if self.watch {
            let watchers = [
                "**/*.toml",
                "**/*.md",
                "**/.git/HEAD",
                "**/.git/refs/heads/**",
            ]
            .into_iter()
            .map(|g| lt::FileSystemWatcher {
                glob_pattern: lt::GlobPattern::String(g.into()),
                kind: None,
            })
            .collect();
            let options = lt::DidChangeWatchedFilesRegistrationOptions { watchers };
            self.request(
                "client/registerCapability",
                lt::RegistrationParams {
                    registrations: vec![lt::Registration {
                        id: "lockstep-watch".into(),
                        method: "workspace/didChangeWatchedFiles".into(),
                        register_options: serde_json::to_value(options).ok(),
                    }],
                },
            );
        }
        for r in 0..self.roots.len() {
            self.load(r);
        }
        if self.roots.is_empty() {
            self.log("no workspace folder: lockstep checks nothing".into());
        }
    }

    /// Loads root `r` in the background (again, when it was loaded).
    fn load(&mut self, r: usize) {
        let root = &mut self.roots[r];
        root.generation += 1;
        let (dir, generation) = (root.dir.clone(), root.generation);
        if self.loading == 0 && self.progress {
            self.request(
                "window/workDoneProgress/create",
                lt::WorkDoneProgressCreateParams {
                    token: lt::NumberOrString::String("lockstep/load".into()),
                },
            );
            self.notify(
                "$/progress",
                lt::ProgressParams {
                    token: lt::NumberOrString::String("lockstep/load".into()),
                    value: lt::ProgressParamsValue::WorkDone(lt::WorkDoneProgress::Begin(
                        lt::WorkDoneProgressBegin {
                            title: "lockstep".into(),
                            message: Some("reading the documentation".into()),
                            ..Default::default()
                        },
                    )),
                },
            );
        }
        self.loading += 1;
        let events = self.events.clone();
        std::thread::spawn(move || {
            let result = catch_unwind(|| load(&dir)).unwrap_or_else(|_| {
                Err(AppError::Usage(format!(
                    "lockstep failed while reading {} (a bug: please report it)",
                    dir.display()
                )))
            });
            let _ = events.send(Event::Loaded {
                root: r,
                generation,
                result: Box::new(result),
            });
        });
    }

    fn on_loaded(&mut self, r: usize, generation: u64, result: Result<Ready, AppError>) {
        self.loading = self.loading.saturating_sub(1);
        if self.loading == 0 && self.progress {
            self.notify(
                "$/progress",
                lt::ProgressParams {
                    token: lt::NumberOrString::String("lockstep/load".into()),
                    value: lt::ProgressParamsValue::WorkDone(lt::WorkDoneProgress::End(
                        lt::WorkDoneProgressEnd { message: None },
                    )),
                },
            );
        }
        if self.roots[r].generation != generation {
            return; // a newer load is on its way
        }
        // File ids are the old load's: the full check below covers them.
        self.later.retain(|&(x, _)| x != r);
        self.comparing.retain(|&(x, _)| x != r);
        // The configuration's error, shown (or taken back).
        let error = match &result {
            Err(AppError::Config(e)) => Some(e),
            _ => None,
        };
        let shown = error.and_then(|e| {
            let uri = convert::uri_of(&e.path.canonicalize().unwrap_or(e.path.clone()))?;
            Some((uri, config_diagnostic(e)))
        });
        if let Some(old) = self.roots[r].config_error.take()
            && shown.as_ref().is_none_or(|(u, _)| *u != old)
        {
            self.publish(old, Vec::new(), None);
        }
        match result {
            Ok(mut ready) => {
                let dir = self.roots[r].dir.clone();
                for (path, buf) in &mut self.buffers {
                    let Some(id) = file_id(&ready.ws, &dir, path) else {
                        continue;
                    };
                    // The incremental parse's state was of the document
                    // the reload replaced.
                    buf.parsed = None;
                    if ready.ws.files[id.index()].text != buf.text {
                        update(&mut ready.ws, id, buf.text.clone(), Some(&mut buf.parsed));
                    }
                }
                self.roots[r].state = RootState::Ready(Box::new(ready));
                self.check_all(r);
            }
            Err(e) => {
                self.roots[r].state = RootState::Broken;
                self.clear_root(r);
                match shown {
                    Some((uri, d)) => {
                        self.publish(uri.clone(), vec![d], None);
                        self.roots[r].config_error = Some(uri);
                    }
                    None => self.notify(
                        "window/showMessage",
                        lt::ShowMessageParams {
                            typ: lt::MessageType::ERROR,
                            message: format!("lockstep: {e}"),
                        },
                    ),
                }
            }
        }
    }

    /// Takes back every diagnostic sent for files of root `r` (it is broken).
    fn clear_root(&mut self, r: usize) {
        let dir = self.roots[r].dir.clone();
        let uris: Vec<Url> = self
            .published
            .keys()
            .filter(|u| convert::path_of(u).is_some_and(|p| p.starts_with(&dir)))
            .cloned()
            .collect();
        for uri in uris {
            self.publish(uri, Vec::new(), None);
        }
    }

    /// The root that holds `path` (the innermost), and the file's id there.
    fn locate(&self, path: &Path) -> Option<(usize, Option<FileId>)> {
        let r = (0..self.roots.len())
            .filter(|&r| path.starts_with(&self.roots[r].dir))
            .max_by_key(|&r| self.roots[r].dir.as_os_str().len())?;
        let id = match &self.roots[r].state {
            RootState::Ready(ready) => file_id(&ready.ws, &self.roots[r].dir, path),
            _ => None,
        };
        Some((r, id))
    }

    fn ready(&self, r: usize) -> Option<&Ready> {
        match &self.roots[r].state {
            RootState::Ready(ready) => Some(ready),
            _ => None,
        }
    }

    fn did_open(&mut self, p: lt::DidOpenTextDocumentParams) {
        let Some(path) = buffer_path(&p.text_document.uri) else {
            return;
        };
        let doc = p.text_document;
        self.buffers.insert(
            path.clone(),
            Buffer {
                uri: doc.uri,
                text: doc.text,
                version: doc.version,
                parsed: None,
                edit: None,
            },
        );
        self.edited(&path);
    }

    fn did_change(&mut self, p: lt::DidChangeTextDocumentParams) {
        app::probe("received");
        let Some(path) = buffer_path(&p.text_document.uri) else {
            return;
        };
        let Some(buf) = self.buffers.get_mut(&path) else {
            return self.log(format!(
                "a change to {} which is not open",
                p.text_document.uri
            ));
        };
        let single = p.content_changes.len() == 1;
        buf.edit = None;
        for change in p.content_changes {
            match change.range {
                Some(range) => {
                    let start = convert::offset_scanning(&buf.text, range.start);
                    let end = convert::offset_scanning(&buf.text, range.end).max(start);
                    buf.text.replace_range(start..end, &change.text);
                    if single {
                        buf.edit = Some(TextChange {
                            start,
                            old_end: end,
                            new_end: start + change.text.len(),
                        });
                    }
                }
                None => buf.text = change.text,
            }
        }
        buf.version = p.text_document.version;
        self.edited(&path);
    }

    fn did_close(&mut self, p: lt::DidCloseTextDocumentParams) {
        let Some(path) = buffer_path(&p.text_document.uri) else {
            return;
        };
        self.buffers.remove(&path);
        // Back to the file on disk; a file deleted while open leaves the
        // documentation: the root is read again.
        match std::fs::read_to_string(&path) {
            Ok(text) => self.set_text(&path, text),
            Err(_) => {
                if let Some((r, Some(_))) = self.locate(&path) {
                    self.load(r);
                }
            }
        }
    }

    /// The buffer at `path` changed (or opened): the workspace takes its text.
    fn edited(&mut self, path: &Path) {
        let Some(buf) = self.buffers.get_mut(path) else {
            return;
        };
        let text = buf.text.clone();
        let mut parsed = buf.parsed.take();
        let edit = buf.edit.take();
        self.set_text_keeping(path, text, Some(&mut parsed), edit);
        if let Some(buf) = self.buffers.get_mut(path) {
            buf.parsed = parsed;
        }
    }

    fn set_text(&mut self, path: &Path, text: String) {
        self.set_text_keeping(path, text, None, None);
    }

    /// Gives the file at `path` `text` and re-checks what that changes;
    /// `parsed`: the state of an open buffer's incremental parse.
    fn set_text_keeping(
        &mut self,
        path: &Path,
        text: String,
        parsed: Option<&mut Option<parse::incremental::State>>,
        edit: Option<TextChange>,
    ) {
        let Some((r, Some(id))) = self.locate(path) else {
            return; // outside every root, not Markdown of it, or not loaded yet
        };
        let RootState::Ready(ready) = &mut self.roots[r].state else {
            return;
        };
        if ready.ws.files[id.index()].text == text && ready.ws.docs[id.index()].is_some() {
            // Opened as it is on disk: nothing to check, but its first
            // edit will only parse again what it changes.
            if let Some(state @ None) = parsed {
                update(&mut ready.ws, id, text, Some(state));
            }
            return;
        }
        app::probe("edit");
        // Staleness tells uncommitted edits of a source section by the text
        // at HEAD: a file the history saw clean held it until now.
        if let Some(Ok(history)) = ready.evidence.history.as_mut() {
            let file = &ready.ws.files[id.index()];
            history.assume_on_disk(&file.path, &file.text);
        }
        // Old versions of this file were aligned with its text until now.
        if let Some(cache) = &ready.evidence.priors {
            cache.forget(id);
        }
        // The change as the client sent it (where it made the text the
        // workspace has into this one), else the bytes that differ.
        let old = ready.ws.files[id.index()].text.as_str();
        let edit = edit
            .filter(|e| e.turns(old, &text))
            .unwrap_or_else(|| TextChange::between(old, &text));
        let anchors_changed = update(&mut ready.ws, id, text, parsed);
        app::probe("reparsed");
        let (first, then) = affected(&ready.ws, id, anchors_changed);
        app::probe("affected");
        for &f in &first {
            self.later.remove(&(r, f));
        }
        // A translation's sections are compared with its source's: that
        // takes longest, and waits until no message does. Meanwhile its
        // other rules answer at once, and the findings of the comparison
        // before the edit stay, moved with the text.
        let compared = ready.ws.editions[id.index()].is_translation
            && Enabled::new(&ready.ws.settings).any_section();
        if compared {
            self.check_quickly(r, first, id, edit);
            self.comparing.insert((r, id));
        } else {
            self.check(r, first);
        }
        self.later.extend(then.into_iter().map(|t| (r, t)));
    }

    fn watched(&mut self, p: lt::DidChangeWatchedFilesParams) {
        let mut reload = BTreeSet::new();
        for change in p.changes {
            let Some(path) = convert::path_of(&change.uri) else {
                continue;
            };
            let Some((r, id)) = self.locate(&path) else {
                continue;
            };
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let in_git = path.components().any(|c| c.as_os_str() == ".git");
            let markdown =
                name.ends_with(".md") || name.ends_with(".markdown") || name.ends_with(".mdx");
            if in_git || name.ends_with(".toml") {
                reload.insert(r);
            } else if markdown {
                match (change.typ, id) {
                    (lt::FileChangeType::CHANGED, Some(_)) if !self.buffers.contains_key(&path) => {
                        if let Ok(text) = std::fs::read_to_string(&path) {
                            self.set_text(&path, text);
                        }
                    }
                    (lt::FileChangeType::CHANGED, _) => {}
                    // Created or deleted: the documents and their editions change.
                    _ => {
                        reload.insert(r);
                    }
                }
            }
        }
        for r in reload {
            self.load(r);
        }
    }

    /// Runs every rule on root `r` and sends what changed.
    fn check_all(&mut self, r: usize) {
        let Some(ready) = self.ready(r) else { return };
        let all: HashSet<FileId> = (0..ready.ws.files.len() as u32).map(FileId).collect();
        // Files that had findings and are gone from the tree are cleared too.
        let dir = self.roots[r].dir.clone();
        let stale: Vec<Url> = self
            .published
            .keys()
            .filter(|u| {
                convert::path_of(u).is_some_and(|p| {
                    p.starts_with(&dir)
                        && file_id(&ready.ws, &dir, &p).is_none()
                        && self.roots[r].config_error.as_ref() != Some(u)
                })
            })
            .cloned()
            .collect();
        for uri in stale {
            self.publish(uri, Vec::new(), None);
        }
        self.check(r, all);
    }

    /// Runs every rule on `files` of root `r` and sends each file's
    /// diagnostics where they changed.
    fn check(&mut self, r: usize, files: HashSet<FileId>) {
        self.check_with(r, files, Mode::Full);
    }

    /// [`Self::check`] without the section rules: their findings from the
    /// last full check are kept, those of `edited` moved by `edit` (and
    /// dropped where the edit replaced their text).
    fn check_quickly(
        &mut self,
        r: usize,
        files: HashSet<FileId>,
        edited: FileId,
        edit: TextChange,
    ) {
        self.check_with(r, files, Mode::Quick(edited, edit));
    }

    /// Checks `files` as `mode` says; whether the findings were sent (a
    /// deferred check given up for a message sends nothing).
    fn check_with(&mut self, r: usize, files: HashSet<FileId>, mode: Mode) -> bool {
        if !matches!(mode, Mode::Quick(..)) {
            self.comparing
                .retain(|&(x, f)| !(x == r && files.contains(&f)));
        }
        let dir = self.roots[r].dir.clone();
        let RootState::Ready(ready) = &mut self.roots[r].state else {
            crate::align::interrupt::disarm();
            return true;
        };
        let scope = Scope {
            files: Some(files.clone()),
            ..Scope::default()
        };
        let enabled = match mode {
            Mode::Quick(..) => Enabled::new(&ready.ws.settings).without_sections(),
            Mode::Sections => Enabled::new(&ready.ws.settings).sections_only(),
            Mode::Full | Mode::Deferred => Enabled::new(&ready.ws.settings),
        };
        let found = run::run(&ready.ws, &scope, &enabled, &ready.evidence);
        if matches!(mode, Mode::Sections | Mode::Deferred) && crate::align::interrupt::disarm() {
            return false;
        }
        // A partial run's findings of the rules it ran replace the last
        // ones; the others stand (those of an edited file moved with the
        // edit, and dropped where it touched them).
        let mut by_file: BTreeMap<FileId, Vec<Diagnostic>> = BTreeMap::new();
        for d in found.into_iter().filter(|d| mode.computes(d.rule)) {
            by_file.entry(d.file).or_default().push(d);
        }
        for &f in &files {
            let kept: Vec<Diagnostic> = ready
                .found
                .get(&f)
                .into_iter()
                .flatten()
                .filter(|d| !mode.computes(d.rule))
                .filter_map(|d| match mode {
                    Mode::Quick(edited, edit) if edited == f => {
                        let mut d = d.clone();
                        d.span = edit.moved(d.span)?;
                        // A fix's edits were made for the old text.
                        d.fix = None;
                        Some(d)
                    }
                    _ => Some(d.clone()),
                })
                .collect();
            if !kept.is_empty() {
                let mine = by_file.entry(f).or_default();
                mine.extend(kept);
                crate::report::sort(mine);
            }
        }
        let mut sends = Vec::new();
        let mut files: Vec<FileId> = files.into_iter().collect();
        files.sort_unstable();
        for id in files {
            let mine = by_file.remove(&id).unwrap_or_default();
            let Some(uri) = convert::uri_of(&dir.join(&ready.ws.files[id.index()].path)) else {
                continue;
            };
            let converted: Vec<lt::Diagnostic> =
                mine.iter().map(|d| to_lsp(&ready.ws, &dir, d)).collect();
            if mine.is_empty() {
                ready.found.remove(&id);
            } else {
                ready.found.insert(id, mine);
            }
            sends.push((uri, converted));
        }
        app::probe("converted");
        for (uri, diagnostics) in sends {
            let version = self
                .buffers
                .values()
                .find(|b| b.uri == uri)
                .map(|b| b.version);
            self.publish(uri, diagnostics, version);
        }
        true
    }

    /// Sends `diagnostics` for `uri` unless it is what was sent last.
    fn publish(&mut self, uri: Url, diagnostics: Vec<lt::Diagnostic>, version: Option<i32>) {
        let before = self.published.get(&uri).map_or(&[][..], Vec::as_slice);
        if before == diagnostics.as_slice() {
            return;
        }
        if diagnostics.is_empty() {
            self.published.remove(&uri);
        } else {
            self.published.insert(uri.clone(), diagnostics.clone());
        }
        self.notify(
            "textDocument/publishDiagnostics",
            lt::PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        );
    }

    /// The root, its state and the file at `uri`, when it is loaded.
    fn at(&self, uri: &Url) -> Option<(&Path, &Ready, FileId)> {
        let path = buffer_path(uri)?;
        let (r, id) = self.locate(&path)?;
        Some((&self.roots[r].dir, self.ready(r)?, id?))
    }

    fn hover(&self, p: lt::HoverParams) -> Option<lt::Hover> {
        let at = &p.text_document_position_params;
        let (dir, ready, id) = self.at(&at.text_document.uri)?;
        features::hover(dir, ready, id, at.position)
    }

    fn definition(&self, p: lt::GotoDefinitionParams) -> Option<lt::GotoDefinitionResponse> {
        let at = &p.text_document_position_params;
        let (dir, ready, id) = self.at(&at.text_document.uri)?;
        features::definition(dir, ready, id, at.position).map(lt::GotoDefinitionResponse::Scalar)
    }

    fn completion(&self, p: lt::CompletionParams) -> Option<lt::CompletionResponse> {
        let at = &p.text_document_position;
        let (_, ready, id) = self.at(&at.text_document.uri)?;
        Some(lt::CompletionResponse::Array(features::completion(
            ready,
            id,
            at.position,
        )))
    }

    fn document_links(&self, p: lt::DocumentLinkParams) -> Option<Vec<lt::DocumentLink>> {
        let (dir, ready, id) = self.at(&p.text_document.uri)?;
        Some(features::document_links(dir, ready, id))
    }

    fn code_actions(&self, p: lt::CodeActionParams) -> Option<Vec<lt::CodeActionOrCommand>> {
        let (dir, ready, id) = self.at(&p.text_document.uri)?;
        Some(features::code_actions(dir, ready, id, &p))
    }

    /// Runs a command: its edit goes to the client as `workspace/applyEdit`.
    fn execute_command(&mut self, p: lt::ExecuteCommandParams) -> Result<Value, String> {
        let uri: Url = p
            .arguments
            .first()
            .and_then(|a| serde_json::from_value(a.clone()).ok())
            .ok_or_else(|| format!("`{}` wants a document URI as its first argument", p.command))?;
        let (dir, ready, id) = self
            .at(&uri)
            .ok_or_else(|| format!("{uri} is not a loaded document of the workspace"))?;
        let (label, edit) = match p.command.as_str() {
            FIX_ALL => (
                "lockstep: fix all safe problems",
                features::fix_all(dir, ready, id),
            ),
            MARK_SECTION | MARK_DOCUMENT => {
                let section = p.arguments.get(1).and_then(Value::as_str);
                let edit = features::mark_reviewed(dir, ready, id, section)?;
                ("lockstep: mark reviewed", Some(edit))
            }
            other => return Err(format!("unknown command `{other}`")),
        };
        if let Some(edit) = edit {
            self.request(
                "workspace/applyEdit",
                lt::ApplyWorkspaceEditParams {
                    label: Some(label.into()),
                    edit,
                },
            );
        }
        Ok(Value::Null)
    }
}

fn json_of(v: impl Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn notification_params<P: DeserializeOwned>(n: &Notification) -> Result<P, String> {
    serde_json::from_value(n.params.clone())
        .map_err(|e| format!("invalid parameters for `{}`: {e}", n.method))
}

/// The file of a `file://` URI, as the roots name files (symbolic links
/// and `..` resolved where the file exists).
fn buffer_path(uri: &Url) -> Option<PathBuf> {
    let path = convert::path_of(uri)?;
    Some(path.canonicalize().unwrap_or(path))
}

/// The id of the Markdown file at `path` in a workspace rooted at `dir`.
fn file_id(ws: &Workspace, dir: &Path, path: &Path) -> Option<FileId> {
    let rel = path.strip_prefix(dir).ok()?.to_str()?.replace('\\', "/");
    ws.file_id(&rel)
}

/// Loads a documentation root as `lockstep check <dir>` does, and its
/// history when a rule needs it.
fn load(dir: &Path) -> Result<Ready, AppError> {
    let loaded = app::load_root(dir, None, &CheckOptions::default())?;
    let mut evidence = Evidence {
        prefetched: loaded.history,
        // A source's translations are checked one run at a time: the old
        // versions of the source are read and aligned once.
        priors: Some(run::PriorCache::default()),
        ..Evidence::default()
    };
    evidence.read_history(&loaded.ws, &loaded.scope);
    Ok(Ready {
        ws: loaded.ws,
        evidence,
        found: BTreeMap::new(),
    })
}

/// Gives file `id` a new text: parsed, or, over `max-file-size`, left
/// unparsed with a `file-too-large` finding (as when loading).
/// How [`Server::check_with`] checks.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Every rule.
    Full,
    /// Every rule, given up when a message arrives meanwhile.
    Deferred,
    /// The section rules only (the file's other findings stand), given up
    /// when a message arrives meanwhile.
    Sections,
    /// Without the section rules: the file was edited (by this edit), its
    /// last comparison's findings are moved with the text.
    Quick(FileId, TextChange),
}

impl Mode {
    /// Whether a run in this mode makes `rule`'s findings. (Without the
    /// section rules a suppression of one would look unused, and without
    /// the file rules one of theirs: `unused-suppression` is only made by
    /// every rule.)
    fn computes(self, rule: rules::RuleId) -> bool {
        match self {
            Mode::Full | Mode::Deferred => true,
            Mode::Quick(..) => !from_comparison(rule),
            Mode::Sections => from_comparison(rule) && rule != rules::RuleId::UnusedSuppression,
        }
    }
}

/// Findings of the section rules (made by comparing a translation with
/// its source), and `unused-suppression` (which needs every rule's).
fn from_comparison(rule: rules::RuleId) -> bool {
    rule.scope() == crate::registry::Scope::Section || rule == rules::RuleId::UnusedSuppression
}

/// An open buffer (`parsed`: its incremental parse's state) is parsed
/// again only where it changed. Whether the file's anchors may have
/// changed (for other files' links into it).
fn update(
    ws: &mut Workspace,
    id: FileId,
    text: String,
    parsed: Option<&mut Option<parse::incremental::State>>,
) -> bool {
    let (size, max) = (text.len() as u64, ws.settings.max_file_size);
    if size > max {
        ws.set_unread(id, rules::file_too_large(id, size, max));
        if let Some(state) = parsed {
            *state = None;
        }
    } else if let Some(state) = parsed {
        let (outcome, anchors_changed) = ws.update_file_incrementally(id, text, state);
        if std::env::var_os("LOCKSTEP_TRACE").is_some() {
            eprintln!("trace: {outcome:?}, anchors changed: {anchors_changed}");
        }
        return anchors_changed;
    } else {
        ws.update_file(id, text);
    }
    true
}

/// The files whose findings may change when file `id` changes, in two
/// rounds: first the file itself and the files that link to it (what the
/// writer is looking at: sent first), then, for a source edition, its
/// translations (their sections are compared with it). A translation's
/// edit changes no finding of its source: rules report on translations.
/// (`anchors_changed`: other files' links into it only need checking
/// again when its anchors changed.)
fn affected(
    ws: &Workspace,
    id: FileId,
    anchors_changed: bool,
) -> (HashSet<FileId>, HashSet<FileId>) {
    let mut first = HashSet::new();
    first.insert(id);
    let path = &ws.files[id.index()].path;
    let name = path.rsplit('/').next().unwrap_or(path);
    use rayon::prelude::*;
    // Resolved only when the destination's path may name the file (or,
    // for a bare `#fragment`, the link is in the file itself).
    let may_name = |j: usize, dest: &str| {
        let base = &dest[..memchr::memchr2(b'#', b'?', dest.as_bytes()).unwrap_or(dest.len())];
        if base.is_empty() {
            j == id.index()
        } else {
            base.ends_with(name) || base.contains('%')
        }
    };
    if anchors_changed {
        let linking: Vec<FileId> = (0..ws.docs.len() as u32)
            .into_par_iter()
            .map(FileId)
            .filter(|&j| scope::links_to(ws, j, |d| may_name(j.index(), d), |t| t == path))
            .collect();
        first.extend(linking);
    }
    let mut then = HashSet::new();
    if let Some(group) = ws.groups.get(ws.editions[id.index()].group)
        && group.source == *path
    {
        then.extend(
            group
                .translations
                .iter()
                .filter_map(|t| ws.translation_file(t))
                .filter(|t| !first.contains(t)),
        );
    }
    (first, then)
}

/// A finding as the protocol has it: the rule as its code, a link to the
/// rule's page, the source section of a cross-edition finding as related
/// information.
fn to_lsp(ws: &Workspace, dir: &Path, d: &Diagnostic) -> lt::Diagnostic {
    let file = &ws.files[d.file.index()];
    let range = convert::range(&file.text, &file.lines, d.span);
    let rule = d.rule;
    let related = d.source.as_ref().and_then(|s| {
        let other = &ws.files[s.file.index()];
        Some(vec![lt::DiagnosticRelatedInformation {
            location: lt::Location {
                uri: convert::uri_of(&dir.join(&other.path))?,
                range: convert::range(&other.text, &other.lines, s.span),
            },
            message: s.message.clone(),
        }])
    });
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    lt::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => lt::DiagnosticSeverity::ERROR,
            Severity::Warning => lt::DiagnosticSeverity::WARNING,
            Severity::Info => lt::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lt::NumberOrString::String(rule.name().to_string())),
        code_description: rule
            .origin()
            .has_doc_page()
            .then(|| Url::parse(&format!("{RULE_PAGES}/{}.md", rule.name())).ok())
            .flatten()
            .map(|href| lt::CodeDescription { href }),
        source: Some("lockstep".into()),
        message,
        related_information: related,
        tags: None,
        data: None,
    }
}

/// A configuration or rule file's error, where it is.
fn config_diagnostic(e: &crate::config::ConfigError) -> lt::Diagnostic {
    let lines = crate::source::LineIndex::new(&e.text);
    let range = e
        .span
        .as_ref()
        .map(|s| convert::range(&e.text, &lines, crate::source::Span::new(s.start, s.end)))
        .unwrap_or_default();
    lt::Diagnostic {
        range,
        severity: Some(lt::DiagnosticSeverity::ERROR),
        code: Some(lt::NumberOrString::String("config".into())),
        source: Some("lockstep".into()),
        message: format!(
            "{}; lockstep checks nothing in this folder until it is fixed",
            e.message
        ),
        ..Default::default()
    }
}
