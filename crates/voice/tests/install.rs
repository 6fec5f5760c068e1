//! Installing the Piper test voice as a user would (its `.onnx`, with the
//! `.onnx.json` beside it, from the models dialog or a test), speaking with
//! it from the voices folder, and removing it.

use std::path::PathBuf;

use starling_voice::{install, Voice};

#[test]
#[ignore = "needs the test voice and ONNX Runtime that `cargo xtask test` fetches"]
fn the_test_voice_installs_speaks_from_the_voices_folder_and_is_removed() {
    let src = PathBuf::from(std::env::var_os("STARLING_PIPER_VOICE").expect("set STARLING_PIPER_VOICE (cargo xtask test does)"));
    let dir = tempfile::tempdir().unwrap();
    let voices = dir.path().join("voices");
    // Given as its settings file, as a file picker might hand it over.
    let name = install::import(&voices, &PathBuf::from(format!("{}.json", src.display()))).unwrap();
    assert_eq!(name, "en_US-joe-medium");
    assert_eq!(Voice::installed(&voices), vec![voices.join("en_US-joe-medium.onnx")]);
    assert_eq!(std::fs::metadata(voices.join("en_US-joe-medium.onnx")).unwrap().len(), std::fs::metadata(&src).unwrap().len());
    // No staged file is left behind.
    assert_eq!(std::fs::read_dir(&voices).unwrap().count(), 2);
    let (mut voice, why) = Voice::choose(&voices, None, 2).unwrap();
    assert!(why.is_none(), "{why:?}");
    assert_eq!(voice.id(), "en_US-joe-medium");
    assert!(voice.speak("Tell me about yourself.", 1.0).unwrap().seconds() > 0.8);
    // Installing again replaces it in place.
    install::import(&voices, &src).unwrap();
    assert_eq!(Voice::installed(&voices).len(), 1);
    assert!(install::remove(&voices, &name).unwrap());
    assert!(Voice::installed(&voices).is_empty());
    let (voice, _) = Voice::choose(&voices, None, 2).unwrap();
    assert_eq!(voice.id(), "espeak:en-us", "with no voice left, espeak-ng speaks");
}
