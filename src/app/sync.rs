//! `lockstep sync`: record that a translation (or some of its sections) is
//! in sync with the source at HEAD, for a translator who reviewed a source
//! change and found nothing to change.
//!
//! Writes or updates `<!-- lockstep-synced: <commit> -->` markers — before
//! the first heading for the whole file, under a section's heading for that
//! section — and touches nothing else. A front matter that already names the
//! file's sync point (OpenTelemetry's `default_lang_commit`, MDN's
//! `sourceCommit`) is updated in place instead.

use std::path::{Path, PathBuf};

use crate::diagnostic::Revision;
use crate::discover;
use crate::fix::{self, Edit, Fix, line_ending};
use crate::history;
use crate::parse::{self, Document};
use crate::source::{SourceFile, Span};
use crate::stale::{front_matter_commit, marker_commit};

use super::{AppError, load_settings};

#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    pub file: PathBuf,
    /// Heading ids (or custom ids) of the sections to mark; none: the whole file.
    pub sections: Vec<String>,
    pub config: Option<PathBuf>,
}

#[derive(Debug)]
pub struct SyncOutcome {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
    pub commit: Revision,
    /// What was marked: "the whole file", or section headings.
    pub marked: Vec<String>,
}

fn marker(commit: &Revision) -> String {
    format!("<!-- lockstep-synced: {} -->", commit.id)
}

/// Replaces the commit in an existing marker comment at `span`.
fn update(text: &str, span: Span, commit: &Revision) -> Option<Edit> {
    let comment = &text[span.range()];
    let old = marker_commit(comment)?;
    let at = span.start + comment.find(old)?;
    Some(Edit::replace(
        Span::new(at, at + old.len()),
        commit.id.clone(),
    ))
}

fn whole_file(text: &str, doc: &Document, commit: &Revision, eol: &str) -> Edit {
    // A front matter that names the sync point (`default_lang_commit`,
    // `sourceCommit`, `lockstep-synced`) is updated in place, the commit
    // abbreviated as the project abbreviates it.
    if let Some(fm) = doc.front_matter
        && let Some((range, old)) = front_matter_commit(&text[fm.range()])
    {
        let id = &commit.id[..old.len().clamp(7, commit.id.len())];
        return Edit::replace(
            Span::new(fm.start + range.start, fm.start + range.end),
            id.to_string(),
        );
    }
    let first = doc.sections.get(1).map_or(text.len(), |s| s.span.start);
    if let Some(c) = doc
        .comments
        .iter()
        .find(|c| c.span.start < first && marker_commit(&c.text).is_some())
        && let Some(e) = update(text, c.span, commit)
    {
        return e;
    }
    // Before the first heading (after front matter, which comes first anyway).
    let at = if first == text.len() && !text.is_empty() && !text.ends_with('\n') {
        return Edit::replace(
            Span::empty(text.len()),
            format!("{eol}{}{eol}", marker(commit)),
        );
    } else {
        first
    };
    Edit::replace(Span::empty(at), format!("{}{eol}", marker(commit)))
}

fn section(text: &str, doc: &Document, s: usize, commit: &Revision, eol: &str) -> Edit {
    let span = doc.sections[s].span;
    if let Some(c) = doc
        .comments
        .iter()
        .find(|c| span.contains(c.span) && marker_commit(&c.text).is_some())
        && let Some(e) = update(text, c.span, commit)
    {
        return e;
    }
    let heading = &doc.headings[doc.sections[s]
        .heading()
        .expect("sections past 0 have headings")];
    Edit::replace(
        Span::empty(heading.span.end),
        format!("{eol}{}", marker(commit)),
    )
}

/// The section (past the preamble) whose heading has id or custom id `id`.
pub fn section_by_id(doc: &Document, id: &str) -> Option<usize> {
    (1..doc.sections.len()).find(|&s| {
        doc.sections[s].heading().is_some_and(|h| {
            let h = &doc.headings[h];
            h.id == id || h.custom_id.as_deref() == Some(id)
        })
    })
}

/// The edits that mark `sections` of a translation (indices into
/// `doc.sections`; none: the whole file) as in sync with `commit`: what
/// `lockstep sync` writes, for a text that may not be on disk (an editor's
/// buffer).
pub fn marker_edits(
    text: &str,
    doc: &Document,
    sections: &[usize],
    commit: &Revision,
) -> Vec<Edit> {
    let eol = line_ending(text);
    if sections.is_empty() {
        return vec![whole_file(text, doc, commit, eol)];
    }
    sections
        .iter()
        .filter(|&&s| s > 0 && s < doc.sections.len())
        .map(|&s| section(text, doc, s, commit, eol))
        .collect()
}

/// A marker belongs in a translation: refuses a source edition, a document
/// with no other edition, and a file outside the documentation.
fn check_is_translation(
    root: &Path,
    path: &Path,
    settings: &crate::config::Settings,
    usage: &dyn Fn(String) -> AppError,
) -> Result<(), AppError> {
    let rel = path
        .canonicalize()
        .ok()
        .zip(root.canonicalize().ok())
        .and_then(|(p, r)| Some(p.strip_prefix(r).ok()?.to_str()?.replace('\\', "/")));
    let Some(rel) = rel else {
        return Err(usage(format!(
            "is outside the documentation root {}",
            root.display()
        )));
    };
    let (_, groups) = super::load::discover(root, settings);
    if let Some(g) = groups.iter().find(|g| g.source == rel) {
        return Err(usage(if g.translations.is_empty() {
            "has no other editions: there is nothing to sync it with".into()
        } else {
            "is the source edition of its document; `lockstep sync` marks a translation as synced with its source".into()
        }));
    }
    if !groups
        .iter()
        .any(|g| g.translations.iter().any(|t| t.path == rel))
    {
        return Err(usage(
            "is not a Markdown file of the documentation (or `exclude` excludes it)".into(),
        ));
    }
    Ok(())
}

/// Computes the markers to write for `opts`; writing is the caller's.
pub fn sync(opts: &SyncOptions) -> Result<SyncOutcome, AppError> {
    let path = &opts.file;
    let usage = |m: String| AppError::Usage(format!("`{}` {m}", path.display()));
    // The same path rules as `fix`: a regular file, inside the root.
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(usage(
                "is a symbolic link: lockstep writes only regular files".into(),
            ));
        }
        Ok(m) if m.is_file() => {}
        _ => return Err(usage("is not a file".into())),
    }
    let root = discover::root_for(path);
    let settings = load_settings(&root, opts.config.as_deref())?;
    check_is_translation(&root, path, &settings, &usage)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let commit = history::head(dir).map_err(|e| AppError::Git(format!("cannot sync: {e}")))?;
    let text = std::fs::read_to_string(path).map_err(|e| AppError::Io {
        path: path.clone(),
        message: format!("cannot read it: {e}"),
    })?;
    let file = SourceFile::new(path.display().to_string(), text);
    let doc = parse::parse_with(
        &file.text,
        &file.lines,
        &parse::ParseOptions::new(&settings.toc_titles),
    );
    let eol = line_ending(&file.text);
    let mut edits = Vec::new();
    let mut marked = Vec::new();
    if opts.sections.is_empty() {
        edits.push(whole_file(&file.text, &doc, &commit, eol));
        marked.push("the whole file".to_string());
    } else {
        for id in &opts.sections {
            let Some(s) = section_by_id(&doc, id) else {
                let ids: Vec<&str> = doc
                    .headings
                    .iter()
                    .map(|h| h.id.as_str())
                    .take(20)
                    .collect();
                return Err(AppError::Usage(format!(
                    "no section with the id `{id}` in `{}` (ids: {})",
                    path.display(),
                    ids.join(", ")
                )));
            };
            edits.push(section(&file.text, &doc, s, &commit, eol));
            let h = &doc.headings[doc.sections[s].heading().expect("has heading")];
            marked.push(format!("section `{}`", h.text.trim()));
        }
    }
    let fixes: Vec<Fix> = edits.into_iter().map(|e| Fix::safe(vec![e])).collect();
    let refs: Vec<&Fix> = fixes.iter().collect();
    let (after, _) = fix::apply(&file.text, &refs);
    Ok(SyncOutcome {
        path: path.clone(),
        before: file.text,
        after,
        commit,
        marked,
    })
}
