//! GitHub heading ids: github-slugger's own test vectors and 3,400+ real
//! headings with the ids GitHub gives them, vendored in `fixtures/slugs/`
//! (so these run everywhere). All must pass 100%. Each golden heading is
//! parsed from its source line (heading-text rendering and the slug
//! algorithm); with the corpora present, the real files are parsed whole
//! too (headings found where GitHub found them).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lockstep::parse::{self, slug::Slugger};
use lockstep::source::LineIndex;
use serde_json::Value;

/// The vendored reference data.
fn vendored() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/slugs")
}

/// The golden headings, by file (paths relative to `../shared/`), in order.
fn golden() -> BTreeMap<String, Vec<Value>> {
    let text = std::fs::read_to_string(vendored().join("github-golden.jsonl")).unwrap();
    let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        by_file
            .entry(v["file"].as_str().unwrap().to_string())
            .or_default()
            .push(v);
    }
    let total: usize = by_file.values().map(Vec::len).sum();
    assert!(total > 3400, "golden file looks truncated: {total}");
    by_file
}

#[test]
fn github_slugger_fixtures_in_order_one_slugger() {
    let text = std::fs::read_to_string(vendored().join("github-slugger-fixtures.json")).unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() > 50, "fixtures look truncated");
    let mut slugger = Slugger::new();
    let mut failures = Vec::new();
    for case in &cases {
        let input = case["input"].as_str().unwrap();
        let expected = case["expected"].as_str().unwrap();
        let got = slugger.slug(input);
        if got != expected {
            failures.push(format!(
                "{}: {input:?} → {got:?}, expected {expected:?}",
                case["name"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every golden heading from its source line: the rendered text, and the
/// id from one slugger per file, fed the file's headings in order. (A
/// setext heading's line is its text, and a reference link's definition is
/// elsewhere in the file: those are slugged from the golden text, and
/// checked by the whole-file test below.)
#[test]
fn github_golden_headings_from_their_lines() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut from_lines = 0;
    for (file, golden) in &golden() {
        let mut slugger = Slugger::new();
        for g in golden {
            checked += 1;
            let (raw, text, slug) = (
                g["raw"].as_str().unwrap(),
                g["text"].as_str().unwrap(),
                g["slug"].as_str().unwrap(),
            );
            let line = g["line"].as_u64().unwrap();
            let parsed = parse::parse(raw);
            let alone = !raw.contains("][");
            let rendered = match &*parsed.headings {
                _ if !alone => text.to_string(),
                [h] if h.level as u64 == g["depth"].as_u64().unwrap() => {
                    from_lines += 1;
                    if h.text != text {
                        failures.push(format!(
                            "{file}:{line}: {raw:?} renders {:?}, GitHub: {text:?}",
                            h.text
                        ));
                    }
                    h.text.clone()
                }
                _ => text.to_string(),
            };
            let id = slugger.slug(&rendered);
            if id != slug {
                failures.push(format!(
                    "{file}:{line}: {rendered:?} → {id:?}, GitHub: {slug:?}"
                ));
            }
        }
    }
    assert!(checked > 3400, "too few headings checked: {checked}");
    assert!(
        from_lines > 3000,
        "too few lines parsed as headings: {from_lines}"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} headings differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The golden headings found by parsing the real files whole: the vendored
/// `tricky-headings.md` always, the corpora's files when they are present
/// (see `common::corpus`).
#[test]
fn github_golden_headings_parsed_from_the_real_files() {
    let by_file = golden();
    let corpora = ["system-design-101", "coding-interview-university"]
        .iter()
        .all(|c| crate::common::corpus(c).is_some());
    let mut failures = Vec::new();
    let mut checked = 0;
    for (file, golden) in &by_file {
        let path = match file.strip_prefix("slugs/") {
            Some(name) => vendored().join(name),
            None if corpora => Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared")
                .join(file),
            None => continue,
        };
        let source =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc = parse::parse(&source);
        let lines = LineIndex::new(&source);
        let ours: BTreeMap<usize, &parse::Heading> = doc
            .headings
            .iter()
            .map(|h| (lines.line_col(&source, h.span.start).line, h))
            .collect();
        if ours.len() != golden.len() {
            failures.push(format!(
                "{file}: {} headings parsed, {} in the golden file",
                ours.len(),
                golden.len()
            ));
        }
        for g in golden {
            checked += 1;
            let line = g["line"].as_u64().unwrap() as usize;
            let Some(h) = ours.get(&line) else {
                failures.push(format!("{file}:{line}: no heading parsed here"));
                continue;
            };
            let (slug, text, depth) = (
                g["slug"].as_str().unwrap(),
                g["text"].as_str().unwrap(),
                g["depth"].as_u64().unwrap() as u8,
            );
            if h.id != slug || h.level != depth {
                failures.push(format!(
                    "{file}:{line}: {:?} → id {:?} (level {}), GitHub: {slug:?} (level {depth}); text {text:?}",
                    h.text, h.id, h.level
                ));
            }
        }
    }
    assert!(
        checked > if corpora { 3400 } else { 40 },
        "too few headings checked: {checked}"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} headings differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
