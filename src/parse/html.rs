//! A small, forgiving scanner for the raw HTML inside Markdown.
//!
//! Markdown documentation uses a handful of HTML constructs that matter to
//! lockstep: `<a href>`, `<img src>`, `id`/`name` anchors and `<!-- comments -->`
//! (TOC markers, suppressions). This module finds those with their byte offsets
//! in the scanned text; it is not an HTML parser and never fails.

use std::sync::LazyLock;

use regex::Regex;

/// One attribute value found in a tag, with its offsets in the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub tag: String,
    pub name: String,
    pub value: String,
    pub start: usize,
    pub end: usize,
}

/// An HTML comment: its inner text (trimmed) and the offsets of `<!--` … `-->`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub attrs: Vec<Attr>,
    pub comments: Vec<Comment>,
}

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)<!--(.*?)-->|<([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#)
        .expect("static regex")
});

static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"#)
        .expect("static regex")
});

/// The attributes lockstep cares about: `href`/`name` on `a`, `src` on `img`,
/// and `id` on any tag.
fn wanted(tag: &str, name: &str) -> bool {
    match name {
        "id" => true,
        "href" | "name" => tag == "a",
        "src" => tag == "img" || tag == "source",
        "srcset" => tag == "source",
        _ => false,
    }
}

/// Scans `html` for comments and the wanted attributes.
///
/// The tags and attributes are found with [`TAG`] and [`ATTR`] without
/// their groups (a capturing search ran a backtracking engine over every
/// match: on ant-design, whose pages are full of HTML, a sixth of the
/// run); each match's parts are then read from its text, which its shape
/// fixes. A property test holds this to [`scan_by_groups`].
pub fn scan(html: &str) -> Scan {
    let mut out = Scan::default();
    if !html.contains('<') {
        return out;
    }
    for whole in TAG.find_iter(html) {
        let m = whole.as_str();
        // `<!--(.*?)-->`: the only alternative that can start `<!`.
        if let Some(inner) = m.strip_prefix("<!--") {
            let inner = inner.strip_suffix("-->").unwrap_or(inner);
            out.comments.push(Comment {
                text: inner.trim().to_string(),
                start: whole.start(),
                end: whole.end(),
            });
            continue;
        }
        // `<` name attributes `>`: the name is the longest run of its
        // characters (the attributes may start with any of them, so the
        // greedy name takes them all).
        let name_len = m[1..]
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'-'))
            .unwrap_or(m.len() - 1);
        let tag = m[1..1 + name_len].to_ascii_lowercase();
        let rest_start = whole.start() + 1 + name_len;
        let rest = &m[1 + name_len..m.len() - 1];
        for a in ATTR.find_iter(rest) {
            let am = a.as_str();
            // The name: the longest run of its characters (`\s*=` follows).
            let name_len = am
                .bytes()
                .position(|b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                })
                .unwrap_or(am.len());
            let name = am[..name_len].to_ascii_lowercase();
            if !wanted(&tag, &name) {
                continue;
            }
            // `\s*=\s*` then the value: quoted by `"` or `'`, or bare.
            let after_name = am[name_len..].trim_start();
            let after_eq = after_name
                .strip_prefix('=')
                .unwrap_or(after_name)
                .trim_start();
            let value_at = am.len() - after_eq.len();
            let (v_start, v_end) = match am.as_bytes().get(value_at) {
                Some(b'"' | b'\'') => (value_at + 1, am.len() - 1),
                Some(_) => (value_at, am.len()),
                // (never: the pattern ends with a value)
                None => continue,
            };
            let at = rest_start + a.start() + v_start;
            out.attrs.push(attr(&tag, name, &am[v_start..v_end], at));
        }
    }
    out
}

/// The attribute `name` (lowercased, wanted) of `tag` whose value, as
/// written, is `raw`, at offset `at` of the scanned text: entities decoded,
/// and of a `srcset` the first candidate, as `src`.
fn attr(tag: &str, name: String, raw: &str, at: usize) -> Attr {
    if name == "srcset" {
        // The first candidate only: `a.png 1x, b.png 2x`.
        let first = raw.split(',').next().unwrap_or("").trim_start();
        let lead = raw.len() - raw.trim_start().len();
        let url = first.split_whitespace().next().unwrap_or("");
        return Attr {
            tag: tag.to_string(),
            name: "src".into(),
            value: url.to_string(),
            start: at + lead,
            end: at + lead + url.len(),
        };
    }
    Attr {
        tag: tag.to_string(),
        name,
        value: decode_entities(raw),
        start: at,
        end: at + raw.len(),
    }
}

/// Decodes the character references that occur in real attribute values.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|j| j + 1);
        let decoded = end.and_then(|j| {
            let name = &rest[1..j];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, j + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`scan`] by the regexes' groups (the reference its test compares with).
    fn scan_by_groups(html: &str) -> Scan {
        let mut out = Scan::default();
        if !html.contains('<') {
            return out;
        }
        for caps in TAG.captures_iter(html) {
            let whole = caps.get(0).expect("group 0");
            if let Some(inner) = caps.get(1) {
                out.comments.push(Comment {
                    text: inner.as_str().trim().to_string(),
                    start: whole.start(),
                    end: whole.end(),
                });
                continue;
            }
            let (Some(tag), Some(rest)) = (caps.get(2), caps.get(3)) else {
                continue;
            };
            let tag = tag.as_str().to_ascii_lowercase();
            for a in ATTR.captures_iter(rest.as_str()) {
                let name = a[1].to_ascii_lowercase();
                if !wanted(&tag, &name) {
                    continue;
                }
                let Some(value) = a.get(2).or_else(|| a.get(3)).or_else(|| a.get(4)) else {
                    continue;
                };
                let at = rest.start() + value.start();
                out.attrs.push(attr(&tag, name, value.as_str(), at));
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        /// Comments and attributes as the regexes' groups give them, on
        /// text made of the pieces HTML in Markdown is made of.
        #[test]
        fn scan_is_scan_by_groups(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "<", ">", "<!--", "-->", "<a", "<img", "<source", "<H2", "<x-1",
                    " id='x'", " ID=\"y&amp;z\"", " href=\"a.md#b\"", " HREF = 'c d'",
                    " src=b.png", " src = \"\"", " srcset=\" x.png 1x, y.png 2x\"",
                    " srcset='z.png'", " name=n", " name =\n'm'", " data-id=\"q\"",
                    " a_b:c.d=e", "=", "\"", "'", " ", "\n", "\u{a0}", "é", "/", "`", "id", "src",
                ]),
                0..40,
            ),
        ) {
            let html = parts.concat();
            let (a, b) = (scan(&html), scan_by_groups(&html));
            proptest::prop_assert_eq!(a.attrs, b.attrs);
            proptest::prop_assert_eq!(a.comments, b.comments);
        }
    }

    #[test]
    fn finds_links_images_anchors_and_comments() {
        let html = r#"<p align="center"><a name="top"></a><a href='x.md#y'>x</a>
<img width=10 src="images/a b.png"><!-- TOC --><h2 id=intro>Intro</h2>"#;
        let s = scan(html);
        let got: Vec<_> = s
            .attrs
            .iter()
            .map(|a| (a.tag.as_str(), a.name.as_str(), &html[a.start..a.end]))
            .collect();
        assert_eq!(
            got,
            [
                ("a", "name", "top"),
                ("a", "href", "x.md#y"),
                ("img", "src", "images/a b.png"),
                ("h2", "id", "intro"),
            ]
        );
        assert_eq!(s.comments[0].text, "TOC");
    }

    #[test]
    fn entities() {
        assert_eq!(decode_entities("a&amp;b&#x41;&#66;&bogus;"), "a&bAB&bogus;");
    }
}
