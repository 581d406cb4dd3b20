//! `lockstep align`: how a document's translations were paired with its
//! source edition, section by section — every decision with its confidence
//! and evidence, through the history when there is one — for a writer who
//! wants to know why a section was called missing, or why it was not.

use std::path::PathBuf;

use crate::history::History;
use crate::report::align::{AlignReport, AlignRow, DocAlignment, SectionRef};
use crate::source::FileId;
use crate::translation::Compared;
use crate::workspace::Workspace;

use super::{AppError, load, load_settings, run, scope};

#[derive(Debug, Clone, Default)]
pub struct AlignOptions {
    /// A translated file (its alignment) or a source edition (all of its
    /// translations').
    pub file: PathBuf,
    pub config: Option<PathBuf>,
}

pub fn align(opts: &AlignOptions) -> Result<AlignReport, AppError> {
    let roots = scope::roots(std::slice::from_ref(&opts.file))?;
    let (root, files) = &roots[0];
    if files.as_ref().is_none_or(|f| f.is_empty()) {
        return Err(AppError::Usage(format!(
            "`{}` is a folder: `lockstep align` takes a Markdown file",
            opts.file.display()
        )));
    }
    let settings = load_settings(root, opts.config.as_deref())?;
    let not_doc = || {
        AppError::Usage(format!(
            "`{}` is not a Markdown file of the documentation (or `exclude` excludes it)",
            opts.file.display()
        ))
    };
    // Read only this document's editions (and what they link to).
    let rel = opts
        .file
        .canonicalize()
        .ok()
        .zip(root.canonicalize().ok())
        .and_then(|(p, r)| Some(p.strip_prefix(r).ok()?.to_str()?.replace('\\', "/")))
        .ok_or_else(not_doc)?;
    let ws = load::load_needed(root, settings, &|p| p == rel);
    let id = scope::arg_files(&ws, files.as_deref())
        .into_iter()
        .next()
        .ok_or_else(not_doc)?;
    let edition = &ws.editions[id.index()];
    let group = &ws.groups[edition.group];
    let is_source = ws.source_file(group) == Some(id);
    if group.translations.is_empty() {
        return Err(AppError::Usage(format!(
            "`{}` has no other editions: there is nothing to align it with",
            opts.file.display()
        )));
    }
    let history = History::load(&ws.root, &ws.history_options());
    let note = history
        .as_ref()
        .err()
        .map(|e| format!("aligned without history: {e}"));
    let compared = run::compare_all(
        &ws,
        false,
        |t| {
            if is_source {
                ws.editions[t.index()].group == edition.group
            } else {
                t == id
            }
        },
        history.as_ref().ok(),
    );
    let alignments = compared
        .iter()
        .map(|c| doc_alignment(&ws, history.as_ref().ok(), c))
        .collect();
    Ok(AlignReport { alignments, note })
}

fn section_ref(ws: &Workspace, file: FileId, section: usize) -> Option<SectionRef> {
    let doc = ws.docs[file.index()].as_ref()?;
    let h = &doc.headings[doc.sections[section].heading()?];
    Some(SectionRef {
        line: ws.files[file.index()].line_col(h.span.start).line,
        level: h.level,
        heading: h.text.trim().to_string(),
    })
}

fn doc_alignment(ws: &Workspace, history: Option<&History>, c: &Compared) -> DocAlignment {
    let rows = c
        .comparison
        .alignment
        .pairs
        .iter()
        // The preambles always pair.
        .filter(|p| p.source != Some(0) && p.target != Some(0))
        .map(|p| AlignRow {
            decision: match (p.source, p.target) {
                (Some(_), Some(_)) => "paired",
                (Some(_), None) => "missing",
                _ => "extra",
            },
            source: p.source.and_then(|s| section_ref(ws, c.source, s)),
            translation: p.target.and_then(|t| section_ref(ws, c.target, t)),
            confidence: p.confidence,
            certain: p.is_certain(),
            evidence: p.evidence.names(),
        })
        .collect();
    DocAlignment {
        source: ws.files[c.source.index()].path.clone(),
        translation: ws.files[c.target.index()].path.clone(),
        lang: c.lang.clone(),
        through: c
            .through
            .and_then(|k| history.and_then(|h| h.commit(k)).cloned()),
        rows,
    }
}
