//! Giving up an alignment nobody waits for any more.
//!
//! The language server compares the translations of an edited source one
//! at a time while nothing else waits; a message from the editor must not
//! wait for a comparison of a 2 MB document. The server arms the interrupt
//! before such a comparison, its reader fires it when a message arrives,
//! and alignments running then finish at once with meaningless pairs —
//! the server throws that result away ([`disarm`] says it fired) and
//! compares again later. Unarmed (every other caller), it never fires.

use std::sync::atomic::{AtomicU8, Ordering};

const OFF: u8 = 0;
const ARMED: u8 = 1;
const FIRED: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(OFF);

/// What runs from now on may be interrupted.
pub fn arm() {
    STATE.store(ARMED, Ordering::SeqCst);
}

/// Interrupts what runs, if it may be interrupted; whether it was.
pub fn fire() -> bool {
    STATE
        .compare_exchange(ARMED, FIRED, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
}

/// Nothing may be interrupted any more; whether something was (its
/// result is then meaningless).
pub fn disarm() -> bool {
    STATE.swap(OFF, Ordering::SeqCst) == FIRED
}

/// Whether the work running now is no longer wanted.
pub(crate) fn fired() -> bool {
    STATE.load(Ordering::Relaxed) == FIRED
}

/// The value in `cell`, made by `make` the first time — unless the work
/// was interrupted meanwhile: what `make` made is then meaningless, is not
/// kept, and `None` says so.
pub(crate) fn made_once<T>(cell: &std::sync::OnceLock<T>, make: impl FnOnce() -> T) -> Option<&T> {
    if let Some(value) = cell.get() {
        return Some(value);
    }
    let value = make();
    if fired() {
        return None;
    }
    Some(cell.get_or_init(|| value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_only_when_armed() {
        fire();
        assert!(!fired());
        arm();
        assert!(!fired());
        fire();
        assert!(fired());
        assert!(disarm());
        assert!(!disarm());
        fire();
        assert!(!fired());
    }
}
