//! Node.js for the UI build. Vite 8 needs Node 20.19+ or 22.12+, and Debian 12
//! ships 18. When the Node on PATH is too old, Node 22 comes from the npm
//! registry's `node-linux-<arch>` package (the official binaries) into the
//! user's cache, and goes first on PATH for everything xtask runs next,
//! trusting the system's certificate store as Debian's own Node does.

use std::path::PathBuf;
use std::process::Command;

use crate::util::{output, run_cmd, step, Fail};

/// Whether `node --version` output (e.g. "v20.19.2") is new enough for Vite 8.
pub fn new_enough(version: &str) -> bool {
    let mut parts = version.trim().trim_start_matches('v').split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major == 20 && minor >= 19) || (major == 22 && minor >= 12) || major >= 23
}

fn current() -> Option<String> {
    output(Command::new("node").arg("--version"))
}

fn cache_dir() -> PathBuf {
    crate::util::cache_dir().join("node")
}

/// Makes sure a new-enough `node` is first on PATH.
pub fn ensure() -> Result<(), Fail> {
    if current().is_some_and(|v| new_enough(&v)) {
        return Ok(());
    }
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => return Err(Fail::msg(format!("Node.js 20.19+ is needed and none is packaged for {other}; install it and run again"))),
    };
    let dir = cache_dir();
    let package = format!("node-linux-{arch}");
    let bin = dir.join("node_modules").join(&package).join("bin");
    if !bin.join("node").exists() {
        step(&format!("Node.js {} is too old for the UI build; fetching Node 22 from the npm registry", current().unwrap_or_else(|| "(none)".into()).trim()));
        std::fs::create_dir_all(&dir).map_err(|e| Fail::msg(format!("cannot create {}: {e}", dir.display())))?;
        run_cmd(Command::new("npm").args(["install", "--no-save", "--no-audit", "--no-fund", "--prefix"]).arg(&dir).arg(format!("{package}@22")))?;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let joined = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(&path)))
        .map_err(|e| Fail::msg(format!("cannot put {} on PATH: {e}", bin.display())))?;
    std::env::set_var("PATH", joined);
    trust_system_certificates();
    match current() {
        Some(v) if new_enough(&v) => Ok(()),
        other => Err(Fail::msg(format!("Node.js is still too old after fetching Node 22 ({other:?}); install Node 20.19+ and run again"))),
    }
}

/// The official Node binaries trust only the certificates built into them,
/// while Debian's Node (which fetched them) trusts the system's store. Behind
/// a proxy with its own certificate authority — installed in the system store,
/// as such networks require — the fetched Node would refuse every download,
/// so it is told to trust the system store too (unless told otherwise).
fn trust_system_certificates() {
    const BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";
    if std::env::var_os("NODE_EXTRA_CA_CERTS").is_none() && std::path::Path::new(BUNDLE).is_file() {
        std::env::set_var("NODE_EXTRA_CA_CERTS", BUNDLE);
    }
}

#[cfg(test)]
mod tests {
    use super::new_enough;

    #[test]
    fn vite_8_node_versions() {
        for ok in ["v20.19.0", "v20.20.1", "v22.12.0", "v22.23.3", "v24.1.0"] {
            assert!(new_enough(ok), "{ok}");
        }
        for old in ["v18.19.0", "v20.18.3", "v21.7.0", "v22.11.0", "", "garbage"] {
            assert!(!new_enough(old), "{old}");
        }
    }
}
