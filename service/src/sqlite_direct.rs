//! Synchronous SQLite connections for the two hot paths of `identify` on the embedded
//! database: the index read and the audit trail's group commit.
//!
//! sqlx drives each SQLite connection from a worker thread of its own, so every statement
//! is a hand-off from a tokio worker to that thread and back. Profiling the service under
//! load found more than half of its CPU time in the kernel switching threads for those
//! hand-offs, not in SQLite. Here, instead:
//!
//! - [`Readers`]: a few read-only connections used on the calling thread. An identify
//!   lookup is one prepared statement over indexed rows — tens of microseconds, less than
//!   the two thread switches it replaces. Every read sees the latest committed data (a WAL
//!   snapshot taken when the statement starts): nothing is cached, so nothing can be stale.
//! - the audit writer thread ([`crate::audit::Writer`] on SQLite) owns one read-write
//!   connection and commits each batch of waiting rows in one `BEGIN IMMEDIATE`
//!   transaction (which also fixes the chain tip it builds on), with `synchronous=FULL`.
//!
//! Everything else (administrations, the feed, imports, tokens) still goes through the
//! sqlx pool; both kinds of connection open the same database file in WAL mode, so they
//! see each other's commits. Errors surface as `sqlx::Error::Database` values carrying the
//! SQLite error ([`DirectError`]), so callers handle one error type.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// How long a reader waits for a lock before the read fails (it runs on a tokio worker,
/// so this stays short; in WAL mode readers wait only during crash recovery).
const READ_BUSY: Duration = Duration::from_millis(1000);
/// How long the audit writer waits for the write lock (its own thread: it may wait as
/// long as a pooled connection would).
const WRITE_BUSY: Duration = Duration::from_secs(10);
/// Idle read connections kept.
const MAX_IDLE_READERS: usize = 8;

/// The database file a sqlx SQLite URL names, or `None` for an in-memory database
/// (which other connections cannot open, so the sqlx pool serves everything).
///
/// ```
/// use bedside::sqlite_direct::file_of;
/// use std::path::Path;
/// assert_eq!(file_of("sqlite:///var/lib/bedside/bedside.db?mode=rwc").as_deref(),
///            Some(Path::new("/var/lib/bedside/bedside.db")));
/// assert_eq!(file_of("sqlite:data/b.db").as_deref(), Some(Path::new("data/b.db")));
/// assert_eq!(file_of("sqlite::memory:"), None);
/// assert_eq!(file_of("sqlite://x.db?mode=memory"), None);
/// assert_eq!(file_of("postgres://db/bedside"), None);
/// ```
#[must_use]
pub fn file_of(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty()
        || path == ":memory:"
        || query.split('&').any(|kv| kv == "mode=memory")
        || path.starts_with("file:")
    {
        return None;
    }
    Some(PathBuf::from(path))
}

/// A SQLite error from a direct connection, as a sqlx database error.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct DirectError {
    message: String,
    code: Option<String>,
    unique: bool,
    #[source]
    source: Option<rusqlite::Error>,
}

impl From<rusqlite::Error> for DirectError {
    fn from(e: rusqlite::Error) -> DirectError {
        let (code, unique) = match &e {
            rusqlite::Error::SqliteFailure(f, _) => (
                Some(f.extended_code.to_string()),
                f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY,
            ),
            _ => (None, false),
        };
        DirectError {
            message: e.to_string(),
            code,
            unique,
            source: Some(e),
        }
    }
}

impl sqlx::error::DatabaseError for DirectError {
    fn message(&self) -> &str {
        &self.message
    }
    fn code(&self) -> Option<Cow<'_, str>> {
        self.code.as_deref().map(Cow::Borrowed)
    }
    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }
    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }
    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }
    fn kind(&self) -> sqlx::error::ErrorKind {
        if self.unique {
            sqlx::error::ErrorKind::UniqueViolation
        } else {
            sqlx::error::ErrorKind::Other
        }
    }
}

/// A rusqlite error as the `sqlx::Error` the rest of the service handles.
pub(crate) fn to_sqlx(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Database(Box::new(DirectError::from(e)))
}

/// Opens one direct connection: read-only for readers, read-write for the audit writer.
pub(crate) fn open(path: &Path, write: bool) -> Result<Connection, rusqlite::Error> {
    let flags = if write {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(if write { WRITE_BUSY } else { READ_BUSY })?;
    if write {
        // What the sqlx pool's connections use; FULL: a commit is on disk when it returns.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
    }
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

/// Read-only connections to the database file, used on the calling thread.
///
/// ```no_run
/// let readers = bedside::sqlite_direct::Readers::new("/var/lib/bedside/bedside.db".into());
/// let n: i64 = readers.read(|c| c.query_row("SELECT COUNT(*) FROM patients", [], |r| r.get(0)))?;
/// # Ok::<(), sqlx::Error>(())
/// ```
#[derive(Debug)]
pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    closed: AtomicBool,
}

impl Readers {
    /// Readers of `path` (connections open on first use).
    #[must_use]
    pub fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            idle: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
        }
    }

    /// Runs `f` on an idle connection (opening one when none is idle) and keeps the
    /// connection for the next read unless `f` failed.
    ///
    /// # Errors
    /// `PoolClosed` after [`Readers::close`]; the open or `f`'s SQLite error.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, rusqlite::Error>,
    ) -> Result<T, sqlx::Error> {
        if self.closed.load(Ordering::Acquire) {
            return Err(sqlx::Error::PoolClosed);
        }
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let conn = match idle {
            Some(c) => c,
            None => open(&self.path, false).map_err(to_sqlx)?,
        };
        let out = f(&conn).map_err(to_sqlx)?;
        if let Ok(mut v) = self.idle.lock()
            && v.len() < MAX_IDLE_READERS
            && !self.closed.load(Ordering::Acquire)
        {
            v.push(conn);
        }
        Ok(out)
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether [`Readers::close`] ran (the audit writer thread checks it too).
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Closes the idle connections; every later read fails with `PoolClosed`.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        if let Ok(mut v) = self.idle.lock() {
            v.clear();
        }
    }
}
