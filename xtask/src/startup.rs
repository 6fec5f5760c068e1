//! The start-up benchmark: how long Starling takes from launch to its first
//! interactive screen (the bank listed; the page calls `ui_ready`, which logs
//! "window interactive"), and how much memory its process tree — the app and
//! WebKit's web and network processes — holds once idle (proportional set
//! size, so shared libraries are not counted twice), process by process.
//!
//! The reference, measured in the same run on the same virtual display, is a
//! bare WebKitGTK window in C (compiled here against the same libwebkit2gtk)
//! that shows a one-line page and marks itself ready from its script: the
//! least any webview app can cost. (Until 2026-11-30 it was the same window
//! in Python, whose interpreter added about 14 MiB and 100 ms to the
//! reference.)

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::util::{step, target_dir, Fail};

/// A WebKitGTK window the size of Starling's, with a page that marks itself
/// ready; prints the line the benchmark waits for.
const BARE_WEBVIEW_C: &str = r#"
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>
#include <stdio.h>
#include <string.h>

static void on_title(WebKitWebView *view, GParamSpec *spec, gpointer data) {
  const char *title = webkit_web_view_get_title(view);
  if (title != NULL && strcmp(title, "ready") == 0) {
    puts("window interactive");
    fflush(stdout);
  }
}

int main(int argc, char **argv) {
  gtk_init(&argc, &argv);
  GtkWidget *window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
  gtk_window_set_default_size(GTK_WINDOW(window), 1280, 820);
  GtkWidget *view = webkit_web_view_new();
  gtk_container_add(GTK_CONTAINER(window), view);
  g_signal_connect(view, "notify::title", G_CALLBACK(on_title), NULL);
  g_signal_connect(window, "destroy", G_CALLBACK(gtk_main_quit), NULL);
  webkit_web_view_load_html(WEBKIT_WEB_VIEW(view),
      "<html><body><h1>Hello</h1><script>document.title = 'ready'</script></body></html>", NULL);
  gtk_widget_show_all(window);
  gtk_main();
  return 0;
}
"#;

/// Compiles the bare window into `dir` with the system's C compiler and
/// WebKitGTK's development files (both needed to build Starling anyway).
fn build_bare_window(dir: &Path) -> Result<PathBuf, Fail> {
    std::fs::create_dir_all(dir).map_err(|e| Fail::msg(format!("cannot create {}: {e}", dir.display())))?;
    let source = dir.join("bare-webview.c");
    let binary = dir.join("bare-webview");
    std::fs::write(&source, BARE_WEBVIEW_C).map_err(|e| Fail::msg(format!("cannot write {}: {e}", source.display())))?;
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "webkit2gtk-4.1"])
        .output()
        .map_err(|e| Fail::msg(format!("could not run pkg-config: {e}")))?;
    if !flags.status.success() {
        return Err(Fail::msg("pkg-config does not know webkit2gtk-4.1; run `cargo xtask setup`".to_string()));
    }
    let flags = String::from_utf8_lossy(&flags.stdout).into_owned();
    let status = Command::new("cc")
        .arg("-O2")
        .arg(&source)
        .arg("-o")
        .arg(&binary)
        .args(flags.split_whitespace())
        .status()
        .map_err(|e| Fail::msg(format!("could not run cc: {e}")))?;
    if !status.success() {
        return Err(Fail::msg(format!("cc could not build {}", source.display())));
    }
    Ok(binary)
}

/// How long a window is left idle before its memory is read.
const IDLE: Duration = Duration::from_secs(5);

struct Sample {
    ready_ms: f64,
    /// PSS of the window's own process, WebKit's web process(es) and its
    /// network process, in MiB (anything else under the tree counts as the
    /// window's).
    parts: [f64; 3],
}

impl Sample {
    fn pss_mib(&self) -> f64 {
        self.parts.iter().sum()
    }
}

/// The rows of the memory table, in [`Sample::parts`] order.
const PARTS: [&str; 3] = ["window process", "WebKitWebProcess", "WebKitNetworkProcess"];

/// Which of [`PARTS`] the process `pid` is.
fn part_of(pid: u32) -> usize {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    // comm is cut at 15 bytes: "WebKitWebProces", "WebKitNetworkPr".
    if comm.starts_with("WebKitWebProc") {
        1
    } else if comm.starts_with("WebKitNetwork") {
        2
    } else {
        0
    }
}

/// Every process under `root` (itself included), from /proc.
fn tree(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // The parent is the second field after the command name's closing parenthesis.
        let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)).and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        if let Some(kids) = children.get(&out[i]) {
            out.extend(kids);
        }
        i += 1;
    }
    out
}

/// The proportional set size of one process, in MiB (0 once it is gone).
fn pss_mib(pid: u32) -> f64 {
    let kib = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Pss:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
        .unwrap_or(0);
    kib as f64 / 1024.0
}

/// PSS of `pids` summed into [`PARTS`].
fn parts(pids: &[u32]) -> [f64; 3] {
    let mut out = [0.0; 3];
    for &pid in pids {
        out[part_of(pid)] += pss_mib(pid);
    }
    out
}

fn kill_tree(child: &mut Child) {
    for pid in tree(child.id()).into_iter().rev() {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).stderr(Stdio::null()).status();
    }
    let _ = child.wait();
}

/// Launches `cmd`, waits for "window interactive" on its output, lets it
/// idle, reads its memory and stops it.
fn measure(mut cmd: Command, what: &str) -> Result<Sample, Fail> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).stdin(Stdio::null());
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|e| Fail::msg(format!("could not start {what}: {e}")))?;
    let (tx, rx) = mpsc::channel();
    for stream in [child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>), child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>)]
        .into_iter()
        .flatten()
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if line.contains("window interactive") {
                    let _ = tx.send(Instant::now());
                }
            }
        });
    }
    let ready = match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(at) => at.duration_since(started),
        Err(_) => {
            kill_tree(&mut child);
            return Err(Fail::msg(format!("{what} never reported an interactive window")));
        }
    };
    std::thread::sleep(IDLE);
    let parts = parts(&tree(child.id()));
    kill_tree(&mut child);
    Ok(Sample { ready_ms: ready.as_secs_f64() * 1000.0, parts })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Runs the benchmark with the app binary `app` (`runs` launches of each,
/// alternating, every Starling launch on a fresh data folder).
pub fn run(app: &Path, runs: usize) -> Result<(), Fail> {
    step("benchmark: cold start to an interactive window and idle memory, against a bare WebKitGTK window");
    let scratch = target_dir().join("bench").join("startup");
    let bare_window = build_bare_window(&scratch)?;
    let (_xvfb, display) = crate::e2e::virtual_display()?;
    let display = format!(":{display}");
    let (mut ours, mut bare) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let data = scratch.join(format!("run-{i}"));
        let _ = std::fs::remove_dir_all(&data);
        let mut cmd = Command::new(app);
        cmd.arg("--data-dir").arg(&data).env("DISPLAY", &display).env("RUST_LOG", "starling_app=info");
        ours.push(measure(cmd, "Starling")?);
        let mut cmd = Command::new(&bare_window);
        cmd.env("DISPLAY", &display);
        bare.push(measure(cmd, "the bare WebKitGTK window")?);
    }
    let fig = |v: &[Sample], f: &dyn Fn(&Sample) -> f64| median(v.iter().map(f).collect());
    let (o_ms, b_ms) = (fig(&ours, &|s| s.ready_ms), fig(&bare, &|s| s.ready_ms));
    let (o_mib, b_mib) = (fig(&ours, &|s| s.pss_mib()), fig(&bare, &|s| s.pss_mib()));
    println!("start-up: {} ({runs} launches each, median; memory after {} s idle, app + WebKit processes)", app.display(), IDLE.as_secs());
    println!("reference: a bare WebKitGTK window in C ({})", bare_window.display());
    println!("{:<24} {:>14} {:>16}", "", "interactive", "idle memory (PSS)");
    println!("{:<24} {:>12.0}ms {:>13.0} MiB", "Starling", o_ms, o_mib);
    println!("{:<24} {:>12.0}ms {:>13.0} MiB", "bare WebKitGTK window", b_ms, b_mib);
    println!("{:<24} {:>13.2}× {:>15.2}×", "ratio", o_ms / b_ms, o_mib / b_mib);
    println!("idle memory by process (PSS, MiB, median):");
    println!("{:<24} {:>10} {:>10} {:>10}", "", "Starling", "bare", "extra");
    for (i, name) in PARTS.iter().enumerate() {
        let (o, b) = (fig(&ours, &|s| s.parts[i]), fig(&bare, &|s| s.parts[i]));
        println!("{name:<24} {o:>10.1} {b:>10.1} {:>+10.1}", o - b);
    }
    println!(
        "runs: Starling {:?} ms; bare {:?} ms",
        ours.iter().map(|s| s.ready_ms.round()).collect::<Vec<_>>(),
        bare.iter().map(|s| s.ready_ms.round()).collect::<Vec<_>>()
    );
    Ok(())
}
