//! `lockstep status --format markdown`: the table and per-language lists,
//! for pasting into an issue or a wiki page.
//!
//! GitHub renders this page in pull-request comments and job summaries, and
//! its headings and file names may come from the pull request: they are
//! written as plain text ([`text`]), code spans ([`code`]) or percent-encoded
//! link destinations, never as Markdown or HTML of their own.

use std::fmt::Write;

use crate::report::status::State;
use crate::report::status::StatusReport;

use crate::render::safe;

/// Rows of the per-document table shown at most.
const MAX_DOCUMENTS: usize = 200;

/// Text from the user's files (a heading, a file name) as Markdown inline
/// text that renders as itself, for a page GitHub shows in pull requests:
/// `<`, `>`, `&`, `"` as HTML entities (as the HTML page writes them);
/// Markdown punctuation backslash-escaped, so that it can open no tag, link,
/// image, emphasis, code span or math and end no table cell; a list or
/// heading marker at the start escaped; `://` and `www.` broken so that no
/// bare link is made; control, bidi and invisible characters as `\u{…}`.
fn text(s: &str) -> String {
    let s = safe::escape(s);
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '!' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            // A block marker where the text starts a list item's content.
            '#' | '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if s[..i].bytes().all(|b| b.is_ascii_digit()) && i > 0 => {
                out.push('\\');
                out.push(c);
            }
            ':' if s[i..].starts_with("://") => out.push_str("\\:"),
            '.' if out.ends_with("www") => out.push_str("\\."),
            c => out.push(c),
        }
    }
    out
}

/// Text from the user's files as a code span: nothing inside one is
/// Markdown or HTML, so only backticks (a longer fence) and, in a table,
/// `|` (written `\|`, which GFM tables read inside code spans too) need
/// care; control, bidi and invisible characters as `\u{…}`.
fn code(s: &str, in_table: bool) -> String {
    let s = safe::escape(s);
    let s = if in_table {
        s.replace('|', "\\|")
    } else {
        s.into_owned()
    };
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || s.starts_with(' ') || s.ends_with(' ') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// A link to `path` (at `line`), its text `path:line`; relative, or below
/// `base` (`--link-base`, validated: no space or character that could end
/// a link destination).
fn link(base: &str, path: &str, line: usize) -> String {
    format!(
        "[{}:{line}]({base}{})",
        text(path),
        super::href(path, Some(line))
    )
}

/// `text` in a fenced code block (a fence longer than any backtick run in it).
fn fenced(info: &str, body: &str) -> String {
    let body = safe::escape_lines(body);
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let nl = if body.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{info}\n{body}{nl}{fence}\n")
}

/// The pull-request report (`status --changed-since REF --format
/// markdown`): what this change staled, per language, each with its source
/// diff folded.
fn render_change(report: &StatusReport, since: &str) -> String {
    let mut out = String::from("## Translations this change made stale\n\n");
    let rows: Vec<_> = report
        .sections
        .iter()
        .filter(|r| {
            r.behind
                .as_ref()
                .is_some_and(|b| !b.this_change.is_empty() || b.uncommitted)
        })
        .collect();
    let before = report
        .sections
        .iter()
        .filter(|r| r.state == State::Stale)
        .count()
        - rows.len();
    let short = &since[..since.len().min(10)];
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "This change (since {}) makes no translated section stale.",
            code(short, false)
        );
    } else {
        let mut sources: Vec<(&str, usize)> = rows
            .iter()
            .filter_map(|r| Some((r.source_file.as_deref()?, r.source_line?)))
            .collect();
        sources.sort_unstable();
        sources.dedup();
        let mut langs: Vec<&str> = rows.iter().map(|r| &*r.lang).collect();
        langs.dedup();
        let _ = writeln!(
            out,
            "This change (since {}) edits {} source section{} → {} translated section{} in {} {} now stale.",
            code(short, false),
            sources.len(),
            if sources.len() == 1 { "" } else { "s" },
            rows.len(),
            if rows.len() == 1 { "" } else { "s" },
            langs
                .iter()
                .map(|l| code(l, false))
                .collect::<Vec<_>>()
                .join(", "),
            if rows.len() == 1 { "is" } else { "are" },
        );
    }
    if before > 0 {
        let _ = writeln!(
            out,
            "\n{before} more translated section{} stale before this change.",
            if before == 1 { " was" } else { "s were" }
        );
    }
    let mut lang = None;
    for r in rows {
        if lang != Some(&r.lang) {
            let _ = writeln!(out, "\n### {}\n", code(&r.lang, false));
            lang = Some(&r.lang);
        }
        let heading = r.heading.as_deref().unwrap_or("(untitled)");
        let place = match (&r.file, r.line) {
            (Some(f), Some(l)) => link(&report.link_base, f, l),
            _ => String::new(),
        };
        let source = match (&r.source_file, r.source_line) {
            (Some(f), Some(l)) => format!(" — source {}", link(&report.link_base, f, l)),
            _ => String::new(),
        };
        let b = r.behind.as_ref().expect("filtered");
        let mut commits: Vec<String> = b
            .this_change
            .iter()
            .map(|c| code(&c[..c.len().min(10)], false))
            .collect();
        if b.uncommitted {
            commits.push("uncommitted edits".into());
        }
        let _ = writeln!(
            out,
            "- {} {place}{source}: changed by {}; {}",
            text(heading),
            commits.join(", "),
            text(&b.describe())
        );
        if let Some(st) = &r.stale {
            let _ = write!(
                out,
                "\n  <details><summary>what changed in the source since it was synced</summary>\n\n{}\n  </details>\n\n",
                fenced("diff", &st.diff)
                    .lines()
                    .map(|l| format!("  {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
    out
}

pub(super) fn render(report: &StatusReport) -> String {
    if let Some(since) = &report.since {
        return render_change(report, since);
    }
    let mut out = String::from("## Translation status\n\n");
    if report.languages.is_empty() {
        out.push_str("No translations found.\n");
        return out;
    }
    out.push_str("| language | documents | sections | translated | partial | untranslated | stale | uncertain | missing | extra | progress |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (lang, c) in &report.languages {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} {:.0}% |",
            code(lang, true),
            c.documents,
            c.sections,
            c.translated,
            c.partial,
            c.untranslated,
            c.stale,
            c.uncertain,
            c.missing,
            c.extra,
            super::bar(c.percent(), 10),
            c.percent()
        );
    }
    // Per document, when there are several.
    let sources = report.sources();
    if sources.len() > 1 {
        out.push_str("\n### Documents\n\n| document |");
        for lang in report.languages.keys() {
            let _ = write!(out, " {} |", code(lang, true));
        }
        out.push_str("\n|---|");
        for _ in report.languages.keys() {
            out.push_str("---:|");
        }
        out.push('\n');
        let documents = report.documents_by_source();
        for source in sources.iter().take(MAX_DOCUMENTS) {
            let _ = write!(out, "| {} |", code(source, true));
            for lang in report.languages.keys() {
                match documents.get(&(lang.as_str(), *source)) {
                    Some(d) if d.file.is_none() => out.push_str(" missing |"),
                    Some(d) if d.counts.documents == 0 => out.push_str(" no source |"),
                    Some(d) => {
                        let _ = write!(out, " {:.0}% |", d.counts.percent());
                    }
                    None => out.push_str(" — |"),
                }
            }
            out.push('\n');
        }
        if sources.len() > MAX_DOCUMENTS {
            let _ = writeln!(
                out,
                "\n{} more documents; `--format json` lists them all.",
                sources.len() - MAX_DOCUMENTS
            );
        }
    }
    let by_lang = report.sections.by_lang();
    for lang in report.languages.keys() {
        let rows: Vec<_> = (by_lang
            .get(lang.as_str())
            .map_or(&[][..], Vec::as_slice)
            .iter())
        .filter(|r| r.state != State::Translated)
        .collect();
        let _ = writeln!(out, "\n### {}\n", code(lang, false));
        if rows.is_empty() {
            out.push_str("Every section is translated.\n");
            continue;
        }
        for state in [
            State::Untranslated,
            State::Partial,
            State::Stale,
            State::Missing,
            State::Extra,
        ] {
            let of_state: Vec<_> = rows.iter().filter(|r| r.state == state).collect();
            if of_state.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "<details><summary>{} ({})</summary>\n",
                state.as_str(),
                of_state.len()
            );
            for r in of_state {
                let heading = r
                    .heading
                    .as_deref()
                    .or(r.source_heading.as_deref())
                    .unwrap_or("(untitled)");
                let place = match (&r.file, r.line) {
                    (Some(f), Some(l)) => link(&report.link_base, f, l),
                    (Some(f), None) => code(f, false),
                    _ => String::new(),
                };
                let source = match (&r.source_file, r.source_line) {
                    (Some(f), Some(l)) => format!(" — source {}", link(&report.link_base, f, l)),
                    _ => String::new(),
                };
                let behind = match &r.behind {
                    Some(b) => format!(" — {}", b.describe()),
                    None => String::new(),
                };
                let _ = writeln!(out, "- {} {place}{source}{behind}", text(heading));
            }
            out.push_str("\n</details>\n\n");
        }
    }
    out
}
