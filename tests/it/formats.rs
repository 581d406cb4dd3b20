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
    for format in ["human", "github"] {
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
