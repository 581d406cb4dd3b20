//! `lockstep status` in every format, on a small pages/ + pages.xx/ tree
//! (a translated page, a partly untranslated one, pages missing in a
//! language, an orphan translation), and on the real corpora.

use lockstep::app::CheckOptions;
use lockstep::app::status::{StatusOptions, status};
use lockstep::render::status::{StatusFormat, render};

fn report(path: &std::path::Path, langs: &[&str]) -> lockstep::report::status::StatusReport {
    status(&StatusOptions {
        check: CheckOptions {
            paths: vec![path.to_path_buf()],
            langs: langs.iter().map(|s| s.to_string()).collect(),
            ..CheckOptions::default()
        },
    })
    .expect("status runs")
}

/// A copy of the pages fixture outside any git repository: staleness must
/// not depend on this repository's history.
fn pages() -> std::path::PathBuf {
    static COPY: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let dir = COPY.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        crate::common::copy_tree(
            &crate::common::repo().join("fixtures/status/pages"),
            tmp.path(),
        );
        tmp
    });
    dir.path().to_path_buf()
}

#[test]
fn every_format_on_a_pages_tree() {
    let r = report(&pages(), &[]);
    for (name, format) in [
        ("table", StatusFormat::Table),
        ("markdown", StatusFormat::Markdown),
        ("json", StatusFormat::Json),
        ("html", StatusFormat::Html),
    ] {
        let out = render(&r, format, false).unwrap();
        insta::assert_snapshot!(format!("pages_{name}"), out);
    }
    let ko = report(&pages(), &["ko"]);
    insta::assert_snapshot!(
        "pages_svg_ko",
        render(&ko, StatusFormat::Svg, false).unwrap()
    );
}

#[test]
fn json_counts_and_document_level_missing() {
    let r = report(&pages(), &[]);
    let v: serde_json::Value =
        serde_json::from_str(&render(&r, StatusFormat::Json, false).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
    let langs = v["languages"].as_array().unwrap();
    let ko = langs.iter().find(|l| l["lang"] == "ko").unwrap();
    // tar (3 sections: 2 translated, 1 untranslated), ls (2 translated),
    // cp (no Korean file: 2 missing); mv.md has no source: 2 extra.
    assert_eq!(
        (
            ko["documents"].as_u64(),
            ko["sections"].as_u64(),
            ko["translated"].as_u64(),
            ko["untranslated"].as_u64(),
            ko["missing"].as_u64(),
            ko["extra"].as_u64()
        ),
        (Some(3), Some(7), Some(4), Some(1), Some(2), Some(2))
    );
    let missing_cp = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["lang"] == "ko" && s["state"] == "missing")
        .unwrap();
    assert_eq!(missing_cp["file"], "pages.ko/common/cp.md");
    assert!(missing_cp["line"].is_null());
    let extra = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["state"] == "extra")
        .unwrap();
    assert!(extra["source_file"].is_null() && extra["source_line"].is_null());
}

#[test]
fn html_is_self_contained() {
    let html = render(&report(&pages(), &[]), StatusFormat::Html, false).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for external in ["<link", "src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!html.contains(external), "external asset: {external}");
    }
    assert!(
        html.contains("href=\"pages.ko/common/tar.md#L9\""),
        "links to file:line"
    );
}

/// The JSON report is written as it is made, to standard output or (through
/// a temporary file) to `--output`: both are the report `render` makes.
#[test]
fn cli_json_is_written_as_rendered() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("status.json");
    let run = |args: &[&str]| crate::common::lockstep(args, &pages());
    let expected = render(&report(&pages(), &[]), StatusFormat::Json, false).unwrap();
    let o = run(&["status", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), expected);
    let o = run(&[
        "status",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn cli_formats_output_and_badge_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("badge.svg");
    let run = |args: &[&str]| crate::common::lockstep(args, &pages());
    let o = run(&["status", "--format", "svg"]);
    assert_eq!(o.status.code(), Some(2), "a badge needs one --lang");
    let o = run(&[
        "status",
        "--format",
        "svg",
        "--lang",
        "ko",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains(">57% translated<"), "{svg}");
    let o = run(&["status"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("lang  documents"));
}

#[test]
fn system_design_101_korean() {
    let Some(root) = crate::common::corpus("system-design-101") else {
        return;
    };
    let r = report(&root, &[]);
    let ko = &r.languages["ko"];
    assert_eq!(ko.sections, 83);
    // Translated up to the Redis sections, English after them.
    insta::assert_snapshot!(
        "system_design_101_ko",
        format!(
            "{:?}\n{}",
            ko,
            r.sections
                .iter()
                .map(|s| format!(
                    "{:<12} {:>5} {}",
                    s.state.as_str(),
                    s.line.map(|l| l.to_string()).unwrap_or_default(),
                    s.heading.as_deref().unwrap_or("")
                ))
                .collect::<Vec<_>>()
                .join("\n")
        )
    );
}

#[test]
fn coding_interview_university_30_languages() {
    let Some(root) = crate::common::corpus("coding-interview-university") else {
        return;
    };
    let r = report(&root, &[]);
    assert_eq!(r.languages.len(), 30);
    insta::assert_snapshot!(
        "coding_interview_university_table",
        render(&r, StatusFormat::Table, false).unwrap()
    );
}

/// Headings and file names from a pull request reach the Markdown page
/// GitHub renders in PR comments and job summaries: they stay text. The page
/// is rendered here as GitHub would (GFM with raw HTML allowed) and checked
/// for tags, links and table cells it should not have.
#[test]
fn markdown_escapes_headings_and_file_names() {
    // Raw inline HTML is dropped from heading texts when parsing; in code
    // spans and as entities it is heading text.
    const EVIL: &str = "<img src=x onerror=alert(1)> </details><script>x</script> | a";
    const IN_CODE: &str = "`<img src=x onerror=alert(1)>` `</details><script>x</script>` | a";
    const AS_ENTITIES: &str =
        "&lt;img src=y onerror=alert(2)&gt; &lt;/details&gt;&lt;script&gt;y&lt;/script&gt;";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // A file name with `<`, `|`, `[`, `` ` `` where the filesystem allows it.
    let odd = "a<b|c[d]`e.md";
    let name = if std::fs::write(dir.join(odd), "").is_ok() {
        std::fs::remove_file(dir.join(odd)).unwrap();
        odd
    } else {
        "odd.md"
    };
    let source = format!(
        "# Title\n\nText.\n\n## {EVIL}\n\nMore text here, in English.\n\n## {IN_CODE}\n\nStill more text, in English.\n\n## {AS_ENTITIES}\n\nText.\n\n## 1. Links https://evil.example www.evil.example `*em*` `$x$` `[l](https://evil.example)`\n\nEven more.\n"
    );
    let korean = format!(
        "# 제목\n\n글.\n\n## {EVIL}\n\n글.\n\n## {IN_CODE}\n\nStill more text, in English.\n"
    );
    crate::common::write(dir, &format!("pages/{name}"), &source);
    crate::common::write(dir, &format!("pages.ko/{name}"), &korean);
    crate::common::write(dir, "pages/other.md", "# Other\n\nText.\n");
    let r = report(dir, &[]);
    let md = render(&r, StatusFormat::Markdown, false).unwrap();
    // Untranslated in the Korean file, and missing there: listed, escaped.
    for shown in [
        "- &lt;img src=x onerror=alert(1)&gt; &lt;/details&gt;&lt;script&gt;x&lt;/script&gt; \\| a [pages.ko/",
        "- &lt;img src=y onerror=alert(2)&gt; &lt;/details&gt;&lt;script&gt;y&lt;/script&gt; ",
        "- 1\\. Links https\\://evil.example www\\.evil.example \\*em\\* \\$x\\$ \\[l\\](https\\://evil.example) ",
    ] {
        assert!(md.contains(shown), "{shown}\nnot in:\n{md}");
    }
    for raw in ["<img", "<script", "</details><script", "](https://", "*em*"] {
        assert!(!md.contains(raw), "raw {raw:?} in:\n{md}");
    }
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );

    let mut o = comrak::Options::default();
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.strikethrough = true;
    o.extension.math_dollars = true;
    o.render.r#unsafe = true;
    let html = comrak::markdown_to_html(&md, &o);
    for bad in ["<img", "<script", "<em>", "<ol", "data-math"] {
        assert!(!html.contains(bad), "{bad:?} in:\n{html}");
    }
    assert_eq!(
        html.matches("<details>").count(),
        html.matches("</details>").count(),
        "{html}"
    );
    // Every link is one lockstep made: to a file of the tree.
    let mut links = 0;
    for (i, _) in html.match_indices("<a href=\"") {
        let href = &html[i + 9..];
        assert!(href.starts_with("pages"), "{}", &href[..href.len().min(80)]);
        links += 1;
    }
    assert!(links >= 4, "{html}");
    assert!(
        html.contains("https://evil.example www.evil.example"),
        "{html}"
    );
    // Every table row has as many cells as its header.
    for table in html.split("<table>").skip(1) {
        let table = &table[..table.find("</table>").unwrap()];
        let header = table
            .split("</tr>")
            .next()
            .unwrap()
            .matches("</th>")
            .count();
        for row in table.split("</tr>").skip(1).filter(|r| r.contains("</td>")) {
            assert_eq!(row.matches("</td>").count(), header, "{row}");
        }
    }
    // The file name reads as itself, in code and in link text.
    if name == odd {
        assert!(
            html.contains("<code>pages/a&lt;b|c[d]`e.md</code>"),
            "{html}"
        );
        assert!(html.contains(">pages.ko/a&lt;b|c[d]`e.md:9</a>"), "{html}");
    }
}

/// A translation behind its source: how many source commits changed each
/// stale section since it was synced (cosmetic ones counted apart), in
/// every format; and the pull-request report of `--changed-since`.
#[test]
fn stale_sections_say_how_far_behind_and_what_the_change_staled() {
    let case = tempfile::tempdir().unwrap();
    let put = |path: &str, text: &str| {
        let p = case.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let en = "# Guide\n\n## Install\n\nDownload the *installer* and run it.\n\n## Usage\n\nRun the tool in the root of your repository.\n";
    put("commits/01-translate/README.md", en);
    put(
        "commits/01-translate/README-ko.md",
        "# 가이드\n\n## 설치\n\n설치 프로그램을 내려받아 실행하세요.\n\n## 사용법\n\n저장소의 루트에서 도구를 실행하세요.\n",
    );
    let en2 = en.replace("and run it.", "and run it as root.");
    put("commits/02-install/README.md", &en2);
    // Cosmetic: counted apart.
    let en3 = en2.replace("*installer*", "_installer_");
    put("commits/03-emphasis/README.md", &en3);
    let en4 = en3.replace("as root", "as an administrator");
    put("commits/04-install-again/README.md", &en4);
    let en5 = en4.replace("Run the tool", "Start the tool");
    put("commits/05-usage/README.md", &en5);
    let repo = crate::common::history_fixture(case.path());
    let root = repo.path().join("repo");
    let r = report(&root, &[]);
    let mut out = String::new();
    for format in [
        StatusFormat::Table,
        StatusFormat::Json,
        StatusFormat::Markdown,
    ] {
        out.push_str(&render(&r, format, false).unwrap());
        out.push_str("\n----\n");
    }
    insta::assert_snapshot!("behind", out);
    // The change since 04: only `Usage` was staled by it.
    let pr = status(&StatusOptions {
        check: CheckOptions {
            paths: vec![root.clone()],
            changed_since: Some("HEAD~1".into()),
            ..CheckOptions::default()
        },
    })
    .expect("status runs");
    insta::assert_snapshot!(
        "pull_request_report",
        render(&pr, StatusFormat::Markdown, false).unwrap()
    );
}
