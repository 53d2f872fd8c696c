//! Database access: one `sqlx::Any` pool over SQLite or PostgreSQL, and the embedded
//! migrations for each backend (`service/migrations/{sqlite,postgres}`).
//!
//! Queries are written once with `$1`-style placeholders, which both backends accept;
//! times are `BIGINT` Unix milliseconds and flags integers, so the same row decoding works
//! on both. No compile-time-checked query macros: the build needs no database.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

/// Which database engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (one instance).
    Sqlite,
    /// PostgreSQL (several stateless instances may share it).
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Database errors, without connection strings or data.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is neither `sqlite:` nor `postgres(ql):`.
    #[error("unsupported database URL scheme (use sqlite://… or postgres://…)")]
    Scheme,
    /// The SQLite data directory could not be created.
    #[error("cannot create the data directory: {0}")]
    DataDir(std::io::Error),
    /// Connecting failed.
    #[error("cannot connect to the {backend} database: {source}")]
    Connect {
        /// Backend.
        backend: &'static str,
        /// Cause.
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

/// The connection pool and its backend.
#[derive(Debug, Clone)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// The backend.
    pub backend: Backend,
    /// The audit trail's group-commit writer, once [`Db::start_hot_paths`] ran.
    pub(crate) audit_writer: Option<crate::audit::Writer>,
    /// The SQLite database file, when the URL names one (not in memory).
    /// (Shared: every request clones the `Db` in the service's state.)
    sqlite_file: Option<std::sync::Arc<std::path::Path>>,
    /// Direct SQLite readers, once [`Db::start_hot_paths`] ran on a database file.
    pub(crate) direct: Option<std::sync::Arc<crate::sqlite_direct::Readers>>,
    /// The EPR destination, when configured: recording an administration (and marking
    /// one entered in error) then queues its `RAS^O17` in the same transaction
    /// ([`crate::outbox::enqueue`]). Set by [`Db::set_epr`].
    pub(crate) epr: Option<std::sync::Arc<crate::outbox::Epr>>,
}

/// One migration that both backends run: version, description, and the file of that name
/// under `service/migrations/sqlite/` and `service/migrations/postgres/`.
macro_rules! both {
    ($version:literal, $description:literal, $file:literal) => {
        (
            $version,
            $description,
            Some(include_str!(concat!("../migrations/sqlite/", $file))),
            Some(include_str!(concat!("../migrations/postgres/", $file))),
        )
    };
}

/// A migration: version, description, SQLite text, PostgreSQL text (`None`: nothing to do
/// on that backend at this version; the numbers stay aligned across backends).
type Step = (
    i64,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

/// Every migration, oldest first (version 13 was reserved and never used).
const MIGRATIONS: &[Step] = &[
    both!(1, "init", "0001_init.sql"),
    both!(2, "tokens expiry", "0002_tokens_expiry.sql"),
    both!(3, "audit head trigger", "0003_audit_head_trigger.sql"),
    // PostgreSQL's typed column already refuses what this guards against.
    (
        4,
        "identifier expiry is an integer",
        Some(include_str!(
            "../migrations/sqlite/0004_identifier_expiry_integer.sql"
        )),
        None,
    ),
    both!(5, "feed message keys", "0005_feed_messages.sql"),
    both!(6, "dm+d catalogue", "0006_catalogue.sql"),
    both!(
        7,
        "orders from the EPMA, allergies",
        "0007_orders_from_epma.sql"
    ),
    both!(8, "FHIR allergy resources", "0008_allergy_resources.sql"),
    both!(
        9,
        "administrations: what was given, entered in error",
        "0009_administrations_out.sql"
    ),
    both!(10, "outbox", "0010_outbox.sql"),
    both!(
        11,
        "staff and locations registers",
        "0011_staff_and_locations.sql"
    ),
    both!(12, "recalls the pharmacy manages", "0012_recalls.sql"),
    both!(
        14,
        "orders: 24-hour maximum by amount",
        "0014_order_amount_cap.sql"
    ),
    both!(15, "users and sessions", "0015_users_and_sessions.sql"),
    both!(
        16,
        "OpenID Connect logins under way",
        "0016_oidc_logins.sql"
    ),
];

/// The embedded migrations of one backend, as a `sqlx` migration source.
#[derive(Debug, Clone, Copy)]
pub struct Embedded(pub Backend);

impl Embedded {
    /// The migrations, oldest first.
    #[must_use]
    pub fn migrations(self) -> Vec<Migration> {
        MIGRATIONS
            .iter()
            .filter_map(|&(version, description, sqlite, postgres)| {
                let sql = match self.0 {
                    Backend::Sqlite => sqlite,
                    Backend::Postgres => postgres,
                }?;
                Some(Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    Cow::Borrowed(sql),
                    false,
                ))
            })
            .collect()
    }
}

impl MigrationSource<'static> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 'static>> {
        Box::pin(async move { Ok(self.migrations()) })
    }
}

/// The advisory lock key of a named thing (`register:staff`, `user:<id>`): the first
/// 8 bytes of the name's SHA-256, for [`lock_for_write`].
///
/// ```
/// assert_eq!(bedside::db::lock_key("a"), bedside::db::lock_key("a"));
/// assert_ne!(bedside::db::lock_key("a"), bedside::db::lock_key("b"));
/// ```
#[must_use]
pub fn lock_key(name: &str) -> i64 {
    let hex = crate::crypto::sha256_hex(name.as_bytes());
    u64::from_str_radix(hex.get(..16).unwrap_or("0"), 16)
        .map_or(0, |n| i64::from_ne_bytes(n.to_ne_bytes()))
}

/// Serialises writers of one thing (`key`) within the caller's transaction: on SQLite a
/// write as the transaction's first statement takes the database's one write lock (held
/// to commit); on PostgreSQL a transaction-scoped advisory lock on `key`. Two concurrent
/// PUTs of a new resource id then create once and replace once.
///
/// # Errors
/// Database errors.
pub async fn lock_for_write(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    key: i64,
) -> Result<(), sqlx::Error> {
    match backend {
        Backend::Sqlite => {
            sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
                .execute(&mut *conn)
                .await?;
        }
        Backend::Postgres => {
            sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS l")
                .bind(key)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// The backend a URL names.
///
/// # Errors
/// [`DbError::Scheme`] for anything else.
pub fn backend_of(url: &str) -> Result<Backend, DbError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(DbError::Scheme)
    }
}

impl Db {
    /// Connects (creating the SQLite file and its directory when needed).
    ///
    /// # Errors
    /// Bad scheme, unreachable server, unwritable directory.
    pub async fn connect(url: &str, pool_size: u32) -> Result<Db, DbError> {
        install_default_drivers();
        let backend = backend_of(url)?;
        if let Some(file) = crate::sqlite_direct::filename(url)
            && let Some(dir) = file.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(DbError::DataDir)?;
        }
        // No ping before every acquire (sqlx's default): it doubles the round trips of
        // every query. A broken connection fails its query instead — an error, which
        // every caller turns into a refusal (503) — and is then closed, never reused.
        let pool = AnyPoolOptions::new()
            .max_connections(pool_size)
            .test_before_acquire(false)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|source| DbError::Connect {
                backend: backend.as_str(),
                source,
            })?;
        if backend == Backend::Sqlite {
            // Write-ahead logging (persistent in the file): readers do not block the writer.
            // synchronous stays FULL, so an acknowledged commit survives a crash.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await
                .map_err(|source| DbError::Connect {
                    backend: backend.as_str(),
                    source,
                })?;
        }
        Ok(Db {
            pool,
            backend,
            audit_writer: None,
            sqlite_file: if backend == Backend::Sqlite {
                crate::sqlite_direct::file_of(url).map(std::sync::Arc::from)
            } else {
                None
            },
            direct: None,
            epr: None,
        })
    }

    /// [`Db::connect`], then [`Db::migrate`]: what every command that opens the database
    /// does first.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let db = bedside::db::Db::connect_migrated("sqlite::memory:", 1).await?;
    /// db.ping().await?;
    /// # Ok::<(), bedside::db::DbError>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As either.
    pub async fn connect_migrated(url: &str, pool_size: u32) -> Result<Db, DbError> {
        let db = Db::connect(url, pool_size).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Applies pending migrations (safe to run from several instances at once: sqlx takes
    /// an advisory lock on PostgreSQL).
    ///
    /// # Errors
    /// A migration failed or an applied one was changed.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = Migrator::new(Embedded(self.backend)).await?;
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Starts what a serving instance needs on its hot paths: the audit trail's
    /// group-commit writer (from now on [`crate::audit::append`] through this handle and
    /// its clones waits for its row to be committed in a batch with others, see
    /// [`crate::audit::Writer`]) and, on a SQLite database file, the direct connections
    /// of [`crate::sqlite_direct`] for the identify lookup and that writer. Needs a tokio
    /// runtime (PostgreSQL's writer is a task on it).
    pub fn start_hot_paths(&mut self) {
        if self.audit_writer.is_some() {
            return;
        }
        if let Some(file) = &self.sqlite_file {
            match crate::sqlite_direct::Readers::open(file.to_path_buf()) {
                Ok(r) => self.direct = Some(std::sync::Arc::new(r)),
                // Correct but slower: everything through the pool.
                Err(e) => tracing::warn!(error = %e, "no direct SQLite connection; using the pool"),
            }
        }
        let plain = Db {
            pool: self.pool.clone(),
            backend: self.backend,
            audit_writer: None,
            sqlite_file: self.sqlite_file.clone(),
            direct: self.direct.clone(),
            epr: self.epr.clone(),
        };
        self.audit_writer = Some(crate::audit::Writer::start(plain));
    }

    /// Sets the EPR destination that recording queues messages for (`None`: nothing is
    /// queued). Clones made afterwards carry it.
    pub fn set_epr(&mut self, epr: Option<std::sync::Arc<crate::outbox::Epr>>) {
        self.epr = epr;
    }

    /// The EPR destination, when configured.
    #[must_use]
    pub fn epr(&self) -> Option<&crate::outbox::Epr> {
        self.epr.as_deref()
    }

    /// Closes the pool and the direct readers, and stops the audit writer thread from
    /// writing (it drops its connection at its next batch): every later query, read or
    /// audit append fails (used at shutdown, and by tests of a database that went away).
    pub async fn close(&self) {
        if let Some(d) = &self.direct {
            d.close();
        }
        self.pool.close().await;
    }

    /// Readiness: a trivial round trip through the pool and, when they run, a direct read
    /// and the audit writer being alive.
    ///
    /// # Errors
    /// The database did not answer, or the audit writer has stopped (`PoolClosed`).
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        if let Some(d) = &self.direct {
            d.read(|c| c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)))?;
        }
        if let Some(w) = &self.audit_writer
            && !w.is_running()
        {
            return Err(DbError::Query(sqlx::Error::PoolClosed));
        }
        Ok(())
    }
}

/// Whether an error is a unique-constraint violation (both backends).
#[must_use]
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.is_unique_violation()
                || d.code()
                    .is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
        }
        _ => false,
    }
}
