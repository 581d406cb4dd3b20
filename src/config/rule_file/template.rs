//! Message and replacement templates: `{0}` is the whole match, `{1}`, `{2}`
//! … the pattern's groups, `{name}` a named group; `{{` and `}}` are braces.

use std::fmt;

use regex::Captures;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Group(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
    source: String,
}

impl Template {
    /// Parses `s` against a pattern's groups (`groups[i]` is group `i`'s
    /// name, group 0 being the whole match).
    pub fn parse(s: &str, groups: &[Option<String>]) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|p| p.1) == Some('{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek().map(|p| p.1) == Some('}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let rest = &s[i + 1..];
                    let Some(end) = rest.find('}') else {
                        return Err(format!(
                            "`{{` at byte {i} is not closed (write `{{{{` for a brace)"
                        ));
                    };
                    let name = &rest[..end];
                    let group = if let Ok(n) = name.parse::<usize>() {
                        if n >= groups.len() {
                            return Err(format!(
                                "`{{{name}}}`: the pattern has {} group{} (`{{0}}` is the whole match)",
                                groups.len() - 1,
                                if groups.len() == 2 { "" } else { "s" }
                            ));
                        }
                        n
                    } else {
                        groups
                            .iter()
                            .position(|g| g.as_deref() == Some(name))
                            .ok_or_else(|| {
                                format!("`{{{name}}}`: the pattern has no group named `{name}`")
                            })?
                    };
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Group(group));
                    // Skip the name and the closing brace.
                    for _ in 0..name.chars().count() + 1 {
                        chars.next();
                    }
                }
                '}' => {
                    return Err(format!(
                        "`}}` at byte {i} has no `{{` (write `}}}}` for a brace)"
                    ));
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Self {
            parts,
            source: s.to_string(),
        })
    }

    /// The template with the captures filled in (an unmatched group is empty).
    pub fn expand(&self, caps: &Captures<'_>) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Group(g) => out.push_str(caps.get(*g).map_or("", |m| m.as_str())),
            }
        }
        out
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(re: &regex::Regex) -> Vec<Option<String>> {
        re.capture_names().map(|n| n.map(str::to_string)).collect()
    }

    #[test]
    fn expands_groups_names_and_braces() {
        let re = regex::Regex::new(r"(?i)\bTODO\b(?<rest>.*)").unwrap();
        let t = Template::parse("Leftover {0}: {{{rest}}} [{1}]", &groups(&re)).unwrap();
        let caps = re.captures("a TODO: write").unwrap();
        assert_eq!(t.expand(&caps), "Leftover TODO: write: {: write} [: write]");
    }

    #[test]
    fn rejects_unknown_groups_and_stray_braces() {
        let re = regex::Regex::new(r"a(b)").unwrap();
        let g = groups(&re);
        assert!(Template::parse("{2}", &g).unwrap_err().contains("1 group"));
        assert!(
            Template::parse("{x}", &g)
                .unwrap_err()
                .contains("no group named `x`")
        );
        assert!(
            Template::parse("{1", &g)
                .unwrap_err()
                .contains("not closed")
        );
        assert!(
            Template::parse("a } b", &g)
                .unwrap_err()
                .contains("has no `{`")
        );
        assert!(Template::parse("{1}{0}", &g).is_ok());
    }
}
