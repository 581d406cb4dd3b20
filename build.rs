//! Generates one integration test per fixture case (`fixtures/<rule>/<kind>/<case>/`)
//! for `tests/it/fixtures.rs`, so that a failing case never hides the others.
//! The library and the binary do not use the output.

use std::fmt::Write as _;
use std::path::Path;

fn dirs(path: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(path)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn ident(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=fixtures");
    let root = Path::new("fixtures");
    let mut tests = String::new();
    let mut cases = String::from("pub const CASES: &[(&str, &str, &str)] = &[\n");
    for rule in dirs(root) {
        for kind in ["fail", "pass", "fix"] {
            for case in dirs(&root.join(&rule).join(kind)) {
                let _ = writeln!(
                    tests,
                    "#[test]\nfn {}__{kind}__{}() {{\n    super::case({rule:?}, {kind:?}, {case:?});\n}}",
                    ident(&rule),
                    ident(&case),
                );
                let _ = writeln!(cases, "    ({rule:?}, {kind:?}, {case:?}),");
            }
        }
    }
    cases.push_str("];\n");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("fixture_cases.rs"), format!("{cases}\n{tests}"))
        .expect("OUT_DIR is writable");
}
