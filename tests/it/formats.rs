//! Output formats for CI: SARIF validated against the official schema,
//! GitHub workflow commands that cannot be injected into, and human output
//! that never prints raw control or bidi characters from user files.

use crate::common::lockstep;

use std::fs;

/// The official SARIF 2.1.0 schema (vendored in `fixtures/schemas/`).
fn sarif_schema() -> jsonschema::Validator {
    let path = crate::common::repo().join("fixtures/schemas/sarif-2.1.0.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The official schema has a pattern that is not a valid regular expression
    // here (`…[a-zA-Z]{2}]?$`, for the `language` properties, which lockstep
    // never writes); its evident meaning replaces it in this in-memory copy.
    fn fix(v: &mut serde_json::Value, n: &mut usize) {
        match v {
            serde_json::Value::String(s) if s == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" => {
                *s = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
                *n += 1;
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| fix(x, n)),
            serde_json::Value::Object(o) => o.values_mut().for_each(|x| fix(x, n)),
            _ => {}
        }
    }
    let mut fixed = 0;
    fix(&mut schema, &mut fixed);
    assert!(fixed > 0, "the schema changed: check the workaround");
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(output: &[u8]) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(output).expect("SARIF is JSON");
    let schema = sarif_schema();
    let errors: Vec<String> = schema
        .iter_errors(&v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    // The validator does reject what the schema forbids.
    let mut broken = v.clone();
    broken["runs"][0]["columnKind"] = serde_json::json!("bytes");
    assert!(!schema.is_valid(&broken));
    v
}

#[test]
fn sarif_validates_and_carries_the_registry() {
    let tmp = tempfile::tempdir().unwrap();
    crate::common::copy_tree(&crate::common::repo().join("fixtures/demo"), tmp.path());
    // A cross-edition finding with a related location, and a note.
    fs::write(
        tmp.path().join("translations/README-ko.md"),
        fs::read_to_string(tmp.path().join("translations/README-ko.md"))
            .unwrap()
            .replace("## 자주 묻는 질문\n", ""),
    )
    .unwrap();
    let o = lockstep(&["check", ".", "--format", "sarif"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let v = assert_valid_sarif(&o.stdout);
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "lockstep");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), lockstep::rules::RuleId::ALL.len());
    for r in rules {
        assert!(
            r["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert!(
            r["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert!(
            r["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("docs/rules/{}.md", r["id"].as_str().unwrap()))
        );
        assert!(r["defaultConfiguration"]["level"].is_string());
    }
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let results = run["results"].as_array().unwrap();
    let missing = results
        .iter()
        .find(|r| r["ruleId"] == "missing-section")
        .expect("a cross-edition finding");
    assert_eq!(
        missing["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "README.md"
    );
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[k].as_u64().is_some(), "{k} in {region}");
        }
        assert!(r["partialFingerprints"]["lockstep/v1"].as_str().is_some());
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            r["ruleId"]
        );
    }
}

#[test]
fn sarif_validates_with_stale_findings_and_notes() {
    let repo = crate::common::history_fixture(
        &crate::common::repo().join("fixtures/stale-section/fail/changed-sentence"),
    );
    let o = lockstep(
        &[
            "check",
            ".",
            "--select",
            "stale-section",
            "--format",
            "sarif",
        ],
        &repo.path().join("repo"),
    );
    let v = assert_valid_sarif(&o.stdout);
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "stale-section");
    assert!(
        r["properties"]["diff"]
            .as_str()
            .unwrap()
            .contains("+Download the installer, check its signature")
    );
    // No history: the note is a result at note level, still valid.
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("README.md"), "# A\n\n## B\n\nText.\n").unwrap();
    fs::write(tmp.path().join("README-ko.md"), "# 가\n\n## 나\n\n글.\n").unwrap();
    let o = lockstep(&["check", ".", "--format", "sarif"], tmp.path());
    let v = assert_valid_sarif(&o.stdout);
    assert_eq!(v["runs"][0]["results"][0]["level"], "note");
}

#[test]
fn github_commands_cannot_be_injected() {
    let tmp = tempfile::tempdir().unwrap();
    // A fragment that decodes to a newline and a workflow command, a file
    // name with the property separators, a heading with `::error`.
    fs::write(
        tmp.path().join("a,b:c.md"),
        "# Title ::error file=x::pwned\n\n[x](#%0A::error%20file=evil::pwned%0D%25)\n\n[y](missing,one:two.md)\n",
    )
    .unwrap();
    let o = lockstep(&["check", ".", "--format", "github"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "one line per finding:\n{out}");
    for l in &lines {
        assert!(
            l.starts_with("::error file=a%2Cb%3Ac.md,line=3,")
                || l.starts_with("::error file=a%2Cb%3Ac.md,line=5,"),
            "{l}"
        );
        assert!(!l[2..].contains("\n"));
        // The only `::` that separates properties from the message is the first one after the properties.
        let (props, message) = l[2..].split_once("::").unwrap();
        assert!(!props.contains("::") && props.starts_with("error file="));
        assert!(!message.contains('\r') && !message.contains('\n'));
    }
    // The decoded newline is escaped, and so are the carriage return and `%`.
    assert!(
        lines[0].contains("`%0A::error file=evil::pwned%0D%25`"),
        "{}",
        lines[0]
    );
    // Columns only for single-line spans: both findings are on one line.
    assert!(
        lines
            .iter()
            .all(|l| l.contains(",col=") && l.contains(",endColumn="))
    );
}

#[test]
fn human_and_github_output_never_print_control_or_bidi_characters() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("README.md"),
        "# Evil \u{202E}txt.exe\n\nSee [x](#\u{202E}gnp.exe) and [y](#\u{1b}[31mred) and [z](#a\u{7}b).\n",
    )
    .unwrap();
    for format in ["human", "concise", "github"] {
        let o = lockstep(
            &["check", ".", "--format", format, "--color", "never"],
            tmp.path(),
        );
        let out = String::from_utf8(o.stdout).unwrap();
        assert!(out.contains("gnp.exe"), "{out}");
        for bad in ['\u{202E}', '\u{1b}', '\u{7}'] {
            assert!(
                !out.contains(bad),
                "{format} output contains {:?}:\n{out}",
                bad
            );
        }
    }
}

#[test]
fn sarif_validates_with_declarative_rules() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("lockstep.toml"), "packs = [\"markdown\"]\n").unwrap();
    fs::write(
        tmp.path().join("README.md"),
        "# A\n\nTODO: write. See https://example.com.\n",
    )
    .unwrap();
    let o = lockstep(&["check", ".", "--format", "sarif"], tmp.path());
    let v = assert_valid_sarif(&o.stdout);
    let run = &v["runs"][0];
    let results = run["results"].as_array().unwrap();
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["no-todo", "bare-url"]);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][index]["id"], r["ruleId"]);
        assert_eq!(
            run["tool"]["driver"]["rules"][index]["properties"]["pack"],
            "markdown"
        );
    }
    // The bare URL's fix is in the help text.
    assert!(
        results[1]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("help: replace `https://example.com` with `<https://example.com>`")
    );
}

/// Every format character (zero-width, joiners, soft hyphen, the byte order
/// mark inside text, tag characters), the line and paragraph separators and
/// U+0085, and newlines decoded from a link (`%0A`) never reach human or
/// GitHub output raw: messages get `\u{…}` escapes, snippets same-length
/// stand-ins. No line of any format starts a workflow command, and `##[`
/// (the legacy form) appears in none.
#[test]
fn format_characters_newlines_and_workflow_commands_never_print_raw() {
    let invisible = [
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{2060}',
        '\u{2064}',
        '\u{FEFF}',
        '\u{00AD}',
        '\u{E0041}',
        '\u{E007F}',
        '\u{2028}',
        '\u{2029}',
        '\u{0085}',
        '\u{061C}',
        '\u{180E}',
    ];
    let hidden: String = invisible.iter().collect();
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("README.md"),
        format!(
            "# Title{hidden}\n\nSee [a](#a{hidden}b) and [n](#x%0A::error%20file=README.md::injected%0D::warning::w) and [c](#c%E2%80%8B%E2%80%AEd) and [h](#y##[error]z).\n"
        ),
    )
    .unwrap();
    for format in ["human", "concise", "github", "json", "sarif"] {
        let o = lockstep(
            &["check", ".", "--format", format, "--color", "never"],
            tmp.path(),
        );
        assert_eq!(o.status.code(), Some(1), "{format}");
        let out = String::from_utf8(o.stdout).unwrap();
        for line in out.split(['\n', '\r']) {
            assert!(
                !line.trim_start().starts_with("::")
                    || format == "github" && line.starts_with("::error file=README.md,line=3,"),
                "{format}: a workflow command in {line:?}"
            );
            assert!(!line.contains("##["), "{format}: {line:?}");
        }
        if format == "json" || format == "sarif" {
            // JSON escapes (`\u005b`) keep the value as it was.
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert!(v.to_string().contains("##["), "{format}: {out}");
            continue;
        }
        for c in invisible.iter().chain(&['\u{202E}', '\r']) {
            assert!(
                !out.contains(*c),
                "{format}: raw U+{:04X} in:\n{out}",
                *c as u32
            );
        }
        // Messages show what was there (human output wraps them).
        let out = out.replace("\n  │ ", "");
        assert!(out.contains("a\\u{200b}\\u{200c}\\u{200d}\\u{2060}\\u{2064}\\u{feff}\\u{ad}\\u{e0041}\\u{e007f}\\u{2028}\\u{2029}\\u{85}\\u{61c}\\u{180e}b"), "{format}: {out}");
        assert!(out.contains("c\\u{200b}\\u{202e}d"), "{format}: {out}");
        assert!(out.contains("y##\\u{5b}error]z"), "{format}: {out}");
        if format == "human" {
            // (Wrapping took the space before `file=`.)
            assert!(
                out.contains("`x\\u{a}::error")
                    && out.contains("README.md::injected\\u{d}::warning::w`"),
                "{out}"
            );
            // The snippet: same-length stand-ins, so the underline stays
            // under the fragment it points at.
            let snippet = out
                .lines()
                .find(|l| l.starts_with(" 3 │ See [a](#a"))
                .unwrap_or_else(|| panic!("{out}"));
            assert!(snippet.contains("(#y##?error]z)"), "{snippet}");
            let line = snippet.trim_start_matches(" 3 │ ");
            let masked: String = line
                .chars()
                .skip("See [a](#a".chars().count())
                .take(14)
                .collect();
            assert_eq!(
                masked,
                "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{B7}\u{1F6AB}\u{1F6AB}\u{FFFD}\u{FFFD}\u{B7}\u{B7}\u{FFFD}"
            );
        }
    }
}

/// Wrapped help text and the stale-section diff are indented lines of user
/// text: a `::` at their start (after the blanks the runner trims) is
/// escaped. Built directly, as no rule is needed to show it.
#[test]
fn indented_user_text_cannot_start_a_workflow_command() {
    use lockstep::diagnostic::{Diagnostic, Revision, StaleInfo};
    use lockstep::rules::RuleId;
    use lockstep::source::{FileId, SourceFile, Span};

    let file = SourceFile::new("README.md".into(), "# A\n\n[x](#b)\n".into());
    let human = lockstep::render::Human::new(lockstep::render::RenderOptions {
        color: false,
        width: Some(100),
        quiet: false,
    });
    // Help wrapped at width 100: for some lengths the second line would
    // start with `::error`.
    let mut wrapped_there = 0;
    for n in 20..100 {
        let help = format!("{} ::error file=README.md::injected", "w".repeat(n));
        let d = Diagnostic::new(RuleId::BrokenAnchor, FileId(0), Span::new(10, 12), "m")
            .with_help(help)
            .with_stale(std::sync::Arc::new(StaleInfo {
                sync: Revision {
                    id: "0123456789abcdef".into(),
                    time: 0,
                },
                changed: None,
                diff: "@@ -1,2 +1,2 @@\n ::error file=README.md::context\n-old\n+new\n".into(),
                ..StaleInfo::default()
            }));
        let out = human.render_one(&file, &d, None);
        for line in out.lines() {
            assert!(!line.trim_start().starts_with("::"), "{line:?} in:\n{out}");
        }
        assert!(
            out.contains("     \\u{3a}:error file=README.md::context"),
            "{out}"
        );
        if out.contains("\n        \\u{3a}:error file=README.md::injected") {
            wrapped_there += 1;
        }
    }
    assert!(wrapped_there > 0);
}

/// Human output wraps messages and help at spaces only: an id, a path or a
/// URL longer than what is left of the line, or than the whole line, is
/// never cut (at a hyphen, a slash or its width), so it can be copied.
#[test]
fn wrapped_human_text_keeps_ids_and_paths_whole() {
    use lockstep::diagnostic::Diagnostic;
    use lockstep::rules::RuleId;
    use lockstep::source::{FileId, SourceFile, Span};

    let file = SourceFile::new("README.md".into(), "# A\n\n[x](#b)\n".into());
    let human = lockstep::render::Human::new(lockstep::render::RenderOptions {
        color: false,
        width: Some(60),
        quiet: false,
    });
    let id = "what-is-the-difference-between-a-process-and-a-thread";
    let path = format!("images/{}/diagram.png", "nested-folder/".repeat(6));
    for n in 0..40 {
        let d = Diagnostic::new(
            RuleId::BrokenAnchor,
            FileId(0),
            Span::new(10, 12),
            format!("{} `#{id}` or `{path}`", "w".repeat(n)),
        )
        .with_help(format!("{} expected `{path}#{id}`", "h".repeat(n)));
        let out = human.render_one(&file, &d, None);
        assert!(out.contains(&format!("`#{id}`")), "{out}");
        assert!(out.contains(&format!("`{path}`")), "{out}");
        assert!(out.contains(&format!("`{path}#{id}`")), "{out}");
    }
}

/// Human output is linear in the number of findings: a snippet shows only
/// its lines, and a line longer than 240 characters as a window around the
/// finding, with `…` where it was cut. Generated here: 20,000 broken links
/// on one line, a link between two 100,000-character runs, and a 50,000
/// character match of a project rule.
#[test]
fn human_snippets_stay_small_on_huge_lines() {
    use lockstep::render::{Format, RenderOptions, renderer};

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let links: String = (0..20_000).map(|i| format!("[l](#x{i}) ")).collect();
    let (a, b, q) = ("a".repeat(100_000), "b".repeat(100_000), "q".repeat(50_000));
    crate::common::write(
        dir,
        "README.md",
        &format!("# T\n\n{links}\n\n{a} [z](#zz) {b}\n\n{q}\n\nLast.\n"),
    );
    crate::common::write(dir, "lockstep.toml", "rule-dirs = [\"rules\"]\n");
    crate::common::write(
        dir,
        "rules/q.toml",
        "[[rule]]\nid = \"long-q\"\nmessage = \"a long run of q\"\npattern = 'q{1000,}'\nexamples.fail = [\"x\"]\n",
    );
    let report = lockstep::app::check(&lockstep::app::CheckOptions {
        paths: vec![dir.to_path_buf()],
        select: vec!["broken-anchor".into(), "long-q".into()],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(report.diagnostics.len(), 20_002);
    let mut out = Vec::new();
    renderer(
        Format::Human,
        RenderOptions {
            color: false,
            width: Some(100),
            quiet: true,
        },
    )
    .render(&report, &mut out)
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    let findings: Vec<&str> = out.split("\n\n  ").collect();
    assert_eq!(findings.len(), 20_002 + 1);
    for f in &findings {
        assert!(f.len() < 2048, "{} bytes:\n{f}", f.len());
    }
    assert!(out.len() < 20_002 * 1024, "{} bytes", out.len());
    for line in out.lines() {
        assert!(line.chars().count() < 300, "{line}");
    }
    // The windows keep the underline under the span.
    for (message, line, span) in [
        ("the id `zz`", " 5 │ …", "#zz"),
        ("the id `x10000`", " 3 │ …", "#x10000"),
    ] {
        let after = &out[out.find(message).unwrap()..];
        let lines: Vec<&str> = after.lines().collect();
        let i = lines.iter().position(|l| l.starts_with(line)).unwrap();
        let (shown, underline) = (lines[i], lines[i + 1]);
        assert!(shown.ends_with('…'), "{shown}");
        let column = |s: &str, at: usize| s[..at].chars().count();
        let at = shown.find(&format!("({span})")).unwrap() + 1;
        assert_eq!(
            column(underline, underline.find('─').unwrap()),
            column(shown, at),
            "\n{shown}\n{underline}"
        );
        assert_eq!(underline.matches('─').count(), span.len());
    }
    // A span longer than the window: cut, and underlined to its `…`.
    let i = out.find("a long run of q").unwrap();
    let q = &out[i..];
    let shown = q.lines().find(|l| l.starts_with(" 7 │ ")).unwrap();
    assert_eq!(shown, format!(" 7 │ {}…", "q".repeat(239)));
}
