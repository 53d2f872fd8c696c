//! The staff and locations registers over HTTP (role `admin` for every operation: the
//! registers name staff, and changing them changes who may give medicines where):
//!
//! - `PUT /v1/staff/{gsrn}` (create 201 or replace 200), `GET /v1/staff[?active=true|false]`,
//!   `GET /v1/staff/{gsrn}`, `DELETE /v1/staff/{gsrn}` (deactivates, never deletes: 200
//!   with the row, 404 when no row has the GSRN);
//! - the same for `/v1/locations/{gln}` and `/v1/locations/{gln}/{extension}` (the first
//!   form is the GLN without an extension), and `GET /v1/locations[?active=…]`.
//!
//! A GSRN or GLN in the path with a bad length, a non-digit or a wrong check digit is 400
//! `invalid_gsrn` / `invalid_gln` naming the rule; an extension outside AI 254's rules is
//! 400 `invalid_extension`. A body that breaks a field's rule is 422 `invalid_request`.
//! Every change is audited with the caller's token as the actor ([`crate::staff`],
//! [`crate::locations`]); a PUT that changes nothing and a DELETE of an inactive row write
//! nothing.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::auth::{Caller, Role};
use super::dto::{LocationBody, LocationList, LocationPut, StaffBody, StaffList, StaffPut};
use super::extract::StrictJson;
use super::problem::Problem;

fn unavailable() -> Problem {
    Problem::unavailable(
        "database_unavailable",
        "the register cannot be read or written",
    )
}

fn not_found(what: &str) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "Not in the register",
        format!("no {what} register row has this key"),
    )
}

fn gsrn_of(raw: &str) -> Result<String, Problem> {
    crate::staff::gsrn(raw)
        .map(|g| g.as_str().to_owned())
        .map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_gsrn",
                "Invalid GSRN",
                format!("gsrn in the path: {e}"),
            )
        })
}

fn key_of(raw: &str, extension: &str) -> Result<(String, String), Problem> {
    let gln = crate::locations::gln(raw).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_gln",
            "Invalid GLN",
            format!("gln in the path: {e}"),
        )
    })?;
    let extension = crate::locations::extension(extension).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_extension",
            "Invalid GLN extension",
            format!("extension in the path: {e}"),
        )
    })?;
    Ok((gln.as_str().to_owned(), extension))
}

/// `?active=true|false` (or nothing); anything else is 422.
fn active_filter(uri: &Uri) -> Result<Option<bool>, Problem> {
    let mut active = None;
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        match pair.split_once('=') {
            Some(("active", v)) if active.is_none() => {
                active = Some(crate::import::active_flag(v).ok_or_else(|| {
                    Problem::invalid("query parameter `active` must be true or false")
                })?);
            }
            Some(("active", _)) => {
                return Err(Problem::invalid(
                    "query parameter `active` given more than once",
                ));
            }
            _ => return Err(Problem::invalid("unknown query parameter: use active")),
        }
    }
    Ok(active)
}

fn saved<T: serde::Serialize>(created: bool, body: T) -> Response {
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (code, Json(body)).into_response()
}

/// `PUT /v1/staff/{gsrn}`
///
/// # Errors
/// 403 other roles, 400 bad GSRN, 422 bad body, 503 database.
pub async fn staff_put(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
    StrictJson(body): StrictJson<StaffPut>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Admin])?;
    let Path(raw) = path.map_err(|e| Problem::bad_path(&e))?;
    let gsrn = gsrn_of(&raw)?;
    let entry = crate::staff::entry(
        &gsrn,
        &body.display_name,
        &body.role,
        &body.professional_id,
        body.active,
    )
    .map_err(|e| Problem::invalid(e.to_string()))?;
    let (row, created) =
        crate::staff::put(&state.db, &entry, &caller.actor(), crate::clock::now_ms())
            .await
            .map_err(|_| unavailable())?;
    Ok(saved(created, StaffBody::from(&row)))
}

/// `GET /v1/staff`
///
/// # Errors
/// 403 other roles, 422 bad query, 503 database.
pub async fn staff_list(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<StaffList>, Problem> {
    caller.require(&[Role::Admin])?;
    let active = active_filter(&uri)?;
    let rows = crate::staff::list(&state.db, active)
        .await
        .map_err(|_| unavailable())?;
    Ok(Json(StaffList {
        staff: rows.iter().map(StaffBody::from).collect(),
    }))
}

/// `GET /v1/staff/{gsrn}`
///
/// # Errors
/// 403 other roles, 400 bad GSRN, 404 none, 503 database.
pub async fn staff_get(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<StaffBody>, Problem> {
    caller.require(&[Role::Admin])?;
    let Path(raw) = path.map_err(|e| Problem::bad_path(&e))?;
    let gsrn = gsrn_of(&raw)?;
    match crate::staff::get(&state.db, &gsrn)
        .await
        .map_err(|_| unavailable())?
    {
        Some(r) => Ok(Json(StaffBody::from(&r))),
        None => Err(not_found("staff")),
    }
}

/// `DELETE /v1/staff/{gsrn}`: deactivates.
///
/// # Errors
/// 403 other roles, 400 bad GSRN, 404 none, 503 database.
pub async fn staff_delete(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<StaffBody>, Problem> {
    caller.require(&[Role::Admin])?;
    let Path(raw) = path.map_err(|e| Problem::bad_path(&e))?;
    let gsrn = gsrn_of(&raw)?;
    match crate::staff::deactivate(&state.db, &gsrn, &caller.actor(), crate::clock::now_ms())
        .await
        .map_err(|_| unavailable())?
    {
        Some(r) => Ok(Json(StaffBody::from(&r))),
        None => Err(not_found("staff")),
    }
}

/// The `{gln}` or `{gln}/{extension}` of a locations path.
#[derive(Debug, serde::Deserialize)]
pub struct LocationPath {
    gln: String,
    #[serde(default)]
    extension: String,
}

async fn location_put(
    state: &AppState,
    caller: &Caller,
    p: &LocationPath,
    body: &LocationPut,
) -> Result<Response, Problem> {
    caller.require(&[Role::Admin])?;
    let (gln, extension) = key_of(&p.gln, &p.extension)?;
    let entry = crate::locations::entry(
        &gln,
        &extension,
        &body.site,
        &body.ward,
        &body.bed,
        body.active,
    )
    .map_err(|e| Problem::invalid(e.to_string()))?;
    let (row, created) =
        crate::locations::put(&state.db, &entry, &caller.actor(), crate::clock::now_ms())
            .await
            .map_err(|_| unavailable())?;
    Ok(saved(created, LocationBody::from(&row)))
}

async fn location_get(
    state: &AppState,
    caller: &Caller,
    p: &LocationPath,
) -> Result<Json<LocationBody>, Problem> {
    caller.require(&[Role::Admin])?;
    let (gln, extension) = key_of(&p.gln, &p.extension)?;
    match crate::locations::get(&state.db, &gln, &extension)
        .await
        .map_err(|_| unavailable())?
    {
        Some(r) => Ok(Json(LocationBody::from(&r))),
        None => Err(not_found("locations")),
    }
}

async fn location_delete(
    state: &AppState,
    caller: &Caller,
    p: &LocationPath,
) -> Result<Json<LocationBody>, Problem> {
    caller.require(&[Role::Admin])?;
    let (gln, extension) = key_of(&p.gln, &p.extension)?;
    match crate::locations::deactivate(
        &state.db,
        &gln,
        &extension,
        &caller.actor(),
        crate::clock::now_ms(),
    )
    .await
    .map_err(|_| unavailable())?
    {
        Some(r) => Ok(Json(LocationBody::from(&r))),
        None => Err(not_found("locations")),
    }
}

/// `PUT /v1/locations/{gln}` and `PUT /v1/locations/{gln}/{extension}`
///
/// # Errors
/// 403 other roles, 400 bad GLN or extension, 422 bad body, 503 database.
pub async fn locations_put(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<LocationPath>, PathRejection>,
    StrictJson(body): StrictJson<LocationPut>,
) -> Result<Response, Problem> {
    let Path(p) = path.map_err(|e| Problem::bad_path(&e))?;
    location_put(&state, &caller, &p, &body).await
}

/// `GET /v1/locations/{gln}` and `GET /v1/locations/{gln}/{extension}`
///
/// # Errors
/// 403 other roles, 400 bad GLN or extension, 404 none, 503 database.
pub async fn locations_get(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<LocationPath>, PathRejection>,
) -> Result<Json<LocationBody>, Problem> {
    let Path(p) = path.map_err(|e| Problem::bad_path(&e))?;
    location_get(&state, &caller, &p).await
}

/// `DELETE /v1/locations/{gln}` and `DELETE /v1/locations/{gln}/{extension}`: deactivates.
///
/// # Errors
/// 403 other roles, 400 bad GLN or extension, 404 none, 503 database.
pub async fn locations_delete(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<LocationPath>, PathRejection>,
) -> Result<Json<LocationBody>, Problem> {
    let Path(p) = path.map_err(|e| Problem::bad_path(&e))?;
    location_delete(&state, &caller, &p).await
}

/// `GET /v1/locations`
///
/// # Errors
/// 403 other roles, 422 bad query, 503 database.
pub async fn locations_list(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<LocationList>, Problem> {
    caller.require(&[Role::Admin])?;
    let active = active_filter(&uri)?;
    let rows = crate::locations::list(&state.db, active)
        .await
        .map_err(|_| unavailable())?;
    Ok(Json(LocationList {
        locations: rows.iter().map(LocationBody::from).collect(),
    }))
}
