//! `lockstep.toml` as written: serde types with spans, no validation.
//!
//! Unknown keys are errors (`deny_unknown_fields`). Values that need checking
//! keep their spans so that [`super::Settings::resolve`] can point into the file.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    /// The language of the source edition (default `en`).
    pub source_lang: Option<Spanned<String>>,
    /// Explicit layouts; when present they replace zero-configuration discovery.
    pub documents: Option<Vec<RawLayout>>,
    /// Odd language codes mapped to the language the text is written in.
    pub languages: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// Rule severities: `error`, `warning`, `info` or `off`.
    pub rules: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// `error` (default: GitHub matches ids exactly) or `ignore`.
    pub anchor_case: Option<Spanned<String>>,
    /// Files larger than this are skipped: bytes, or a string like `"10 MiB"`.
    pub max_file_size: Option<Spanned<toml::Value>>,
    /// Markdown files not to check (gitignore-style globs); they still exist as link targets.
    pub exclude: Option<Vec<Spanned<String>>>,
    /// TOC recognition.
    pub toc: Option<RawToc>,
    /// Commits staleness ignores (like `.git-blame-ignore-revs`).
    pub ignore_revs: Option<Vec<Spanned<String>>>,
    /// Patterns (regexes) of commit subjects staleness ignores (`[skip l10n]`).
    pub skip_commits: Option<Vec<Spanned<String>>>,
    /// Shipped rule packs to enable (`markdown`, `ko`, `ja`, `zh`).
    pub packs: Option<Vec<Spanned<String>>>,
    /// Folders of the project's own rule files (`*.toml`), relative to this file.
    pub rule_dirs: Option<Vec<Spanned<String>>>,
    /// Check external links (as `--external`).
    pub external: Option<bool>,
    /// How external links are checked.
    pub external_links: Option<RawExternal>,
    /// Rule levels for some files (`[[overrides]]`).
    pub overrides: Option<Vec<RawOverride>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawOverride {
    /// Gitignore-style globs, relative to the documentation root.
    pub files: Vec<Spanned<String>>,
    /// Rule → `error`, `warning`, `info` or `off` for those files.
    pub rules: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawExternal {
    /// Only URLs matching one of these regexes are checked.
    pub include: Option<Vec<Spanned<String>>>,
    /// URLs matching one of these regexes are not checked.
    pub exclude: Option<Vec<Spanned<String>>>,
    pub max_concurrency: Option<Spanned<i64>>,
    pub per_host: Option<Spanned<i64>>,
    pub connect_timeout: Option<Spanned<toml::Value>>,
    pub timeout: Option<Spanned<toml::Value>>,
    /// The whole batch of checks (default 5 minutes).
    pub deadline: Option<Spanned<toml::Value>>,
    pub retries: Option<Spanned<i64>>,
    pub max_redirects: Option<Spanned<i64>>,
    /// Keep results in `.lockstep-cache` (default true).
    pub cache: Option<bool>,
    pub cache_max_age: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLayout {
    pub source: Spanned<String>,
    pub translation: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawToc {
    /// Heading titles that introduce an unmarked TOC list (replace the defaults).
    pub titles: Option<Vec<String>>,
}
