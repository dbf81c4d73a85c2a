//! The command-line interface: a thin layer over the library. Argument parsing is declarative
//! (clap derive; the doc comments are the help text); each subcommand lives in its own file.
//!
//! - [`run`](mod@run): `nuspin run SCENARIO.toml` → HDF5.
//! - [`inspect`]: `nuspin inspect FILE.h5` → what a file holds, and a probability table.
//! - [`medium`]: `nuspin medium sample | check` → author and check media.
//! - [`moments`]: `nuspin moments` → SM moments, decay rates, published bounds.
//! - [`merge`]: `nuspin merge SHARDS... -o OUT` → one file from `nuspin run --shard` files.
//! - [`progress`]: the progress bar.
//! - [`format`](mod@format): numbers and counts in messages.
//! - [`inputs`]: the run's input files, which an output may never replace.
//! - [`resume`]: `nuspin run --resume FILE`, what an interrupted run left.

pub mod format;
pub mod inputs;
pub mod inspect;
pub mod medium;
pub mod merge;
pub mod moments;
pub mod progress;
pub mod resume;
pub mod run;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::Error;

/// nuspin: neutrino spin-flavour evolution in stars, supernovae and the Earth.
#[derive(Debug, Parser)]
#[command(name = "nuspin", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario file and write its probabilities to HDF5.
    Run(RunArgs),
    /// Show what an output file holds and a probability table at one energy.
    Inspect(InspectArgs),
    /// Look at and check media before running.
    #[command(subcommand)]
    Medium(MediumCommand),
    /// Standard-Model moment predictions, radiative decay rates and published bounds.
    Moments(moments::MomentsArgs),
    /// Join the shard files of one scenario into one output file.
    Merge(MergeArgs),
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file (TOML, see docs/scenario.md).
    #[arg(required_unless_present = "resume")]
    pub scenario: Option<PathBuf>,
    /// Output file (overrides `file` of the scenario's output table).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Replace an existing output file; it is replaced only when the new run finishes.
    #[arg(long)]
    pub force: bool,
    /// Finish an interrupted run: FILE is its output (`complete = 0`) or the `.partial` file
    /// a killed run left. Solves only the missing energies, with the scenario stored in FILE.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["scenario", "output", "shard", "force"])]
    pub resume: Option<PathBuf>,
    /// Worker threads (default: one per core; at most 4 per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Refuse to start when the estimated memory peak exceeds this (e.g. 8G, 500M); the
    /// machine's available memory is always a limit.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<f64>,
    /// No progress bar and no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Compute only shard K of N of the (scan × energy) grid, every N-th grid point from
    /// K − 1 (e.g. `--shard 2/8`); join the shard files with `nuspin merge`. The default
    /// output name gets `.shard-K-of-N` before its extension.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
}

/// `K/N` with 1 ≤ K ≤ N.
fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
    match parsed {
        Some((k, n)) if k >= 1 && k <= n => Ok((k, n)),
        _ => Err(format!(
            "expected K/N with 1 <= K <= N (e.g. 2/8), got \"{text}\""
        )),
    }
}

/// `--max-memory`: bytes.
fn parse_size(text: &str) -> Result<f64, String> {
    crate::run::estimate::parse_bytes(text)
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The shard files of one scenario (`nuspin run --shard K/N`), in any order.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The merged output file.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Overwrite an existing output file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// An output file (`.h5`, or a `.h5.partial` left by an interrupted run).
    pub file: PathBuf,
    /// Energy (MeV) of the probability table; the nearest grid energy is shown.
    #[arg(long)]
    pub energy_mev: Option<f64>,
    /// Record position (km) of the table; default: the last one.
    #[arg(long)]
    pub x_km: Option<f64>,
}

#[derive(Debug, Subcommand)]
pub enum MediumCommand {
    /// Sample the medium of a scenario along its track (CSV: x_km then the quantities).
    Sample {
        /// The scenario file.
        scenario: PathBuf,
        /// Number of points along the track.
        #[arg(long, default_value_t = 200)]
        points: usize,
        /// Write the CSV here instead of standard output.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Replace an existing CSV file.
        #[arg(long)]
        force: bool,
    },
    /// Check a medium table (CSV) and report every problem with its line and column.
    Check {
        /// The CSV file.
        file: PathBuf,
    },
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run(args) => run::execute(&args),
        Command::Inspect(args) => inspect::execute(&args),
        Command::Medium(cmd) => medium::execute(&cmd),
        Command::Moments(args) => moments::execute(&args),
        Command::Merge(args) => merge::execute(&args),
    }
}
