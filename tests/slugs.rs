//! GitHub heading ids: github-slugger's own test vectors and 3,400+ real
//! headings with the ids GitHub gives them (`../shared/slugs/`). Both must
//! pass 100%. The golden headings are found by parsing the real files, so the
//! test covers heading-text rendering as well as the slug algorithm.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lockstep::parse::{self, slug::Slugger};
use lockstep::source::LineIndex;
use serde_json::Value;

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/slugs");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: ../shared/slugs is absent");
        None
    }
}

#[test]
fn github_slugger_fixtures_in_order_one_slugger() {
    let Some(dir) = shared() else { return };
    let text = std::fs::read_to_string(dir.join("github-slugger-fixtures.json")).unwrap();
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

#[test]
fn github_golden_headings_parsed_from_the_real_files() {
    let Some(dir) = shared() else { return };
    let shared_dir = dir.parent().unwrap();
    let text = std::fs::read_to_string(dir.join("github-golden.jsonl")).unwrap();
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
    let mut failures = Vec::new();
    let mut checked = 0;
    for (file, golden) in &by_file {
        let path = shared_dir.join(file);
        let Ok(source) = std::fs::read_to_string(&path) else {
            eprintln!("skipping {file}: not present");
            continue;
        };
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
    assert!(checked > 3000, "too few headings checked: {checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} headings differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
