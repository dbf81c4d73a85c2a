//! The `nuspin` command: parse arguments, run, print the error chain, exit 2 for bad input
//! and 1 for a failure while running.

use clap::Parser;

fn main() {
    let cli = nuspin::cli::Cli::parse();
    match nuspin::cli::execute(cli) {
        Ok(()) => {}
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            std::process::exit(e.exit_code());
        }
    }
}
