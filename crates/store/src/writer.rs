//! Group commit for SQLite: write transactions run whole on a thread of their own, and
//! the ones that arrive together share one commit.
//!
//! SQLite has one writer at a time, so a write transaction's duration is the product's
//! write throughput. Run from a request's task, every statement waits to be polled again
//! among the other requests, and every transaction pays its own `fsync`
//! (`synchronous = FULL`). Here a job is queued to the writer thread, which takes every
//! job waiting, opens one transaction, runs each job inside a savepoint of its own when
//! others share it (a job that fails is rolled back alone), commits once, and only then
//! answers each job: an acknowledged write is on disk, as before.
//!
//! A job whose caller has gone (the request timed out or the client left) before the
//! writer reached it is not run: nobody would learn that it was written.
//!
//! PostgreSQL has many writers, and concurrent commits share its WAL flushes, so there a
//! job runs in its own transaction on the caller's task (see `Store::write`).

use crate::{Result, StoreError, Tx};
use futures_util::FutureExt;
use sqlx::AnyPool;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// The future a write job returns: it borrows the transaction it runs in.
pub type WriteFuture<'t, T> = Pin<Box<dyn Future<Output = T> + Send + 't>>;

/// At most this many jobs share a commit, so that one commit's latency stays bounded
/// under a flood of writes.
const MAX_BATCH: usize = 64;

/// A job with its result type erased: true when it succeeded (its result is in the
/// caller's slot either way).
type Job = Box<dyn for<'t> FnOnce(&'t mut Tx) -> WriteFuture<'t, bool> + Send>;

struct Queued {
    job: Job,
    /// The transaction's fate, sent once it is known: `Ok` after the commit (the job's own
    /// result, success or error, is in its slot), or the error that undid the batch.
    done: oneshot::Sender<Result<()>>,
}

/// The queue into the writer thread. The thread ends when every `Writer` is dropped.
#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::UnboundedSender<Queued>,
    /// Transactions committed so far (diagnostics, tests).
    commits: Arc<AtomicU64>,
}

impl Writer {
    /// Starts the writer thread on `pool` (the write pool: one connection).
    pub(crate) fn start(pool: AnyPool) -> Result<Writer> {
        let (queue, jobs) = mpsc::unbounded_channel();
        let commits = Arc::new(AtomicU64::new(0));
        let counted = commits.clone();
        std::thread::Builder::new()
            .name("dieuhanh-writer".into())
            .spawn(move || {
                // A runtime of its own: the jobs' statements never queue behind requests.
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(serve(pool, jobs, counted)),
                    // The queue closes with the thread: every write then says so.
                    Err(e) => tracing::error!(error = %e, "the writer's runtime did not start"),
                }
            })
            .map_err(|e| StoreError::Local(format!("writer thread: {e}")))?;
        Ok(Writer { queue, commits })
    }

    /// False once the writer thread has ended (its runtime did not start, or it died):
    /// every write would then fail.
    pub(crate) fn is_running(&self) -> bool {
        !self.queue.is_closed()
    }

    /// How many transactions the writer has committed.
    pub(crate) fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Runs `job` in the next group commit; its result once that commit is durable.
    pub(crate) async fn run<R, E, F>(&self, job: F) -> std::result::Result<R, E>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> WriteFuture<'t, std::result::Result<R, E>>
            + Send
            + 'static,
        R: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let slot = Arc::new(Mutex::new(None));
        let filled = slot.clone();
        let job: Job = Box::new(move |tx| {
            Box::pin(async move {
                let result = job(tx).await;
                let ok = result.is_ok();
                if let Ok(mut slot) = filled.lock() {
                    *slot = Some(result);
                }
                ok
            })
        });
        let (done, durable) = oneshot::channel();
        self.queue
            .send(Queued { job, done })
            .map_err(|_| StoreError::Local("the writer has stopped".into()))?;
        durable
            .await
            .map_err(|_| StoreError::Local("the writer has stopped".into()))??;
        let result = slot.lock().ok().and_then(|mut s| s.take());
        result.unwrap_or_else(|| Err(panicked().into()))
    }
}

async fn serve(pool: AnyPool, mut jobs: mpsc::UnboundedReceiver<Queued>, commits: Arc<AtomicU64>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        // Nobody waits for these any more: they are dropped unrun.
        batch.retain(|q| !q.done.is_closed());
        if !batch.is_empty() && commit(&pool, batch).await {
            commits.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Runs `batch` in one transaction, each job in a savepoint when it has company, and
/// reports each job's fate once the transaction's is known. True when it committed.
async fn commit(pool: &AnyPool, batch: Vec<Queued>) -> bool {
    // IMMEDIATE: the write lock is taken now, so another process's write (the CLI) makes
    // the batch wait (busy timeout) rather than fail halfway with a stale snapshot.
    let mut tx = match pool.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => {
            fail(batch.into_iter().map(|q| q.done), &e.into());
            return false;
        }
    };
    // A job alone needs no savepoint: when it fails, the whole transaction is undone.
    let alone = batch.len() == 1;
    // Every job is answered after the commit, the failed ones too: a failure may come
    // from an earlier job of the batch, which is only real once committed.
    let mut answered = Vec::with_capacity(batch.len());
    let mut batch = batch.into_iter();
    while let Some(Queued { job, done }) = batch.next() {
        match run_one(&mut tx, job, !alone).await {
            // Alone and failed: undoing the transaction undoes the job.
            Ok(false) if alone => {
                drop(tx);
                let _ = done.send(Ok(()));
                return false;
            }
            // Applied, or undone to its savepoint (its error is its own, in its slot).
            Ok(_) => answered.push(done),
            Err(e) => {
                // A savepoint statement failed: nothing in this transaction can be trusted.
                drop(tx);
                let rest = batch.map(|q| q.done);
                fail(answered.into_iter().chain([done]).chain(rest), &e);
                return false;
            }
        }
    }
    match tx.commit().await {
        Ok(()) => {
            for done in answered {
                let _ = done.send(Ok(()));
            }
            true
        }
        Err(e) => {
            fail(answered.into_iter(), &e.into());
            false
        }
    }
}

/// One job, inside a savepoint when others share the transaction: `Ok(true)` applied,
/// `Ok(false)` failed (and undone to the savepoint). Savepoints are not released: the
/// commit releases them all, and one statement fewer per job keeps the writer busy less.
/// `ROLLBACK TO` finds the latest savepoint of the name, which is this job's.
async fn run_one(tx: &mut Tx, job: Job, savepoint: bool) -> Result<bool> {
    if savepoint {
        statement(tx, "SAVEPOINT job").await?;
    }
    // A panicking job is a failed job, not a dead writer.
    let ok = AssertUnwindSafe(job(tx))
        .catch_unwind()
        .await
        .unwrap_or(false);
    if !ok && savepoint {
        statement(tx, "ROLLBACK TO SAVEPOINT job").await?;
    }
    Ok(ok)
}

async fn statement(tx: &mut Tx, sql: &'static str) -> Result<()> {
    sqlx::query(sql).execute(&mut **tx).await?;
    Ok(())
}

/// The error of a job that panicked: it changed nothing.
pub(crate) fn panicked() -> StoreError {
    StoreError::Local("the write failed unexpectedly and changed nothing".into())
}

fn fail(waiting: impl Iterator<Item = oneshot::Sender<Result<()>>>, error: &StoreError) {
    for done in waiting {
        let _ = done.send(Err(StoreError::Local(format!(
            "the write was not committed: {error}"
        ))));
    }
}
