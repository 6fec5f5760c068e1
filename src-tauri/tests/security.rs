//! The window's security settings, checked from the files that define them:
//! the content security policy allows no remote origin, no `eval` and no
//! inline code; the asset protocol serves nothing by default (the app
//! allows only the recordings folder at run time); and the capability grants
//! exactly the commands the page calls — each one registered with Tauri —
//! and nothing else.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("src-tauri sits in the repository").to_path_buf()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

fn json(rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// Sources a directive may name: the app itself and Tauri's local schemes.
const LOCAL_SOURCES: &[&str] =
    &["'self'", "'none'", "data:", "blob:", "ipc:", "http://ipc.localhost", "asset:", "http://asset.localhost"];

#[test]
fn the_csp_allows_no_remote_origin_no_eval_and_no_inline_code() {
    let config = json("tauri.conf.json");
    let csp = config["app"]["security"]["csp"].as_object().expect("tauri.conf.json sets a CSP as an object");
    for (directive, sources) in csp {
        for source in sources.as_str().expect("each directive is a string").split_whitespace() {
            assert!(LOCAL_SOURCES.contains(&source), "{directive} allows {source}, which is not the app's own origin or a local scheme");
        }
    }
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'", "scripts come only from the app's files: no eval, no inline script");
    assert_eq!(csp["style-src"], "'self'", "no inline styles");
    assert_eq!(csp["object-src"], "'none'");
    assert_eq!(config["app"]["withGlobalTauri"], false, "the IPC API is not left on window for injected code");
    assert_eq!(config["app"]["security"]["assetProtocol"]["scope"], serde_json::json!([]), "the asset protocol serves nothing until the app allows the recordings folder");
}

/// The quoted names in the `COMMANDS` list of `src-tauri/build.rs`.
fn registered_commands() -> BTreeSet<String> {
    let build = read("src-tauri/build.rs");
    let list = build.split("const COMMANDS").nth(1).and_then(|s| s.split("];").next()).expect("build.rs lists COMMANDS");
    list.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

/// The command names the page passes to `call` in `ui/src/lib/api.ts`.
fn called_commands() -> BTreeSet<String> {
    let api = read("ui/src/lib/api.ts");
    let mut out = BTreeSet::new();
    let mut rest = api.as_str();
    while let Some(i) = rest.find("call") {
        rest = &rest[i + 4..];
        // Skip a generic argument such as `<Array<Story>>`, then `(`.
        let mut depth = 0;
        let mut chars = rest.char_indices();
        let open = loop {
            match chars.next() {
                Some((_, '<')) => depth += 1,
                Some((_, '>')) => depth -= 1,
                Some((j, '(')) if depth == 0 => break Some(j),
                Some((_, c)) if depth == 0 && !c.is_whitespace() => break None,
                Some(_) => {}
                None => break None,
            }
        };
        let Some(open) = open else { continue };
        let after = rest[open + 1..].trim_start();
        if let Some(name) = after.strip_prefix('"').and_then(|s| s.split('"').next()) {
            out.insert(name.to_string());
        }
    }
    out
}

#[test]
fn the_capability_grants_exactly_the_commands_the_page_calls() {
    let registered = registered_commands();
    let called = called_commands();
    assert!(called.len() > 30, "found only {} calls in api.ts", called.len());
    assert_eq!(called, registered, "commands the page calls and commands build.rs registers differ");

    let capability = json("src-tauri/capabilities/main.json");
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .expect("the capability lists permissions")
        .iter()
        .map(|p| p.as_str().expect("each permission is a plain identifier").to_string())
        .collect();
    let expected: BTreeSet<String> = registered
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .chain(["core:event:allow-listen".to_string(), "core:event:allow-unlisten".to_string()])
        .collect();
    assert_eq!(granted, expected, "the window may use Starling's own commands and transcription events, nothing else");

    // Every registered command has a handler, and no handler is unregistered.
    let lib = read("src-tauri/src/lib.rs");
    let handlers: BTreeSet<String> = lib
        .split("generate_handler![")
        .nth(1)
        .and_then(|s| s.split(']').next())
        .expect("lib.rs registers handlers")
        .split(',')
        .filter_map(|h| h.trim().rsplit("::").next().map(str::to_string))
        .filter(|h| !h.is_empty())
        .collect();
    assert_eq!(handlers, registered);
}
