//! A loopback ITI-9 PIX Manager for the load test (`service/benches/load.sh`): answers
//! `QBP^Q23` over MLLP with `RSP^K23` — the demo patients' NHS numbers for their hospital
//! numbers (`OK` + PID), `NF` for anything else — as fast as it can, so the service's own
//! PIX path is what the load test measures.
//!
//! `cargo run --release -p bedside --example loopback_pix_manager [ADDR]` prints
//! `PORT <n>` once listening (default `127.0.0.1:0`).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;

use bedside_pix::er7::Message;
use bedside_pix::mllp::{self, Decoder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn answer(query: &[u8], index: &HashMap<String, String>) -> Option<Vec<u8>> {
    let m = Message::parse(query).ok()?;
    let ctrl = m.control_id().ok()?.into_owned();
    let qpd = m.segment("QPD")?;
    let tag = qpd.field(2).text().ok()?.into_owned();
    let mrn = qpd.field(3).component(1).text().ok()?.into_owned();
    // Echo QPD exactly as received.
    let start = qpd.offset();
    let end = query[start..]
        .iter()
        .position(|b| *b == b'\r' || *b == b'\n')
        .map_or(query.len(), |p| start + p);
    let qpd_line = String::from_utf8_lossy(&query[start..end]);
    let body = match index.get(&mrn) {
        Some(nhs) => format!(
            "QAK|{tag}|OK\r{qpd_line}\rPID|||{nhs}^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH||~^^^^^^S\r"
        ),
        None => format!("QAK|{tag}|NF\r{qpd_line}\r"),
    };
    let rsp = format!(
        "MSH|^~\\&|PIX_MGR|HIE|BEDSIDE_PPID|BEDSIDE|20260101000000+0000||RSP^K23^RSP_K23|R{ctrl}|P|2.5\rMSA|AA|{ctrl}\r{body}"
    );
    mllp::encode(rsp.as_bytes()).ok()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let index: HashMap<String, String> = bedside::demo::data()
        .patients
        .iter()
        .map(|p| (p.mrn.clone(), p.nhs_number.clone()))
        .collect();
    let index = Arc::new(index);
    let l = tokio::net::TcpListener::bind(&addr).await.unwrap();
    println!("PORT {}", l.local_addr().unwrap().port());
    loop {
        let Ok((mut s, _)) = l.accept().await else {
            continue;
        };
        let index = index.clone();
        tokio::spawn(async move {
            let mut d = Decoder::new(mllp::DEFAULT_MAX_FRAME);
            let mut buf = vec![0u8; 8192];
            loop {
                let n = match s.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                d.push(&buf[..n]);
                while let Some(frame) = d.pop() {
                    let Ok(q) = frame else { return };
                    let Some(out) = answer(&q, &index) else {
                        return;
                    };
                    if s.write_all(&out).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}
