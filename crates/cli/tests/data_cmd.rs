//! `export`, `import` and `notes` from the command line: a round trip between
//! two data folders, and a clear refusal of an archive that is not a backup.

use std::path::Path;
use std::process::Command;

fn cli(data_dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_starling-cli"));
    c.env("STARLING_DATA_DIR", data_dir);
    c
}

#[test]
fn export_then_import_into_another_folder_carries_the_notes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let studio = starling_studio::Studio::open(starling_studio::DataPaths::new(&a)).unwrap();
    studio
        .save_star_note(&starling_store::StarNoteDraft {
            question_id: "behavior-difficult-bug".into(),
            task: "Find the stale cache".into(),
            ..Default::default()
        })
        .unwrap();
    drop(studio);

    let archive = dir.path().join("backup.zip");
    let out = cli(&a).args(["export", "--out"]).arg(&archive).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 notes"), "{out:?}");

    let out = cli(&b).arg("import").arg(&archive).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let md = dir.path().join("notes.md");
    let out = cli(&b).args(["notes", "--out"]).arg(&md).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(std::fs::read_to_string(&md).unwrap().contains("**Task:** Find the stale cache"));
}

#[test]
fn importing_something_else_fails_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("photo.zip");
    std::fs::write(&junk, b"\x89PNG not a zip").unwrap();
    let out = cli(&dir.path().join("data")).arg("import").arg(&junk).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("photo.zip is not a Starling backup: it is not a zip archive"), "{err}");
}
