//! OCR jobs, one per core, with a short queue behind them: past that a photo is refused at once
//! (a 503 with Retry-After) rather than left waiting while the server's threads fill up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::PhotoError;

pub struct OcrJobs {
    running: Arc<Semaphore>,
    /// Jobs admitted: running and waiting.
    admitted: AtomicUsize,
    most_admitted: usize,
}

/// A job's place: while held, one core is this job's.
pub struct JobTurn {
    _permit: OwnedSemaphorePermit,
    jobs: Arc<OcrJobs>,
}

impl Drop for JobTurn {
    fn drop(&mut self) {
        self.jobs.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

impl OcrJobs {
    /// `at_once` jobs run, `waiting` more wait for a turn.
    pub fn new(at_once: usize, waiting: usize) -> Arc<Self> {
        Arc::new(OcrJobs {
            running: Arc::new(Semaphore::new(at_once.max(1))),
            admitted: AtomicUsize::new(0),
            most_admitted: at_once.max(1) + waiting,
        })
    }

    /// One job per core, and as many waiting.
    pub fn per_core() -> Arc<Self> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores, cores)
    }

    /// A turn, after waiting for one if the queue has room; `Busy` if it has none.
    pub async fn turn(self: &Arc<Self>) -> Result<JobTurn, PhotoError> {
        let admitted = self.admitted.fetch_add(1, Ordering::AcqRel);
        if admitted >= self.most_admitted {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(PhotoError::Busy);
        }
        let permit = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| PhotoError::Busy)?;
        Ok(JobTurn {
            _permit: permit,
            jobs: self.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn past_the_running_and_the_waiting_jobs_a_photo_is_refused() {
        let jobs = OcrJobs::new(1, 1);
        let first = jobs.turn().await.unwrap();
        let second = tokio::spawn({
            let jobs = jobs.clone();
            async move { jobs.turn().await.map(|_| ()) }
        });
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert_eq!(jobs.turn().await.err(), Some(PhotoError::Busy));
        drop(first);
        assert_eq!(second.await.unwrap(), Ok(()));
        assert!(
            jobs.turn().await.is_ok(),
            "room again once the jobs are done"
        );
    }
}
