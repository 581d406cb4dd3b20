//! Text from contributors' files, made safe to print.
//!
//! A heading or link in a pull request may contain terminal control
//! characters or Unicode bidirectional overrides (which make code read
//! differently than it runs — "Trojan Source"). Human and GitHub output
//! never print them raw: messages get visible escapes, and source snippets
//! get same-length replacements so that byte offsets stay valid.

use std::borrow::Cow;

/// Control characters (except newline and tab) and bidi controls.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with unsafe characters written as `\u{…}` escapes.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with unsafe characters replaced by visible ones of the same UTF-8
/// length (`?`, `·`, `\u{FFFD}`), so spans into it stay valid. A carriage
/// return before a newline is a line ending and stays.
pub fn mask(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && c != '\r') && !has_lone_cr(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if is_unsafe(c) {
            out.push(match c.len_utf8() {
                1 => '?',
                2 => '\u{B7}',
                3 => '\u{FFFD}',
                _ => '\u{1F6AB}',
            });
        } else {
            out.push(c);
        }
    }
    debug_assert_eq!(out.len(), text.len());
    Cow::Owned(out)
}

fn has_lone_cr(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_masks() {
        let evil = "a\u{202E}b\x1b[31mc\rd\r\ne";
        assert_eq!(escape(evil), "a\\u{202e}b\\u{1b}[31mc\\u{d}d\\u{d}\ne");
        let m = mask(evil);
        assert_eq!(m.len(), evil.len());
        assert_eq!(m, "a\u{FFFD}b?[31mc?d\r\ne");
        assert!(matches!(mask("plain\r\ntext"), Cow::Borrowed(_)));
    }
}
