//! Every rule against its fixtures: `fixtures/<rule-id>/fail/<case>/` must
//! produce findings of that rule, `fixtures/<rule-id>/pass/<case>/` none.
//! Each case is a small documentation tree, checked with only its rule
//! selected; the exact diagnostics (rule, file, line, column, message, help)
//! and their human rendering are snapshotted.

mod common;
#[path = "support/server.rs"]
mod server;

use std::fs;
use std::path::Path;

use lockstep::rules::RuleId;

fn cases(rule: RuleId, kind: &str) -> Vec<(String, std::path::PathBuf)> {
    let dir = common::repo().join("fixtures").join(rule.name()).join(kind);
    let mut out: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "{} has no cases", dir.display());
    out
}

/// `fixtures/<rule>/fix/<case>/`: the diff of the safe fixes, of the unsafe
/// ones, and what `check` still reports afterwards. Fixing twice must equal
/// fixing once.
fn run_fixes(rule: RuleId) {
    let dir = common::repo()
        .join("fixtures")
        .join(rule.name())
        .join("fix");
    if !dir.is_dir() {
        return;
    }
    for (name, path) in cases(rule, "fix") {
        let (safe, fixed) = common::fix_diff(&path, false, &[rule]);
        assert!(
            !safe.is_empty() || rule == RuleId::BrokenAnchor,
            "{name}: the safe fix changed nothing"
        );
        let (again, _) = common::fix_diff(fixed.path(), false, &[rule]);
        assert_eq!(again, "", "{name}: a second safe fix changed something");
        let after = common::check(fixed.path(), &[rule]);
        let (unsafe_, fixed_unsafe) = common::fix_diff(&path, true, &[rule]);
        let (again, _) = common::fix_diff(fixed_unsafe.path(), true, &[rule]);
        assert_eq!(again, "", "{name}: a second unsafe fix changed something");
        let snapshot = format!(
            "## safe fixes\n{}\n## with --unsafe-fixes\n{}\n## check after the safe fixes\n{}",
            common::visible(&safe),
            common::visible(&unsafe_),
            common::compact(&after)
        );
        insta::assert_snapshot!(format!("{}__fix__{name}", rule.name()), snapshot);
    }
}

/// A `fail` case has findings of its rule; a `pass` case has none at all.
fn assert_outcome(rule: RuleId, kind: &str, path: &Path, report: &lockstep::report::Report) {
    let own = report.diagnostics.iter().filter(|d| d.rule == rule).count();
    match kind {
        "fail" => assert!(own > 0, "{}: expected {rule} findings", path.display()),
        _ => assert!(
            report.diagnostics.is_empty(),
            "{}: expected no findings, got:\n{}",
            path.display(),
            common::compact(report)
        ),
    }
}

/// External-link rules: each case's `{{server}}` is a test server on
/// loopback, checked with `--external` (and `--report-redirects`).
fn run_external(rule: RuleId) {
    for kind in ["fail", "pass"] {
        for (name, path) in cases(rule, kind) {
            let server = server::Server::start();
            let address = format!("http://{}", server.addr);
            let tmp = tempfile::tempdir().unwrap();
            common::copy_tree(&path, tmp.path());
            for entry in fs::read_dir(tmp.path()).unwrap() {
                let p = entry.unwrap().path();
                if p.extension().is_some_and(|e| e == "md") {
                    let text = fs::read_to_string(&p)
                        .unwrap()
                        .replace("{{server}}", &address);
                    fs::write(&p, text).unwrap();
                }
            }
            let report = lockstep::app::check(&lockstep::app::CheckOptions {
                paths: vec![tmp.path().to_path_buf()],
                select: vec![rule.name().to_string()],
                external: lockstep::app::ExternalOptions {
                    enabled: true,
                    report_redirects: rule == RuleId::RedirectedLink,
                    allow_loopback: true,
                    no_cache: true,
                    ..Default::default()
                },
                ..Default::default()
            })
            .expect("check runs");
            assert_outcome(rule, kind, &path, &report);
            // The port, masked with as many characters (columns stay true).
            let masked = format!(
                "http://127.0.0.1:{}",
                "x".repeat(server.addr.port().to_string().len())
            );
            let snapshot = format!("{}\n{}", common::compact(&report), common::human(&report))
                .replace(&address, &masked);
            insta::assert_snapshot!(format!("{}__{kind}__{name}", rule.name()), snapshot);
        }
    }
}

fn run(rule: RuleId) {
    if rule.scope() == lockstep::registry::Scope::External {
        return run_external(rule);
    }
    run_fixes(rule);
    for kind in ["fail", "pass"] {
        for (name, path) in cases(rule, kind) {
            // History fixtures become a git repository first.
            let repo = path
                .join("commits")
                .is_dir()
                .then(|| common::history_fixture(&path));
            let root = repo.as_ref().map(|t| t.path().join("repo"));
            // `select` lists other rules the case needs to run.
            let mut select = vec![rule];
            if let Ok(extra) = fs::read_to_string(path.join("select")) {
                select.extend(extra.lines().filter_map(RuleId::from_name));
            }
            let report = common::check(root.as_deref().unwrap_or(&path), &select);
            assert_outcome(rule, kind, &path, &report);
            let snapshot = format!("{}\n{}", common::compact(&report), common::human(&report));
            insta::assert_snapshot!(format!("{}__{kind}__{name}", rule.name()), snapshot);
        }
    }
}

macro_rules! fixture_tests {
    ($($test:ident => $rule:ident),* $(,)?) => {
        $(#[test] fn $test() { run(RuleId::$rule) })*

        /// Every built-in rule has a fixture test above (the shipped packs'
        /// rules are run by `shipped_pack_rules`).
        #[test]
        fn every_rule_has_a_fixture_test() {
            let tested = [$(RuleId::$rule),*];
            for rule in RuleId::ALL {
                assert!(tested.contains(rule), "{rule} has no fixture test");
            }
        }
    };
}

fixture_tests! {
    broken_anchor => BrokenAnchor,
    broken_link => BrokenLink,
    missing_image => MissingImage,
    toc_drift => TocDrift,
    missing_section => MissingSection,
    extra_section => ExtraSection,
    untranslated_section => UntranslatedSection,
    image_mismatch => ImageMismatch,
    stale_section => StaleSection,
    glossary_term => GlossaryTerm,
    dead_link => DeadLink,
    redirected_link => RedirectedLink,
    unused_suppression => UnusedSuppression,
    io_error => IoError,
    file_too_large => FileTooLarge,
}

/// The rules of the shipped packs (`rules/*.toml`).
fn pack_rules() -> Vec<RuleId> {
    let packs = lockstep::config::rule_file::packs::load().expect("the shipped packs must load");
    assert_eq!(packs.len(), 4);
    packs
        .iter()
        .flat_map(|(_, set)| set.rules.iter().map(|r| r.id))
        .collect()
}

#[test]
fn shipped_pack_rules() {
    for rule in pack_rules() {
        run(rule);
    }
}

/// Built-in rules, then the shipped packs' rules.
fn all_rules() -> Vec<RuleId> {
    RuleId::ALL.iter().copied().chain(pack_rules()).collect()
}

/// `docs/rules/<id>.md` is the page `lockstep rules <id>` prints (SARIF's
/// `helpUri` points there). Regenerate with
/// `for r in $(lockstep rules | cut -d' ' -f1); do lockstep rules $r > docs/rules/$r.md; done`.
#[test]
fn rule_pages_are_current() {
    for rule in all_rules() {
        let path = common::repo()
            .join("docs/rules")
            .join(format!("{}.md", rule.name()));
        let page = fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(page, rule.doc_page(), "{} is out of date", path.display());
    }
}

#[test]
fn every_rule_has_docs_and_fixtures() {
    for rule in all_rules() {
        let m = rule.meta();
        // The language packs' rules name the style guide they follow.
        if ["ko", "ja", "zh"].contains(&rule.pack()) {
            assert!(m.docs.contains("Source: "), "{rule}: docs name no source");
        }
        for section in ["## What it does", "## Why", "## Example", "## Fix safety"] {
            assert!(m.docs.contains(section), "{rule}: docs lack {section:?}");
        }
        assert!(!m.summary.is_empty(), "{rule}: no summary");
        assert!(
            m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{rule}: id is not kebab-case"
        );
        for kind in ["pass", "fail"] {
            let dir = common::repo().join("fixtures").join(m.name).join(kind);
            assert!(Path::new(&dir).is_dir(), "{rule}: no {}", dir.display());
        }
    }
}
