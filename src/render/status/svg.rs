//! `lockstep status --format svg --lang ko`: a shields-style badge.

/// Approximate width in pixels of `text` in Verdana 11px (as shields.io
/// measures it): narrow for punctuation, wide for CJK.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '!' | '|' | '\'' | ' ' => 3.9,
            'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' => 4.9,
            'm' | 'w' | 'M' | 'W' | '%' => 10.5,
            c if c.is_ascii_uppercase() => 7.5,
            c if c.is_ascii() => 7.0,
            _ => 11.0,
        })
        .sum()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The badge colour for a percentage (shields.io's scale).
fn colour(percent: f64) -> &'static str {
    match percent {
        p if p >= 90.0 => "#4c1",
        p if p >= 75.0 => "#97ca00",
        p if p >= 50.0 => "#dfb317",
        p if p >= 25.0 => "#fe7d37",
        _ => "#e05d44",
    }
}

/// "ko | 62% translated".
pub fn badge(lang: &str, percent: f64) -> String {
    let left = escape(lang);
    let right = format!("{:.0}% translated", percent.floor());
    let lw = (text_width(lang) + 10.0).round();
    let rw = (text_width(&right) + 10.0).round();
    let w = lw + rw;
    let (lx, rx) = (lw / 2.0, lw + rw / 2.0);
    let color = colour(percent);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{left}: {right}">
  <title>{left}: {right}</title>
  <linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
  <clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath>
  <g clip-path="url(#r)">
    <rect width="{lw}" height="20" fill="#555"/>
    <rect x="{lw}" width="{rw}" height="20" fill="{color}"/>
    <rect width="{w}" height="20" fill="url(#s)"/>
  </g>
  <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
    <text x="{lx}" y="15" fill="#010101" fill-opacity=".3">{left}</text>
    <text x="{lx}" y="14">{left}</text>
    <text x="{rx}" y="15" fill="#010101" fill-opacity=".3">{right}</text>
    <text x="{rx}" y="14">{right}</text>
  </g>
</svg>
"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badge_text_and_colour() {
        let b = badge("ko", 62.4);
        assert!(b.contains(">ko<") && b.contains(">62% translated<"));
        assert!(b.contains("#dfb317"));
        assert!(badge("de", 95.0).contains("#4c1"));
    }
}
