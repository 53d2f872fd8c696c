//! Medicine recalls the pharmacy manages: entered one by one (`POST /v1/recalls`), loaded
//! as a backlog (`bedside import recalls FILE.csv`), listed, withdrawn; and the recalls
//! covering a scanned pack, for the medicines check. The only place recall SQL lives.
//!
//! A recall names products — a GTIN, an AMPP (APPID) or an AMP (APID) — and batches. An
//! AMPP or AMP is resolved to GTINs in the *current* dm+d release (and the trust's local
//! pack list) when a pack is checked, so a new release's GTINs are covered without
//! re-entering the recall. No batches means every batch of the products. Batches are
//! compared trimmed and ASCII upper-cased ([`batch_key`]): MHRA notices print batches as
//! the pack does, but a pharmacist typing one in another case must not leave the pack
//! unstopped, and two batches of one product differing only in case do not occur in
//! practice (a wider match can only stop a pack, never let one through).
//!
//! At most one *active* recall has a reference (compared without white space and
//! upper-cased: `EL (26)A/01` is `EL(26)A/01`): a second `POST` of it is refused with the
//! existing id, so a double-click never makes two notices. To correct a notice, withdraw
//! it and enter it again. A withdrawn recall is kept with who withdrew it, when and why,
//! and never applies again. Every write is audited with its actor in the same
//! transaction.

use serde::Serialize;
use sqlx::Row;

pub use bedside_ward::medicines::{
    RecallAction, RecallCandidate, RecallClass, batch_key, select_recall,
};

use crate::db::Db;

/// Longest reference (characters).
pub const MAX_REFERENCE: usize = 40;
/// Longest notice text (characters).
pub const MAX_NOTICE: usize = 2000;
/// Longest URL (characters).
pub const MAX_URL: usize = 500;
/// Most products one recall names.
pub const MAX_PRODUCTS: usize = 100;
/// Most batches one recall names.
pub const MAX_BATCHES: usize = 500;
/// Longest batch: a GS1 AI (10) holds at most 20 characters.
pub const MAX_BATCH: usize = 20;

/// What a recall's product entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductKind {
    /// A pack's GTIN (held as GTIN-14).
    Gtin,
    /// An actual medicinal product pack (APPID): every GTIN of it.
    Ampp,
    /// An actual medicinal product (APID): every GTIN of every pack of it.
    Amp,
}

impl ProductKind {
    /// `gtin`, `ampp` or `amp`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::Gtin => "gtin",
            ProductKind::Ampp => "ampp",
            ProductKind::Amp => "amp",
        }
    }

    /// The kind a name stands for.
    #[must_use]
    pub fn parse(s: &str) -> Option<ProductKind> {
        match s {
            "gtin" => Some(ProductKind::Gtin),
            "ampp" => Some(ProductKind::Ampp),
            "amp" => Some(ProductKind::Amp),
            _ => None,
        }
    }
}

/// One product a recall names, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductRef {
    /// What `code` is.
    pub kind: ProductKind,
    /// GTIN-14, APPID or APID.
    pub code: String,
}

/// One product entry as sent: exactly one of the three must be given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftProduct {
    /// A GTIN-8, -12, -13 or -14.
    pub gtin: Option<String>,
    /// An APPID.
    pub ampp: Option<String>,
    /// An APID.
    pub amp: Option<String>,
}

/// A recall as sent (HTTP body or CSV rows), before [`check`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// The notice reference, e.g. `EL(26)A/01`.
    pub reference: String,
    /// `1`, `2`, `3`, `4` or `caution`.
    pub class: String,
    /// `block` or `warn`.
    pub action: String,
    /// The products.
    pub products: Vec<DraftProduct>,
    /// The batches (none: every batch).
    pub batches: Vec<String>,
    /// What the notice says to do.
    pub notice: String,
    /// The notice on the web.
    pub url: Option<String>,
}

/// A recall ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecall {
    /// Reference as given (trimmed).
    pub reference: String,
    /// Class.
    pub class: RecallClass,
    /// Block or warn.
    pub action: RecallAction,
    /// Products, each once.
    pub products: Vec<ProductRef>,
    /// Batches as given (trimmed), each [`batch_key`] once.
    pub batches: Vec<String>,
    /// Notice text (trimmed).
    pub notice: String,
    /// URL.
    pub url: Option<String>,
}

/// A fault in one field of a recall: `field` is its JSON path (`products[1].ampp`,
/// `batches[0]`), `rule` what it breaks. Never quotes the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's path.
    pub field: String,
    /// The rule broken.
    pub rule: String,
}

impl FieldError {
    fn new(field: impl Into<String>, rule: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.rule)
    }
}

/// The key references are compared by: no white space, upper-cased.
#[must_use]
pub fn reference_key(reference: &str) -> String {
    reference
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

fn text_ok(s: &str, max: usize, newlines: bool) -> bool {
    s.chars().count() <= max
        && !s
            .chars()
            .any(|c| c.is_control() && !(newlines && c == '\n'))
}

fn dmd_id_ok(s: &str) -> bool {
    (6..=18).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a draft's form (not yet whether its products exist: [`create`] does that).
///
/// # Errors
/// Every faulty field, in field order.
pub fn check(d: &Draft) -> Result<NewRecall, Vec<FieldError>> {
    let mut errors = Vec::new();
    let reference = d.reference.trim();
    if reference.is_empty() || !text_ok(reference, MAX_REFERENCE, false) {
        errors.push(FieldError::new(
            "reference",
            format!("must be 1 to {MAX_REFERENCE} characters without control characters"),
        ));
    }
    let class = RecallClass::parse(d.class.trim());
    if class.is_none() {
        errors.push(FieldError::new(
            "class",
            "must be 1, 2, 3, 4 or caution (the MHRA class)",
        ));
    }
    let action = RecallAction::parse(d.action.trim());
    if action.is_none() {
        errors.push(FieldError::new("action", "must be block or warn"));
    }
    if d.products.is_empty() || d.products.len() > MAX_PRODUCTS {
        errors.push(FieldError::new(
            "products",
            format!("must name 1 to {MAX_PRODUCTS} products"),
        ));
    }
    let mut products: Vec<ProductRef> = Vec::new();
    for (i, p) in d.products.iter().enumerate() {
        let given: Vec<(ProductKind, &String)> = [
            (ProductKind::Gtin, &p.gtin),
            (ProductKind::Ampp, &p.ampp),
            (ProductKind::Amp, &p.amp),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .collect();
        let [(kind, code)] = given.as_slice() else {
            errors.push(FieldError::new(
                format!("products[{i}]"),
                "must give exactly one of gtin, ampp or amp",
            ));
            continue;
        };
        let field = format!("products[{i}].{}", kind.as_str());
        let code = code.trim();
        let code = match kind {
            ProductKind::Gtin => match bedside_gs1::keys::Gtin::parse(code) {
                Ok(g) => g.as_str().to_owned(),
                Err(_) => {
                    errors.push(FieldError::new(
                        field,
                        "must be a GTIN-8, -12, -13 or -14 with a correct check digit",
                    ));
                    continue;
                }
            },
            ProductKind::Ampp | ProductKind::Amp if dmd_id_ok(code) => code.to_owned(),
            _ => {
                errors.push(FieldError::new(
                    field,
                    "must be a dm+d id of 6 to 18 digits",
                ));
                continue;
            }
        };
        let r = ProductRef { kind: *kind, code };
        if let Some(j) = products.iter().position(|x| *x == r) {
            errors.push(FieldError::new(field, format!("repeats products[{j}]")));
            continue;
        }
        products.push(r);
    }
    if d.batches.len() > MAX_BATCHES {
        errors.push(FieldError::new(
            "batches",
            format!("must name at most {MAX_BATCHES} batches"),
        ));
    }
    let mut batches: Vec<String> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for (i, b) in d.batches.iter().enumerate() {
        let b = b.trim();
        if b.is_empty()
            || b.chars().count() > MAX_BATCH
            || bedside_gs1::Linter::Cset82.check(b.as_bytes()).is_err()
        {
            errors.push(FieldError::new(
                format!("batches[{i}]"),
                format!(
                    "must be 1 to {MAX_BATCH} characters a GS1 batch (AI 10) can hold: letters, digits and !\"%&'()*+,-./:;<=>?_ (no spaces)"
                ),
            ));
            continue;
        }
        let key = batch_key(b);
        if let Some(j) = keys.iter().position(|k| *k == key) {
            errors.push(FieldError::new(
                format!("batches[{i}]"),
                format!("repeats batches[{j}] (batches are compared ignoring case)"),
            ));
            continue;
        }
        keys.push(key);
        batches.push(b.to_owned());
    }
    let notice = d.notice.trim();
    if notice.is_empty() || !text_ok(notice, MAX_NOTICE, true) {
        errors.push(FieldError::new(
            "notice",
            format!("must be 1 to {MAX_NOTICE} characters without control characters"),
        ));
    }
    let url = d.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    if let Some(u) = url
        && (!(u.starts_with("https://") || u.starts_with("http://"))
            || u.chars().count() > MAX_URL
            || u.chars().any(|c| c.is_whitespace() || c.is_control()))
    {
        errors.push(FieldError::new(
            "url",
            format!("must be an http:// or https:// address of at most {MAX_URL} characters"),
        ));
    }
    match (class, action) {
        (Some(class), Some(action)) if errors.is_empty() => Ok(NewRecall {
            reference: reference.to_owned(),
            class,
            action,
            products,
            batches,
            notice: notice.to_owned(),
            url: url.map(str::to_owned),
        }),
        _ => Err(errors),
    }
}

/// A stored recall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecallRecord {
    /// Id.
    pub id: i64,
    /// Reference.
    pub reference: String,
    /// Class (`None`: carried over from the list before classes were recorded).
    pub class: Option<RecallClass>,
    /// Block or warn.
    pub action: RecallAction,
    /// Products as named.
    pub products: Vec<ProductRef>,
    /// Batches as named (empty: every batch).
    pub batches: Vec<String>,
    /// Notice text.
    pub notice: String,
    /// URL.
    pub url: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Actor.
    pub created_by: String,
    /// When, who and why, once withdrawn.
    pub withdrawn: Option<Withdrawal>,
    /// The GTINs the products cover now (current dm+d release and local packs), sorted.
    pub gtins: Vec<String>,
}

/// A recall's withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    /// Unix ms.
    pub at: i64,
    /// Actor.
    pub by: String,
    /// Why.
    pub reason: String,
}

/// Why a recall was not stored.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// Products not in the current dm+d release nor the local pack list.
    #[error("{} product(s) not in the current dm+d release or local pack list", .0.len())]
    Unknown(Vec<FieldError>),
    /// An active recall already has this reference.
    #[error("an active recall (id {id}) already has this reference")]
    Exists {
        /// Its id.
        id: i64,
    },
    /// Database failure.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Why a withdrawal was refused.
#[derive(Debug, thiserror::Error)]
pub enum WithdrawError {
    /// No recall has this id.
    #[error("no recall has this id")]
    NotFound,
    /// It was withdrawn already.
    #[error("this recall was already withdrawn")]
    AlreadyWithdrawn,
    /// Database failure.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The audit facts of `recall.created`.
#[derive(Debug, Serialize)]
struct CreatedFacts<'a> {
    recall_id: i64,
    reference: &'a str,
    class: &'static str,
    action: &'static str,
    products: &'a [ProductRef],
    batches: &'a [String],
    source: &'static str,
}

/// The audit facts of `recall.withdrawn`.
#[derive(Debug, Serialize)]
struct WithdrawnFacts<'a> {
    recall_id: i64,
    reference: &'a str,
    reason: &'a str,
}

const CURRENT: &str = "(SELECT version FROM catalogue_current WHERE id = 1)";

/// Whether `p` names something in the current release (or the local pack list).
async fn product_known(
    conn: &mut sqlx::AnyConnection,
    p: &ProductRef,
) -> Result<bool, sqlx::Error> {
    let sql = match p.kind {
        ProductKind::Gtin => format!(
            "SELECT (SELECT COUNT(*) FROM dmd_gtin WHERE version = {CURRENT} AND gtin = $1) + (SELECT COUNT(*) FROM local_products WHERE gtin = $1)"
        ),
        ProductKind::Ampp => format!(
            "SELECT (SELECT COUNT(*) FROM dmd_ampp WHERE version = {CURRENT} AND appid = $1) + (SELECT COUNT(*) FROM local_products WHERE level = 'ampp' AND dmd_id = $1)"
        ),
        ProductKind::Amp => format!(
            "SELECT (SELECT COUNT(*) FROM dmd_amp WHERE version = {CURRENT} AND apid = $1) + (SELECT COUNT(*) FROM local_products WHERE level = 'amp' AND dmd_id = $1)"
        ),
    };
    let n: i64 = sqlx::query(&sql)
        .bind(&p.code)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(n > 0)
}

fn unknown_rule(kind: ProductKind) -> &'static str {
    match kind {
        ProductKind::Gtin => "is not a GTIN of the current dm+d release or of the local pack list",
        ProductKind::Ampp => "is not an AMPP of the current dm+d release",
        ProductKind::Amp => "is not an AMP of the current dm+d release",
    }
}

/// Stores `r` within `conn`'s transaction: checks every product exists and no active
/// recall has the reference, inserts, and appends `recall.created`. Returns the id.
async fn insert_in(
    conn: &mut sqlx::AnyConnection,
    backend: crate::db::Backend,
    r: &NewRecall,
    actor: &str,
    source: &'static str,
    now: i64,
) -> Result<i64, CreateError> {
    let key = reference_key(&r.reference);
    // Writers of one reference take turns (SQLite: the write lock, taken before the read
    // below; PostgreSQL: an advisory lock on the key), so two concurrent POSTs of it store
    // one recall and answer the other `Exists`.
    crate::db::lock_for_write(conn, backend, lock_key(&key)).await?;
    if let Some(row) =
        sqlx::query("SELECT id FROM recalls WHERE reference_key = $1 AND withdrawn_at IS NULL")
            .bind(&key)
            .fetch_optional(&mut *conn)
            .await?
    {
        return Err(CreateError::Exists {
            id: row.try_get(0)?,
        });
    }
    let mut unknown = Vec::new();
    for (i, p) in r.products.iter().enumerate() {
        if !product_known(conn, p).await? {
            unknown.push(FieldError::new(
                format!("products[{i}].{}", p.kind.as_str()),
                unknown_rule(p.kind),
            ));
        }
    }
    if !unknown.is_empty() {
        return Err(CreateError::Unknown(unknown));
    }
    let inserted = sqlx::query("INSERT INTO recalls (reference, reference_key, class, action, notice, url, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(&r.reference)
        .bind(&key)
        .bind(r.class.as_str())
        .bind(r.action.as_str())
        .bind(&r.notice)
        .bind(r.url.clone())
        .bind(now)
        .bind(actor)
        .fetch_one(&mut *conn)
        .await;
    // A unique violation here is another writer's recall of this reference, committed
    // after the read above: [`create`] answers it as `Exists`.
    let id: i64 = inserted?.try_get(0)?;
    for p in &r.products {
        sqlx::query("INSERT INTO recall_products (recall_id, kind, code) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(p.kind.as_str())
            .bind(&p.code)
            .execute(&mut *conn)
            .await?;
    }
    for b in &r.batches {
        sqlx::query("INSERT INTO recall_batches (recall_id, batch, batch_key) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(b)
            .bind(batch_key(b))
            .execute(&mut *conn)
            .await?;
    }
    crate::audit::append_in(
        conn,
        actor,
        "recall.created",
        &CreatedFacts {
            recall_id: id,
            reference: &r.reference,
            class: r.class.as_str(),
            action: r.action.as_str(),
            products: &r.products,
            batches: &r.batches,
            source,
        },
    )
    .await?;
    Ok(id)
}

/// A PostgreSQL advisory lock key for a reference key: the first 8 bytes of the SHA-256
/// of `recall:{key}`.
fn lock_key(key: &str) -> i64 {
    crate::db::lock_key(&format!("recall:{key}"))
}

/// The id of the active recall with `reference`'s key, if any.
async fn active_id(db: &Db, reference: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT id FROM recalls WHERE reference_key = $1 AND withdrawn_at IS NULL")
        .bind(reference_key(reference))
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get(0))
        .transpose()
}

/// Stores one recall with its audit row (`recall.created`), all or nothing.
///
/// # Errors
/// [`CreateError`]; nothing is written then.
pub async fn create(db: &Db, r: &NewRecall, actor: &str, now: i64) -> Result<i64, CreateError> {
    let mut tx = db.pool.begin().await?;
    match insert_in(&mut tx, db.backend, r, actor, "api", now).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(id)
        }
        Err(CreateError::Db(e)) if crate::db::is_unique_violation(&e) => {
            let _ = tx.rollback().await;
            match active_id(db, &r.reference).await? {
                Some(id) => Err(CreateError::Exists { id }),
                None => Err(CreateError::Db(e)),
            }
        }
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

/// Withdraws recall `id`: kept, no longer applied, audited (`recall.withdrawn`).
///
/// # Errors
/// [`WithdrawError`]; nothing is written then.
pub async fn withdraw(
    db: &Db,
    id: i64,
    reason: &str,
    actor: &str,
    now: i64,
) -> Result<(), WithdrawError> {
    let mut tx = db.pool.begin().await?;
    // The update first: on SQLite it takes the write lock, on PostgreSQL the row lock, so
    // two withdrawals of one recall cannot both succeed.
    let n = sqlx::query("UPDATE recalls SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_reason = $3 WHERE id = $4 AND withdrawn_at IS NULL")
        .bind(now)
        .bind(actor)
        .bind(reason)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let reference: Option<String> = sqlx::query("SELECT reference FROM recalls WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    let Some(reference) = reference else {
        let _ = tx.rollback().await;
        return Err(WithdrawError::NotFound);
    };
    if n == 0 {
        let _ = tx.rollback().await;
        return Err(WithdrawError::AlreadyWithdrawn);
    }
    crate::audit::append_in(
        &mut tx,
        actor,
        "recall.withdrawn",
        &WithdrawnFacts {
            recall_id: id,
            reference: &reference,
            reason,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

const RECALL_COLS: &str = "id, reference, class, action, notice, url, created_at, created_by, withdrawn_at, withdrawn_by, withdrawn_reason";

fn decode<T>(column: &str, value: &str, parsed: Option<T>) -> Result<T, sqlx::Error> {
    parsed.ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.into(),
        source: format!("not a recall {column}: {value:?}").into(),
    })
}

/// The GTINs recall `$1`'s products cover in the current release and the local list.
fn covered_sql() -> String {
    format!(
        "SELECT p.code FROM recall_products p WHERE p.recall_id = $1 AND p.kind = 'gtin' \
         UNION SELECT g.gtin FROM recall_products p JOIN dmd_gtin g ON g.appid = p.code WHERE p.recall_id = $1 AND p.kind = 'ampp' AND g.version = {CURRENT} \
         UNION SELECT g.gtin FROM recall_products p JOIN dmd_ampp a ON a.apid = p.code JOIN dmd_gtin g ON g.version = a.version AND g.appid = a.appid WHERE p.recall_id = $1 AND p.kind = 'amp' AND a.version = {CURRENT} \
         UNION SELECT l.gtin FROM recall_products p JOIN local_products l ON l.dmd_id = p.code AND l.level = p.kind WHERE p.recall_id = $1 AND p.kind IN ('ampp', 'amp') \
         UNION SELECT l.gtin FROM recall_products p JOIN dmd_ampp a ON a.apid = p.code JOIN local_products l ON l.level = 'ampp' AND l.dmd_id = a.appid WHERE p.recall_id = $1 AND p.kind = 'amp' AND a.version = {CURRENT} \
         ORDER BY 1"
    )
}

async fn complete(db: &Db, r: &sqlx::any::AnyRow) -> Result<RecallRecord, sqlx::Error> {
    let id: i64 = r.try_get(0)?;
    let class: Option<String> = r.try_get(2)?;
    let action: String = r.try_get(3)?;
    let withdrawn_at: Option<i64> = r.try_get(8)?;
    let products = sqlx::query(
        "SELECT kind, code FROM recall_products WHERE recall_id = $1 ORDER BY kind, code",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|p| {
        let kind: String = p.try_get(0)?;
        Ok(ProductRef {
            kind: decode("kind", &kind, ProductKind::parse(&kind))?,
            code: p.try_get(1)?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let batches =
        sqlx::query("SELECT batch FROM recall_batches WHERE recall_id = $1 ORDER BY batch_key")
            .bind(id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|b| b.try_get(0))
            .collect::<Result<Vec<String>, sqlx::Error>>()?;
    let gtins = sqlx::query(&covered_sql())
        .bind(id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|g| g.try_get(0))
        .collect::<Result<Vec<String>, sqlx::Error>>()?;
    Ok(RecallRecord {
        id,
        reference: r.try_get(1)?,
        class: match class {
            None => None,
            Some(c) => Some(decode("class", &c, RecallClass::parse(&c))?),
        },
        action: decode("action", &action, RecallAction::parse(&action))?,
        products,
        batches,
        notice: r.try_get(4)?,
        url: r.try_get(5)?,
        created_at: r.try_get(6)?,
        created_by: r.try_get(7)?,
        withdrawn: match withdrawn_at {
            None => None,
            Some(at) => Some(Withdrawal {
                at,
                by: r.try_get(9)?,
                reason: r.try_get(10)?,
            }),
        },
        gtins,
    })
}

/// One recall.
///
/// # Errors
/// Database errors.
pub async fn get(db: &Db, id: i64) -> Result<Option<RecallRecord>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {RECALL_COLS} FROM recalls WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(r) => Ok(Some(complete(db, &r).await?)),
        None => Ok(None),
    }
}

/// Every recall, newest first; `active` keeps only active (`Some(true)`) or withdrawn
/// (`Some(false)`) ones.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, active: Option<bool>) -> Result<Vec<RecallRecord>, sqlx::Error> {
    let filter = match active {
        None => "",
        Some(true) => " WHERE withdrawn_at IS NULL",
        Some(false) => " WHERE withdrawn_at IS NOT NULL",
    };
    let rows = sqlx::query(&format!(
        "SELECT {RECALL_COLS} FROM recalls{filter} ORDER BY id DESC"
    ))
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(complete(db, r).await?);
    }
    Ok(out)
}

/// The active recalls whose products cover `gtin` (GTIN-14) now, with their batch keys:
/// the medicines check's input to [`select_recall`].
///
/// # Errors
/// Database errors.
pub async fn covering(db: &Db, gtin: &str) -> Result<Vec<RecallCandidate>, sqlx::Error> {
    let sql = format!(
        "SELECT r.id, r.reference, r.class, r.action FROM recalls r WHERE r.withdrawn_at IS NULL AND r.id IN (\
         SELECT p.recall_id FROM recall_products p WHERE p.kind = 'gtin' AND p.code = $1 \
         UNION SELECT p.recall_id FROM recall_products p JOIN dmd_gtin g ON g.appid = p.code WHERE p.kind = 'ampp' AND g.gtin = $1 AND g.version = {CURRENT} \
         UNION SELECT p.recall_id FROM recall_products p JOIN dmd_ampp a ON a.apid = p.code JOIN dmd_gtin g ON g.version = a.version AND g.appid = a.appid WHERE p.kind = 'amp' AND g.gtin = $1 AND a.version = {CURRENT} \
         UNION SELECT p.recall_id FROM recall_products p JOIN local_products l ON l.dmd_id = p.code AND l.level = p.kind WHERE l.gtin = $1 \
         UNION SELECT p.recall_id FROM recall_products p JOIN dmd_ampp a ON a.apid = p.code JOIN local_products l ON l.level = 'ampp' AND l.dmd_id = a.appid WHERE p.kind = 'amp' AND l.gtin = $1 AND a.version = {CURRENT}\
         ) ORDER BY r.id"
    );
    let rows = sqlx::query(&sql).bind(gtin).fetch_all(&db.pool).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let class: Option<String> = r.try_get(2)?;
        let action: String = r.try_get(3)?;
        let batches = sqlx::query("SELECT batch_key FROM recall_batches WHERE recall_id = $1")
            .bind(id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|b| b.try_get(0))
            .collect::<Result<Vec<String>, sqlx::Error>>()?;
        out.push(RecallCandidate {
            id,
            reference: r.try_get(1)?,
            class: match class {
                None => None,
                Some(c) => Some(decode("class", &c, RecallClass::parse(&c))?),
            },
            action: decode("action", &action, RecallAction::parse(&action))?,
            batches,
        });
    }
    Ok(out)
}

/// The header of `bedside import recalls`.
pub const CSV_HEADER: &str = "reference,class,action,product_kind,product_code,batches,notice,url";

/// One recall read from the CSV, with the line of each of its products.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRecall {
    /// The recall.
    pub recall: NewRecall,
    /// The CSV line of the recall's first row, then of each product in order.
    pub lines: Vec<usize>,
}

/// Parses `bedside import recalls` CSV ([`CSV_HEADER`]): one row per product, rows of one
/// reference merged (they must agree on class, action, batches, notice and url), batches
/// `|`-separated (empty: every batch).
///
/// # Errors
/// Every faulty line (or the header), naming the line and the rule.
pub fn parse_csv(text: &str) -> Result<Vec<ImportedRecall>, Vec<crate::import::LineError>> {
    let mut errors = Vec::new();
    let err = |errors: &mut Vec<crate::import::LineError>, line: usize, e: String| {
        errors.push(crate::import::LineError { line, error: e });
    };
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h.trim_start_matches('\u{feff}').trim() == CSV_HEADER => {}
        _ => {
            return Err(vec![crate::import::LineError {
                line: 1,
                error: format!("the first line must be the header {CSV_HEADER}"),
            }]);
        }
    }
    // (draft, first line, product lines, the fields the rows must agree on)
    let mut groups: Vec<(Draft, usize, Vec<usize>, [String; 5])> = Vec::new();
    for (i, raw) in lines {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let f = match crate::import::fields(raw.trim_end_matches('\r')) {
            Ok(f) if f.len() == 8 => f,
            Ok(_) => {
                err(&mut errors, line, "expected 8 fields".to_owned());
                continue;
            }
            Err(e) => {
                err(&mut errors, line, e.to_owned());
                continue;
            }
        };
        let mut product = DraftProduct::default();
        let code = Some(f[4].clone());
        match f[3].trim() {
            "gtin" => product.gtin = code,
            "ampp" => product.ampp = code,
            "amp" => product.amp = code,
            _ => {
                err(
                    &mut errors,
                    line,
                    "product_kind must be gtin, ampp or amp".to_owned(),
                );
                continue;
            }
        }
        let batches: Vec<String> = if f[5].trim().is_empty() {
            Vec::new()
        } else {
            f[5].split('|').map(str::to_owned).collect()
        };
        let shared = [
            f[1].trim().to_owned(),
            f[2].trim().to_owned(),
            batches
                .iter()
                .map(|b| batch_key(b))
                .collect::<Vec<_>>()
                .join("|"),
            f[6].trim().to_owned(),
            f[7].trim().to_owned(),
        ];
        let key = reference_key(&f[0]);
        if let Some(g) = groups
            .iter_mut()
            .find(|g| !key.is_empty() && reference_key(&g.0.reference) == key)
        {
            const NAMES: [&str; 5] = ["class", "action", "batches", "notice", "url"];
            if let Some(k) = (0..5).find(|&k| g.3[k] != shared[k]) {
                err(
                    &mut errors,
                    line,
                    format!(
                        "{} differs from line {} of the same reference (a recall's rows must agree on all but the product)",
                        NAMES[k], g.1
                    ),
                );
                continue;
            }
            g.0.products.push(product);
            g.2.push(line);
            continue;
        }
        groups.push((
            Draft {
                reference: f[0].clone(),
                class: f[1].clone(),
                action: f[2].clone(),
                products: vec![product],
                batches,
                notice: f[6].clone(),
                url: Some(f[7].clone()),
            },
            line,
            vec![line],
            shared,
        ));
    }
    let mut out = Vec::new();
    for (draft, first, product_lines, _) in groups {
        match check(&draft) {
            Ok(recall) => {
                let mut lines = vec![first];
                lines.extend(product_lines);
                out.push(ImportedRecall { recall, lines });
            }
            Err(faults) => {
                for fe in faults {
                    let line = product_index(&fe.field)
                        .and_then(|i| product_lines.get(i).copied())
                        .unwrap_or(first);
                    err(&mut errors, line, csv_rule(&fe));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// `products[3].ampp` → 3.
fn product_index(field: &str) -> Option<usize> {
    field
        .strip_prefix("products[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}

/// A field error in CSV words: the column, not the JSON path.
fn csv_rule(fe: &FieldError) -> String {
    let column = if fe.field.starts_with("products[") {
        "product_code"
    } else if fe.field.starts_with("batches") {
        "batches"
    } else {
        fe.field.as_str()
    };
    let rule = match fe
        .field
        .strip_prefix("batches[")
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|i| i.parse::<usize>().ok())
    {
        Some(i) => format!("{} (batch {} of the row)", fe.rule, i + 1),
        None => fe.rule.clone(),
    };
    format!("{column} {rule}")
}

/// What an import stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Recalls stored.
    pub recalls: usize,
    /// Product entries stored.
    pub products: usize,
    /// Batch entries stored.
    pub batches: usize,
}

/// Stores every recall of an import in one transaction (each audited as `recall.created`
/// with source `import`), or none.
///
/// # Errors
/// Line errors (an unknown product, a reference already active) in
/// [`ImportError::Lines`]; database failures.
pub async fn import(
    db: &Db,
    rows: &[ImportedRecall],
    actor: &str,
    now: i64,
) -> Result<ImportSummary, ImportError> {
    let mut tx = db.pool.begin().await?;
    let mut errors = Vec::new();
    for r in rows {
        match insert_in(&mut tx, db.backend, &r.recall, actor, "import", now).await {
            Ok(_) => {}
            Err(CreateError::Exists { .. }) => errors.push(crate::import::LineError {
                line: r.lines[0],
                error: "reference is already an active recall: withdraw it first".to_owned(),
            }),
            Err(CreateError::Unknown(faults)) => {
                for fe in faults {
                    let line = product_index(&fe.field)
                        .and_then(|i| r.lines.get(i + 1).copied())
                        .unwrap_or(r.lines[0]);
                    errors.push(crate::import::LineError {
                        line,
                        error: csv_rule(&fe),
                    });
                }
            }
            Err(CreateError::Db(e)) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        let _ = tx.rollback().await;
        errors.sort_by_key(|e| e.line);
        return Err(ImportError::Lines(errors));
    }
    tx.commit().await?;
    Ok(ImportSummary {
        recalls: rows.len(),
        products: rows.iter().map(|r| r.recall.products.len()).sum(),
        batches: rows.iter().map(|r| r.recall.batches.len()).sum(),
    })
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Rows the store refuses.
    #[error("{} line(s) refused", .0.len())]
    Lines(Vec<crate::import::LineError>),
    /// Database failure.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            reference: "EL(26)A/01".into(),
            class: "2".into(),
            action: "block".into(),
            products: vec![DraftProduct {
                gtin: Some("9520000000011".into()),
                ..DraftProduct::default()
            }],
            batches: vec!["B123".into()],
            notice: "Stop supplying.".into(),
            url: None,
        }
    }

    #[test]
    fn a_good_draft_passes_with_the_gtin_held_as_14_digits() {
        let r = check(&draft()).unwrap();
        assert_eq!(r.products[0].code, "09520000000011");
        assert_eq!(r.class, RecallClass::Two);
    }

    #[test]
    fn each_fault_names_its_field() {
        let mut d = draft();
        d.class = "5".into();
        d.products.push(DraftProduct {
            ampp: Some("12x".into()),
            ..DraftProduct::default()
        });
        d.products.push(DraftProduct {
            gtin: Some("9520000000012".into()),
            ..DraftProduct::default()
        });
        d.products.push(DraftProduct::default());
        d.batches = vec!["B 1".into(), "b123".into(), "B123".into()];
        d.url = Some("ftp://x".into());
        let fields: Vec<String> = check(&d)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "class",
                "products[1].ampp",
                "products[2].gtin",
                "products[3]",
                "batches[0]",
                "batches[2]",
                "url"
            ]
        );
    }

    #[test]
    fn references_compare_without_spaces_or_case() {
        assert_eq!(reference_key("EL (26)a/01"), reference_key("EL(26)A/01"));
    }

    #[test]
    fn csv_rows_of_one_reference_merge_and_must_agree() {
        let good = format!(
            "{CSV_HEADER}\nEL(26)A/01,2,block,ampp,900004221000001100,B1|B2,Stop.,\nEL(26)A/01,2,block,amp,900002011000001100,b1|b2,Stop.,\n"
        );
        let r = parse_csv(&good).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].recall.products.len(), 2);
        assert_eq!(r[0].lines, [2, 2, 3]);
        let bad = format!(
            "{CSV_HEADER}\nEL(26)A/01,2,block,ampp,900004221000001100,B1,Stop.,\nEL(26)A/01,2,warn,amp,900002011000001100,B1,Stop.,\n"
        );
        let e = parse_csv(&bad).unwrap_err();
        assert_eq!(e[0].line, 3);
        assert!(
            e[0].error.starts_with("action differs from line 2"),
            "{e:?}"
        );
    }
}
