//! The parse floor, as a program: walk a tree (gitignore-aware, as
//! lockstep walks), read every Markdown file and parse it with comrak with
//! the options lockstep uses, in parallel (rayon) — what any Markdown
//! checker must at least do. `scripts/bench` runs it beside `lockstep
//! check` on the same trees, as whole processes.
//!
//! `cargo build --release --example floor && target/release/examples/floor PATH`

use std::path::PathBuf;

use rayon::prelude::*;

/// The same allocator as the `lockstep` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // The same memory settings as the `lockstep` binary.
    lockstep::app::no_huge_pages();
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let mut paths = Vec::new();
    for entry in ignore::WalkBuilder::new(&root).hidden(false).build() {
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_some_and(|t| t.is_file())
            && entry
                .path()
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
        {
            paths.push(entry.into_path());
        }
    }
    let nodes: usize = paths
        .par_iter()
        .map(|p| {
            let Ok(text) = std::fs::read_to_string(p) else {
                return 0;
            };
            let arena = comrak::Arena::new();
            let o = lockstep::parse::comrak_options(&text);
            let root = comrak::parse_document(&arena, &text, &o);
            root.descendants().count()
        })
        .sum();
    println!("{} files, {nodes} nodes", paths.len());
}
