//! Storage for dieuhanh: one API over SQLite (embedded, the default) and PostgreSQL
//! (production), chosen at run time from the database URL.
//!
//! SQL is written once with `$n` placeholders and the types both dialects share through
//! the sqlx `Any` driver (i64, f64, text); the few places that differ switch on
//! [`Dialect`]. Migrations are kept per dialect, in step, in `migrations/`.

pub mod attachments;
pub mod audit;
pub mod ballots;
pub mod bulk;
pub mod bulk_work;
pub mod calendar;
pub mod citizen;
pub mod citizen_tallies;
pub mod competence;
pub mod direction;
pub mod dossiers;
mod filter;
mod local_reads;
mod migrate;
pub mod notifications;
pub mod obstacles;
pub mod outbox;
pub mod procedures;
pub mod reports;
pub mod sealed;
pub mod seed;
pub mod seed_procedures;
pub mod seed_reports;
pub mod seed_services;
pub mod sessions;
pub mod settings;
pub mod staffing;
pub mod tallies;
pub mod tokens;
pub mod units;
pub mod users;
pub mod visits;
mod writer;

use futures_util::FutureExt;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
use std::panic::AssertUnwindSafe;
use std::str::FromStr;
use std::time::Duration;

pub use sqlx::Row;
pub use writer::WriteFuture;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub fn from_url(url: &str) -> Option<Dialect> {
        if url.starts_with("sqlite:") {
            Some(Dialect::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Dialect::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL (expected sqlite:PATH or postgres://...)")]
    UnsupportedUrl,
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Local(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Maps a unique-constraint violation to `Conflict`, leaving other errors as they are.
    pub(crate) fn from_insert(e: sqlx::Error, what: &str) -> StoreError {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(what.to_string())
            }
            _ => StoreError::Db(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
pub type Tx = Transaction<'static, Any>;

/// A handle on the database: a pool for reads and one for writes.
///
/// On SQLite the write pool has a single connection, so writers queue in the process
/// instead of failing with `SQLITE_BUSY` when a read transaction tries to upgrade.
#[derive(Clone)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    dialect: Dialect,
    /// SQLite in a file: point reads on the calling thread (see `local_reads`).
    local: Option<std::sync::Arc<local_reads::LocalReads>>,
    /// SQLite: the group-commit thread that runs `write` jobs (see `writer`).
    writer: Option<writer::Writer>,
}

/// A redacted form of a database URL, safe to log.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_string(),
    }
}

impl Store {
    /// Opens (and for SQLite creates) the database at `url`. Does not migrate.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::from_url(url).ok_or(StoreError::UnsupportedUrl)?;
        let options = AnyConnectOptions::from_str(url)?;
        let (read, write, local, writer) = match dialect {
            Dialect::Sqlite => {
                let read = sqlite_pool(4).connect_with(options.clone()).await?;
                let write = sqlite_pool(1).connect_with(options).await?;
                let writer = writer::Writer::start(write.clone())?;
                (
                    read,
                    write,
                    local_reads::LocalReads::for_url(url)?,
                    Some(writer),
                )
            }
            Dialect::Postgres => {
                // Separate pools, so a page that runs its reads at once (the cockpit runs
                // about 17) never leaves a write transaction waiting for a connection.
                let pool = |size| {
                    AnyPoolOptions::new()
                        .max_connections(size)
                        .acquire_timeout(Duration::from_secs(10))
                };
                let read = pool(16).connect_with(options.clone()).await?;
                let write = pool(8).connect_with(options).await?;
                (read, write, None, None)
            }
        };
        Ok(Store {
            read,
            write,
            dialect,
            local,
            writer,
        })
    }

    /// The rows of a point read (one statement through a unique index, a few rows), each
    /// mapped by `map`: on SQLite on the calling thread, elsewhere through the read pool.
    pub(crate) async fn point_read<T>(
        &self,
        sql: &str,
        params: &[local_reads::Param],
        map: impl Fn(local_reads::Columns<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        match &self.local {
            Some(local) => local.fetch(sql, params, map),
            None => self.pooled_read(sql, params, map).await,
        }
    }

    /// The one row (or none) a point read finds.
    pub(crate) async fn point_read_one<T>(
        &self,
        sql: &str,
        params: &[local_reads::Param],
        map: impl Fn(local_reads::Columns<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        Ok(self.point_read(sql, params, map).await?.into_iter().next())
    }

    /// The many rows of a read whose result is folded in Rust (an index range of
    /// thousands of entries): on SQLite stepped on a blocking thread with a connection of
    /// that thread's own (see `local_reads`), where each row costs a step, not a sqlx row;
    /// elsewhere through the read pool. Tokio ends a blocking thread after 10 s idle, so a
    /// rare read may open its connection first (well under a millisecond).
    pub(crate) async fn scan_read<T: Send + 'static>(
        &self,
        sql: String,
        params: Vec<local_reads::Param>,
        map: impl Fn(local_reads::Columns<'_>) -> Result<T> + Send + 'static,
    ) -> Result<Vec<T>> {
        match &self.local {
            Some(local) => {
                let local = local.clone();
                match tokio::task::spawn_blocking(move || local.fetch(&sql, &params, map)).await {
                    Ok(rows) => rows,
                    // A panic in `map` is the caller's, as it is for a point read.
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    Err(e) => Err(StoreError::Local(format!("read thread: {e}"))),
                }
            }
            None => self.pooled_read(&sql, &params, map).await,
        }
    }

    /// The rows of `sql` with `params` through the read pool, each mapped by `map`.
    pub(crate) async fn pooled_read<T>(
        &self,
        sql: &str,
        params: &[local_reads::Param],
        map: impl Fn(local_reads::Columns<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
        for p in params {
            query = match p {
                local_reads::Param::Text(t) => query.bind(t.clone()),
                local_reads::Param::Int(i) => query.bind(*i),
            };
        }
        query
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|r| map(r.into()))
            .collect()
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The pool for reads outside a write transaction.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// Starts a write transaction. Commit it to make the change durable.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(self.write.begin().await?)
    }

    /// Runs `job` in a write transaction and returns its result once the transaction is
    /// durable; a job that fails changes nothing. On SQLite the jobs that arrive together
    /// share one commit on the writer thread (see `writer`), so `job` owns what it needs
    /// and must not wait on anything but the transaction. The path for the frequent
    /// writes (dossiers, tasks); `begin` remains for the rest.
    pub async fn write<R, E, F>(&self, job: F) -> std::result::Result<R, E>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> WriteFuture<'t, std::result::Result<R, E>>
            + Send
            + 'static,
        R: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.run(job).await,
            None => {
                let mut tx = self.begin().await?;
                // A panicking job fails as it does on the writer thread; `tx` rolls back.
                let result = AssertUnwindSafe(job(&mut tx))
                    .catch_unwind()
                    .await
                    .map_err(|_| writer::panicked())??;
                tx.commit().await.map_err(StoreError::from)?;
                Ok(result)
            }
        }
    }

    /// How many write transactions the group-commit writer has committed (SQLite);
    /// `None` where each write commits on its own (PostgreSQL).
    pub fn write_batches(&self) -> Option<u64> {
        self.writer.as_ref().map(writer::Writer::commits)
    }

    /// Applies every pending migration of this backend.
    pub async fn migrate(&self) -> Result<()> {
        migrate::migrator(self.dialect).run(&self.write).await?;
        // Tallies are derived data: a database written before they existed gets them.
        tallies::ensure(self).await?;
        citizen_tallies::ensure(self).await?;
        Ok(())
    }

    /// Whether the database answers (for health checks).
    pub async fn ping(&self) -> bool {
        // A stopped writer thread would fail every write while reads still answer.
        let writer_alive = self.writer.as_ref().is_none_or(writer::Writer::is_running);
        writer_alive && sqlx::query("SELECT 1").execute(&self.read).await.is_ok()
    }

    /// A consistent copy of a SQLite database, taken while it is in use.
    pub async fn backup_sqlite(&self, target: &str) -> Result<()> {
        if self.dialect != Dialect::Sqlite {
            return Err(StoreError::UnsupportedUrl);
        }
        let escaped = target.replace('\'', "''");
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{escaped}'")))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        if let Some(local) = &self.local {
            local.close();
        }
        self.read.close().await;
        self.write.close().await;
    }
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30))
        // A local file does not drop connections, and the pool already tests each one when
        // it is released; a test before every acquire would cost one more round trip to the
        // connection's worker thread on every statement.
        .test_before_acquire(false)
        .after_connect(|conn: &mut AnyConnection, _meta| {
            Box::pin(async move {
                // WAL for concurrent readers; synchronous=FULL so that a commit
                // acknowledged to a user survives power loss, not only a crash.
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = FULL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                Ok(())
            })
        })
}

/// Whether `sql` (a fixed probe ending in `LIMIT 1`) finds a row: start-up checks that
/// stop at their first row.
pub(crate) async fn finds_a_row(store: &Store, sql: &'static str) -> Result<bool> {
    Ok(sqlx::query(sql)
        .fetch_optional(store.reader())
        .await?
        .is_some())
}

/// Converts a stored 0/1 to a bool.
pub(crate) fn flag(value: i64) -> bool {
    value != 0
}

/// The driver's error type, for callers that commit transactions.
pub use sqlx::Error as DbError;

impl Store {
    /// Runs an administrative statement built by the operator's tooling (creating or
    /// dropping test databases). Never pass user input.
    pub async fn execute_admin(&self, statement: &str) -> Result<()> {
        sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Row count of a table (tests and diagnostics); `table` must be a known table.
    pub async fn count_rows(&self, table: &str) -> Result<i64> {
        const TABLES: &[&str] = &[
            "units",
            "users",
            "sessions",
            "api_tokens",
            "audit_log",
            "audit_head",
            "unit_boundaries",
            "calendar_years",
            "calendar_days",
            "dossiers",
            "work_items",
            "work_item_events",
            "citizen_reports",
            "directives",
            "item_cooperators",
            "report_templates",
            "report_obligations",
            "report_targets",
            "obstacle_details",
        ];
        if !TABLES.contains(&table) {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM {table}"
        )))
        .fetch_one(&self.read)
        .await?;
        Ok(row.try_get("n")?)
    }
}
