//! `cargo bench --bench alignment`: the accuracy of section alignment,
//! measured on real translations whose translators pinned the source
//! heading's id on every translated heading (`## 配置 %{#configuration}%` in
//! the Pinia docs, `## 目標 {#goals}` on opentelemetry.io). The ids are
//! stripped from the translation, the two editions aligned, and each
//! decision scored against the ids: *correct* (certain and right),
//! *uncertain* (below the confidence threshold: no finding is made from it)
//! or *wrong* (certain and wrong — the failure that matters).
//!
//! Besides the pairs as they are, perturbation families are generated from
//! each pair of files: one translated heading's level changed; the first,
//! a middle or the last paired source section dropped (its translation is
//! then extra); the translation truncated (the source's tail is then
//! missing); two neighbouring translated sections swapped; a translated
//! section split in two. Each is aligned without history and with it (the
//! source the translation was made from — the unperturbed source — given
//! as the version at the translation's sync point, as `lockstep` does when
//! the repository has it).
//!
//! The data is fetched, at pinned commits, by `scripts/fetch-alignment-data`
//! into `target/alignment-data/`. `-- --verbose` lists every wrong decision;
//! `ALIGNMENT_ONLY=<family>` runs one family, `ALIGNMENT_UNCERTAIN=1` lists
//! the uncertain decisions too.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use lockstep::align::{self, Alignment};
use lockstep::index::Index;
use lockstep::parse::{self, Document};

/// Lines of a family's table, in order.
const FAMILIES: [&str; 9] = [
    "as is",
    "level changed",
    "first dropped",
    "middle dropped",
    "last dropped",
    "truncated",
    "reordered",
    "split",
    "all perturbations",
];

/// One Markdown file: its path (for resolving links) and text.
#[derive(Clone)]
struct File {
    path: String,
    text: String,
}

impl File {
    /// As the library holds a file.
    fn file(&self) -> lockstep::source::SourceFile {
        lockstep::source::SourceFile::new(self.path.clone(), self.text.clone())
    }

    /// The same file with another text (a perturbation).
    fn with_text(&self, text: String) -> File {
        File {
            path: self.path.clone(),
            text,
        }
    }
}

/// A translation with its pinned ids stripped: per line (0-based) of a
/// heading that had one, the id.
struct Pinned {
    file: File,
    ids: HashMap<usize, String>,
}

/// The truth for one case: translated section → source section (by index
/// into the documents' sections), translated sections that are extra, and
/// source sections that are missing.
#[derive(Default)]
struct Truth {
    pairs: Vec<(usize, usize)>,
    extra: Vec<usize>,
    missing: Vec<usize>,
    /// A split: the two halves (either may pair with the source section,
    /// the other is extra).
    split: Option<(usize, usize, usize)>,
}

#[derive(Default, Clone, Copy)]
struct Score {
    correct: usize,
    uncertain: usize,
    wrong: usize,
}

impl Score {
    fn total(&self) -> usize {
        self.correct + self.uncertain + self.wrong
    }
    fn add(&mut self, o: Score) {
        self.correct += o.correct;
        self.uncertain += o.uncertain;
        self.wrong += o.wrong;
    }
}

fn main() {
    let verbose = std::env::args().any(|a| a == "--verbose");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/alignment-data");
    let sets = discover(&data);
    if sets.is_empty() {
        // Said, not silent; but `cargo bench` goes on with the other benches.
        eprintln!(
            "alignment accuracy NOT measured: no data in {} (run scripts/fetch-alignment-data)",
            data.display()
        );
        return;
    }
    let mut table: Vec<(String, [Score; 2])> = FAMILIES
        .iter()
        .map(|f| (f.to_string(), [Score::default(); 2]))
        .collect();
    let mut per_set: Vec<(String, usize, [Score; 2])> = Vec::new();
    let mut excluded = 0usize;
    let mut files = 0usize;
    let index = Index::default();
    let started = std::time::Instant::now();
    for (set, pairs) in &sets {
        let mut set_score = [Score::default(); 2];
        let mut set_files = 0;
        for (source, translation) in pairs {
            let Some(pinned) = strip_ids(translation) else {
                continue;
            };
            let src_doc = parse::parse(&source.text);
            let (cases, unmatched) = cases(source, &src_doc, &pinned);
            excluded += unmatched;
            if cases.is_empty() {
                continue;
            }
            files += 1;
            set_files += 1;
            // The unperturbed source: the version at the sync point.
            let then = align::features(&src_doc, &source.file(), &index);
            let then_words = align::features_with_words(&src_doc, &source.file(), &index);
            let only = std::env::var("ALIGNMENT_ONLY").ok();
            for (family, src, tr, truth) in cases {
                if only.as_deref().is_some_and(|o| o != family) {
                    continue;
                }
                let sdoc = parse::parse(&src.text);
                let tdoc = parse::parse(&tr.text);
                let sf = align::features(&sdoc, &src.file(), &index);
                let tf = align::features(&tdoc, &tr.file(), &index);
                let direct = align::align(&sf, &tf);
                let now_words = align::features_with_words(&sdoc, &src.file(), &index);
                let tr_then = align::align_at_sync(&then, &tf);
                let then_now = align::align_versions(&then_words, &now_words);
                let composed = align::compose(&tr_then, &then_now, &direct);
                for (h, alignment) in [&direct, &composed].into_iter().enumerate() {
                    let name = |d: &lockstep::parse::Document, k: usize| {
                        d.sections[k]
                            .heading()
                            .map_or("(preamble)".to_string(), |h| {
                                format!("{} `{}`", k, d.headings[h].text)
                            })
                    };
                    let ns = |k: usize| name(&sdoc, k);
                    let nt = |k: usize| name(&tdoc, k);
                    let s = score(alignment, &truth, &ns, &nt, |what| {
                        if verbose {
                            println!(
                                "wrong ({family}, {}): {} — {what}",
                                ["without history", "with history"][h],
                                tr.path
                            );
                        }
                    });
                    table[family_index(family)].1[h].add(s);
                    if family != "as is" {
                        table[FAMILIES.len() - 1].1[h].add(s);
                    }
                    set_score[h].add(s);
                }
            }
        }
        per_set.push((set.clone(), set_files, set_score));
    }
    let elapsed = started.elapsed();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "alignment accuracy: {files} translated files, {} scored decisions without history ({excluded} pinned ids matched no source heading: not scored), {:.1} s",
        table
            .iter()
            .take(FAMILIES.len() - 1)
            .map(|r| r.1[0].total())
            .sum::<usize>(),
        elapsed.as_secs_f64()
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| family | decisions | without history: correct / uncertain / wrong | with history: correct / uncertain / wrong |"
    );
    let _ = writeln!(out, "|---|---:|---|---|");
    for (name, [without, with]) in &table {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} |",
            without.total(),
            cells(without),
            cells(with)
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| set | files | without history (all families) | with history |"
    );
    let _ = writeln!(out, "|---|---:|---|---|");
    for (set, n, [without, with]) in &per_set {
        let _ = writeln!(
            out,
            "| {set} | {n} | {} | {} |",
            cells(without),
            cells(with)
        );
    }
    print!("{out}");
}

fn cells(s: &Score) -> String {
    let pct = |n: usize| {
        if s.total() == 0 {
            0.0
        } else {
            100.0 * n as f64 / s.total() as f64
        }
    };
    format!(
        "{:.1}% / {:.1}% / {:.2}%",
        pct(s.correct),
        pct(s.uncertain),
        pct(s.wrong)
    )
}

fn family_index(name: &str) -> usize {
    FAMILIES.iter().position(|f| *f == name).expect("a family")
}

/// Scores one alignment against the truth; `wrong` is told each wrong
/// decision.
fn score(
    a: &Alignment,
    truth: &Truth,
    ns: &dyn Fn(usize) -> String,
    nt: &dyn Fn(usize) -> String,
    mut wrong: impl FnMut(String),
) -> Score {
    let mut s = Score::default();
    let mut judge = |ok: bool, certain: bool, what: String| {
        if !certain {
            s.uncertain += 1;
            if std::env::var_os("ALIGNMENT_UNCERTAIN").is_some() {
                println!(
                    "uncertain ({}): {what} (right: {ok})",
                    std::env::var("ALIGNMENT_ONLY").unwrap_or_default()
                );
            }
        } else if ok {
            s.correct += 1;
        } else {
            s.wrong += 1;
            wrong(what);
        }
    };
    for &(t, src) in &truth.pairs {
        let got = a.source_of(t);
        judge(
            got == Some(src),
            a.target_certain(t),
            format!(
                "{}: paired with {}, not {}",
                nt(t),
                got.map_or("nothing".into(), ns),
                ns(src)
            ),
        );
    }
    for &t in &truth.extra {
        let got = a.source_of(t);
        judge(
            got.is_none(),
            a.target_certain(t),
            format!(
                "{}: paired with {}, not extra",
                nt(t),
                got.map_or("nothing".into(), ns)
            ),
        );
    }
    for &src in &truth.missing {
        let got = a.target_of(src);
        judge(
            got.is_none(),
            a.source_certain(src),
            format!(
                "{}: paired with {}, not missing",
                ns(src),
                got.map_or("nothing".into(), nt)
            ),
        );
    }
    if let Some((first, second, src)) = truth.split {
        let (a1, a2) = (a.source_of(first), a.source_of(second));
        let ok = (a1 == Some(src) && a2.is_none()) || (a2 == Some(src) && a1.is_none());
        judge(
            ok,
            a.target_certain(first) && a.target_certain(second),
            format!("split halves {first}, {second}: paired with {a1:?}, {a2:?}, not {src}"),
        );
    }
    s
}

/// The sets under `data`: per set, (source, translation) file pairs.
fn discover(data: &Path) -> Vec<(String, Vec<(File, File)>)> {
    let mut sets = Vec::new();
    let read = |p: &Path, root: &Path| -> Option<File> {
        let text = std::fs::read_to_string(p).ok()?;
        let path = p.strip_prefix(root).ok()?.to_string_lossy().into_owned();
        Some(File { path, text })
    };
    // Pinia: packages/docs/<page>.md, translated at packages/docs/zh/<page>.md.
    let pinia = data.join("pinia");
    let zh = pinia.join("packages/docs/zh");
    if zh.is_dir() {
        let mut pairs = Vec::new();
        for t in markdown(&zh) {
            let rel = t.strip_prefix(&zh).expect("under zh");
            let s = pinia.join("packages/docs").join(rel);
            if let (Some(src), Some(tr)) = (read(&s, &pinia), read(&t, &pinia)) {
                pairs.push((src, tr));
            }
        }
        sets.push(("pinia (zh)".to_string(), pairs));
    }
    // opentelemetry.io: content/en/<page>, translated at content/<lang>/<page>.
    let otel = data.join("opentelemetry.io");
    let content = otel.join("content");
    if content.is_dir() {
        let mut langs: Vec<PathBuf> = std::fs::read_dir(&content)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        langs.sort();
        for lang in langs {
            let name = lang.file_name().unwrap().to_string_lossy().into_owned();
            if name == "en" || !lang.is_dir() {
                continue;
            }
            let mut pairs = Vec::new();
            for t in markdown(&lang) {
                let rel = t.strip_prefix(&lang).expect("under the language");
                let s = content.join("en").join(rel);
                if let (Some(src), Some(tr)) = (read(&s, &otel), read(&t, &otel)) {
                    pairs.push((src, tr));
                }
            }
            if !pairs.is_empty() {
                sets.push((format!("opentelemetry.io ({name})"), pairs));
            }
        }
    }
    sets
}

fn markdown(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(markdown(&p));
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The translation with the pinned ids of its ATX headings removed, and
/// `None` when no heading has one.
fn strip_ids(tr: &File) -> Option<Pinned> {
    let id = regex::Regex::new(r"\s*%?\{\s*#([^\s}]+)\s*\}%?\s*$").expect("valid");
    let mut ids = HashMap::new();
    let mut text = String::with_capacity(tr.text.len());
    let mut fence: Option<String> = None;
    for (n, line) in tr.text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if let Some(f) = &fence {
            if trimmed.starts_with(f.as_str()) {
                fence = None;
            }
            text.push_str(line);
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(trimmed[..3].to_string());
            text.push_str(line);
            continue;
        }
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some(c) = id.captures(body).filter(|_| body.starts_with('#')) {
            let whole = c.get(0).expect("match");
            ids.insert(n, c[1].to_string());
            text.push_str(&body[..whole.start()]);
            text.push_str(&line[body.len()..]);
            continue;
        }
        text.push_str(line);
    }
    if ids.is_empty() {
        return None;
    }
    Some(Pinned {
        file: tr.with_text(text),
        ids,
    })
}

/// The line (0-based) of each section's heading; `None` for the preamble.
fn heading_lines(doc: &Document, text: &str) -> Vec<Option<usize>> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    doc.sections
        .iter()
        .map(|s| {
            s.heading().map(|h| {
                let at = doc.headings[h].span.start;
                starts.partition_point(|&l| l <= at) - 1
            })
        })
        .collect()
}

/// Source section whose heading has `id` (GitHub's id, a custom id, or the
/// same letters and digits).
fn source_section(doc: &Document, id: &str) -> Option<usize> {
    let loose = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let want = loose(id);
    let mut found = None;
    for (k, s) in doc.sections.iter().enumerate() {
        let Some(h) = s.heading() else { continue };
        let h = &doc.headings[h];
        if h.id == id || h.custom_id.as_deref() == Some(id) {
            return Some(k);
        }
        if found.is_none()
            && (loose(&h.id) == want || h.custom_id.as_deref().map(loose) == Some(want.clone()))
        {
            found = Some(k);
        }
    }
    found
}

type Case = (&'static str, File, File, Truth);

/// The cases of one file pair: as is, and each perturbation that applies;
/// and how many pinned ids matched no source heading.
fn cases(source: &File, src_doc: &Document, pinned: &Pinned) -> (Vec<Case>, usize) {
    let tr = &pinned.file;
    let tdoc = parse::parse(&tr.text);
    let lines = heading_lines(&tdoc, &tr.text);
    // Translated section → source section, from the ids.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut taken = vec![false; src_doc.sections.len()];
    let mut unmatched = 0;
    for (t, line) in lines.iter().enumerate() {
        let Some(id) = line.and_then(|l| pinned.ids.get(&l)) else {
            continue;
        };
        match source_section(src_doc, id).filter(|&s| !taken[s]) {
            Some(s) => {
                taken[s] = true;
                pairs.push((t, s));
            }
            None => unmatched += 1,
        }
    }
    // Pinned in order only: a truth that crosses itself is a mistake in the
    // data (or a reordered page) and is not scored.
    if pairs.len() < 2 || pairs.windows(2).any(|w| w[1].1 <= w[0].1) {
        return (Vec::new(), unmatched + pairs.len());
    }
    let mut out: Vec<Case> = vec![(
        "as is",
        source.clone(),
        tr.clone(),
        Truth {
            pairs: pairs.clone(),
            ..Truth::default()
        },
    )];
    let t_spans = section_texts(&tdoc, &tr.text);
    let s_spans = section_texts(src_doc, &source.text);

    // One translated heading's level changed (the middle paired one).
    {
        let (t, _) = pairs[pairs.len() / 2];
        let h = tdoc.sections[t].heading().expect("a heading");
        let heading = &tdoc.headings[h];
        let at = heading.span.start;
        if tr.text[at..].starts_with('#') && heading.level >= 2 {
            let level = heading.level as usize;
            let new = if level < 6 { level + 1 } else { level - 1 };
            let mut text = tr.text.clone();
            text.replace_range(at..at + level, &"#".repeat(new));
            out.push((
                "level changed",
                source.clone(),
                tr.with_text(text),
                Truth {
                    pairs: pairs.clone(),
                    ..Truth::default()
                },
            ));
        }
    }

    // A paired source section dropped (its own text, not its subsections):
    // its translation is extra.
    for (family, k) in [
        ("first dropped", 0),
        ("middle dropped", pairs.len() / 2),
        ("last dropped", pairs.len() - 1),
    ] {
        let (t, s) = pairs[k];
        if s == 0 || pairs.len() < 3 {
            continue;
        }
        let (a, b) = s_spans[s];
        let mut text = source.text.clone();
        text.replace_range(a..b, "");
        let shift = |x: usize| if x > s { x - 1 } else { x };
        let truth = Truth {
            pairs: pairs
                .iter()
                .filter(|p| p.1 != s)
                .map(|&(t, x)| (t, shift(x)))
                .collect(),
            extra: vec![t],
            ..Truth::default()
        };
        out.push((family, source.with_text(text), tr.clone(), truth));
    }

    // The translation truncated before its paired section at 60%: the
    // source sections paired after it are missing.
    if pairs.len() >= 3 {
        let k = (pairs.len() * 3).div_ceil(5).min(pairs.len() - 1).max(1);
        let (t, _) = pairs[k];
        let cut = t_spans[t].0;
        let text = tr.text[..cut].to_string();
        let truth = Truth {
            pairs: pairs[..k].to_vec(),
            missing: pairs[k..].iter().map(|p| p.1).collect(),
            ..Truth::default()
        };
        out.push(("truncated", source.clone(), tr.with_text(text), truth));
    }

    // Two neighbouring paired translated sections of the same level, with
    // no subsections, swapped.
    if let Some(w) = (0..pairs.len().saturating_sub(1))
        .map(|k| (k + pairs.len() / 2) % (pairs.len() - 1))
        .find(|&k| {
            let (t1, t2) = (pairs[k].0, pairs[k + 1].0);
            t2 == t1 + 1
                && tdoc.sections[t1].level == tdoc.sections[t2].level
                && leaf(&tdoc, t1)
                && leaf(&tdoc, t2)
        })
    {
        let (t1, t2) = (pairs[w].0, pairs[w + 1].0);
        let (a, mid) = t_spans[t1];
        let (_, b) = t_spans[t2];
        let mut first = tr.text[a..mid].to_string();
        let mut second = tr.text[mid..b].to_string();
        if !second.ends_with('\n') {
            second.push('\n');
        }
        if !first.ends_with("\n\n") {
            first.push('\n');
        }
        let text = format!("{}{second}{first}{}", &tr.text[..a], &tr.text[b..]);
        let mut p = pairs.clone();
        p[w].0 = t2;
        p[w + 1].0 = t1;
        out.push((
            "reordered",
            source.clone(),
            tr.with_text(text),
            Truth {
                pairs: p,
                ..Truth::default()
            },
        ));
    }

    // A translated section with two or more paragraphs split in two by a
    // heading of its level.
    if let Some(k) = (0..pairs.len())
        .map(|k| (k + pairs.len() / 3) % pairs.len())
        .find(|&k| {
            let t = pairs[k].0;
            let (a, b) = t_spans[t];
            t > 0 && leaf(&tdoc, t) && tr.text[a..b].trim_end().matches("\n\n").count() >= 3
        })
    {
        let (t, s) = pairs[k];
        let (a, b) = t_spans[t];
        let body = &tr.text[a..b];
        // After the middle paragraph break (not inside a fence).
        let breaks: Vec<usize> = body.match_indices("\n\n").map(|(i, _)| i + 2).collect();
        let at = a + breaks[breaks.len() / 2];
        let in_fence = tr.text[a..at].matches("```").count() % 2 == 1;
        if !in_fence {
            let level = tdoc.sections[t].level as usize;
            let heading = tdoc.headings[tdoc.sections[t].heading().expect("heading")]
                .text
                .clone();
            let text = format!(
                "{}{} {heading} (2)\n\n{}",
                &tr.text[..at],
                "#".repeat(level.max(1)),
                &tr.text[at..]
            );
            let p: Vec<(usize, usize)> = pairs
                .iter()
                .filter(|p| p.0 != t)
                .map(|&(x, s)| (if x > t { x + 1 } else { x }, s))
                .collect();
            out.push((
                "split",
                source.clone(),
                tr.with_text(text),
                Truth {
                    pairs: p,
                    split: Some((t, t + 1, s)),
                    ..Truth::default()
                },
            ));
        }
    }
    (out, unmatched)
}

/// Whether section `s` has no subsections.
fn leaf(doc: &Document, s: usize) -> bool {
    doc.sections
        .get(s + 1)
        .is_none_or(|n| n.level <= doc.sections[s].level)
}

/// Each section's own text (heading to the next heading), as byte ranges.
fn section_texts(doc: &Document, text: &str) -> Vec<(usize, usize)> {
    (0..doc.sections.len())
        .map(|k| {
            let start = doc.sections[k].span.start;
            let end = doc.sections.get(k + 1).map_or(text.len(), |n| n.span.start);
            (start, end)
        })
        .collect()
}
