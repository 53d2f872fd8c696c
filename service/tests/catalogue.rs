//! `bedside import dmd`, `bedside import products` and `bedside import high-risk` on real
//! SQLite and real PostgreSQL: the demo dm+d release (`examples/data/dmd`) loads whole
//! with the counts an independent element count gives; a scanned GTIN resolves through
//! AMPP → AMP → VMP to the strength per handled unit, routes and controlled-drug status
//! dm+d states; a malformed release changes nothing and names its file, line and
//! element; a second load replaces the first; local packs win over dm+d and say so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use bedside::catalogue::product_for_gtin;
use bedside::db::Db;
use bedside_ward::medicines::ProductSource;
use serde_json::Value;
use sqlx::Row;

fn release_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data/dmd")
}

fn bedside(args: &[&str], url: &str) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bedside"))
        .args(args)
        .args(["--database-url", url])
        .output()
        .expect("run bedside");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let json = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// How many `<tag>` elements the release's `file_word` file holds: a count made without
/// the reader under test.
fn count(file_word: &str, tag: &str) -> u64 {
    let dir = release_dir();
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.strip_prefix(&format!("f_{file_word}"))
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .unwrap();
    std::fs::read_to_string(file)
        .unwrap()
        .matches(&format!("<{tag}>"))
        .count() as u64
}

async fn rows(db: &Db, table: &str) -> i64 {
    sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

fn copy_release(to: &Path) {
    for e in std::fs::read_dir(release_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "xml") {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

async fn scenario(backend: common::Backend) {
    let Some(tdb) = common::TestDb::new(backend).await else {
        return;
    };
    let url = tdb.url.clone();
    let dir = release_dir();

    // The whole release, counted independently.
    let (code, out, err) = bedside(&["import", "dmd", dir.to_str().unwrap()], &url);
    assert_eq!(code, 0, "{out} {err}");
    let expected = serde_json::json!({
        "release": "2026-12-01",
        "vtm": count("vtm", "VTM"),
        "vmp": count("vmp", "VMP"),
        "amp": count("amp", "AMP"),
        "vmpp": count("vmpp", "VMPP"),
        "ampp": count("ampp", "AMPP"),
        "gtin": count("gtin", "GTINDATA"),
        "ingredients": count("ingredient", "ING"),
    });
    assert_eq!(out, expected);

    let db = Db::connect_migrated(&url, 2).await.unwrap();
    let release = ProductSource::Dmd {
        release: "2026-12-01".into(),
    };
    // A GTIN-13 in dm+d is scanned as GTIN-14.
    let para = product_for_gtin(&db, "09520000000011")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(para.vmp_id, "900001011000001100");
    assert_eq!(para.vmp_name, "Paracetamol 500mg tablets");
    assert_eq!(para.strength_milli, Some(500_000));
    assert_eq!(
        (para.strength_unit.as_str(), para.per_unit.as_str()),
        ("mg", "tablet")
    );
    assert_eq!(para.routes, ["oral"]);
    assert!(!para.high_risk && !para.invalid);
    assert_eq!(para.source, release);
    // An ended GTIN still identifies its pack: old stock stays in cupboards.
    let old = product_for_gtin(&db, "09520000000110")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.vmp_id, para.vmp_id);
    // Strength per handled unit = numerator / denominator × UDFS, never the name:
    // adenosine 3 mg / 1 ml × 2 ml = 6 mg per vial.
    let adenosine = product_for_gtin(&db, "09520000000097")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(adenosine.strength_milli, Some(6_000));
    assert_eq!(adenosine.per_unit, "vial");
    // Enoxaparin 100 mg / 1 ml × 0.4 ml = 40 mg per syringe.
    let enox = product_for_gtin(&db, "09520000000042")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(enox.strength_milli, Some(40_000));
    assert_eq!(enox.routes, ["subcutaneous"]);
    assert!(
        !enox.high_risk,
        "not a controlled drug, not yet on the list"
    );
    // A continuous form: 10 mg / 5 ml is 2 mg per ml. Schedule 5: no checker by schedule.
    let morph = product_for_gtin(&db, "09520000000035")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(morph.strength_milli, Some(2_000));
    assert_eq!(morph.per_unit, "ml");
    assert!(!morph.high_risk);
    // Morphine ampoules: Schedule 2, so a second checker.
    let ampoules = product_for_gtin(&db, "09520000000080")
        .await
        .unwrap()
        .unwrap();
    assert!(ampoules.high_risk);
    // INVALID in dm+d: known, but never satisfies an order.
    let caplets = product_for_gtin(&db, "09520000000103")
        .await
        .unwrap()
        .unwrap();
    assert!(caplets.invalid);
    // Unknown.
    assert!(
        product_for_gtin(&db, "09520000099994")
            .await
            .unwrap()
            .is_none()
    );
    let vmps = rows(&db, "dmd_vmp").await;
    assert_eq!(vmps as u64, count("vmp", "VMP"));

    // A malformed release changes nothing, and says where and what.
    let bad = common::tempdir::TempDir::new("dmd-bad");
    copy_release(bad.path());
    let vmp_file = "f_vmp2_3011226.xml";
    let text = std::fs::read_to_string(bad.path().join(vmp_file)).unwrap();
    let at = text.find("<UDFS>").expect("a UDFS to break");
    let line = text[..at].matches('\n').count() as u64 + 1;
    let end = at + text[at..].find("</UDFS>").unwrap();
    let broken = format!("{}<UDFS>1,5{}", &text[..at], &text[end..]);
    std::fs::write(bad.path().join(vmp_file), broken).unwrap();
    let (code, out, _) = bedside(&["import", "dmd", bad.path().to_str().unwrap()], &url);
    assert_eq!(code, 1, "{out}");
    let e = &out["errors"][0];
    assert_eq!(e["file"], vmp_file, "{out}");
    assert_eq!(e["line"], line, "{out}");
    assert_eq!(e["element"], "VMP/UDFS", "{out}");
    assert!(e["error"].as_str().unwrap().contains("1,5"), "{out}");
    assert_eq!(rows(&db, "dmd_releases").await, 1);
    assert_eq!(rows(&db, "dmd_vmp").await, vmps);
    assert!(
        product_for_gtin(&db, "09520000000011")
            .await
            .unwrap()
            .is_some()
    );
    // A directory without a release.
    let empty = common::tempdir::TempDir::new("dmd-empty");
    let (code, out, _) = bedside(&["import", "dmd", empty.path().to_str().unwrap()], &url);
    assert_eq!(code, 1, "{out}");
    assert!(out["errors"][0]["error"].is_string(), "{out}");

    // The next week's release replaces this one whole.
    let (code, out, _) = bedside(&["import", "dmd", dir.to_str().unwrap()], &url);
    assert_eq!(code, 0, "{out}");
    assert_eq!(rows(&db, "dmd_releases").await, 1);
    assert_eq!(rows(&db, "dmd_vmp").await, vmps);
    let current: i64 = sqlx::query("SELECT version FROM catalogue_current")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(current, 2);

    // The trust's high-risk list: the enoxaparin VTM now needs a second checker.
    let csv = common::tempdir::TempDir::new("dmd-csv");
    let hr = csv.path().join("high-risk.csv");
    std::fs::write(&hr, "dmd_id,note\n900000041000001100,anticoagulant\n").unwrap();
    let (code, out, _) = bedside(&["import", "high-risk", hr.to_str().unwrap()], &url);
    assert_eq!((code, out), (0, serde_json::json!({ "medicines": 1 })));
    assert!(
        product_for_gtin(&db, "09520000000042")
            .await
            .unwrap()
            .unwrap()
            .high_risk
    );
    std::fs::write(&hr, "dmd_id,note\n123456789,not in dm+d\n").unwrap();
    let (code, out, _) = bedside(&["import", "high-risk", hr.to_str().unwrap()], &url);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["errors"][0]["line"], 2, "{out}");
    assert!(
        product_for_gtin(&db, "09520000000042")
            .await
            .unwrap()
            .unwrap()
            .high_risk
    );

    // A special missing from dm+d, mapped by pharmacy to the amoxicillin brand's AMP: a
    // local row wins for its GTIN and the answer says where it came from.
    let products = csv.path().join("products.csv");
    std::fs::write(
        &products,
        "gtin,level,dmd_id,name,note\n9520000000134,amp,900002121000001100,Amoxicillin 500mg capsules (special order),unlicensed import batch\n",
    )
    .unwrap();
    let (code, out, _) = bedside(&["import", "products", products.to_str().unwrap()], &url);
    assert_eq!(
        (code, out.clone()),
        (0, serde_json::json!({ "products": 1 })),
        "{out}"
    );
    let special = product_for_gtin(&db, "09520000000134")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(special.vmp_id, "900001111000001100");
    assert_eq!(special.name, "Amoxicillin 500mg capsules (special order)");
    assert_eq!(
        special.source,
        ProductSource::Local {
            note: "unlicensed import batch".into()
        }
    );
    assert_eq!(special.strength_milli, Some(500_000));
    // Refused rows: a bad check digit, an unknown level, a concept not in dm+d.
    std::fs::write(
        &products,
        "gtin,level,dmd_id,name,note\n9520000000135,amp,900002121000001100,x,\n9520000000134,vtm,900000021000001100,x,\n9520000000141,ampp,900002121000001100,x,\n",
    )
    .unwrap();
    let (code, out, _) = bedside(&["import", "products", products.to_str().unwrap()], &url);
    assert_eq!(code, 1, "{out}");
    let lines: Vec<i64> = out["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3], "{out}");
    std::fs::write(
        &products,
        "gtin,level,dmd_id,name,note\n9520000000141,ampp,900002121000001100,x,\n",
    )
    .unwrap();
    let (code, out, _) = bedside(&["import", "products", products.to_str().unwrap()], &url);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["errors"][0]["line"], 2, "{out}");
    // Nothing was replaced by the refused files.
    assert!(
        product_for_gtin(&db, "09520000000134")
            .await
            .unwrap()
            .is_some()
    );

    // Every load is in the audit trail.
    let audited: i64 = sqlx::query(
        "SELECT COUNT(*) FROM audit WHERE action IN ('catalogue.import', 'catalogue.high_risk', 'catalogue.local_products')",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert_eq!(audited, 4);
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dmd_release_and_local_lists_on_sqlite() {
    scenario(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dmd_release_and_local_lists_on_postgres() {
    scenario(common::Backend::Postgres).await;
}
