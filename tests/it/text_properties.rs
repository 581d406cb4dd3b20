//! Property: on arbitrary Markdown-ish text (tabs, containers, CJK, escapes,
//! entities, CRLF), text runs never panic and every span they map is inside
//! the text on character boundaries; the shipped rules never panic either,
//! and a fix they offer replaces exactly the text its finding points at,
//! which is the matched text.

use lockstep::parse::{ParseOptions, parse_with};
use lockstep::source::LineIndex;
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "a",
    "the ",
    "TODO",
    "\t",
    "  ",
    " ",
    "\n",
    "\r\n",
    "> ",
    ">",
    "- ",
    "* ",
    "1. ",
    "# ",
    "`",
    "``",
    "[",
    "]",
    "(",
    ")",
    "](x.md)",
    "![",
    "\\",
    "\\*",
    "&amp;",
    "&#42;",
    "&bogus",
    ";",
    "<b>",
    "</b>",
    "<!-- c -->",
    "https://example.com/x",
    "www.e.com",
    "ソート",
    "캐시",
    "数据",
    "，",
    "。",
    "|",
    "---",
    "```",
    "~~~",
    "*",
    "_",
    "    ",
    "é",
];

fn doc() -> impl Strategy<Value = String> {
    prop::collection::vec(0..PIECES.len(), 0..120)
        .prop_map(|ix| ix.into_iter().map(|i| PIECES[i]).collect::<String>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn runs_are_exact_and_never_panic(text in doc()) {
        let opts = ParseOptions::default().with_text_runs(true);
        let parsed = parse_with(&text, &LineIndex::new(&text), &opts);
        for run in parsed.texts.iter() {
            prop_assert!(run.span.end <= text.len() && run.span.start <= run.span.end);
            prop_assert!(text.is_char_boundary(run.span.start) && text.is_char_boundary(run.span.end));
            // Every char-aligned sub-range maps inside the text, on boundaries.
            let bounds: Vec<usize> = run
                .text
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(run.text.len()))
                .collect();
            for w in bounds.windows(2) {
                let s = run.span_of(w[0]..w[1]);
                prop_assert!(s.start <= s.end && s.end <= text.len(), "{s:?} in {text:?}");
                prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            }
            let all = run.span_of(0..run.text.len());
            prop_assert!(text.is_char_boundary(all.start) && text.is_char_boundary(all.end));
        }
    }

    #[test]
    fn shipped_rules_never_panic(text in doc()) {
        let opts = ParseOptions::default().with_text_runs(true);
        let parsed = parse_with(&text, &LineIndex::new(&text), &opts);
        let mut out = Vec::new();
        for (_, pack) in lockstep::config::rule_file::packs::load().expect("packs load") {
            for rule in &pack.rules {
                lockstep::rules::declarative::check(rule, lockstep::source::FileId(0), &text, &parsed, &mut out);
            }
        }
        for d in &out {
            prop_assert!(text.get(d.span.range()).is_some(), "{:?} in {text:?}", d.span);
            if let Some(fix) = &d.fix {
                prop_assert_eq!(fix.edits.len(), 1);
                prop_assert_eq!(fix.edits[0].span, d.span);
            }
        }
    }
}
