//! Running declarative rules over a parsed document, and testing their
//! examples. Pure: no I/O.

use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::parse::{Document, ParseOptions, parse_with};
use crate::source::{FileId, LineIndex, Span};

use super::DeclaredRule;

/// The findings of `rule` in `doc` (whose text is `text`).
pub fn check(
    rule: &DeclaredRule,
    id: FileId,
    text: &str,
    doc: &Document,
    out: &mut Vec<Diagnostic>,
) {
    for run in doc.texts.iter().filter(|r| rule.scopes.contains(&r.scope)) {
        for caps in rule.regex.captures_iter(&run.text) {
            let Some(m) = caps.get(0) else { continue };
            // Empty matches only count in empty runs (`[](url)`).
            if m.is_empty() && !run.text.is_empty() {
                continue;
            }
            if rule.unless.as_ref().is_some_and(|u| u.is_match(m.as_str())) {
                continue;
            }
            let span = run.span_of(m.range());
            // Messages are one line: a match across a line break reads as
            // a space.
            let message = rule
                .message
                .expand(&caps)
                .replace("\r\n", " ")
                .replace('\n', " ");
            let mut d = Diagnostic::new(rule.id, id, span, message);
            if let Some(template) = &rule.replace {
                let replacement = template.expand(&caps);
                // Only where the match is written literally: replacing an
                // entity or an escape with rendered text could change more
                // than the rule means to.
                let literal = text.get(span.range()) == Some(m.as_str());
                if literal && !m.is_empty() && replacement != m.as_str() {
                    let edit = vec![Edit::replace(span, replacement.clone())];
                    let fix = if rule.unsafe_fix {
                        Fix::unsafe_(edit)
                    } else {
                        Fix::safe(edit)
                    };
                    d = d
                        .with_help(format!(
                            "replace `{}` with `{}`",
                            visible(m.as_str()),
                            visible(&replacement)
                        ))
                        .with_fix(fix);
                }
            }
            out.push(d);
        }
    }
}

/// Line breaks and tabs shown as escapes (in help lines).
fn visible(s: &str) -> String {
    s.replace('\n', "\\n").replace('\t', "\\t")
}

fn parse_example(text: &str) -> Document {
    let opts = ParseOptions::default().with_text_runs(true);
    parse_with(text, &LineIndex::new(text), &opts)
}

fn findings(rule: &DeclaredRule, text: &str) -> Vec<Diagnostic> {
    let doc = parse_example(text);
    let mut out = Vec::new();
    check(rule, FileId(0), text, &doc, &mut out);
    out
}

/// Runs a rule's examples as small Markdown documents: each `fail` example
/// must be reported (and, when the rule has a fix, be clean once fixed);
/// each `pass` example must not. Returns what went wrong, one line each.
pub fn test_examples(rule: &DeclaredRule) -> Vec<String> {
    let mut problems = Vec::new();
    for ex in &rule.examples_fail {
        let found = findings(rule, ex);
        if found.is_empty() {
            problems.push(format!("fail example not reported: {:?}", ex));
            continue;
        }
        let fixes: Vec<&Fix> = found.iter().filter_map(|d| d.fix.as_deref()).collect();
        if !fixes.is_empty() {
            let mut text = ex.clone();
            // The fix loop's bound: fixes that keep finding work do not converge.
            for _ in 0..crate::app::fix::MAX_PASSES {
                let found = findings(rule, &text);
                let fixes: Vec<&Fix> = found.iter().filter_map(|d| d.fix.as_deref()).collect();
                if fixes.is_empty() {
                    break;
                }
                text = crate::fix::apply(&text, &fixes).0;
            }
            let left = findings(rule, &text);
            if !left.is_empty() {
                problems.push(format!(
                    "fail example still reported after its fix: {:?} became {:?}",
                    ex, text
                ));
            }
        }
    }
    for ex in &rule.examples_pass {
        let found = findings(rule, ex);
        if let Some(d) = found.first() {
            problems.push(format!(
                "pass example reported: {:?} ({} at {:?})",
                ex,
                d.message,
                &ex[Span::new(d.span.start, d.span.end.max(d.span.start)).range()]
            ));
        }
    }
    problems
}
