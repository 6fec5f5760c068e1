//! `export`, `import` and `notes`: the user's data in and out, headless.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use starling_studio::{backup, DataPaths, Studio, StudioError};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The archive to write (a .zip).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A backup archive written by `export` or the app.
    file: PathBuf,
}

#[derive(Debug, Args)]
pub struct NotesArgs {
    /// The Markdown file to write.
    #[arg(long)]
    out: PathBuf,
}

fn paths() -> Result<DataPaths, StudioError> {
    Ok(DataPaths::resolve(None)?)
}

fn report(result: Result<String, StudioError>) -> ExitCode {
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the whole data folder to one archive.
pub fn export(args: ExportArgs) -> ExitCode {
    report((|| {
        let s = Studio::open(paths()?)?.export_backup(&args.out)?;
        Ok(format!(
            "wrote {}: {} files, {} bytes ({} attempts, {} transcripts, {} notes, {} stories, {} ratings)",
            s.archive, s.files, s.bytes, s.counts.attempts, s.counts.transcripts, s.counts.notes, s.counts.stories, s.counts.reviews
        ))
    })())
}

/// Restores an archive; what was there is kept aside.
pub fn import(args: ImportArgs) -> ExitCode {
    report((|| {
        let paths = paths()?;
        let s = backup::restore(&paths, &args.file, starling_studio::clock::Clock::system().now_ms())?;
        let kept = s.previous.map(|p| format!("; the data that was there is kept in {p}")).unwrap_or_default();
        Ok(format!(
            "restored {} into {}: {} files ({} attempts, {} notes, {} stories){kept}",
            s.archive,
            paths.root().display(),
            s.files,
            s.counts.attempts,
            s.counts.notes,
            s.counts.stories
        ))
    })())
}

/// Writes every note and story to a Markdown file.
pub fn notes(args: NotesArgs) -> ExitCode {
    report((|| {
        let bytes = Studio::open(paths()?)?.export_notes(&args.out)?;
        Ok(format!("wrote {} ({bytes} bytes)", args.out.display()))
    })())
}
