//! `lockstep status` output: one file per format.

mod html;
mod json;
mod markdown;
mod svg;
mod table;

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

/// A text progress bar of `width` cells.
pub(crate) fn bar(percent: f64, width: usize) -> String {
    let filled = ((percent / 100.0) * width as f64).round() as usize;
    let filled = filled.min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}
