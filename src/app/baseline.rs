//! Baselines: adopt lockstep on a repository that already has findings.
//!
//! `--write-baseline FILE` records the current findings by fingerprint (rule,
//! file, the finding's text and line text, the message without numbers —
//! never line numbers, so unrelated edits do not invalidate it).
//! `--baseline FILE` hides recorded findings, so only new ones are reported
//! and count for the exit code; recorded findings that no longer occur are
//! reported as fixed (notes), so the file can be pruned by writing it again.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::report::Report;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: String,
    rule: String,
    file: String,
    /// For people reading the file; not used for matching.
    message: String,
}

/// The baseline file for the report's findings (JSON, version 1).
pub fn write(report: &Report) -> String {
    let fingerprints = report.fingerprints();
    let findings = report
        .diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint)| Entry {
            fingerprint: base_fingerprint(&fingerprint).to_string(),
            rule: d.rule.name().to_string(),
            file: report.files[d.file.index()].path.clone(),
            message: d.message.clone(),
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&BaselineFile {
        version: 1,
        findings,
    })
    .expect("baseline serialises");
    s.push('\n');
    s
}

fn base_fingerprint(f: &str) -> &str {
    f.split('#').next().unwrap_or(f)
}

/// Hides the findings recorded in `baseline` (the text of a baseline file);
/// adds a note for each recorded finding that no longer occurs. Returns the
/// number of findings hidden.
pub fn apply(report: &mut Report, baseline: &str) -> Result<usize, String> {
    let file: BaselineFile =
        serde_json::from_str(baseline).map_err(|e| format!("not a lockstep baseline: {e}"))?;
    if file.version != 1 {
        return Err(format!("unsupported baseline version {}", file.version));
    }
    // Recorded findings, as a multiset of fingerprints.
    let mut recorded: HashMap<&str, Vec<&Entry>> = HashMap::new();
    for e in &file.findings {
        recorded.entry(e.fingerprint.as_str()).or_default().push(e);
    }
    let fingerprints = report.fingerprints();
    let mut hidden = 0;
    let mut keep = Vec::with_capacity(report.diagnostics.len());
    for (d, fp) in std::mem::take(&mut report.diagnostics)
        .into_iter()
        .zip(fingerprints)
    {
        match recorded.get_mut(base_fingerprint(&fp)) {
            Some(entries) if !entries.is_empty() => {
                entries.pop();
                hidden += 1;
            }
            _ => keep.push(d),
        }
    }
    report.diagnostics = keep;
    // Only what this run looked for can be called fixed: a file it checked,
    // a rule it ran.
    let known: HashSet<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
    let checked: HashSet<&str> = report
        .files
        .iter()
        .zip(&report.in_scope)
        .filter(|(_, checked)| **checked)
        .map(|(f, _)| f.path.as_str())
        .collect();
    let rules: Vec<&str> = report.rules.iter().map(|r| r.name()).collect();
    let mut gone: Vec<&Entry> = recorded
        .into_values()
        .flatten()
        .filter(|e| checked.contains(e.file.as_str()) || !known.contains(e.file.as_str()))
        .filter(|e| rules.contains(&e.rule.as_str()))
        .collect();
    gone.sort_by(|a, b| (&a.file, &a.rule, &a.message).cmp(&(&b.file, &b.rule, &b.message)));
    for e in gone {
        report.notes.push(format!(
            "fixed since the baseline: {} [{}] {} (prune it with --write-baseline)",
            e.file, e.rule, e.message
        ));
    }
    Ok(hidden)
}
