//! What a server process used, from /proc: CPU time, context switches, RSS. Shared by the
//! load generators; each uses what it reports.
#![allow(dead_code)]

use std::time::Duration;

/// CPU time (user + system) and RSS figures of a process, from /proc.
pub(crate) struct Proc(pub(crate) u32);

impl Proc {
    pub(crate) fn cpu(&self) -> Duration {
        stat_cpu(&format!("/proc/{}/stat", self.0)).1
    }
    /// CPU time of the process's threads named `name` (their `comm`, at most 15 bytes).
    pub(crate) fn thread_cpu(&self, name: &str) -> Duration {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{}/task", self.0)) else {
            return Duration::ZERO;
        };
        tasks
            .flatten()
            .map(|t| stat_cpu(&t.path().join("stat").to_string_lossy()))
            .filter(|(comm, _)| comm == name)
            .map(|(_, cpu)| cpu)
            .sum()
    }
    fn status(&self, key: &str) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.0))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }
    /// Context switches (voluntary and not) of all the process's threads so far.
    pub(crate) fn switches(&self) -> u64 {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{}/task", self.0)) else {
            return 0;
        };
        tasks
            .flatten()
            .filter_map(|t| std::fs::read_to_string(t.path().join("status")).ok())
            .flat_map(|s| {
                s.lines()
                    .filter(|l| l.contains("ctxt_switches:"))
                    .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                    .collect::<Vec<_>>()
            })
            .sum()
    }
    pub(crate) fn rss_mib(&self) -> f64 {
        self.status("VmRSS:") as f64 / 1024.0
    }
    pub(crate) fn peak_mib(&self) -> f64 {
        self.status("VmHWM:") as f64 / 1024.0
    }
}

/// The command name and CPU time (user + system) in a `stat` file.
fn stat_cpu(path: &str) -> (String, Duration) {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    let comm = stat
        .split_once('(')
        .and_then(|(_, r)| r.rsplit_once(')'))
        .map_or("", |(c, _)| c)
        .to_string();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the command name.
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    (comm, Duration::from_millis(ticks * 1000 / clock_ticks()))
}

/// Clock ticks per second (`getconf CLK_TCK`), asked once: every thread's stat is read in the
/// measured window, and a subprocess per read would load the shared cores.
fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100)
    })
}
