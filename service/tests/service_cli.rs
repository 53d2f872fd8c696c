//! The real `bedside` binary: `demo list --json` contract, `serve` with no configuration
//! (creates ./bedside-data, seeds once, answers identify), logs without patient data,
//! SIGTERM stop, `migrate`, and `audit verify` catching a tampered row — on SQLite and on
//! PostgreSQL (two instances sharing one database).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use sqlx::Row;

const BIN: &str = env!("CARGO_BIN_EXE_bedside");

struct Server {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(cwd: &Path, args: &[&str]) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(cwd)
            .env_remove("BEDSIDE_DATABASE_URL")
            .env_remove("BEDSIDE_DATA_DIR")
            .env("BEDSIDE_LOG", "debug,sqlx=debug,hyper=info");
        let (child, addr, stderr) = common::spawn_serve(cmd);
        Server {
            child,
            addr,
            stderr,
        }
    }

    fn identify(&self, token: &str, scan: &str) -> Value {
        let body = serde_json::json!({ "scan": scan }).to_string();
        let r = common::http(
            self.addr,
            "POST",
            "/v1/identify",
            Some(token),
            Some("application/json"),
            body.as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()
    }

    /// SIGTERM, then wait: a clean stop exits 0.
    fn stop(mut self) -> String {
        let st = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "serve exited with {status:?}");
        std::thread::sleep(Duration::from_millis(100));
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let o = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("BEDSIDE_DATABASE_URL")
        .env_remove("BEDSIDE_DATA_DIR")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn demo_list_json_contract() {
    let dir = common::tempdir::TempDir::new("demo");
    let (code, out, _) = run(&["demo", "list", "--json"], dir.path());
    assert_eq!(code, 0);
    assert!(out.contains("\\u001d"), "GS written as \\u001d in JSON");
    let d: Value = serde_json::from_str(&out).unwrap();
    let patients = d["patients"].as_array().unwrap();
    assert!(patients.len() >= 5);
    for p in patients {
        let n = p["nhs_number"].as_str().unwrap();
        assert!(n.len() == 10 && n.starts_with("999"), "{p}");
        assert!(
            p["family"].is_string() && p["given"].is_string() && p["date_of_birth"].is_string()
        );
        let scan = p["wristband_scan"].as_str().unwrap();
        assert!(
            scan.starts_with("]d28018") && scan.contains('\u{1d}'),
            "{scan:?}"
        );
    }
    let roles: Vec<&str> = d["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["nurse", "pharmacist", "admissions", "integrator", "admin"]
    );
    for key in ["staff", "locations", "medicines", "orders", "wristbands"] {
        assert!(!d[key].as_array().unwrap().is_empty(), "{key}");
    }
    assert!(
        d["staff"][0]["badge_scan"]
            .as_str()
            .unwrap()
            .starts_with("]d28017")
    );
    let (code, text, _) = run(&["demo", "list"], dir.path());
    assert_eq!(code, 0);
    assert!(text.contains("999 000 1235") && text.contains("<GS>"));
}

fn patient_data_in(logs: &str) -> Vec<String> {
    let d = common::demo();
    let mut found = Vec::new();
    for p in &d.patients {
        for s in [
            &p.nhs_number,
            &p.nhs_number_display,
            &p.family,
            &p.given,
            &p.mrn,
            &p.date_of_birth,
        ] {
            if logs.contains(s.as_str()) {
                found.push(s.clone());
            }
        }
    }
    found
}

#[test]
fn serve_with_no_configuration_then_audit_verify_and_tamper() {
    let dir = common::tempdir::TempDir::new("serve");
    let d = common::demo();
    let nurse = common::token("nurse");
    let server = Server::start(dir.path(), &[]);
    assert!(dir.path().join("bedside-data").join("bedside.db").exists());
    for b in &d.wristbands {
        assert_eq!(
            server.identify(&nurse, &b.scan)["status"],
            b.expect_status.as_str(),
            "{}",
            b.label
        );
    }
    let logs = server.stop();
    assert!(
        logs.contains("route=/v1/identify"),
        "request lines are logged: {logs}"
    );
    let leaked = patient_data_in(&logs);
    assert!(leaked.is_empty(), "patient data in logs: {leaked:?}");

    // A restart does not seed twice.
    let server = Server::start(dir.path(), &[]);
    assert_eq!(
        server.identify(&nurse, &d.patients[0].wristband_scan)["status"],
        "match"
    );
    server.stop();
    let (code, out, err) = run(&["audit", "verify"], dir.path());
    assert_eq!(code, 0, "{out}{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["ok"], true);
    let rows = report["rows"].as_i64().unwrap();
    assert!(rows > i64::try_from(d.wristbands.len()).unwrap());
    let (code, out, _) = run(&["migrate", "--data-dir", "bedside-data"], dir.path());
    assert_eq!((code, out.trim()), (0, "migrations applied (sqlite)"));

    let url = format!(
        "sqlite://{}",
        dir.path().join("bedside-data/bedside.db").display()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = bedside::db::Db::connect(&url, 1).await.unwrap();
        let seeded = sqlx::query("SELECT COUNT(*) FROM audit WHERE action = 'demo.seeded'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(seeded.try_get::<i64, _>(0).unwrap(), 1);
        // The table refuses updates; an attacker with the file drops the guard first.
        assert!(
            sqlx::query("UPDATE audit SET detail = '{}' WHERE seq = 3")
                .execute(&db.pool)
                .await
                .is_err()
        );
        sqlx::query("DROP TRIGGER audit_no_update")
            .execute(&db.pool)
            .await
            .unwrap();
        sqlx::query("UPDATE audit SET detail = '{\"status\":\"match\"}' WHERE seq = 3")
            .execute(&db.pool)
            .await
            .unwrap();
        db.pool.close().await;
    });
    let (code, out, _) = run(&["audit", "verify", "--database-url", &url], dir.path());
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["first_broken"]["seq"], 3, "{report}");
}

#[test]
fn two_instances_share_one_postgres() {
    let Some(base) = common::postgres_url() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = rt.block_on(common::fresh_postgres_db(&base));
    let dir = common::tempdir::TempDir::new("pg");
    let (a, b) = std::thread::scope(|s| {
        let ha = s.spawn(|| Server::start(dir.path(), &["--database-url", &url]));
        let hb = s.spawn(|| Server::start(dir.path(), &["--database-url", &url]));
        (ha.join().unwrap(), hb.join().unwrap())
    });
    assert!(
        !dir.path().join("bedside-data").exists(),
        "no SQLite file with a database URL"
    );
    let d = common::demo();
    let nurse = common::token("nurse");
    for (i, band) in d.wristbands.iter().enumerate() {
        let server = if i % 2 == 0 { &a } else { &b };
        assert_eq!(
            server.identify(&nurse, &band.scan)["status"],
            band.expect_status.as_str()
        );
    }
    let ready = common::http(b.addr, "GET", "/readyz", None, None, b"").json();
    assert_eq!(ready["database"], "postgres");
    let logs = a.stop() + &b.stop();
    assert!(patient_data_in(&logs).is_empty());
    let (code, out, _) = run(&["audit", "verify", "--database-url", &url], dir.path());
    assert_eq!(code, 0, "{out}");
    rt.block_on(async {
        let db = bedside::db::Db::connect(&url, 1).await.unwrap();
        let seeded = sqlx::query("SELECT COUNT(*) FROM audit WHERE action = 'demo.seeded'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(
            seeded.try_get::<i64, _>(0).unwrap(),
            1,
            "two instances seeded once"
        );
        sqlx::query("DROP TRIGGER audit_no_update ON audit")
            .execute(&db.pool)
            .await
            .unwrap();
        sqlx::query("UPDATE audit SET actor = 'token:demo-admin' WHERE seq = 5")
            .execute(&db.pool)
            .await
            .unwrap();
        db.pool.close().await;
    });
    let (code, out, _) = run(&["audit", "verify", "--database-url", &url], dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["first_broken"]["seq"],
        5
    );
}

/// SIGKILL in the middle of a stream of administrations: after a restart the audit chain
/// verifies and every acknowledged (201) administration is in the database.
#[test]
fn kill_mid_load_loses_no_acknowledged_administration() {
    let dir = common::tempdir::TempDir::new("kill");
    let server = Server::start(dir.path(), &[]);
    let url = format!(
        "sqlite://{}",
        dir.path().join("bedside-data/bedside.db").display()
    );
    let d = common::demo();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let now = bedside::clock::now_ms();
    let times = bedside::clock::london_hhmm(now);
    rt.block_on(async {
        let db = bedside::db::Db::connect(&url, 1).await.unwrap();
        let mut conn = db.pool.acquire().await.unwrap();
        for i in 0..200 {
            let o = common::paracetamol_order(&format!("K-{i}"), &times);
            bedside::demo::insert_order(&mut conn, &o, now - 60_000)
                .await
                .unwrap();
        }
        drop(conn);
        db.pool.close().await;
    });
    let acked = Arc::new(Mutex::new(Vec::<i64>::new()));
    let addr = server.addr;
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (acked, d) = (acked.clone(), d.clone());
            std::thread::spawn(move || {
                for i in (w..200).step_by(4) {
                    let body = serde_json::json!({
                        "patient_scan": d.patients[0].wristband_scan,
                        "product_scan": format!("]d201{}1728123110PA2811\u{1d}21KILL{i}", d.medicines[0].gtin),
                        "staff_scan": d.staff[0].badge_scan,
                        "quantity": 2, "route": "oral", "order_id": format!("K-{i}"),
                        // Many doses of one medicine at once: the service warns
                        // `too_soon_after_last_dose`, and the reason records them.
                        "override_reason": "clinical_need_documented",
                    })
                    .to_string();
                    let Ok(mut s) = std::net::TcpStream::connect(addr) else { return };
                    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                    let req = format!(
                        "POST /v1/administrations HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        common::token("nurse"),
                        body.len()
                    );
                    use std::io::Write;
                    if s.write_all(req.as_bytes()).is_err() {
                        return;
                    }
                    let mut raw = String::new();
                    if s.read_to_string(&mut raw).is_err() {
                        return;
                    }
                    // Four workers give the same medicine to one patient: a dose recorded
                    // between another's check and its record is refused (409
                    // `recorded_meanwhile`), which is the service doing its job.
                    if !raw.starts_with("HTTP/1.1 201") {
                        continue;
                    }
                    let body = raw.split("\r\n\r\n").nth(1).unwrap_or("");
                    if let Ok(v) = serde_json::from_str::<Value>(body) {
                        acked.lock().unwrap().push(v["administration_id"].as_i64().unwrap());
                    }
                }
            })
        })
        .collect();
    // Let some land, then kill without warning.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while acked.lock().unwrap().len() < 10 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut server = server;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 10,
        "only {} acknowledged before the kill",
        acked.len()
    );
    assert!(acked.len() < 200, "the kill came too late to test anything");
    // Restart: the service comes up on the same file, and the chain holds.
    let server = Server::start(dir.path(), &[]);
    server.stop();
    let (code, out, _) = run(&["audit", "verify"], dir.path());
    assert_eq!(code, 0, "{out}");
    rt.block_on(async {
        let db = bedside::db::Db::connect(&url, 1).await.unwrap();
        for id in &acked {
            let n = sqlx::query("SELECT COUNT(*) FROM administrations WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .unwrap()
                .try_get::<i64, _>(0)
                .unwrap();
            assert_eq!(n, 1, "acknowledged administration {id} is missing");
        }
        let audited =
            sqlx::query("SELECT COUNT(*) FROM audit WHERE action = 'administration.recorded'")
                .fetch_one(&db.pool)
                .await
                .unwrap()
                .try_get::<i64, _>(0)
                .unwrap();
        let recorded = sqlx::query("SELECT COUNT(*) FROM administrations")
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap();
        assert_eq!(
            audited, recorded,
            "every stored administration has its audit row"
        );
        db.pool.close().await;
    });
}

#[test]
fn import_is_all_or_nothing_and_imported_patients_match() {
    use bedside_patient::{Gsrn, GsrnPrefix, NhsGsrn, NhsNumber, TestData, percent_encode};
    let dir = common::tempdir::TempDir::new("import");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "nhs_number,family,given,date_of_birth,sex,mrn\n9990000018,Nguyễn,Thị,1990-05-06,2,K5550001\n9990000017,X,Y,1990-05-06,2,K5550002\n").unwrap();
    let (code, out, _) = run(&["import", "bad.csv"], dir.path());
    assert_eq!(code, 1, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["errors"][0]["line"], 3);
    assert!(!out.contains("9990000017"), "errors never quote the data");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "nhs_number,family,given,date_of_birth,sex,mrn\n999 000 0018,Nguyễn,Thị,1990-05-06,2,K5550001\n").unwrap();
    let (code, out, err) = run(&["import", "good.csv"], dir.path());
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["imported"], 1);

    let nhs = NhsNumber::parse("9990000018", TestData::Allow).unwrap();
    let gsrn = Gsrn::for_nhs_number(&GsrnPrefix::EXAMPLE, &nhs);
    let scan = format!(
        "]d28018{}\u{1d}725019900506\u{1d}72522\u{1d}7253{}\u{1d}7254{}\u{1d}91K5550001",
        gsrn.as_str(),
        percent_encode("Nguyễn"),
        percent_encode("Thị")
    );
    let server = Server::start(dir.path(), &[]);
    let r = server.identify(&common::token("nurse"), &scan);
    assert_eq!(r["status"], "match", "{r}");
    assert_eq!(r["patient"]["family"], "NGUYỄN");
    server.stop();
    let (code, _, _) = run(&["audit", "verify"], dir.path());
    assert_eq!(code, 0);
}
