//! The progress bar on stderr (the only user of indicatif): energies done, rate, ETA. Hidden
//! when stderr is not a terminal or with `--quiet`. With the environment variable
//! `NUSPIN_PROGRESS=lines` it prints `done <grid index>` per finished grid point instead (for
//! batch logs and scripts).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::run::Progress;

/// An indicatif bar counting finished energies.
pub struct EnergyBar {
    bar: ProgressBar,
    lines: bool,
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
        EnergyBar { bar, lines }
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
        self.bar.inc(1);
    }
}
