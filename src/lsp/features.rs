//! What the server answers about one document: hover, definition,
//! completion, document links, code actions and the commands' edits.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use lsp_types as lt;
use lt::Url;
use regex::Regex;

use crate::app::status::workspace_status;
use crate::app::{Scope, sync};
use crate::diagnostic::Diagnostic;
use crate::fix::{self, Applicability, Edit, Fix};
use crate::index::{self, Target};
use crate::parse::Document;
use crate::report::status::{SectionRow, State};
use crate::source::{FileId, SourceFile, Span};

use super::{MARK_DOCUMENT, MARK_SECTION, Ready, convert};

fn file_and_doc(ready: &Ready, id: FileId) -> Option<(&SourceFile, &Document)> {
    Some((
        &ready.ws.files[id.index()],
        ready.ws.docs[id.index()].as_ref()?,
    ))
}

fn uri(dir: &Path, path: &str) -> Option<Url> {
    convert::uri_of(&dir.join(path))
}

/// The heading on the line of `pos`, if any.
fn heading_at(file: &SourceFile, doc: &Document, pos: lt::Position) -> Option<usize> {
    let offset = convert::offset(&file.text, &file.lines, pos);
    let line = file.lines.line_of(offset);
    doc.headings.iter().position(|h| {
        file.lines.line_of(h.span.start) <= line
            && line
                <= file
                    .lines
                    .line_of(h.span.end.saturating_sub(1).max(h.span.start))
    })
}

/// The status row of translated heading `h` of file `id`: its state and
/// its source section (aligned as `lockstep status` aligns it).
fn row_of(ready: &Ready, id: FileId, h: usize) -> Option<SectionRow> {
    let ws = &ready.ws;
    let edition = &ws.editions[id.index()];
    if !edition.is_translation {
        return None;
    }
    let (file, doc) = file_and_doc(ready, id)?;
    let line = file.line_col(doc.headings[h].span.start).line;
    let scope = Scope {
        groups: Some(std::iter::once(edition.group).collect()),
        langs: vec![edition.lang.as_deref()?.to_string()],
        ..Scope::default()
    };
    let report = workspace_status(ws, &scope, ready.evidence.history.as_ref(), None);
    report
        .sections
        .into_iter()
        .find(|r| r.file.as_deref() == Some(file.path.as_str()) && r.line == Some(line))
}

fn describe(state: State) -> &'static str {
    match state {
        State::Translated => "translated",
        State::Partial => "partly translated: some of it is still in the source language",
        State::Untranslated => "untranslated: still in the source language",
        State::Stale => "stale: its source section changed since it was translated",
        State::Missing => "missing",
        State::Extra => "extra: no section of the source edition matches it",
        State::Uncertain => "uncertain: lockstep cannot tell which source section it translates",
    }
}

pub fn hover(dir: &Path, ready: &Ready, id: FileId, pos: lt::Position) -> Option<lt::Hover> {
    let (file, doc) = file_and_doc(ready, id)?;
    let h = heading_at(file, doc, pos)?;
    let row = row_of(ready, id, h)?;
    let mut md = format!("**lockstep** · {}\n", describe(row.state));
    if let (Some(heading), Some(path), Some(line)) =
        (&row.source_heading, &row.source_file, row.source_line)
    {
        let link = uri(dir, path).map_or(String::new(), |u| format!("{u}#L{line}"));
        md.push_str(&format!(
            "\nSource section: [{}]({link}) — `{path}`, line {line}\n",
            heading.replace(['[', ']'], "")
        ));
    }
    if let Some(stale) = &row.stale {
        let behind = stale.behind.len();
        md.push_str(&format!(
            "\nSynced with `{}` ({}); the source section changed since in {} commit{}{}:\n\n```diff\n{}\n```\n",
            &stale.sync.id[..stale.sync.id.len().min(10)],
            stale.sync.date(),
            behind,
            if behind == 1 { "" } else { "s" },
            if stale.uncommitted {
                " and in uncommitted edits"
            } else {
                ""
            },
            stale.diff.trim_end()
        ));
    }
    Some(lt::Hover {
        contents: lt::HoverContents::Markup(lt::MarkupContent {
            kind: lt::MarkupKind::Markdown,
            value: md,
        }),
        range: Some(convert::range(
            &file.text,
            &file.lines,
            doc.headings[h].span,
        )),
    })
}

/// The span of the heading (or HTML anchor) `fragment` names in `doc`.
fn anchor_span(doc: &Document, fragment: &str) -> Option<Span> {
    doc.headings
        .iter()
        .find(|h| h.id == fragment || h.custom_id.as_deref() == Some(fragment))
        .map(|h| h.span)
        .or_else(|| {
            doc.anchors
                .iter()
                .find(|a| a.id == fragment)
                .map(|a| a.span)
        })
}

/// Where a location in file `path` (relative to the root) is, at `span`
/// (the file's start when `None`).
fn location(dir: &Path, ready: &Ready, path: &str, span: Option<Span>) -> Option<lt::Location> {
    let range = match (ready.ws.file_id(path), span) {
        (Some(t), Some(span)) => {
            let f = &ready.ws.files[t.index()];
            convert::range(&f.text, &f.lines, span)
        }
        _ => lt::Range::default(),
    };
    Some(lt::Location {
        uri: uri(dir, path)?,
        range,
    })
}

pub fn definition(
    dir: &Path,
    ready: &Ready,
    id: FileId,
    pos: lt::Position,
) -> Option<lt::Location> {
    let (file, doc) = file_and_doc(ready, id)?;
    let offset = convert::offset(&file.text, &file.lines, pos);
    // A link under the cursor: its target (the heading its fragment names).
    if let Some(link) = doc
        .links
        .iter()
        .chain(&doc.images)
        .find(|l| l.span.start <= offset && offset < l.span.end)
    {
        let (path, fragment) = match ready.ws.index.resolve(&file.path, link.dest(&file.text)) {
            Target::SameFile { fragment } => (file.path.clone(), Some(fragment)),
            Target::File { path, fragment } => (path, fragment),
            Target::Dir { path } => (path, None),
            _ => return None,
        };
        let span = match (&fragment, ready.ws.file_id(&path)) {
            (Some(f), Some(t)) => ready.ws.docs[t.index()]
                .as_ref()
                .and_then(|d| anchor_span(d, f)),
            _ => None,
        };
        return location(dir, ready, &path, span);
    }
    // A translated heading: its source section.
    let h = heading_at(file, doc, pos)?;
    let row = row_of(ready, id, h)?;
    let (path, line) = (row.source_file?, row.source_line?);
    let source = ready.ws.file_id(&path)?;
    let sdoc = ready.ws.docs[source.index()].as_ref()?;
    let sfile = &ready.ws.files[source.index()];
    let span = sdoc
        .headings
        .iter()
        .find(|h| sfile.line_col(h.span.start).line == line)
        .map(|h| h.span);
    location(dir, ready, &path, span)
}

/// `](path#frag` or `href="path#frag` just before the cursor.
static FRAGMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:\]\(\s*<?|\]:\s*<?|href\s*=\s*["'])([^\s()"'<>#]*)#([^\s()"'<>#]*)$"#)
        .expect("valid regex")
});

pub fn completion(ready: &Ready, id: FileId, pos: lt::Position) -> Vec<lt::CompletionItem> {
    let file = &ready.ws.files[id.index()];
    let offset = convert::offset(&file.text, &file.lines, pos);
    let line_start = file.lines.line_start(file.lines.line_of(offset) + 1);
    let Some(caps) = FRAGMENT.captures(&file.text[line_start..offset]) else {
        return Vec::new();
    };
    let (path, typed) = (&caps[1], &caps[2]);
    let target = if path.is_empty() {
        Some(id)
    } else {
        index::link_path(&file.path, path).and_then(|p| ready.ws.file_id(&p))
    };
    let Some(doc) = target.and_then(|t| ready.ws.docs[t.index()].as_ref()) else {
        return Vec::new();
    };
    let start = convert::position(&file.text, &file.lines, offset - typed.len());
    let range = lt::Range::new(start, pos);
    let item = |label: &str, detail: String| lt::CompletionItem {
        label: label.to_string(),
        kind: Some(lt::CompletionItemKind::REFERENCE),
        detail: Some(detail),
        filter_text: Some(label.to_string()),
        text_edit: Some(lt::CompletionTextEdit::Edit(lt::TextEdit {
            range,
            new_text: label.to_string(),
        })),
        ..Default::default()
    };
    let mut out = Vec::new();
    for h in &doc.headings {
        let detail = format!("{} {}", "#".repeat(h.level as usize), h.text.trim());
        out.push(item(&h.id, detail.clone()));
        if let Some(custom) = &h.custom_id {
            out.push(item(custom, detail));
        }
    }
    for a in &doc.anchors {
        out.push(item(&a.id, "HTML anchor".into()));
    }
    out
}

pub fn document_links(dir: &Path, ready: &Ready, id: FileId) -> Vec<lt::DocumentLink> {
    let Some((file, doc)) = file_and_doc(ready, id) else {
        return Vec::new();
    };
    doc.links
        .iter()
        .chain(&doc.images)
        .filter_map(|l| {
            let (path, fragment) = match ready.ws.index.resolve(&file.path, l.dest(&file.text)) {
                Target::File { path, fragment } => (path, fragment),
                Target::Dir { path } => (path, None),
                _ => return None,
            };
            let mut target = uri(dir, &path)?;
            // A heading's line, as editors open `file#L12`.
            if let Some(t) = ready.ws.file_id(&path)
                && let Some(f) = fragment
                && let Some(span) = ready.ws.docs[t.index()]
                    .as_ref()
                    .and_then(|d| anchor_span(d, &f))
            {
                let line = ready.ws.files[t.index()].line_col(span.start).line;
                target.set_fragment(Some(&format!("L{line}")));
            }
            Some(lt::DocumentLink {
                range: convert::range(&file.text, &file.lines, l.target_span()),
                target: Some(target),
                tooltip: None,
                data: None,
            })
        })
        .collect()
}

fn text_edits(file: &SourceFile, edits: &[Edit]) -> Vec<lt::TextEdit> {
    edits
        .iter()
        .map(|e| lt::TextEdit {
            range: convert::range(&file.text, &file.lines, e.span),
            new_text: e.replacement.clone(),
        })
        .collect()
}

fn workspace_edit(uri: Url, edits: Vec<lt::TextEdit>) -> lt::WorkspaceEdit {
    lt::WorkspaceEdit {
        changes: Some(HashMap::from([(uri, edits)])),
        ..Default::default()
    }
}

/// What a fix does, in a few words.
fn fix_title(d: &Diagnostic, fix: &Fix, file: &SourceFile) -> String {
    let what = match fix.edits.as_slice() {
        [e] if e.replacement.len() <= 60 && !e.replacement.contains('\n') => {
            if e.replacement.is_empty() {
                format!("remove `{}`", file.slice(e.span))
            } else {
                format!("change to `{}`", e.replacement)
            }
        }
        edits => format!("apply the fix ({} edits)", edits.len()),
    };
    match fix.applicability {
        Applicability::Safe => format!("lockstep {}: {what}", d.rule.name()),
        Applicability::Unsafe => {
            format!(
                "lockstep {} (unsafe fix, check the result): {what}",
                d.rule.name()
            )
        }
    }
}

fn wanted(p: &lt::CodeActionParams, kind: &lt::CodeActionKind) -> bool {
    p.context
        .only
        .as_ref()
        .is_none_or(|only| only.iter().any(|k| kind.as_str().starts_with(k.as_str())))
}

pub fn code_actions(
    dir: &Path,
    ready: &Ready,
    id: FileId,
    p: &lt::CodeActionParams,
) -> Vec<lt::CodeActionOrCommand> {
    let ws = &ready.ws;
    let file = &ws.files[id.index()];
    let Some(uri) = uri(dir, &file.path) else {
        return Vec::new();
    };
    let start = convert::offset(&file.text, &file.lines, p.range.start);
    let end = convert::offset(&file.text, &file.lines, p.range.end);
    let found = ready.found.get(&id).map_or(&[][..], Vec::as_slice);
    let mut out = Vec::new();
    let quickfix = lt::CodeActionKind::QUICKFIX;
    if wanted(p, &quickfix) {
        for d in found {
            let Some(fix) = &d.fix else { continue };
            if d.span.start > end || start > d.span.end {
                continue;
            }
            let safe = fix.applicability == Applicability::Safe;
            out.push(lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
                title: fix_title(d, fix, file),
                kind: Some(quickfix.clone()),
                diagnostics: Some(vec![super::to_lsp(ws, dir, d)]),
                edit: Some(workspace_edit(uri.clone(), text_edits(file, &fix.edits))),
                is_preferred: Some(safe),
                ..Default::default()
            }));
        }
    }
    let fix_all = lt::CodeActionKind::new("source.fixAll.lockstep");
    if wanted(p, &fix_all)
        && let Some(edit) = self::fix_all(dir, ready, id)
    {
        out.push(lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
            title: "lockstep: fix all safe problems in this file".into(),
            kind: Some(fix_all),
            edit: Some(edit),
            ..Default::default()
        }));
    }
    let source = lt::CodeActionKind::SOURCE;
    if ws.editions[id.index()].is_translation
        && wanted(p, &source)
        && let Some(doc) = &ws.docs[id.index()]
    {
        let s = doc.section_at(start);
        if let Some(h) = doc.sections[s].heading().filter(|_| s > 0) {
            let heading = &doc.headings[h];
            let id_arg = heading
                .custom_id
                .clone()
                .unwrap_or_else(|| heading.id.clone());
            out.push(command_action(
                format!(
                    "lockstep: mark section “{}” reviewed (in sync with the source at HEAD)",
                    heading.text.trim()
                ),
                MARK_SECTION,
                vec![serde_json::json!(uri), serde_json::json!(id_arg)],
            ));
        }
        out.push(command_action(
            "lockstep: mark this document reviewed (in sync with the source at HEAD)".into(),
            MARK_DOCUMENT,
            vec![serde_json::json!(uri)],
        ));
    }
    out
}

fn command_action(
    title: String,
    command: &str,
    arguments: Vec<serde_json::Value>,
) -> lt::CodeActionOrCommand {
    lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
        title: title.clone(),
        kind: Some(lt::CodeActionKind::SOURCE),
        command: Some(lt::Command {
            title,
            command: command.into(),
            arguments: Some(arguments),
        }),
        ..Default::default()
    })
}

/// Every safe fix of the file that can go together (as `lockstep fix`
/// applies them in one pass); `None` when there is none.
pub fn fix_all(dir: &Path, ready: &Ready, id: FileId) -> Option<lt::WorkspaceEdit> {
    let file = &ready.ws.files[id.index()];
    let fixes: Vec<&Fix> = ready
        .found
        .get(&id)?
        .iter()
        .filter_map(|d| d.fix.as_deref())
        .filter(|f| f.applicability == Applicability::Safe)
        .collect();
    let (_, chosen) = fix::apply(&file.text, &fixes);
    let mut edits: Vec<Edit> = Vec::new();
    for i in chosen {
        for e in &fixes[i].edits {
            if !edits.contains(e) {
                edits.push(e.clone());
            }
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort();
    Some(workspace_edit(
        uri(dir, &file.path)?,
        text_edits(file, &edits),
    ))
}

/// The `lockstep sync` markers for the section with heading id `section`
/// (the whole document when `None`), at the repository's HEAD.
pub fn mark_reviewed(
    dir: &Path,
    ready: &Ready,
    id: FileId,
    section: Option<&str>,
) -> Result<lt::WorkspaceEdit, String> {
    let ws = &ready.ws;
    let (file, doc) = file_and_doc(ready, id).ok_or("the document is not parsed")?;
    if !ws.editions[id.index()].is_translation {
        return Err(format!(
            "`{}` is not a translation: only translations are marked as in sync",
            file.path
        ));
    }
    let sections: Vec<usize> = match section {
        None => Vec::new(),
        Some(wanted) => vec![
            sync::section_by_id(doc, wanted)
                .ok_or_else(|| format!("no section with the id `{wanted}` in `{}`", file.path))?,
        ],
    };
    let at = dir.join(&file.path);
    let folder = at.parent().unwrap_or(dir);
    let commit =
        crate::history::head(folder).map_err(|e| format!("cannot mark it reviewed: {e}"))?;
    let edits = sync::marker_edits(&file.text, doc, &sections, &commit);
    let uri = uri(dir, &file.path).ok_or("the file has no URI")?;
    Ok(workspace_edit(uri, text_edits(file, &edits)))
}
