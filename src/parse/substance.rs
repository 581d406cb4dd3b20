//! What a translator must act on: Markdown text reduced to its substance,
//! so that edits which change nothing to translate compare equal.
//!
//! Defined once, used on both sides of staleness:
//! - **In the source** ([`Side::Source`]), these are cosmetic: whitespace and
//!   line breaks, the emphasis marker (`*x*` / `_x_`, `**x**` / `__x__`),
//!   the list bullet (`*`, `+`, `-`), a collapsed reference link's `[]`
//!   (`[x][]` is `[x]`), table padding, outer pipes and the
//!   separator row's dashes and alignment colons, HTML comments, and
//!   navigation links — those whose destination the caller says is
//!   navigation (language-switcher links: another edition of the same
//!   document), with the separators between them. Prose, code, images and
//!   every other link destination are substance.
//! - **In a translation** ([`Side::Translation`]), also: every link and
//!   image destination, reference definitions' destinations, explicit ids
//!   (`{#id}`, `id=`/`name=` attributes) — what `lockstep fix` and anchor
//!   repairs change. Such an edit does not resync a translated section.
//!
//! The functions work on any fragment of lines (a diff hunk or a section),
//! so they cannot know whether a line is inside a code block; the rules
//! above are chosen to be harmless there (an intraword `_` stays as it is).

use std::sync::LazyLock;

use regex::Regex;

/// Which edition a text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Source,
    Translation,
}

static COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<!--.*?-->").expect("static regex"));
static SEPARATOR_ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$").expect("static regex")
});
/// An inline link or image: `[text](dest "title")`, one level of nested
/// parentheses in the destination.
static INLINE_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>]*>|(?:[^()\s]|\([^()\s]*\))*)(\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)"#)
        .expect("static regex")
});
/// An HTML link: `<a … href="dest" …>text</a>`.
static HTML_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>(.*?)</a\s*>"#)
        .expect("static regex")
});
static REFERENCE_DEFINITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^( {0,3}\[[^\]]+\]:)[ \t]*\S+.*$").expect("static regex"));
static ATTRIBUTE_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(href|src|id|name)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)"#).expect("static regex")
});
static ID_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\s*#[^}\s]*[^}]*\}").expect("static regex"));
/// What is left between navigation links once they are gone: separators.
static NAV_RESIDUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\s|·•/,:\-–—]*\x01[\s|·•/,:\-–—]*").expect("static regex"));

/// Marks a removed navigation link.
const NAV: &str = "\x01";

/// `text` reduced to its substance (see the module documentation), as one
/// line of single-spaced words. `nav` says whether a link destination is
/// navigation (source side; never asked on the translation side, where
/// every destination is dropped).
pub fn substance(text: &str, side: Side, nav: &dyn Fn(&str) -> bool) -> String {
    let mut text = if text.contains("<!--") {
        COMMENT.replace_all(text, "").into_owned()
    } else {
        text.to_string()
    };
    if text.contains(['[', '<']) {
        text = links(&text, side, nav);
    }
    // A collapsed reference link is its shortcut form: `[x][]` is `[x]`.
    if text.contains("][]") {
        text = text.replace("][]", "]");
    }
    if side == Side::Translation {
        if text.contains("]:") {
            text = REFERENCE_DEFINITION.replace_all(&text, "$1").into_owned();
        }
        if text.contains('=') {
            text = ATTRIBUTE_VALUE.replace_all(&text, "$1").into_owned();
        }
        if text.contains("{") {
            text = ID_BLOCK.replace_all(&text, "").into_owned();
        }
    }
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.contains('-') && line.contains(['|', ':']) && SEPARATOR_ROW.is_match(line) {
            push_words(&mut out, "|-|");
            continue;
        }
        let line = bullet(line);
        let line = if line.starts_with('|') || line.ends_with('|') {
            table_row(&line)
        } else {
            line.into_owned()
        };
        push_words(&mut out, &emphasis(&line));
    }
    out
}

/// Whether two texts differ in substance.
pub fn differs(old: &str, new: &str, side: Side, nav: &dyn Fn(&str) -> bool) -> bool {
    substance(old, side, nav) != substance(new, side, nav)
}

fn push_words(out: &mut String, line: &str) {
    for w in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
}

/// Links: navigation links (source side) are removed with the separators
/// around them; on the translation side every destination is dropped.
fn links(text: &str, side: Side, nav: &dyn Fn(&str) -> bool) -> String {
    let mut removed = false;
    let text = match side {
        Side::Translation => without_destinations(text),
        Side::Source => without_navigation(text, nav, &mut removed),
    };
    let text = if text.contains("<a") || text.contains("<A") {
        HTML_LINK
            .replace_all(&text, |c: &regex::Captures<'_>| {
                let dest = (1..=3)
                    .find_map(|i| c.get(i))
                    .map_or("", |m| m.as_str())
                    .to_string();
                match side {
                    Side::Translation => format!("<a>{}</a>", &c[4]),
                    Side::Source if nav(&dest) => {
                        removed = true;
                        NAV.to_string()
                    }
                    Side::Source => c[0].to_string(),
                }
            })
            .into_owned()
    } else {
        text.into_owned()
    };
    if removed {
        NAV_RESIDUE.replace_all(&text, " ").into_owned()
    } else {
        text
    }
}

/// Where the text of `link`, a match of `INLINE_LINK`, ends (its `]`):
/// the `]` at bracket depth 0, since the pattern lets a link text hold only
/// bracket pairs without brackets inside.
fn text_end(link: &str) -> usize {
    let open = if link.starts_with('!') { 2 } else { 1 };
    let mut inner = false;
    open + link.as_bytes()[open..]
        .iter()
        .position(|&b| match b {
            b'[' => {
                inner = true;
                false
            }
            b']' if inner => {
                inner = false;
                false
            }
            b']' => true,
            _ => false,
        })
        .expect("a link's text ends at a bracket")
}

/// What may follow an angle-bracketed destination to the end of a link.
static AFTER_ANGLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)$"#).expect("static regex")
});

/// The destination of `link`, a match of `INLINE_LINK` (its third group),
/// read from the match: after `](` and any whitespace, `<…>` when the rest
/// of the link can follow it (the pattern's first choice), else the run of
/// characters and parenthesised groups without whitespace — the longest,
/// the only one the rest of the link can follow.
fn destination(link: &str) -> &str {
    let rest = link[text_end(link) + 2..].trim_start();
    if rest.starts_with('<')
        && let Some(close) = rest.find('>')
        && AFTER_ANGLE.is_match(&rest[close + 1..])
    {
        return &rest[..=close];
    }
    let mut end = 0;
    while let Some(c) = rest[end..].chars().next() {
        if c == '(' {
            let inner = &rest[end + 1..];
            match inner.find(|c: char| c == '(' || c == ')' || c.is_whitespace()) {
                Some(j) if inner[j..].starts_with(')') => end += j + 2,
                _ => break,
            }
        } else if c == ')' || c.is_whitespace() {
            break;
        } else {
            end += c.len_utf8();
        }
    }
    &rest[..end]
}

/// `text` with its navigation links (inline links, not images, whose
/// destination `nav` says is navigation) replaced by [`NAV`]; `removed`
/// says whether any was. Only the matches of `INLINE_LINK` are searched
/// for, not their groups (the slow part of a regex search).
fn without_navigation<'a>(
    text: &'a str,
    nav: &dyn Fn(&str) -> bool,
    removed: &mut bool,
) -> std::borrow::Cow<'a, str> {
    let mut out = String::new();
    let mut last = 0;
    for m in INLINE_LINK.find_iter(text) {
        let link = m.as_str();
        if link.starts_with('!') {
            continue;
        }
        let dest = destination(link)
            .trim_start_matches('<')
            .trim_end_matches('>');
        if nav(dest) {
            out.push_str(&text[last..m.start()]);
            out.push_str(NAV);
            last = m.end();
            *removed = true;
        }
    }
    if last == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

/// Every inline link and image of `text` as `[text]()` (`![text]()`): what
/// `INLINE_LINK.replace_all` with `"$1[$2]()"` makes. Only the matches are
/// searched for, not their groups (the slow part of a regex search).
fn without_destinations(text: &str) -> std::borrow::Cow<'_, str> {
    let mut out = String::new();
    let mut last = 0;
    for m in INLINE_LINK.find_iter(text) {
        let link = m.as_str();
        let close = text_end(link);
        out.push_str(&text[last..m.start()]);
        out.push_str(&link[..close]);
        out.push_str("]()");
        last = m.end();
    }
    if last == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

/// A list item's `*` or `+` bullet as `-` (`^(\s*)[*+-](\s+)` replaced
/// with `$1-$2`, on a trimmed line).
fn bullet(line: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = line.chars();
    match (chars.next(), chars.next()) {
        (Some('*' | '+'), Some(c)) if c.is_whitespace() => {
            std::borrow::Cow::Owned(format!("-{}", &line[1..]))
        }
        _ => std::borrow::Cow::Borrowed(line),
    }
}

/// A table row without padding or outer pipes.
fn table_row(line: &str) -> String {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner
        .split('|')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("|")
}

/// `_` and `__` used as emphasis markers become `*` and `**`; an intraword
/// `_` (`snake_case`) stays.
fn emphasis(line: &str) -> String {
    if !line.contains('_') {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            // Within a run of underscores, look past the run.
            let mut before = i;
            while before > 0 && chars[before - 1] == '_' {
                before -= 1;
            }
            let mut after = i + 1;
            while after < chars.len() && chars[after] == '_' {
                after += 1;
            }
            let word = |k: Option<&char>| k.is_some_and(|c| c.is_alphanumeric());
            let intraword = before > 0 && word(chars.get(before - 1)) && word(chars.get(after));
            out.push(if intraword { '_' } else { '*' });
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never(_: &str) -> bool {
        false
    }

    fn same(a: &str, b: &str, side: Side) -> bool {
        !differs(a, b, side, &never)
    }

    #[test]
    fn cosmetic_source_edits_are_not_substance() {
        let s = Side::Source;
        assert!(same("A *big* cache.", "A _big_ cache.", s));
        assert!(same("A **big** cache.", "A __big__ cache.", s));
        assert!(same("* one\n* two", "- one\n- two", s));
        assert!(same(
            "| a | b |\n|---|:--|\n| 1 | 2 |",
            "|a   |b|\n| --- | --- |\n|1|2|",
            s
        ));
        assert!(same("Text.", "Text. <!-- reviewed -->", s));
        assert!(same(
            "See the [adopters list].",
            "See the [adopters list][].",
            s
        ));
        assert!(!same(
            "See the [adopters list].",
            "See the [adopter list].",
            s
        ));
        assert!(same("Some\nwrapped  text.", "Some wrapped text.", s));
        assert!(same("snake_case stays", "snake_case stays", s));
        assert!(!same("snake_case", "snake*case", s));
        assert!(!same("A cache.", "A fast cache.", s));
        assert!(!same("See [x](a.md).", "See [x](b.md).", s));
        assert!(!same("![chart](a.png)", "![chart](b.png)", s));
        assert!(!same("`a`", "`b`", s));
    }

    #[test]
    fn navigation_links_are_dropped_with_their_separators() {
        let nav = |d: &str| d.starts_with("README");
        let old = "[English](README.md) | [한국어](README-ko.md)\n\nIntro.";
        let new =
            "[English](README.md) | [한국어](README-ko.md) | [日本語](README-ja.md)\n\nIntro.";
        assert!(!differs(old, new, Side::Source, &nav));
        let html =
            r#"<p><a href="README.md">English</a> · <a href="README-ko.md">한국어</a></p> Intro."#;
        assert_eq!(
            substance(html, Side::Source, &nav),
            "<p> </p> Intro.".replace("  ", " ")
        );
        assert!(differs(
            old,
            "[English](README.md)\n\nOther.",
            Side::Source,
            &nav
        ));
    }

    proptest::proptest! {
        /// The links found without their groups are those the regex's
        /// groups give, in texts dense with link syntax.
        #[test]
        fn links_without_destinations_are_the_regex_replacement(
            text in r#"(\[|\]|\(|\)|!|<|>|"|'| |\t|\n|\u{a0}|a|é|캐|#|\]\(|!\[|\[a\]|\(x\)){0,40}"#
        ) {
            let expected = INLINE_LINK.replace_all(&text, "$1[$2]()");
            proptest::prop_assert_eq!(without_destinations(&text), expected);
        }

        /// Each link's destination read from its match is the regex's
        /// third group, and the navigation links removed without the
        /// groups are those the groups give.
        #[test]
        fn destinations_are_the_regex_groups(
            text in r#"(\[|\]|\(|\)|!|<|>|"|'| |\t|\n|\u{a0}|a|x|é|캐|#|\]\(|!\[|\[a\]|\(x\)|\]\(<|> "t"\)|\(a\)){0,40}"#
        ) {
            for c in INLINE_LINK.captures_iter(&text) {
                proptest::prop_assert_eq!(destination(&c[0]), c.get(3).map_or("", |m| m.as_str()));
            }
            // Navigation by the destination's length and letters, so that a
            // destination read one character too long or short is caught.
            let nav = |d: &str| d.len() % 3 == 1 || d.contains('x');
            let mut by_groups = false;
            let expected = INLINE_LINK.replace_all(&text, |c: &regex::Captures<'_>| {
                let dest = c.get(3).map_or("", |m| m.as_str());
                if c[1].is_empty() && nav(dest.trim_start_matches('<').trim_end_matches('>')) {
                    by_groups = true;
                    NAV.to_string()
                } else {
                    c[0].to_string()
                }
            });
            let mut removed = false;
            proptest::prop_assert_eq!(without_navigation(&text, &nav, &mut removed), expected);
            proptest::prop_assert_eq!(removed, by_groups);
        }

        #[test]
        fn bullets_are_the_regex_replacement(line in "[*+\\- \t\u{a0}\u{3000}ab]{0,6}") {
            let line = line.trim();
            let bullet_re = Regex::new(r"^(\s*)[*+-](\s+)").unwrap();
            proptest::prop_assert_eq!(bullet(line), bullet_re.replace(line, "$1-$2"));
        }
    }

    /// Links, images, nested brackets and parentheses, titles and angle
    /// brackets: each keeps its text and loses its destination.
    #[test]
    fn links_lose_their_destinations_and_keep_their_texts() {
        let cases = [
            ("[a](b.md) and ![c](d.png \"t\")", "[a]() and ![c]()"),
            ("[a [b] c](<x y>) [d](e(f)g)", "[a [b] c]() [d]()"),
            ("[a]( \"title\") [b] (c) [[d]](e)", "[a]() [b] (c) [[d]]()"),
            ("no links [here]", "no links [here]"),
        ];
        for (text, expected) in cases {
            assert_eq!(without_destinations(text), expected, "{text}");
        }
    }

    #[test]
    fn translation_destinations_and_ids_are_not_substance() {
        let t = Side::Translation;
        assert!(same("[캐시](#Cache) 참고", "[캐시](#cache) 참고", t));
        assert!(same("[캐시](a.md#x \"t\")", "[캐시](../a.md#y)", t));
        assert!(same("## 캐시 {#cache}", "## 캐시 {#caching}", t));
        assert!(same(
            r#"<a id="old"></a>캐시"#,
            r#"<a id="new"></a>캐시"#,
            t
        ));
        assert!(same("[1]: https://a.example", "[1]: https://b.example", t));
        assert!(same(
            r#"<a href="a.md">캐시</a>"#,
            r#"<a href="b.md">캐시</a>"#,
            t
        ));
        assert!(!same("[캐시](#cache)", "[캐싱](#cache)", t));
        assert!(!same("캐시는 빠르다.", "캐시는 매우 빠르다.", t));
    }
}
