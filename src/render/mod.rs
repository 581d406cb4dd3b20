//! Output formats: one file per format, all behind [`Renderer`].
//!
//! Renderers receive the finished, sorted [`Report`] and write it; they never
//! decide what is a finding. Every form the binary prints is made here: the
//! findings in each format, the status report ([`status`]), the fix summary
//! and diff ([`fix`]), the section alignment ([`align`]), the rule list and
//! rule self-tests ([`rules`]), and a fatal error ([`error`]). Everything that comes from a user's file goes
//! through [`safe`] before it reaches a terminal or a CI log; source
//! snippets show only the lines they need, cut to a window when long
//! (`snippet`). Lines and columns are computed here, from byte spans
//! (1-based; columns count Unicode scalar values).

pub mod align;
mod columns;
mod concise;
pub mod docs;
pub mod error;
pub mod fix;
mod github;
mod graphical;
mod human;
mod json;
pub mod rules;
pub mod safe;
mod sarif;
mod snippet;
pub mod status;

use std::io::{self, Write};

use crate::report::Report;

pub use self::concise::Concise;
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
    Concise,
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
    /// Findings only: no notes about the run, no summary (`--quiet`).
    pub quiet: bool,
}

/// "1 file", "2 files".
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn renderer(format: Format, opts: RenderOptions) -> Box<dyn Renderer> {
    match format {
        Format::Human => Box::new(Human::new(opts)),
        Format::Concise => Box::new(Concise::new(opts)),
        Format::Json => Box::new(Json),
        Format::Sarif => Box::new(Sarif),
        Format::Github => Box::new(Github),
    }
}

/// Renders `items` in parallel, in chunks (each with its own [`Columns`]:
/// they give the same results however the findings are split), and hands
/// the rendered chunks to `write` in order, a batch at a time — so output
/// stays in order and memory holds one batch, not the whole report.
///
/// [`Columns`]: columns::Columns
pub(crate) fn in_parallel_in_order<'a, T: Sync>(
    items: &'a [T],
    render: impl Fn(&'a [T], &mut columns::Columns) -> io::Result<Vec<u8>> + Sync,
    write: impl FnMut(Vec<u8>) -> io::Result<()>,
) -> io::Result<()> {
    in_batches(items, 4096, 128, render, write)
}

/// [`in_parallel_in_order`] with `batch` items held at a time, rendered
/// `chunk` to a task (1 for items as heavy as a file's diff).
pub(crate) fn in_batches<'a, T: Sync>(
    items: &'a [T],
    batch: usize,
    chunk: usize,
    render: impl Fn(&'a [T], &mut columns::Columns) -> io::Result<Vec<u8>> + Sync,
    mut write: impl FnMut(Vec<u8>) -> io::Result<()>,
) -> io::Result<()> {
    use rayon::prelude::*;
    for batch in items.chunks(batch) {
        let rendered: Vec<io::Result<Vec<u8>>> = batch
            .par_chunks(chunk)
            .map(|chunk| render(chunk, &mut columns::Columns::default()))
            .collect();
        for r in rendered {
            write(r?)?;
        }
    }
    Ok(())
}

/// serde_json's pretty printer (two spaces a level), starting `level`
/// levels deep: a value written where it sits in a larger document.
struct Deep {
    level: usize,
    has_value: bool,
}

impl Deep {
    fn line<W: ?Sized + Write>(&self, w: &mut W, prefix: &[u8]) -> io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        w.write_all(prefix)?;
        let mut n = 2 * self.level;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// `]` or `}`, on a line of its own after values.
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.line(w, b"\n")?;
        }
        w.write_all(bracket)
    }

    /// Before an item or a key: after a comma unless it is the first.
    fn item<W: ?Sized + Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        self.line(w, if first { b"\n" } else { b",\n" })
    }
}

impl serde_json::ser::Formatter for Deep {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `skeleton` as serde pretty-prints it, with `items` (rendered by
/// `item`, in parallel, through [`in_parallel_in_order`]) in its empty list
/// under `key`, whose items sit `depth` levels deep: the bytes serde writes
/// for the whole document, without it ever being held (a batch of items at
/// a time). No `##[` for a CI log to take as a workflow command (the same
/// JSON value); a `##` never ends one piece where a `[` starts the next.
pub(crate) fn json_with_list<'a, T: Sync, V: serde::Serialize>(
    out: &mut dyn Write,
    skeleton: &impl serde::Serialize,
    key: &str,
    depth: usize,
    items: &'a [T],
    item: impl Fn(&'a T, &mut columns::Columns) -> V + Sync,
) -> io::Result<()> {
    let json = safe::guard_json(serde_json::to_vec_pretty(skeleton).map_err(io::Error::other)?);
    // The list's `]` (a key, never inside a string, where quotes are escaped).
    let empty = format!("\"{key}\": []");
    let at = memchr::memmem::find(&json, empty.as_bytes())
        .ok_or_else(|| io::Error::other(format!("no `{key}` list in the JSON document")))?
        + empty.len()
        - 1;
    out.write_all(&json[..at])?;
    let indent = vec![b' '; 2 * depth];
    let mut first = true;
    in_parallel_in_order(
        items,
        |chunk, columns| {
            let mut buf = Vec::new();
            for x in chunk {
                buf.push(b',');
                buf.push(b'\n');
                buf.extend_from_slice(&indent);
                let deep = Deep {
                    level: depth,
                    has_value: false,
                };
                let mut ser = serde_json::Serializer::with_formatter(&mut buf, deep);
                item(x, columns)
                    .serialize(&mut ser)
                    .map_err(io::Error::other)?;
            }
            Ok(safe::guard_json(buf))
        },
        |text| {
            // The first item follows the `[` without a comma.
            let skip = usize::from(std::mem::take(&mut first));
            out.write_all(&text[skip..])
        },
    )?;
    if !first {
        out.write_all(b"\n")?;
        out.write_all(&indent[2.min(indent.len())..])?;
    }
    out.write_all(&json[at..])?;
    writeln!(out)
}
