//! `cargo bench`: a full `lockstep check` of a tldr-sized generated tree
//! (40,000 pages in 40 language folders plus three 2 MB READMEs), against the
//! floor of just walking, reading and parsing the same files with comrak.
//!
//! The tree is generated once into `target/bench-tree` (reused across runs;
//! delete it to regenerate).

mod tree;

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;

use lockstep::app::{self, CheckOptions};

/// The same allocator as the `lockstep` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-tree")
}

/// The floor: walk (gitignore-aware), read and parse with comrak.
fn walk_read_parse(root: &Path) -> usize {
    let mut paths = Vec::new();
    for entry in ignore::WalkBuilder::new(root).hidden(false).build() {
        let entry = entry.unwrap();
        if entry.file_type().is_some_and(|t| t.is_file())
            && entry.path().extension().is_some_and(|e| e == "md")
        {
            paths.push(entry.into_path());
        }
    }
    paths
        .par_iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let arena = comrak::Arena::new();
            // The same GFM options lockstep parses with.
            let o = lockstep::parse::comrak_options(&text);
            let root = comrak::parse_document(&arena, &text, &o);
            root.descendants().count()
        })
        .sum()
}

fn full_check(root: &Path, config: Option<&Path>) -> usize {
    let report = app::check(&CheckOptions {
        paths: vec![root.to_path_buf()],
        config: config.map(Path::to_path_buf),
        ..CheckOptions::default()
    })
    .unwrap();
    assert!(report.checked >= 40_000);
    report.diagnostics.len()
}

/// `lockstep status` on coding-interview-university (30 translations of a
/// 2,000-line README), when the shared corpora are present.
fn status_ciu(c: &mut Criterion) {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/coding-interview-university");
    if !root.is_dir() {
        eprintln!(
            "skipping the status benchmark: {} is absent",
            root.display()
        );
        return;
    }
    let mut g = c.benchmark_group("coding-interview-university");
    g.sample_size(10);
    g.bench_function("lockstep status (30 languages)", |b| {
        b.iter(|| {
            let r = lockstep::app::status::status(&lockstep::app::status::StatusOptions {
                check: CheckOptions {
                    paths: vec![root.clone()],
                    ..CheckOptions::default()
                },
            })
            .unwrap();
            assert_eq!(r.languages.len(), 30);
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let root = bench_root();
    tree::generate(&root);
    let mut g = c.benchmark_group("tldr-sized tree");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("walk + read + comrak parse", |b| {
        b.iter(|| walk_read_parse(&root))
    });
    g.bench_function("lockstep check", |b| b.iter(|| full_check(&root, None)));
    // Every shipped rule pack on: text runs for every file, 15 pattern rules.
    let packs = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-packs.toml");
    std::fs::write(&packs, "packs = [\"markdown\", \"ko\", \"ja\", \"zh\"]\n").unwrap();
    g.bench_function("lockstep check, all shipped packs", |b| {
        b.iter(|| full_check(&root, Some(&packs)))
    });
    g.finish();
}

criterion_group!(check, benches, status_ciu);
criterion_main!(check);
