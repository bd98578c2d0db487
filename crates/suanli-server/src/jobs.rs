//! Monte Carlo jobs run in the background, a bounded number at a time.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use suanli_mc::run::McResult;

/// Jobs that may run at once; more get 429 Too Many Requests.
pub const MAX_RUNNING: usize = 2;
/// Jobs kept (finished ones are dropped oldest first).
const MAX_KEPT: usize = 16;

/// One job.
pub struct Job {
    /// Draws asked for.
    pub total: u64,
    /// Draws done so far.
    pub done: Arc<AtomicU64>,
    /// The result, once finished.
    pub result: Option<Arc<McResult>>,
}

/// All jobs, by id.
#[derive(Default)]
pub struct Jobs {
    next: u64,
    jobs: BTreeMap<u64, Job>,
}

impl Jobs {
    /// Registers a job, or says why not.
    pub fn start(&mut self, total: u64) -> Result<(u64, Arc<AtomicU64>), String> {
        let running = self.jobs.values().filter(|j| j.result.is_none()).count();
        if running >= MAX_RUNNING {
            return Err(format!("{running} Monte Carlo jobs are running; try again when one finishes"));
        }
        while self.jobs.len() >= MAX_KEPT {
            let Some(oldest) = self.jobs.iter().find(|(_, j)| j.result.is_some()).map(|(id, _)| *id) else {
                break;
            };
            self.jobs.remove(&oldest);
        }
        self.next += 1;
        let done = Arc::new(AtomicU64::new(0));
        self.jobs.insert(self.next, Job { total, done: done.clone(), result: None });
        Ok((self.next, done))
    }

    /// Stores a finished job's result.
    pub fn finish(&mut self, id: u64, result: McResult) {
        if let Some(j) = self.jobs.get_mut(&id) {
            j.done.store(j.total, Ordering::Relaxed);
            j.result = Some(Arc::new(result));
        }
    }

    /// A job by id.
    pub fn get(&self, id: u64) -> Option<&Job> {
        self.jobs.get(&id)
    }
}
