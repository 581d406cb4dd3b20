//! `lockstep docs`: what discovery found — documents, their editions and
//! the convention that grouped them, the docs sites and their settings, the
//! files with a single edition — as plain data.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct DocsReport {
    pub version: u32,
    pub source_lang: String,
    pub sites: Vec<SiteRow>,
    /// Documents with at least one translation.
    pub documents: Vec<DocumentRow>,
    /// Markdown files that are neither a translation nor translated.
    pub single: Vec<String>,
    /// Groupings worth a second look.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteRow {
    pub framework: String,
    /// The site's folder (`.` for the root).
    pub dir: String,
    /// Where it was detected from (or `lockstep.toml`).
    pub config: String,
    /// `[dir, url, lang]` of each content folder.
    pub content: Vec<ContentRow>,
    #[serde(rename = "static")]
    pub statics: Vec<String>,
    pub clean_urls: bool,
    pub page_relative: bool,
    pub fallback: bool,
    pub base: String,
    pub anchor_style: String,
    /// URL prefixes built from files the tree lacks (not checked).
    pub opaque: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContentRow {
    pub dir: String,
    pub url: String,
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    pub source: String,
    /// Whether the source edition exists (translations can outlive it).
    pub source_exists: bool,
    /// The heading-id dialect of the source.
    pub anchor_style: String,
    pub editions: Vec<EditionRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EditionRow {
    pub lang: String,
    pub path: String,
    /// The convention that made it a translation of the source.
    pub rule: String,
}
