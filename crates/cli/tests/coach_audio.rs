//! The coach's fillers and pace measured through real audio: espeak-ng says
//! each answer of the filler test set (`crates/coach/data/fillers/`), sox
//! makes it 16 kHz mono, `starling-cli coach FILE.wav --json` transcribes it
//! with tiny.en and analyses it, and what it reports is compared with what
//! was said. Prints the figures (filler recall and precision per kind, the
//! held-out part apart, false fillers on the clean answers, and each spoken
//! answer's pace against the truth).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

const ANSWERS: &str = include_str!("../../coach/data/fillers/answers.jsonl");

/// Answers 1–8 were used while writing the rules; 9 on are held out.
const DEVELOPMENT: usize = 8;

/// The two voices: a with-filler version is said by one, its clean version
/// by the other, alternating from answer to answer.
const VOICES: [(&str, u32); 2] = [("en-us", 150), ("en-gb", 175)];

/// Held by each test while it transcribes: two whisper workers on the same
/// few cores slow each other down far more than twice.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn out(line: impl AsRef<str>) {
    // Straight to stderr, so the figures reach the log even when the test
    // passes (the harness captures println!).
    let _ = writeln!(std::io::stderr(), "{}", line.as_ref());
}

fn run(cmd: &mut Command) {
    let o = cmd.output().unwrap_or_else(|e| panic!("could not run {cmd:?}: {e} (cargo xtask setup installs espeak-ng and sox)"));
    assert!(o.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&o.stderr));
}

fn cli(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_starling-cli"));
    c.env("STARLING_DATA_DIR", data);
    c
}

/// A data folder with tiny.en installed as the default model.
fn data_with_model() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let src = std::env::var("STARLING_CT2_TINY_EN").expect("set STARLING_CT2_TINY_EN (cargo xtask test does)");
    let o = cli(data.path()).args(["models", "import", &src, "--name", "tiny.en"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    data
}

/// `text` said by espeak-ng, as 16 kHz mono with its leading and trailing
/// silence cut.
fn speak(dir: &Path, name: &str, text: &str, (voice, speed): (&str, u32)) -> PathBuf {
    let raw = dir.join(format!("{name}-raw.wav"));
    let wav = dir.join(format!("{name}.wav"));
    run(Command::new("espeak-ng").args(["-v", voice, "-s", &speed.to_string(), "-w"]).arg(&raw).arg(text));
    run(Command::new("sox").arg(&raw).args(["-r", "16000", "-c", "1", "-b", "16"]).arg(&wav).args([
        "silence", "1", "0.02", "1%", "reverse", "silence", "1", "0.02", "1%", "reverse",
    ]));
    wav
}

/// `seconds` of quiet room noise at 16 kHz.
fn quiet(dir: &Path, name: &str, seconds: f64) -> PathBuf {
    let path = dir.join(format!("{name}.wav"));
    run(Command::new("sox").args(["-n", "-r", "16000", "-c", "1", "-b", "16"]).arg(&path).args(["synth", &seconds.to_string(), "whitenoise", "vol", "0.003"]));
    path
}

fn duration_s(wav: &Path) -> f64 {
    let r = hound::WavReader::open(wav).unwrap();
    assert_eq!(r.spec().sample_rate, 16_000);
    r.duration() as f64 / 16_000.0
}

/// `coach FILE.wav --kind behavioral --json`.
fn coach(data: &Path, wav: &Path) -> serde_json::Value {
    let o = cli(data).arg("coach").arg(wav).args(["--kind", "behavioral", "--json"]).output().unwrap();
    assert!(o.status.success(), "coach {}: {}", wav.display(), String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The transcript as the coach read it (its STAR sentences).
fn transcript(a: &serde_json::Value) -> String {
    a["star"]["sentences"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect::<Vec<_>>().join(" ")
}

/// The kind a filler is matched by: "er" is the British spelling of "uh"
/// and "erm" of "um", and Whisper writes either for the same sound.
fn kind(phrase: &str) -> String {
    match phrase {
        "um" | "umm" | "uhm" | "erm" => "um",
        "uh" | "er" | "ah" => "uh/er",
        "hmm" | "hm" | "mm" => "hmm",
        p => p,
    }
    .to_string()
}

fn kinds<'a>(phrases: impl Iterator<Item = &'a str>) -> BTreeMap<String, u32> {
    let mut m = BTreeMap::new();
    for p in phrases {
        *m.entry(kind(p)).or_insert(0) += 1;
    }
    m
}

/// Inserted, detected and true (matched) fillers, per kind.
#[derive(Default)]
struct Tally(BTreeMap<String, [u32; 3]>);

impl Tally {
    fn add(&mut self, inserted: &BTreeMap<String, u32>, detected: &BTreeMap<String, u32>) {
        let all: std::collections::BTreeSet<&String> = inserted.keys().chain(detected.keys()).collect();
        for k in all {
            let (i, d) = (inserted.get(k).copied().unwrap_or(0), detected.get(k).copied().unwrap_or(0));
            let e = self.0.entry(k.clone()).or_default();
            e[0] += i;
            e[1] += d;
            e[2] += i.min(d);
        }
    }

    fn total(&self) -> [u32; 3] {
        self.0.values().fold([0; 3], |a, e| [a[0] + e[0], a[1] + e[1], a[2] + e[2]])
    }
}

fn pct(n: u32, d: u32) -> String {
    if d == 0 {
        "—".into()
    } else {
        format!("{:.0} %", 100.0 * n as f64 / d as f64)
    }
}

fn print_tally(title: &str, t: &Tally) {
    out(format!("{title}\n  {:<10} {:>8} {:>8} {:>6} {:>7} {:>9}", "kind", "inserted", "detected", "true", "recall", "precision"));
    let rows = t.0.iter().map(|(k, e)| (k.as_str(), *e)).chain(std::iter::once(("all", t.total())));
    for (k, [i, d, ok]) in rows {
        out(format!("  {k:<10} {i:>8} {d:>8} {ok:>6} {:>7} {:>9}", pct(ok, i), pct(ok, d)));
    }
}

#[test]
#[ignore = "needs espeak-ng, sox and the tiny.en model; `cargo xtask test` runs it"]
fn fillers_through_real_audio() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let answers: Vec<serde_json::Value> = ANSWERS.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(answers.len() >= 16);
    let data = data_with_model();
    let dir = tempfile::tempdir().unwrap();
    let (mut dev, mut held, mut all) = (Tally::default(), Tally::default(), Tally::default());
    let mut false_on_clean: Vec<(String, String)> = Vec::new();
    let mut clean_words = 0usize;
    for (i, a) in answers.iter().enumerate() {
        let id = a["id"].as_str().unwrap();
        let inserted = kinds(a["fillers"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()));
        let (vf, vc) = (VOICES[i % 2], VOICES[(i + 1) % 2]);

        let with = coach(data.path(), &speak(dir.path(), &format!("{id}-with"), a["with_fillers"].as_str().unwrap(), vf));
        let hits: Vec<&str> = with["fillers"]["hits"].as_array().unwrap().iter().map(|h| h["phrase"].as_str().unwrap()).collect();
        let detected = kinds(hits.iter().copied());
        all.add(&inserted, &detected);
        if i < DEVELOPMENT { &mut dev } else { &mut held }.add(&inserted, &detected);
        out(format!("{id} with fillers ({} -s {}): inserted {inserted:?}, detected {detected:?}\n    heard: {}", vf.0, vf.1, transcript(&with)));

        let clean = coach(data.path(), &speak(dir.path(), &format!("{id}-clean"), a["clean"].as_str().unwrap(), vc));
        clean_words += clean["pace"]["words"].as_u64().unwrap() as usize;
        let clean_hits: Vec<&str> = clean["fillers"]["hits"].as_array().unwrap().iter().map(|h| h["phrase"].as_str().unwrap()).collect();
        false_on_clean.extend(clean_hits.iter().map(|h| (id.to_string(), h.to_string())));
        if !clean_hits.is_empty() {
            out(format!("{id} clean ({} -s {}): false fillers {clean_hits:?}\n    heard: {}", vc.0, vc.1, transcript(&clean)));
        }
    }
    print_tally(&format!("\nFillers on the with-filler answers, development part (1–{DEVELOPMENT}):"), &dev);
    print_tally(&format!("Fillers on the with-filler answers, held-out part ({}–{}):", DEVELOPMENT + 1, answers.len()), &held);
    print_tally("Fillers on the with-filler answers, all:", &all);
    out(format!("False fillers on the {} clean answers ({clean_words} words heard): {} {false_on_clean:?}", answers.len(), false_on_clean.len()));

    // Measured when this test was written (tiny.en, the prompt "Um, uh,
    // hmm.", two builds of the worker): no false filler on the clean
    // answers; precision 100 % and recall 83–85 % (held-out 79–85 %) on the
    // with-filler ones. The floors sit a little under, for the differences
    // between whisper.cpp builds.
    let [inserted, detected, matched] = all.total();
    let (precision, recall) = (matched as f64 / detected.max(1) as f64, matched as f64 / inserted as f64);
    assert!(false_on_clean.is_empty(), "a clean answer got fillers: {false_on_clean:?}");
    assert!(precision >= 0.95, "precision {:.0} % on the with-filler answers, under the 95 % floor", precision * 100.0);
    assert!(recall >= 0.70, "recall {:.0} % on the with-filler answers, under the 70 % floor (no prompt gives about 50 %)", recall * 100.0);
}

/// Answers for the pace check: no digits, numbers or hyphenated words, so
/// the transcript has as many words as the script.
const PACE_SCRIPTS: [&str; 4] = [
    "When I joined the team our builds were slow and nobody trusted the tests. I started by measuring where the time went, and most of it was spent waiting for a shared database. I gave each test its own small database and the builds became much faster. The team began to trust the results again and we shipped more often.",
    "Our support team kept asking engineers the same questions about billing. I wrote down every question they asked for a month and grouped them by topic. Then I turned the answers into short pages with pictures and links to the right tools. After that the questions dropped sharply and the support team solved most problems on their own.",
    "A customer reported that their invoices showed the wrong currency. I traced the problem to a setting that was read once when the server started. We changed the code to read the setting for every request and added a test for each region. The customer got corrected invoices the same week.",
    "The mobile team and the web team used different names for the same things, and every meeting started with confusion. I collected the names from both code bases into one shared glossary. We agreed on one name for each idea and renamed the worst offenders first. New features now use the same words everywhere, and planning meetings are much shorter.",
];

#[test]
#[ignore = "needs espeak-ng, sox and the tiny.en model; `cargo xtask test` runs it"]
fn pace_through_real_audio_is_within_five_percent() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let data = data_with_model();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut failures = Vec::new();
    out("Pace: script words over the trimmed audio's length (less the spliced pause), against the coach's words per minute");
    for (i, script) in PACE_SCRIPTS.iter().enumerate() {
        let words = script.split_whitespace().count();
        let (voice, wav, pause_s) = match i {
            0..=2 => {
                let v = (VOICES[i % 2].0, [120, 150, 180][i]);
                (v, speak(d, &format!("pace{i}"), script, v), 0.0)
            }
            _ => {
                // Split after the second sentence, with 2.5 s of quiet between.
                let cut = script.match_indices(". ").nth(1).map(|(k, _)| k + 1).unwrap();
                let v = ("en-us", 160);
                let parts = [speak(d, "pace-a", &script[..cut], v), quiet(d, "pace-gap", 2.5), speak(d, "pace-b", script[cut..].trim(), v)];
                let joined = d.join("pace-spliced.wav");
                run(Command::new("sox").args(&parts).arg(&joined));
                (v, joined, duration_s(&parts[1]))
            }
        };
        let seconds = duration_s(&wav) - pause_s;
        let truth = words as f64 / (seconds / 60.0);
        let a = coach(data.path(), &wav);
        let wpm = a["pace"]["wpm"].as_f64().unwrap();
        let error = (wpm - truth) / truth;
        out(format!(
            "  {} -s {}: {words} words in {seconds:.2} s of speech{} → true {truth:.1} wpm; coach {wpm:.1} wpm from {} words over {} ms: {:+.1} %",
            voice.0,
            voice.1,
            if pause_s > 0.0 { format!(" (a {pause_s:.2} s pause spliced in, {} pause(s) found)", a["pauses"].as_array().unwrap().len()) } else { String::new() },
            a["pace"]["words"],
            a["pace"]["speaking_ms"],
            error * 100.0
        ));
        if a["pace"]["words"].as_u64() != Some(words as u64) {
            out(format!("    heard: {}", transcript(&a)));
        }
        if error.abs() > 0.05 {
            failures.push(format!("answer {i}: {wpm:.1} wpm against {truth:.1}; heard: {}", transcript(&a)));
        }
    }
    assert!(failures.is_empty(), "pace off by more than 5 %: {failures:#?}");
}
