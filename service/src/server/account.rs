//! Who is signed in, and the person's own account: the sign-in methods offered, the demo's
//! sign-in by name, sign-out, the badge link, the hand-over PIN and the hand-over itself.
//!
//! - `GET /v1/me` (any caller): who is acting ([`dto::Me`]).
//! - `GET /auth/methods` (no authentication): what the sign-in page offers.
//! - `POST /auth/demo` (no authentication; only with demo data and no `oidc`): signs in as
//!   one of [`crate::demo::DEMO_USERS`] by name. It must come from this origin (no
//!   sign-in forced on a browser by another site).
//! - `GET /auth/logout` shows a sign-out button; `POST /auth/logout` (the session's CSRF
//!   token in the form field `csrf` or `X-CSRF-Token`, from this origin) ends the session
//!   here (and at the provider when it offers `end_session_endpoint`).
//! - `PUT /v1/me/badge`, `PUT /v1/me/pin`, `POST`/`DELETE /v1/me/handover`: a signed-in
//!   person's badge, PIN and hand-over ([`crate::users`]); `PUT`/`DELETE
//!   /v1/users/{user}/badge`: an admin sets or clears anyone's badge.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::auth::{Caller, ClientAddr, Principal, Role, same_origin};
use super::dto;
use super::extract::StrictJson;
use super::problem::Problem;
use crate::sessions::{self, Method};
use crate::users::{self, HandoverStart, LinkError, PinCheck, SetPinError};

fn unavailable() -> Problem {
    Problem::unavailable(
        "database_unavailable",
        "the sign-in store cannot be read or written",
    )
}

/// The answer of `GET /v1/me` for `caller`.
///
/// # Errors
/// 503 when the person's row cannot be read.
pub async fn me_of(state: &AppState, caller: &Caller) -> Result<dto::Me, Problem> {
    match &caller.principal {
        Principal::Token(id) => {
            let label = super::auth::token_row(state, id)
                .await?
                .map(|r| r.label)
                .unwrap_or_default();
            Ok(dto::Me {
                user: format!("token:{id}"),
                display_name: label,
                role: caller.role.as_str(),
                signed_in_by: dto::SignedInBy::Token,
                token_id: Some(id.clone()),
                badge: caller.badge.clone(),
                has_pin: false,
                session_expires_at: None,
                handover: None,
            })
        }
        Principal::Session(s) => {
            let (user, display_name) = caller.person().unwrap_or((&s.user, &s.display_name));
            let row = users::read(&state.db, user)
                .await
                .map_err(|_| unavailable())?;
            Ok(dto::Me {
                user: user.to_owned(),
                display_name: display_name.to_owned(),
                role: caller.role.as_str(),
                signed_in_by: match s.method {
                    Method::Oidc => dto::SignedInBy::Oidc,
                    Method::Demo => dto::SignedInBy::Demo,
                },
                token_id: None,
                badge: caller.badge.clone(),
                has_pin: row.is_some_and(|r| r.has_pin),
                session_expires_at: Some(crate::clock::rfc3339(s.expires_at)),
                handover: s.handover.as_ref().map(|_| dto::MeHandover {
                    signed_in_user: s.user.clone(),
                    signed_in_display_name: s.display_name.clone(),
                }),
            })
        }
    }
}

/// `GET /v1/me`: who is acting (any role), for the pages.
///
/// # Errors
/// 401, 503.
pub async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<dto::Me>, Problem> {
    Ok(Json(me_of(&state, &caller).await?))
}

/// Whether demo sign-in by name is offered: demo data on and no OpenID Connect provider.
fn demo_offered(state: &AppState) -> bool {
    state.cfg.demo && !state.oidc_configured()
}

/// `GET /auth/methods`.
pub async fn methods(State(state): State<AppState>) -> Json<dto::AuthMethods> {
    let demo_users = if demo_offered(&state) {
        crate::demo::DEMO_USERS
            .iter()
            .map(|u| dto::DemoUserBody {
                user: u.user.to_owned(),
                display_name: u.display_name.to_owned(),
                role: u.role.as_str(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Json(dto::AuthMethods {
        oidc: state.oidc_configured(),
        demo_users,
        tokens: true,
    })
}

fn not_offered() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "Not offered",
        "sign-in by name is offered only with demo data and no OpenID Connect provider",
    )
}

fn cross_origin() -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        "csrf_refused",
        "Request refused",
        "this request did not come from this service's own pages; reload the page",
    )
}

/// Adds `Set-Cookie` headers to a response.
pub(super) fn with_cookies(mut resp: Response, cookies: Vec<HeaderValue>) -> Response {
    for c in cookies {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

/// `POST /auth/demo`: signs in as a demo user by name (their badge is linked at the first
/// sign-in). 200 with [`dto::Me`] and the session cookies.
///
/// # Errors
/// 404 when not offered or no such demo user, 403 from another origin, 503.
pub async fn demo_sign_in(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    uri: Uri,
    StrictJson(body): StrictJson<dto::DemoSignInRequest>,
) -> Result<Response, Problem> {
    if !demo_offered(&state) {
        return Err(not_offered());
    }
    if !same_origin(&headers, &uri, &state) {
        return Err(cross_origin());
    }
    let Some(u) = crate::demo::DEMO_USERS.iter().find(|u| u.user == body.user) else {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "No such demo user",
            "user is not one of GET /auth/methods' demo_users",
        ));
    };
    let sign_in = sessions::SignIn {
        user: u.user.to_owned(),
        display_name: u.display_name.to_owned(),
        role: u.role,
        method: Method::Demo,
        id_token: None,
    };
    let started = sessions::start(
        &state.db,
        &sign_in,
        sessions::cookie_of(&headers),
        &client,
        &state.sessions,
    )
    .await
    .map_err(|_| unavailable())?;
    let actor = format!("user:{}", u.user);
    if let Some(badge) = u.badge {
        match users::link_badge(
            &state.db,
            u.user,
            badge,
            false,
            &actor,
            crate::clock::now_ms(),
        )
        .await
        {
            // Linked now, already, or changed by an admin since: the session stands.
            Ok(()) | Err(LinkError::AlreadyLinked | LinkError::Taken | LinkError::NotActive) => {}
            Err(_) => return Err(unavailable()),
        }
    }
    let row = users::read(&state.db, u.user)
        .await
        .map_err(|_| unavailable())?;
    let me = dto::Me {
        user: u.user.to_owned(),
        display_name: u.display_name.to_owned(),
        role: u.role.as_str(),
        signed_in_by: dto::SignedInBy::Demo,
        token_id: None,
        badge: row.as_ref().and_then(|r| r.badge.clone()),
        has_pin: row.is_some_and(|r| r.has_pin),
        session_expires_at: Some(crate::clock::rfc3339(started.expires_at)),
        handover: None,
    };
    let cookies = sessions::set_cookies(&started, state.tls, &state.sessions);
    Ok(with_cookies(Json(me).into_response(), cookies))
}

/// Where the browser goes after signing out here.
pub const SIGNED_OUT: &str = "/ui/sign-in?reason=signed_out";

/// `GET /auth/signed-out`: where the provider sends the browser back after its own
/// sign-out (register it as the post-logout redirect URI); on to the sign-in page.
pub async fn signed_out() -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, SIGNED_OUT)]).into_response()
}

fn form_field<'b>(body: &'b [u8], name: &str) -> Option<&'b str> {
    std::str::from_utf8(body)
        .ok()?
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// `POST /auth/logout`: ends the session (audited `session.ended`, reason `signed_out`)
/// and removes its cookies. A browser's form gets 303 to the provider's sign-out (when it
/// offers one) or to the sign-in page; `Accept: application/json` gets 200
/// `{"redirect": …}` for the page's script to follow. Without a live session it only
/// removes the cookies.
///
/// # Errors
/// 403 from another origin or without the session's CSRF token, 503.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Result<Response, Problem> {
    let mut redirect = SIGNED_OUT.to_owned();
    if let Some(cookie) = sessions::cookie_of(&headers) {
        let now = crate::clock::now_ms();
        let found = sessions::lookup(&state.db, cookie, &state.sessions, now)
            .await
            .map_err(|_| unavailable())?;
        if let sessions::Lookup::Active(s) = found {
            let presented = headers
                .get(sessions::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .or_else(|| form_field(&body, "csrf"));
            let csrf_ok = presented.is_some_and(|p| super::auth::csrf_matches(p, &s.csrf));
            if !same_origin(&headers, &uri, &state) || !csrf_ok {
                return Err(cross_origin());
            }
            let ended = sessions::end(&state.db, cookie, sessions::EndReason::SignedOut)
                .await
                .map_err(|_| unavailable())?;
            if let Some(e) = ended
                && e.method == Method::Oidc
                && let Some(url) = state.provider_sign_out(e.id_token.as_deref(), &headers)
            {
                redirect = url;
            }
        }
    }
    let cookies = sessions::clear_cookies(state.tls);
    let resp = if wants_json(&headers) {
        Json(dto::SignedOut { redirect }).into_response()
    } else {
        let location = HeaderValue::from_str(&redirect)
            .unwrap_or_else(|_| HeaderValue::from_static(SIGNED_OUT));
        (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
    };
    Ok(with_cookies(resp, cookies))
}

/// `GET /auth/logout`: a page with a sign-out button (a form posting the session's CSRF
/// token), or a link to sign in when there is no session.
///
/// # Errors
/// 503.
pub async fn logout_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let mut csrf = None;
    if let Some(cookie) = sessions::cookie_of(&headers)
        && let sessions::Lookup::Active(s) =
            sessions::lookup(&state.db, cookie, &state.sessions, crate::clock::now_ms())
                .await
                .map_err(|_| unavailable())?
    {
        csrf = Some(s.csrf.clone());
    }
    let main = match &csrf {
        // The token is hex: nothing in it needs escaping.
        Some(t) => format!(
            "<h1>Sign out</h1>\n<p>Sign out so that nobody else can act as you on this device.</p>\n\
             <form method=\"post\" action=\"/auth/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{t}\">\
             <button type=\"submit\" class=\"button\">Sign out</button></form>"
        ),
        None => {
            "<h1>You are not signed in</h1>\n<p><a href=\"/ui/sign-in\">Sign in</a></p>".to_owned()
        }
    };
    Ok(super::ui::server_page(
        "Sign out",
        &main,
        state.sign_out_form_action().as_deref(),
    ))
}

fn session_only(caller: &Caller) -> Result<&sessions::Active, Problem> {
    let Some(s) = caller.session() else {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "session_required",
            "Sign in as a person",
            "this is for a person signed in through the browser, not an API token",
        ));
    };
    if s.handover.is_some() {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "handover_active",
            "Hand-over in progress",
            "someone has taken over this session: end the hand-over first",
        ));
    }
    Ok(s)
}

/// `PUT /v1/me/badge`: links the signed-in person's own badge, once (scan it).
///
/// # Errors
/// 403 for tokens, 409 already linked / linked to someone else / in a hand-over, 422 not
/// a badge or not an active badge of the register, 503.
pub async fn badge_link(
    State(state): State<AppState>,
    caller: Caller,
    StrictJson(body): StrictJson<dto::BadgeLinkRequest>,
) -> Result<Json<dto::Me>, Problem> {
    let s = session_only(&caller)?;
    let gs = state.identifier.gs_substitute.as_deref();
    let Some(gsrn) = bedside_ward::medicines::read_badge(&body.badge_scan, gs) else {
        return Err(Problem::invalid(
            "badge_scan: this is not a staff badge (GS1 AI 8017); scan your staff badge",
        ));
    };
    let now = crate::clock::now_ms();
    users::link_badge(&state.db, &s.user, &gsrn, false, &caller.actor(), now)
        .await
        .map_err(link_problem)?;
    let mut caller = caller;
    caller.badge = Some(gsrn);
    Ok(Json(me_of(&state, &caller).await?))
}

fn link_problem(e: LinkError) -> Problem {
    match e {
        LinkError::NoUser => Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "No such user",
            "this person has never signed in here",
        ),
        LinkError::AlreadyLinked => Problem::new(
            StatusCode::CONFLICT,
            "badge_already_linked",
            "A badge is already linked",
            "a badge is already linked to you; ask an administrator to change it",
        ),
        LinkError::Taken => Problem::new(
            StatusCode::CONFLICT,
            "badge_linked_to_another",
            "Badge belongs to someone else",
            "this badge is linked to another person",
        ),
        LinkError::NotActive => Problem::invalid(
            "badge: this badge is not an active badge of the staff register; ask the ward manager",
        ),
        LinkError::Db(_) => unavailable(),
    }
}

/// `PUT /v1/me/pin`: sets the signed-in person's hand-over PIN (needs a linked badge).
///
/// # Errors
/// 403 for tokens, 409 in a hand-over or without a linked badge, 422 a PIN that breaks a
/// rule, 503.
pub async fn pin_set(
    State(state): State<AppState>,
    caller: Caller,
    StrictJson(body): StrictJson<dto::PinRequest>,
) -> Result<Json<dto::Me>, Problem> {
    let s = session_only(&caller)?;
    match users::set_pin(&state.db, &s.user, &body.pin, crate::clock::now_ms()).await {
        Ok(()) => Ok(Json(me_of(&state, &caller).await?)),
        Err(SetPinError::Rule(r)) => Err(Problem::invalid(format!("pin: {r}"))),
        Err(SetPinError::NoBadge) => Err(Problem::new(
            StatusCode::CONFLICT,
            "badge_not_linked",
            "Link your badge first",
            "a PIN goes with your staff badge: scan your badge to link it, then set a PIN",
        )),
        Err(SetPinError::Hash | SetPinError::Db(_)) => Err(unavailable()),
    }
}

/// The problem for a refused badge-and-PIN check.
#[must_use]
pub fn pin_problem(check: &PinCheck) -> Problem {
    match check {
        PinCheck::Wrong {
            attempts_left,
            locked_until: None,
        } => Problem::new(
            StatusCode::FORBIDDEN,
            "pin_incorrect",
            "Wrong PIN",
            format!("the PIN is not right; {attempts_left} tries left before the badge locks for 15 minutes"),
        )
        .with(|x| x.attempts_left = Some(*attempts_left)),
        PinCheck::Wrong {
            locked_until: Some(until),
            ..
        }
        | PinCheck::Locked(until) => {
            let wait = (until - crate::clock::now_ms()).max(1000) / 1000;
            let mut p = Problem::new(
                StatusCode::LOCKED,
                "badge_locked",
                "Badge locked",
                "too many wrong PINs: this badge is locked for 15 minutes",
            );
            p.retry_after = u64::try_from(wait).ok();
            p
        }
        PinCheck::NoPin => Problem::new(
            StatusCode::CONFLICT,
            "pin_not_set",
            "No PIN set",
            "this person has not set a PIN: they sign in once, link their badge and set one",
        ),
        PinCheck::UnknownBadge | PinCheck::Right(_) => Problem::new(
            StatusCode::CONFLICT,
            "badge_not_linked",
            "Badge not linked",
            "nobody has linked this badge: its owner signs in once and scans it",
        ),
    }
}

/// `POST /v1/me/handover`: another person takes over this session for one task with their
/// badge and PIN.
///
/// # Errors
/// 403 for tokens or a wrong PIN, 409 in a hand-over already, own badge, no PIN, badge not
/// linked, 422 not a badge, 423 locked, 503.
pub async fn handover_start(
    State(state): State<AppState>,
    caller: Caller,
    StrictJson(body): StrictJson<dto::HandoverRequest>,
) -> Result<Json<dto::Me>, Problem> {
    let s = session_only(&caller)?;
    if !users::pin_form(&body.pin) {
        // Not counted as a wrong PIN: it cannot be anyone's.
        return Err(Problem::invalid("pin must be 4 to 8 digits"));
    }
    let gs = state.identifier.gs_substitute.as_deref();
    let Some(gsrn) = bedside_ward::medicines::read_badge(&body.badge_scan, gs) else {
        return Err(Problem::invalid(
            "badge_scan: this is not a staff badge (GS1 AI 8017)",
        ));
    };
    let now = crate::clock::now_ms();
    match users::start_handover(&state.db, s, &gsrn, &body.pin, now)
        .await
        .map_err(|_| unavailable())?
    {
        HandoverStart::Started(u) => {
            let mut active = s.clone();
            active.handover = Some(sessions::Handover {
                role: u.role.ok_or_else(unavailable)?,
                user: u.user_id,
                display_name: u.display_name,
                badge: u.badge,
            });
            let caller = Caller::of_session(Box::new(active));
            Ok(Json(me_of(&state, &caller).await?))
        }
        HandoverStart::OwnBadge => Err(Problem::new(
            StatusCode::CONFLICT,
            "own_badge",
            "That is your own badge",
            "a hand-over is to another person: they scan their own badge",
        )),
        HandoverStart::Refused(check) => Err(pin_problem(&check)),
    }
}

/// `DELETE /v1/me/handover`: ends a hand-over (the session's own person acts again).
///
/// # Errors
/// 403 for tokens, 503.
pub async fn handover_end(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<dto::Me>, Problem> {
    let Some(s) = caller.session() else {
        return Err(session_only(&caller).err().unwrap_or_else(unavailable));
    };
    sessions::end_handover(&state.db, &s.id_hash, &s.user, "ended")
        .await
        .map_err(|_| unavailable())?;
    let mut active = s.clone();
    active.handover = None;
    let caller = Caller::of_session(Box::new(active));
    Ok(Json(me_of(&state, &caller).await?))
}

async fn user_badge(state: &AppState, user: &str) -> Result<dto::UserBadge, Problem> {
    let row = users::read(&state.db, user)
        .await
        .map_err(|_| unavailable())?
        .ok_or_else(|| link_problem(LinkError::NoUser))?;
    Ok(dto::UserBadge {
        user: row.user_id,
        display_name: row.display_name,
        badge: row.badge,
    })
}

/// `PUT /v1/users/{user}/badge` (admin): links or changes a person's badge.
///
/// # Errors
/// 403 other roles, 404 no such user, 409 the badge is someone else's, 422 not an active
/// badge (or a bad GSRN), 503.
pub async fn user_badge_put(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
    StrictJson(body): StrictJson<dto::BadgeSetRequest>,
) -> Result<Json<dto::UserBadge>, Problem> {
    caller.require(&[Role::Admin])?;
    let Path(user) = path.map_err(|e| Problem::bad_path(&e))?;
    let gsrn =
        crate::staff::gsrn(&body.badge).map_err(|e| Problem::invalid(format!("badge: {e}")))?;
    users::link_badge(
        &state.db,
        &user,
        gsrn.as_str(),
        true,
        &caller.actor(),
        crate::clock::now_ms(),
    )
    .await
    .map_err(link_problem)?;
    Ok(Json(user_badge(&state, &user).await?))
}

/// `DELETE /v1/users/{user}/badge` (admin): clears a person's badge link.
///
/// # Errors
/// 403 other roles, 404 no such user, 503.
pub async fn user_badge_delete(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<dto::UserBadge>, Problem> {
    caller.require(&[Role::Admin])?;
    let Path(user) = path.map_err(|e| Problem::bad_path(&e))?;
    users::unlink_badge(&state.db, &user, &caller.actor())
        .await
        .map_err(link_problem)?;
    Ok(Json(user_badge(&state, &user).await?))
}
