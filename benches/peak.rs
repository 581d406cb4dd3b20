//! Peak resident memory of a command, as a small parent measures it:
//! runs `CMD ARGS…` (output discarded) and prints its peak RSS in KiB.
//!
//! `scripts/bench` measures memory through this program, not from its own
//! Python process: Linux carries the parent's resident size into a child's
//! peak across `exec`, so a child of Python (about 14 MiB) never reports
//! less than that — below it, every command measured the same.
//!
//! `cargo build --release --example peak && target/release/examples/peak CMD ARGS…`

use std::process::{Command, Stdio};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(cmd) = args.next() else {
        eprintln!("usage: peak CMD [ARGS…]");
        std::process::exit(2);
    };
    let status = Command::new(&cmd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if let Err(e) = status {
        eprintln!("peak: cannot run {cmd}: {e}");
        std::process::exit(2);
    }
    println!("{}", children_peak_kib());
}

#[cfg(target_os = "linux")]
fn children_peak_kib() -> i64 {
    // SAFETY: getrusage writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss
}

#[cfg(not(target_os = "linux"))]
fn children_peak_kib() -> i64 {
    -1
}
