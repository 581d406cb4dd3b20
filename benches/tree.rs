//! A generated documentation tree shaped like tldr-pages, for benchmarks:
//! `pages/` plus `pages.xx/` for 39 languages (1,000 small pages each, 40,000
//! files, about 20 MB) and three 2 MB READMEs (`README.md`,
//! `translations/README-ko.md`, `translations/README-ja.md`).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

pub const LANGS: &[&str] = &[
    "ar", "bn", "bs", "ca", "cs", "da", "de", "es", "fa", "fi", "fr", "hi", "id", "it", "ja", "ko",
    "lo", "ml", "ne", "nl", "no", "pl", "pt_BR", "pt_PT", "ro", "ru", "sh", "sr", "sv", "ta", "th",
    "tr", "uk", "uz", "zh", "zh_TW", "el", "he", "hu",
];
pub const PAGES: usize = 1000;

pub fn page(i: usize, lang: &str) -> String {
    let mut s = String::with_capacity(600);
    let _ = writeln!(s, "# command-{i}\n");
    let _ = writeln!(s, "> Thing {i} ({lang}).");
    let _ = writeln!(
        s,
        "> See also: [command-{}](command-{}.md), `other`.",
        (i + 1) % PAGES,
        (i + 1) % PAGES
    );
    let _ = writeln!(s, "> More information: <https://example.com/cmd/{i}>.\n");
    for e in 0..4 {
        let _ = writeln!(s, "- Example {e}, see [top](#command-{i}):\n");
        let _ = writeln!(s, "`command-{i} -{e} {{{{path/to/file}}}}`\n");
    }
    s
}

/// A README of about `target` bytes: a TOC and numbered sections with
/// prose, an image, code, a list and links (to `pages/common/` and within).
pub fn big_readme(lang: &str, target: usize) -> String {
    let mut body = String::with_capacity(target + 4096);
    let mut toc = String::from("## Table of Contents\n\n");
    let mut k = 0;
    while body.len() + toc.len() < target {
        let _ = writeln!(toc, "- [Section {k}: topic](#section-{k}-topic)");
        let _ = writeln!(body, "## Section {k}: topic\n");
        let _ = writeln!(
            body,
            "Some prose about topic {k} with *emphasis*, `code` and a [link](pages/common/command-{}.md).\n",
            k % PAGES
        );
        let _ = writeln!(body, "![Diagram](images/diagram.png)\n");
        let _ = writeln!(body, "```sh\necho section {k}\n```\n");
        let _ = writeln!(
            body,
            "- item one\n- item two with [anchor](#section-{k}-topic)\n"
        );
        k += 1;
    }
    format!("# Big README ({lang})\n\n{toc}\n{body}")
}

/// Writes the tree under `root` unless a complete one is already there.
pub fn generate(root: &Path) {
    let marker = root.join(".complete");
    if marker.exists() {
        return;
    }
    let _ = fs::remove_dir_all(root);
    let all: Vec<&str> = std::iter::once("").chain(LANGS.iter().copied()).collect();
    for lang in &all {
        let dir = if lang.is_empty() {
            root.join("pages/common")
        } else {
            root.join(format!("pages.{lang}/common"))
        };
        fs::create_dir_all(&dir).unwrap();
        for i in 0..PAGES {
            fs::write(dir.join(format!("command-{i}.md")), page(i, lang)).unwrap();
        }
    }
    fs::create_dir_all(root.join("images")).unwrap();
    fs::write(root.join("images/diagram.png"), b"png").unwrap();
    fs::create_dir_all(root.join("translations")).unwrap();
    fs::write(root.join("README.md"), big_readme("en", 2 << 20)).unwrap();
    for lang in ["ko", "ja"] {
        let text = big_readme(lang, 2 << 20)
            .replace("](pages/", "](../pages/")
            .replace("](images/", "](../images/");
        fs::write(root.join(format!("translations/README-{lang}.md")), text).unwrap();
    }
    fs::write(marker, b"").unwrap();
}
