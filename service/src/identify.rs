//! Identification as the service runs it: the I/O around the judgement of
//! [`bedside_ward::identify`]. In order: read the band (pure), read the patient record
//! and the index rows of the band's GSRN and hospital number in one statement (on a
//! SQLite file through [`crate::sqlite_direct`]), ask the PIX manager when configured
//! (answers cached for a short TTL), then judge (pure). The types of the decision are
//! re-exported from the ward crate.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bedside_patient::{Date, DateOfBirth, Demographics, NhsNumber, Policy, Sex};
use bedside_pix::client::{AttemptError, PixClient, PixError};
use bedside_pix::domain::{Domain, PixQuery};
use bedside_pix::outcome::PixOutcome;
use sqlx::Row;

pub use bedside_ward::identify::{
    BandFacts, BandRules, ConfirmPatient, Decision, Gs1Fault, Identification, IdentifyFacts,
    IndexEntry, IndexSummary, IndexUnreadable, IndexVerdict, Lookup, PixEvidence, PixFact, Reason,
    ReasonCode, ScanKind, ScannedBand, Status, VerifiedMatch, judge, judge_index, judge_summary,
    parse_open_record, read_band,
};

use crate::clock::now_ms;
use crate::db::Db;

fn demographics_from_row(
    family: String,
    given: String,
    dob: &str,
    sex: Option<String>,
) -> Demographics {
    let mut d = Demographics::new(family, given);
    d.date_of_birth = Date::parse_iso8601(dob).ok().map(DateOfBirth::from_date);
    d.sex = sex.as_deref().and_then(|s| Sex::from_iso5218(s).ok());
    d
}

/// The PIX manager as the resolver uses it: client, hospital-number domain, answer cache.
pub struct PixResolver {
    client: Arc<dyn PixClient>,
    domain: Domain,
    ttl: Duration,
    budget: Duration,
    cache: Mutex<PixCache>,
}

/// Cached PIX answers and a generation that every invalidation bumps: an answer whose
/// query started before an invalidation is not stored after it.
#[derive(Debug, Default)]
struct PixCache {
    generation: u64,
    answers: HashMap<String, (Instant, PixOutcome)>,
}

impl std::fmt::Debug for PixResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PixResolver")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl PixResolver {
    /// A resolver over `client`. `budget` bounds one whole query (attempt + retry).
    #[must_use]
    pub fn new(
        client: Arc<dyn PixClient>,
        domain: Domain,
        ttl: Duration,
        budget: Duration,
    ) -> Self {
        PixResolver {
            client,
            domain,
            ttl,
            budget,
            cache: Mutex::new(PixCache::default()),
        }
    }

    /// Drops every cached answer (e.g. on an ITI-10 notification), including answers to
    /// queries still in flight: they are not stored when they arrive.
    pub fn invalidate(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.generation = c.generation.wrapping_add(1);
            c.answers.clear();
        }
    }

    async fn lookup(&self, mrn: &str) -> (Result<PixOutcome, PixError>, bool) {
        let generation = match self.cache.lock() {
            Ok(c) => {
                if let Some((at, v)) = c.answers.get(mrn)
                    && at.elapsed() < self.ttl
                {
                    return (Ok(v.clone()), true);
                }
                Some(c.generation)
            }
            Err(_) => None,
        };
        let q = PixQuery::nhs_number_for(mrn, self.domain.clone());
        let result = match tokio::time::timeout(self.budget, self.client.query(&q)).await {
            Ok(r) => r,
            Err(_) => Err(PixError::CannotConfirm {
                transport: bedside_pix::client::Transport::Mllp,
                first: AttemptError::ResponseTimeout,
                retry: None,
            }),
        };
        if let Ok(v @ PixOutcome::Found { .. }) = &result
            && !self.ttl.is_zero()
            && let Ok(mut c) = self.cache.lock()
            && Some(c.generation) == generation
        {
            if c.answers.len() > 10_000 {
                c.answers.clear();
            }
            c.answers
                .insert(mrn.to_owned(), (Instant::now(), v.clone()));
        }
        (result, false)
    }
}

/// Everything the resolver needs, shared by all requests.
#[derive(Debug)]
pub struct Identifier {
    /// Database.
    pub db: Db,
    /// Wristband policy (prefixes, test data).
    pub policy: Policy,
    /// Keyboard-wedge GS substitute.
    pub gs_substitute: Option<String>,
    /// Read the hospital number from (91).
    pub mrn_from_ai91: bool,
    /// PIX manager, when configured.
    pub pix: Option<PixResolver>,
}

impl Identifier {
    /// Decides who a scan identifies. `open_record` is the NHS number of the record open
    /// on the caller's screen, if any. Never errors: a database failure is a reason
    /// (`index_unavailable`), a PIX failure too.
    pub async fn identify(&self, scan: &str, open_record: Option<&NhsNumber>) -> Identification {
        let now = now_ms();
        let rules = BandRules {
            policy: &self.policy,
            gs_substitute: self.gs_substitute.as_deref(),
            mrn_from_ai91: self.mrn_from_ai91,
        };
        let band = match read_band(scan, &rules, now) {
            Ok(b) => b,
            Err(refused) => return *refused,
        };
        let looked = self
            .lookup(band.nhs_number(), band.gsrn(), band.mrn(), now)
            .await;
        let Ok(looked) = looked else {
            return judge(
                &band,
                open_record,
                Err(IndexUnreadable),
                &PixEvidence::NotConfigured,
            );
        };
        let pix = match (&self.pix, band.mrn()) {
            (None, _) => PixEvidence::NotConfigured,
            (Some(_), None) => PixEvidence::NoHospitalNumber,
            (Some(p), Some(mrn)) => {
                let (result, cached) = p.lookup(mrn).await;
                PixEvidence::Answer { result, cached }
            }
        };
        judge(&band, open_record, Ok(&looked), &pix)
    }

    /// In one round trip and one row: the patient's recorded demographics (and the
    /// survivor if the number was merged), and what the index holds for the band's GSRN and
    /// hospital number as of `now`. On a SQLite database file the statement runs on this
    /// thread over a direct connection ([`crate::sqlite_direct`]); otherwise through the
    /// pool. Both read the committed database at the moment of the statement: no cache.
    async fn lookup(
        &self,
        nhs: &NhsNumber,
        gsrn: &str,
        mrn: Option<&str>,
        now: i64,
    ) -> Result<Lookup, sqlx::Error> {
        if let Some(readers) = &self.db.direct {
            return readers.read(|c| lookup_direct(c, nhs, gsrn, mrn, now));
        }
        let r = sqlx::query(LOOKUP_SQL)
            .bind(nhs.as_str())
            .bind(gsrn)
            .bind(mrn)
            .bind(now)
            .fetch_one(&self.db.pool)
            .await?;
        let patient = match r.try_get::<Option<String>, _>(0)? {
            None => None,
            Some(_) => Some((
                demographics_from_row(
                    r.try_get(1)?,
                    r.try_get(2)?,
                    &r.try_get::<String, _>(3)?,
                    r.try_get(4)?,
                ),
                r.try_get(5)?,
            )),
        };
        let summary = |at: usize| -> Result<IndexSummary, sqlx::Error> {
            Ok(IndexSummary {
                rows: r.try_get(at)?,
                merged: r.try_get::<Option<i64>, _>(at + 1)?.unwrap_or(0),
                distinct_nhs: r.try_get(at + 2)?,
                nhs_number: r.try_get(at + 3)?,
                fresh: r.try_get::<Option<i64>, _>(at + 4)?.unwrap_or(0),
            })
        };
        Ok(Lookup {
            patient,
            gsrn_rows: summary(6)?,
            mrn_rows: summary(11)?,
        })
    }
}

/// [`Identifier::lookup`] on a direct SQLite connection: one statement (so one consistent
/// snapshot) returning the patient row tagged 0 and every index row of the GSRN (tag 1)
/// and hospital number (tag 2), summarised here exactly as [`LOOKUP_SQL`] summarises them
/// in SQL ([`IndexSummary::of`]). Plain indexed row reads: no temporary b-trees.
fn lookup_direct(
    c: &rusqlite::Connection,
    nhs: &NhsNumber,
    gsrn: &str,
    mrn: Option<&str>,
    now: i64,
) -> Result<Lookup, rusqlite::Error> {
    const ROWS_SQL: &str = "SELECT 0, nhs_number, family, given, birth_date, sex, merged_into \
         FROM patients WHERE nhs_number = ?1 \
         UNION ALL SELECT 1, nhs_number, status, NULL, NULL, NULL, expires_at \
         FROM identifiers WHERE domain = 'gsrn' AND value = ?2 \
         UNION ALL SELECT 2, nhs_number, status, NULL, NULL, NULL, expires_at \
         FROM identifiers WHERE domain = 'mrn' AND value = ?3";
    let mut st = c.prepare_cached(ROWS_SQL)?;
    let mut rows = st.query(rusqlite::params![nhs.as_str(), gsrn, mrn])?;
    let mut patient = None;
    let (mut g, mut m) = (Vec::new(), Vec::new());
    while let Some(r) = rows.next()? {
        match r.get::<_, i64>(0)? {
            0 => {
                patient = Some((
                    demographics_from_row(r.get(2)?, r.get(3)?, &r.get::<_, String>(4)?, r.get(5)?),
                    r.get(6)?,
                ));
            }
            tag => {
                let entry = IndexEntry {
                    nhs_number: r.get(1)?,
                    merged: r.get::<_, String>(2)? == "merged",
                    expires_at: r.get(6)?,
                };
                if tag == 1 {
                    g.push(entry)
                } else {
                    m.push(entry)
                }
            }
        }
    }
    Ok(Lookup {
        patient,
        gsrn_rows: IndexSummary::of(&g, now),
        mrn_rows: IndexSummary::of(&m, now),
    })
}

/// What the index holds for one identifier, as one row of [`LOOKUP_SQL`] (`$4` = now).
macro_rules! index_summary {
    ($domain:literal, $value:literal) => {
        concat!(
            "(SELECT COUNT(*) AS n, SUM(CASE WHEN status = 'merged' THEN 1 ELSE 0 END) AS merged, ",
            "COUNT(DISTINCT nhs_number) AS nhs_count, MIN(nhs_number) AS nhs, ",
            "SUM(CASE WHEN expires_at IS NULL OR expires_at > $4 THEN 1 ELSE 0 END) AS fresh ",
            "FROM identifiers WHERE domain = '",
            $domain,
            "' AND value = ",
            $value,
            ")"
        )
    };
}

/// [`Identifier::lookup`]'s statement: `$1` NHS number, `$2` GSRN, `$3` hospital number
/// (or NULL), `$4` now (Unix ms). Always exactly one row. Bind it only by number (sqlx
/// does): SQLite numbers `$N` parameters by first appearance (`$1`, `$4`, `$2`, `$3` here),
/// so binding it positionally would silently swap the values.
const LOOKUP_SQL: &str = concat!(
    "SELECT p.nhs_number, p.family, p.given, p.birth_date, p.sex, p.merged_into, ",
    "g.n, g.merged, g.nhs_count, g.nhs, g.fresh, m.n, m.merged, m.nhs_count, m.nhs, m.fresh ",
    "FROM (SELECT 1 AS one) AS k LEFT JOIN patients p ON p.nhs_number = $1 ",
    "CROSS JOIN ",
    index_summary!("gsrn", "$2"),
    " AS g CROSS JOIN ",
    index_summary!("mrn", "$3"),
    " AS m"
);
