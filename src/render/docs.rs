//! `lockstep docs`: what discovery found, as text or JSON.

use std::fmt::Write as _;

use crate::report::docs::DocsReport;

use super::safe::escape;

pub fn text(report: &DocsReport) -> String {
    let mut out = String::new();
    if report.sites.is_empty() {
        out.push_str("sites: none detected (links resolve as files, GitHub heading ids)\n");
    } else {
        out.push_str("sites:\n");
    }
    for s in &report.sites {
        let _ = writeln!(
            out,
            "  {} at {} (from {})",
            s.framework,
            escape(&s.dir),
            escape(&s.config)
        );
        for c in &s.content {
            let _ = writeln!(
                out,
                "    content {} → {}{}",
                escape(&c.dir),
                escape(&c.url),
                c.lang
                    .as_deref()
                    .map_or(String::new(), |l| format!(" ({})", escape(l)))
            );
        }
        for d in &s.statics {
            let _ = writeln!(out, "    static  {} → /", escape(d));
        }
        for o in &s.opaque {
            let _ = writeln!(
                out,
                "    not checked: {} (built from files the tree does not have)",
                escape(o)
            );
        }
        let mut flags = Vec::new();
        if s.clean_urls {
            flags.push("clean URLs".to_string());
        }
        if s.page_relative {
            flags.push("page-relative URLs".to_string());
        }
        if s.fallback {
            flags.push("translations fall back to the source's files".to_string());
        }
        if s.base != "/" {
            flags.push(format!("base {}", escape(&s.base)));
        }
        flags.push(format!("heading ids: {}", s.anchor_style));
        let _ = writeln!(out, "    {}", flags.join(", "));
    }
    let editions: usize = report.documents.iter().map(|d| d.editions.len()).sum();
    let _ = writeln!(
        out,
        "documents: {} with translations ({} translation files), {} single-edition; source language `{}`",
        report.documents.len(),
        editions,
        report.single.len(),
        escape(&report.source_lang)
    );
    for d in &report.documents {
        let _ = writeln!(
            out,
            "  {}{} · ids: {}",
            escape(&d.source),
            if d.source_exists { "" } else { " (missing)" },
            d.anchor_style
        );
        for e in &d.editions {
            let _ = writeln!(
                out,
                "    {:<6} {}  ({})",
                escape(&e.lang),
                escape(&e.path),
                e.rule
            );
        }
    }
    if !report.single.is_empty() {
        let _ = writeln!(
            out,
            "single-edition files (no translation, translating nothing):"
        );
        for s in &report.single {
            let _ = writeln!(out, "  {}", escape(s));
        }
    }
    for n in &report.notes {
        let _ = writeln!(out, "note: {}", escape(n));
    }
    out
}

pub fn json(report: &DocsReport) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("plain data serializes");
    s.push('\n');
    s
}
