//! Work that costs a core (OCR, a pasted list's guessing and ranking, an argon2 check) taken a
//! few at a time, with a short queue behind: past that a request is refused at once (a 503
//! with Retry-After) rather than left waiting while the server's threads and memory fill up.
//!
//! A place in the queue is an owned guard. It is given back when the guard is dropped and at no
//! other time: a request dropped while waiting (its client reset the connection) gives its place
//! back then, and a `JobTurn` moved into the blocking work it guards is given back only when
//! that work has ended, whatever the client does meanwhile.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Every job is taken and the queue behind them is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("every job is taken")]
pub struct Busy;

pub struct JobQueue {
    running: Arc<Semaphore>,
    /// Jobs admitted: running and waiting.
    admitted: AtomicUsize,
    most_admitted: usize,
}

/// A place in the queue, running or waiting.
struct Admission {
    queue: Arc<JobQueue>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.queue.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A job's turn: while held, one of the queue's cores is this job's.
pub struct JobTurn {
    _permit: OwnedSemaphorePermit,
    _admission: Admission,
}

impl JobQueue {
    /// `at_once` jobs run, `waiting` more wait for a turn. No job at once refuses every one
    /// (the work switched off).
    pub fn new(at_once: usize, waiting: usize) -> Arc<Self> {
        Arc::new(JobQueue {
            running: Arc::new(Semaphore::new(at_once)),
            admitted: AtomicUsize::new(0),
            most_admitted: if at_once == 0 { 0 } else { at_once + waiting },
        })
    }

    /// One job per core, and as many waiting.
    pub fn per_core() -> Arc<Self> {
        let cores = cores();
        Self::new(cores, cores)
    }

    /// A turn, after waiting for one if the queue has room; `Busy` if it has none.
    pub async fn turn(self: &Arc<Self>) -> Result<JobTurn, Busy> {
        // The guard exists before the first await: if this future is dropped while waiting,
        // dropping it gives the place back.
        let admission = self.admit()?;
        let permit = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Busy)?;
        Ok(JobTurn {
            _permit: permit,
            _admission: admission,
        })
    }

    /// A core no job holds now, taken at once for work beside a running job's own (a photo's
    /// later readings side by side), or none: it never waits, and a job waiting for a turn
    /// gets it before this can.
    pub fn spare_core(&self) -> Option<OwnedSemaphorePermit> {
        self.running.clone().try_acquire_owned().ok()
    }

    fn admit(self: &Arc<Self>) -> Result<Admission, Busy> {
        let admission = Admission {
            queue: self.clone(),
        };
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.most_admitted {
            // Dropping the guard takes the count back.
            return Err(Busy);
        }
        Ok(admission)
    }

    /// Jobs running or waiting now.
    pub fn admitted(&self) -> usize {
        self.admitted.load(Ordering::Acquire)
    }
}

/// The cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn past_the_running_and_the_waiting_jobs_a_job_is_refused() {
        let jobs = JobQueue::new(1, 1);
        let first = jobs.turn().await.unwrap();
        let second = tokio::spawn({
            let jobs = jobs.clone();
            async move { jobs.turn().await.map(|_| ()) }
        });
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert_eq!(jobs.turn().await.err(), Some(Busy));
        drop(first);
        assert_eq!(second.await.unwrap(), Ok(()));
        assert!(
            jobs.turn().await.is_ok(),
            "room again once the jobs are done"
        );
    }

    #[tokio::test]
    async fn a_spare_core_is_one_no_job_holds_and_never_one_a_job_waits_for() {
        let jobs = JobQueue::new(2, 1);
        let running = jobs.turn().await.unwrap();
        let spare = jobs.spare_core().expect("the second core is free");
        assert!(jobs.spare_core().is_none(), "no third core");
        // A job arriving now waits for the spare core, and gets it when it is given back.
        let waiting = tokio::spawn({
            let jobs = jobs.clone();
            async move { jobs.turn().await.map(|_| ()) }
        });
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "every core is taken");
        drop(spare);
        assert_eq!(waiting.await.unwrap(), Ok(()));
        drop(running);
        assert!(
            jobs.spare_core().is_some(),
            "free again once the jobs are done"
        );
    }

    #[tokio::test]
    async fn a_queue_of_no_jobs_refuses_every_one() {
        let closed = JobQueue::new(0, 4);
        assert_eq!(closed.turn().await.err(), Some(Busy));
        assert_eq!(closed.admitted(), 0);
    }

    #[tokio::test]
    async fn a_waiting_job_dropped_gives_its_place_back() {
        let jobs = JobQueue::new(1, 1);
        let running = jobs.turn().await.unwrap();
        for _ in 0..5 {
            // A client that goes away while waiting: its future is dropped mid-wait.
            let waiting = jobs.turn();
            let gone = tokio::time::timeout(std::time::Duration::from_millis(10), waiting).await;
            assert!(gone.is_err(), "it was waiting");
            assert_eq!(jobs.admitted(), 1, "only the running job holds a place");
        }
        drop(running);
        assert!(jobs.turn().await.is_ok());
        assert_eq!(jobs.admitted(), 0);
    }

    #[tokio::test]
    async fn a_turn_moved_into_blocking_work_is_held_until_that_work_ends() {
        let jobs = JobQueue::new(1, 0);
        let turn = jobs.turn().await.unwrap();
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let work = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            wait.recv().ok();
        });
        // The request that started it is gone; the work goes on and keeps the place.
        assert_eq!(jobs.turn().await.err(), Some(Busy));
        release.send(()).unwrap();
        work.await.unwrap();
        assert!(jobs.turn().await.is_ok());
    }
}
