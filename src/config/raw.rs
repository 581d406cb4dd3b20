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
    /// `auto` (default), `error`, `warning` or `ignore`: case-only fragment mismatches.
    pub anchor_case: Option<Spanned<String>>,
    /// The heading-id dialect (`github`, `vitepress`, `mkdocs`, …); default: detected.
    pub anchor_style: Option<Spanned<String>>,
    /// The docs site: how its URLs map to files.
    pub site: Option<RawSite>,
    /// Localised image names: patterns such as `{stem}.{lang}.{ext}`.
    pub image_variants: Option<Vec<Spanned<String>>>,
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
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The heading-id dialect of those files.
    pub anchor_style: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSite {
    /// `vitepress`, `hugo`, `docusaurus`, `mkdocs`, `mdbook` or `none`.
    pub framework: Option<Spanned<String>>,
    /// The site's folder, relative to the documentation root.
    pub root: Option<Spanned<String>>,
    /// Folders whose files site URLs map to, relative to `root`.
    pub content: Option<Vec<Spanned<String>>>,
    /// Folders served at the site's root (`public`, `static`), relative to `root`.
    #[serde(rename = "static")]
    pub statics: Option<Vec<Spanned<String>>>,
    pub clean_urls: Option<bool>,
    pub page_relative: Option<bool>,
    pub fallback: Option<bool>,
    /// The URL path the site is served under (`/docs/`).
    pub base: Option<Spanned<String>>,
    /// Language codes whose URLs start with `/<code>/`.
    pub languages: Option<Vec<Spanned<String>>>,
    /// `false`: do not detect frameworks.
    pub detect: Option<bool>,
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
