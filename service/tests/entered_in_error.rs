//! `POST /v1/administrations/{id}/entered-in-error` on real SQLite and PostgreSQL: a
//! recorded dose is marked, kept, and reads entered in error with who, when and why; the
//! change is audited in the same transaction; a repeat changes nothing and answers the
//! first marking; what was given (dm+d code and name, unit, route) was kept with the
//! record when it was made; unknown ids, bad ids, empty reasons and other roles are refused
//! and store nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use serde_json::json;
use sqlx::Row;

async fn marking(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let d = common::demo();
    let nurse = common::token("nurse");
    let body = json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": d.medicines[0].packs[0].scan,
        "staff_scan": d.staff[0].badge_scan,
        "quantity": 2.0,
        "route": "oral",
    });
    let r = app.post_json("/v1/administrations", &nurse, &body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["administration_id"].as_i64().unwrap();

    // What was given is kept with the record, as the catalogue said on the day.
    let pool = app.state.db.pool.clone();
    let row = sqlx::query("SELECT medicine_level, medicine_id, medicine_name, dose_unit, route, updated_at, given_at, entered_in_error_at FROM administrations WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let level: String = row.try_get(0).unwrap();
    let medicine_id: String = row.try_get(1).unwrap();
    let name: String = row.try_get(2).unwrap();
    assert!(level == "amp" || level == "vmp", "{level}");
    assert!(!medicine_id.is_empty() && !name.is_empty());
    let unit: String = sqlx::query("SELECT o.dose_unit FROM orders o JOIN administrations a ON a.order_id = o.id WHERE a.id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(row.try_get::<String, _>(3).unwrap(), unit);
    assert_eq!(row.try_get::<String, _>(4).unwrap(), "oral");
    assert_eq!(
        row.try_get::<i64, _>(5).unwrap(),
        row.try_get::<i64, _>(6).unwrap()
    );
    assert_eq!(row.try_get::<Option<i64>, _>(7).unwrap(), None);

    let path = format!("/v1/administrations/{id}/entered-in-error");
    // Refusals store nothing.
    for (role, status) in [("integrator", 403), ("admissions", 403)] {
        let r = app
            .post_json(&path, &common::token(role), &json!({"reason": "wrong"}))
            .await;
        assert_eq!(r.status, status, "{role}: {}", r.text());
    }
    let r = app
        .post_json(&path, &nurse, &json!({"reason": "   "}))
        .await;
    r.assert_problem(422, "invalid_request");
    let r = app
        .post_json(&path, &nurse, &json!({"reason": "x", "extra": 1}))
        .await;
    assert!(r.status == 400 || r.status == 422, "{}", r.text());
    let r = app
        .post_json(
            "/v1/administrations/999999/entered-in-error",
            &nurse,
            &json!({"reason": "wrong patient"}),
        )
        .await;
    r.assert_problem(404, "not_found");
    let r = app
        .post_json(
            "/v1/administrations/abc/entered-in-error",
            &nurse,
            &json!({"reason": "wrong patient"}),
        )
        .await;
    r.assert_problem(422, "invalid_request");
    let audited = |pool: sqlx::AnyPool| async move {
        sqlx::query("SELECT COUNT(*) FROM audit WHERE action = 'administration.entered_in_error'")
            .fetch_one(&pool)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    };
    assert_eq!(audited(pool.clone()).await, 0);

    // Marked: kept, with who, when and why, and audited once.
    let reason = "recorded against the wrong patient's chart";
    let r = app
        .post_json(
            &path,
            &common::token("pharmacist"),
            &json!({"reason": reason}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let a = r.json();
    assert_eq!(a["administration_id"], id);
    assert_eq!(a["reason"], reason);
    assert_eq!(a["already"], false);
    let by = a["entered_in_error_by"].as_str().unwrap().to_owned();
    assert!(by.starts_with("token:"), "{by}");
    let at = a["entered_in_error_at"].as_i64().unwrap();
    let row = sqlx::query("SELECT entered_in_error_at, entered_in_error_by, entered_in_error_reason, updated_at FROM administrations WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(row.try_get::<Option<i64>, _>(0).unwrap(), Some(at));
    assert_eq!(
        row.try_get::<Option<String>, _>(1).unwrap().as_deref(),
        Some(by.as_str())
    );
    assert_eq!(
        row.try_get::<Option<String>, _>(2).unwrap().as_deref(),
        Some(reason)
    );
    assert_eq!(row.try_get::<i64, _>(3).unwrap(), at);
    assert_eq!(audited(pool.clone()).await, 1);

    // Again (a retry, or a second person): the first marking stands.
    let r = app
        .post_json(&path, &nurse, &json!({"reason": "another reason"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let again = r.json();
    assert_eq!(again["already"], true);
    assert_eq!(again["reason"], reason);
    assert_eq!(again["entered_in_error_by"], by.as_str());
    assert_eq!(again["entered_in_error_at"], at);
    assert_eq!(audited(pool.clone()).await, 1);
    let r = app
        .req(
            "GET",
            "/v1/audit/verify",
            Some(&common::token("admin")),
            None,
            b"",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
}
both_backends!(marking, marking);
