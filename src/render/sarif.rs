//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other tools.
//!
//! `tool.driver` names lockstep with its version and home page and lists
//! every rule of the registry (descriptions, help URI, default level);
//! results carry a physical location (a region with start and end line and
//! column; columns are Unicode code points, as `columnKind` says), the
//! source section of cross-edition findings as a related location, and a
//! stable `partialFingerprints` entry (no line numbers in it).

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::diagnostic::RuleId;
use crate::diagnostic::Severity;
use crate::report::Report;

use super::Renderer;
use super::columns::Columns;

pub struct Sarif;

/// lockstep's home page, from the package metadata.
pub const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The first paragraph of a rule's "What it does", as plain text.
fn full_description(docs: &str) -> String {
    docs.split("## What it does")
        .nth(1)
        .unwrap_or(docs)
        .split("\n\n")
        .find(|p| !p.trim().is_empty())
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn region(
    report: &Report,
    columns: &mut Columns,
    file: crate::source::FileId,
    span: crate::source::Span,
) -> Value {
    let f = &report.files[file.index()];
    let start = columns.line_col(f, span.start);
    let end = columns.line_col(f, span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn location(
    report: &Report,
    columns: &mut Columns,
    file: crate::source::FileId,
    span: crate::source::Span,
) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": report.display_path(file) },
            "region": region(report, columns, file, span),
        }
    })
}

impl Renderer for Sarif {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        // The built-in rules, and the declarative rules this run used.
        let mut declared: Vec<RuleId> = report
            .rules
            .iter()
            .copied()
            .filter(|r| matches!(r, RuleId::Declared(_)))
            .collect();
        declared.sort();
        let listed: Vec<RuleId> = RuleId::ALL.iter().copied().chain(declared).collect();
        let rules: Vec<Value> = listed
            .iter()
            .map(|r| {
                let m = r.meta();
                let enabled = m.default_on || report.rules.contains(r);
                let mut rule = json!({
                    "id": m.name,
                    "name": m.name,
                    "shortDescription": { "text": m.summary },
                    "fullDescription": { "text": full_description(m.docs) },
                    "help": { "text": m.docs, "markdown": m.docs },
                    "defaultConfiguration": {
                        "level": if enabled { level(m.severity) } else { "none" },
                        "enabled": enabled,
                    },
                    "properties": { "pack": r.pack() },
                });
                // Pages exist for built-in rules and the shipped packs'.
                if r.origin().has_doc_page() {
                    rule["helpUri"] = json!(format!(
                        "{INFORMATION_URI}/blob/main/docs/rules/{}.md",
                        m.name
                    ));
                }
                rule
            })
            .collect();
        let fingerprints = report.fingerprints();
        // Each result is made and written on its own (a document of
        // 50,000 results held as one JSON tree took 500 MiB).
        let result = |(d, fp): (&crate::diagnostic::Diagnostic, &String), columns: &mut Columns| {
            let rule_index = listed.iter().position(|r| *r == d.rule).unwrap_or(0);
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let mut result = json!({
                "ruleId": d.rule.name(),
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [location(report, columns, d.file, d.span)],
                "partialFingerprints": { "lockstep/v1": fp },
            });
            if let Some(s) = &d.source {
                let mut related = location(report, columns, s.file, s.span);
                related["id"] = json!(1);
                related["message"] = json!({ "text": s.message });
                result["relatedLocations"] = json!([related]);
            }
            if let Some(st) = &d.stale {
                result["properties"] = json!({
                    "diff": st.diff,
                    "syncedCommit": st.sync.id,
                    "syncedDate": st.sync.date(),
                    "changedCommit": st.changed.as_ref().map(|c| c.id.clone()),
                });
            }
            result
        };
        let notifications: Vec<Value> = report
            .notes
            .iter()
            .map(|n| json!({ "level": "note", "message": { "text": n } }))
            .collect();
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "lockstep",
                        "version": env!("CARGO_PKG_VERSION"),
                        "semanticVersion": env!("CARGO_PKG_VERSION"),
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "invocations": [{
                    "executionSuccessful": !report.has_io_error(),
                    "toolExecutionNotifications": notifications,
                }],
                "columnKind": "unicodeCodePoints",
                "results": [],
            }]
        });
        // The results rendered in parallel into the document's empty list
        // (items of `runs[0].results` sit four levels deep).
        let items: Vec<_> = report.diagnostics.iter().zip(&fingerprints).collect();
        super::json_with_list(out, &doc, "results", 4, &items, |&item, columns| {
            result(item, columns)
        })
    }
}
