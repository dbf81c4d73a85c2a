//! The `nuspin` command: parse arguments, run, print the error and its causes, exit 2 for bad
//! input and 1 for a failure while running.

use clap::Parser;

fn main() {
    let cli = nuspin::cli::Cli::parse();
    if let Err(e) = nuspin::cli::execute(cli) {
        eprintln!("error: {e}");
        for cause in e.cause_lines() {
            eprintln!("  caused by: {cause}");
        }
        std::process::exit(e.exit_code());
    }
}
