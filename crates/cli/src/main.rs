//! `starling-cli`: the command-line entry without the desktop toolkit.

fn main() -> std::process::ExitCode {
    starling_cli::init_logging();
    starling_cli::run(std::env::args_os())
}
