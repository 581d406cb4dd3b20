//! `cargo bench --bench external`: 2,000 URLs checked against a local test
//! server with the limits at their defaults (32 requests at once, 2 per
//! host): 100 host names that resolve (through the checker's own resolver,
//! as overrides) to the loopback server, 20 URLs each. Reports URLs/second.

#[path = "../tests/it/support/server.rs"]
mod server;

use std::collections::HashMap;
use std::net::IpAddr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lockstep::net::{AddressPolicy, NetOptions, Outcome, check_urls, request_url};

fn bench(c: &mut Criterion) {
    let s = server::Server::start();
    let port = s.addr.port();
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    let hosts: Vec<String> = (0..100).map(|h| format!("h{h}.bench.test")).collect();
    let urls: Vec<_> = hosts
        .iter()
        .flat_map(|h| (0..20).map(move |i| format!("http://{h}:{port}/ok?i={i}")))
        .map(|u| request_url(&u).unwrap())
        .collect();
    assert_eq!(urls.len(), 2000);
    let opts = NetOptions {
        policy: AddressPolicy {
            allow_private: false,
            allow_loopback: true,
        },
        overrides: hosts
            .iter()
            .map(|h| (h.clone(), vec![loopback]))
            .collect::<HashMap<_, _>>(),
        ..NetOptions::default()
    };
    assert_eq!(
        (opts.max_concurrency, opts.per_host),
        (32, 2),
        "the defaults"
    );
    let mut g = c.benchmark_group("external links");
    g.sample_size(10);
    g.throughput(Throughput::Elements(urls.len() as u64));
    g.bench_function("2,000 URLs, 100 hosts, default limits", |b| {
        b.iter(|| {
            let out = check_urls(&urls, &opts).unwrap();
            assert!(out.values().all(|o| matches!(o, Outcome::Ok { .. })));
        })
    });
    g.finish();
}

criterion_group!(external, bench);
criterion_main!(external);
