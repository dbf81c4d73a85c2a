//! The progress bar on stderr (the only user of indicatif): energies done, rate, ETA. Hidden
//! when stderr is not a terminal or with `--quiet`. With the environment variable
//! `NUSPIN_PROGRESS=lines` it prints `done <grid index>` per finished grid point instead (for
//! batch logs and scripts). A coupled run's scan point, whose energies finish together,
//! advances the bar while it is solved, by the fraction of its track done; in lines mode it
//! prints `scan point <index>: <percent>%` each time that fraction passes a whole percent.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::run::Progress;

/// An indicatif bar counting finished energies.
pub struct EnergyBar {
    bar: ProgressBar,
    lines: bool,
    counts: Mutex<Counts>,
}

/// The bar's position: finished energies plus the share of the scan points being solved.
#[derive(Default)]
struct Counts {
    done: u64,
    in_flight: Vec<InFlight>,
}

/// A coupled scan point being solved.
struct InFlight {
    scan: usize,
    energies: usize,
    /// The energies' worth of its track done.
    worth: u64,
    /// The last whole percent of its track printed in lines mode.
    percent: u64,
}

impl Counts {
    fn position(&self) -> u64 {
        self.done + self.in_flight.iter().map(|f| f.worth).sum::<u64>()
    }
}

impl EnergyBar {
    /// A bar over `total` energies; drawn only if `visible` and stderr is a terminal.
    pub fn new(total: usize, visible: bool) -> Self {
        let bar = ProgressBar::new(total as u64);
        if visible && std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} energies  {per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
        } else {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        let lines = visible && std::env::var("NUSPIN_PROGRESS").is_ok_and(|v| v == "lines");
        if lines {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        EnergyBar {
            bar,
            lines,
            counts: Mutex::default(),
        }
    }

    /// Where the bar stands (finished energies, plus the part of the coupled scan points
    /// being solved).
    pub fn position(&self) -> u64 {
        self.bar.position()
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        // A panic elsewhere while the lock was held leaves counts that are still usable.
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for EnergyBar {
    fn energy_done(&self, energy_index: usize) {
        if self.lines {
            eprintln!("done {energy_index}");
        }
        let mut counts = self.counts();
        counts.done += 1;
        // Its scan point's share now counts as finished energies.
        counts
            .in_flight
            .retain(|f| energy_index / f.energies.max(1) != f.scan);
        self.bar.set_position(counts.position());
    }

    fn scan_point_progress(&self, scan: usize, fraction: f64, energies: usize) {
        let fraction = fraction.clamp(0.0, 1.0);
        let worth = (fraction * energies as f64).floor() as u64;
        let percent = (fraction * 100.0).floor() as u64;
        let mut counts = self.counts();
        let index = match counts.in_flight.iter().position(|f| f.scan == scan) {
            Some(i) => i,
            None => {
                counts.in_flight.push(InFlight {
                    scan,
                    energies,
                    worth,
                    percent,
                });
                if self.lines {
                    eprintln!("scan point {scan}: {percent}%");
                }
                counts.in_flight.len() - 1
            }
        };
        let f = &mut counts.in_flight[index];
        f.worth = worth;
        if self.lines && percent > f.percent {
            f.percent = percent;
            // Printed under the lock, so a scan point's lines come out in order.
            eprintln!("scan point {scan}: {percent}%");
        }
        self.bar.set_position(counts.position());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coupled_scan_point_advances_the_bar_while_it_is_solved() {
        let bar = EnergyBar::new(12, false);
        bar.scan_point_progress(1, 0.5, 4);
        assert_eq!(bar.position(), 2);
        bar.scan_point_progress(2, 0.26, 4);
        bar.scan_point_progress(1, 0.99, 4);
        assert_eq!(bar.position(), 3 + 1);
        // Scan point 1 finishes: its share becomes its four finished energies.
        for g in 4..8 {
            bar.energy_done(g);
        }
        assert_eq!(bar.position(), 4 + 1);
        bar.energy_done(0);
        assert_eq!(bar.position(), 5 + 1);
    }
}
