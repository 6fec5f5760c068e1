//! Hostile input: archives, models and files built to crash, hang or
//! overwrite, and two Starlings on one data folder. Each is refused with a
//! specific message, promptly, and the user's data is as it was.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::worker;
use starling_studio::transcription::check_model_loads;
use starling_studio::{DataLock, DataPaths, Studio};
use zip::write::SimpleFileOptions;

use super::{keep_note, note_survived, says, Env};

const QUESTION: &str = "behavior-difficult-bug";

fn cli(paths: &DataPaths, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_starling-cli"));
    c.args(args).env("STARLING_DATA_DIR", paths.root()).stdin(Stdio::null());
    c
}

fn run(paths: &DataPaths, args: &[&str]) -> Result<Output, String> {
    cli(paths, args).output().map_err(|e| format!("starling-cli does not start: {e}"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).trim().to_string()
}


/// A data folder with a note and one recording, both of which must survive.
fn user_data(env: &Env, name: &str) -> Result<(DataPaths, Vec<u8>), String> {
    let paths = env.data(name);
    keep_note(&Studio::open(paths.clone()).map_err(|e| e.to_string())?, QUESTION)?;
    std::fs::create_dir_all(paths.recordings()).map_err(|e| e.to_string())?;
    let take = b"RIFF-my-own-take".to_vec();
    std::fs::write(paths.recordings().join("mine.wav"), &take).map_err(|e| e.to_string())?;
    Ok((paths, take))
}

/// The note and the recording are still there, nothing was set aside and no
/// staging folder is left.
fn untouched(paths: &DataPaths, take: &[u8]) -> Result<(), String> {
    note_survived(paths, QUESTION)?;
    if std::fs::read(paths.recordings().join("mine.wav")).ok().as_deref() != Some(take) {
        return Err("the user's recording changed".into());
    }
    if paths.root().join("backups").exists() {
        return Err("data was moved aside although nothing was restored".into());
    }
    let left: Vec<String> = std::fs::read_dir(paths.root())
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    if !left.is_empty() {
        return Err(format!("staging folders were left: {left:?}"));
    }
    Ok(())
}

/// A zip of `entries` (stored, so sizes can be patched), with a manifest
/// listing `listed` as (path, bytes).
fn archive(dir: &Path, name: &str, listed: &[(&str, u64)], entries: &[(&str, Vec<u8>)]) -> Result<PathBuf, String> {
    let files: Vec<String> = listed.iter().map(|(p, b)| format!(r#"{{"path":"{p}","bytes":{b}}}"#)).collect();
    let manifest = format!(
        r#"{{"format":"starling-backup","version":1,"schema_version":1,"created_ms":0,"app_version":"0","files":[{}]}}"#,
        files.join(",")
    );
    let path = dir.join(name);
    let file = std::fs::File::create(&path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipWriter::new(file);
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("manifest.json", stored).map_err(|e| e.to_string())?;
    zip.write_all(manifest.as_bytes()).map_err(|e| e.to_string())?;
    for (entry, bytes) in entries {
        let options = if bytes.len() > 1 << 20 { SimpleFileOptions::default() } else { stored };
        zip.start_file(*entry, options).map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())?;
    }
    zip.finish().map_err(|e| e.to_string())?;
    Ok(path)
}

/// A real, empty database of this Starling, as a backup would carry.
fn database(env: &Env) -> Result<Vec<u8>, String> {
    let paths = env.data("archive-db-source");
    let studio = Studio::open(paths.clone()).map_err(|e| e.to_string())?;
    let out = env.dir.path().join("source-backup.zip");
    studio.export_backup(&out).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let mut db = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("starling.db").map_err(|e| e.to_string())?, &mut db).map_err(|e| e.to_string())?;
    Ok(db)
}

/// Restores `archive` with `starling import`: it must fail, quickly, and
/// leave the data untouched. Returns what the user was told.
fn refused_restore(env: &Env, name: &str, archive: &Path) -> Result<String, String> {
    let (paths, take) = user_data(env, name)?;
    let started = Instant::now();
    let out = run(&paths, &["import", &archive.display().to_string()])?;
    if out.status.success() {
        return Err(format!("the archive was restored: {}", String::from_utf8_lossy(&out.stdout)));
    }
    if started.elapsed() > Duration::from_secs(60) {
        return Err(format!("refusing it took {:.0} s", started.elapsed().as_secs_f64()));
    }
    untouched(&paths, &take)?;
    Ok(stderr(&out))
}

/// Two entries under one name: the zip library would keep only the last.
pub fn archive_duplicate_names(env: &Env) -> Result<String, String> {
    let db = database(env)?;
    let path = archive(
        env.dir.path(),
        "twice.zip",
        &[("starling.db", db.len() as u64), ("recordings/a.wav", 5)],
        &[("starling.db", db.clone()), ("recordings/a.wav", b"first".to_vec()), ("recordings/b.wav", b"other".to_vec())],
    )?;
    let mut bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
    let (from, to) = (b"recordings/b.wav", b"recordings/a.wav");
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(from.len()).position(|w| w == from) {
        bytes[at + i..at + i + from.len()].copy_from_slice(to);
        at += i + from.len();
    }
    std::fs::write(&path, &bytes).map_err(|e| e.to_string())?;
    let message = refused_restore(env, "restore-twice", &path)?;
    says(&message, &["twice.zip", "recordings/a.wav", "appears twice", "Nothing was restored"])
}

/// An entry whose headers say 10 bytes but which holds 64 MiB: extraction
/// stops at the declared size and the restore is refused.
pub fn archive_lying_sizes(env: &Env) -> Result<String, String> {
    let db = database(env)?;
    let big = vec![0u8; 64 << 20];
    let path = archive(
        env.dir.path(),
        "bomb.zip",
        &[("starling.db", db.len() as u64), ("recordings/a.wav", 10)],
        &[("starling.db", db), ("recordings/a.wav", big)],
    )?;
    let mut bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
    let name = b"recordings/a.wav";
    // Local header: uncompressed size at +22; central directory: at +24.
    let mut patched = 0;
    for (sig, offset) in [(b"PK\x03\x04", 22usize), (b"PK\x01\x02", 24usize)] {
        let name_at = if sig == b"PK\x03\x04" { 30 } else { 46 };
        let mut i = 0;
        while i + name_at + name.len() <= bytes.len() {
            if &bytes[i..i + 4] == sig && &bytes[i + name_at..i + name_at + name.len()] == name {
                bytes[i + offset..i + offset + 4].copy_from_slice(&10u32.to_le_bytes());
                patched += 1;
            }
            i += 1;
        }
    }
    if patched != 2 {
        return Err(format!("the test archive could not be patched ({patched} headers)"));
    }
    std::fs::write(&path, &bytes).map_err(|e| e.to_string())?;
    let message = refused_restore(env, "restore-bomb", &path)?;
    says(&message, &["bomb.zip", "recordings/a.wav", "Nothing was restored"])
}

/// An archive without a database would replace the user's data with none.
pub fn archive_without_database(env: &Env) -> Result<String, String> {
    let path = archive(env.dir.path(), "no-db.zip", &[("recordings/a.wav", 5)], &[("recordings/a.wav", b"audio".to_vec())])?;
    let message = refused_restore(env, "restore-no-db", &path)?;
    says(&message, &["no-db.zip", "no database"])
}

/// ggml's weight type (ftype) patched to a value whisper.cpp does not know:
/// refused at import, and the model already installed under the same name
/// stays, still loading.
pub fn model_unknown_type_under_an_existing_name(env: &Env) -> Result<String, String> {
    let paths = env.data("model-odd-type");
    let studio = Studio::open(paths.clone()).map_err(|e| e.to_string())?;
    let good = studio.import_model(&env.model, Some("tiny.en"), &worker()).map_err(|e| e.to_string())?;
    let mut bytes = std::fs::read(&env.model).map_err(|e| e.to_string())?;
    bytes[44..48].copy_from_slice(&1234i32.to_le_bytes());
    let odd = env.dir.path().join("odd-type.bin");
    std::fs::write(&odd, &bytes).map_err(|e| e.to_string())?;
    let message = match studio.import_model(&odd, Some("tiny.en"), &worker()) {
        Ok(_) => return Err("a model with an unknown weight type was installed".into()),
        Err(e) => e.to_string(),
    };
    let now = studio.list_models().map_err(|e| e.to_string())?;
    if now.len() != 1 || now[0].bytes != good.bytes {
        return Err(format!("the installed models changed: {now:?}"));
    }
    check_model_loads(&worker(), Path::new(&now[0].path)).map_err(|e| format!("the good model no longer loads: {e}"))?;
    let leftovers: Vec<_> = std::fs::read_dir(studio.models_dir()).map_err(|e| e.to_string())?.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".partial")).collect();
    if !leftovers.is_empty() {
        return Err(format!("staged files were left: {leftovers:?}"));
    }
    if message.contains("models/tiny.en.bin") {
        return Err(format!("the message names the installed model, not the bad file: {message}"));
    }
    says(&message, &["odd-type.bin", "1234"])
}

/// While one Starling holds the folder (this process, then a `models
/// measure` child), `import`, `export` and `notes` from another process are
/// refused with the holder's pid, and nothing is written.
pub fn two_processes_on_one_folder(env: &Env) -> Result<String, String> {
    let (paths, take) = user_data(env, "two-processes")?;
    let backup = env.dir.path().join("two-processes.zip");
    Studio::open(paths.clone()).map_err(|e| e.to_string())?.export_backup(&backup).map_err(|e| e.to_string())?;
    let me = format!("(pid {})", std::process::id());
    let held = Studio::open(paths.clone()).map_err(|e| e.to_string())?;
    let mut messages = Vec::new();
    for args in [
        vec!["import".to_string(), backup.display().to_string()],
        vec!["export".into(), "--out".into(), env.dir.path().join("second.zip").display().to_string()],
        vec!["notes".into(), "--out".into(), env.dir.path().join("second.md").display().to_string()],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&paths, &args)?;
        if out.status.success() {
            return Err(format!("`{}` ran while the folder was in use", args[0]));
        }
        messages.push(says(&stderr(&out), &["Starling is already using this data folder", &me])?);
    }
    if env.dir.path().join("second.zip").exists() || env.dir.path().join("second.md").exists() {
        return Err("a refused export wrote its file".into());
    }
    drop(held);

    // A second process holds it now: a measurement runs for a few seconds.
    let studio = Studio::open(paths.clone()).map_err(|e| e.to_string())?;
    studio.import_model(&env.model, Some("tiny.en"), &worker()).map_err(|e| e.to_string())?;
    drop(studio);
    let mut measuring = cli(&paths, &["models", "measure", "tiny.en"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while DataLock::acquire(&paths).is_ok() {
        if Instant::now() > deadline || measuring.try_wait().map_err(|e| e.to_string())?.is_some() {
            let _ = measuring.kill();
            return Err("the measuring process never held the folder".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = run(&paths, &["import", &backup.display().to_string()])?;
    let status = measuring.wait().map_err(|e| e.to_string())?;
    if out.status.success() {
        return Err("import ran during a measurement".into());
    }
    messages.push(says(&stderr(&out), &["Starling is already using this data folder", &format!("(pid {})", measuring.id())])?);
    if !status.success() {
        return Err("the measurement failed".into());
    }
    untouched(&paths, &take)?;
    Ok(messages.join(" | "))
}

/// `notes --out` and `export --out` aimed at the live database (directly and
/// through a link) or at a device are refused, and the database is intact.
pub fn export_over_the_database(env: &Env) -> Result<String, String> {
    let (paths, take) = user_data(env, "export-over-db")?;
    let link = env.dir.path().join("innocent.md");
    std::os::unix::fs::symlink(paths.database(), &link).map_err(|e| e.to_string())?;
    let mut messages = Vec::new();
    for args in [
        ["notes", "--out", &paths.database().display().to_string()],
        ["notes", "--out", &link.display().to_string()],
        ["export", "--out", &paths.recordings().join("x.zip").display().to_string()],
        ["export", "--out", "/dev/full"],
    ] {
        let out = run(&paths, &args)?;
        if out.status.success() {
            return Err(format!("`{}` was written", args.join(" ")));
        }
        messages.push(stderr(&out));
    }
    untouched(&paths, &take)?;
    if paths.recordings().join("x.zip").exists() {
        return Err("an archive was written into the recordings folder".into());
    }
    says(&messages[0], &["inside Starling's data folder"])?;
    says(&messages[1], &["inside Starling's data folder"])?;
    says(&messages[3], &["a device, not a regular file"])?;
    Ok(messages.join(" | "))
}

/// A WAV whose header claims a 1 Hz sample rate, and a named pipe passed as
/// a WAV: `transcribe` refuses both at once instead of allocating gigabytes
/// or waiting forever.
pub fn hostile_wav_files(env: &Env) -> Result<String, String> {
    let paths = env.data("hostile-wav");
    let mut bytes = std::fs::read(&env.speech).map_err(|e| e.to_string())?;
    bytes[24..28].copy_from_slice(&1u32.to_le_bytes());
    bytes[28..32].copy_from_slice(&2u32.to_le_bytes());
    let slow = env.dir.path().join("one-hertz.wav");
    std::fs::write(&slow, &bytes).map_err(|e| e.to_string())?;
    let pipe = env.dir.path().join("pipe.wav");
    if !Command::new("mkfifo").arg(&pipe).status().is_ok_and(|s| s.success()) {
        return Err("mkfifo failed".into());
    }
    let mut messages = Vec::new();
    for file in [&slow, &pipe] {
        let started = Instant::now();
        let mut child = cli(&paths, &["transcribe", &file.display().to_string()]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(|e| e.to_string())?;
        while child.try_wait().map_err(|e| e.to_string())?.is_none() {
            if started.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                return Err(format!("`transcribe {}` was still running after 20 s", file.display()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        if out.status.success() || out.status.code().is_none() {
            return Err(format!("`transcribe {}` ended with {}", file.display(), out.status));
        }
        messages.push(stderr(&out));
    }
    says(&messages[0], &["one-hertz.wav", "sample rate"])?;
    says(&messages[1], &["pipe.wav", "named pipe"])?;
    Ok(messages.join(" | "))
}

/// A backup that would not fit on the data folder's disk (a 96 MiB disk, an
/// archive of 128 MiB once extracted) is refused before a byte is
/// extracted, naming the space it needs.
pub fn restore_without_room(env: &Env) -> Result<String, String> {
    let paths = env.data("restore-full");
    let disk = crate::common::SmallDisk::mount(paths.root(), "96m")?;
    let (paths, take) = user_data(env, "restore-full")?;
    let db = database(env)?;
    let big = vec![0u8; 128 << 20];
    let path = archive(
        env.dir.path(),
        "too-big.zip",
        &[("starling.db", db.len() as u64), ("recordings/big.wav", big.len() as u64)],
        &[("starling.db", db), ("recordings/big.wav", big)],
    )?;
    let out = run(&paths, &["import", &path.display().to_string()])?;
    if out.status.success() {
        return Err("the archive was restored onto a disk too small for it".into());
    }
    untouched(&paths, &take)?;
    let used: u64 = std::fs::read_dir(paths.root()).map_err(|e| e.to_string())?.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum();
    if used > 8 << 20 {
        return Err(format!("{used} bytes were written to the small disk"));
    }
    drop(disk);
    says(&stderr(&out), &["too-big.zip", "needs", "bytes free", "Nothing was restored"])
}
