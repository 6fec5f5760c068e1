//! The start-up benchmark: how long Starling takes from launch to its first
//! interactive screen (the bank listed; the page calls `ui_ready`, which logs
//! "window interactive"), and how much memory its process tree — the app and
//! WebKit's web and network processes — holds once idle (proportional set
//! size, so shared libraries are not counted twice). The reference, measured
//! in the same run on the same virtual display, is a bare WebKitGTK window
//! (python3-gi) that shows a one-line page.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::util::{step, target_dir, Fail};

/// A WebKitGTK window with a page that marks itself ready, as small as a
/// webview app can be.
const BARE_WEBVIEW: &str = r#"
import gi
gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2
window = Gtk.Window()
window.set_default_size(1280, 800)
view = WebKit2.WebView()
window.add(view)
def title_changed(v, _):
    if v.get_title() == "ready":
        print("window interactive", flush=True)
view.connect("notify::title", title_changed)
view.load_html("<html><body><h1>Hello</h1><script>document.title = 'ready'</script></body></html>", None)
window.connect("destroy", Gtk.main_quit)
window.show_all()
Gtk.main()
"#;

/// How long a window is left idle before its memory is read.
const IDLE: Duration = Duration::from_secs(5);

struct Sample {
    ready_ms: f64,
    pss_mib: f64,
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

/// The proportional set size of `pids` together, in MiB.
fn pss_mib(pids: &[u32]) -> f64 {
    let kib: u64 = pids
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|s| s.lines().find(|l| l.starts_with("Pss:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
        .sum();
    kib as f64 / 1024.0
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
    let pss = pss_mib(&tree(child.id()));
    kill_tree(&mut child);
    Ok(Sample { ready_ms: ready.as_secs_f64() * 1000.0, pss_mib: pss })
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
    let (_xvfb, display) = crate::e2e::virtual_display()?;
    let display = format!(":{display}");
    let scratch = target_dir().join("bench").join("startup");
    let (mut ours, mut bare) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let data = scratch.join(format!("run-{i}"));
        let _ = std::fs::remove_dir_all(&data);
        let mut cmd = Command::new(app);
        cmd.arg("--data-dir").arg(&data).env("DISPLAY", &display).env("RUST_LOG", "starling_app=info");
        ours.push(measure(cmd, "Starling")?);
        let mut cmd = Command::new("/usr/bin/python3");
        cmd.args(["-c", BARE_WEBVIEW]).env("DISPLAY", &display);
        bare.push(measure(cmd, "the bare WebKitGTK window")?);
    }
    let fig = |v: &[Sample], f: fn(&Sample) -> f64| median(v.iter().map(f).collect());
    let (o_ms, b_ms) = (fig(&ours, |s| s.ready_ms), fig(&bare, |s| s.ready_ms));
    let (o_mib, b_mib) = (fig(&ours, |s| s.pss_mib), fig(&bare, |s| s.pss_mib));
    println!("start-up: {} ({runs} launches each, median; memory after {} s idle, app + WebKit processes)", app.display(), IDLE.as_secs());
    println!("{:<24} {:>14} {:>16}", "", "interactive", "idle memory (PSS)");
    println!("{:<24} {:>12.0}ms {:>13.0} MiB", "Starling", o_ms, o_mib);
    println!("{:<24} {:>12.0}ms {:>13.0} MiB", "bare WebKitGTK window", b_ms, b_mib);
    println!("{:<24} {:>13.2}× {:>15.2}×", "ratio", o_ms / b_ms, o_mib / b_mib);
    println!(
        "runs: Starling {:?} ms; bare {:?} ms",
        ours.iter().map(|s| s.ready_ms.round()).collect::<Vec<_>>(),
        bare.iter().map(|s| s.ready_ms.round()).collect::<Vec<_>>()
    );
    Ok(())
}
