use comrak::nodes::NodeValue;
use comrak::{Arena, Options, parse_document};
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let arena = Arena::new();
    let mut o = Options::default();
    o.extension.autolink = true;
    o.extension.table = true;
    o.extension.strikethrough = true;
    let root = parse_document(&arena, &text, &o);
    for n in root.descendants() {
        let d = n.data();
        let v = match &d.value {
            NodeValue::Text(t) => format!("Text({:?})", t),
            NodeValue::Code(c) => format!("Code({:?})", c.literal),
            NodeValue::SoftBreak => "SoftBreak".into(),
            NodeValue::LineBreak => "LineBreak".into(),
            NodeValue::Link(l) => format!("Link({:?})", l.url),
            NodeValue::HtmlInline(h) => format!("HtmlInline({:?})", h),
            v => format!("{:?}", std::mem::discriminant(v)),
        };
        println!(
            "{}:{}-{}:{} {}",
            d.sourcepos.start.line,
            d.sourcepos.start.column,
            d.sourcepos.end.line,
            d.sourcepos.end.column,
            v
        );
    }
}
