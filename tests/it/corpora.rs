//! Real documentation from `../shared/corpora/` (skipped with a message when
//! absent): the exact findings on System Design 101's Korean edition and on
//! coding-interview-university's 30 translations.

use lockstep::diagnostic::Severity;
use lockstep::rules::RuleId;

#[test]
fn system_design_101_korean_toc_anchors() {
    let Some(root) = crate::common::corpus("system-design-101") else {
        return;
    };
    let report = crate::common::check(&root, &[]);
    // The Korean TOC has exactly three broken anchors (reported by toc-drift,
    // which owns TOC entries): one error, and two that differ only in letter
    // case (warnings: github.com forgives them, other renderers do not);
    // every image resolves, including the ones with spaces in their names.
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| {
            d.severity == Severity::Error
                || d.message
                    .contains("differs from its heading's id only in letter case")
        })
        .map(|d| {
            let f = &report.files[d.file.index()];
            format!(
                "{}:{} {} {:?}",
                f.path,
                f.line_col(d.span.start).line,
                d.rule,
                d.severity
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            "translations/README-ko.md:46 toc-drift Error",
            "translations/README-ko.md:51 toc-drift Warning",
            "translations/README-ko.md:54 toc-drift Warning",
        ]
    );
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.rule != RuleId::MissingImage)
    );
    assert_eq!(report.checked, 2);
    insta::assert_snapshot!("system_design_101", crate::common::compact(&report));
}

/// `lockstep fix` on System Design 101 (as is, and as CRLF with a BOM):
/// only the broken TOC lines change (plus the `License` entry both TOCs
/// lack), byte for byte; a second run changes nothing; `check` is then free
/// of toc-drift and broken-anchor errors.
#[test]
fn system_design_101_fix() {
    let Some(root) = crate::common::corpus("system-design-101") else {
        return;
    };
    for crlf_bom in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        crate::common::copy_tree(&root, tmp.path());
        let ko = tmp.path().join("translations/README-ko.md");
        if crlf_bom {
            for f in [tmp.path().join("README.md"), ko.clone()] {
                let text = std::fs::read_to_string(&f).unwrap();
                std::fs::write(&f, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
            }
        }
        let before = std::fs::read(&ko).unwrap();
        let (diff, _) = crate::common::fix_in_place(tmp.path(), false);
        assert!(!diff.is_empty());
        let after = std::fs::read(&ko).unwrap();
        let eol: &[u8] = if crlf_bom { b"\r\n" } else { b"\n" };
        let split = |b: &[u8]| -> Vec<Vec<u8>> {
            let mut out = Vec::new();
            let mut rest = b;
            while let Some(i) = rest.windows(eol.len()).position(|w| w == eol) {
                out.push(rest[..i].to_vec());
                rest = &rest[i + eol.len()..];
            }
            out.push(rest.to_vec());
            out
        };
        let (old, new) = (split(&before), split(&after));
        assert_eq!(
            new.len(),
            old.len() + 1,
            "one line added (the License entry)"
        );
        let changed: Vec<usize> = (0..old.len())
            .filter(|&i| {
                let j = if i >= 106 { i + 1 } else { i };
                old[i] != new[j]
            })
            .map(|i| i + 1)
            .collect();
        assert_eq!(changed, [46, 51, 54], "only the broken entries change");
        assert_eq!(String::from_utf8_lossy(&new[106]), "- [License](#license)");
        for (i, line) in new.iter().enumerate() {
            let text = String::from_utf8_lossy(line);
            if (45..=53).contains(&i) {
                assert!(
                    !text.contains("(#SQL-") && !text.contains("-and-viper"),
                    "{text}"
                );
            }
        }
        assert_eq!(
            after.starts_with("\u{feff}".as_bytes()),
            crlf_bom,
            "BOM kept"
        );
        if crlf_bom {
            let lf = after.iter().filter(|&&b| b == b'\n').count();
            let crlf = after.windows(2).filter(|w| w == b"\r\n").count();
            assert_eq!(lf, crlf, "no bare LF written");
        }
        let (again, _) = crate::common::fix_in_place(tmp.path(), false);
        assert_eq!(again, "", "a second run changes nothing");
        let report = crate::common::check(tmp.path(), &[]);
        assert!(
            !report
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error
                    && matches!(d.rule, RuleId::TocDrift | RuleId::BrokenAnchor)),
            "{}",
            crate::common::compact(&report)
        );
    }
}

#[test]
fn coding_interview_university_all_translations() {
    let Some(root) = crate::common::corpus("coding-interview-university") else {
        return;
    };
    let report = crate::common::check(&root, &[]);
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
    insta::assert_snapshot!(
        "coding_interview_university",
        crate::common::compact(&report)
    );
}

/// Deleting, adding and re-imaging a Korean section of System Design 101
/// gives missing-section, extra-section and image-mismatch, each pointing at
/// the right source section.
#[test]
fn system_design_101_section_changes() {
    let Some(root) = crate::common::corpus("system-design-101") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    crate::common::copy_tree(&root, tmp.path());
    let ko = tmp.path().join("translations/README-ko.md");
    let text = std::fs::read_to_string(&ko).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let find = |lines: &[String], p: &str| lines.iter().position(|l| l.starts_with(p)).unwrap();
    // Delete "### gRPC는 어떻게 작동하나요?" (up to the next heading).
    let (a, b) = (
        find(&lines, "### gRPC는"),
        find(&lines, "### What is a webhook?"),
    );
    lines.drain(a..b);
    // Add a section of the translator's own before "###  CAP 정리".
    let c = find(&lines, "###  CAP 정리");
    for (k, l) in [
        "### 번역자 메모",
        "",
        "원문에 없는 번역자의 메모입니다.",
        "",
    ]
    .iter()
    .enumerate()
    {
        lines.insert(c + k, l.to_string());
    }
    // Show another diagram in "### SQL 쿼리 시각화".
    let d = find(&lines, "### SQL 쿼리 시각화");
    let img = (d..d + 10)
        .find(|&i| lines[i].contains("<img src="))
        .unwrap();
    lines[img] = r#"  <img src="../images/http3.jpg" />"#.to_string();
    std::fs::write(&ko, lines.join("\n") + "\n").unwrap();

    let report = crate::common::check(
        tmp.path(),
        &[
            RuleId::MissingSection,
            RuleId::ExtraSection,
            RuleId::ImageMismatch,
        ],
    );
    insta::assert_snapshot!(
        "system_design_101_section_changes",
        crate::common::compact(&report)
    );
    let got: Vec<(RuleId, Option<usize>)> = report
        .diagnostics
        .iter()
        .map(|d| {
            let src = d
                .source
                .as_ref()
                .map(|s| report.files[s.file.index()].line_col(s.span.start).line);
            (d.rule, src)
        })
        .collect();
    // README.md: 186 "### How does gRPC work?", 679 "### Visualizing a SQL query".
    assert_eq!(
        got,
        [
            (RuleId::MissingSection, Some(186)),
            (RuleId::ExtraSection, None),
            (RuleId::ImageMismatch, Some(679)),
        ]
    );
}
