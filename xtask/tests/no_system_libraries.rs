//! The guard that keeps `./x test` able to start on a bare machine.
//!
//! `./x` hands over to `cargo xtask`, and only xtask installs the system
//! libraries the app needs (ALSA, WebKitGTK, CMake and Clang for
//! whisper.cpp…). If xtask itself depended on a crate that links one of
//! them, it could not compile on a fresh machine and the step that installs
//! them would never run. So nothing in xtask's normal or build dependency
//! tree may link a system library: no `*-sys` crate and no crate with a
//! `links` key, which also catches every crate that wraps one (the path to
//! the offender is printed). That is stricter than needed — a few pure
//! crates use `links` only to keep one version in a build (`ring`,
//! `prettyplease`) — and xtask needs none of them.
//!
//! The tree comes from `cargo metadata` (resolved from Cargo.lock, nothing is
//! built), for the host's target only, as `cargo run -p xtask` would build it.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// A package in the resolved graph.
struct Package {
    name: String,
    /// Why it counts as linking a system library, if it does.
    links: Option<String>,
}

struct Graph {
    packages: HashMap<String, Package>,
    /// Normal and build edges only: dev-dependencies never reach `cargo run`.
    edges: HashMap<String, Vec<String>>,
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn host_triple() -> String {
    let out = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-vV")
        .output()
        .expect("rustc -vV runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc -vV names the host")
}

fn workspace_graph() -> Graph {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace");
    let out = Command::new(cargo())
        .args(["metadata", "--format-version", "1", "--locked", "--filter-platform", &host_triple()])
        .current_dir(root)
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");

    let mut packages = HashMap::new();
    for p in meta["packages"].as_array().expect("packages") {
        let name = p["name"].as_str().expect("name").to_string();
        let links = match p["links"].as_str() {
            Some(lib) => Some(format!("links the system library `{lib}`")),
            None if name.ends_with("-sys") => Some("is a `-sys` crate".to_string()),
            None => None,
        };
        packages.insert(p["id"].as_str().expect("id").to_string(), Package { name, links });
    }
    let mut edges = HashMap::new();
    for node in meta["resolve"]["nodes"].as_array().expect("resolve nodes") {
        let deps = node["deps"]
            .as_array()
            .expect("deps")
            .iter()
            .filter(|d| {
                d["dep_kinds"].as_array().expect("dep_kinds").iter().any(|k| k["kind"].is_null() || k["kind"] == "build")
            })
            .map(|d| d["pkg"].as_str().expect("pkg").to_string())
            .collect();
        edges.insert(node["id"].as_str().expect("id").to_string(), deps);
    }
    Graph { packages, edges }
}

impl Graph {
    fn id_of(&self, name: &str) -> String {
        self.packages
            .iter()
            .find(|(_, p)| p.name == name)
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| panic!("no package `{name}` in the workspace"))
    }

    /// Every package in `root`'s tree that links a system library, with the
    /// dependency path that brings it in (shortest first found).
    fn system_libraries_under(&self, root: &str) -> BTreeMap<String, String> {
        let start = self.id_of(root);
        let mut found = BTreeMap::new();
        let mut seen = HashSet::from([start.clone()]);
        let mut queue = VecDeque::from([(start, vec![root.to_string()])]);
        while let Some((id, path)) = queue.pop_front() {
            for dep in self.edges.get(&id).into_iter().flatten() {
                if !seen.insert(dep.clone()) {
                    continue;
                }
                let pkg = &self.packages[dep];
                let mut path = path.clone();
                path.push(pkg.name.clone());
                if let Some(why) = &pkg.links {
                    found.insert(pkg.name.clone(), format!("{} ({why})", path.join(" → ")));
                }
                queue.push_back((dep.clone(), path));
            }
        }
        found
    }
}

#[test]
fn xtask_links_no_system_library() {
    let offenders = workspace_graph().system_libraries_under("xtask");
    assert!(
        offenders.is_empty(),
        "xtask must build from Rust alone, before `cargo xtask setup` installs system packages, \
         but its dependency tree links system libraries:\n  {}\n\
         Move that code out of xtask, or run it as a separate `cargo` command from xtask.",
        offenders.into_values().collect::<Vec<_>>().join("\n  ")
    );
}

/// The guard really sees what broke `./x test` on a fresh machine: the
/// library xtask used to depend on brings in ALSA (through cpal) and
/// whisper.cpp, and both are reported with the path that leads to them.
#[test]
fn the_guard_sees_the_libraries_behind_the_app_crates() {
    let graph = workspace_graph();
    let studio = graph.system_libraries_under("starling-studio");
    for lib in ["alsa-sys", "whisper-rs-sys"] {
        assert!(studio.contains_key(lib), "{lib} not reported under starling-studio: {studio:?}");
    }
    assert!(studio["alsa-sys"].contains("cpal"), "the path names the wrapper: {}", studio["alsa-sys"]);
    // And a pure-Rust crate of the workspace passes. (Not one that writes
    // temporary files: `tempfile` brings `rustix`'s `linux-raw-sys`, which
    // links nothing but which the guard, strict by design, counts.)
    let coach = graph.system_libraries_under("starling-coach");
    assert!(coach.is_empty(), "starling-coach is pure Rust, yet: {coach:?}");
}
