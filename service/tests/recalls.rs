//! Recalls the pharmacy manages (`POST /v1/recalls`, `GET /v1/recalls`, `POST
//! /v1/recalls/{id}/withdraw`, `bedside import recalls`) on real SQLite and real
//! PostgreSQL, against the demo dm+d release (`examples/data/dmd`): roles, field-named
//! validation, one active recall per reference, a recall by AMPP stopping every GTIN of
//! the pack (the ended one too), by AMP every pack of the product, a withdrawn recall no
//! longer stopping anything, a warning needing `recall_notice_checked`, the message
//! quoting reference and class, every write audited; and the importer all or nothing,
//! each malformed rule naming its line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::process::Command;

use serde_json::{Value, json};
use sqlx::Row;

const GS: char = '\u{1d}';
/// AMPP #422, morphine 10mg/1ml ampoules: GTINs 09520000000080 and, ended, 09520000000127.
const MORPHINE_AMPP: &str = "900004221000001100";
/// AMP #201, paracetamol 500mg tablets (Demo Generics): AMPP #401, GTINs 09520000000011
/// and, ended, 09520000000110.
const PARACETAMOL_AMP: &str = "900002011000001100";

fn pack(gtin: &str, batch: &str, serial: &str) -> String {
    format!("]d201{gtin}1728123110{batch}{GS}21{serial}")
}

fn check_body(product_scan: &str) -> Value {
    let d = common::demo();
    json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": product_scan,
        "staff_scan": d.staff[0].badge_scan,
        "location_scan": d.locations[0].scan,
        "quantity": 2.0,
        "route": "oral",
    })
}

async fn verify(app: &common::TestApp, product_scan: &str) -> Value {
    let r = app
        .post_json(
            "/v1/administrations/verify",
            &common::token("nurse"),
            &check_body(product_scan),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// The problem with `code`, if the check gave one.
fn problem(v: &Value, code: &str) -> Option<Value> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == code)
        .cloned()
}

async fn get(app: &common::TestApp, path: &str, role: &str) -> common::Resp {
    app.req("GET", path, Some(&common::token(role)), None, b"")
        .await
}

async fn audit_actions(app: &common::TestApp) -> Vec<(String, String, String)> {
    sqlx::query("SELECT actor, action, detail FROM audit WHERE action LIKE 'recall.%' ORDER BY seq")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

async fn api(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let pharmacist = common::token("pharmacist");

    // The demo's recalls came in through the importer.
    let r = get(&app, "/v1/recalls", "nurse").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let demo = r.json()["recalls"].as_array().unwrap().clone();
    assert_eq!(demo.len(), 2, "{demo:?}");
    get(&app, "/v1/recalls", "admissions")
        .await
        .assert_problem(403, "forbidden");

    let body = json!({
        "reference": "EL(26)A/01",
        "class": "2",
        "action": "block",
        "products": [{"ampp": MORPHINE_AMPP}],
        "batches": ["MB123"],
        "notice": "Stop supplying; quarantine and return to pharmacy.",
        "url": "https://www.gov.uk/drug-device-alerts/example",
    });
    app.post_json("/v1/recalls", &common::token("nurse"), &body)
        .await
        .assert_problem(403, "forbidden");

    // Each faulty field is named; nothing is stored.
    let mut bad = body.clone();
    bad["class"] = json!("5");
    bad["products"] = json!([{"ampp": MORPHINE_AMPP}, {"ampp": "12x"}, {"gtin": "09520000000012"}, {"gtin": "09520000000011", "amp": PARACETAMOL_AMP}]);
    bad["batches"] = json!(["MB 1"]);
    let r = app.post_json("/v1/recalls", &pharmacist, &bad).await;
    r.assert_problem(422, "invalid_request");
    let fields: Vec<String> = r.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        [
            "class",
            "products[1].ampp",
            "products[2].gtin",
            "products[3]",
            "batches[0]"
        ]
    );
    // A well-formed code the current release does not have is refused, not ignored.
    let mut unknown = body.clone();
    unknown["products"] = json!([{"ampp": MORPHINE_AMPP}, {"amp": "900009991000001100"}]);
    let r = app.post_json("/v1/recalls", &pharmacist, &unknown).await;
    r.assert_problem(422, "invalid_request");
    assert_eq!(
        r.json()["fields"][0]["field"],
        "products[1].amp",
        "{}",
        r.text()
    );
    assert_eq!(
        get(&app, "/v1/recalls", "pharmacist").await.json()["recalls"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Entered: the AMPP covers both its GTINs, the ended one too.
    let r = app.post_json("/v1/recalls", &pharmacist, &body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let created = r.json();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        r.header("location"),
        Some(format!("/v1/recalls/{id}").as_str())
    );
    assert_eq!(
        created["gtins"],
        json!(["09520000000080", "09520000000127"])
    );
    assert_eq!(created["active"], true);
    assert_eq!(created["every_batch"], false);
    assert_eq!(created["class"], "2");
    // A double-click (the reference written with a space) stores nothing new.
    let mut again = body.clone();
    again["reference"] = json!("el (26)a/01");
    let r = app.post_json("/v1/recalls", &pharmacist, &again).await;
    r.assert_problem(409, "recall_exists");
    assert_eq!(r.json()["recall_id"], id);
    let r = get(&app, &format!("/v1/recalls/{id}"), "nurse").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["reference"], "EL(26)A/01");
    get(&app, "/v1/recalls/999999", "nurse")
        .await
        .assert_problem(404, "not_found");

    // Every GTIN of the AMPP is stopped, the batch compared ignoring case; another batch
    // is not.
    for gtin in ["09520000000080", "09520000000127"] {
        let v = verify(&app, &pack(gtin, "mb123", "S1")).await;
        let p = problem(&v, "batch_recalled").unwrap_or_else(|| panic!("{gtin}: {v}"));
        assert_eq!(
            p["message"],
            "Recalled: EL(26)A/01 (Class 2) — batch mb123 of this product must not be used. Do not give; return it to pharmacy.",
        );
        assert_eq!(p["severity"], "block");
        assert_eq!(v["outcome"], "stop");
    }
    let detail: String = sqlx::query(
        "SELECT detail FROM audit WHERE action = 'administration.verify' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
    .get(0);
    assert!(
        detail.contains(r#""recall":"EL(26)A/01""#),
        "the check's audit row names the notice: {detail}"
    );
    let v = verify(&app, &pack("09520000000080", "MB124", "S1")).await;
    assert!(problem(&v, "batch_recalled").is_none(), "{v}");
    // No batch in the barcode: a blocking recall of the product stops it.
    let v = verify(&app, "]d201095200000000802112").await;
    let p = problem(&v, "batch_unknown_product_recalled").unwrap();
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .contains("EL(26)A/01 (Class 2)"),
        "{p}"
    );

    // Withdrawn: kept, audited, no longer applied.
    let path = format!("/v1/recalls/{id}/withdraw");
    let reason = json!({"reason": "MHRA update: batch not affected"});
    app.post_json(&path, &common::token("nurse"), &reason)
        .await
        .assert_problem(403, "forbidden");
    app.post_json(&path, &pharmacist, &json!({"reason": " "}))
        .await
        .assert_problem(422, "invalid_request");
    let r = app.post_json(&path, &pharmacist, &reason).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["active"], false);
    assert_eq!(
        r.json()["withdrawn"]["reason"],
        "MHRA update: batch not affected"
    );
    app.post_json(&path, &pharmacist, &reason)
        .await
        .assert_problem(409, "recall_withdrawn");
    app.post_json("/v1/recalls/999999/withdraw", &pharmacist, &reason)
        .await
        .assert_problem(404, "not_found");
    let v = verify(&app, &pack("09520000000080", "MB123", "S1")).await;
    assert!(problem(&v, "batch_recalled").is_none(), "{v}");
    let v = verify(&app, "]d201095200000000802112").await;
    assert!(
        problem(&v, "batch_unknown_product_recalled").is_none(),
        "{v}"
    );
    // The reference may be entered again once withdrawn.
    let r = app.post_json("/v1/recalls", &pharmacist, &again).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let second = r.json()["id"].as_i64().unwrap();

    let listed = |v: Value| -> Vec<i64> {
        v["recalls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    let withdrawn = listed(
        get(&app, "/v1/recalls?active=false", "pharmacist")
            .await
            .json(),
    );
    assert_eq!(withdrawn, [id]);
    let active = listed(
        get(&app, "/v1/recalls?active=true", "pharmacist")
            .await
            .json(),
    );
    assert_eq!(active.len(), 3);
    assert_eq!(active[0], second, "newest first");
    get(&app, "/v1/recalls?active=maybe", "pharmacist")
        .await
        .assert_problem(422, "invalid_request");

    // Every write audited with its actor.
    let rows = audit_actions(&app).await;
    let api_rows: Vec<&(String, String, String)> =
        rows.iter().filter(|r| r.0.starts_with("token:")).collect();
    assert_eq!(
        api_rows.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
        ["recall.created", "recall.withdrawn", "recall.created"]
    );
    assert!(api_rows[1].2.contains("MHRA update"), "{:?}", api_rows[1]);
    assert_eq!(
        rows.iter().filter(|r| r.0 == "system").count(),
        2,
        "the demo's two recalls, through the importer"
    );
    app.stop().await;
}
both_backends!(api_roles_validation_ampp_withdraw, api);

async fn by_amp(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let pharmacist = common::token("pharmacist");
    let r = app
        .post_json(
            "/v1/recalls",
            &pharmacist,
            &json!({
                "reference": "EL(26)A/07",
                "class": "1",
                "action": "block",
                "products": [{"amp": PARACETAMOL_AMP}],
                "notice": "All batches: quarantine.",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        r.json()["gtins"],
        json!(["09520000000011", "09520000000110"])
    );
    assert_eq!(r.json()["every_batch"], true);
    for gtin in ["09520000000011", "09520000000110"] {
        let v = verify(&app, &pack(gtin, "PA2811", "S9")).await;
        let p = problem(&v, "batch_recalled").unwrap_or_else(|| panic!("{gtin}: {v}"));
        assert!(
            p["message"]
                .as_str()
                .unwrap()
                .starts_with("Recalled: EL(26)A/07 (Class 1) — every batch of this product"),
            "{p}"
        );
    }
    // Another AMP of the same VMP (Amoxidemo beside the generic) is not covered.
    let v = verify(&app, &pack("09520000000059", "X1", "S9")).await;
    assert!(problem(&v, "batch_recalled").is_none(), "{v}");
    app.stop().await;
}
both_backends!(recall_by_amp_covers_every_pack, by_amp);

async fn warn(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let nurse = common::token("nurse");
    let r = app
        .post_json(
            "/v1/recalls",
            &common::token("pharmacist"),
            &json!({
                "reference": "EL(26)A/09",
                "class": "caution",
                "action": "warn",
                "products": [{"gtin": "9520000000011"}],
                "batches": ["PA2811"],
                "notice": "Caution in use: check the leaflet.",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let d = common::demo();
    let body = check_body(&d.medicines[0].packs[0].scan);
    let r = app
        .post_json("/v1/administrations/verify", &nurse, &body)
        .await;
    let v = r.json();
    assert_eq!(v["outcome"], "warn", "{v}");
    let p = problem(&v, "batch_warning").unwrap();
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .starts_with("Safety notice: EL(26)A/09 (Caution in use) — batch PA2811"),
        "{p}"
    );
    app.post_json("/v1/administrations", &nurse, &body)
        .await
        .assert_problem(409, "override_required");
    let mut answered = body.clone();
    answered["override_reason"] = json!("recall_notice_checked");
    let r = app
        .post_json("/v1/administrations", &nurse, &answered)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    app.stop().await;
}
both_backends!(warning_needs_the_recall_notice_checked, warn);

fn bedside(args: &[&str], url: &str) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bedside"))
        .args(args)
        .args(["--database-url", url])
        .output()
        .expect("run bedside");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_str(stdout.trim()).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const HEADER: &str = "reference,class,action,product_kind,product_code,batches,notice,url";

async fn import(tdb: common::TestDb) {
    let url = tdb.url.clone();
    let release = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data/dmd");
    let (code, out, err) = bedside(&["import", "dmd", release.to_str().unwrap()], &url);
    assert_eq!(code, 0, "{out} {err}");
    let dir = common::tempdir::TempDir::new("recalls");
    // A local pack (a special missing from dm+d) mapped to the morphine AMPP: a recall of
    // the AMPP covers it too.
    let local = dir.path().join("products.csv");
    std::fs::write(
        &local,
        format!("gtin,level,dmd_id,name,note\n09520000009991,ampp,{MORPHINE_AMPP},Morphine 10mg/1ml (import),special\n"),
    )
    .unwrap();
    let (code, out, err) = bedside(&["import", "products", local.to_str().unwrap()], &url);
    assert_eq!(code, 0, "{out} {err}");
    let file = dir.path().join("recalls.csv");
    let db = bedside::db::Db::connect_migrated(&url, 2).await.unwrap();
    let count = |table: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&db.pool)
                .await
                .unwrap()
                .try_get::<i64, _>(0)
                .unwrap()
        }
    };

    let good = format!(
        "{HEADER}\n\
         EL(26)A/11,2,block,ampp,{MORPHINE_AMPP},B1|B2,\"Stop, quarantine, return.\",https://www.gov.uk/drug-device-alerts/x\n\
         \n\
         EL(26)A/11,2,block,gtin,9520000000042,b1|b2,\"Stop, quarantine, return.\",https://www.gov.uk/drug-device-alerts/x\n\
         EL(26)A/12,4,warn,amp,{PARACETAMOL_AMP},,Caution in use.,\n"
    );
    // Each malformed rule: exit 1, the line named on stdout and stderr, nothing stored.
    let bad_cases: Vec<(String, usize, &str)> = vec![
        (
            "reference,class\n".to_owned(),
            1,
            "the first line must be the header",
        ),
        (
            format!("{HEADER}\nEL(26)A/11,2,block,ampp\n"),
            2,
            "expected 8 fields",
        ),
        (
            format!("{HEADER}\nEL(26)A/11,2,block,vmp,{MORPHINE_AMPP},,n,\n"),
            2,
            "product_kind must be gtin, ampp or amp",
        ),
        (
            format!(
                "{HEADER}\nEL(26)A/11,2,block,ampp,{MORPHINE_AMPP},,n,\nEL(26)A/11,2,block,gtin,9520000000043,,n,\n"
            ),
            3,
            "product_code must be a GTIN-8, -12, -13 or -14 with a correct check digit",
        ),
        (
            format!(
                "{HEADER}\nEL(26)A/11,2,block,ampp,{MORPHINE_AMPP},,n,\nEL(26)A/11,2,block,ampp,900009991000001100,,n,\n"
            ),
            3,
            "product_code is not an AMPP of the current dm+d release",
        ),
        (
            format!(
                "{HEADER}\nEL(26)A/11,2,block,ampp,{MORPHINE_AMPP},B1,n,\nEL(26)A/11,2,block,amp,{PARACETAMOL_AMP},B2,n,\n"
            ),
            3,
            "batches differs from line 2",
        ),
        (
            format!("{HEADER}\nEL(26)A/11,6,block,ampp,{MORPHINE_AMPP},,n,\n"),
            2,
            "class must be 1, 2, 3, 4 or caution",
        ),
        (
            format!("{HEADER}\nEL(26)A/11,2,stop,ampp,{MORPHINE_AMPP},,n,\n"),
            2,
            "action must be block or warn",
        ),
        (
            format!("{HEADER}\nEL(26)A/11,2,block,ampp,{MORPHINE_AMPP},B 1,n,\n"),
            2,
            "batches must be 1 to 20 characters",
        ),
        (
            format!("{HEADER}\nEL(26)A/11,2,block,ampp,{MORPHINE_AMPP},,,\n"),
            2,
            "notice must be 1 to 2000 characters",
        ),
        (
            format!("{HEADER}\nEL(26)A/11,2,block,ampp,{MORPHINE_AMPP},,n,ftp://x\n"),
            2,
            "url must be an http:// or https:// address",
        ),
        (
            format!("{HEADER}\n,2,block,ampp,{MORPHINE_AMPP},,n,\n"),
            2,
            "reference must be 1 to 40 characters",
        ),
        (
            format!("{HEADER}\nEL(26)A/11,2,block,\"ampp,{MORPHINE_AMPP},,n,\n"),
            2,
            "",
        ),
    ];
    for (text, line, rule) in &bad_cases {
        std::fs::write(&file, text).unwrap();
        let (code, out, err) = bedside(&["import", "recalls", file.to_str().unwrap()], &url);
        assert_eq!(code, 1, "{text}: {out} {err}");
        let e = &out["errors"][0];
        assert_eq!(e["line"], *line, "{text}: {out}");
        assert!(
            e["error"].as_str().unwrap().starts_with(rule),
            "{text}: {out}"
        );
        assert!(
            err.contains(&format!("{} line {line}: ", file.display())),
            "{text}: {err}"
        );
        assert_eq!(count("recalls").await, 0, "{text}: nothing stored");
    }

    std::fs::write(&file, &good).unwrap();
    let (code, out, err) = bedside(&["import", "recalls", file.to_str().unwrap()], &url);
    assert_eq!(code, 0, "{out} {err}");
    assert_eq!(out, json!({"recalls": 2, "products": 3, "batches": 2}));
    assert_eq!(count("recall_products").await, 3);
    let audited: i64 = sqlx::query(
        "SELECT COUNT(*) FROM audit WHERE action = 'recall.created' AND actor = 'cli:import'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap()
    .get(0);
    assert_eq!(audited, 2);
    // The same file again: its references are active, so nothing more is stored.
    let (code, out, _) = bedside(&["import", "recalls", file.to_str().unwrap()], &url);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out["errors"][0]["line"], 2, "{out}");
    assert_eq!(out["errors"][1]["line"], 5, "{out}");
    assert_eq!(count("recalls").await, 2);
    let stored = bedside::recalls::list(&db, Some(true)).await.unwrap();
    let morphine = stored.iter().find(|r| r.reference == "EL(26)A/11").unwrap();
    assert_eq!(
        morphine.gtins,
        [
            "09520000000042",
            "09520000000080",
            "09520000000127",
            "09520000009991"
        ]
    );
    let covering = bedside::recalls::covering(&db, "09520000009991")
        .await
        .unwrap();
    assert_eq!(
        covering
            .iter()
            .map(|c| c.reference.as_str())
            .collect::<Vec<_>>(),
        ["EL(26)A/11"]
    );
    // The paracetamol AMP's recall covers its packs' GTINs, the ended one too.
    let para = stored.iter().find(|r| r.reference == "EL(26)A/12").unwrap();
    assert_eq!(para.gtins, ["09520000000011", "09520000000110"]);
    assert!(para.batches.is_empty());
    assert_eq!(morphine.batches, ["B1", "B2"]);
    db.close().await;
}
both_backends!(import_all_or_nothing, import);

/// The migrations before recalls were notices (versions below 12), as a source.
#[derive(Debug)]
struct Before12(Vec<sqlx::migrate::Migration>);

impl sqlx::migrate::MigrationSource<'static> for Before12 {
    fn resolve(
        self,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = Result<Vec<sqlx::migrate::Migration>, sqlx::error::BoxDynError>,
                > + Send
                + 'static,
        >,
    > {
        Box::pin(async move { Ok(self.0) })
    }
}

async fn carried_over(tdb: common::TestDb) {
    let db = bedside::db::Db::connect(&tdb.url, 2).await.unwrap();
    let before: Vec<_> = bedside::db::Embedded(db.backend)
        .migrations()
        .into_iter()
        .filter(|m| m.version < 12)
        .collect();
    sqlx::migrate::Migrator::new(Before12(before))
        .await
        .unwrap()
        .run(&db.pool)
        .await
        .unwrap();
    for (gtin, batch, action, notice) in [
        (
            "09520000000011",
            "RCLBLOCK1",
            "block",
            "Class 1 medicines recall (demo)",
        ),
        ("09520000000028", "RCLWARN1", "warn", "Caution in use"),
    ] {
        sqlx::query("INSERT INTO recalls (gtin, batch, action, notice) VALUES ($1, $2, $3, $4)")
            .bind(gtin)
            .bind(batch)
            .bind(action)
            .bind(notice)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    db.migrate().await.unwrap();
    let all = bedside::recalls::list(&db, Some(true)).await.unwrap();
    let mut refs: Vec<&str> = all.iter().map(|r| r.reference.as_str()).collect();
    refs.sort_unstable();
    assert_eq!(
        refs,
        [
            "LEGACY-09520000000011-RCLBLOCK1",
            "LEGACY-09520000000028-RCLWARN1"
        ]
    );
    let c = bedside::recalls::covering(&db, "09520000000011")
        .await
        .unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].class, None);
    assert_eq!(c[0].batches, ["RCLBLOCK1"]);
    let (recall, _) = bedside::recalls::select_recall(Some("rclblock1"), &c);
    let Some(bedside::medicines::Recall::Block { notice }) = recall else {
        panic!("{recall:?}")
    };
    assert_eq!(
        notice.quoted(),
        "LEGACY-09520000000011-RCLBLOCK1 (class not recorded)"
    );
    assert_eq!(
        all.iter()
            .find(|r| r.reference.ends_with("RCLWARN1"))
            .unwrap()
            .notice,
        "Caution in use"
    );
    db.close().await;
}
both_backends!(migration_carries_the_old_list_over, carried_over);

async fn double_click(db: common::TestDb) {
    let app = std::sync::Arc::new(common::TestApp::start(db.config()).await);
    let body = json!({
        "reference": "EL(26)A/21",
        "class": "3",
        "action": "block",
        "products": [{"gtin": "09520000000042"}],
        "batches": ["E1"],
        "notice": "Return to pharmacy.",
    });
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (app, body) = (app.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            app.post_json("/v1/recalls", &common::token("pharmacist"), &body)
                .await
        }));
    }
    let mut created = Vec::new();
    let mut refused = Vec::new();
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            201 => created.push(r.json()["id"].as_i64().unwrap()),
            409 => {
                r.assert_problem(409, "recall_exists");
                refused.push(r.json()["recall_id"].as_i64().unwrap());
            }
            _ => panic!("{} {}", r.status, r.text()),
        }
    }
    assert_eq!(
        created.len(),
        1,
        "exactly one stored: {created:?} {refused:?}"
    );
    assert!(refused.iter().all(|id| *id == created[0]), "{refused:?}");
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM recalls WHERE reference = 'EL(26)A/21'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    if let Ok(app) = std::sync::Arc::try_unwrap(app) {
        app.stop().await;
    }
}
both_backends!(concurrent_posts_of_one_reference_store_one, double_click);
