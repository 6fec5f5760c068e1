//! `transcribe` and `models`: local transcription from the command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use clap::{Args, Subcommand};

use starling_studio::transcription::{self, JobError, WorkerCommand};
use starling_studio::{DataPaths, Studio, StudioError};
use starling_transcribe::audio;

use crate::{fail, print_json};

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    /// A WAV file (any rate, channels and sample format hound reads).
    file: PathBuf,
    /// An installed model's name, or the path of a ggml .bin file (default:
    /// the default model).
    #[arg(long)]
    model: Option<String>,
    /// Beam search width (default: greedy decoding).
    #[arg(long)]
    beam: Option<usize>,
    /// Print segments and words with their times as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// List installed models.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Import a ggml .bin file or a faster-whisper / CTranslate2 model folder.
    Import {
        path: PathBuf,
        /// The name to install it under (default: from the file or folder name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Choose the model used for new recordings.
    Default { name: String },
    /// Measure a model on this machine: word error rate and speed on a short
    /// spoken answer that ships with Starling.
    Measure { name: String },
    /// Download a model the whisper.cpp project publishes (tiny.en, base.en,
    /// small.en), verified against its published SHA-1.
    Download { name: String },
}

fn studio() -> Result<Studio, StudioError> {
    Studio::open(DataPaths::resolve(None)?)
}

pub fn transcribe(args: TranscribeArgs) -> ExitCode {
    // whisper.cpp runs in a worker process, as in the app: the same build for
    // this processor is chosen (see `starling_transcribe::cpu`), and a crash
    // inside it is reported instead of taking this process down.
    let run = || -> Result<starling_transcribe::Transcript, StudioError> {
        // Refuse what is not a readable WAV before looking for a model.
        audio::load_wav(&args.file)?;
        let studio = studio()?;
        let model = match &args.model {
            Some(m) => studio.resolve_model(m)?,
            None => PathBuf::from(studio.default_model()?.ok_or(StudioError::NoModel)?.path),
        };
        let worker = WorkerCommand::current_exe().map_err(JobError::Start)?;
        Ok(transcription::transcribe_file(&worker, &model, &args.file, args.beam, &mut |_| {})?)
    };
    match run() {
        Ok(t) if args.json => print_json(&t),
        Ok(t) => {
            for s in &t.segments {
                println!("[{:>7.2} → {:>7.2}] {}", s.start_ms as f64 / 1000.0, s.end_ms as f64 / 1000.0, s.text);
            }
            eprintln!(
                "{}: {:.1} s of audio in {:.1} s (real-time factor {:.2})",
                t.model,
                t.audio_ms as f64 / 1000.0,
                t.elapsed_ms as f64 / 1000.0,
                t.elapsed_ms as f64 / t.audio_ms.max(1) as f64
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

pub fn models(cmd: ModelsCommand) -> ExitCode {
    let studio = match studio() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    match cmd {
        ModelsCommand::List { json } => match studio.list_models() {
            Ok(list) if json => print_json(&list),
            Ok(list) => {
                if list.is_empty() {
                    println!("No models installed. Import one with `starling models import PATH`.");
                }
                for m in list {
                    println!("{} {:<24} {:>7.1} MB  {}", if m.is_default { "*" } else { " " }, m.name, m.bytes as f64 / 1e6, m.path);
                }
                if let Ok(exe) = std::env::current_exe() {
                    let (program, level) = starling_transcribe::cpu::worker_program(&exe);
                    println!("Transcription on this processor uses whisper.cpp built for {level}: {}", program.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        ModelsCommand::Import { path, name } => match WorkerCommand::current_exe()
            .map_err(|e| StudioError::Job(JobError::Start(e)))
            .and_then(|worker| studio.import_model(&path, name.as_deref(), &worker))
        {
            Ok(m) => {
                println!("installed {} ({:.1} MB){}", m.name, m.bytes as f64 / 1e6, if m.is_default { ", the default model" } else { "" });
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        ModelsCommand::Measure { name } => {
            let worker = match WorkerCommand::current_exe() {
                Ok(w) => w,
                Err(e) => return fail(e),
            };
            match studio.measure_model(&name, &worker) {
                Ok(m) => {
                    println!(
                        "{name}: word error rate {:.1} %, real-time factor {:.2} ({:.1}× faster than real time)",
                        m.wer * 100.0,
                        m.real_time_factor,
                        1.0 / m.real_time_factor.max(0.001)
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        ModelsCommand::Download { name } => {
            let mut last = 0u64;
            let result = Studio::download_model(
                &studio.models_dir(),
                &name,
                &mut |done, total| {
                    if done >= last + 10_000_000 || Some(done) == total {
                        last = done;
                        match total {
                            Some(t) => eprintln!("{:>6.1} / {:.1} MB", done as f64 / 1e6, t as f64 / 1e6),
                            None => eprintln!("{:>6.1} MB", done as f64 / 1e6),
                        }
                    }
                },
                &AtomicBool::new(false),
            )
            .and_then(|_| studio.adopt_model(&name));
            match result {
                Ok(m) => {
                    println!("installed {} ({:.1} MB){}", m.name, m.bytes as f64 / 1e6, if m.is_default { ", the default model" } else { "" });
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        ModelsCommand::Default { name } => match studio.set_default_model(&name) {
            Ok(()) => {
                println!("{name} is now the default model");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}
