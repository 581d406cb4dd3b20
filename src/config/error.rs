//! Configuration errors: what went wrong in which file, where.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::source::LineIndex;

/// A configuration problem, located in its file when possible.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub path: PathBuf,
    pub text: String,
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl ConfigError {
    pub fn at(path: &Path, text: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            text: text.to_string(),
            span: Some(span),
            message: message.into(),
        }
    }

    /// 1-based line and column of the error, if located.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let span = self.span.as_ref()?;
        let lc = LineIndex::new(&self.text).line_col(&self.text, span.start);
        Some((lc.line, lc.column))
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line_col() {
            Some((l, c)) => write!(f, "{}:{l}:{c}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// An error about the whole file (it could not be read, or is refused).
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            text: String::new(),
            span: None,
            message: message.into(),
        }
    }

    /// A TOML syntax or shape error from the `toml` crate.
    pub fn toml(path: &Path, text: &str, e: &toml::de::Error) -> Self {
        Self {
            path: path.to_path_buf(),
            text: text.to_string(),
            span: e.span(),
            message: e.message().trim().to_string(),
        }
    }
}
