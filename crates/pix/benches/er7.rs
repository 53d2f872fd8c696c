//! ER7 parse benchmarks: an RSP^K23 (ITI-9 answer) and an ADT^A40 (ITI-8 merge).
#![allow(missing_docs)]
use criterion::{Criterion, black_box, criterion_group, criterion_main};
use std::time::Duration;

const RSP_K23: &[u8] = b"MSH|^~\\&|PIX_MGR|REGIONAL_HIE|BEDSIDE_PPID|RXX_WARD7|20250314101501+0000||RSP^K23^RSP_K23|HIE-98765|P|2.5\r\
MSA|AA|PPID-000123\r\
QAK|Q-000123|OK\r\
QPD|IHE PIX Query|Q-000123|K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR|^^^NHS&2.16.840.1.113883.2.1.4.1&ISO\r\
PID|||9990001235^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH||~^^^^^^S\r";

const ADT_A40: &[u8] = b"MSH|^~\\&|PAS|RXX|PIX_MGR|REGIONAL_HIE|20250314101500+0000||ADT^A40^ADT_A39|PAS-555|P|2.3.1\r\
EVN|A40|20250314101500+0000\r\
PID|||K7654321^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR~9990001235^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH||SMITH^JOHN^^^^^L||19800118|M\r\
MRG|K1234567^^^TRUST_MRN&2.999.826.0.1.1&ISO^MR\r";

fn bench(c: &mut Criterion) {
    let q = bedside_pix::domain::PixQuery::nhs_number_for(
        "K1234567",
        bedside_pix::domain::Domain {
            oid: Some("2.999.826.0.1.1".into()),
            uris: vec![],
            namespace: "TRUST_MRN".into(),
            type_code: "MR".into(),
        },
    );
    let ids = bedside_pix::iti9::ControlIds {
        message_control_id: "PPID-000123".into(),
        query_tag: "Q-000123".into(),
    };
    c.bench_function("er7_parse_rsp_k23", |b| {
        b.iter(|| bedside_pix::er7::Message::parse(black_box(RSP_K23)).map(|m| m.segments().len()))
    });
    c.bench_function("er7_parse_adt_a40", |b| {
        b.iter(|| bedside_pix::er7::Message::parse(black_box(ADT_A40)).map(|m| m.segments().len()))
    });
    c.bench_function("iti9_interpret_rsp_k23", |b| {
        b.iter(|| bedside_pix::iti9::interpret_response(black_box(RSP_K23), &ids, &q))
    });
    c.bench_function("feed_interpret_adt_a40", |b| {
        b.iter(|| {
            bedside_pix::er7::Message::parse(black_box(ADT_A40))
                .map(|m| bedside_pix::feed::interpret_feed(&m).is_ok())
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    targets = bench
}
criterion_main!(benches);
