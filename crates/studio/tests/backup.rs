//! Backup → wipe → restore gives back identical data: notes, stories and their
//! links, attempts with transcripts, review schedules, recordings byte for
//! byte and the user's decks; restoring over existing data keeps that data
//! aside instead of overwriting it.

use std::fs;
use std::path::Path;

use starling_store::{AttemptState, Rating, ReviewSource, StarNoteDraft, Store, StoredTranscript, StoryDraft};
use starling_studio::{DataPaths, Studio};

/// Everything a user could lose, in a comparable form.
fn everything(paths: &DataPaths) -> String {
    let studio = Studio::open(paths.clone()).unwrap();
    let mut out = String::new();
    out += &studio.notes_markdown().unwrap();
    for q in ["behavior-difficult-bug", "behavior-tight-deadline"] {
        let d = studio.open_question(q).unwrap();
        out += &format!("{:?}{:?}{:?}", d.attempts, d.review, d.stories);
        for a in &d.attempts {
            out += &format!("{:?}", studio.transcript(a.id).unwrap());
            out += &format!("{:?}", fs::read(studio.attempt_audio(a.id).unwrap()).unwrap());
        }
    }
    out += &format!("{:?}", studio.search("zeppelin").unwrap().groups);
    out += &fs::read_to_string(paths.decks().join("mine.toml")).unwrap();
    out
}

fn fill(paths: &DataPaths) {
    fs::create_dir_all(paths.recordings()).unwrap();
    fs::write(paths.recordings().join("1000-behavior-difficult-bug.wav"), b"RIFF fake but byte-exact audio \x00\x01\x02").unwrap();
    {
        let mut store = Store::open(&paths.database()).unwrap();
        let a = store.begin_attempt("behavior-difficult-bug", "1000-behavior-difficult-bug.wav", 1000).unwrap();
        store.finish_attempt(a.id, AttemptState::Done, Some(4200), None).unwrap();
        store
            .save_transcript(&StoredTranscript {
                attempt_id: a.id,
                model: "tiny.en".into(),
                text: "The zeppelin cache went stale on Friday".into(),
                segments_json: "[]".into(),
                audio_ms: 4200,
                elapsed_ms: 600,
                created_ms: 0,
                source: "live".into(),
            })
            .unwrap();
    }
    fs::create_dir_all(paths.decks()).unwrap();
    fs::write(paths.decks().join("mine.toml"), "# my own deck\n").unwrap();
    let mut studio = Studio::open(paths.clone()).unwrap();
    studio
        .save_star_note(&StarNoteDraft { question_id: "behavior-difficult-bug".into(), situation: "Prices were wrong — ünïcode".into(), ..Default::default() })
        .unwrap();
    let story = studio.save_story(&StoryDraft { title: "Friday outage".into(), result: "**Fixed** in 4 min".into(), ..Default::default() }).unwrap();
    studio.link_story(story.id, "behavior-difficult-bug").unwrap();
    studio.link_story(story.id, "behavior-tight-deadline").unwrap();
    studio.rate("behavior-difficult-bug", Rating::Hard, ReviewSource::Attempt, Some(1)).unwrap();
}

#[test]
fn backup_wipe_restore_gives_back_identical_data() {
    let dir = tempfile::tempdir().unwrap();
    let paths = DataPaths::new(dir.path().join("data"));
    fill(&paths);
    let before = everything(&paths);
    assert!(before.contains("zeppelin") && before.contains("Friday outage"), "the fixture has data to compare");

    let archive = dir.path().join("starling-backup.zip");
    let summary = Studio::open(paths.clone()).unwrap().export_backup(&archive).unwrap();
    assert_eq!((summary.counts.attempts, summary.counts.notes, summary.counts.stories, summary.counts.reviews), (1, 1, 1, 1));
    assert_eq!(summary.files, 3, "database, one recording, one deck");
    assert!(!Path::new(&format!("{}.partial", archive.display())).exists());

    fs::remove_dir_all(paths.root()).unwrap();
    let restored = starling_studio::backup::restore(&paths, &archive, 5).unwrap();
    assert_eq!(restored.previous, None, "nothing was there to keep");
    assert_eq!(restored.counts, summary.counts);
    assert_eq!(everything(&paths), before);
}

#[test]
fn restoring_over_existing_data_keeps_it_aside() {
    let dir = tempfile::tempdir().unwrap();
    let old = DataPaths::new(dir.path().join("old"));
    fill(&old);
    let archive = dir.path().join("b.zip");
    Studio::open(old.clone()).unwrap().export_backup(&archive).unwrap();

    let paths = DataPaths::new(dir.path().join("current"));
    let studio = Studio::open(paths.clone()).unwrap();
    studio.save_star_note(&StarNoteDraft { question_id: "sql-normalization".into(), notes: "written here".into(), ..Default::default() }).unwrap();
    drop(studio);

    let summary = starling_studio::backup::restore(&paths, &archive, 77).unwrap();
    let aside = paths.root().join("backups/before-restore-77");
    assert_eq!(summary.previous.as_deref(), Some(aside.to_str().unwrap()));
    let kept = Studio::open(DataPaths::new(&aside)).unwrap();
    assert_eq!(kept.open_question("sql-normalization").unwrap().note.unwrap().notes, "written here");
    assert_eq!(everything(&paths), everything(&old));
}
