//! [`TimedPartial`]: a [`PartialWriter`] on its own thread that syncs on a timer.
//!
//! Appending (and fsyncing) every batch as it finishes put the disk on the solving thread's
//! path: at microseconds per grid point most of a run was spent syncing. Here finished grid
//! points are handed over a channel and written in one batch at most once per `interval`
//! (1 s in the CLI), and within `interval` of arriving even when nothing else arrives — or at
//! once when they hold more than [`PENDING_MAX_BYTES`] (2 MiB), so the results waiting in memory are a fixed cost
//! (issue 16), not a second of a fast run's records. A hard kill therefore loses at most the
//! last `interval` of finished work (plus the time of one sync); an orderly stop loses
//! nothing: [`TimedPartial::finish`] appends what is pending and hands back any results an
//! append failed to write, and the final file is written from the partial file plus those.
//! When solving outpaces the disk (a loaded machine, a slow file system), [`TimedPartial::push`]
//! waits while more than [`PENDING_MAX_BYTES`] are queued for the writer: without that wait the
//! queue grew without bound, and a run's peak memory reached 2.3× what it records. A
//! run that ends before the first sync (under a second, and under [`PENDING_MAX_BYTES`] of results) never
//! appends: its results come back from `finish` and the final file is written from memory.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex};
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
    /// Results that did not reach the file (the failed append's and everything after it).
    unwritten: Arc<Mutex<Vec<EnergyResult>>>,
    /// Bytes sent to the writer and not yet taken off the channel.
    queued: Arc<Queued>,
}

/// Bytes in the channel, and a signal for a pusher waiting for them to drain.
#[derive(Default)]
struct Queued {
    bytes: Mutex<usize>,
    drained: Condvar,
}

impl Queued {
    /// Waits until at most [`PENDING_MAX_BYTES`] are queued (an empty queue always admits,
    /// so one large batch cannot wait forever), then counts `n` more.
    fn admit(&self, n: usize) {
        let mut bytes = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        while *bytes > 0 && *bytes + n > PENDING_MAX_BYTES {
            bytes = self.drained.wait(bytes).unwrap_or_else(|p| p.into_inner());
        }
        *bytes += n;
    }

    /// Counts `n` bytes as taken off the channel.
    fn release(&self, n: usize) {
        let mut bytes = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        *bytes = bytes.saturating_sub(n);
        self.drained.notify_all();
    }
}

impl TimedPartial {
    /// Moves `writer` to a new thread that appends what [`TimedPartial::push`] sends, in one
    /// batch per `interval` at most.
    pub fn start(writer: PartialWriter, interval: Duration) -> Self {
        let (tx, rx) = mpsc::channel::<Vec<EnergyResult>>();
        let error = Arc::new(Mutex::new(None));
        let unwritten = Arc::new(Mutex::new(Vec::new()));
        let queued = Arc::new(Queued::default());
        let sink = Sink {
            writer,
            failed: Arc::clone(&error),
            kept: Arc::clone(&unwritten),
            queued: Arc::clone(&queued),
            broken: false,
            appended: false,
        };
        let thread = std::thread::spawn(move || sink.serve(&rx, interval));
        TimedPartial {
            tx: Some(tx),
            thread: Some(thread),
            error,
            unwritten,
            queued,
        }
    }

    /// Hands finished grid points to the writer, waiting while it is more than
    /// [`PENDING_MAX_BYTES`] behind; fails once an earlier append failed.
    pub fn push(&self, batch: Vec<EnergyResult>) -> Result<()> {
        if let Some(e) = self.error.lock().unwrap_or_else(|p| p.into_inner()).take() {
            // Kept for the final file, like everything after the failed append.
            let mut batch = batch;
            self.unwritten
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .append(&mut batch);
            return Err(e);
        }
        if let Some(tx) = &self.tx {
            let n = bytes(&batch);
            self.queued.admit(n);
            // A closed channel means the writer thread is gone; its error (if any) is
            // reported by the next push or by `finish`.
            if tx.send(batch).is_err() {
                self.queued.release(n);
            }
        }
        Ok(())
    }

    /// Appends what is pending, stops the writer and releases the `.partial` file. Returns
    /// the results that did not reach the file with the first append error, if any: empty
    /// unless an append failed, or everything when the run ended before its first sync (so
    /// the final file is written from memory in one pass, with no partial round trip).
    pub fn finish(mut self) -> (Vec<EnergyResult>, Option<OutputError>) {
        self.stop();
        let unwritten =
            std::mem::take(&mut *self.unwritten.lock().unwrap_or_else(|p| p.into_inner()));
        let error = self.error.lock().unwrap_or_else(|p| p.into_inner()).take();
        (unwritten, error)
    }

    fn stop(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Bytes of results waiting for the file above which they are written at once (see the
/// module docs).
pub const PENDING_MAX_BYTES: usize = 2 << 20;

/// Bytes of the values `results` hold.
fn bytes(results: &[EnergyResult]) -> usize {
    results
        .iter()
        .map(|r| {
            let amplitude = r.amplitude.as_ref().map_or(0, |a| a.len() * 16);
            let steps = r.step_x_km.as_ref().map_or(0, Vec::len)
                + r.step_probability.as_ref().map_or(0, Vec::len);
            let extras: usize = r.extras.iter().map(Vec::len).sum();
            (r.probability.len() + steps + extras) * 8 + amplitude
        })
        .sum()
}

impl Drop for TimedPartial {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The writer thread: what it appends to, and where what it could not append goes.
struct Sink {
    writer: PartialWriter,
    /// The first failed append.
    failed: Arc<Mutex<Option<OutputError>>>,
    /// Results that did not reach the file.
    kept: Arc<Mutex<Vec<EnergyResult>>>,
    /// Bytes in the channel (released as batches are taken off it).
    queued: Arc<Queued>,
    /// An append failed: everything after it is kept, not appended.
    broken: bool,
    /// Some batch reached the file.
    appended: bool,
}

impl Sink {
    /// Receives batches until the run is over, appending what is pending once `interval`
    /// has passed since the last sync, or at once above [`PENDING_MAX_BYTES`].
    fn serve(mut self, rx: &mpsc::Receiver<Vec<EnergyResult>>, interval: Duration) {
        let mut pending: Vec<EnergyResult> = Vec::new();
        // Bytes of the values in `pending` (the flush empties it).
        let mut pending_bytes = 0;
        let mut last_sync = Instant::now();
        loop {
            let next = if pending.is_empty() {
                rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
            } else {
                rx.recv_timeout(interval.saturating_sub(last_sync.elapsed()))
            };
            match next {
                Ok(batch) => {
                    let n = bytes(&batch);
                    self.queued.release(n);
                    pending_bytes += n;
                    pending.extend(batch);
                    // Also written when large, so what waits for the file (and what the
                    // allocator keeps of it after) stays a fixed cost, not a second's
                    // worth of a fast run's records.
                    if last_sync.elapsed() >= interval || pending_bytes > PENDING_MAX_BYTES {
                        self.flush(&mut pending, &mut last_sync);
                        pending_bytes = 0;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.flush(&mut pending, &mut last_sync);
                    pending_bytes = 0;
                }
                // The run is over. A run that ended before its first sync hands its
                // results back for the final file (written in one pass from memory, not
                // appended here and read back); otherwise what is pending goes to the
                // file before it is closed.
                Err(RecvTimeoutError::Disconnected) => {
                    if self.appended || self.broken {
                        self.flush(&mut pending, &mut last_sync);
                    } else {
                        self.keep(&mut pending);
                    }
                    break;
                }
            }
        }
    }

    /// Appends `pending` (emptying it), or keeps it when this or an earlier append failed.
    fn flush(&mut self, pending: &mut Vec<EnergyResult>, last_sync: &mut Instant) {
        if pending.is_empty() {
            return;
        }
        if !self.broken {
            match self.writer.append_batch(pending) {
                Ok(()) => {
                    self.appended = true;
                    pending.clear();
                    *last_sync = Instant::now();
                    return;
                }
                Err(e) => {
                    self.broken = true;
                    self.failed
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get_or_insert(e);
                }
            }
        }
        self.keep(pending);
        *last_sync = Instant::now();
    }

    /// Moves `pending` to the results that did not reach the file.
    fn keep(&self, pending: &mut Vec<EnergyResult>) {
        self.kept
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .append(pending);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_push_waits_while_the_writer_is_more_than_the_budget_behind() {
        let queued = Arc::new(Queued::default());
        queued.admit(PENDING_MAX_BYTES / 2);
        // An empty queue admits even an oversized batch; a full one holds the next back.
        let waiter = {
            let queued = Arc::clone(&queued);
            std::thread::spawn(move || queued.admit(PENDING_MAX_BYTES))
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "admitted while over the budget");
        queued.release(PENDING_MAX_BYTES / 2);
        waiter.join().unwrap();
        assert_eq!(*queued.bytes.lock().unwrap(), PENDING_MAX_BYTES);
    }
}
