//! `lockstep check --external` end to end, against a test server on
//! loopback (hence `--allow-private`): findings, the address policy, the
//! cache, configuration, suppressions and the redirect fix.

use std::fs;
use std::sync::atomic::Ordering;

use crate::common::{json_findings as findings, lockstep, write};
use crate::support::server::Server;

fn docs(s: &Server) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let (ok, missing, moved) = (s.url("/ok"), s.url("/missing"), s.url("/r/2"));
    write(
        tmp.path(),
        "README.md",
        &format!(
            "# Links\n\n[Works]({ok}) and [gone]({missing}), [moved]({moved}).\n\n\
             The same dead link again: <{missing}>, and [with a fragment]({ok}#part).\n\n\
             `{missing}` in code is not a link.\n"
        ),
    );
    tmp
}

/// 1-based column of the `n`-th occurrence of `needle` on 1-based `line`.
fn col(dir: &std::path::Path, line: usize, needle: &str, n: usize) -> usize {
    let text = fs::read_to_string(dir.join("README.md")).unwrap();
    let l = text.lines().nth(line - 1).unwrap();
    l.match_indices(needle).nth(n).unwrap().0 + 1
}

const JSON: &[&str] = &["check", "--format", "json", "--ignore", "stale-section"];

fn run(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = JSON.to_vec();
    args.extend_from_slice(extra);
    lockstep(&args, dir)
}

#[test]
fn dead_links_are_reported_where_they_occur() {
    let s = Server::start();
    let tmp = docs(&s);
    let dir = tmp.path();
    // Off by default: no network at all.
    let o = run(dir, &[]);
    assert_eq!(findings(&o), Vec::<String>::new());
    assert_eq!(s.stats.connections.load(Ordering::SeqCst), 0);

    let o = run(dir, &["--external", "--allow-private", "--no-cache"]);
    assert_eq!(o.status.code(), Some(1));
    let missing = s.url("/missing");
    assert_eq!(
        findings(&o),
        [
            format!(
                "error dead-link README.md:3:{} `{missing}` is dead: HTTP 404 Not Found",
                col(dir, 3, &missing, 0)
            ),
            format!(
                "error dead-link README.md:5:{} `{missing}` is dead: HTTP 404 Not Found",
                col(dir, 5, &missing, 0)
            ),
        ]
    );
    // Each URL once: /ok (twice in the text, once with a fragment), /missing, /r/2 → /r/1 → /r/0.
    let log = s.stats.log.lock().unwrap().clone();
    let mut paths: Vec<String> = log
        .iter()
        .map(|l| l.split_once(' ').unwrap().1.to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, ["/missing", "/ok", "/r/0", "/r/1", "/r/2"]);
    assert!(
        !dir.join(".lockstep-cache").exists(),
        "--no-cache writes no cache"
    );
}

#[test]
fn private_addresses_are_notes_and_never_contacted() {
    let s = Server::start();
    let tmp = docs(&s);
    let o = run(tmp.path(), &["--external"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let f = findings(&o);
    assert_eq!(f.len(), 5, "{f:#?}");
    assert!(
        f.iter().all(|l| l.starts_with("info dead-link README.md:")
            && l.ends_with("was not checked: loopback address (127.0.0.1)")),
        "{f:#?}"
    );
    assert_eq!(s.stats.connections.load(Ordering::SeqCst), 0);
}

/// Special-purpose addresses beyond the private ones (benchmarking,
/// documentation, IETF protocol assignments, 6to4 relay anycast, 6to4 and
/// Teredo addresses carrying loopback): notes, never contacted.
#[test]
fn special_purpose_addresses_are_notes_and_never_contacted() {
    let s = Server::start();
    let port = s.addr.port();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let hosts = [
        ("198.18.0.1", "benchmarking address (198.18.0.1)"),
        ("192.0.2.1", "documentation address (192.0.2.1)"),
        ("198.51.100.1", "documentation address (198.51.100.1)"),
        ("203.0.113.1", "documentation address (203.0.113.1)"),
        (
            "192.0.0.1",
            "reserved address (IETF protocol assignments) (192.0.0.1)",
        ),
        (
            "192.88.99.1",
            "reserved address (deprecated 6to4 relay anycast) (192.88.99.1)",
        ),
        ("[2001:db8::1]", "documentation address (2001:db8::1)"),
        (
            "[2002:7f00:1::]",
            "6to4 address of 127.0.0.1, a loopback address (2002:7f00:1::)",
        ),
        (
            "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
            "Teredo address of 127.0.0.1, a loopback address (2001:0:4136:e378:8000:63bf:80ff:fffe)",
        ),
    ];
    let urls: Vec<String> = hosts
        .iter()
        .map(|(h, _)| format!("http://{h}:{port}/ok"))
        .collect();
    let text: String = urls.iter().map(|u| format!("- <{u}>\n")).collect();
    write(dir, "README.md", &format!("# Links\n\n{text}"));
    let o = run(dir, &["--external", "--no-cache"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let want: Vec<String> = hosts
        .iter()
        .zip(&urls)
        .enumerate()
        .map(|(i, ((_, reason), url))| {
            format!(
                "info dead-link README.md:{}:4 `{url}` was not checked: {reason}",
                i + 3
            )
        })
        .collect();
    assert_eq!(findings(&o), want);
    assert_eq!(s.stats.connections.load(Ordering::SeqCst), 0);
}

/// `deadline` in `[external-links]`: a URL still unanswered when it passes
/// is a warning (the run does not fail), the others keep their outcomes,
/// and it is not cached — the next run asks again.
#[test]
fn the_deadline_is_a_warning_and_never_cached() {
    let s = Server::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (ok, hang) = (s.url("/ok"), s.url("/hang"));
    write(
        dir,
        "README.md",
        &format!("# Slow\n\n<{ok}> and <{hang}>\n"),
    );
    write(
        dir,
        "lockstep.toml",
        "[external-links]\ndeadline = \"2s\"\ntimeout = \"10s\"\n",
    );
    let o = run(dir, &["--external", "--allow-private"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let want = [format!(
        "warning dead-link README.md:3:{} `{hang}` was not checked: the run's deadline (2 s) passed before its check finished",
        col(dir, 3, &hang, 0)
    )];
    assert_eq!(findings(&o), want);
    let cache: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join(".lockstep-cache")).unwrap()).unwrap();
    let entries = cache["entries"].as_object().unwrap();
    assert_eq!(entries.keys().collect::<Vec<_>>(), [&ok]);
    // Again: `/ok` from the cache, `/hang` asked for once more.
    assert_eq!(
        findings(&run(dir, &["--external", "--allow-private"])),
        want
    );
    assert_eq!(s.stats.hits("/ok"), 1);
    assert_eq!(s.stats.hits("/hang"), 2);
}

#[test]
fn the_cache_saves_requests_until_it_expires() {
    let s = Server::start();
    let tmp = docs(&s);
    let dir = tmp.path();
    let first = findings(&run(dir, &["--external", "--allow-private"]));
    let after_first = s.stats.requests.load(Ordering::SeqCst);
    assert!(dir.join(".lockstep-cache").exists());
    let cache: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join(".lockstep-cache")).unwrap()).unwrap();
    assert_eq!(cache["version"], 1);
    assert_eq!(
        cache["entries"][s.url("/missing")]["outcome"]["kind"],
        "dead"
    );
    // Same findings, no request.
    assert_eq!(
        findings(&run(dir, &["--external", "--allow-private"])),
        first
    );
    assert_eq!(s.stats.requests.load(Ordering::SeqCst), after_first);
    // Expired (max age 0): checked again.
    write(
        dir,
        "lockstep.toml",
        "[external-links]\ncache-max-age = 0\n",
    );
    assert_eq!(
        findings(&run(dir, &["--external", "--allow-private"])),
        first
    );
    assert!(s.stats.requests.load(Ordering::SeqCst) > after_first);
}

#[test]
fn configuration_excludes_suppressions_and_redirects() {
    let s = Server::start();
    let tmp = docs(&s);
    let dir = tmp.path();
    // `external = true` in the configuration; the dead URL excluded by regex.
    write(
        dir,
        "lockstep.toml",
        "external = true\n[external-links]\nexclude = ['/missing$']\ncache = false\ntimeout = \"3s\"\n",
    );
    let o = run(dir, &["--allow-private", "--report-redirects"]);
    assert_eq!(o.status.code(), Some(0));
    let moved = s.url("/r/2");
    assert_eq!(
        findings(&o),
        [format!(
            "info redirected-link README.md:3:{} `{moved}` redirects to `{}`",
            col(dir, 3, &moved, 0),
            s.url("/r/0")
        )]
    );
    assert_eq!(s.stats.hits("/missing"), 0);
    // The redirect's fix is unsafe: applied only when asked.
    let o = lockstep(
        &[
            "fix",
            "--allow-private",
            "--report-redirects",
            "--unsafe-fixes",
        ],
        dir,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(
        text.contains(&format!("[moved]({})", s.url("/r/0"))),
        "{text}"
    );

    // `include`: only matching URLs are checked.
    let before = s.stats.hits("/missing");
    write(
        dir,
        "lockstep.toml",
        "[external-links]\ninclude = ['/ok$']\ncache = false\n",
    );
    let o = run(dir, &["--external", "--allow-private"]);
    assert_eq!(findings(&o), Vec::<String>::new());
    assert_eq!(s.stats.hits("/missing"), before);

    // A suppression of dead-link.
    write(
        dir,
        "lockstep.toml",
        "external = true\n[external-links]\ncache = false\n",
    );
    write(
        dir,
        "README.md",
        &format!(
            "# Links\n\n<!-- lockstep-disable-next-line dead-link -->\n[gone]({0})\n[gone too]({0})\n",
            s.url("/missing")
        ),
    );
    let o = run(dir, &["--allow-private"]);
    assert_eq!(
        findings(&o),
        [format!(
            "error dead-link README.md:5:12 `{}` is dead: HTTP 404 Not Found",
            s.url("/missing")
        )]
    );
    // Bad configuration: exit 2 with the place.
    write(
        dir,
        "lockstep.toml",
        "[external-links]\ntimeout = \"soon\"\n",
    );
    let o = run(dir, &["--external"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("lockstep.toml:2:11: expected a duration"));
}

/// HTTPS end to end: a certificate from an untrusted issuer is a finding;
/// trusting the issuer through `SSL_CERT_FILE` (as on a network with its own
/// CA) makes the same links check normally.
// Linux: the platform verifier reads the system store and SSL_CERT_FILE
// there; other systems word their errors differently.
#[cfg(target_os = "linux")]
#[test]
fn https_links_and_custom_trust() {
    let s = Server::start_tls();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (ok, missing) = (s.url("/ok"), s.url("/missing"));
    write(
        dir,
        "README.md",
        &format!("# TLS\n\n<{ok}> and <{missing}>\n"),
    );
    // The client trusts exactly the CA in the file, whatever the machine's
    // own store holds.
    let run = |ca: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_lockstep"))
            .args(JSON)
            .args(["--external", "--allow-private", "--no-cache"])
            .current_dir(dir)
            .env_remove("SSL_CERT_DIR")
            .env("SSL_CERT_FILE", ca)
            .output()
            .unwrap()
    };
    let o = run(crate::support::server::OTHER_CA);
    assert_eq!(o.status.code(), Some(1));
    let untrusted = |url: &str, col: usize| {
        format!(
            "error dead-link README.md:3:{col} `{url}` could not be reached: \
             connection failed: invalid peer certificate: UnknownIssuer"
        )
    };
    assert_eq!(
        findings(&o),
        [
            untrusted(&ok, col(dir, 3, &ok, 0)),
            untrusted(&missing, col(dir, 3, &missing, 0))
        ]
    );
    assert_eq!(s.stats.requests.load(Ordering::SeqCst), 0);

    let o = run(crate::support::server::TEST_CA);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        findings(&o),
        [format!(
            "error dead-link README.md:3:{} `{missing}` is dead: HTTP 404 Not Found",
            col(dir, 3, &missing, 0)
        )]
    );
    assert_eq!(s.stats.hits("/ok"), 1);
}

/// The progress bar: on stderr when it is a terminal and more than 5 URLs
/// are checked; never otherwise. The terminal is a pseudo-terminal made by
/// util-linux `script`; the test is skipped, saying so, where it is missing.
#[cfg(target_os = "linux")]
#[test]
fn progress_bar_only_on_a_terminal() {
    let s = Server::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let links = |n: usize| {
        (0..n)
            .map(|i| format!("<{}>", s.url(&format!("/ok?{i}"))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Under a terminal: stdout goes to /dev/null, so what arrives is stderr.
    let on_terminal = |n: usize| {
        write(dir, "README.md", &format!("# P\n\n{}\n", links(n)));
        let o = crate::common::lockstep_on_terminal(
            "check . --external --allow-private --no-cache --format json >/dev/null",
            dir,
        )?;
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        Some(String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let Some(shown) = on_terminal(8) else { return };
    assert!(shown.contains("checking links"), "{shown:?}");
    // Drawn at most 20 times a second, so which counts appear varies; the
    // total is always there.
    assert!(shown.contains("/8 "), "{shown:?}");
    assert_eq!(on_terminal(5).unwrap(), "");
    // Not a terminal: nothing on stderr.
    write(dir, "README.md", &format!("# P\n\n{}\n", links(8)));
    let o = run(dir, &["--external", "--allow-private", "--no-cache"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    assert_eq!(s.stats.requests.load(Ordering::SeqCst), 8 + 5 + 8);
}
