//! Property: on generated documents with drifted tables of contents, fixing
//! twice equals fixing once, and after fixing no TOC error or warning is
//! left (notes about entry texts may stay: rewriting texts is unsafe).
//! Section bodies may hold a link with an upper-cased anchor after link
//! reference definitions (where comrak's positions need repair): its fix
//! must land on exactly that link, and the definitions stay as they were.
//! And `fix` changes only lines that `check` reported a fixable finding on
//! (it may move or re-indent others, never change their text).

use lockstep::app::fix::fix_workspace;
use lockstep::app::{Evidence, Scope, check_workspace, load};
use lockstep::config::Settings;
use lockstep::diagnostic::Severity;
use lockstep::rules::RuleId;
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "Install",
    "usage",
    "FAQ",
    "캐시",
    "데이터베이스",
    "API",
    "gRPC",
    "HTTP 1.0",
    "v2",
    "C++",
    "what's",
    "new?",
    "日本語",
    "Ümlaut",
    "data-flow",
    "x_y",
];

#[derive(Debug, Clone)]
struct Heading {
    level: u8,
    words: Vec<usize>,
}

#[derive(Debug, Clone)]
enum Mutation {
    Keep,
    Drop,
    Duplicate,
    WrongAnchor(usize),
    Upper,
    WrongDepth,
}

fn heading() -> impl Strategy<Value = Heading> {
    (2u8..=3, prop::collection::vec(0..WORDS.len(), 1..4))
        .prop_map(|(level, words)| Heading { level, words })
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => Just(Mutation::Keep),
        1 => Just(Mutation::Drop),
        1 => Just(Mutation::Duplicate),
        1 => (0..WORDS.len()).prop_map(Mutation::WrongAnchor),
        1 => Just(Mutation::Upper),
        1 => Just(Mutation::WrongDepth),
    ]
}

fn slug(text: &str) -> String {
    lockstep::parse::slug::slug(text)
}

/// A section's body: plain, or a link to its heading (`{id}`) after link
/// reference definitions, in one of several indentations.
const BODIES: &[&str] = &[
    "Body.",
    "[r]: #unused\nSee [it](#{id}).",
    "  [r]: #unused\n    See [it](#{id}).",
    " [r]: #unused\n[s]: <#unused>\nSee [it](#{id}).",
    "> [r]: #unused\n> See\n> [it](#{id}).",
];

impl Heading {
    fn text(&self) -> String {
        self.words
            .iter()
            .map(|&w| WORDS[w])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The headings' ids, in order, after the document title's.
fn ids(texts: &[String]) -> Vec<String> {
    let mut slugger = lockstep::parse::slug::Slugger::new();
    slugger.slug("Title");
    texts.iter().map(|t| slugger.slug(t)).collect()
}

fn body(kind: usize, id: &str) -> String {
    BODIES[kind % BODIES.len()].replace("{id}", id)
}

/// A document with a marked TOC derived from its headings, then drifted.
fn document(
    headings: &[Heading],
    mutations: &[Mutation],
    swap: Option<(usize, usize)>,
    bullet: char,
    indent: &str,
    crlf: bool,
    bodies: &[usize],
) -> String {
    let texts: Vec<String> = headings.iter().map(Heading::text).collect();
    let ids = ids(&texts);
    let mut entries: Vec<String> = Vec::new();
    for (i, (h, text)) in headings.iter().zip(&texts).enumerate() {
        let id = ids[i].clone();
        let depth = (h.level - 2) as usize;
        let m = &mutations[i % mutations.len()];
        let (depth, id) = match m {
            Mutation::Keep | Mutation::Duplicate | Mutation::Drop => (depth, id),
            Mutation::WrongAnchor(w) => (depth, slug(WORDS[*w])),
            Mutation::Upper => (depth, id.to_uppercase()),
            Mutation::WrongDepth => (1 - depth.min(1), id),
        };
        let line = format!("{}{bullet} [{text}](#{id})", indent.repeat(depth));
        match m {
            Mutation::Drop => {}
            Mutation::Duplicate => {
                entries.push(line.clone());
                entries.push(line);
            }
            _ => entries.push(line),
        }
    }
    if let Some((a, b)) = swap
        && a < entries.len()
        && b < entries.len()
    {
        entries.swap(a, b);
    }
    let mut doc = String::from("# Title\n\n<!-- TOC -->\n");
    for e in &entries {
        doc.push_str(e);
        doc.push('\n');
    }
    doc.push_str("<!-- /TOC -->\n");
    for (i, (h, text)) in headings.iter().zip(&texts).enumerate() {
        doc.push_str(&format!(
            "\n{} {text}\n\n{}\n",
            "#".repeat(h.level as usize),
            body(bodies[i % bodies.len()], &ids[i].to_uppercase()),
        ));
    }
    if crlf {
        doc = doc.replace('\n', "\r\n");
    }
    doc
}

/// The lines of `before` that the fix changed or removed although no finding
/// of the first `check` touches them: `fix` may only change what `check`
/// reports.
pub(crate) fn unreported_changes(
    before: &str,
    after: &str,
    findings: &[lockstep::diagnostic::Diagnostic],
) -> Vec<String> {
    let diff = similar::TextDiff::from_lines(before, after);
    let mut starts = vec![0];
    for l in before.split_inclusive('\n') {
        starts.push(starts.last().unwrap() + l.len());
    }
    let lines: Vec<&str> = before.split_inclusive('\n').collect();
    let reported = |line: usize| {
        let (a, b) = (starts[line], starts[line + 1]);
        findings
            .iter()
            .any(|d| d.span.start < b && a < d.span.end.max(d.span.start + 1))
    };
    let mut out = Vec::new();
    for op in diff.ops() {
        if matches!(op, similar::DiffOp::Equal { .. }) {
            continue;
        }
        for line in op.old_range() {
            if reported(line) {
                continue;
            }
            // Lines with the same text are interchangeable (the diff may pick
            // either of two duplicates, or move either of two swapped
            // entries), and re-nesting a reported entry may re-indent its
            // neighbours: the line's text must survive as often as it was
            // there, but for the reported lines with that text.
            let text = lines[line].trim();
            let count = |t: &str| t.split_inclusive('\n').filter(|l| l.trim() == text).count();
            let reported_twins = (0..lines.len())
                .filter(|&l| lines[l].trim() == text && reported(l))
                .count();
            if count(after) + reported_twins < count(before) {
                out.push(lines[line].to_string());
            }
        }
        if op.old_range().is_empty() && findings.is_empty() {
            out.push(format!("(inserted without a finding) {:?}", op));
        }
    }
    out
}

fn fix_text(text: &str) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), text).unwrap();
    let mut ws = load::load(dir.path(), Settings::default());
    let reported: Vec<_> = check_workspace(&ws, &Scope::default())
        .into_iter()
        .filter(|d| d.fix.is_some())
        .collect();
    let done = fix_workspace(&mut ws, &Scope::default(), &Evidence::default(), false);
    assert!(
        done.settled(),
        "the fix loop converges: {:?}",
        done.unsettled
    );
    let unreported = unreported_changes(text, &ws.files[0].text, &reported);
    assert!(
        unreported.is_empty(),
        "fix changed lines check did not report: {unreported:?}\n{text}"
    );
    let left: Vec<String> = check_workspace(&ws, &Scope::default())
        .into_iter()
        .filter(|d| d.rule == RuleId::TocDrift && d.severity > Severity::Info)
        .map(|d| d.message)
        .collect();
    (ws.files[0].text.clone(), left)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn fixing_twice_equals_fixing_once(
        headings in prop::collection::vec(heading(), 1..8),
        mutations in prop::collection::vec(mutation(), 1..8),
        swap in prop::option::of((0usize..8, 0usize..8)),
        bullet in prop::sample::select(vec!['-', '*', '+']),
        indent in prop::sample::select(vec!["  ", "    ", "\t"]),
        crlf in any::<bool>(),
        bodies in prop::collection::vec(0..BODIES.len(), 1..4),
    ) {
        let text = document(&headings, &mutations, swap, bullet, indent, crlf, &bodies);
        let (once, left) = fix_text(&text);
        let (twice, _) = fix_text(&once);
        prop_assert_eq!(&once, &twice, "fixing again changed the document:\n{}", once);
        prop_assert!(left.is_empty(), "left after fixing: {:?}\n{}", left, once);
        prop_assert_eq!(once.starts_with("# Title"), true);
        prop_assert_eq!(once.contains("\r\n"), crlf, "line endings changed");
        if crlf {
            prop_assert!(!once.replace("\r\n", "").contains('\n'), "a bare LF was written");
        }
        // Each body's link now has its heading's id, in place; nothing
        // else in the body changed.
        let texts: Vec<String> = headings.iter().map(Heading::text).collect();
        let lf = once.replace("\r\n", "\n");
        for (i, id) in ids(&texts).iter().enumerate() {
            let want = body(bodies[i % bodies.len()], id);
            prop_assert!(lf.contains(&format!("\n\n{want}\n")), "body {} not fixed in place: {:?}\n{}", i, want, once);
        }
    }
}

/// The fix loop sets a pass's new texts together, parsed in parallel: the
/// workspace is then what setting them one at a time makes (documents,
/// anchors and read problems).
#[test]
fn files_updated_together_are_those_updated_one_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("README.md", "# A\n\n## One\n\n[x](b.md#two)\n"),
        ("b.md", "# B\n\n## Two\n\n<a id=\"here\"></a>\n"),
        ("c.md", "# C\n\n[y](README.md#one)\n"),
        ("d.md", "x\u{0}"),
    ];
    for (path, text) in files {
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    std::fs::write(dir.path().join("bad.md"), [0xff, 0xfe]).unwrap();
    let mut together = load::load(dir.path(), Settings::default());
    let mut apart = load::load(dir.path(), Settings::default());
    assert_eq!(together.read_problems.len(), 1, "bad.md is not UTF-8");
    let id = |ws: &lockstep::workspace::Workspace, path: &str| {
        lockstep::source::FileId(ws.files.iter().position(|f| f.path == path).unwrap() as u32)
    };
    let updates = [
        ("README.md", "# A\n\n## Uno\n\n[x](b.md#dos)\n"),
        ("b.md", "# B\n\n## Dos\n"),
        ("bad.md", "# Now readable\n"),
    ];
    let batch = updates
        .iter()
        .map(|(p, t)| (id(&together, p), t.to_string()))
        .collect();
    together.update_files(batch);
    for (p, t) in updates {
        let i = id(&apart, p);
        apart.update_file(i, t.to_string());
    }
    let texts = |ws: &lockstep::workspace::Workspace| {
        ws.files
            .iter()
            .map(|f| (f.path.clone(), f.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&together), texts(&apart));
    assert_eq!(together.docs, apart.docs);
    assert!(together.read_problems.is_empty());
    assert!(apart.read_problems.is_empty());
    for (i, _) in together.files.iter().enumerate() {
        let f = lockstep::source::FileId(i as u32);
        let (a, b) = (together.index.anchors(f), apart.index.anchors(f));
        assert_eq!(a.map(|a| a.len()), b.map(|b| b.len()));
        assert!(a.zip(b).is_none_or(|(a, b)| a.same(b)));
    }
    // The new headings' ids are there.
    let readme = together.docs[id(&together, "README.md").index()]
        .as_ref()
        .unwrap();
    assert!(readme.headings.iter().any(|h| h.id == "uno"));
}
