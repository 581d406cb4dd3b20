//! lockstep keeps every language edition of a Markdown documentation set
//! correct and in sync.
//!
//! The pipeline flows one way; each stage takes the previous stage's output
//! by reference, and no module imports one above it (`scripts/check-layers`
//! checks this; `ARCHITECTURE.md` describes each stage):
//!
//! ```text
//! config     lockstep.toml, rule files, selections → Settings (validated)
//! discover   walk the root (.gitignore respected), group files into documents
//!            with a source edition and translations; read every file once
//! parse      comrak → Document: headings + ids, sections, links, images,
//!            HTML anchors, comments, TOC block, with byte spans       [rayon]
//! index      which paths exist, which anchors each file has
//! history    git, at the edge, once per run before any rule → plain data
//! align      pair each translated section with its source section    [rayon]
//! stale      which translated sections changed in the source since synced
//! rules      pure functions → Vec<Diagnostic>                          [rayon]
//!            (the net edge checks external URLs before, for dead-link)
//! report     sorted diagnostics, status, fix outcome → plain data
//! render     human (miette) | json | sarif | github | status | fix | rules
//! ```
//!
//! [`app`] orchestrates the stages and is the only module that knows about
//! threads; [`workspace`] holds a loaded root. The binary (`src/main.rs`)
//! parses the command line, calls [`app`], and hands results to [`render`].

pub mod align;
pub mod app;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod external;
pub mod fix;
pub mod history;
pub mod index;
pub mod lsp;
pub mod net;
pub mod parse;
pub mod registry;
pub mod render;
pub mod report;
pub mod rules;
pub mod source;
pub mod stale;
pub mod suppress;
pub mod translation;
pub mod workspace;
pub mod write;
