//! Browser sessions on real SQLite and PostgreSQL, over real HTTP: the demo's sign-in by
//! name, the cookies, the CSRF defence, sign-out on one instance ending the session on
//! another, rotation, idle and absolute ends; the person as the audit actor; the badge a
//! person links and the medicines check holding them to it; the hand-over PIN (rules,
//! lockout after five wrong, every attempt audited), the hand-over ending after the task
//! or when idle, and the second checker's PIN.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;

use crate::common;

use serde_json::{Value, json};
use sqlx::Row;

/// A browser's cookie jar against one origin (it may talk to several instances: the
/// cookies are the database's, not the instance's).
#[derive(Clone, Debug, Default)]
struct Browser {
    session: Option<String>,
    csrf: Option<String>,
    origin: Option<String>,
}

impl Browser {
    fn for_app(app: &common::TestApp) -> Browser {
        Browser {
            origin: Some(format!("http://{}", app.addr)),
            ..Browser::default()
        }
    }

    fn headers(&self, with_csrf: bool) -> Vec<(String, String)> {
        let mut h = Vec::new();
        let mut cookies = Vec::new();
        if let Some(s) = &self.session {
            cookies.push(format!("bedside_session={s}"));
        }
        if let Some(c) = &self.csrf {
            cookies.push(format!("bedside_csrf={c}"));
            if with_csrf {
                h.push(("X-CSRF-Token".to_owned(), c.clone()));
            }
        }
        if !cookies.is_empty() {
            h.push(("Cookie".to_owned(), cookies.join("; ")));
        }
        if let Some(o) = &self.origin {
            h.push(("Origin".to_owned(), o.clone()));
        }
        h
    }

    fn take_cookies(&mut self, r: &common::Resp) {
        for (k, v) in &r.headers {
            if !k.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let first = v.split(';').next().unwrap();
            let (name, value) = first.split_once('=').unwrap();
            let value = (!value.is_empty()).then(|| value.to_owned());
            match name {
                "bedside_session" => self.session = value,
                "bedside_csrf" => self.csrf = value,
                _ => {}
            }
        }
    }

    async fn send(
        &mut self,
        addr: SocketAddr,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> common::Resp {
        let mut h = self.headers(true);
        let bytes = body.map(Value::to_string).unwrap_or_default();
        if body.is_some() {
            h.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        let (m, p) = (method.to_owned(), path.to_owned());
        let r = tokio::task::spawn_blocking(move || {
            common::http_with(addr, &m, &p, &h, bytes.as_bytes())
        })
        .await
        .unwrap();
        self.take_cookies(&r);
        r
    }

    async fn raw(
        &self,
        addr: SocketAddr,
        method: &str,
        path: &str,
        headers: Vec<(String, String)>,
        body: &str,
    ) -> common::Resp {
        let (m, p, b) = (method.to_owned(), path.to_owned(), body.to_owned());
        tokio::task::spawn_blocking(move || common::http_with(addr, &m, &p, &headers, b.as_bytes()))
            .await
            .unwrap()
    }

    /// `POST /v1/me/handover` with a badge scan and a PIN.
    async fn handover(&mut self, addr: SocketAddr, badge_scan: &str, pin: &str) -> common::Resp {
        let body = json!({"badge_scan": badge_scan, "pin": pin});
        self.send(addr, "POST", "/v1/me/handover", Some(&body))
            .await
    }

    async fn sign_in(&mut self, addr: SocketAddr, user: &str) -> Value {
        let r = self
            .send(addr, "POST", "/auth/demo", Some(&json!({"user": user})))
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(self.session.is_some() && self.csrf.is_some());
        r.json()
    }
}

async fn audit_actions(app: &common::TestApp) -> Vec<(String, String, Value)> {
    sqlx::query("SELECT actor, action, detail FROM audit ORDER BY seq")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let detail: String = r.try_get(2).unwrap();
            (
                r.try_get(0).unwrap(),
                r.try_get(1).unwrap(),
                serde_json::from_str(&detail).unwrap(),
            )
        })
        .collect()
}

async fn session_end(app: &common::TestApp, user: &str) -> Vec<Option<String>> {
    sqlx::query("SELECT ended_reason FROM sessions WHERE user_id = $1 ORDER BY created_at")
        .bind(user)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get(0).unwrap())
        .collect()
}

async fn demo_sign_in_and_out(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let other = common::TestApp::start(db.config()).await;
    let d = common::demo();

    // The sign-in page's methods: the demo's users by name, no provider.
    let r = app.req("GET", "/auth/methods", None, None, b"").await;
    assert_eq!(r.status, 200);
    let m = r.json();
    assert_eq!(m["oidc"], false);
    assert_eq!(m["tokens"], true);
    let names: Vec<&str> = m["demo_users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["display_name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Ada Okafor") && names.contains(&"Erin Shaw"),
        "{names:?}"
    );

    // Another site cannot sign a browser in.
    let mut evil = Browser {
        origin: Some("http://evil.example".into()),
        ..Browser::default()
    };
    let r = evil
        .send(
            app.addr,
            "POST",
            "/auth/demo",
            Some(&json!({"user": "demo:ada"})),
        )
        .await;
    r.assert_problem(403, "csrf_refused");
    assert!(evil.session.is_none());
    let mut nobody = Browser::for_app(&app);
    let r = nobody
        .send(
            app.addr,
            "POST",
            "/auth/demo",
            Some(&json!({"user": "demo:mallory"})),
        )
        .await;
    r.assert_problem(404, "not_found");

    // Ada signs in: HttpOnly Lax session cookie, script-readable Strict CSRF cookie.
    let mut ada = Browser::for_app(&app);
    let r = ada
        .send(
            app.addr,
            "POST",
            "/auth/demo",
            Some(&json!({"user": "demo:ada"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let cookies: Vec<&str> = r
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.as_str())
        .collect();
    let session_cookie = cookies
        .iter()
        .find(|c| c.starts_with("bedside_session="))
        .unwrap();
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"));
    assert!(!session_cookie.contains("Secure"), "no TLS here");
    let csrf_cookie = cookies
        .iter()
        .find(|c| c.starts_with("bedside_csrf="))
        .unwrap();
    assert!(!csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"));
    let me = ada.send(app.addr, "GET", "/v1/me", None).await.json();
    assert_eq!(me["user"], "demo:ada");
    assert_eq!(me["display_name"], "Ada Okafor");
    assert_eq!(me["role"], "nurse");
    assert_eq!(me["signed_in_by"], "demo");
    assert_eq!(me["badge"], d.staff[0].gsrn.as_str());
    assert_eq!(me["has_pin"], false);

    // The database holds only the cookie's hash.
    let stored: String = sqlx::query("SELECT id_hash FROM sessions WHERE user_id = 'demo:ada'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_ne!(Some(stored), ada.session.clone());

    // A scan with the session: the audit names the person.
    let scan = json!({"scan": d.patients[0].wristband_scan});
    let r = ada
        .send(app.addr, "POST", "/v1/identify", Some(&scan))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let rows = audit_actions(&app).await;
    let (actor, _, _) = rows.iter().rev().find(|(_, a, _)| a == "identify").unwrap();
    assert_eq!(actor, "user:demo:ada");
    let started = rows
        .iter()
        .find(|(_, a, _)| a == "session.started")
        .unwrap();
    assert_eq!(started.2["display_name"], "Ada Okafor");
    assert_eq!(started.2["method"], "demo");

    // CSRF: without the token, or from another origin, a state change is refused.
    let h = ada.headers(false);
    let mut h2 = h.clone();
    h2.push(("Content-Type".into(), "application/json".into()));
    let r = ada
        .raw(app.addr, "POST", "/v1/identify", h2, &scan.to_string())
        .await;
    r.assert_problem(403, "csrf_refused");
    let mut forged = ada.headers(true);
    forged.retain(|(k, _)| k != "Origin");
    forged.push(("Origin".into(), "http://evil.example".into()));
    forged.push(("Content-Type".into(), "application/json".into()));
    let r = ada
        .raw(app.addr, "POST", "/v1/identify", forged, &scan.to_string())
        .await;
    r.assert_problem(403, "csrf_refused");
    // A wrong token, from the right origin.
    let mut wrong = ada.clone();
    wrong.csrf = Some("00".repeat(32));
    let r = wrong
        .send(app.addr, "POST", "/v1/identify", Some(&scan))
        .await;
    r.assert_problem(403, "csrf_refused");
    let refusals = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(_, a, d)| a == "auth.refused" && d["reason"] == "csrf")
        .count();
    assert_eq!(refusals, 3);

    // The other instance serves the same session.
    let r = ada.send(other.addr, "GET", "/v1/me", None).await;
    assert_eq!(r.status, 200);

    // Sign-out: the page's button posts the CSRF token as a form field.
    let page = ada.send(app.addr, "GET", "/auth/logout", None).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains(ada.csrf.as_deref().unwrap()));
    let old = ada.clone();
    let mut h = ada.headers(false);
    h.push((
        "Content-Type".into(),
        "application/x-www-form-urlencoded".into(),
    ));
    // Without the token it is refused and the session lives on.
    let r = ada
        .raw(app.addr, "POST", "/auth/logout", h.clone(), "")
        .await;
    r.assert_problem(403, "csrf_refused");
    assert_eq!(ada.send(app.addr, "GET", "/v1/me", None).await.status, 200);
    let body = format!("csrf={}", ada.csrf.as_deref().unwrap());
    let r = ada.raw(app.addr, "POST", "/auth/logout", h, &body).await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.header("location"), Some("/ui/sign-in?reason=signed_out"));
    ada.take_cookies(&r);
    assert!(
        ada.session.is_none() && ada.csrf.is_none(),
        "cookies removed"
    );
    // The old cookie is dead here and on the other instance at once.
    let mut old1 = old.clone();
    old1.send(app.addr, "GET", "/v1/me", None)
        .await
        .assert_problem(401, "unauthorized");
    let mut old2 = old.clone();
    old2.send(other.addr, "GET", "/v1/me", None)
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(
        session_end(&app, "demo:ada").await,
        vec![Some("signed_out".to_owned())]
    );

    // Rotation: signing in again in a browser that holds a live session replaces it.
    let mut b = Browser::for_app(&app);
    b.sign_in(app.addr, "demo:ben").await;
    let before = b.clone();
    b.sign_in(app.addr, "demo:ben").await;
    assert_ne!(before.session, b.session);
    let mut stale = before.clone();
    stale
        .send(app.addr, "GET", "/v1/me", None)
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(b.send(app.addr, "GET", "/v1/me", None).await.status, 200);
    assert_eq!(
        session_end(&app, "demo:ben").await,
        vec![Some("replaced".to_owned()), None]
    );

    // Idle: ten minutes without a request end it (the clock is moved in the database).
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 601000 WHERE user_id = 'demo:ben' AND ended_at IS NULL")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    b.send(app.addr, "GET", "/v1/me", None)
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(
        session_end(&app, "demo:ben").await,
        vec![Some("replaced".to_owned()), Some("idle".to_owned())]
    );
    // Absolute: the shift's end ends it however busy it is.
    let mut c = Browser::for_app(&app);
    c.sign_in(app.addr, "demo:chloe").await;
    sqlx::query("UPDATE sessions SET expires_at = 1 WHERE user_id = 'demo:chloe'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    c.send(app.addr, "GET", "/v1/me", None)
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(
        session_end(&app, "demo:chloe").await,
        vec![Some("expired".to_owned())]
    );
    let ends: Vec<String> = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(_, a, _)| a == "session.ended")
        .map(|(_, _, d)| d["reason"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ends, ["signed_out", "replaced", "idle", "expired"]);

    // A week after they end, sessions are pruned at the next sign-in; the audit keeps them.
    sqlx::query("UPDATE sessions SET ended_at = 1 WHERE user_id = 'demo:ada'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    Browser::for_app(&app).sign_in(app.addr, "demo:dev").await;
    assert!(session_end(&app, "demo:ada").await.is_empty());
    assert_eq!(
        session_end(&app, "demo:chloe").await.len(),
        0,
        "expired long ago"
    );

    // The audit views name the person: their id and, beside it, their name.
    let admin = common::token("admin");
    let r = app
        .req("GET", "/v1/audit/events?limit=200", Some(&admin), None, b"")
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let ev = r.json()["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "identify" && e["actor"] == "user:demo:ada")
        .cloned()
        .unwrap();
    assert_eq!(ev["actor_name"], "Ada Okafor");
    let r = app
        .req("GET", "/v1/audit/fhir?_count=500", Some(&admin), None, b"")
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let named = r.json()["entry"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["resource"]["agent"].as_array().unwrap().clone())
        .any(|a| {
            a["who"]["identifier"]["system"] == "urn:bedside:user"
                && a["who"]["identifier"]["value"] == "demo:ada"
                && a["who"]["display"] == "Ada Okafor"
                && a["requestor"] == true
        });
    assert!(named, "the FHIR AuditEvent names the person");
    other.stop().await;
    app.stop().await;
}
both_backends!(demo_sign_in_and_out_sessions, demo_sign_in_and_out);

async fn badge_pin_and_handover(db: common::TestDb) {
    let app = common::TestApp::start(db.config()).await;
    let d = common::demo();
    let (ada_badge, ben_badge) = (d.staff[0].badge_scan.clone(), d.staff[1].badge_scan.clone());

    // A token cannot link a badge or set a PIN: those are a person's.
    let r = app
        .req(
            "PUT",
            "/v1/me/pin",
            Some(&common::token("nurse")),
            Some("application/json"),
            br#"{"pin":"4826"}"#,
        )
        .await;
    r.assert_problem(403, "session_required");

    // Ben signs in on his own device and sets a PIN (rules first).
    let mut ben = Browser::for_app(&app);
    ben.sign_in(app.addr, "demo:ben").await;
    for (pin, why) in [("123", "4 to 8"), ("7777", "repeated"), ("3456", "run")] {
        let r = ben
            .send(app.addr, "PUT", "/v1/me/pin", Some(&json!({"pin": pin})))
            .await;
        assert!(r.status == 422, "{pin}: {}", r.text());
        assert!(
            r.json()["detail"].as_str().unwrap().contains(why),
            "{}",
            r.text()
        );
    }
    let r = ben
        .send(app.addr, "PUT", "/v1/me/pin", Some(&json!({"pin": "4826"})))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["has_pin"], true);
    // A badge is linked once: changing it is an admin's.
    let r = ben
        .send(
            app.addr,
            "PUT",
            "/v1/me/badge",
            Some(&json!({"badge_scan": ada_badge})),
        )
        .await;
    r.assert_problem(409, "badge_already_linked");

    // Ada signs in on the ward PC.
    let mut pc = Browser::for_app(&app);
    pc.sign_in(app.addr, "demo:ada").await;
    // In her session, Ben's badge as the giver is refused.
    let mut body = json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": d.medicines[0].packs[0].scan,
        "staff_scan": ben_badge,
        "quantity": 2.0,
        "route": "oral",
    });
    let r = pc
        .send(app.addr, "POST", "/v1/administrations/verify", Some(&body))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let codes: Vec<String> = r.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        codes.contains(&"staff_not_token_holder".to_owned()),
        "{codes:?}"
    );

    // The second checker's PIN: missing, wrong, right.
    body["staff_scan"] = json!(ada_badge);
    body["checker_scan"] = json!(ben_badge);
    let checker_codes = |r: &common::Resp| -> Vec<String> {
        r.json()["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap().to_owned())
            .filter(|c| c.starts_with("checker"))
            .collect()
    };
    let r = pc
        .send(app.addr, "POST", "/v1/administrations/verify", Some(&body))
        .await;
    assert_eq!(checker_codes(&r), ["checker_pin_required"]);
    body["checker_pin"] = json!("1111");
    let r = pc
        .send(app.addr, "POST", "/v1/administrations/verify", Some(&body))
        .await;
    assert_eq!(checker_codes(&r), ["checker_pin_incorrect"]);
    body["checker_pin"] = json!("4826");
    let r = pc
        .send(app.addr, "POST", "/v1/administrations/verify", Some(&body))
        .await;
    assert!(checker_codes(&r).is_empty(), "{}", r.text());
    // An API token is not asked for the PIN.
    let mut token_body = body.clone();
    token_body.as_object_mut().unwrap().remove("checker_pin");
    let r = app
        .post_json(
            "/v1/administrations/verify",
            &common::token("nurse"),
            &token_body,
        )
        .await;
    assert!(checker_codes(&r).is_empty(), "{}", r.text());

    // Hand-over: her own badge is not a hand-over; four wrong PINs count down.
    let r = pc.handover(app.addr, &ada_badge, "4826").await;
    r.assert_problem(409, "own_badge");
    for left in [4, 3, 2, 1] {
        let r = pc.handover(app.addr, &ben_badge, "9999").await;
        r.assert_problem(403, "pin_incorrect");
        assert_eq!(r.json()["attempts_left"], left, "{}", r.text());
    }
    // The fifth wrong PIN in a row locks the badge for 15 minutes (the checker's right PIN
    // above had cleared the count): even the right PIN is refused now, unchecked.
    let r = pc.handover(app.addr, &ben_badge, "9999").await;
    r.assert_problem(423, "badge_locked");
    assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() > 800);
    let r = pc.handover(app.addr, &ben_badge, "4826").await;
    r.assert_problem(423, "badge_locked");
    let attempts: Vec<String> = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(_, a, _)| a == "pin.checked")
        .map(|(_, _, d)| {
            assert!(d.to_string().find("9999").is_none() && d.to_string().find("4826").is_none());
            format!(
                "{}:{}",
                d["purpose"].as_str().unwrap(),
                d["outcome"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        attempts,
        [
            "checker:wrong",
            "checker:right",
            "handover:wrong",
            "handover:wrong",
            "handover:wrong",
            "handover:wrong",
            "handover:wrong",
            "handover:locked",
        ]
    );

    // Fifteen minutes later (moved in the database) the right PIN hands over.
    sqlx::query("UPDATE users SET pin_locked_until = 1 WHERE user_id = 'demo:ben'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = pc.handover(app.addr, &ben_badge, "4826").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let me = r.json();
    assert_eq!(me["user"], "demo:ben");
    assert_eq!(me["handover"]["signed_in_user"], "demo:ada");
    assert_eq!(me["badge"], d.staff[1].gsrn.as_str());

    // Ben records a dose on Ada's PC: his badge is the giver's; the hand-over then ends.
    let dose = json!({
        "patient_scan": d.patients[0].wristband_scan,
        "product_scan": d.medicines[0].packs[0].scan,
        "staff_scan": ben_badge,
        "quantity": 2.0,
        "route": "oral",
    });
    let r = pc
        .send(app.addr, "POST", "/v1/administrations", Some(&dose))
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let me = pc.send(app.addr, "GET", "/v1/me", None).await.json();
    assert_eq!(me["user"], "demo:ada");
    assert!(me.get("handover").is_none());
    let rows = audit_actions(&app).await;
    let started = rows
        .iter()
        .find(|(_, a, _)| a == "handover.started")
        .unwrap();
    assert_eq!(started.0, "user:demo:ben");
    assert_eq!(started.2["session_user"], "demo:ada");
    assert_eq!(started.2["session_display_name"], "Ada Okafor");
    let recorded = rows
        .iter()
        .find(|(_, a, _)| a == "administration.recorded")
        .unwrap();
    assert_eq!(recorded.0, "user:demo:ben");
    let ended = rows.iter().find(|(_, a, _)| a == "handover.ended").unwrap();
    assert_eq!(ended.2["reason"], "task_done");
    assert_eq!(ended.2["session_user"], "demo:ada");

    // A hand-over left idle for two minutes ends; so does one ended by hand.
    let r = pc.handover(app.addr, &ben_badge, "4826").await;
    assert_eq!(r.status, 200, "{}", r.text());
    sqlx::query("UPDATE sessions SET handover_last_at = handover_last_at - 121000 WHERE user_id = 'demo:ada' AND ended_at IS NULL")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let me = pc.send(app.addr, "GET", "/v1/me", None).await.json();
    assert_eq!(me["user"], "demo:ada");
    let r = pc.handover(app.addr, &ben_badge, "4826").await;
    assert_eq!(r.status, 200);
    let me = pc
        .send(app.addr, "DELETE", "/v1/me/handover", None)
        .await
        .json();
    assert_eq!(me["user"], "demo:ada");
    let reasons: Vec<String> = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(_, a, _)| a == "handover.ended")
        .map(|(_, _, d)| d["reason"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(reasons, ["task_done", "idle", "ended"]);

    // An admin changes a person's badge; a badge that is someone else's is refused.
    let admin = common::token("admin");
    let r = app
        .req(
            "PUT",
            "/v1/users/demo:ada/badge",
            Some(&admin),
            Some("application/json"),
            json!({"badge": d.staff[1].gsrn}).to_string().as_bytes(),
        )
        .await;
    r.assert_problem(409, "badge_linked_to_another");
    let r = app
        .req(
            "PUT",
            "/v1/users/demo:ada/badge",
            Some(&admin),
            Some("application/json"),
            json!({"badge": d.staff[2].gsrn}).to_string().as_bytes(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["badge"], d.staff[2].gsrn.as_str());
    let r = app
        .req(
            "DELETE",
            "/v1/users/demo:ada/badge",
            Some(&admin),
            None,
            b"",
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["badge"], Value::Null);
    let r = app
        .req("DELETE", "/v1/users/nobody/badge", Some(&admin), None, b"")
        .await;
    r.assert_problem(404, "not_found");
    app.stop().await;
}
both_backends!(badge_pin_and_handover_sessions, badge_pin_and_handover);
