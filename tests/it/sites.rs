//! Docs sites: `lockstep docs` shows what discovery found (documents,
//! editions and the convention that grouped them, sites and their
//! settings, groupings worth a second look); `[site]` sets by hand what
//! detection cannot see; bad `anchor-style`, `[site]` and `image-variants`
//! values are configuration errors naming their line.

use crate::common::{self, json_findings, lockstep, write};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn docs_shows_documents_sites_and_doubtful_groupings() {
    let repo = common::repo();
    for case in [
        "fixtures/broken-link/pass/hugo-site",
        "fixtures/broken-link/pass/docusaurus-site",
        "fixtures/broken-link/pass/vitepress-site",
        "fixtures/broken-anchor/pass/mkdocs-site",
    ] {
        let o = lockstep(&["docs", case], &repo);
        assert_eq!(o.status.code(), Some(0), "{case}");
        let name = case.rsplit('/').next().unwrap();
        insta::assert_snapshot!(format!("docs_{name}"), stdout(&o));
    }
    // A per-language list that is not a translation, and a region of a
    // file whose name already ends in a language code.
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", "# Courses\n");
    write(tmp.path(), "free-courses-zh.md", "# 免费课程\n");
    write(tmp.path(), "free-courses-zh_TW.md", "# 免費課程\n");
    write(tmp.path(), "README-ko.md", "# 강의\n");
    let o = lockstep(&["docs", "."], tmp.path());
    insta::assert_snapshot!("docs_doubtful", stdout(&o));
    let o = lockstep(&["docs", ".", "--format", "json"], tmp.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["documents"][0]["source"], "README.md");
    assert_eq!(v["documents"][0]["editions"][0]["lang"], "ko");
    assert_eq!(v["documents"][1]["editions"][0]["lang"], "TW");
    assert_eq!(v["notes"].as_array().unwrap().len(), 1);
}

#[test]
fn site_settings_resolve_what_detection_cannot_see() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "lockstep.toml",
        "[site]\nframework = \"none\"\ncontent = [\"site/pages\"]\nstatic = [\"site/assets\"]\nbase = \"/docs/\"\nlanguages = [\"ko\"]\n",
    );
    write(
        tmp.path(),
        "site/pages/index.md",
        "# Home\n\n[Guide](/docs/guide/#setup) · [Guide](guide) · ![Logo](/docs/logo.png)\n\n[Korean guide](/docs/ko/guide/)\n\n[Missing](/docs/guide/missing/) · ![Missing](/docs/missing.png)\n",
    );
    write(
        tmp.path(),
        "site/pages/guide/index.md",
        "# Guide\n\n## Setup\n",
    );
    write(tmp.path(), "site/pages/ko/guide.md", "# 가이드\n");
    write(tmp.path(), "site/assets/logo.png", "x");
    let o = lockstep(&["check", ".", "--format", "json"], tmp.path());
    assert_eq!(
        json_findings(&o),
        [
            "error broken-link site/pages/index.md:7:11 link target `docs/guide/missing` does not exist",
            "error missing-image site/pages/index.md:7:46 image `docs/missing.png` does not exist",
        ]
    );
}

#[test]
fn bad_site_settings_name_their_line() {
    for (toml, wanted) in [
        (
            "anchor-style = \"hugo-classic\"\n",
            "unknown anchor-style `hugo-classic`",
        ),
        (
            "[site]\nframework = \"jekyll\"\n",
            "unknown framework `jekyll`",
        ),
        (
            "[site]\ncontent = [\"../outside\"]\n",
            "must be a folder below the root",
        ),
        (
            "image-variants = [\"{stem}.{ext}\"]\n",
            "must contain `{stem}` and `{lang}`",
        ),
        (
            "anchor-case = \"sometimes\"\n",
            "invalid anchor-case `sometimes`",
        ),
        (
            "[[overrides]]\nfiles = [\"docs/**\"]\nanchor-style = \"nope\"\n",
            "unknown anchor-style `nope`",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "lockstep.toml", toml);
        write(tmp.path(), "README.md", "# Readme\n");
        let o = lockstep(&["check", "."], tmp.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{toml}: {err}");
        assert!(err.contains(wanted), "{toml}: {err}");
        assert!(err.contains("lockstep.toml"), "{toml}: {err}");
    }
}
