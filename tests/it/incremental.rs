//! Re-parsing part of a document after an edit (`parse::incremental`, the
//! language server's path) gives exactly the document a whole parse gives:
//! on arbitrary Markdown-ish text with arbitrary edits, and on real
//! documents of the corpora with edits where writers make them — and it
//! does take the partial path there (else the test would prove nothing).

use lockstep::parse::incremental::{self, Outcome};
use lockstep::parse::{ParseOptions, parse_with};
use lockstep::source::LineIndex;
use proptest::prelude::*;

use crate::common::corpus;

const PIECES: &[&str] = &[
    "a",
    "the ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "    ",
    "## ",
    "# ",
    "Title\n===\n",
    "Part\n---\n",
    "> ",
    "- ",
    "1. ",
    "`",
    "```\n",
    "~~~\n",
    "[",
    "]",
    "](#usage)",
    "](x.md#a)",
    "![i](p.png)",
    "<a id=\"x\"></a>",
    "<a href=\"#y\">y</a>",
    "<!-- c -->",
    "<!--",
    "-->",
    "<!-- TOC -->",
    "<!-- /TOC -->",
    "<div>",
    "</div>",
    "{#custom}",
    "|a|b|\n|-|-|\n",
    "*",
    "Usage",
    "Usage",
    "캐시",
    "，",
    "é",
    "\\",
    "&amp;",
    "[^1]",
];

/// Inserted by edits only (a document with one is parsed whole).
const DEFINITIONS: &[&str] = &["[x]: /y\n", "]:", "[^1]: note\n"];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(0..PIECES.len(), 0..80)
        .prop_map(|ix| ix.into_iter().map(|i| PIECES[i]).collect::<String>())
}

/// Edits insert pieces, sometimes a definition.
fn insert() -> impl Strategy<Value = String> {
    (text(), 0..DEFINITIONS.len() * 8).prop_map(|(t, d)| match DEFINITIONS.get(d) {
        Some(def) => format!("{t}{def}"),
        None => t,
    })
}

/// Sections with bodies of pieces: most edits then fall inside a section.
fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(text(), 1..6).prop_map(|bodies| {
        bodies
            .iter()
            .enumerate()
            .map(|(i, b)| format!("## Part {}\n\n{b}\n\n", i % 3))
            .collect()
    })
}

/// `text` with `len` bytes at `at` (both taken modulo the text, on
/// character boundaries) replaced by `insert`.
fn edited(text: &str, at: usize, len: usize, insert: &str) -> String {
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(at % (text.len() + 1));
    let end = floor((start + len).min(text.len()));
    format!("{}{insert}{}", &text[..start], &text[end..])
}

/// Re-parses `new` after `old` and checks it against a whole parse.
fn same_as_whole(old: &str, new: &str) -> Outcome {
    let opts = ParseOptions::default();
    let old_lines = LineIndex::new(old);
    let (old_doc, state) = incremental::parse(old, &old_lines, &opts);
    assert_eq!(old_doc, parse_with(old, &old_lines, &opts));
    let lines = LineIndex::new(new);
    let (doc, _, outcome) = incremental::reparse(old, old_doc.clone(), state, new, &lines, &opts);
    assert!(
        doc == parse_with(new, &lines, &opts),
        "re-parsing after an edit differs from parsing the whole text ({outcome:?})\n--- before\n{old}\n--- after\n{new}"
    );
    outcome
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn reparsing_equals_parsing_the_whole(
        doc in document(),
        at in 0usize..100_000,
        len in 0usize..12,
        insert in insert(),
    ) {
        let new = edited(&doc, at, len, &insert);
        same_as_whole(&doc, &new);
    }

    #[test]
    fn a_second_edit_after_a_reparse(
        doc in document(),
        edits in prop::collection::vec((0usize..100_000, 0usize..8, insert()), 1..4),
    ) {
        // The state a reparse hands back serves the next reparse.
        let opts = ParseOptions::default();
        let mut text = doc;
        let mut lines = LineIndex::new(&text);
        let (mut parsed, mut state) = incremental::parse(&text, &lines, &opts);
        for (at, len, insert) in edits {
            let new = edited(&text, at, len, &insert);
            let new_lines = LineIndex::new(&new);
            let (doc, next, _) = incremental::reparse(&text, parsed, state, &new, &new_lines, &opts);
            prop_assert_eq!(&doc, &parse_with(&new, &new_lines, &opts));
            (text, lines, parsed, state) = (new, new_lines, doc, next);
        }
        let _ = lines;
    }
}

/// A small deterministic generator (the same edits every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

#[test]
fn real_documents_reparse_partially_and_exactly() {
    let Some(sd) = corpus("system-design-101") else {
        return;
    };
    let Some(ciu) = corpus("coding-interview-university") else {
        return;
    };
    let files = [
        sd.join("README.md"),
        sd.join("translations/README-ko.md"),
        ciu.join("translations/README-ko.md"),
        ciu.join("translations/README-ja.md"),
        ciu.join("README.md"),
    ];
    let mut rng = Lcg(17);
    let (mut partial, mut total) = (0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).expect("corpus file reads");
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        for k in 0..40 {
            // Edits as a writer makes them: a word typed at a line's end, a
            // character deleted, a link added, a new heading, a line removed.
            let line = line_starts[rng.next(line_starts.len())];
            let eol = text[line..].find('\n').map_or(text.len(), |i| line + i);
            let new = match k % 5 {
                0 => edited(&text, eol, 0, " word"),
                1 => edited(&text, eol.saturating_sub(1), 1, ""),
                2 => edited(&text, eol, 0, " [see](#usage)"),
                3 => edited(&text, eol, 0, "\n\n## New part\n"),
                _ => edited(&text, line, eol - line, ""),
            };
            if same_as_whole(&text, &new) != Outcome::Whole {
                partial += 1;
            }
            total += 1;
        }
    }
    eprintln!("{partial} of {total} edits re-parsed partially");
    // coding-interview-university's READMEs define link references (parsed
    // whole); System Design 101's do not.
    assert!(
        partial * 4 >= total,
        "only {partial} of {total} edits re-parsed partially"
    );
}
