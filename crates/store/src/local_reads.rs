//! Short reads on SQLite without leaving the calling thread.
//!
//! sqlx runs each SQLite connection on a thread of its own, so every statement crosses
//! threads twice (two wake-ups and a channel). For the public lookups, one indexed
//! statement each, that crossing costs more than the query: `perf` under load showed a
//! third of the server's time in scheduler switches. Here each thread that asks gets its
//! own connection to the same file, kept for the thread's life, and the statement runs
//! where the request is. The caller's thread (a runtime worker) is held while it runs, so
//! only statements that find their rows by a unique key and return a handful come here,
//! never a scan or a list of keys.
//!
//! `Store::scan_read` uses the same kind of per-thread connection from tokio's blocking
//! threads, for reads of thousands of index entries that are folded in Rust: there the
//! point is the cost per row (a step, not a sqlx row sent through a channel), and the
//! runtime's workers are not held.
//!
//! The connections only read (`query_only`); in WAL mode each statement sees every
//! transaction committed before it began, the same as a pooled reader would.

use crate::{Result, StoreError};
use sqlx::any::AnyRow;
use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// A value a column can be read as, through either binding.
pub(crate) trait Value:
    for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + rusqlite::types::FromSql
{
}
impl<T> Value for T where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + rusqlite::types::FromSql
{
}

/// A row from either binding, read by column name.
#[derive(Clone, Copy)]
pub(crate) enum Columns<'a> {
    Pooled(&'a AnyRow),
    Local(&'a rusqlite::Row<'a>),
}

impl Columns<'_> {
    pub(crate) fn get<T: Value>(&self, name: &str) -> Result<T> {
        match self {
            Columns::Pooled(row) => Ok(sqlx::Row::try_get(*row, name)?),
            Columns::Local(row) => Ok(row.get(name)?),
        }
    }
}

impl<'a> From<&'a AnyRow> for Columns<'a> {
    fn from(row: &'a AnyRow) -> Self {
        Columns::Pooled(row)
    }
}

/// A statement parameter.
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

/// The database file whose threads keep a connection; dropped with the store, after
/// which each thread's connection to it is closed the next time the thread reads.
pub(crate) struct LocalReads {
    path: PathBuf,
    /// Set by `Store::close`: reads refuse, and each thread's connection is dropped the
    /// next time it is asked for.
    closed: AtomicBool,
}

thread_local! {
    static CONNECTIONS: RefCell<Vec<(Weak<LocalReads>, rusqlite::Connection)>> =
        const { RefCell::new(Vec::new()) };
}

impl LocalReads {
    /// For a SQLite database in a file; `None` for one in memory (each connection to
    /// `:memory:` would be a different database).
    pub(crate) fn for_url(url: &str) -> Result<Option<Arc<LocalReads>>> {
        use std::str::FromStr;
        if url.contains(":memory:") || url.contains("mode=memory") {
            return Ok(None);
        }
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
        let path = options.get_filename();
        if path.as_os_str().is_empty() {
            return Ok(None);
        }
        Ok(Some(Arc::new(LocalReads {
            path: path.to_path_buf(),
            closed: AtomicBool::new(false),
        })))
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        let connection = rusqlite::Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.pragma_update(None, "query_only", true)?;
        connection.busy_timeout(Duration::from_secs(5))?;
        Ok(connection)
    }

    /// The rows of `sql` with `params`, each mapped by `map`, on this thread's connection.
    pub(crate) fn fetch<T>(
        self: &Arc<Self>,
        sql: &str,
        params: &[Param],
        map: impl Fn(Columns<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        CONNECTIONS.with(|cell| {
            let mut connections = cell.borrow_mut();
            let mine = Arc::downgrade(self);
            if self.closed.load(Ordering::Acquire) {
                connections.retain(|(w, _)| !Weak::ptr_eq(w, &mine));
                return Err(StoreError::Local("the database is closed".into()));
            }
            let index = match connections.iter().position(|(w, _)| Weak::ptr_eq(w, &mine)) {
                Some(i) => i,
                None => {
                    // Close the connections of stores dropped since this thread last read.
                    connections.retain(|(w, _)| w.strong_count() > 0);
                    connections.push((mine, self.open()?));
                    connections.len() - 1
                }
            };
            let connection = &connections[index].1;
            let mut statement = connection.prepare_cached(sql)?;
            for index in 1..=statement.parameter_count() {
                let param = params
                    .get(argument_of(statement.parameter_name(index), index) - 1)
                    .ok_or_else(|| {
                        StoreError::Local(format!("no argument for parameter {index}"))
                    })?;
                match param {
                    Param::Text(t) => statement.raw_bind_parameter(index, t)?,
                    Param::Int(i) => statement.raw_bind_parameter(index, i)?,
                }
            }
            let mut rows = statement.raw_query();
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(map(Columns::Local(row))?);
            }
            Ok(out)
        })
    }
}

/// Which argument (from 1) a parameter takes: `$N` and `?N` name theirs, as sqlx binds
/// them (SQLite itself numbers a `$N` by where it first appears); others go in order.
fn argument_of(name: Option<&str>, index: usize) -> usize {
    name.and_then(|n| n.strip_prefix('$').or_else(|| n.strip_prefix('?')))
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(index)
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Local(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_take_their_own_argument_wherever_they_appear() {
        assert_eq!(argument_of(Some("$2"), 1), 2);
        assert_eq!(argument_of(Some("?3"), 1), 3);
        assert_eq!(argument_of(None, 4), 4);
        assert_eq!(argument_of(Some(":name"), 2), 2);
        assert_eq!(argument_of(Some("$0"), 5), 5);
    }

    #[test]
    fn a_point_read_sees_what_another_connection_committed() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("reads.db");
        let writer = rusqlite::Connection::open(&path).expect("open");
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);",
            )
            .expect("schema");
        let url = format!("sqlite:{}", path.display());
        let reads = LocalReads::for_url(&url).expect("url").expect("a file");
        let read = |id: i64| {
            reads.fetch(
                "SELECT name FROM t WHERE id = $2 AND $1 = $1",
                &[Param::Text("x".into()), Param::Int(id)],
                |r| r.get::<String>("name"),
            )
        };
        assert!(read(1).expect("read").is_empty());
        writer
            .execute("INSERT INTO t (id, name) VALUES (1, 'Bến Nghé')", [])
            .expect("insert");
        assert_eq!(read(1).expect("read"), vec!["Bến Nghé".to_string()]);
        // It only reads.
        let write = reads.fetch("DELETE FROM t RETURNING id", &[], |r| r.get::<i64>("id"));
        assert!(write.is_err());
        assert_eq!(read(1).expect("read").len(), 1);
        // Closed with its store: reads refuse.
        reads.close();
        assert!(read(1).is_err());
    }

    #[test]
    fn a_database_in_memory_has_no_local_reads() {
        assert!(
            LocalReads::for_url("sqlite::memory:")
                .expect("url")
                .is_none()
        );
    }
}
