//! `lockstep status` output: one file per format.

mod html;
pub mod json;
mod markdown;
mod svg;
mod table;

use std::fmt::Write;

use crate::report::status::StatusReport;

pub use self::svg::badge;

/// Output format of `lockstep status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFormat {
    Table,
    Markdown,
    Json,
    Html,
    Svg,
}

/// Renders a status report. `svg` needs exactly one language in the report.
pub fn render(report: &StatusReport, format: StatusFormat, color: bool) -> Result<String, String> {
    Ok(match format {
        StatusFormat::Table => table::render(report, color),
        StatusFormat::Markdown => markdown::render(report),
        StatusFormat::Json => json::render(report),
        StatusFormat::Html => html::render(report),
        StatusFormat::Svg => {
            let mut langs = report.languages.iter();
            match (langs.next(), langs.next()) {
                (Some((lang, counts)), None) => badge(lang, counts.percent()),
                (None, _) => return Err("no translations found: nothing to put on a badge".into()),
                _ => {
                    return Err(
                        "--format svg makes one badge: choose its language with --lang".into(),
                    );
                }
            }
        }
    })
}

/// A `href` for a path relative to the root, with a GitHub-style line
/// anchor: every byte but unreserved ones percent-encoded, so the path can
/// end neither an HTML attribute nor a Markdown link destination.
pub(crate) fn href(path: &str, line: Option<usize>) -> String {
    let mut h: String = path
        .split('/')
        .map(|seg| {
            seg.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/");
    if let Some(l) = line {
        let _ = write!(h, "#L{l}");
    }
    h
}

/// A text progress bar of `width` cells.
pub(crate) fn bar(percent: f64, width: usize) -> String {
    let filled = ((percent / 100.0) * width as f64).round() as usize;
    let filled = filled.min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}
