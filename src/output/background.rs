//! [`TimedPartial`]: a [`PartialWriter`] on its own thread that syncs on a timer.
//!
//! Appending (and fsyncing) every batch as it finishes put the disk on the solving thread's
//! path: at microseconds per grid point most of a run was spent syncing. Here finished grid
//! points are handed over a channel and written in one batch at most once per `interval`
//! (1 s in the CLI), and within `interval` of arriving even when nothing else arrives. A hard
//! kill therefore loses at most the last `interval` of finished work (plus the time of one
//! sync); an orderly stop loses nothing, because the caller keeps every result and writes the
//! final file from them.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::error::{OutputError, Result};
use super::header::EnergyResult;
use super::partial::PartialWriter;

/// A [`PartialWriter`] fed through a channel and synced on a timer; see the module docs.
pub struct TimedPartial {
    tx: Option<mpsc::Sender<Vec<EnergyResult>>>,
    thread: Option<JoinHandle<()>>,
    /// The first failed append (the writer stops appending after it).
    error: Arc<Mutex<Option<OutputError>>>,
}

impl TimedPartial {
    /// Moves `writer` to a new thread that appends what [`TimedPartial::push`] sends, in one
    /// batch per `interval` at most.
    pub fn start(mut writer: PartialWriter, interval: Duration) -> Self {
        let (tx, rx) = mpsc::channel::<Vec<EnergyResult>>();
        let error = Arc::new(Mutex::new(None));
        let failed = Arc::clone(&error);
        let thread = std::thread::spawn(move || {
            let mut pending: Vec<EnergyResult> = Vec::new();
            let mut last_sync = Instant::now();
            let mut flush = |pending: &mut Vec<EnergyResult>, last_sync: &mut Instant| {
                if pending.is_empty() {
                    return;
                }
                if let Err(e) = writer.append_batch(pending) {
                    failed
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get_or_insert(e);
                }
                pending.clear();
                *last_sync = Instant::now();
            };
            loop {
                let next = if pending.is_empty() {
                    rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
                } else {
                    rx.recv_timeout(interval.saturating_sub(last_sync.elapsed()))
                };
                match next {
                    Ok(batch) => {
                        pending.extend(batch);
                        if last_sync.elapsed() >= interval {
                            flush(&mut pending, &mut last_sync);
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => flush(&mut pending, &mut last_sync),
                    // The run is over: the caller writes the final file from its own copy.
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
        });
        TimedPartial {
            tx: Some(tx),
            thread: Some(thread),
            error,
        }
    }

    /// Hands finished grid points to the writer; fails once an earlier append failed.
    pub fn push(&self, batch: Vec<EnergyResult>) -> Result<()> {
        if let Some(e) = self.error.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Err(e);
        }
        if let Some(tx) = &self.tx {
            // A closed channel means the writer thread is gone; its error (if any) is
            // reported by the next push or by `finish`.
            let _ = tx.send(batch);
        }
        Ok(())
    }

    /// Stops the writer (without a last sync: the final file holds everything) and releases
    /// the `.partial` file; returns the first append error, if any.
    pub fn finish(mut self) -> Result<()> {
        self.stop();
        match self.error.lock().unwrap_or_else(|p| p.into_inner()).take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn stop(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for TimedPartial {
    fn drop(&mut self) {
        self.stop();
    }
}
