//! Git history at its edges, end to end: translations whose paths git
//! quotes or pads in its output (a space, quotes, another script, a tab, a
//! newline, a backslash) go stale exactly as a plain path does, and are
//! found by `--changed-since` and in the working tree; a translation moved
//! with `git mv` keeps its sync point. (The fixture cases
//! `stale-section/*/renamed-*` show renames in the snapshots.)

use std::collections::HashSet;
use std::path::Path;

use lockstep::rules::RuleId;

use crate::common::{self, write};

const SOURCE: &str = "# Guide\n\n## Install\n\nDownload the installer and run it.\n\n## Usage\n\nRun the tool in the root of your repository.\n";
const SOURCE_CHANGED: &str = "# Guide\n\n## Install\n\nDownload the installer, check its signature and run it.\n\n## Usage\n\nRun the tool in the root of your repository.\n";
const TRANSLATION: &str = "# 가이드\n\n## 설치\n\n설치 프로그램을 내려받아 실행하세요.\n\n## 사용법\n\n저장소의 루트에서 도구를 실행하세요.\n";
const TRANSLATION_UPDATED: &str = "# 가이드\n\n## 설치\n\n설치 프로그램을 내려받아 서명을 확인한 뒤 실행하세요.\n\n## 사용법\n\n저장소의 루트에서 도구를 실행하세요.\n";

/// The names tried: git quotes the ones with a quote, a control character
/// or a backslash, and pads the ones with a space.
const ODD_NAMES: &[&str] = &[
    "설치 \"guide\".md",
    "a b.md",
    "tab\there.md",
    "new\nline.md",
    "back\\slash.md",
    "dash -> arrow.md",
];

/// Commit ids masked (they differ with the file names).
fn masked(text: &str) -> String {
    regex::Regex::new(r"\b[0-9a-f]{10}\b")
        .unwrap()
        .replace_all(text, "<id>")
        .into_owned()
}

/// A `history_fixture` case: the files of each commit, and `renames`.
fn case(commits: &[(&str, &[(String, &str)])], renames: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (commit, files) in commits {
        for (path, text) in *files {
            write(tmp.path(), &format!("commits/{commit}/{path}"), text);
        }
    }
    if !renames.is_empty() {
        write(tmp.path(), "renames", renames);
    }
    tmp
}

/// `docs/en/<name>` translated at `docs/ko/<name>`, then the source changed.
fn translated_then_changed(name: &str) -> tempfile::TempDir {
    let (en, ko) = (format!("docs/en/{name}"), format!("docs/ko/{name}"));
    let case = case(
        &[
            (
                "01-translate",
                &[(en.clone(), SOURCE), (ko.clone(), TRANSLATION)],
            ),
            ("02-source", &[(en, SOURCE_CHANGED)]),
        ],
        "",
    );
    common::history_fixture(case.path())
}

/// `stale-section` on the repository: the compact and the human forms.
fn stale(repo: &Path) -> (String, String) {
    let report = common::check(repo, &[RuleId::StaleSection]);
    (common::compact(&report), common::human(&report))
}

#[test]
fn odd_paths_go_stale_like_plain_ones() {
    let plain = translated_then_changed("plain.md");
    let (want, want_human) = stale(&plain.path().join("repo"));
    assert_eq!(want.lines().count(), 1, "{want}");
    assert!(
        want.starts_with("docs/ko/plain.md:3:1: warning[stale-section] section `설치` is stale"),
        "{want}"
    );
    // The old source text, fetched with `git cat-file`, is shown.
    assert!(
        want_human.contains("-Download the installer and run it."),
        "{want_human}"
    );
    for name in ODD_NAMES {
        let repo = translated_then_changed(name);
        let (got, got_human) = stale(&repo.path().join("repo"));
        assert_eq!(
            masked(&got.replace(name, "plain.md")),
            masked(&want),
            "{name:?}"
        );
        assert!(
            got_human.contains("what changed in the source section since then")
                && got_human.contains("-Download the installer and run it.")
                && got_human.contains("+Download the installer, check its signature and run it."),
            "{name:?}: {got_human}"
        );
    }
}

/// The working tree and `--changed-since` name odd paths exactly: a
/// translation updated but not committed is synced "now", and the changed
/// and untracked files are the ones listed.
#[test]
fn odd_paths_in_the_working_tree_and_changed_since() {
    for name in ODD_NAMES {
        let repo = translated_then_changed(name);
        let root = repo.path().join("repo");
        write(&root, &format!("docs/ko/{name}"), TRANSLATION_UPDATED);
        let (got, _) = stale(&root);
        assert_eq!(got, "", "{name:?}: the working-tree edit was not seen");
        write(&root, &format!("docs/new/{name}"), "# New\n");
        let changed = lockstep::history::changed_since(&root, "HEAD").unwrap().0;
        let want: HashSet<String> = [format!("docs/ko/{name}"), format!("docs/new/{name}")]
            .into_iter()
            .collect();
        assert_eq!(changed, want, "{name:?}");
    }
}

/// A file linking to an odd name, in any usual spelling, is found as
/// mentioning it (the pre-selection of `--changed-since`).
#[test]
fn links_to_odd_names_are_found_encoded_or_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    common::git_now(dir, &["init", "-q", "-b", "main"]);
    write(dir, "raw.md", "[a](<docs/설치 \"guide\".md>)\n");
    write(dir, "spaces.md", "[a](docs/설치%20%22guide%22.md)\n");
    write(
        dir,
        "all.md",
        "[a](docs/%ec%84%a4%ec%b9%98%20%22guide%22.md)\n",
    );
    write(dir, "other.md", "[a](docs/guide.md)\n");
    write(dir, "newline.md", "[a](docs/new%0Aline.md)\n");
    let found = lockstep::history::files_mentioning(
        dir,
        &["설치 \"guide\".md".to_string(), "new\nline.md".to_string()],
    )
    .unwrap();
    let want: HashSet<String> = ["raw.md", "spaces.md", "all.md", "newline.md"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(found, want);
}

/// `git mv` of a translation with an odd name, then nothing: still stale,
/// as the plain `stale-section/fail/renamed-translation` fixture is; moved
/// and then really updated: not stale.
#[test]
fn renamed_translations_keep_their_sync_point() {
    for name in ["plain", "설치 \"guide\"", "a b"] {
        let (en, ko, moved) = (
            format!("docs/{name}.md"),
            format!("docs/{name}-ko.md"),
            format!("docs/{name}.ko.md"),
        );
        let commits: &[(&str, &[(String, &str)])] = &[
            (
                "01-translate",
                &[(en.clone(), SOURCE), (ko.clone(), TRANSLATION)],
            ),
            ("02-source", &[(en.clone(), SOURCE_CHANGED)]),
            ("03-rename", &[(moved.clone(), TRANSLATION)]),
        ];
        let renames = format!("03-rename: {ko} -> {moved}\n");
        let case_dir = case(commits, &renames);
        let repo = common::history_fixture(case_dir.path());
        let root = repo.path().join("repo");
        assert!(!root.join(&ko).exists() && root.join(&moved).exists());
        let (got, _) = stale(&root);
        assert_eq!(got.lines().count(), 1, "{name}: {got}");
        assert!(
            got.starts_with(&format!(
                "{moved}:3:1: warning[stale-section] section `설치` is stale: its source section changed in "
            )),
            "{name}: {got}"
        );
        // The sync point is the translation's commit, not the rename's.
        let log = common::git_now(&root, &["log", "--format=%h", "--abbrev=10", "--reverse"]);
        let ids: Vec<&str> = log.lines().collect();
        assert!(
            got.contains(&format!(
                "changed in {} (2024-01-02) since it was synced at {} (2024-01-01)",
                ids[1], ids[0]
            )),
            "{name}: {got}"
        );

        let mut updated = commits.to_vec();
        let update = [(moved.clone(), TRANSLATION_UPDATED)];
        updated.push(("04-update", &update));
        let case_dir = case(&updated, &renames);
        let repo = common::history_fixture(case_dir.path());
        let (got, _) = stale(&repo.path().join("repo"));
        assert_eq!(got, "", "{name}");
    }
}

/// `git mv` not yet committed: the moved translation, and a moved source
/// with its translation, keep their history as a committed move does (the
/// old source text is found at its old path).
#[test]
fn uncommitted_moves_keep_the_sync_point() {
    for (moves, translation) in [
        (
            &[("docs/a b-ko.md", "docs/a b.ko.md")][..],
            "docs/a b.ko.md",
        ),
        (
            &[
                ("docs/a b.md", "docs/설치 \"guide\".md"),
                ("docs/a b-ko.md", "docs/설치 \"guide\"-ko.md"),
            ][..],
            "docs/설치 \"guide\"-ko.md",
        ),
    ] {
        let commits: &[(&str, &[(String, &str)])] = &[
            (
                "01-translate",
                &[
                    ("docs/a b.md".into(), SOURCE),
                    ("docs/a b-ko.md".into(), TRANSLATION),
                ],
            ),
            ("02-source", &[("docs/a b.md".into(), SOURCE_CHANGED)]),
        ];
        let case_dir = case(commits, "");
        let repo = common::history_fixture(case_dir.path());
        let root = repo.path().join("repo");
        for (from, to) in moves {
            common::git_now(&root, &["mv", from, to]);
        }
        let (got, human) = stale(&root);
        assert_eq!(got.lines().count(), 1, "{moves:?}: {got}");
        assert!(
            got.starts_with(&format!("{translation}:3:1: warning[stale-section]")),
            "{moves:?}: {got}"
        );
        let log = common::git_now(&root, &["log", "--format=%h", "--abbrev=10", "--reverse"]);
        let ids: Vec<&str> = log.lines().collect();
        assert!(
            got.contains(&format!("since it was synced at {} (2024-01-01)", ids[0])),
            "{moves:?}: {got}"
        );
        assert!(
            human.contains("-Download the installer and run it."),
            "{moves:?}: {human}"
        );
    }
}

/// A long source diff is cut in human output after 12 lines ("… N more
/// lines"); JSON keeps all of it.
#[test]
fn long_stale_diffs_are_cut_in_human_output_only() {
    let old: String = (1..=20)
        .map(|k| format!("- step {k}: run the tool\n"))
        .collect();
    let new: String = (1..=20)
        .map(|k| format!("- step {k}: run the tool again\n"))
        .collect();
    let source = |body: &str| format!("# Guide\n\n## Steps\n\n{body}");
    let (s1, s2) = (source(&old), source(&new));
    let ko = "# 가이드\n\n## 단계\n\n- 1단계: 도구를 실행하세요\n";
    let case = case(
        &[
            (
                "01-translate",
                &[
                    ("README.md".to_string(), s1.as_str()),
                    ("README-ko.md".to_string(), ko),
                ],
            ),
            ("02-source", &[("README.md".to_string(), s2.as_str())]),
        ],
        "",
    );
    let repo = common::history_fixture(case.path());
    let root = repo.path().join("repo");
    let human = common::lockstep(
        &["check", "--select", "stale-section", "--color", "never"],
        &root,
    );
    let text = String::from_utf8_lossy(&human.stdout);
    // 3 header lines, 2 of context, 20 removed, 20 added: 12 shown.
    assert!(text.contains("    … 33 more lines\n"), "{text}");
    assert_eq!(text.matches("    -- step").count(), 7, "{text}");
    assert_eq!(text.matches("    +- step").count(), 0, "{text}");
    let json = common::lockstep(
        &["check", "--select", "stale-section", "--format", "json"],
        &root,
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let diff = v["diagnostics"][0]["diff"].as_str().unwrap();
    assert_eq!(diff.lines().count(), 45, "{diff}");
    assert_eq!(diff.matches("+- step").count(), 20, "{diff}");
}

/// Documentation in a folder of a larger repository: a sync marker may name
/// a commit that touched only other files (`lockstep sync` records HEAD,
/// whatever it changed). It stands for the newest commit before it that the
/// documentation's history has: the translation is in sync, and the marker
/// is not reported as unknown.
#[test]
fn markers_may_name_commits_outside_the_documentation() {
    let source = "# Guide\n\n## Install\n\nRun it.\n";
    let changed = "# Guide\n\n## Install\n\nRun it as root.\n";
    let ko = "# 가이드\n\n## 설치\n\n실행하세요.\n";
    let marked =
        "<!-- lockstep-synced: {{commit:03-code}} -->\n# 가이드\n\n## 설치\n\n실행하세요.\n";
    let case = case(
        &[
            (
                "01-translate",
                &[
                    ("docs/README.md".to_string(), source),
                    ("docs/README-ko.md".to_string(), ko),
                ],
            ),
            ("02-source", &[("docs/README.md".to_string(), changed)]),
            (
                "03-code",
                &[("src/main.c".to_string(), "int main(void) { return 0; }\n")],
            ),
        ],
        "",
    );
    write(case.path(), "worktree/docs/README-ko.md", marked);
    let repo = common::history_fixture(case.path());
    let docs = repo.path().join("repo/docs");
    std::fs::write(docs.join("lockstep.toml"), "").unwrap();
    let report = common::check(&docs, &[RuleId::StaleSection]);
    assert_eq!(
        common::compact(&report),
        "",
        "in sync, and the marker is known"
    );
    // A commit the repository does not have is still reported.
    std::fs::write(
        docs.join("README-ko.md"),
        marked.replace("{{commit:03-code}}", "0123abcd"),
    )
    .unwrap();
    let report = common::check(&docs, &[RuleId::StaleSection]);
    let text = common::compact(&report);
    assert!(
        text.contains("sync marker names commit `0123abcd`"),
        "{text}"
    );
}

/// `lockstep ARGS .` in `dir`, with the caches in `.git/lockstep/` or
/// without them (`LOCKSTEP_NO_HISTORY_CACHE=1`): its standard output.
fn run_in(dir: &Path, args: &[&str], cache: bool) -> String {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lockstep"));
    cmd.args(args)
        .arg(".")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    if !cache {
        cmd.env("LOCKSTEP_NO_HISTORY_CACHE", "1");
    }
    String::from_utf8(cmd.output().expect("run lockstep").stdout).unwrap()
}

/// `check --select stale-section --format concise .` in `dir`, with the
/// history cache or without it.
fn stale_concise(dir: &Path, cache: bool) -> String {
    let args = ["check", "--select", "stale-section", "--format", "concise"];
    run_in(dir, &args, cache)
}

/// The replay state cached in `.git/lockstep/`: a second run reads no
/// commit, a run after a new commit reads only that one, and every run
/// finds exactly what a run without the cache finds.
#[test]
fn the_history_cache_serves_only_what_is_new() {
    use lockstep::history::{CacheUse, History, HistoryOptions};
    let repo = translated_then_changed("guide.md");
    let root = repo.path().join("repo");
    let load = || History::load(&root, &HistoryOptions::default()).expect("history");
    let uncached = || stale_concise(&root, false);
    let cached = || stale_concise(&root, true);
    // (The command line reads the history for its editions: another key.
    // The cache holds one key; each run here uses one of them throughout.)
    assert_eq!(load().cache, CacheUse::Miss);
    assert!(root.join(".git/lockstep/history-v1.bin").is_file());
    assert_eq!(load().cache, CacheUse::Hit { read: 0 });
    write(
        &root,
        "docs/en/guide.md",
        &SOURCE_CHANGED.replace("Run the tool", "Start the tool"),
    );
    common::git_now(&root, &["commit", "-qam", "usage"]);
    assert_eq!(load().cache, CacheUse::Hit { read: 1 });
    assert_eq!(load().cache, CacheUse::Hit { read: 0 });
    // A damaged cache file is read as none, and rewritten.
    std::fs::write(root.join(".git/lockstep/history-v1.bin"), b"junk").unwrap();
    assert_eq!(load().cache, CacheUse::Miss);
    assert_eq!(load().cache, CacheUse::Hit { read: 0 });
    // A history rewritten under the cache (an amended commit) is read again.
    common::git_now(&root, &["commit", "-q", "--amend", "-m", "usage, amended"]);
    assert_eq!(load().cache, CacheUse::Miss);

    // The command line, cold, warm and after a commit, finds what a run
    // without the cache finds.
    let (cold, plain) = (cached(), uncached());
    assert_eq!(cold.matches("is stale").count(), 2, "{cold}");
    assert_eq!(cold, plain);
    assert_eq!(cached(), plain);
    write(&root, "docs/ko/guide.md", TRANSLATION_UPDATED);
    common::git_now(&root, &["commit", "-qam", "translate the install section"]);
    let (warm, plain) = (cached(), uncached());
    assert_eq!(warm.matches("is stale").count(), 1, "{warm}");
    assert_eq!(warm, plain);
}

/// `check --format json .` in `dir` (every default rule), with the caches
/// in `.git/lockstep/` or without them.
fn json_check(dir: &Path, cache: bool) -> String {
    run_in(dir, &["check", "--format", "json"], cache)
}

/// Old source versions (where their sections are, their features) are kept
/// in `.git/lockstep/versions-v1.bin` for the next run, which finds what a
/// run without any cache finds; a damaged file is ignored and rewritten.
#[test]
fn old_versions_are_kept_for_the_next_run() {
    let repo = translated_then_changed("guide.md");
    let root = repo.path().join("repo");
    let file = root.join(".git/lockstep/versions-v1.bin");
    let plain = json_check(&root, false);
    assert!(plain.contains("is stale"), "{plain}");
    assert!(!file.exists(), "LOCKSTEP_NO_HISTORY_CACHE writes no cache");
    assert_eq!(json_check(&root, true), plain);
    let written = std::fs::read(&file).expect("the versions file");
    assert!(written.starts_with(b"lockstep versions cache v1\n"));
    // The next run reads it, and writes nothing new: the file is not
    // even written again (a run that found nothing in it would).
    let modified = || std::fs::metadata(&file).unwrap().modified().unwrap();
    let before = modified();
    assert_eq!(json_check(&root, true), plain);
    assert_eq!(modified(), before);
    assert_eq!(std::fs::read(&file).unwrap(), written);
    // Damaged, it is read as none and written again.
    std::fs::write(&file, &written[..written.len() - 3]).unwrap();
    assert_eq!(json_check(&root, true), plain);
    assert_eq!(std::fs::read(&file).unwrap(), written);
    // A new source commit: the same findings as without the cache.
    write(
        &root,
        "docs/en/guide.md",
        &SOURCE_CHANGED.replace("Run the tool", "Start the tool"),
    );
    common::git_now(&root, &["commit", "-qam", "usage"]);
    assert_eq!(json_check(&root, true), json_check(&root, false));
}

/// A partial clone lacks some objects: the files whose history needs them
/// are left out (their staleness unchecked, said once), every other file is
/// checked as before.
#[test]
fn a_missing_object_affects_only_the_files_that_need_it() {
    let case = case(
        &[
            (
                "01-translate",
                &[
                    ("README.md".to_string(), SOURCE),
                    ("README-ko.md".to_string(), TRANSLATION),
                    ("guide.md".to_string(), SOURCE),
                    (
                        "guide-ja.md".to_string(),
                        "# ガイド\n\n## インストール\n\nインストーラーを実行してください。\n\n## 使い方\n\nリポジトリのルートでツールを実行してください。\n",
                    ),
                    ("images/logo.png".to_string(), "not really a PNG\u{0}\u{1}"),
                ],
            ),
            (
                "02-source",
                &[
                    ("README.md".to_string(), SOURCE_CHANGED),
                    ("guide.md".to_string(), SOURCE_CHANGED),
                    ("images/logo.png".to_string(), "another image\u{0}\u{2}"),
                ],
            ),
        ],
        "",
    );
    let repo = common::history_fixture(case.path());
    let root = repo.path().join("repo");
    let before = stale(&root).0;
    assert_eq!(before.matches("is stale").count(), 2, "{before}");
    // Remove the first version of the image and of the Japanese page from
    // the object store, as a partial clone would lack them.
    // Returns the object's file and bytes, to put it back.
    let remove = |rev: &str| {
        let id = common::git_now(&root, &["rev-parse", rev]);
        let id = id.trim();
        let file = root.join(".git/objects").join(&id[..2]).join(&id[2..]);
        let bytes = std::fs::read(&file).unwrap();
        std::fs::remove_file(&file).unwrap();
        (file, bytes)
    };
    // (Without the history cache, which would spare git the reading.)
    let no_cache = || {
        let _ = std::fs::remove_dir_all(root.join(".git/lockstep"));
    };
    remove("HEAD~1:images/logo.png");
    no_cache();
    let (text, _) = stale(&root);
    assert_eq!(text, before, "an image's missing blob changes nothing");
    let (object, bytes) = remove("HEAD~1:guide-ja.md");
    no_cache();
    let (text, human) = stale(&root);
    insta::assert_snapshot!(
        "missing_object",
        masked(
            &regex::Regex::new(r"\b[0-9a-f]{10}\b")
                .unwrap()
                .replace_all(&format!("{text}\n{human}"), "<id>")
        )
    );
    // The partial history is cached with the file it left out: the next
    // run reads no commit and reports the same.
    no_cache();
    assert_eq!(stale(&root), (text.clone(), human.clone()));
    assert_eq!(stale(&root), (text, human));
    use lockstep::history::{CacheUse, History, HistoryOptions};
    let load = || History::load(&root, &HistoryOptions::default()).expect("history");
    no_cache();
    assert_eq!(load().cache, CacheUse::Miss);
    assert_eq!(load().cache, CacheUse::Hit { read: 0 });
    // A cached object id that is not one (a damaged file) is not used.
    let cache = root.join(".git/lockstep/history-v1.bin");
    let id = format!(
        "{}{}",
        object
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap(),
        object.file_name().unwrap().to_str().unwrap()
    );
    let cached = std::fs::read(&cache).unwrap();
    let at = cached
        .windows(id.len())
        .position(|w| w == id.as_bytes())
        .expect("the object id is in the cache");
    let mut damaged = cached.clone();
    damaged[at..at + id.len()].fill(b'z');
    std::fs::write(&cache, &damaged).unwrap();
    assert_eq!(load().cache, CacheUse::Miss);
    assert_eq!(load().cache, CacheUse::Hit { read: 0 });
    // Once the clone has the object again, the history is read whole.
    std::fs::write(&object, &bytes).unwrap();
    assert_eq!(load().cache, CacheUse::Miss);
    assert_eq!(stale(&root).0, before);
}

/// The repository is looked for as git looks for it: not above a
/// `GIT_CEILING_DIRECTORIES` entry (the tree then counts as a plain
/// folder), and a repository without commits is named as such — through
/// the single `rev-parse` that asks for the repository and HEAD at once.
#[test]
fn the_repository_is_found_as_git_finds_it() {
    let repo = translated_then_changed("guide.md");
    let root = repo.path().join("repo");
    let stale_notes = |o: &std::process::Output| -> Vec<String> {
        common::json_findings(o)
            .into_iter()
            .filter(|f| f.contains("stale-section"))
            .collect()
    };
    // Inside the repository: the source change is found.
    let inside = common::lockstep(&["check", "docs", "--format", "json"], &root);
    assert!(
        stale_notes(&inside)
            .iter()
            .any(|f| f.contains("ko/guide.md")),
        "{:?}",
        stale_notes(&inside)
    );
    // With the repository's folder as a ceiling, `docs/` is a plain folder.
    let ceiling = std::process::Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .args(["check", "docs", "--format", "json"])
        .current_dir(&root)
        .env("GIT_CEILING_DIRECTORIES", &root)
        .output()
        .unwrap();
    let notes = stale_notes(&ceiling);
    assert!(
        !notes.is_empty() && notes.iter().all(|f| f.contains("not in a git repository")),
        "{notes:?}"
    );
    // A repository with no commit yet.
    let empty = tempfile::tempdir().unwrap();
    write(empty.path(), "README.md", SOURCE);
    write(empty.path(), "README.ko.md", TRANSLATION);
    let init = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(empty.path())
        .status()
        .unwrap();
    assert!(init.success());
    let fresh = common::lockstep(&["check", ".", "--format", "json"], empty.path());
    let notes = stale_notes(&fresh);
    assert!(
        !notes.is_empty() && notes.iter().all(|f| f.contains("no commits yet")),
        "{notes:?}"
    );
}

/// No git process runs when no rule needs the history: a tree without
/// translations (or with the history rules off) starts none; one with
/// translations does. (A `git` on PATH that records its calls, then runs
/// the real one.)
#[test]
fn git_runs_only_when_the_history_is_needed() {
    let repo = translated_then_changed("guide.md");
    let root = repo.path().join("repo");
    write(&root, "english-only/README.md", "# Only English\n\nText.\n");
    let real = std::process::Command::new("sh")
        .args(["-c", "command -v git"])
        .output()
        .unwrap();
    let real = String::from_utf8(real.stdout).unwrap().trim().to_string();
    assert!(!real.is_empty(), "git must be installed for this test");
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("calls");
    let fake = bin.path().join("git");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nexec '{real}' \"$@\"\n",
            log.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let calls = |args: &[&str]| -> usize {
        let _ = std::fs::remove_file(&log);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_lockstep"))
            .args(args)
            .current_dir(&root)
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
        std::fs::read_to_string(&log).map_or(0, |t| t.lines().count())
    };
    assert_eq!(calls(&["check", "english-only"]), 0);
    assert_eq!(calls(&["check", "docs", "--select", "broken-link"]), 0);
    assert!(calls(&["check", "docs"]) > 0);
}

/// Two translations synced at two commits between which the source did
/// not change: the source's text then is the same, read twice and parsed
/// once, and each translation's section goes stale with that text as the
/// old one. (That it is parsed once is held by `app::run`'s unit test
/// `each_text_of_a_file_is_parsed_once`: this one passes without the
/// sharing too, since staleness reads again a version the prior lacks.)
#[test]
fn translations_synced_at_the_same_source_text_go_stale_with_it() {
    const JA_EDITED: &str = "# 가이드\n\n## 설치\n\n설치 프로그램을 내려받은 뒤 실행하세요.\n\n## 사용법\n\n저장소의 루트에서 도구를 실행하세요.\n";
    let case = case(
        &[
            (
                "01-translate",
                &[
                    ("docs/en/guide.md".to_string(), SOURCE),
                    ("docs/ko/guide.md".to_string(), TRANSLATION),
                    ("docs/ja/guide.md".to_string(), TRANSLATION),
                ],
            ),
            ("02-edit-ja", &[("docs/ja/guide.md".to_string(), JA_EDITED)]),
            (
                "03-source",
                &[("docs/en/guide.md".to_string(), SOURCE_CHANGED)],
            ),
        ],
        "",
    );
    let repo = common::history_fixture(case.path());
    let (compact, human) = stale(&repo.path().join("repo"));
    let lines: Vec<&str> = compact.lines().collect();
    assert_eq!(lines.len(), 2, "{compact}");
    for (line, path) in lines.iter().zip(["docs/ja/guide.md", "docs/ko/guide.md"]) {
        assert!(
            line.starts_with(&format!(
                "{path}:3:1: warning[stale-section] section `설치` is stale"
            )),
            "{compact}"
        );
    }
    assert_eq!(
        human.matches("-Download the installer and run it.").count(),
        2,
        "{human}"
    );
}

/// Each documentation root of a repository keeps its own cached state:
/// checking `docs/` and the whole repository in turn reads the history
/// once for each, then never again (one shared file made each evict the
/// other, so neither was ever served).
#[test]
fn roots_checked_in_turn_keep_their_own_cache() {
    use lockstep::history::{CacheUse, History, HistoryOptions};
    let repo = translated_then_changed("guide.md");
    let root = repo.path().join("repo");
    let load = |dir: &Path| History::load(dir, &HistoryOptions::default()).expect("history");
    let docs = root.join("docs");
    assert_eq!(load(&docs).cache, CacheUse::Miss);
    assert_eq!(load(&root).cache, CacheUse::Miss);
    assert_eq!(load(&docs).cache, CacheUse::Hit { read: 0 });
    assert_eq!(load(&root).cache, CacheUse::Hit { read: 0 });
    let files: Vec<String> = std::fs::read_dir(root.join(".git/lockstep"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.iter().any(|f| f == "history-v1.bin"), "{files:?}");
    // The command line, from either root, finds what a run without the
    // cache finds.
    for dir in [&docs, &root] {
        let (cached, plain) = (stale_concise(dir, true), stale_concise(dir, false));
        assert_eq!(cached.matches("is stale").count(), 1, "{cached}");
        assert_eq!(cached, plain);
        assert_eq!(stale_concise(dir, true), plain);
    }
}
