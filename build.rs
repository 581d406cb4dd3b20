//! Generates one integration test per fixture case (`fixtures/<rule>/<kind>/<case>/`)
//! for `tests/it/fixtures.rs`, so that a failing case never hides the others.
//! The library and the binary do not use that output; they use
//! `LOCKSTEP_SOURCE_HASH`, a hash of the sources and `Cargo.lock`, which
//! tells a cache what this build made from what another build made.

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

/// FNV-1a of every file below `src/` (by path, in order) and of
/// `Cargo.lock` (the dependencies' versions).
fn source_hash() -> u64 {
    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.filter_map(|e| e.ok()) {
            let path = e.path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut all = Vec::new();
    files(Path::new("src"), &mut all);
    all.sort();
    all.push("Cargo.lock".into());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for path in all {
        let bytes = std::fs::read(&path).unwrap_or_default();
        for b in path.to_string_lossy().bytes().chain([0]).chain(bytes) {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=fixtures");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!(
        "cargo:rustc-env=LOCKSTEP_SOURCE_HASH={:016x}",
        source_hash()
    );
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
