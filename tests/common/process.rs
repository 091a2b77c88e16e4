//! A sqlwarden process started with a command line and environment of the test's choosing
//! (the way a container or a replica starts it), stopped with a real SIGTERM.

use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A running server; SIGKILLed when dropped unless it was stopped.
pub struct Process {
    pub base: String,
    pub url: String,
    child: Child,
    stderr: std::path::PathBuf,
}

impl Process {
    /// Spawn `cmd` (stdout discarded, stderr to a file) and wait until `base/readyz` answers 200.
    pub async fn start(mut cmd: Command, port: u16, stderr: std::path::PathBuf) -> Process {
        let log = std::fs::File::create(&stderr).expect("stderr file");
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn sqlwarden");
        let base = format!("http://127.0.0.1:{port}");
        let mut p = Process {
            url: format!("{base}/mcp"),
            base,
            child,
            stderr,
        };
        p.wait_ready().await;
        p
    }

    async fn wait_ready(&mut self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = client.get(format!("{}/readyz", self.base)).send().await
                && r.status().is_success()
            {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("server exited with {status}:\n{}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "server did not become ready:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote on stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Send SIGTERM (what a container runtime sends).
    pub fn terminate(&self) {
        let ok = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "kill -TERM {}", self.pid());
    }

    /// Wait for the process to exit, at most `limit`; its exit status.
    pub async fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not exit within {limit:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET `url`: the status code, or 0 when nothing answered.
pub async fn status(url: &str) -> u16 {
    match reqwest::Client::new()
        .get(url)
        .timeout(Duration::from_secs(5))
        .send()
        .await
    {
        Ok(r) => r.status().as_u16(),
        Err(_) => 0,
    }
}

/// GET `url`: the body text (panics if nothing answered).
pub async fn body(url: &str) -> String {
    reqwest::Client::new()
        .get(url)
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body")
}

/// A `/proc/<pid>/status` figure in MiB (`VmRSS`, `VmHWM`, ...), if the process is there.
pub fn status_mib(pid: u32, field: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.split(':').next() == Some(field))?
        .split_whitespace()
        .nth(1)?
        .parse::<u64>()
        .ok()
        .map(|kb| kb / 1024)
}
