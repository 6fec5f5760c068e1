//! The `starling` binary: with a subcommand (`starling bank list`) it runs the
//! headless command line and never touches the display; without one it opens
//! the window. `--data-dir DIR` (window mode) keeps all data in DIR, which the
//! end-to-end tests use for a fresh profile per test, and
//! `--clock-offset-days N` runs the review scheduler N days ahead, which they
//! use to see ratings come due.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let headless = args.get(1).and_then(|a| a.to_str()).is_some_and(|a| starling_cli::SUBCOMMANDS.contains(&a));
    starling_cli::init_logging();
    if headless {
        return starling_cli::run(args);
    }
    let data_dir = args.iter().position(|a| a == "--data-dir").and_then(|i| args.get(i + 1)).map(std::path::PathBuf::from);
    let clock = args
        .iter()
        .position(|a| a == "--clock-offset-days")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.to_str()?.parse::<f64>().ok())
        .map(starling_studio::clock::Clock::offset_days)
        .unwrap_or_default();
    starling_app::run(data_dir, clock);
    ExitCode::SUCCESS
}
