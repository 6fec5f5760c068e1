//! A virtual microphone for the tests: a private PulseAudio daemon with a null
//! sink called `virtmic`, whose monitor is the default input. ALSA programs
//! (cpal's default host) reach it through Debian's `libasound2-plugins`; tests
//! play speech into it with `paplay -d virtmic`.
//!
//! A low-latency stream of silence keeps playing into the sink: without it the
//! monitor delivers audio in chunks of about two seconds, and the start and end
//! of each take would be lost.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{output, run_cmd, Fail};

/// Keeps the daemon and the silence stream alive; stops both when dropped.
pub struct VirtualMic {
    runtime_dir: PathBuf,
    silence: Option<Child>,
}

impl VirtualMic {
    pub fn start() -> Result<VirtualMic, Fail> {
        let runtime_dir = std::env::temp_dir().join(format!("starling-pulse-{}", std::process::id()));
        std::fs::create_dir_all(&runtime_dir).map_err(|e| Fail::msg(format!("cannot create {}: {e}", runtime_dir.display())))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&runtime_dir, std::fs::Permissions::from_mode(0o700));
        }
        // Everything below (and every test started later) talks to this daemon.
        std::env::set_var("XDG_RUNTIME_DIR", &runtime_dir);
        std::env::remove_var("PULSE_SERVER");
        let mut mic = VirtualMic { runtime_dir, silence: None };
        run_cmd(Command::new("pulseaudio").args([
            "-D",
            "-n",
            "--exit-idle-time=-1",
            "--load=module-native-protocol-unix",
            "--load=module-null-sink sink_name=virtmic rate=48000 channels=1",
            "--load=module-always-sink",
        ]))?;
        let start = Instant::now();
        while output(Command::new("pactl").arg("info")).is_none() {
            if start.elapsed() > Duration::from_secs(10) {
                return Err(Fail::msg("the PulseAudio daemon did not answer within 10 s"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        run_cmd(Command::new("pactl").args(["set-default-source", "virtmic.monitor"]))?;
        let silence = Command::new("pacat")
            .args(["-p", "--latency-msec=20", "--format=s16le", "--rate=48000", "--channels=1", "-d", "virtmic", "/dev/zero"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Fail::msg(format!("could not start pacat: {e}")))?;
        mic.silence = Some(silence);
        println!("xtask: virtual microphone ready (PulseAudio in {})", mic.runtime_dir.display());
        Ok(mic)
    }
}

impl Drop for VirtualMic {
    fn drop(&mut self) {
        if let Some(mut c) = self.silence.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = Command::new("pulseaudio").arg("--kill").status();
        let _ = std::fs::remove_dir_all(&self.runtime_dir);
        println!("xtask: stopped the virtual microphone");
    }
}
