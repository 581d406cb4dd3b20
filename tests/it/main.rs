//! The integration tests: one binary, one module per area. Each module's
//! first paragraph says what it covers.

mod action;
mod alignment;
mod cli;
mod common;
mod corpora;
mod declarative;
mod external;
mod fix_properties;
mod fixtures;
mod formats;
mod history;
mod incremental;
mod layers;
mod lsp;
mod net;
mod pr;
mod readme;
mod safety;
mod sites;
mod slugs;
mod status;
mod support;
mod text_properties;
