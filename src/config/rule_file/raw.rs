//! Rule files as written: serde types with spans, no validation.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRuleFile {
    pub rule: Option<Vec<RawRule>>,
    pub glossary: Option<Vec<RawGlossary>>,
}

/// Language code → term (or list of terms), plus `allow-source`.
pub type RawGlossary = Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRule {
    pub id: Spanned<String>,
    pub message: Spanned<String>,
    pub severity: Option<Spanned<String>>,
    pub pattern: Spanned<String>,
    pub unless: Option<Spanned<String>>,
    pub preceded_by: Option<Spanned<String>>,
    pub followed_by: Option<Spanned<String>>,
    pub scope: Option<Spanned<Vec<Spanned<String>>>>,
    pub langs: Option<Vec<Spanned<String>>>,
    pub files: Option<Vec<Spanned<String>>>,
    pub exclude: Option<Vec<Spanned<String>>>,
    pub replace: Option<Spanned<String>>,
    #[serde(rename = "unsafe")]
    pub unsafe_: Option<bool>,
    pub examples: Option<RawExamples>,
    pub docs: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExamples {
    pub fail: Option<Vec<String>>,
    pub pass: Option<Vec<String>>,
}
