//! The process-wide registry of declarative rules: names interned to
//! [`RuleId::Declared`](super::RuleId::Declared) indices, with their
//! descriptions.
//!
//! A rule's id is its name, stable across runs; the index is only a handle.
//! Loading the same rule again (another root, another test) reuses its index
//! and replaces its description. Descriptions are leaked: there are as many
//! as rule definitions loaded, a handful per run.

use std::sync::RwLock;

use super::RuleMeta;

struct Entry {
    name: &'static str,
    meta: &'static RuleMeta,
    pack: &'static str,
}

static ENTRIES: RwLock<Vec<Entry>> = RwLock::new(Vec::new());

fn read() -> std::sync::RwLockReadGuard<'static, Vec<Entry>> {
    ENTRIES.read().unwrap_or_else(|p| p.into_inner())
}

/// Leaks a string for a [`RuleMeta`] field.
pub fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// Registers (or re-describes) the rule named `meta.name`; returns its index.
pub fn register(meta: RuleMeta, pack: &str) -> u32 {
    let mut entries = ENTRIES.write().unwrap_or_else(|p| p.into_inner());
    if let Some(i) = entries.iter().position(|e| e.name == meta.name) {
        let e = &mut entries[i];
        if !same(e.meta, &meta) || e.pack != pack {
            e.meta = Box::leak(Box::new(meta));
            e.pack = leak_str(pack);
        }
        return i as u32;
    }
    let meta: &'static RuleMeta = Box::leak(Box::new(meta));
    entries.push(Entry {
        name: meta.name,
        meta,
        pack: leak_str(pack),
    });
    (entries.len() - 1) as u32
}

fn same(a: &RuleMeta, b: &RuleMeta) -> bool {
    a.name == b.name
        && a.summary == b.summary
        && a.severity == b.severity
        && a.default_on == b.default_on
        && a.docs == b.docs
}

pub fn lookup(name: &str) -> Option<u32> {
    read().iter().position(|e| e.name == name).map(|i| i as u32)
}

pub fn meta(i: u32) -> &'static RuleMeta {
    read()[i as usize].meta
}

pub fn pack(i: u32) -> &'static str {
    read()[i as usize].pack
}

pub fn ids() -> Vec<u32> {
    (0..read().len() as u32).collect()
}
