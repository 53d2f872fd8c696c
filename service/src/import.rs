//! Bulk import of patients for go-live: a CSV file with the header
//! `nhs_number,family,given,date_of_birth,sex,mrn` (date `YYYY-MM-DD`, sex ISO 5218 or
//! empty, hospital number optional). All or nothing: every row is checked first (NHS
//! number modulus 11 under the wristband policy's test-data rule, date, sex, lengths); any
//! fault rejects the whole file and names the line, never the data. Imported hospital
//! numbers replace earlier links of the same number (source `import`). Audited.

use bedside_patient::{Date, NhsNumber, Sex, TestData};
use serde::Serialize;

use crate::clock::now_ms;
use crate::db::Db;

/// The header the file must start with.
pub const HEADER: &str = "nhs_number,family,given,date_of_birth,sex,mrn";

/// One checked row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// NHS number, 10 digits.
    pub nhs_number: String,
    /// Family name.
    pub family: String,
    /// Given name.
    pub given: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// ISO 5218 code, if given.
    pub sex: Option<String>,
    /// Hospital number, if given.
    pub mrn: Option<String>,
}

/// A fault in the file (line is 1-based; messages never quote the data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    /// Line number.
    pub line: usize,
    /// What is wrong.
    pub error: String,
}

/// Splits one CSV line (RFC 4180 quoting; no embedded newlines).
pub(crate) fn fields(line: &str) -> Result<Vec<String>, &'static str> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '"') if at_start => {
                quoted = true;
                at_start = false;
            }
            (true, '"') => {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    quoted = false;
                    if chars.peek().is_some_and(|n| *n != ',') {
                        return Err("text after a closing quote");
                    }
                }
            }
            (false, ',') => {
                out.push(std::mem::take(&mut cur));
                at_start = true;
            }
            (_, c) => {
                cur.push(c);
                at_start = false;
            }
        }
    }
    if quoted {
        return Err("unterminated quote");
    }
    out.push(cur);
    Ok(out)
}

/// Reads a register's CSV file (`bedside import staff|locations`): the first line must be
/// exactly `header` (a byte-order mark and surrounding white space aside), then every
/// non-blank line must split into the header's number of fields, and there must be at least
/// one (the import replaces the register). Returns `(line, fields)`
/// pairs (1-based lines); faults go to `errors`, naming the line and, for the header, the
/// first missing column.
pub(crate) fn register_rows(
    text: &str,
    header: &str,
    errors: &mut Vec<LineError>,
) -> Vec<(usize, Vec<String>)> {
    let columns: Vec<&str> = header.split(',').collect();
    let mut lines = text.lines().enumerate();
    let first = lines
        .next()
        .map(|(_, h)| h.trim_start_matches('\u{feff}').trim())
        .unwrap_or("");
    if first != header {
        let given: Vec<String> = fields(first)
            .unwrap_or_default()
            .iter()
            .map(|c| c.trim().to_owned())
            .collect();
        let why = match columns.iter().find(|c| !given.iter().any(|g| g == *c)) {
            Some(missing) => format!("missing column {missing}"),
            None => "columns out of order or extra columns".to_owned(),
        };
        errors.push(LineError {
            line: 1,
            error: format!("the first line must be the header {header} ({why})"),
        });
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        match fields(line.trim_end_matches('\r')) {
            Ok(f) if f.len() == columns.len() => out.push((i + 1, f)),
            Ok(f) => errors.push(LineError {
                line: i + 1,
                error: match columns.get(f.len()) {
                    Some(missing) if f.len() < columns.len() => {
                        format!(
                            "missing column {missing} (expected {} fields)",
                            columns.len()
                        )
                    }
                    _ => format!("expected {} fields, found {}", columns.len(), f.len()),
                },
            }),
            Err(e) => errors.push(LineError {
                line: i + 1,
                error: e.to_owned(),
            }),
        }
    }
    if out.is_empty() && errors.is_empty() {
        // An import replaces the register: an empty export (a failed HR or estates job)
        // would deactivate every badge or place at once.
        errors.push(LineError {
            line: 1,
            error: "the file lists no rows; an import replaces the whole register, so it would deactivate every row (deactivate single rows over the API instead)".to_owned(),
        });
    }
    out
}

/// `true` or `false` (a register's `active` column; nothing else, so that a typo never
/// reads as either).
pub(crate) fn active_flag(s: &str) -> Option<bool> {
    match s.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Text of at most `max` characters without control characters.
pub(crate) fn plain_text(s: &str, max: usize) -> bool {
    s.chars().count() <= max && !s.chars().any(char::is_control)
}

/// Parses and checks a whole file.
///
/// # Errors
/// Every faulty line (or the header).
pub fn parse(text: &str, test_data: TestData) -> Result<Vec<Row>, Vec<LineError>> {
    let mut lines = text.lines().enumerate();
    let mut errors = Vec::new();
    match lines.next() {
        Some((_, h)) if h.trim_start_matches('\u{feff}').trim() == HEADER => {}
        _ => {
            return Err(vec![LineError {
                line: 1,
                error: format!("the first line must be the header {HEADER}"),
            }]);
        }
    }
    let mut rows = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, line) in lines {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut err = |e: &str| {
            errors.push(LineError {
                line: n,
                error: e.to_owned(),
            })
        };
        let f = match fields(line.trim_end_matches('\r')) {
            Ok(f) if f.len() == 6 => f,
            Ok(_) => {
                err("expected 6 fields");
                continue;
            }
            Err(e) => {
                err(e);
                continue;
            }
        };
        let nhs = match NhsNumber::parse(&f[0], test_data) {
            Ok(x) => x,
            Err(_) => {
                err("nhs_number is not a valid NHS number");
                continue;
            }
        };
        let text_ok = |s: &str| {
            !s.trim().is_empty() && s.chars().count() <= 100 && !s.chars().any(char::is_control)
        };
        if !text_ok(&f[1]) || !text_ok(&f[2]) {
            err("family and given must be 1 to 100 characters without control characters");
            continue;
        }
        let Ok(dob) = Date::parse_iso8601(f[3].trim()) else {
            err("date_of_birth must be YYYY-MM-DD");
            continue;
        };
        let sex = match f[4].trim() {
            "" => None,
            s => match Sex::from_iso5218(s) {
                Ok(x) => Some(x.iso5218().to_string()),
                Err(_) => {
                    err("sex must be 0, 1, 2, 9 or empty");
                    continue;
                }
            },
        };
        let mrn = match f[5].trim() {
            "" => None,
            m if m.len() <= 64
                && m.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/') =>
            {
                Some(m.to_owned())
            }
            _ => {
                err("mrn must be up to 64 letters, digits, '-' or '/'");
                continue;
            }
        };
        if !seen.insert(nhs.as_str().to_owned()) {
            err("the same NHS number appears twice");
            continue;
        }
        rows.push(Row {
            nhs_number: nhs.as_str().to_owned(),
            family: f[1].trim().to_owned(),
            given: f[2].trim().to_owned(),
            date_of_birth: dob.to_iso8601(),
            sex,
            mrn,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Writes checked rows in one transaction, with one audit row.
///
/// # Errors
/// Database errors (nothing is written then).
pub async fn apply(db: &Db, rows: &[Row], actor: &str) -> Result<usize, sqlx::Error> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    for r in rows {
        sqlx::query("INSERT INTO patients (nhs_number, family, given, birth_date, sex, merged_into, updated_at) VALUES ($1, $2, $3, $4, $5, NULL, $6) ON CONFLICT (nhs_number) DO UPDATE SET family = excluded.family, given = excluded.given, birth_date = excluded.birth_date, sex = excluded.sex, updated_at = excluded.updated_at")
            .bind(&r.nhs_number).bind(&r.family).bind(&r.given).bind(&r.date_of_birth).bind(r.sex.clone()).bind(now)
            .execute(&mut *tx).await?;
        if let Some(m) = &r.mrn {
            sqlx::query("DELETE FROM identifiers WHERE domain = 'mrn' AND value = $1")
                .bind(m)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO identifiers (domain, value, nhs_number, status, merged_into, source, expires_at, updated_at) VALUES ('mrn', $1, $2, 'active', NULL, 'import', NULL, $3)")
                .bind(m).bind(&r.nhs_number).bind(now)
                .execute(&mut *tx).await?;
        }
    }
    crate::audit::append_in(
        &mut tx,
        actor,
        "index.import",
        &bedside_ward::audit::IndexFacts {
            patients: Some(rows.len() as u64),
            nhs_numbers: Some(rows.iter().map(|r| r.nhs_number.clone()).collect()),
            ..Default::default()
        },
    )
    .await?;
    crate::notify::announce_in(&mut tx, db.backend, crate::notify::Invalidation::Pix).await?;
    tx.commit().await?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_checked_all_or_nothing() {
        let ok = format!(
            "{HEADER}\n9990001235,\"O'Brien, Jr\",Zoë,1980-01-18,1,K1234567\n9990000018,Smith,\"Mary \"\"May\"\"\",2001-02-03,,\n"
        );
        let rows = parse(&ok, TestData::Allow).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].family, "O'Brien, Jr");
        assert_eq!(rows[1].given, "Mary \"May\"");
        assert_eq!(rows[1].mrn, None);
        let bad = format!(
            "{HEADER}\n9990001234,A,B,1980-01-18,1,K1\n9990000018,A,B,1980-13-01,1,K2\n9990000018,A,B,1980-01-01,7,K3\n9990000018,\"A,B,1980-01-01,1,K4\n"
        );
        let errs = parse(&bad, TestData::Allow).unwrap_err();
        assert_eq!(
            errs.iter().map(|e| e.line).collect::<Vec<_>>(),
            [2, 3, 4, 5]
        );
        assert!(errs.iter().all(|e| !e.error.contains("999")));
        assert!(parse("nhs,family\n", TestData::Allow).is_err());
        assert!(
            parse(&ok, TestData::Reject).is_err(),
            "test numbers refused in production"
        );
    }
}
