//! `ui/src/lib/commands.ts` is what the shell's commands generate today.
//! With `STARLING_WRITE_BINDINGS=1` (as `cargo xtask codegen` runs it) the
//! test writes the file instead; without, it fails when the file is stale,
//! so CI catches a command changed without regenerating.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_typescript_calls_match_the_shells_commands() {
    let commands = starling_ipc_gen::scan_dir(&root().join("src-tauri/src")).unwrap();
    assert!(commands.len() > 30, "found only {} commands in src-tauri/src", commands.len());
    let expected = starling_ipc_gen::typescript(&commands);
    let path = root().join(starling_ipc_gen::TYPESCRIPT_PATH);
    if std::env::var_os("STARLING_WRITE_BINDINGS").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(actual == expected, "{} is stale: run `cargo xtask codegen`", starling_ipc_gen::TYPESCRIPT_PATH);
}
