//! What the labelled data sets (STAR answers, key points) share: reading
//! their JSON Lines files from a folder, and the fixed held-out rule. Only
//! training, evaluation and benchmarks call this; the app never does.

use std::path::Path;

/// A file or folder of a data set that could not be read.
#[derive(Debug)]
pub struct ReadFailure {
    pub path: String,
    pub reason: String,
}

/// The name and text of every `<prefix>*.jsonl` file in `dir`, in name order.
pub fn read_files(dir: &Path, prefix: &str) -> Result<Vec<(String, String)>, ReadFailure> {
    let fail = |p: &Path, e: std::io::Error| ReadFailure { path: p.display().to_string(), reason: e.to_string() };
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| fail(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix) && n.ends_with(".jsonl")))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).map_err(|e| fail(&f, e))?;
            Ok((f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), text))
        })
        .collect()
}

/// Whether an item is held out: its id's number is a multiple of 4
/// (`w1-004`, `k2-016`). Fixed, so no choice of split can be tuned to the data.
pub fn held_out(id: &str) -> bool {
    id.rsplit('-').next().and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n % 4 == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fourth_id_is_held_out() {
        assert!(held_out("w10-048") && held_out("k1-004"));
        assert!(!held_out("w1-001") && !held_out("k1-006") && !held_out("no-number"));
    }

    #[test]
    fn files_are_read_by_prefix_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [("answers-b.jsonl", "b"), ("answers-a.jsonl", "a"), ("points-a.jsonl", "p"), ("answers-c.txt", "x")] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let got = read_files(dir.path(), "answers-").unwrap();
        assert_eq!(got, vec![("answers-a.jsonl".to_string(), "a".to_string()), ("answers-b.jsonl".to_string(), "b".to_string())]);
        assert!(read_files(&dir.path().join("missing"), "answers-").is_err());
    }
}
