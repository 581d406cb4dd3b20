//! `lockstep align` output: a table per translation (human) or JSON.

use std::fmt::Write;

use crate::render::safe;
use crate::report::align::{AlignReport, DocAlignment, SectionRef};

/// Source headings are cut to this many characters in the table.
const SOURCE_WIDTH: usize = 44;

fn section(s: &SectionRef) -> String {
    format!(
        "{:>4} {} {}",
        s.line,
        "#".repeat(s.level as usize),
        safe::escape(&s.heading)
    )
}

fn cut(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        format!("{s}{}", " ".repeat(width - n))
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

fn human_one(a: &DocAlignment, out: &mut String) {
    let _ = write!(
        out,
        "{} ↔ {}",
        safe::escape(&a.translation),
        safe::escape(&a.source)
    );
    match &a.through {
        Some(r) => {
            let _ = writeln!(
                out,
                " (through the source at {}, {}: the translation's sync point)",
                r.short(),
                r.date()
            );
        }
        None => out.push('\n'),
    }
    let _ = writeln!(
        out,
        "  conf    {}   translation",
        cut("source", SOURCE_WIDTH)
    );
    for r in &a.rows {
        let src = r.source.as_ref().map_or_else(|| "—".to_string(), section);
        let tr = r
            .translation
            .as_ref()
            .map_or_else(|| "—".to_string(), section);
        let mark = match r.decision {
            "paired" => "=",
            "missing" => "-",
            _ => "+",
        };
        let why = if r.evidence.is_empty() {
            String::new()
        } else {
            format!("  [{}]", r.evidence.join(", "))
        };
        let _ = writeln!(
            out,
            "  {:.2}{} {} {mark} {tr}{why}",
            r.confidence,
            if r.certain { " " } else { "?" },
            cut(&src, SOURCE_WIDTH + 2),
        );
    }
    let count = |d: &str| a.rows.iter().filter(|r| r.decision == d).count();
    let _ = writeln!(
        out,
        "  {} paired, {} missing, {} extra; {} uncertain (marked ?)\n",
        count("paired"),
        count("missing"),
        count("extra"),
        a.uncertain()
    );
}

pub fn human(report: &AlignReport) -> String {
    let mut out = String::new();
    for a in &report.alignments {
        human_one(a, &mut out);
    }
    if report.alignments.iter().any(|a| a.uncertain() > 0) {
        out.push_str(
            "Uncertain decisions make no missing, extra or stale findings. To settle one, give the \
             translated heading the source heading's id (`## 번역 {#source-id}`), or mark the \
             translation as synced with `lockstep sync` so that the history can pair it.\n",
        );
    }
    out
}

pub fn json(report: &AlignReport) -> String {
    let side = |s: &Option<SectionRef>| {
        s.as_ref()
            .map(|s| serde_json::json!({ "line": s.line, "level": s.level, "heading": s.heading }))
    };
    let alignments: Vec<serde_json::Value> = report
        .alignments
        .iter()
        .map(|a| {
            serde_json::json!({
                "source": a.source,
                "translation": a.translation,
                "lang": a.lang,
                "through": a.through.as_ref().map(|r| serde_json::json!({ "commit": r.id, "date": r.date() })),
                "pairs": a.rows.iter().map(|r| serde_json::json!({
                    "decision": r.decision,
                    "source": side(&r.source),
                    "translation": side(&r.translation),
                    "confidence": (r.confidence * 1000.0).round() / 1000.0,
                    "certain": r.certain,
                    "evidence": r.evidence,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let json = serde_json::to_vec_pretty(&serde_json::json!({
        "version": 1,
        "alignments": alignments,
        "note": report.note,
    }))
    .expect("alignment serialises");
    let mut s = String::from_utf8(safe::guard_json(json)).expect("JSON is UTF-8");
    s.push('\n');
    s
}
