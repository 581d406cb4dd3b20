//! Positions and paths as the protocol has them: 0-based lines, columns in
//! UTF-16 code units, `file://` URIs.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, Url};

use crate::source::{LineIndex, Span, floor_char_boundary};

/// The protocol position of byte `offset` in `text` (`lines` is `text`'s).
pub fn position(text: &str, lines: &LineIndex, offset: usize) -> Position {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let line = lines.line_of(offset);
    let start = lines.line_start(line + 1).min(offset);
    let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
    Position::new(line as u32, character as u32)
}

pub fn range(text: &str, lines: &LineIndex, span: Span) -> Range {
    Range::new(
        position(text, lines, span.start),
        position(text, lines, span.end),
    )
}

/// The byte offset of protocol position `pos` in `text`: past the end of a
/// line is its end, past the last line is the end of the text (as the
/// protocol asks).
pub fn offset(text: &str, lines: &LineIndex, pos: Position) -> usize {
    let line = pos.line as usize;
    if line >= lines.line_count() {
        return text.len();
    }
    let start = lines.line_start(line + 1);
    let end = if line + 1 < lines.line_count() {
        lines.line_start(line + 2)
    } else {
        text.len()
    };
    in_line(text, start, end, pos.character)
}

/// The byte offset of UTF-16 column `character` in the line `text[start..end]`
/// (past its end: the end of its text, before the line ending).
fn in_line(text: &str, start: usize, end: usize, character: u32) -> usize {
    let body = text[start..end].trim_end_matches(['\n', '\r']);
    let mut units = 0usize;
    for (i, c) in body.char_indices() {
        if units >= character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + body.len()
}

/// [`offset`] without a line index: the lines before `pos` are scanned
/// (a change to a buffer of megabytes is placed without indexing all of
/// its lines).
pub fn offset_scanning(text: &str, pos: Position) -> usize {
    let bytes = text.as_bytes();
    // Line ends as `LineIndex` has them: LF, CRLF, a lone CR.
    let next_line = |from: usize| -> Option<usize> {
        let i = from + memchr::memchr2(b'\n', b'\r', &bytes[from..])?;
        Some(if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i + 2
        } else {
            i + 1
        })
    };
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    for _ in 0..pos.line {
        match next_line(start) {
            Some(s) => start = s,
            None => return text.len(),
        }
    }
    let end = next_line(start).unwrap_or(text.len());
    in_line(text, start, end, pos.character)
}

/// The path of a `file://` URI.
pub fn path_of(uri: &Url) -> Option<PathBuf> {
    if uri.scheme() != "file" {
        return None;
    }
    uri.to_file_path().ok()
}

pub fn uri_of(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let text = "# Título 😀 x\r\nsecond\rthird\n";
        let lines = LineIndex::new(text);
        let x = text.find(" x").unwrap() + 1;
        // "# Título " is 9 units, the emoji 2, the space 1.
        assert_eq!(position(text, &lines, x), Position::new(0, 12));
        assert_eq!(offset(text, &lines, Position::new(0, 12)), x);
        let third = text.find("third").unwrap();
        assert_eq!(position(text, &lines, third), Position::new(2, 0));
        assert_eq!(offset(text, &lines, Position::new(2, 0)), third);
        // Past the end of a line: its end; past the last line: the text's end.
        assert_eq!(
            offset(text, &lines, Position::new(1, 99)),
            text.find("\rthird").unwrap()
        );
        assert_eq!(offset(text, &lines, Position::new(9, 0)), text.len());
        assert_eq!(position(text, &lines, text.len()), Position::new(3, 0));
    }

    #[test]
    fn scanning_finds_what_the_index_finds() {
        for text in [
            "# Título 😀 x\r\nsecond\rthird\n",
            "\u{feff}bom\nline\r\n\r\nlast",
            "",
            "\n\n\r\r\n",
            "한국어 텍스트\n둘째 줄 😀😀\n",
        ] {
            let lines = LineIndex::new(text);
            for line in 0..7 {
                for character in 0..16 {
                    let pos = Position::new(line, character);
                    assert_eq!(
                        offset_scanning(text, pos),
                        offset(text, &lines, pos),
                        "{text:?} {pos:?}"
                    );
                }
            }
        }
    }
}
