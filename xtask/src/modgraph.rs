//! A check that dependencies point one way inside each crate too: no two
//! modules of a crate reach each other, directly or round a circle. A
//! module's dependencies are the `crate::<module>` paths in its files (and
//! the crate root's re-exports they name), leaving out comments and test
//! modules. Runs as a unit test of xtask (`cargo test --workspace`).

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use crate::util::repo_root;

    /// Every `crate::name` and `crate::{a, b::c}` in `code`.
    fn crate_paths(code: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    out.insert(name);
                }
            } else {
                out.insert(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
            }
        }
        out
    }

    /// The code of a file without comments and without its test module.
    fn code_of(path: &Path) -> String {
        let text = std::fs::read_to_string(path).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
    }

    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    /// The modules of the crate at `src` and those each depends on.
    fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
        let root = code_of(&src.join("lib.rs"));
        // `pub use module::{Name, …};` in the root: a path to `Name` is a
        // dependency on `module`.
        let mut alias = BTreeMap::new();
        for line in root.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
            if let Some((module, names)) = line.trim_end_matches(';').split_once("::") {
                for n in names.trim_matches(|c| c == '{' || c == '}').split(',') {
                    alias.insert(n.trim().to_string(), module.to_string());
                }
            }
        }
        let mut all = Vec::new();
        files(src, &mut all);
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for f in &all {
            let rel = f.strip_prefix(src).unwrap();
            let top = rel.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_string();
            if top == "lib" || top == "main" || top == "bin" {
                continue;
            }
            let deps = crate_paths(&code_of(f)).into_iter().map(|d| alias.get(&d).cloned().unwrap_or(d));
            g.entry(top.clone()).or_default().extend(deps.filter(|d| *d != top));
        }
        let names: BTreeSet<String> = g.keys().cloned().collect();
        for deps in g.values_mut() {
            deps.retain(|d| names.contains(d));
        }
        g
    }

    /// A circle of modules, if the graph has one.
    fn circle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
        fn visit(n: &str, g: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
            if let Some(i) = path.iter().position(|p| p == n) {
                let mut c = path[i..].to_vec();
                c.push(n.to_string());
                return Some(c);
            }
            if done.contains(n) {
                return None;
            }
            path.push(n.to_string());
            for d in g.get(n).into_iter().flatten() {
                if let Some(c) = visit(d, g, path, done) {
                    return Some(c);
                }
            }
            path.pop();
            done.insert(n.to_string());
            None
        }
        let mut done = BTreeSet::new();
        g.keys().find_map(|n| visit(n, g, &mut Vec::new(), &mut done))
    }

    #[test]
    fn a_circle_is_found() {
        let g: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a")]
            .iter()
            .map(|(k, v)| (k.to_string(), BTreeSet::from([v.to_string()])))
            .collect();
        assert_eq!(circle(&g), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
        assert_eq!(crate_paths("use crate::{error::E, live};\nlet x = crate::paths::f();"), BTreeSet::from(["error".into(), "live".into(), "paths".into()]));
    }

    #[test]
    fn no_crate_has_modules_that_reach_each_other() {
        let crates = repo_root().join("crates");
        let mut checked = 0;
        for e in std::fs::read_dir(&crates).unwrap().flatten() {
            let src = e.path().join("src");
            if !src.join("lib.rs").is_file() {
                continue;
            }
            checked += 1;
            let g = graph(&src);
            assert!(circle(&g).is_none(), "{}: modules that depend on each other: {}", e.path().display(), circle(&g).unwrap().join(" → "));
        }
        assert!(checked >= 10, "found only {checked} crates");
    }
}
