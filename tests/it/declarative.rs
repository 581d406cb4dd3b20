//! Declarative rules end to end: a project's own rule folder (`rule-dirs`),
//! shipped packs enabled by name, bad rule files, `lockstep rules` and
//! `lockstep rules --test`.

use std::fs;

use crate::common::{json_findings, lockstep, write};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const HOUSE: &str = r##"
[[rule]]
id = "house-spelling"
message = "write `{1}olor`, the house spelling, not `{0}`"
severity = "error"
pattern = '\b([Cc])olour\b'
scope = ["prose", "heading"]
langs = ["source"]
files = ["docs/**"]
exclude = ["docs/legacy/**"]
replace = "{1}olor"
examples.fail = ["The colour of the sky.", "# Colour"]
examples.pass = ["The color of the sky.", "`colour` in code."]
docs = "American spelling throughout the English docs."

[[rule]]
id = "no-click-here"
message = "link text `{0}` says nothing about where it goes"
severity = "warning"
pattern = '(?i)^(click here|here|this link)$'
scope = ["link-text"]
examples.fail = ["[Click here](guide.md)"]
examples.pass = ["[the guide](guide.md)"]
docs = "Link text should name its target."
"##;

fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "lockstep.toml",
        "rule-dirs = [\"rules\"]\npacks = [\"markdown\"]\n",
    );
    write(dir, "rules/house.toml", HOUSE);
    write(
        dir,
        "docs/guide.md",
        "# Colour guide\n\nPick a colour. [Click here](../README.md) for more.\n\n`colour` in code stays.\n",
    );
    write(dir, "docs/legacy/old.md", "# Old\n\nThe colour of old.\n");
    write(
        dir,
        "README.md",
        "# Readme\n\nNo colour rule here: not under docs/. TODO: tidy.\n",
    );
    write(
        dir,
        "docs/guide-ko.md",
        "# 색상 가이드\n\ncolour는 번역에서 검사하지 않습니다.\n",
    );
    tmp
}

#[test]
fn a_project_rule_folder_end_to_end() {
    let tmp = project();
    let dir = tmp.path();
    let check = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json", "--ignore", "stale-section"];
        all.extend_from_slice(args);
        lockstep(&all, dir)
    };
    let o = check(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        json_findings(&o),
        [
            "warning no-todo README.md:3:39 leftover `TODO`: finish or remove it before publishing",
            "error house-spelling docs/guide.md:1:3 write `Color`, the house spelling, not `Colour`",
            "error house-spelling docs/guide.md:3:8 write `color`, the house spelling, not `colour`",
            "warning no-click-here docs/guide.md:3:17 link text `Click here` says nothing about where it goes",
        ]
    );
    // `[rules]` sets a project rule's level; --select and --ignore know it.
    let o = check(&["--select", "no-click-here"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json_findings(&o).len(), 1);
    let o = check(&["--ignore", "house-spelling,no-todo,no-click-here"]);
    assert_eq!(json_findings(&o), Vec::<String>::new());
    let o = check(&["--select", "house-spelin"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown rule `house-spelin` (did you mean `house-spelling`?)"));

    // Inline suppressions know project rules.
    write(
        dir,
        "docs/guide.md",
        "# Colour guide\n\n<!-- lockstep-disable-next-line house-spelling -->\nPick a colour. [Click here](../README.md) for more.\n",
    );
    let o = check(&["--select", "house-spelling"]);
    assert_eq!(
        json_findings(&o),
        ["error house-spelling docs/guide.md:1:3 write `Color`, the house spelling, not `Colour`"]
    );

    // The fix keeps the case through the template, and every other byte
    // (CRLF line endings, the code span).
    write(
        dir,
        "docs/guide.md",
        "# Colour guide\r\n\r\nPick a colour, any colour; `colour` stays.\r\n",
    );
    let o = lockstep(&["fix", "--select", "house-spelling"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(dir.join("docs/guide.md")).unwrap(),
        "# Color guide\r\n\r\nPick a color, any color; `colour` stays.\r\n"
    );
    let o = check(&["--select", "house-spelling"]);
    assert_eq!(json_findings(&o), Vec::<String>::new());

    // `lockstep rules` lists the project's rules with their file; a rule's
    // page is generated from its definition.
    let o = lockstep(&["rules"], dir);
    let list = stdout(&o);
    assert!(
        list.lines().any(|l| l.starts_with("house-spelling")
            && l.contains("rules/house.toml")
            && l.contains("error")
            && l.contains("American spelling throughout the English docs")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("no-todo") && l.contains("markdown") && !l.contains("(off)")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("ko-particle-spacing") && l.contains("(off)")),
        "{list}"
    );
    let o = lockstep(&["rules", "house-spelling"], dir);
    let page = stdout(&o);
    assert!(page.starts_with("# house-spelling\n"), "{page}");
    assert!(page.contains("Pack: rules/house.toml."), "{page}");
    assert!(
        page.contains(
            "Reports text matching `\\b([Cc])olour\\b` in `prose`, `heading` (the source edition)."
        ),
        "{page}"
    );
    assert!(
        page.contains("Safe fix: the match is replaced with `{1}olor`"),
        "{page}"
    );
    assert!(
        page.contains("Defined in rules/house.toml (line 3)."),
        "{page}"
    );

    // SARIF lists the project rule (and validates: see tests/formats.rs).
    let o = lockstep(
        &["check", "--format", "sarif", "--ignore", "stale-section"],
        dir,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let house = rules
        .iter()
        .find(|r| r["id"] == "house-spelling")
        .expect("house-spelling in rules[]");
    assert_eq!(house["defaultConfiguration"]["level"], "error");
    assert!(
        house.get("helpUri").is_none(),
        "project rules have no page on the web"
    );
    let todo = rules.iter().find(|r| r["id"] == "no-todo").unwrap();
    assert!(
        todo["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("docs/rules/no-todo.md")
    );
}

#[test]
fn rules_test_runs_every_example() {
    let tmp = project();
    let dir = tmp.path();
    let o = lockstep(&["rules", "--test", "rules"], dir);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        stdout(&o),
        "ok       house-spelling (rules/house.toml): 4 examples\n\
         ok       no-click-here (rules/house.toml): 2 examples\n\
         2 rules, 6 examples: all passed\n"
    );
    // Without a folder: the loaded rules (shipped packs and the project's).
    let o = lockstep(&["rules", "--test", "--quiet"], dir);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "17 rules, 82 examples: all passed\n");
    // A wrong example fails the run, and says how.
    let broken = fs::read_to_string(dir.join("rules/house.toml"))
        .unwrap()
        .replace(
            "\"The color of the sky.\", ",
            "\"The colour of the sky.\", ",
        );
    write(dir, "rules/house.toml", &broken);
    let o = lockstep(&["rules", "--test", "rules"], dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(
            "FAILED   house-spelling (rules/house.toml)\n         pass example reported: \"The colour of the sky.\" (write `color`, the house spelling, not `colour` at \"colour\")\n"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn this_repositorys_rule_packs_pass_their_examples() {
    let o = lockstep(&["rules", "--test", "rules"], &crate::common::repo());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("15 rules, 76 examples: all passed\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn bad_rule_files_exit_2_naming_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "README.md", "# A\n");
    write(dir, "lockstep.toml", "rule-dirs = [\"rules\"]\n");
    let cases: &[(&str, &str)] = &[
        (
            "[[rule]]\nid = \"x\n",
            "rules/bad.toml:2:8: invalid basic string",
        ),
        (
            "[[rule]]\nid = \"no-x\"\nmessage = \"m\"\npattern = 'a(?<=b)'\n",
            "rules/bad.toml:4:13: invalid pattern: look-around",
        ),
        (
            "[[rule]]\nid = \"no-x\"\nmessage = \"m\"\npattern = 'x'\ncolour = 1\n",
            "rules/bad.toml:5:1: unknown field `colour`",
        ),
        (
            "[[rule]]\nid = \"no-todo\"\nmessage = \"m\"\npattern = 'x'\n",
            "rules/bad.toml:2:6: duplicate rule id `no-todo`: also defined in markdown (line 6)",
        ),
    ];
    for (text, want) in cases {
        write(dir, "rules/bad.toml", text);
        let o = lockstep(&["check"], dir);
        assert_eq!(o.status.code(), Some(2), "{text}");
        let err = stderr(&o);
        assert!(err.contains(want), "{text}\nwanted {want:?} in:\n{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // The configuration's own mistakes.
    write(dir, "lockstep.toml", "rule-dirs = [\"nowhere\"]\n");
    let o = lockstep(&["check"], dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("lockstep.toml:1:14: cannot read the rule folder"),
        "{}",
        stderr(&o)
    );
    write(dir, "lockstep.toml", "packs = [\"markdwon\"]\n");
    let o = lockstep(&["check"], dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("lockstep.toml:1:10: unknown rule pack `markdwon`: the shipped packs are markdown, ko, ja, zh"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn packs_enable_their_rules_by_name_and_language() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "README.md", "# Guide\n\nCall the API with Python.\n");
    write(
        dir,
        "README-ko.md",
        "# 가이드\n\nPython 으로 API 를 호출합니다.\n",
    );
    write(dir, "README-ja.md", "# ガイド\n\nPython 으로 呼びます.\n");
    // Off by default.
    let o = lockstep(
        &["check", "--format", "json", "--ignore", "stale-section"],
        dir,
    );
    assert_eq!(json_findings(&o), Vec::<String>::new());
    write(dir, "lockstep.toml", "packs = [\"ko\"]\n");
    let o = lockstep(
        &["check", "--format", "json", "--ignore", "stale-section"],
        dir,
    );
    // The Japanese edition's Korean-looking text is not the ko pack's business.
    assert_eq!(
        json_findings(&o),
        [
            "warning ko-particle-spacing README-ko.md:3:7 space before the particle `으로`: particles attach to the word before them",
            "warning ko-particle-spacing README-ko.md:3:14 space before the particle `를`: particles attach to the word before them",
        ]
    );
    let o = lockstep(&["fix", "--diff"], dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("+Python으로 API를 호출합니다."),
        "{}",
        stdout(&o)
    );
}

#[test]
fn untrusted_rule_files_never_panic() {
    // Arbitrary bytes and near-miss rule files: errors, never panics.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "README.md", "# A\n\nText.\n");
    write(dir, "lockstep.toml", "rule-dirs = [\"r\"]\n");
    let samples = [
        "\u{0}\u{1}[[rule]]",
        "[[rule]]\nid = \"a\"\nmessage = \"{\"\npattern = ''\n",
        "[[rule]]\nid = \"a\"\nmessage = \"}\"\npattern = '('\n",
        "[[rule]]\nid = \"a\"\nmessage = \"m\"\npattern = '\\p{NotAScript}'\n",
        "[[rule]]\nid = \"a\"\nmessage = \"m\"\npattern = '(((((((((((((((((((((((a)))))))))))))))))))))))'\nreplace = '{99999999999999999999}'\n",
        "[[glossary]]\nen = [1, 2]\nko = \"x\"\n",
        "[[rule]]\nid = \"a\"\nmessage = \"m\"\npattern = 'x'\nexamples.fail = 3\n",
        "rule = 3",
    ];
    for s in samples {
        write(dir, "r/x.toml", s);
        let o = lockstep(&["check"], dir);
        assert_eq!(o.status.code(), Some(2), "{s:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("r/x.toml"), "{s:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    // An empty pattern matches everywhere: loads, and reports nothing (empty
    // matches count in empty runs only).
    write(
        dir,
        "r/x.toml",
        "[[rule]]\nid = \"a\"\nmessage = \"m\"\npattern = ''\n",
    );
    let o = lockstep(&["check", "--ignore", "stale-section"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A project's rule file may come from a pull request: what `lockstep
/// rules` prints from it (summary, docs page, self-test problems quoting
/// examples and messages) is escaped, and no line of it can start a
/// workflow command.
#[test]
fn rule_lists_pages_and_tests_print_rule_files_safely() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "lockstep.toml", "rule-dirs = [\"rules\"]\n");
    write(
        dir,
        "rules/evil.toml",
        r#"[[rule]]
id = "evil"
message = "m \u202E\r\n::error file=README.md::from-message ##[error]x {0}"
pattern = 'evil.*'
docs = """
First sentence with \u202E, \u200B and \u2060 ::error file=README.md::summary.
::error file=README.md::from-docs
  ::warning::indented
tag \U000E0041, separator \u2028, next line \u0085, ##[error]legacy
"""
examples.fail = ["no match here\u202E\n::error::x"]
examples.pass = ["evil \u200B\r::error::y"]
"#,
    );
    let o = lockstep(&["rules"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let list = stdout(&o);
    assert!(
        list.contains(
            "  rules/evil.toml  warning        First sentence with \\u{202e}, \\u{200b} and \\u{2060} ::error file=README.md::summary\n"
        ),
        "{list}"
    );
    crate::common::assert_safe_to_print("rules", &list);

    let o = lockstep(&["rules", "evil"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(
        page.contains("\n\\u{3a}:error file=README.md::from-docs\n"),
        "{page}"
    );
    assert!(page.contains("\n  \\u{3a}:warning::indented\n"), "{page}");
    assert!(page.contains("##\\u{5b}error]legacy"), "{page}");
    crate::common::assert_safe_to_print("rules evil", &page);

    let o = lockstep(&["rules", "--test", "rules"], dir);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let tests = stdout(&o);
    assert!(
        tests.contains("FAILED   evil (rules/evil.toml)\n"),
        "{tests}"
    );
    assert!(tests.contains("pass example reported:"), "{tests}");
    assert!(
        tests.contains("\\u{202e} ::error file=README.md::from-message ##\\u{5b}error]x"),
        "{tests}"
    );
    crate::common::assert_safe_to_print("rules --test", &tests);
}
