//! `cargo bench --bench scaling`: how `lockstep check` (and `fix`) grow with
//! pathological input. Each family is generated at n, 2n and 4n; criterion
//! reports the time per element (throughput), which must stay flat — linear
//! growth — rather than double with each doubling (quadratic). The families
//! are the inputs of issue 12's adversarial run: nested images, links on one
//! line, headings with a matching TOC, a drifted TOC, findings per file, and
//! project rules.

use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use lockstep::app::{self, CheckOptions};

/// The same allocator as the `lockstep` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Generate = fn(&Path, usize);

fn readme(root: &Path, text: &str) {
    std::fs::write(root.join("README.md"), text).unwrap();
}

/// `![![![a](u)](u)](u)`: images nested n deep.
fn nested_images(root: &Path, n: usize) {
    readme(
        root,
        &format!("# T\n\n{}a{}\n", "![".repeat(n), "](u)".repeat(n)),
    );
}

/// n broken `#x` links on one line.
fn links_on_one_line(root: &Path, n: usize) {
    readme(root, &format!("# T\n\n{}\n", "[a](#x) ".repeat(n)));
}

/// n headings, each listed in a TOC.
fn headings(root: &Path, n: usize) {
    let toc: String = (0..n).map(|i| format!("- [H {i}](#h-{i})\n")).collect();
    let body: String = (0..n).map(|i| format!("## H {i}\n\ntext\n\n")).collect();
    readme(root, &format!("# T\n\n## Contents\n\n{toc}\n{body}"));
}

/// n TOC entries whose anchors were all renamed, and 10% more headings.
fn drifted_toc(root: &Path, n: usize) {
    let toc: String = (0..n)
        .map(|i| format!("- [Titre {i}](#titre-{i})\n"))
        .collect();
    let body: String = (0..n + n / 10)
        .map(|i| format!("## Heading {i}\n\ntext\n\n"))
        .collect();
    readme(root, &format!("# T\n\n## Contents\n\n{toc}\n{body}"));
}

/// n broken anchors, one per line.
fn findings_per_file(root: &Path, n: usize) {
    let body: String = (0..n).map(|i| format!("See [x](#gone-{i}).\n\n")).collect();
    readme(root, &format!("# T\n\n{body}"));
}

/// n project rules (each a pattern), on a small document.
fn rules(root: &Path, n: usize) {
    std::fs::create_dir_all(root.join("rules")).unwrap();
    let rules: String = (0..n)
        .map(|i| format!("[[rule]]\nid = \"r{i}\"\nmessage = \"m\"\npattern = 'word{i}\\b'\n\n"))
        .collect();
    std::fs::write(root.join("rules/house.toml"), rules).unwrap();
    std::fs::write(root.join("lockstep.toml"), "rule-dirs = [\"rules\"]\n").unwrap();
    let body: String = (0..200)
        .map(|i| format!("Some word{i} here.\n\n"))
        .collect();
    readme(root, &format!("# T\n\n{body}"));
}

fn check(root: &Path) -> usize {
    app::check(&CheckOptions {
        paths: vec![root.to_path_buf()],
        ignore: vec!["stale-section".into()],
        ..CheckOptions::default()
    })
    .unwrap()
    .diagnostics
    .len()
}

fn bench(c: &mut Criterion) {
    let families: [(&str, Generate, usize); 6] = [
        ("nested-images", nested_images, 25_000),
        ("links-on-one-line", links_on_one_line, 10_000),
        ("headings", headings, 25_000),
        ("drifted-toc", drifted_toc, 5_000),
        ("findings-per-file", findings_per_file, 10_000),
        ("rules", rules, 250),
    ];
    for (name, generate, base) in families {
        let mut group = c.benchmark_group(format!("scaling/{name}"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(4));
        for n in [base, 2 * base, 4 * base] {
            let tmp = tempfile::tempdir().unwrap();
            generate(tmp.path(), n);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
                b.iter(|| check(tmp.path()))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
