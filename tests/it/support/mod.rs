//! Test servers the integration tests start themselves (loopback only).

pub mod server;
