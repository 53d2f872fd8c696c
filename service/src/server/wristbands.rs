//! `POST /v1/wristbands`: a patient's wristband as PDF, PNG or ZPL, or printed on a
//! configured printer and confirmed by it.
//!
//! The band is made from the patient's record in the database, never from names typed into
//! the request: what is printed is what identification will compare a scan against. A
//! superseded (merged) NHS number, an unknown one, or a hospital number that is not the
//! patient's is refused. Every band made or printed is audited with who asked.

use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bedside_patient::{Date, DateOfBirth, GsrnPrefix, NhsNumber, Sex};
use bedside_printer::job::{self, JobError, JobOptions};
use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
use bedside_printer::transport::{self, PrinterAddress};
use bedside_printer::{pdf, png, zpl};
use serde_json::json;

use super::AppState;
use super::auth::{Caller, Role};
use super::dto::{PrintConfirmation, Printers};
use super::extract::StrictJson;
use super::problem::Problem;

pub use super::dto::WristbandRequest;

fn conflict(code: &'static str, detail: impl Into<String>) -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        code,
        "Cannot make this wristband",
        detail,
    )
}

/// The patient's record as a band request.
async fn band_request(
    state: &AppState,
    nhs: &NhsNumber,
    chosen_mrn: Option<&str>,
) -> Result<BandRequest, Problem> {
    let db_down = |_| {
        Problem::unavailable(
            "database_unavailable",
            "the patient record could not be read",
        )
    };
    let record = crate::patients::read(&state.db, nhs.as_str())
        .await
        .map_err(db_down)?
        .ok_or_else(|| {
            Problem::new(
                StatusCode::NOT_FOUND,
                "unknown_patient",
                "Unknown patient",
                "no patient record with this NHS number: register or import the patient first",
            )
        })?;
    if record.merged_into.is_some() {
        return Err(conflict(
            "merged_nhs_number",
            "this NHS number has been superseded: print the band with the patient's current NHS number",
        ));
    }
    let crate::patients::PatientRecord {
        family,
        given,
        birth_date: birth,
        sex,
        active_mrns: mrns,
        ..
    } = record;
    let mrn = match (chosen_mrn, mrns.as_slice()) {
        (Some(c), _) if mrns.iter().any(|m| m == c) => Some(c.to_owned()),
        (Some(_), _) => {
            return Err(conflict(
                "hospital_number_not_linked",
                "that hospital number is not an active hospital number of this patient",
            ));
        }
        (None, []) => None,
        (None, [one]) => Some(one.clone()),
        (None, _) => {
            return Err(conflict(
                "choose_hospital_number",
                "the patient has several active hospital numbers: say which one to print (hospital_number)",
            )
            .with(|x| x.hospital_numbers = Some(mrns)));
        }
    };
    let prefix = state
        .cfg
        .gsrn_prefixes
        .first()
        .and_then(|p| GsrnPrefix::new(p).ok())
        .ok_or_else(|| Problem::invalid("no usable GSRN prefix is configured"))?;
    let mut r = BandRequest::new(*nhs, &family, &given);
    r.date_of_birth = Some(DateOfBirth {
        date: Date::parse_iso8601(&birth).map_err(|_| {
            conflict(
                "record_incomplete",
                "the patient record's date of birth is not a date: correct the record first",
            )
        })?,
        time: None,
    });
    r.sex = match sex.as_deref() {
        None | Some("") => None,
        Some(s) => Sex::from_iso5218(s).ok(),
    };
    r.hospital_number = mrn;
    r.gsrn_prefix = prefix;
    Ok(r)
}

/// `POST /v1/wristbands`
pub async fn wristbands(
    State(state): State<AppState>,
    caller: Caller,
    StrictJson(body): StrictJson<WristbandRequest>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Admissions, Role::Nurse, Role::Admin])?;
    let test_data = state.identifier.policy.test_data();
    let nhs = NhsNumber::parse(&body.nhs_number, test_data)
        .map_err(|e| Problem::invalid(format!("nhs_number: {e}")))?;
    let size: BandSize = body
        .size
        .parse()
        .map_err(|e| Problem::invalid(format!("size: {e}")))?;
    let res = Resolution::from_dpi(body.dpi).ok_or_else(|| Problem::invalid("dpi: 203 or 300"))?;
    if !(1..=99).contains(&body.copies) {
        return Err(Problem::invalid("copies: 1 to 99"));
    }
    let format = match (body.printer.is_some(), body.format.as_str()) {
        (true, _) => "zpl",
        (false, f @ ("pdf" | "png" | "zpl")) => f,
        (false, other) => {
            return Err(Problem::invalid(format!(
                "format {other:?}: pdf, png or zpl"
            )));
        }
    };
    let printer = match &body.printer {
        None => None,
        Some(name) => {
            let address = state.cfg.printers.get(name).ok_or_else(|| {
                Problem::invalid(format!(
                    "printer {name:?} is not configured (known: {})",
                    state
                        .cfg
                        .printers
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            let addr: PrinterAddress = address
                .parse()
                .map_err(|_| Problem::invalid("the configured printer address is invalid"))?;
            Some((name.clone(), addr))
        }
    };
    let mut req = band_request(&state, &nhs, body.hospital_number.as_deref()).await?;
    req.alert = body.alert;
    req.linear = body.gs1_128;
    let band = Band::new(&req).map_err(|e| conflict("band_refused", e.to_string()))?;
    let layout =
        Layout::new(&band, size, res).map_err(|e| conflict("does_not_fit", e.to_string()))?;
    let rendered = match format {
        "zpl" => zpl::render(
            &layout,
            &zpl::ZplOptions {
                copies: body.copies,
                job_id: None,
            },
        )
        .map_err(|e| Problem::invalid(e.to_string()))?,
        "pdf" => pdf::render(
            &layout,
            &pdf::PdfOptions {
                copies: body.copies,
                ..pdf::PdfOptions::default()
            },
        )
        .map_err(|e| Problem::invalid(e.to_string()))?,
        _ => png::render(
            &layout,
            &png::PngOptions {
                landscape: body.landscape,
            },
        )
        .map_err(|e| Problem::invalid(e.to_string()))?,
    };
    let audit_down = |_| {
        Problem::unavailable(
            "audit_unavailable",
            "the wristband could not be audited, so it is not made",
        )
    };
    let Some((name, addr)) = printer else {
        crate::audit::append(
            &state.db,
            &caller.actor(),
            "wristband.made",
            &json!({"nhs_number": nhs.as_str(), "format": format, "size": size.as_str(),
                    "dpi": res.dpi(), "alert": body.alert, "copies": body.copies}),
        )
        .await
        .map_err(audit_down)?;
        let (ctype, ext) = match format {
            "pdf" => ("application/pdf", "pdf"),
            "png" => ("image/png", "png"),
            _ => ("text/plain; charset=utf-8", "zpl"),
        };
        return Ok((
            [
                (header::CONTENT_TYPE, ctype.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"wristband.{ext}\""),
                ),
            ],
            Body::from(rendered),
        )
            .into_response());
    };
    // The job id ties the label to its audit row without patient data.
    let job_id = format!(
        "band-{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis())
    );
    let zpl = zpl::render(
        &layout,
        &zpl::ZplOptions {
            copies: body.copies,
            job_id: Some(job_id.clone()),
        },
    )
    .map_err(|e| Problem::invalid(e.to_string()))?;
    let outcome = tokio::task::spawn_blocking(move || {
        let t = Duration::from_secs(3);
        transport::open(&addr, t)
            .map_err(|source| JobError::Unreachable { source })
            .and_then(|mut link| {
                job::print(
                    link.as_mut(),
                    &zpl,
                    &JobOptions {
                        reply_timeout: t,
                        finish_timeout: Duration::from_secs(30),
                        ..JobOptions::default()
                    },
                )
            })
    })
    .await
    .map_err(|_| Problem::unavailable("print_failed", "the print task failed"))?;
    let (printed, error, may) = match &outcome {
        Ok(_) => (true, None, true),
        Err(e) => (false, Some(e.to_string()), e.may_have_printed()),
    };
    crate::audit::append(
        &state.db,
        &caller.actor(),
        if printed {
            "wristband.printed"
        } else {
            "wristband.print_failed"
        },
        &json!({"nhs_number": nhs.as_str(), "printer": name, "job": job_id, "size": size.as_str(),
                "dpi": res.dpi(), "alert": body.alert, "copies": body.copies,
                "error": error, "may_have_printed": may}),
    )
    .await
    .map_err(audit_down)?;
    tracing::info!(printer = %name, printed, "wristband print");
    match outcome {
        Ok(done) => Ok((
            StatusCode::OK,
            axum::Json(PrintConfirmation {
                printed: true,
                printer: name,
                job: job_id,
                bytes: u64::try_from(done.bytes).unwrap_or(u64::MAX),
                message: "Printed and confirmed by the printer. Check the band against the patient before putting it on.".into(),
            }),
        )
            .into_response()),
        Err(e) => {
            let (status, code) = if e.may_have_printed() {
                (StatusCode::BAD_GATEWAY, "print_unconfirmed")
            } else {
                (StatusCode::SERVICE_UNAVAILABLE, "printer_not_ready")
            };
            Err(
                Problem::new(status, code, "Wristband not printed", e.to_string())
                    .with(|x| {
                        x.printer = Some(name);
                        x.may_have_printed = Some(e.may_have_printed());
                    }),
            )
        }
    }
}

/// `GET /v1/printers`: the names of the configured wristband printers (never their
/// addresses), for the wristband page's choice.
pub async fn printers(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Printers>, Problem> {
    caller.require(&[Role::Admissions, Role::Nurse, Role::Admin])?;
    Ok(axum::Json(Printers {
        printers: state.cfg.printers.keys().cloned().collect(),
    }))
}
