//! Text from contributors' files, made safe to print.
//!
//! A heading or link in a pull request may contain terminal control
//! characters, Unicode bidirectional overrides (which make code read
//! differently than it runs — "Trojan Source"), invisible format characters
//! (zero-width spaces and joiners, soft hyphens, tag characters) or line
//! separators. Human and GitHub output never print them raw: messages get
//! visible escapes ([`escape`]), and source snippets get same-length
//! replacements so that byte offsets stay valid ([`mask`]).
//!
//! lockstep runs in CI, where the log is also read by the runner: GitHub
//! Actions takes a line whose first non-blank characters are `::` as a
//! workflow command, and `##[` anywhere in a line as one in the legacy form.
//! [`escape`] and [`mask`] break up `##[`; [`guard`] makes sure no printed
//! line starts with `::`, whatever wrapping or indentation put there.

use std::borrow::Cow;

use finl_unicode::categories::CharacterCategories;

/// Whether `c` is never printed raw from a user's file: a control character
/// (general category Cc, which includes U+0085 next line) other than newline
/// and tab; a format character (Cf: the bidi controls, U+200B..U+200F,
/// U+2060..U+2064, U+FEFF, U+00AD soft hyphen, the tag characters
/// U+E0000.., Arabic number signs …, from the Unicode tables of
/// `finl_unicode`); or the line and paragraph separators U+2028 and U+2029
/// (Zl, Zp).
pub fn is_unsafe(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control() && c != '\n' && c != '\t';
    }
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || c.is_format()
}

/// Whether one-line text (a message, a path) must not contain `c` raw: the
/// unsafe characters, and newline and carriage return.
fn is_unsafe_in_line(c: char) -> bool {
    c == '\n' || is_unsafe(c)
}

/// One line of text (a message, a help line, a note, a file path) with
/// unsafe characters, newlines and carriage returns written as `\u{…}`
/// escapes, and the `[` of `##[` as `\u{5b}`. Tabs stay.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_in_line) && !text.contains("##[") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_in_line(c) || (c == '[' && out.ends_with("##")) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text of several lines (a rule's documentation page): every line escaped
/// as by [`escape`], the newlines kept (a carriage return is escaped).
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) && !text.contains("##[") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&escape(line));
    }
    Cow::Owned(out)
}

/// `text` with unsafe characters replaced by visible ones of the same UTF-8
/// length (`?`, `·`, `\u{FFFD}`, `\u{1F6AB}`), so spans into it stay valid,
/// and the `[` of `##[` by `?`. Newlines stay, and so does a carriage
/// return before a newline (a line ending).
pub fn mask(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && c != '\r')
        && !has_lone_cr(text)
        && !text.contains("##[")
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if is_unsafe(c) {
            out.push(masked(c));
        } else if c == '[' && out.ends_with("##") {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    debug_assert_eq!(out.len(), text.len());
    Cow::Owned(out)
}

/// The visible stand-in of an unsafe character: same UTF-8 length.
fn masked(c: char) -> char {
    match c.len_utf8() {
        1 => '?',
        2 => '\u{B7}',
        3 => '\u{FFFD}',
        _ => '\u{1F6AB}',
    }
}

fn has_lone_cr(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'))
}

/// Printed output (already escaped and masked) with no line that GitHub
/// Actions would run as a workflow command: where a line's first non-blank
/// characters are `::` (wrapped help text, an indented diff line), the
/// first `:` is written `\u{3a}`; a `##[` left anywhere becomes
/// `##\u{5b}`. Lines end at `\n` or `\r`, as the runner reads them.
pub fn guard(text: &str) -> Cow<'_, str> {
    if !text.contains("::") && !text.contains("##[") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut line_start = true;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if line_start {
            let body =
                rest.trim_start_matches(|c: char| c.is_whitespace() && c != '\n' && c != '\r');
            out.push_str(&rest[..rest.len() - body.len()]);
            rest = body;
            line_start = false;
            if rest.starts_with("::") {
                out.push_str("\\u{3a}");
                rest = &rest[1..];
            }
            continue;
        }
        if c == '[' && out.ends_with("##") {
            out.push_str("\\u{5b}");
        } else {
            out.push(c);
        }
        line_start = c == '\n' || c == '\r';
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Serialised JSON with every `##[` (which can only occur inside a string)
/// written `##\u005b`: the same JSON value, and no legacy workflow command
/// when the JSON is printed in a GitHub Actions log.
pub fn guard_json(json: Vec<u8>) -> Vec<u8> {
    if memchr::memmem::find(&json, b"##[").is_none() {
        return json;
    }
    let mut out = Vec::with_capacity(json.len() + 16);
    for &b in &json {
        if b == b'[' && out.ends_with(b"##") {
            out.extend_from_slice(b"\\u005b");
        } else {
            out.push(b);
        }
    }
    out
}

/// A writer that does to what goes through it what [`guard_json`] does to
/// a whole document: every `[` written right after `##` is written
/// `\u005b`, wherever the pieces written split the text.
pub struct GuardJson<W: std::io::Write> {
    inner: W,
    /// How many `#` the bytes written so far end with (at most 2).
    hashes: u8,
}

impl<W: std::io::Write> GuardJson<W> {
    pub fn new(inner: W) -> Self {
        GuardJson { inner, hashes: 0 }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: std::io::Write> std::io::Write for GuardJson<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let mut start = 0;
        for at in memchr::memchr_iter(b'[', buf) {
            // The two bytes before this `[`, from this piece or the last ones.
            let before = match at {
                0 => self.hashes >= 2,
                1 => buf[0] == b'#' && self.hashes >= 1,
                _ => buf[at - 2] == b'#' && buf[at - 1] == b'#',
            };
            if before {
                self.inner.write_all(&buf[start..at])?;
                self.inner.write_all(b"\\u005b")?;
                start = at + 1;
                self.hashes = 0;
            }
        }
        self.inner.write_all(&buf[start..])?;
        // What the output now ends with (`\u005b` ends with no `#`).
        let tail = buf[start..]
            .iter()
            .rev()
            .take_while(|&&b| b == b'#')
            .count();
        self.hashes = if tail == buf.len() - start {
            (usize::from(self.hashes) + tail).min(2) as u8
        } else {
            tail.min(2) as u8
        };
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_masks() {
        let evil = "a\u{202E}b\x1b[31mc\rd\r\ne";
        assert_eq!(escape(evil), "a\\u{202e}b\\u{1b}[31mc\\u{d}d\\u{d}\\u{a}e");
        let m = mask(evil);
        assert_eq!(m.len(), evil.len());
        assert_eq!(m, "a\u{FFFD}b?[31mc?d\r\ne");
        assert!(matches!(mask("plain\r\ntext"), Cow::Borrowed(_)));
        assert!(matches!(escape("plain\ttext"), Cow::Borrowed(_)));
        assert_eq!(
            escape_lines("# A\u{202E}\r\n\nb\x07\rc\n"),
            "# A\\u{202e}\\u{d}\n\nb\\u{7}\\u{d}c\n"
        );
        assert!(matches!(escape_lines("a\nb\n"), Cow::Borrowed(_)));
    }

    /// Format characters (Cf) from every block that has them, the
    /// separators, and C1 controls; ordinary text stays.
    #[test]
    fn format_characters_and_separators_are_unsafe() {
        let unsafe_chars = [
            '\u{00AD}', // soft hyphen
            '\u{0085}', // next line (C1 control)
            '\u{009B}', // CSI (C1 control)
            '\u{0600}', // Arabic number sign
            '\u{061C}', // Arabic letter mark
            '\u{06DD}',
            '\u{070F}',
            '\u{0890}',
            '\u{08E2}',
            '\u{180E}', // Mongolian vowel separator
            '\u{200B}', // zero-width space
            '\u{200C}',
            '\u{200D}',
            '\u{200E}',
            '\u{200F}',
            '\u{2028}', // line separator (Zl)
            '\u{2029}', // paragraph separator (Zp)
            '\u{202A}',
            '\u{202E}',
            '\u{2060}', // word joiner
            '\u{2064}',
            '\u{2066}',
            '\u{2069}',
            '\u{206F}',
            '\u{FEFF}', // byte order mark inside text
            '\u{FFF9}', // interlinear annotation anchor
            '\u{FFFB}',
            '\u{110BD}',
            '\u{13430}', // Egyptian hieroglyph format controls
            '\u{1BCA0}',
            '\u{1D173}',
            '\u{E0001}', // language tag
            '\u{E0020}', // tag space
            '\u{E007F}', // cancel tag
        ];
        for c in unsafe_chars {
            assert!(is_unsafe(c), "U+{:04X}", c as u32);
            let text = format!("a{c}b");
            let escaped = format!("a\\u{{{:x}}}b", c as u32);
            assert_eq!(escape(&text), escaped);
            let m = mask(&text);
            assert_eq!(m.len(), text.len());
            assert!(!m.contains(c));
        }
        for c in [
            'a', 'é', '한', '字', ' ', '\u{A0}', '\u{3000}', '😀', '\t', '\n',
        ] {
            assert!(!is_unsafe(c), "U+{:04X}", c as u32);
        }
        assert_eq!(escape("a\nb"), "a\\u{a}b");
    }

    #[test]
    fn legacy_workflow_commands_are_broken_up() {
        assert_eq!(escape("x ##[error]y"), "x ##\\u{5b}error]y");
        assert_eq!(mask("x ##[error]y"), "x ##?error]y");
        assert_eq!(escape("#[derive] # [x]"), "#[derive] # [x]");
        let json = br#"{"m": "a ##[add-mask]b"}"#.to_vec();
        let guarded = guard_json(json);
        let v: serde_json::Value = serde_json::from_slice(&guarded).unwrap();
        assert_eq!(v["m"], "a ##[add-mask]b");
        assert!(!String::from_utf8(guarded).unwrap().contains("##["));
    }

    #[test]
    fn no_line_starts_a_workflow_command() {
        let out =
            "  × msg\n        ::error file=x::y\n::warning::z\r  \u{3000}::notice::w\nok :: fine\n";
        let g = guard(out);
        assert_eq!(
            g,
            "  × msg\n        \\u{3a}:error file=x::y\n\\u{3a}:warning::z\r  \u{3000}\\u{3a}:notice::w\nok :: fine\n"
        );
        for line in g.split(['\n', '\r']) {
            assert!(!line.trim_start().starts_with("::"), "{line}");
        }
        assert_eq!(guard("a::b\n c"), "a::b\n c");
        assert!(matches!(guard("plain\n text"), Cow::Borrowed(_)));
        assert_eq!(guard("a ##[x]"), "a ##\\u{5b}x]");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Written in pieces, split anywhere, the guarded JSON is the
        /// whole text guarded at once.
        #[test]
        fn guarding_pieces_is_guarding_the_whole(
            text in "[#\\[a]{0,40}",
            cuts in proptest::collection::vec(0usize..41, 0..6),
        ) {
            let bytes = text.as_bytes();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.push(0);
            cuts.push(bytes.len());
            cuts.sort_unstable();
            let mut w = GuardJson::new(Vec::new());
            for pair in cuts.windows(2) {
                std::io::Write::write_all(&mut w, &bytes[pair[0]..pair[1]]).unwrap();
            }
            proptest::prop_assert_eq!(w.into_inner(), guard_json(bytes.to_vec()));
        }
    }
}
