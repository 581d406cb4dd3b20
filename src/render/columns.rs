//! Lines and columns of byte offsets for renderers, in time proportional to
//! the distance from the previous position asked for in the same line.
//!
//! [`SourceFile::line_col`] counts characters from the start of the line
//! each time: on a line of a megabyte with thousands of findings that is
//! quadratic. Renderers go through findings in order, so [`Columns`] counts
//! from the last position asked for in the file instead (forwards or
//! backwards, or from the line start when that is nearer). The results are
//! the same as `SourceFile::line_col`'s.

use crate::source::{HashMap, LineCol, LineIndex, SourceFile, floor_char_boundary};

/// The last position asked for, per file (keyed by the text's address).
#[derive(Default)]
pub struct Columns {
    last: HashMap<usize, (usize, usize, usize)>,
}

impl Columns {
    /// 0-based line and column (in characters) of byte `offset` in `text`
    /// (rounded down to a character boundary).
    pub fn line_col0(&mut self, text: &str, lines: &LineIndex, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = lines.line_of(offset);
        let line_start = lines.line_start(line + 1).min(offset);
        let key = text.as_ptr() as usize;
        let column = match self.last.get(&key) {
            Some(&(l, at, c))
                if l == line && at >= line_start && at.abs_diff(offset) < offset - line_start =>
            {
                if at <= offset {
                    c + text[at..offset].chars().count()
                } else {
                    c - text[offset..at].chars().count()
                }
            }
            _ => text[line_start..offset].chars().count(),
        };
        self.last.insert(key, (line, offset, column));
        (line, column)
    }

    /// 1-based line and column of `offset` in `file`, as
    /// [`SourceFile::line_col`] gives them.
    pub fn line_col(&mut self, file: &SourceFile, offset: usize) -> LineCol {
        let (line, column) = self.line_col0(&file.text, &file.lines, offset);
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }
}

/// The 1-based line of `offset` in `file`.
pub fn line(file: &SourceFile, offset: usize) -> usize {
    file.lines
        .line_of(floor_char_boundary(&file.text, offset.min(file.text.len())))
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_as_counting_from_the_line_start() {
        let text = "ab한c\r\nxyz 가나다 end\n\u{feff}x\n";
        let file = SourceFile::new("f".into(), text.to_string());
        let mut c = Columns::default();
        // In order, backwards, repeated, across lines, inside a character.
        let offsets = [0, 1, 5, 2, 3, 9, 20, 12, 12, 7, 8, 0, text.len(), 14, 13];
        for o in offsets {
            assert_eq!(c.line_col(&file, o), file.line_col(o), "offset {o}");
            assert_eq!(line(&file, o), file.line_col(o).line);
        }
    }
}
