//! ITI-9 round-trip latency on loopback through `MllpClient` (pool of 4 connections)
//! against an in-process Rust responder. Criterion measures one query; a second pass
//! runs 4 concurrent workers and prints p50/p99 per query.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use bedside_pix::client::PixClient;
use bedside_pix::domain::{Domain, PixQuery};
use bedside_pix::er7::Message;
use bedside_pix::mllp::{self, Decoder};
use bedside_pix::net::{MllpClient, MllpConfig};
use criterion::{Criterion, criterion_group};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn respond(query: &[u8]) -> Vec<u8> {
    let m = Message::parse(query).unwrap();
    let ctrl = m.control_id().unwrap().into_owned();
    let qpd = m.segment("QPD").unwrap();
    let tag = qpd.field(2).text().unwrap().into_owned();
    let qpd_line = String::from_utf8_lossy(&query[qpd.offset()..])
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\r')
        .split('\r')
        .next()
        .unwrap_or("")
        .to_owned();
    let rsp = format!(
        "MSH|^~\\&|PIX_MGR|HIE|BEDSIDE_PPID|W7|20250314101501+0000||RSP^K23^RSP_K23|HIE-1|P|2.5\rMSA|AA|{ctrl}\rQAK|{tag}|OK\r{qpd_line}\rPID|||9990001235^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH||~^^^^^^S\r"
    );
    mllp::encode(rsp.as_bytes()).unwrap()
}

async fn responder() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            let _ = s.set_nodelay(true);
            tokio::spawn(async move {
                let mut d = Decoder::new(1 << 20);
                let mut buf = vec![0u8; 8192];
                loop {
                    while let Some(Ok(f)) = d.pop() {
                        if s.write_all(&respond(&f)).await.is_err() {
                            return;
                        }
                    }
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => d.push(&buf[..n]),
                    }
                }
            });
        }
    });
    addr
}

fn query() -> PixQuery {
    PixQuery::nhs_number_for(
        "K1234567",
        Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO").unwrap(),
    )
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr = rt.block_on(responder());
    let client = Arc::new(MllpClient::new(MllpConfig::new(&addr)));
    let q = query();
    c.bench_function("iti9_round_trip_loopback", |b| {
        b.iter(|| rt.block_on(async { assert!(client.query(&q).await.unwrap().is_match()) }))
    });

    // p50/p99 with 4 concurrent workers sharing the pool of 4.
    let per_worker = 500;
    let lat = rt.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let c = client.clone();
            tasks.push(tokio::spawn(async move {
                let q = query();
                let mut v = Vec::with_capacity(per_worker);
                for _ in 0..per_worker {
                    let t = Instant::now();
                    assert!(c.query(&q).await.unwrap().is_match());
                    v.push(t.elapsed());
                }
                v
            }));
        }
        let mut all: Vec<Duration> = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    });
    let mut lat = lat;
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "iti9_round_trip_loopback pool=4 workers=4 n={}: p50 = {:?}, p99 = {:?}, max = {:?}",
        lat.len(),
        pct(0.50),
        pct(0.99),
        lat[lat.len() - 1]
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
    targets = bench
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
