//! Real documentation from `../shared/corpora/` (skipped with a message when
//! absent): the exact findings on System Design 101's Korean edition and on
//! coding-interview-university's 30 translations.

mod common;

use lockstep::rules::RuleId;

#[test]
fn system_design_101_korean_toc_anchors() {
    let Some(root) = common::corpus("system-design-101") else {
        return;
    };
    let report = common::check(&root, &[]);
    // The Korean TOC has exactly three broken anchors; every image resolves,
    // including the ones with spaces in their names.
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.rule == RuleId::BrokenAnchor
                && report.files[d.file.index()].path == "translations/README-ko.md"),
        "{}",
        common::compact(&report)
    );
    assert_eq!(report.checked, 2);
    insta::assert_snapshot!("system_design_101", common::compact(&report));
}

#[test]
fn coding_interview_university_all_translations() {
    let Some(root) = common::corpus("coding-interview-university") else {
        return;
    };
    let report = common::check(&root, &[]);
    assert_eq!(report.checked, 33);
    // Translations with non-standard codes are recognised as editions.
    for code in ["cn", "tw", "kh", "ptbr"] {
        let i = report
            .files
            .iter()
            .position(|f| f.path == format!("translations/README-{code}.md"))
            .expect("translation present");
        assert_eq!(report.langs[i].as_deref(), Some(code));
    }
    insta::assert_snapshot!("coding_interview_university", common::compact(&report));
}
