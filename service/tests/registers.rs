//! The staff and locations registers on real SQLite and real PostgreSQL, through the real
//! binary (`bedside import staff|locations`, `bedside token create --badge`) and the real
//! HTTP API: a good file replaces the register (absent rows deactivated), a malformed file
//! of each kind stores nothing and names its line and rule, `PUT`/`GET`/`DELETE` need the
//! admin role and are audited, a deactivated badge or place is unknown to the very next
//! check (on another instance too, on PostgreSQL), and a token tied to a badge refuses
//! another person's badge as the giver's but accepts it as the second checker's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::process::Command;

use serde_json::{Value, json};
use sqlx::Row;

const BIN: &str = env!("CARGO_BIN_EXE_bedside");

/// A GSRN (AI 8017 body) from its 17 first digits.
fn gsrn(n: u64) -> String {
    let body = format!("9520000{n:010}");
    format!("{body}{}", bedside::demo::gs1_check_digit(&body))
}

/// `key` with its last (check) digit changed: the same digits, now wrong.
fn wrong_check(key: &str) -> String {
    let (body, last) = key.split_at(key.len() - 1);
    let d = last.parse::<u8>().unwrap();
    format!("{body}{}", (d + 1) % 10)
}

fn badge_scan(g: &str) -> String {
    format!("]d28017{g}\u{1d}80191")
}

/// Runs `bedside ARGS --database-url URL`: exit code, stdout as JSON, stderr.
fn bedside(args: &[&str], db: &common::TestDb) -> (i32, Value, String) {
    let o = Command::new(BIN)
        .args(args)
        .args(["--database-url", &db.url])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    (
        o.status.code().unwrap_or(-1),
        serde_json::from_str(out.trim()).unwrap_or(Value::Null),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Writes `text` to a file in `dir` and runs `bedside import KIND FILE`.
fn import(
    kind: &str,
    text: &str,
    db: &common::TestDb,
    dir: &common::tempdir::TempDir,
) -> (i32, Value, String, String) {
    let file = dir.path().join(format!(
        "{kind}-{}.csv",
        bedside::crypto::random_hex(4).unwrap()
    ));
    std::fs::write(&file, text).unwrap();
    let (code, out, err) = bedside(&["import", kind, file.to_str().unwrap()], db);
    (code, out, err, file.display().to_string())
}

/// The whole register table as text rows (what "nothing stored" is compared on).
async fn table(app: &common::TestApp, sql: &str) -> Vec<String> {
    sqlx::query(sql)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| {
                    r.try_get::<String, _>(i)
                        .or_else(|_| r.try_get::<i64, _>(i).map(|n| n.to_string()))
                        .unwrap()
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

async fn staff_table(app: &common::TestApp) -> Vec<String> {
    table(
        app,
        "SELECT gsrn, name, role, professional_id, active, updated_at FROM staff ORDER BY gsrn",
    )
    .await
}

async fn locations_table(app: &common::TestApp) -> Vec<String> {
    table(
        app,
        "SELECT gln, extension, name, site, ward, bed, active, updated_at FROM locations ORDER BY gln, extension",
    )
    .await
}

async fn audit_count(app: &common::TestApp, action: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM audit WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

/// The last audit row of `action`: actor and detail.
async fn last_audit(app: &common::TestApp, action: &str) -> (String, Value) {
    let r = sqlx::query("SELECT actor, detail FROM audit WHERE action = $1 ORDER BY seq DESC")
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let detail: String = r.try_get(1).unwrap();
    (
        r.try_get(0).unwrap(),
        serde_json::from_str(&detail).unwrap(),
    )
}

/// A dose of the demo paracetamol for the first demo patient, given under `staff`'s badge.
fn dose(staff: &str) -> Value {
    let d = common::demo();
    json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": d.medicines[0].packs[0].scan,
        "staff_scan": badge_scan(staff),
        "quantity": 2.0,
        "route": "oral",
    })
}

fn with(mut v: Value, k: &str, x: Value) -> Value {
    v.as_object_mut().unwrap().insert(k.into(), x);
    v
}

/// The problem codes of a check of `body` with `token`.
async fn check_codes(app: &common::TestApp, token: &str, body: &Value) -> Vec<String> {
    let r = app
        .post_json("/v1/administrations/verify", token, body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

const STAFF_HEADER: &str = "badge_gsrn,display_name,role,professional_id,active";
const LOCATIONS_HEADER: &str = "gln,extension,site,ward,bed,active";

async fn imports_replace_the_register_or_store_nothing(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let dir = common::tempdir::TempDir::new("registers");
    let d = common::demo();
    let nurse = common::token("nurse");
    let (ada, ben, chloe) = (gsrn(1), gsrn(2), gsrn(3));
    assert_eq!(d.staff[2].gsrn, chloe);
    // Chloe's badge works before the import that leaves her out.
    assert!(
        !check_codes(&app, &nurse, &dose(&chloe))
            .await
            .contains(&"unknown_staff".to_owned())
    );

    // A good staff file: Ada unchanged, Ben renamed, Dan new (inactive), Chloe left out.
    let dan = gsrn(4);
    let good = format!(
        "\u{feff}{STAFF_HEADER}\r\n{ada},Ada Okafor,nurse,DEMO0001,true\r\n{ben},\"Carter, Ben\",nurse,DEMO0002,true\r\n\r\n{dan},Dan Evans,pharmacy_technician,,false\r\n"
    );
    let (code, out, err, _) = import("staff", &good, &db, &dir);
    assert_eq!(code, 0, "{out} {err}");
    assert_eq!(
        out,
        json!({"staff": 3, "created": 1, "updated": 1, "unchanged": 1, "deactivated": 1})
    );
    let rows = staff_table(&app).await;
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(
        rows[1].starts_with(&format!("{ben}|Carter, Ben|nurse|DEMO0002|1|")),
        "{rows:?}"
    );
    assert!(
        rows[2].starts_with(&format!("{chloe}|Chloe Davies|pharmacist|DEMO0003|0|")),
        "{rows:?}"
    );
    assert!(
        rows[3].starts_with(&format!("{dan}|Dan Evans|pharmacy_technician||0|")),
        "{rows:?}"
    );
    let (actor, facts) = last_audit(&app, "staff.imported").await;
    assert_eq!(actor, "cli:import");
    assert_eq!(facts, out, "one audit row with the counts");
    // Left out of the file: unknown at once. Inactive in the file: unknown too.
    for g in [&chloe, &dan] {
        let codes = check_codes(&app, &nurse, &dose(g)).await;
        assert!(codes.contains(&"unknown_staff".to_owned()), "{codes:?}");
    }
    assert!(
        !check_codes(&app, &nurse, &dose(&ben))
            .await
            .contains(&"unknown_staff".to_owned())
    );

    // Malformed staff files: each rule names its line, and nothing is stored.
    let before = staff_table(&app).await;
    let imports = audit_count(&app, "staff.imported").await;
    let bad_check = wrong_check(&ada);
    let cases = [
        (
            format!("{STAFF_HEADER}\n{ben},Ben,nurse,,true\n{bad_check},Ada,nurse,,true\n"),
            3,
            "check digit",
        ),
        (
            format!("{STAFF_HEADER}\n{ada},Ada,porter,,true\n"),
            2,
            "role must be one of",
        ),
        (
            format!("{STAFF_HEADER}\n{ada},Ada,nurse,,yes\n"),
            2,
            "active must be true or false",
        ),
        (
            format!(
                "{STAFF_HEADER}\n{ada},Ada,nurse,,true\n{ben},Ben,nurse,,true\n{ada},Ada O,nurse,,true\n"
            ),
            4,
            "badge_gsrn is already on line 2",
        ),
        (
            format!("{STAFF_HEADER}\n{ada},Ada,nurse,true\n"),
            2,
            "missing column active",
        ),
        (
            format!("badge_gsrn,display_name,professional_id,active\n{ada},Ada,,true\n"),
            1,
            "missing column role",
        ),
        (format!("{STAFF_HEADER}\n\n"), 1, "the file lists no rows"),
        (
            format!("{STAFF_HEADER}\n{ada},,nurse,,true\n"),
            2,
            "display_name must be",
        ),
        (
            format!("{STAFF_HEADER}\n{ada},Ada,nurse,12-34,true\n"),
            2,
            "professional_id must be",
        ),
    ];
    for (text, line, rule) in &cases {
        let (code, out, err, file) = import("staff", text, &db, &dir);
        assert_eq!(code, 1, "{text}: {out} {err}");
        let e = &out["errors"][0];
        assert_eq!(e["line"], *line, "{text}: {out}");
        assert!(e["error"].as_str().unwrap().contains(rule), "{text}: {out}");
        assert!(
            err.contains(&format!("{file} line {line}: ")) && err.contains(rule),
            "{text}: {err}"
        );
        assert!(!err.contains("Ada"), "no data in the messages: {err}");
    }
    assert_eq!(staff_table(&app).await, before, "nothing stored");
    assert_eq!(audit_count(&app, "staff.imported").await, imports);

    // Locations: a good file keeps beds 1 and 2, adds the ward's own GLN, leaves 3 and 4 out.
    let gln = d.locations[0].gln.clone();
    let good = format!(
        "{LOCATIONS_HEADER}\n{gln},WARD7-BED1,Demo Hospital,Ward 7,1,true\n{gln},WARD7-BED2,Demo Hospital,Ward 7,2B,true\n{gln},,Demo Hospital,Ward 7,,true\n"
    );
    let (code, out, err, _) = import("locations", &good, &db, &dir);
    assert_eq!(code, 0, "{out} {err}");
    assert_eq!(
        out,
        json!({"locations": 3, "created": 1, "updated": 1, "unchanged": 1, "deactivated": 2})
    );
    let rows = locations_table(&app).await;
    assert_eq!(rows.len(), 5, "{rows:?}");
    assert!(
        rows[0].starts_with(&format!(
            "{gln}||Demo Hospital, Ward 7|Demo Hospital|Ward 7||1|"
        )),
        "{rows:?}"
    );
    assert!(
        rows[2].starts_with(&format!(
            "{gln}|WARD7-BED2|Demo Hospital, Ward 7, bed 2B|Demo Hospital|Ward 7|2B|1|"
        )),
        "{rows:?}"
    );
    assert!(
        rows[3].contains("|WARD7-BED3|") && rows[3].contains("|0|"),
        "{rows:?}"
    );
    let (_, facts) = last_audit(&app, "locations.imported").await;
    assert_eq!(facts, out);
    // A place left out is unknown at once; a registered one is not.
    let at = |i: usize| with(dose(&ada), "location_scan", json!(d.locations[i].scan));
    let codes = check_codes(&app, &nurse, &at(2)).await;
    assert!(codes.contains(&"unknown_location".to_owned()), "{codes:?}");
    let codes = check_codes(&app, &nurse, &at(0)).await;
    assert!(!codes.contains(&"unknown_location".to_owned()), "{codes:?}");

    let before = locations_table(&app).await;
    let imports = audit_count(&app, "locations.imported").await;
    let bad_gln = wrong_check(&gln);
    let cases = [
        (
            format!("{LOCATIONS_HEADER}\n{gln},B1,S,W,1,true\n{bad_gln},B2,S,W,2,true\n"),
            3,
            "check digit",
        ),
        (
            format!("{LOCATIONS_HEADER}\n{gln},BED 1,S,W,1,true\n"),
            2,
            "extension must be",
        ),
        (
            format!("{LOCATIONS_HEADER}\n{gln},B1,S,W,1,1\n"),
            2,
            "active must be true or false",
        ),
        (
            format!("{LOCATIONS_HEADER}\n{gln},B1,S,W,1,true\n{gln},B1,S,W,2,true\n"),
            3,
            "gln and extension are already on line 2",
        ),
        (
            format!("{LOCATIONS_HEADER}\n{gln},B1,S,W,true\n"),
            2,
            "missing column active",
        ),
        (
            format!("gln,extension,ward,bed,active\n{gln},B1,W,1,true\n"),
            1,
            "missing column site",
        ),
        (
            format!("{LOCATIONS_HEADER}\n{gln},B1,,W,1,true\n"),
            2,
            "site must be",
        ),
    ];
    for (text, line, rule) in &cases {
        let (code, out, err, file) = import("locations", text, &db, &dir);
        assert_eq!(code, 1, "{text}: {out} {err}");
        let e = &out["errors"][0];
        assert_eq!(e["line"], *line, "{text}: {out}");
        assert!(e["error"].as_str().unwrap().contains(rule), "{text}: {out}");
        assert!(
            err.contains(&format!("{file} line {line}: ")) && err.contains(rule),
            "{text}: {err}"
        );
    }
    assert_eq!(locations_table(&app).await, before, "nothing stored");
    assert_eq!(audit_count(&app, "locations.imported").await, imports);
    app.stop().await;
}

both_backends!(
    imports_replace_or_store_nothing,
    imports_replace_the_register_or_store_nothing
);

async fn http_registers(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    // On PostgreSQL, a second instance on the same database: what one deactivates, the
    // other's very next check refuses.
    let other = match db.backend {
        common::Backend::Postgres => Some(common::TestApp::start(db.config()).await),
        common::Backend::Sqlite => None,
    };
    let admin = common::token("admin");
    let nurse = common::token("nurse");
    let d = common::demo();
    let put = |path: String, token: String, body: Value| {
        let app = &app;
        async move {
            app.req(
                "PUT",
                &path,
                Some(&token),
                Some("application/json"),
                body.to_string().as_bytes(),
            )
            .await
        }
    };
    let dan = gsrn(4);
    let path = format!("/v1/staff/{dan}");
    let body = json!({"display_name": "Dan Evans", "role": "nurse", "professional_id": "12A3456E", "active": true});

    // Roles: a nurse may neither write nor read the register.
    put(path.clone(), nurse.clone(), body.clone())
        .await
        .assert_problem(403, "forbidden");
    app.req("GET", "/v1/staff", Some(&nurse), None, b"")
        .await
        .assert_problem(403, "forbidden");
    app.req("DELETE", &path, Some(&nurse), None, b"")
        .await
        .assert_problem(403, "forbidden");
    app.req("GET", "/v1/locations", Some(&nurse), None, b"")
        .await
        .assert_problem(403, "forbidden");

    // Create, replace, read.
    let r = put(path.clone(), admin.clone(), body.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let row = r.json();
    assert_eq!(
        (
            &row["gsrn"],
            &row["display_name"],
            &row["role"],
            &row["active"]
        ),
        (
            &json!(dan),
            &json!("Dan Evans"),
            &json!("nurse"),
            &json!(true)
        )
    );
    let (actor, facts) = last_audit(&app, "staff.put").await;
    assert_eq!(actor, "token:demo-admin");
    assert_eq!(
        (facts["gsrn"].as_str(), facts["created"].as_bool()),
        (Some(dan.as_str()), Some(true))
    );
    let puts = audit_count(&app, "staff.put").await;
    let r = put(path.clone(), admin.clone(), body.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        audit_count(&app, "staff.put").await,
        puts,
        "nothing changed, nothing audited"
    );
    let r = put(
        path.clone(),
        admin.clone(),
        with(body.clone(), "role", json!("midwife")),
    )
    .await;
    assert_eq!((r.status, &r.json()["role"]), (200, &json!("midwife")));
    assert_eq!(audit_count(&app, "staff.put").await, puts + 1);
    let r = app.req("GET", &path, Some(&admin), None, b"").await;
    assert_eq!((r.status, &r.json()["role"]), (200, &json!("midwife")));
    assert!(r.json()["updated_at"].as_str().unwrap().ends_with('Z'));
    let list = app
        .req("GET", "/v1/staff", Some(&admin), None, b"")
        .await
        .json();
    assert_eq!(list["staff"].as_array().unwrap().len(), 4, "{list}");

    // Bad keys and bodies.
    let bad = format!("/v1/staff/{}", wrong_check(&dan));
    let r = put(bad.clone(), admin.clone(), body.clone()).await;
    r.assert_problem(400, "invalid_gsrn");
    assert!(
        r.json()["detail"].as_str().unwrap().contains("check digit"),
        "{}",
        r.text()
    );
    app.req("GET", "/v1/staff/12345", Some(&admin), None, b"")
        .await
        .assert_problem(400, "invalid_gsrn");
    put(
        path.clone(),
        admin.clone(),
        with(body.clone(), "role", json!("porter")),
    )
    .await
    .assert_problem(422, "invalid_request");
    put(
        path.clone(),
        admin.clone(),
        with(body.clone(), "display_name", json!("")),
    )
    .await
    .assert_problem(422, "invalid_request");
    app.req("GET", "/v1/staff?active=maybe", Some(&admin), None, b"")
        .await
        .assert_problem(422, "invalid_request");
    app.req(
        "GET",
        &format!("/v1/staff/{}", gsrn(77)),
        Some(&admin),
        None,
        b"",
    )
    .await
    .assert_problem(404, "not_found");
    app.req(
        "DELETE",
        &format!("/v1/staff/{}", gsrn(77)),
        Some(&admin),
        None,
        b"",
    )
    .await
    .assert_problem(404, "not_found");

    // Deactivate Ada's badge: her next check is unknown_staff, here and on the other
    // instance; the row is kept.
    let ada = gsrn(1);
    let before = check_codes(&app, &nurse, &dose(&ada)).await;
    assert!(!before.contains(&"unknown_staff".to_owned()), "{before:?}");
    if let Some(b) = &other {
        let codes = check_codes(b, &nurse, &dose(&ada)).await;
        assert!(!codes.contains(&"unknown_staff".to_owned()), "{codes:?}");
    }
    let r = app
        .req(
            "DELETE",
            &format!("/v1/staff/{ada}"),
            Some(&admin),
            None,
            b"",
        )
        .await;
    assert_eq!(
        (r.status, &r.json()["active"]),
        (200, &json!(false)),
        "{}",
        r.text()
    );
    let (actor, facts) = last_audit(&app, "staff.deactivated").await;
    assert_eq!(
        (actor.as_str(), &facts),
        ("token:demo-admin", &json!({"gsrn": ada}))
    );
    let codes = check_codes(&app, &nurse, &dose(&ada)).await;
    assert!(codes.contains(&"unknown_staff".to_owned()), "{codes:?}");
    if let Some(b) = &other {
        let codes = check_codes(b, &nurse, &dose(&ada)).await;
        assert!(
            codes.contains(&"unknown_staff".to_owned()),
            "other instance: {codes:?}"
        );
    }
    let list = app
        .req("GET", "/v1/staff?active=false", Some(&admin), None, b"")
        .await
        .json();
    assert_eq!(list["staff"][0]["gsrn"], ada, "{list}");
    let deactivations = audit_count(&app, "staff.deactivated").await;
    let r = app
        .req(
            "DELETE",
            &format!("/v1/staff/{ada}"),
            Some(&admin),
            None,
            b"",
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(audit_count(&app, "staff.deactivated").await, deactivations);

    // Locations: the GLN alone and a GLN with an extension are two rows.
    let gln = d.locations[0].gln.clone();
    let place = json!({"site": "Demo Hospital", "ward": "Ward 8", "bed": "", "active": true});
    let r = put(format!("/v1/locations/{gln}"), admin.clone(), place.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["extension"], "");
    let r = put(
        format!("/v1/locations/{gln}/WARD8-BED1"),
        admin.clone(),
        with(place.clone(), "bed", json!("1")),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let r = put(
        format!("/v1/locations/{gln}/WARD7-BED1"),
        admin.clone(),
        json!({"site": "Demo Hospital", "ward": "Ward 7", "bed": "1", "active": true}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = app
        .req(
            "GET",
            &format!("/v1/locations/{gln}/WARD8-BED1"),
            Some(&admin),
            None,
            b"",
        )
        .await;
    assert_eq!((r.status, &r.json()["bed"]), (200, &json!("1")));
    let r = app
        .req(
            "GET",
            &format!("/v1/locations/{gln}"),
            Some(&admin),
            None,
            b"",
        )
        .await;
    assert_eq!((r.status, &r.json()["ward"]), (200, &json!("Ward 8")));
    let (actor, _) = last_audit(&app, "locations.put").await;
    assert_eq!(actor, "token:demo-admin");
    let bad = wrong_check(&gln);
    let r = app
        .req(
            "GET",
            &format!("/v1/locations/{bad}"),
            Some(&admin),
            None,
            b"",
        )
        .await;
    r.assert_problem(400, "invalid_gln");
    assert!(r.json()["detail"].as_str().unwrap().contains("check digit"));
    put(
        format!("/v1/locations/{gln}/BED%201"),
        admin.clone(),
        place.clone(),
    )
    .await
    .assert_problem(400, "invalid_extension");
    put(
        format!("/v1/locations/{gln}/X"),
        nurse.clone(),
        place.clone(),
    )
    .await
    .assert_problem(403, "forbidden");
    app.req(
        "DELETE",
        &format!("/v1/locations/{gln}/NOPE"),
        Some(&admin),
        None,
        b"",
    )
    .await
    .assert_problem(404, "not_found");
    let list = app
        .req("GET", "/v1/locations?active=true", Some(&admin), None, b"")
        .await
        .json();
    assert_eq!(list["locations"].as_array().unwrap().len(), 6, "{list}");

    // Deactivating bed 1 makes its scan the warning unknown_location at once.
    let ben = gsrn(2);
    let at_bed1 = with(dose(&ben), "location_scan", json!(d.locations[0].scan));
    let codes = check_codes(&app, &nurse, &at_bed1).await;
    assert!(!codes.contains(&"unknown_location".to_owned()), "{codes:?}");
    let r = app
        .req(
            "DELETE",
            &format!("/v1/locations/{gln}/WARD7-BED1"),
            Some(&admin),
            None,
            b"",
        )
        .await;
    assert_eq!((r.status, &r.json()["active"]), (200, &json!(false)));
    let (_, facts) = last_audit(&app, "locations.deactivated").await;
    assert_eq!(facts, json!({"gln": gln, "extension": "WARD7-BED1"}));
    let r = app
        .post_json("/v1/administrations/verify", &nurse, &at_bed1)
        .await
        .json();
    let p = r["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "unknown_location")
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(p["severity"], "warn");
    if let Some(b) = &other {
        let codes = check_codes(b, &nurse, &at_bed1).await;
        assert!(
            codes.contains(&"unknown_location".to_owned()),
            "other instance: {codes:?}"
        );
        b.state.db.pool.close().await;
    }
    if let Some(b) = other {
        b.stop().await;
    }
    app.stop().await;
}

both_backends!(http_put_get_delete, http_registers);

async fn tokens_tied_to_a_badge(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let (ada, ben) = (gsrn(1), gsrn(2));
    let token_cli = |args: &[&str]| {
        let mut all = vec!["token"];
        all.extend_from_slice(args);
        bedside(&all, &db)
    };
    // The badge must be a GSRN, and active in the register.
    let bad = wrong_check(&ada);
    let (code, _, err) = token_cli(&["create", "--role", "nurse", "--name", "x", "--badge", &bad]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("check digit"), "{err}");
    let (code, _, err) = token_cli(&[
        "create",
        "--role",
        "nurse",
        "--name",
        "x",
        "--badge",
        &gsrn(9),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not an active badge"), "{err}");

    let (code, t, err) = token_cli(&[
        "create",
        "--role",
        "nurse",
        "--name",
        "Ada's scanner",
        "--badge",
        &ada,
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(t["badge"], ada);
    let token = t["token"].as_str().unwrap().to_owned();
    let (code, list, _) = token_cli(&["list"]);
    assert_eq!(code, 0);
    let mine = list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == t["id"])
        .unwrap();
    assert_eq!(mine["badge"], ada);
    let demo = list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "demo-nurse")
        .unwrap();
    assert!(demo.get("badge").is_none(), "no badge, no field: {demo}");
    let (_, facts) = last_audit(&app, "token.created").await;
    assert_eq!(facts["badge"], ada);

    let staff = |codes: &[String]| {
        codes
            .iter()
            .filter(|c| {
                matches!(
                    c.as_str(),
                    "staff_not_token_holder"
                        | "checker_same_as_giver"
                        | "unknown_staff"
                        | "unknown_checker"
                )
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    // Her own badge: fine.
    assert_eq!(
        staff(&check_codes(&app, &token, &dose(&ada)).await),
        Vec::<String>::new()
    );
    // Ben's badge as the giver's with Ada's token: stopped, in words a nurse understands.
    let r = app
        .post_json("/v1/administrations/verify", &token, &dose(&ben))
        .await
        .json();
    assert_eq!(r["outcome"], "stop", "{r}");
    let p = r["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "staff_not_token_holder")
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(p["severity"], "block");
    assert_eq!(p["right"], "staff");
    assert_eq!(
        p["message"],
        "This badge is not yours: scan your own badge. Another person's badge may only be scanned as the second checker."
    );
    // Recording is refused too.
    let before = app.audit_rows().await;
    let r = app
        .post_json("/v1/administrations", &token, &dose(&ben))
        .await;
    r.assert_problem(409, "administration_refused");
    assert!(app.audit_rows().await > before, "the refusal is audited");
    // Ben as the second checker: allowed.
    let checked = with(dose(&ada), "checker_scan", json!(badge_scan(&ben)));
    assert_eq!(
        staff(&check_codes(&app, &token, &checked).await),
        Vec::<String>::new()
    );
    // Ada as the checker of a dose given under Ben's badge: she cannot check herself.
    let swapped = with(dose(&ben), "checker_scan", json!(badge_scan(&ada)));
    assert_eq!(
        staff(&check_codes(&app, &token, &swapped).await),
        ["staff_not_token_holder", "checker_same_as_giver"]
    );
    // A token without a badge may give under any registered badge.
    assert_eq!(
        staff(&check_codes(&app, &common::token("nurse"), &dose(&ben)).await),
        Vec::<String>::new()
    );
    // Ada's badge deactivated: her own token's checks are unknown_staff at once.
    let r = app
        .req(
            "DELETE",
            &format!("/v1/staff/{ada}"),
            Some(&common::token("admin")),
            None,
            b"",
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        staff(&check_codes(&app, &token, &dose(&ada)).await),
        ["unknown_staff"]
    );
    app.stop().await;
}

both_backends!(token_badge, tokens_tied_to_a_badge);
