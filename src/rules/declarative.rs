//! Running declarative rules (loaded by `config::rule_file`) over a parsed
//! document, and testing their examples. Pure: no I/O.

use crate::config::rule_file::DeclaredRule;
use crate::diagnostic::Diagnostic;
use crate::fix::{self, Edit, Fix, Offered};
use crate::parse::{Document, ParseOptions, parse_with};
use crate::source::{FileId, LineIndex, Span};

/// The findings of `rule` in `doc` (whose text is `text`).
pub fn check(
    rule: &DeclaredRule,
    id: FileId,
    text: &str,
    doc: &Document,
    out: &mut Vec<Diagnostic>,
) {
    for run in doc.texts.iter().filter(|r| rule.scopes.contains(&r.scope)) {
        for caps in rule.regex.captures_iter(run.text) {
            let Some(m) = caps.get(0) else { continue };
            // Empty matches only count in empty runs (`[](url)`).
            if m.is_empty() && !run.text.is_empty() {
                continue;
            }
            if rule.unless.as_ref().is_some_and(|u| u.is_match(m.as_str())) {
                continue;
            }
            if rule
                .preceded_by
                .as_ref()
                .is_some_and(|p| !p.is_match(&run.text[..m.start()]))
                || rule
                    .followed_by
                    .as_ref()
                    .is_some_and(|f| !f.is_match(&run.text[m.end()..]))
            {
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
                    let help = if replacement.is_empty() {
                        format!("delete {}", describe(m.as_str()))
                    } else {
                        format!(
                            "replace {} with `{}`",
                            describe(m.as_str()),
                            visible(&replacement)
                        )
                    };
                    d = d.with_help(help).with_fix(fix);
                }
            }
            out.push(d);
        }
    }
}

/// What a fix replaces, for its help line: `text`, or "the space" / "the 3
/// spaces" when it is only spaces.
fn describe(s: &str) -> String {
    match s.len() {
        n if n > 0 && s.bytes().all(|b| b == b' ') => {
            if n == 1 {
                "the space".into()
            } else {
                format!("the {n} spaces")
            }
        }
        _ => format!("`{}`", visible(s)),
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
        if found.iter().any(|d| d.fix.is_some()) {
            // The same loop as `lockstep fix` (unsafe fixes included).
            let mut text = ex.clone();
            let converged = fix::converge(&mut text, true, |t: &String| {
                findings(rule, t)
                    .into_iter()
                    .filter_map(|d| {
                        Some(Offered {
                            key: (),
                            rule: d.rule,
                            fix: d.fix?,
                        })
                    })
                    .collect()
            });
            if !converged.settled() {
                problems.push(format!(
                    "fail example: its fixes do not converge: {:?} became {:?}",
                    ex, text
                ));
                continue;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::rule_file::{RuleSet, RuleSource, packs, parse_file};
    use std::path::Path;
    use std::sync::Arc;

    fn rule(body: &str) -> Arc<DeclaredRule> {
        let text = format!("[[rule]]\nid = \"t\"\nmessage = \"m {{0}}\"\n{body}");
        parse_file(
            Path::new("t.toml"),
            "t.toml",
            &text,
            &RuleSet::default(),
            RuleSource::Project,
        )
        .unwrap()
        .rules
        .remove(0)
    }

    #[test]
    fn the_shipped_packs_load_and_their_examples_pass() {
        let packs = packs::load().expect("the shipped packs load");
        for (name, set) in packs {
            assert!(!set.rules.is_empty(), "{name} is empty");
            for r in &set.rules {
                assert!(
                    !r.examples_fail.is_empty() && !r.examples_pass.is_empty(),
                    "{}: needs fail and pass examples",
                    r.name
                );
                let problems = test_examples(r);
                assert!(problems.is_empty(), "{}: {problems:?}", r.name);
            }
        }
    }

    fn spans(rule: &DeclaredRule, text: &str) -> Vec<String> {
        let doc = parse_example(text);
        let mut out = Vec::new();
        check(rule, FileId(0), text, &doc, &mut out);
        out.iter()
            .map(|d| text[d.span.range()].to_string())
            .collect()
    }

    #[test]
    fn context_patterns_and_unless() {
        let r = rule("pattern = '[ ]+'\npreceded-by = '[a-z]'\nfollowed-by = '[.!]'\n");
        assert_eq!(spans(&r, "end . and ! but 1 . or x y."), [" ", " "]);
        let r = rule("pattern = 'http://\\S+'\nunless = 'localhost'\n");
        assert_eq!(
            spans(&r, "see http://a.com and http://localhost:1"),
            ["http://a.com"]
        );
        // `$` in a context pattern is the end of the run, not of a line.
        let r = rule("pattern = 'x'\nfollowed-by = '$'\n");
        assert_eq!(spans(&r, "x x\n\nx [x](u) x"), ["x", "x", "x"]);
    }

    #[test]
    fn fixes_only_where_the_match_is_literal() {
        let r = rule("pattern = 'a&b'\nreplace = 'a and b'\n");
        let text = "One a&b, one a&amp;b.";
        let doc = parse_example(text);
        let mut out = Vec::new();
        check(&r, FileId(0), text, &doc, &mut out);
        assert_eq!(out.len(), 2);
        assert!(out[0].fix.is_some());
        assert!(out[1].fix.is_none(), "an entity is not replaced");
        assert_eq!(&text[out[1].span.range()], "a&amp;b");
    }
}
