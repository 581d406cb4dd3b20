//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other tools.
//!
//! `tool.driver` names lockstep with its version and home page and lists
//! every rule of the registry (descriptions, help URI, default level);
//! results carry a physical location (a region with start and end line and
//! column; columns are Unicode code points, as `columnKind` says), the
//! source section of cross-edition findings as a related location, and a
//! stable `partialFingerprints` entry (no line numbers in it).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use crate::diagnostic::Severity;
use crate::diagnostic::{Diagnostic, RuleId};
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

// A result's parts, as serde writes them. serde_json's objects order
// their keys (the `json!` values this file builds elsewhere): each
// struct's fields are in that order, so a result reads the same.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "lockstep/v1")]
    v1: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StaleProperties<'a> {
    changed_commit: Option<&'a str>,
    diff: &'a str,
    synced_commit: &'a str,
    synced_date: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [Location<'a>; 1],
    message: Message,
    partial_fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<StaleProperties<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    related_locations: Option<[Location<'a>; 1]>,
    rule_id: &'a str,
    rule_index: usize,
}

fn location<'a>(
    report: &Report,
    paths: &'a [String],
    columns: &mut Columns,
    file: crate::source::FileId,
    span: crate::source::Span,
) -> Location<'a> {
    let f = &report.files[file.index()];
    let start = columns.line_col(f, span.start);
    let end = columns.line_col(f, span.end);
    Location {
        id: None,
        message: None,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: &paths[file.index()],
            },
            region: Region {
                end_column: end.column,
                end_line: end.line,
                start_column: start.column,
                start_line: start.line,
            },
        },
    }
}

/// One finding as a SARIF result.
fn result<'r>(
    report: &'r Report,
    paths: &'r [String],
    listed: &[RuleId],
    &(d, fp): &(&'r Diagnostic, &'r String),
    columns: &mut Columns,
) -> SarifResult<'r> {
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    SarifResult {
        level: level(d.severity),
        locations: [location(report, paths, columns, d.file, d.span)],
        message: Message { text },
        partial_fingerprints: Fingerprints { v1: fp },
        properties: d.stale.as_ref().map(|st| StaleProperties {
            changed_commit: st.changed.as_ref().map(|c| c.id.as_str()),
            diff: &st.diff,
            synced_commit: &st.sync.id,
            synced_date: st.sync.date(),
        }),
        related_locations: d.source.as_ref().map(|s| {
            let mut related = location(report, paths, columns, s.file, s.span);
            related.id = Some(1);
            related.message = Some(Message {
                text: s.message.clone(),
            });
            [related]
        }),
        rule_id: d.rule.name(),
        rule_index: listed.iter().position(|r| *r == d.rule).unwrap_or(0),
    }
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
        // Each file's path as a location's URI gives it, once per file.
        let paths: Vec<String> = (0..report.files.len())
            .map(|i| report.display_path(crate::source::FileId(i as u32)))
            .collect();
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
        // (items of `runs[0].results` sit four levels deep), each made and
        // written on its own (a document of 50,000 results held as one JSON
        // tree took 500 MiB), as a typed value rather than a JSON tree.
        let items: Vec<_> = report.diagnostics.iter().zip(&fingerprints).collect();
        super::json_with_list(out, &doc, "results", 4, &items, |item, columns| {
            result(report, &paths, &listed, item, columns)
        })
    }
}
