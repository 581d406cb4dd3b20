//! `cargo bench --bench render`: rendering a report — only rendering, the
//! report is built directly — of 1, 5,000 and 50,000 findings in one 2 MB
//! Markdown file, in every output format. Criterion reports the time per
//! finding (throughput in elements), which stays flat when rendering is
//! linear in the number of findings.
//!
//! Two shapes of the same text: ordinary lines (two links, ~55 characters
//! each), and all of it on one line — the case where a renderer that
//! counts columns from the line start, or prints the whole line, is
//! quadratic. SARIF's fingerprints (`Diagnostic::fingerprint`, used for
//! baselines too) hash a finding's line, but of a line longer than 1,000
//! bytes only the 200 bytes either side of the finding: linear here too.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use lockstep::diagnostic::Diagnostic;
use lockstep::render::{Format, RenderOptions, renderer};
use lockstep::report::Report;
use lockstep::rules::RuleId;
use lockstep::source::{FileId, SourceFile, Span};

/// The same allocator as the `lockstep` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SIZE: usize = 2 * 1024 * 1024;

/// A 2 MB file of links, and the spans of their fragments.
fn text(one_line: bool) -> (String, Vec<Span>) {
    let mut s = String::with_capacity(SIZE + 64);
    let mut spans = Vec::new();
    s.push_str("# Links\n\n");
    let mut i = 0;
    while s.len() < SIZE {
        s.push_str("See the [link](");
        let start = s.len();
        s.push_str(&format!("#x{i}"));
        spans.push(Span::new(start, s.len()));
        s.push_str(") here.");
        s.push(if one_line || i % 2 == 0 { ' ' } else { '\n' });
        i += 1;
    }
    s.push('\n');
    (s, spans)
}

/// `n` broken-anchor findings spread evenly over the file.
fn report(text: &str, spans: &[Span], n: usize) -> Report {
    let step = spans.len() / n;
    let diagnostics = (0..n)
        .map(|k| {
            let span = spans[k * step];
            Diagnostic::new(
                RuleId::BrokenAnchor,
                FileId(0),
                span,
                format!(
                    "no heading or anchor in this file has the id `{}`",
                    &text[span.start + 1..span.end]
                ),
            )
        })
        .collect();
    Report {
        files: vec![SourceFile::new("README.md".into(), text.to_string())],
        langs: vec![None],
        diagnostics,
        checked: 1,
        in_scope: vec![true],
        rules: vec![RuleId::BrokenAnchor],
        ..Report::default()
    }
}

fn render(format: Format, report: &Report) -> usize {
    let mut out = Vec::with_capacity(1 << 20);
    renderer(
        format,
        RenderOptions {
            color: false,
            width: Some(100),
            quiet: false,
        },
    )
    .render(report, &mut out)
    .unwrap();
    out.len()
}

fn benches(c: &mut Criterion) {
    let formats = [
        ("human", Format::Human),
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("github", Format::Github),
    ];
    for (shape, one_line) in [("2 MB, short lines", false), ("2 MB, one line", true)] {
        let (text, spans) = text(one_line);
        assert!(spans.len() >= 50_000);
        let mut g = c.benchmark_group(format!("render {shape}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        for n in [1, 5_000, 50_000] {
            let report = report(&text, &spans, n);
            g.throughput(Throughput::Elements(n as u64));
            for (name, format) in formats {
                g.bench_with_input(BenchmarkId::new(name, n), &report, |b, r| {
                    b.iter(|| render(format, r))
                });
            }
        }
        g.finish();
    }
}

criterion_group!(render_benches, benches);
criterion_main!(render_benches);
