//! Output formats: one file per format, all behind [`Renderer`].
//!
//! Renderers receive the finished, sorted [`Report`] and write it; they never
//! decide what is a finding. Lines and columns are computed here, from byte
//! spans (1-based; columns count Unicode scalar values).

mod github;
mod human;
mod json;
pub mod safe;
mod sarif;
pub mod status;

use std::io::{self, Write};

use crate::app::Report;

pub use self::github::Github;
pub use self::human::{Human, note_line};
pub use self::json::Json;
pub use self::sarif::Sarif;

/// Writes a report in one output format.
pub trait Renderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// Output format of `lockstep check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

/// Options shared by the renderers.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    pub color: bool,
    /// Terminal width for wrapping human output.
    pub width: Option<usize>,
}

pub fn renderer(format: Format, opts: RenderOptions) -> Box<dyn Renderer> {
    match format {
        Format::Human => Box::new(Human::new(opts)),
        Format::Json => Box::new(Json),
        Format::Sarif => Box::new(Sarif),
        Format::Github => Box::new(Github),
    }
}
