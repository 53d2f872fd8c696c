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
//! see each other's commits. SQLite errors surface as `sqlx::Error::Database` values
//! carrying a [`DirectError`], and a closed database as `sqlx::Error::PoolClosed`, so
//! callers handle one error type.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// How long a reader waits for a lock before the read fails (it runs on a tokio worker,
/// so this stays short; in WAL mode readers wait only for crash recovery or a connection
/// holding the database exclusively). A failed read is `index_unavailable`: fail closed.
const READ_BUSY: Duration = Duration::from_millis(100);
/// How long the audit writer waits for the write lock (its own thread: it may wait as
/// long as a pooled connection would).
const WRITE_BUSY: Duration = Duration::from_secs(10);
/// Idle read connections kept (more than the tokio workers that can read at once).
const MAX_IDLE_READERS: usize = 16;

/// The database file a sqlx SQLite URL names, exactly as sqlx reads it (percent-decoded),
/// or `None` when direct connections must not be used: an in-memory database (other
/// connections cannot open it), or any URL option but `mode=rw`/`mode=rwc` (`mode=ro`,
/// `immutable`, `vfs=…` change how the file is opened or locked, and a direct connection
/// must open it the same way as the pool or not at all).
///
/// ```
/// use bedside::sqlite_direct::file_of;
/// use std::path::Path;
/// assert_eq!(file_of("sqlite:///var/lib/bedside/bedside.db?mode=rwc").as_deref(),
///            Some(Path::new("/var/lib/bedside/bedside.db")));
/// assert_eq!(file_of("sqlite:data/b.db").as_deref(), Some(Path::new("data/b.db")));
/// assert_eq!(file_of("sqlite:///srv/50%25/b.db").as_deref(), Some(Path::new("/srv/50%/b.db")));
/// assert_eq!(file_of("sqlite::memory:"), None);
/// assert_eq!(file_of("sqlite://x.db?mode=memory"), None);
/// assert_eq!(file_of("sqlite://x.db?mode=ro"), None);
/// assert_eq!(file_of("sqlite://x.db?vfs=unix-dotfile"), None);
/// assert_eq!(file_of("postgres://db/bedside"), None);
/// ```
#[must_use]
pub fn file_of(url: &str) -> Option<PathBuf> {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    if path.ends_with(":memory:")
        || !query
            .split('&')
            .all(|kv| kv.is_empty() || kv == "mode=rw" || kv == "mode=rwc")
    {
        return None;
    }
    filename(url)
}

/// The file a sqlx SQLite URL opens, read exactly as sqlx reads it (percent-decoded,
/// whatever its options), or `None` for an in-memory database or a URL that is not
/// SQLite's. [`crate::db::Db::connect`] creates its directory.
pub(crate) fn filename(url: &str) -> Option<PathBuf> {
    use std::str::FromStr;
    if !url.starts_with("sqlite:") {
        return None;
    }
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let file = opts.get_filename();
    // sqlx names its in-memory databases `file:…`.
    if file.as_os_str().is_empty() || file.to_string_lossy().starts_with("file:") {
        return None;
    }
    Some(file.to_path_buf())
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

impl DirectError {
    /// The same error without its source (one failed batch answers each of its callers).
    #[must_use]
    pub fn duplicate(&self) -> DirectError {
        DirectError {
            message: self.message.clone(),
            code: self.code.clone(),
            unique: self.unique,
            source: None,
        }
    }
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
/// let readers = bedside::sqlite_direct::Readers::open("/var/lib/bedside/bedside.db".into())
///     .map_err(bedside::sqlite_direct::DirectError::from)?;
/// let n: i64 = readers.read(|c| c.query_row("SELECT COUNT(*) FROM patients", [], |r| r.get(0)))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    closed: AtomicBool,
}

impl Readers {
    /// Readers of `path`, opening the first connection now so that a file the pool can
    /// use but a direct connection cannot is found at start, not at the first scan.
    ///
    /// # Errors
    /// The file cannot be opened read-only.
    pub fn open(path: PathBuf) -> Result<Readers, rusqlite::Error> {
        let first = open(&path, false)?;
        first.query_row("SELECT COUNT(*) FROM audit_head", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok(Readers {
            path,
            idle: Mutex::new(vec![first]),
            closed: AtomicBool::new(false),
        })
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
