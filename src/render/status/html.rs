//! `lockstep status --format html`: one self-contained page for translators.
//!
//! No external assets: styles and the small state filter are inline. The
//! page shows a card per language, a document × language overview, and per
//! language the sections with their state, linking to `file#Lline`.

use std::fmt::Write;

use crate::report::status::State;
use crate::report::status::{Counts, StatusReport};

use super::href;

/// Rows of the document overview shown at most (large multi-file trees).
const MAX_DOCUMENT_ROWS: usize = 400;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // `##[` is a workflow command anywhere in a line of a CI log.
            '[' if out.ends_with("##") => out.push_str("&#91;"),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A unified diff with added and removed lines marked for colour.
fn diff_html(diff: &str) -> String {
    diff.lines()
        .map(|l| {
            let class = match l.as_bytes().first() {
                Some(b'+') if !l.starts_with("+++") => "add",
                Some(b'-') if !l.starts_with("---") => "del",
                Some(b'@') => "hunk",
                _ => "ctx",
            };
            format!("<span class=\"{class}\">{}</span>", esc(l))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const STATES: [State; 7] = [
    State::Translated,
    State::Partial,
    State::Stale,
    State::Untranslated,
    State::Uncertain,
    State::Missing,
    State::Extra,
];

fn count_of(c: &Counts, s: State) -> usize {
    match s {
        State::Translated => c.translated,
        State::Partial => c.partial,
        State::Untranslated => c.untranslated,
        State::Stale => c.stale,
        State::Missing => c.missing,
        State::Extra => c.extra,
        State::Uncertain => c.uncertain,
    }
}

/// The segments of a stacked bar of the section states (extra sections are
/// not part of it).
fn segments(c: &Counts) -> String {
    let total = c.sections.max(1) as f64;
    let mut out = String::new();
    for s in STATES.iter().filter(|s| **s != State::Extra) {
        let n = count_of(c, *s);
        if n > 0 {
            let _ = write!(
                out,
                r#"<span class="seg {}" style="width:{:.3}%" title="{}: {}"></span>"#,
                s.as_str(),
                100.0 * n as f64 / total,
                s.as_str(),
                n
            );
        }
    }
    out
}

fn stacked(c: &Counts, class: &str) -> String {
    format!(
        r#"<div class="bar{class}" role="img" aria-label="{:.0}% translated">{}</div>"#,
        c.percent(),
        segments(c)
    )
}

const STYLE: &str = r#"
:root {
  --bg: #f6f8fa; --fg: #1f2328; --muted: #59636e; --card: #ffffff; --line: #d1d9e0;
  --translated: #1f883d; --partial: #bf8700; --untranslated: #fb8500; --stale: #8250df;
  --missing: #cf222e; --extra: #6e7781; --uncertain: #afb8c1; --track: #e6eaef;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --card: #161b22; --line: #30363d;
          --track: #21262d; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK KR", sans-serif; }
header { padding: 28px 40px 8px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; color: var(--muted); }
main { padding: 8px 40px 48px; max-width: 1200px; }
h2 { font-size: 19px; margin: 32px 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.card .lang { font-weight: 650; font-size: 17px; }
.card .pct { float: right; font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .nums { color: var(--muted); font-size: 13px; margin-top: 8px; }
.bar { display: flex; height: 10px; border-radius: 5px; overflow: hidden; background: var(--track); margin-top: 10px; }
.bar.small { height: 8px; margin: 0; min-width: 90px; }
.seg { display: block; height: 100%; }
.translated { background: var(--translated); } .partial { background: var(--partial); }
.untranslated { background: var(--untranslated); } .stale { background: var(--stale); }
.missing { background: var(--missing); } .extra { background: var(--extra); }
.uncertain { background: var(--uncertain); }
.legend { display: flex; flex-wrap: wrap; gap: 14px; color: var(--muted); font-size: 13px; margin: 10px 0 0; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line);
        border-radius: 10px; overflow: hidden; }
th, td { padding: 7px 12px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
th { font-size: 13px; color: var(--muted); font-weight: 600; background: var(--bg); }
tr:last-child td { border-bottom: none; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.cell { display: flex; align-items: center; gap: 8px; }
.cell small { color: var(--muted); font-variant-numeric: tabular-nums; width: 36px; text-align: right; }
details { background: var(--card); border: 1px solid var(--line); border-radius: 10px; margin: 12px 0; }
summary { cursor: pointer; padding: 12px 16px; font-weight: 600; }
summary .muted { font-weight: 400; color: var(--muted); margin-left: 8px; }
details table { border: none; border-top: 1px solid var(--line); border-radius: 0; }
.badge { display: inline-block; font-size: 12px; font-weight: 600; color: #fff; border-radius: 20px;
         padding: 1px 9px; white-space: nowrap; }
a { color: inherit; text-decoration: none; border-bottom: 1px dotted var(--muted); }
a:hover { border-bottom-style: solid; }
.path { color: var(--muted); font-size: 12.5px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.filters { display: flex; gap: 14px; flex-wrap: wrap; padding: 0 16px 12px; font-size: 13px; color: var(--muted); }
.note { color: var(--muted); font-size: 13px; }
details.diff { border: none; margin: 6px 0 0; background: transparent; }
details.diff summary { padding: 0; font-weight: 400; font-size: 13px; color: var(--stale); }
details.diff pre { margin: 6px 0 0; padding: 8px 10px; background: var(--bg); border: 1px solid var(--line);
                   border-radius: 6px; font-size: 12.5px; overflow-x: auto; max-width: 100%; }
table.sections { table-layout: fixed; }
table.sections th:first-child { width: 120px; }
table.sections th:last-child { width: 32%; }
table.sections td { overflow-wrap: anywhere; }
pre .add { color: var(--translated); } pre .del { color: var(--missing); } pre .hunk { color: var(--muted); }
"#;

const SCRIPT: &str = r#"
document.querySelectorAll('.filters input').forEach(function (box) {
  box.addEventListener('change', function () {
    var table = document.getElementById(box.dataset.table);
    table.querySelectorAll('tr[data-state="' + box.value + '"]').forEach(function (row) {
      row.style.display = box.checked ? '' : 'none';
    });
  });
});
"#;

pub(super) fn render(report: &StatusReport) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>Translation status</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<header><h1>Translation status</h1>");
    // The documents the table below lists.
    let docs = report.sources().len();
    let _ = write!(
        out,
        "<p>{} language{}, {} document{}. Generated by lockstep.</p></header>\n<main>\n",
        report.languages.len(),
        if report.languages.len() == 1 { "" } else { "s" },
        docs,
        if docs == 1 { "" } else { "s" }
    );
    if report.languages.is_empty() {
        out.push_str("<p>No translations found.</p></main></body></html>\n");
        return out;
    }
    if let Some(note) = &report.note {
        let _ = writeln!(out, "<p class=\"note\">Note: {}.</p>", esc(note));
    }

    // Language cards.
    out.push_str("<h2>Languages</h2>\n<div class=\"cards\">\n");
    for (lang, c) in &report.languages {
        let _ = write!(
            out,
            "<div class=\"card\"><span class=\"pct\">{:.0}%</span><span class=\"lang\"><a href=\"#lang-{}\">{}</a></span>{}<div class=\"nums\">{} of {} sections translated",
            c.percent(),
            esc(lang),
            esc(lang),
            stacked(c, ""),
            c.translated,
            c.sections
        );
        for (s, n) in [
            (State::Partial, c.partial),
            (State::Untranslated, c.untranslated),
            (State::Stale, c.stale),
            (State::Uncertain, c.uncertain),
            (State::Missing, c.missing),
            (State::Extra, c.extra),
        ] {
            if n > 0 {
                let _ = write!(out, " · {n} {}", s.as_str());
            }
        }
        out.push_str("</div></div>\n");
    }
    out.push_str("</div>\n<div class=\"legend\">");
    for s in STATES {
        let _ = write!(out, "<span><i class=\"{0}\"></i>{0}</span>", s.as_str());
    }
    out.push_str("</div>\n");

    // Document × language overview: the longer list runs down the page.
    let sources = report.sources();
    let langs: Vec<&String> = report.languages.keys().collect();
    let documents = report.documents_by_source();
    let cell = |source: &str, lang: &str| -> String {
        match documents.get(&(lang, source)) {
            Some(d) if d.counts.documents == 0 => format!(
                "<td class=\"note\">no source · {} extra</td>",
                d.counts.extra
            ),
            Some(d) => format!(
                "<td><div class=\"cell\">{}<small>{:.0}%</small></div></td>",
                stacked(&d.counts, " small"),
                d.counts.percent()
            ),
            None => "<td class=\"note\">—</td>".into(),
        }
    };
    let doc_link = |source: &str| {
        format!(
            "<a class=\"path\" href=\"{}\">{}</a>",
            esc(&href(source, None)),
            esc(source)
        )
    };
    out.push_str("<h2>Documents</h2>\n<table>\n");
    if sources.len() >= langs.len() {
        out.push_str("<tr><th>document</th>");
        for lang in &langs {
            let _ = write!(out, "<th>{}</th>", esc(lang));
        }
        out.push_str("</tr>\n");
        for source in sources.iter().take(MAX_DOCUMENT_ROWS) {
            let _ = write!(out, "<tr><td>{}</td>", doc_link(source));
            for lang in &langs {
                out.push_str(&cell(source, lang));
            }
            out.push_str("</tr>\n");
        }
    } else {
        out.push_str("<tr><th>language</th>");
        for source in &sources {
            let _ = write!(out, "<th>{}</th>", doc_link(source));
        }
        out.push_str("</tr>\n");
        for lang in &langs {
            let _ = write!(out, "<tr><td><a href=\"#lang-{0}\">{0}</a></td>", esc(lang));
            for source in &sources {
                out.push_str(&cell(source, lang));
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</table>\n");
    if sources.len() > MAX_DOCUMENT_ROWS {
        let _ = writeln!(
            out,
            "<p class=\"note\">{} more documents not shown; the JSON format lists them all.</p>",
            sources.len() - MAX_DOCUMENT_ROWS
        );
    }

    // Sections per language.
    let by_lang = report.sections.by_lang();
    out.push_str("<h2>Sections</h2>\n");
    for (lang, c) in &report.languages {
        let id = format!("lang-{}", lang);
        let table_id = format!("sections-{}", lang);
        let _ = write!(
            out,
            "<details id=\"{}\"{}><summary>{} <span class=\"muted\">{:.0}% · {} sections</span></summary>\n<div class=\"filters\">",
            esc(&id),
            if report.languages.len() == 1 {
                " open"
            } else {
                ""
            },
            esc(lang),
            c.percent(),
            c.sections
        );
        for s in STATES {
            if count_of(c, s) > 0 {
                let _ = write!(
                    out,
                    "<label><input type=\"checkbox\" value=\"{0}\" data-table=\"{1}\" checked> {0} ({2})</label>",
                    s.as_str(),
                    esc(&table_id),
                    count_of(c, s)
                );
            }
        }
        let _ = write!(
            out,
            "</div>\n<table class=\"sections\" id=\"{}\">\n<tr><th>state</th><th>section</th><th>source section</th></tr>\n",
            esc(&table_id)
        );
        for &r in by_lang.get(lang.as_str()).map_or(&[][..], Vec::as_slice) {
            let section = match (&r.file, &r.heading) {
                (Some(f), Some(h)) => format!(
                    "<a href=\"{}\">{}</a><br><span class=\"path\">{}:{}</span>{}",
                    esc(&href(f, r.line)),
                    esc(h),
                    esc(f),
                    r.line.unwrap_or(0),
                    match (r.state, r.first_untranslated) {
                        (State::Partial, Some(l)) => format!(
                            " <span class=\"note\">· <a href=\"{}\">line {l}</a> is not translated</span>",
                            esc(&href(f, Some(l)))
                        ),
                        _ => String::new(),
                    }
                ),
                (Some(f), None) => format!("<span class=\"path\">{}</span>", esc(f)),
                _ => String::new(),
            };
            let source = match (&r.source_file, &r.source_heading) {
                (Some(f), Some(h)) => format!(
                    "<a href=\"{}\">{}</a><br><span class=\"path\">{}:{}</span>",
                    esc(&href(f, r.source_line)),
                    esc(h),
                    esc(f),
                    r.source_line.unwrap_or(0)
                ),
                _ => "<span class=\"note\">—</span>".into(),
            };
            let stale = match &r.stale {
                Some(st) => format!(
                    "<details class=\"diff\"><summary>synced at {} ({}); {}; what changed in the source since</summary><pre>{}</pre></details>",
                    esc(st.sync.short()),
                    esc(&st.sync.date()),
                    esc(&crate::report::status::Behind::of(st).describe()),
                    diff_html(&st.diff)
                ),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "<tr data-state=\"{0}\"><td><span class=\"badge {0}\">{0}</span></td><td>{1}{3}</td><td>{2}</td></tr>",
                r.state.as_str(),
                section,
                source,
                stale
            );
        }
        out.push_str("</table>\n</details>\n");
    }
    out.push_str("</main>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_links() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(esc("##[error]x [y]"), "##&#91;error]x [y]");
        assert_eq!(
            href("translations/README ko.md", Some(4)),
            "translations/README%20ko.md#L4"
        );
        assert_eq!(href("docs/한.md", None), "docs/%ED%95%9C.md");
    }
}
