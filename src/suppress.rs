//! Inline suppressions: `<!-- lockstep-disable … -->` comments.
//!
//! - `<!-- lockstep-disable RULE[, RULE] -->` … `<!-- lockstep-enable RULE -->`
//!   suppresses findings between the two comments;
//! - `<!-- lockstep-disable-next-line RULE -->` the findings on the next line;
//! - `<!-- lockstep-disable-file RULE -->` the findings in the whole file.
//!
//! No rule means every rule. [`apply`] removes suppressed findings from one
//! file's diagnostics and reports, as `unused-suppression`, the directives
//! that suppressed nothing or name unknown rules. Pure: it sees a parsed
//! document and its diagnostics.

use crate::diagnostic::Diagnostic;
use crate::parse::Document;
use crate::rules::{self, RuleId};
use crate::source::{FileId, SourceFile, Span};

/// Resolves a rule name written in a suppression: the rule, or the
/// " (did you mean …?)" to add to the "unknown rule" note.
pub type Names<'a> = &'a dyn Fn(&str) -> Result<RuleId, String>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Reach {
    File,
    /// From the directive to the matching `lockstep-enable` (or the end).
    Range(Span),
    /// The 1-based line after the directive.
    Line(usize),
}

#[derive(Debug, Clone)]
struct Directive {
    span: Span,
    /// `None`: every rule.
    rules: Option<Vec<RuleId>>,
    reach: Reach,
    used: bool,
}

/// Parses `lockstep-<verb> rules` from a comment's inner text.
fn parse(text: &str) -> Option<(&str, Vec<&str>)> {
    let rest = text.trim().strip_prefix("lockstep-")?;
    let (verb, list) = match rest.split_once(char::is_whitespace) {
        Some((v, l)) => (v, l),
        None => (rest, ""),
    };
    let verb = match verb {
        "disable" | "enable" | "disable-next-line" | "disable-file" => verb,
        _ => return None,
    };
    let names = list
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|n| !n.is_empty())
        .collect();
    Some((verb, names))
}

fn covers(rules: &Option<Vec<RuleId>>, rule: RuleId) -> bool {
    rules.as_ref().is_none_or(|r| r.contains(&rule))
}

/// Removes the findings of `diagnostics` (all in `file`) that directives in
/// `doc` suppress; appends an `unused-suppression` note per directive that
/// suppressed nothing or names an unknown rule. A directive is called unused
/// only when every rule it names `ran`.
pub fn apply(
    id: FileId,
    file: &SourceFile,
    doc: &Document,
    diagnostics: &mut Vec<Diagnostic>,
    ran: &dyn Fn(RuleId) -> bool,
    resolve: Names<'_>,
) {
    let mut directives: Vec<Directive> = Vec::new();
    let mut notes: Vec<Diagnostic> = Vec::new();
    for c in &doc.comments {
        let Some((verb, names)) = parse(&c.text) else {
            continue;
        };
        let mut known = Vec::new();
        for n in &names {
            match resolve(n) {
                Ok(r) => known.push(r),
                Err(suggestion) => notes.push(rules::unused_suppression(
                    id,
                    c.span,
                    format!("unknown rule `{n}` in a suppression{suggestion}"),
                )),
            }
        }
        if !names.is_empty() && known.is_empty() {
            continue;
        }
        let rules = (!names.is_empty()).then_some(known);
        match verb {
            "disable-file" => directives.push(Directive {
                span: c.span,
                rules,
                reach: Reach::File,
                used: false,
            }),
            "disable-next-line" => {
                let line = file.line_col(c.span.end.saturating_sub(1)).line + 1;
                directives.push(Directive {
                    span: c.span,
                    rules,
                    reach: Reach::Line(line),
                    used: false,
                });
            }
            "disable" => directives.push(Directive {
                span: c.span,
                rules,
                reach: Reach::Range(Span::new(c.span.end, file.text.len())),
                used: false,
            }),
            _ => {
                // `enable`: closes the open ranges it names (all, without names).
                for d in directives.iter_mut().rev() {
                    if let Reach::Range(r) = &mut d.reach
                        && r.end == file.text.len()
                        && r.start <= c.span.start
                    {
                        let closes = match (&rules, &d.rules) {
                            (None, _) => true,
                            (Some(e), Some(open)) => open.iter().all(|r| e.contains(r)),
                            (Some(_), None) => false,
                        };
                        if closes {
                            r.end = c.span.start;
                        }
                    }
                }
            }
        }
    }
    if directives.is_empty() && notes.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        if d.rule.always_on() || d.file != id {
            return true;
        }
        let line = file.line_col(d.span.start).line;
        let mut suppressed = false;
        for dir in directives.iter_mut() {
            if !covers(&dir.rules, d.rule) {
                continue;
            }
            let hit = match dir.reach {
                Reach::File => true,
                Reach::Range(r) => r.start <= d.span.start && d.span.start < r.end,
                Reach::Line(l) => l == line,
            };
            if hit {
                dir.used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    let all_ran =
        |rules: &Option<Vec<RuleId>>| rules.as_ref().is_none_or(|r| r.iter().all(|&r| ran(r)));
    for dir in directives
        .into_iter()
        .filter(|d| !d.used && all_ran(&d.rules))
    {
        let what = match &dir.rules {
            None => "all rules".to_string(),
            Some(r) => r
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        notes.push(rules::unused_suppression(
            id,
            dir.span,
            format!("this suppression of {what} suppresses nothing"),
        ));
    }
    diagnostics.extend(notes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives() {
        assert_eq!(parse("lockstep-disable"), Some(("disable", vec![])));
        assert_eq!(
            parse("lockstep-disable broken-link, broken-anchor"),
            Some(("disable", vec!["broken-link", "broken-anchor"]))
        );
        assert_eq!(
            parse("lockstep-disable-next-line toc-drift"),
            Some(("disable-next-line", vec!["toc-drift"]))
        );
        assert_eq!(parse("lockstep-synced: abc"), None);
        assert_eq!(parse("TOC"), None);
    }
}
