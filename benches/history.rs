//! `cargo bench --bench history`: staleness from git history on repositories
//! built for the purpose — a tldr-pages-shaped one (7,000 English pages,
//! 9,000 translated pages in three languages, 20,000 commits, made with
//! `git fast-import`) and a clone of the coding-interview-university bundle
//! (when the shared corpora are present). Both are generated once under
//! `target/bench-history/` and reused; delete the folder to rebuild.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use lockstep::app::CheckOptions;
use lockstep::app::status::{StatusOptions, status};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ENGLISH: usize = 7_000;
/// tldr's platform folders and roughly their share of the pages.
const PLATFORMS: [(&str, usize); 7] = [
    ("common", 40),
    ("linux", 30),
    ("osx", 8),
    ("windows", 8),
    ("android", 5),
    ("sunos", 4),
    ("freebsd", 5),
];
const LANGS: [&str; 3] = ["de", "es", "ko"];
const PER_LANG: usize = 3_000;
const COMMITS: usize = 20_000;

fn base() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-history")
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?} failed");
}

fn page(i: usize, lang: &str, revision: usize) -> String {
    let desc = match lang {
        "de" => "Ein Befehl, der eine Sache gut macht",
        "es" => "Un comando que hace una cosa bien",
        "ko" => "한 가지 일을 잘하는 명령입니다",
        _ => "A command that does one thing well",
    };
    format!(
        "# command{i}\n\n> {desc} (revision {revision}).\n\n## Basic use\n\n- Run it:\n\n`command{i} {{{{file}}}}`\n\n## Options\n\n- Show help:\n\n`command{i} --help`\n"
    )
}

/// A tldr-shaped repository: every commit changes one page.
fn tldr() -> PathBuf {
    let dir = base().join("tldr");
    if dir.join(".complete").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    let platform = |i: usize| {
        let mut at = i * 100 / ENGLISH;
        for (name, share) in PLATFORMS {
            if at < share {
                return name;
            }
            at -= share;
        }
        "common"
    };
    let mut files: Vec<(String, String, usize)> = Vec::new();
    for i in 0..ENGLISH {
        files.push((
            format!("pages/{}/command{i}.md", platform(i)),
            String::new(),
            i,
        ));
    }
    for lang in LANGS {
        for i in 0..PER_LANG {
            // Translations cover pages spread over all platforms.
            let j = i * ENGLISH / PER_LANG;
            files.push((
                format!("pages.{lang}/{}/command{j}.md", platform(j)),
                lang.to_string(),
                j,
            ));
        }
    }
    let mut revision = vec![0usize; files.len()];
    let mut stream = Vec::with_capacity(64 << 20);
    let mut time = 1_600_000_000i64;
    let commit = |stream: &mut Vec<u8>,
                  n: usize,
                  msg: &str,
                  changes: &[usize],
                  revision: &[usize],
                  time: i64| {
        let _ = write!(
            stream,
            "commit refs/heads/main\nmark :{}\ncommitter Bench <b@example.com> {time} +0000\ndata {}\n{msg}\n",
            n + 1,
            msg.len()
        );
        if n > 0 {
            let _ = writeln!(stream, "from :{n}");
        }
        for &f in changes {
            let (path, lang, i) = &files[f];
            let text = page(*i, lang, revision[f]);
            let _ = write!(
                stream,
                "M 100644 inline {path}\ndata {}\n{text}\n",
                text.len()
            );
        }
    };
    let all: Vec<usize> = (0..files.len()).collect();
    commit(&mut stream, 0, "initial pages", &all, &revision, time);
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for n in 1..COMMITS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let f = (seed % files.len() as u64) as usize;
        revision[f] += 1;
        time += 600;
        commit(&mut stream, n, "update a page", &[f], &revision, time);
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&stream).unwrap();
    assert!(child.wait().unwrap().success());
    git(&dir, &["checkout", "-q", "-f", "main"]);
    std::fs::write(dir.join(".complete"), b"").unwrap();
    dir
}

/// A clone of the coding-interview-university bundle, if present.
fn ciu() -> Option<PathBuf> {
    let bundle = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/coding-interview-university.bundle");
    if !bundle.exists() {
        eprintln!(
            "skipping coding-interview-university: {} is absent",
            bundle.display()
        );
        return None;
    }
    let dir = base().join("ciu");
    if !dir.join(".git").exists() {
        std::fs::create_dir_all(base()).unwrap();
        git(&base(), &["clone", "-q", bundle.to_str().unwrap(), "ciu"]);
    }
    Some(dir)
}

fn run_status(root: &Path) -> usize {
    let r = status(&StatusOptions {
        check: CheckOptions {
            paths: vec![root.to_path_buf()],
            ..CheckOptions::default()
        },
    })
    .unwrap();
    assert!(r.note.is_none(), "history must be available: {:?}", r.note);
    r.languages.values().map(|c| c.stale).sum()
}

fn benches(c: &mut Criterion) {
    let tldr = tldr();
    let mut g = c.benchmark_group("staleness");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("tldr-shaped: status, 3 languages, 20,000 commits", |b| {
        b.iter(|| run_status(&tldr))
    });
    if let Some(ciu) = ciu() {
        g.bench_function(
            "coding-interview-university: status, 30 languages, 2,511 commits",
            |b| b.iter(|| run_status(&ciu)),
        );
    }
    g.finish();
}

criterion_group!(history, benches);
criterion_main!(history);
