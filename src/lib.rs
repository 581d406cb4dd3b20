//! lockstep keeps every language edition of a Markdown documentation set
//! correct and in sync.
//!
//! The pipeline flows one way; each stage takes the previous stage's output by
//! reference:
//!
//! ```text
//! config    lockstep.toml + command line → Settings (validated)
//! discover  walk the root (.gitignore respected), group files into documents
//!           with a source edition and translations; read every file once
//! parse     comrak → Document: headings + GitHub ids, sections, links,
//!           images, HTML anchors, comments, TOC block, with byte spans   [rayon]
//! index     which paths exist, which anchors each file has
//! rules     pure functions → Vec<Diagnostic>                             [rayon]
//!           (built-in rules, and declarative rules from rule files)
//! render    sorted diagnostics → human (miette) | json
//! ```
//!
//! [`app`] is the only module that knows about threads; nothing below it
//! touches the command line.

pub mod align;
pub mod app;
pub mod cli;
pub mod config;
pub mod declarative;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod history;
pub mod index;
pub mod net;
pub mod parse;
pub mod render;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod translation;
pub mod write;
