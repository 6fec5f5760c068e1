//! `cargo xtask fresh`: proof that README's test command works on a new
//! machine. It builds a minimal Debian 12 root from Debian's packages
//! (`mmdebstrap --variant=minbase`: no compiler, no Rust, no curl), clones
//! this repository's committed HEAD into it, and runs `./x test` there as
//! root (as CI does), so every package, toolchain and download the tests need
//! must come from the project's own set-up.
//!
//! Shared with the host, and nothing else: the cargo registry (to save
//! downloads, as allowed) and the host's local CA certificates in
//! `/usr/local/share/ca-certificates` (a network that inspects TLS needs
//! them; they are not the project's). The run happens in its own mount and
//! process namespaces, so nothing it mounts or starts outlives it.
//!
//! Needs root (for mmdebstrap, mounts and chroot). Takes about an hour on
//! two cores: everything is built from nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::util::{cache_dir, have, output, repo_root, run_cmd, step, Fail};

const SUITE: &str = "bookworm";
const MIRRORS: &[&str] = &[
    "deb http://deb.debian.org/debian bookworm main",
    "deb http://deb.debian.org/debian bookworm-updates main",
    "deb http://deb.debian.org/debian-security bookworm-security main",
];

pub fn run(keep: bool) -> Result<(), Fail> {
    if output(Command::new("id").arg("-u")).is_none_or(|s| s.trim() != "0") {
        return Err(Fail::msg("`cargo xtask fresh` needs root (it builds a Debian root with mmdebstrap and enters it with chroot)"));
    }
    if !have("mmdebstrap") {
        step("installing mmdebstrap");
        run_cmd(Command::new("apt-get").args(["install", "-y", "-q", "--no-install-recommends", "mmdebstrap"]).env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    let work = cache_dir().join("fresh");
    let root = work.join("root");
    if root.exists() {
        std::fs::remove_dir_all(&root).map_err(|e| Fail::msg(format!("cannot remove the old root {}: {e}", root.display())))?;
    }
    std::fs::create_dir_all(&work).map_err(|e| Fail::msg(format!("cannot create {}: {e}", work.display())))?;

    step(&format!("building a minimal Debian 12 root in {}", root.display()));
    let started = Instant::now();
    run_cmd(Command::new("mmdebstrap").args(["--variant=minbase", "--quiet", SUITE]).arg(&root).args(MIRRORS))?;
    let bootstrap_s = started.elapsed().as_secs();

    step("copying the host's local CA certificates and a clean clone of HEAD into it");
    copy_local_cas(&root)?;
    copy_file(Path::new("/etc/resolv.conf"), &root.join("etc/resolv.conf"))?;
    let clone = root.join("root/starling");
    run_cmd(Command::new("git").args(["clone", "--quiet", "--no-local"]).arg(repo_root()).arg(&clone))?;
    let registry = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|h| h.join("registry"));

    step("running ./x test inside it (as a new machine would; about an hour)");
    let log = work.join("fresh.log");
    let script = enter_script(&root, registry.as_deref(), &log);
    let test_started = Instant::now();
    let status = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "--pid", "--fork", "--", "bash", "-c", &script])
        .status()
        .map_err(|e| Fail::msg(format!("cannot start unshare: {e}")))?;
    let minutes = test_started.elapsed().as_secs_f64() / 60.0;

    let summary = format!(
        "fresh Debian 12 root: bootstrap {bootstrap_s} s; `./x test` {} after {minutes:.1} min (log: {})",
        if status.success() { "passed" } else { "FAILED" },
        log.display()
    );
    println!("\n{summary}");
    if !keep {
        let _ = std::fs::remove_dir_all(&root);
    }
    if status.success() {
        Ok(())
    } else {
        Err(Fail::msg(summary))
    }
}

/// The shell that runs inside the new namespaces: mounts what a booted
/// system has, shares the cargo registry, and runs `./x test` in the root
/// with a clean environment, its output also in `log`.
fn enter_script(root: &Path, registry: Option<&Path>, log: &Path) -> String {
    let r = root.display();
    let mut s = String::from("set -e\n");
    s += &format!("mount -t proc proc '{r}/proc'\nmount --rbind /sys '{r}/sys'\nmount --rbind /dev '{r}/dev'\n");
    s += &format!("mount -t tmpfs tmpfs '{r}/run'\nmount -t tmpfs tmpfs '{r}/tmp'\n");
    if let Some(reg) = registry.filter(|p| p.is_dir()) {
        s += &format!("mkdir -p '{r}/root/.cargo/registry'\nmount --bind '{}' '{r}/root/.cargo/registry'\n", reg.display());
    }
    s += &format!(
        "set +e\nchroot '{r}' /usr/bin/env -i HOME=/root CI=true LANG=C.UTF-8 TERM=dumb \
         PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
         /bin/bash -c 'cd /root/starling && ./x test' 2>&1 | tee '{}'\nexit ${{PIPESTATUS[0]}}\n",
        log.display()
    );
    s
}

fn copy_file(from: &Path, to: &Path) -> Result<(), Fail> {
    // resolv.conf may be a link to a file outside the root: copy its content.
    std::fs::read(from)
        .and_then(|bytes| {
            let _ = std::fs::remove_file(to);
            std::fs::write(to, bytes)
        })
        .map_err(|e| Fail::msg(format!("cannot copy {} to {}: {e}", from.display(), to.display())))
}

fn copy_local_cas(root: &Path) -> Result<(), Fail> {
    let src = Path::new("/usr/local/share/ca-certificates");
    let dest = root.join("usr/local/share/ca-certificates");
    std::fs::create_dir_all(&dest).map_err(|e| Fail::msg(format!("cannot create {}: {e}", dest.display())))?;
    let Ok(entries) = std::fs::read_dir(src) else { return Ok(()) };
    for e in entries.flatten() {
        if e.path().extension().is_some_and(|x| x == "crt") {
            copy_file(&e.path(), &dest.join(e.file_name()))?;
        }
    }
    Ok(())
}
