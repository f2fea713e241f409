//! What a run shows while it goes (a progress bar on a terminal, a plain line every ten
//! seconds otherwise, both on stderr) and the summary at its end.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use super::pace::Pace;
use crate::exit::Exit;

/// The counts of a run.
#[derive(Debug, Default)]
pub struct Summary {
    /// Rows read from the input (this run).
    pub read: u64,
    /// Rows a checkpoint says were finished before this run.
    pub resumed: u64,
    pub sent_before: u64,
    pub rejected_before: u64,
    pub sent: u64,
    /// Rows rejected in this run, by the checks or by PersonaClick.
    pub rejected: u64,
    /// Of those, rejected before sending (offline checks, unreadable rows).
    pub rejected_offline: u64,
    /// Rows checked and not sent (`--dry-run`).
    pub checked: u64,
    /// Calls put back once for later (no answer, or 429/5xx after the client's retries).
    pub put_back: u64,
    /// Attempts that were retries, made by the client.
    pub retried: u64,
    /// How many times a 429 lowered the rate.
    pub slowdowns: u64,
    /// Rows neither sent nor rejected when the run stopped.
    pub unfinished: u64,
    pub dry_run: bool,
    pub elapsed: Duration,
}

impl Summary {
    fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            (self.sent + self.rejected) as f64 / secs
        } else {
            0.0
        }
    }

    /// The summary for people.
    pub fn text(&self, rejects: &Path, stopped: Option<&str>) -> String {
        let mut out = String::new();
        if let Some(why) = stopped {
            out.push_str(&format!("personaclick: {why}\n"));
        }
        if self.dry_run {
            out.push_str(&format!(
                "dry run: {} rows read, {} would be sent, {} rejected (see {}); nothing sent\n",
                self.read,
                self.checked,
                self.rejected,
                rejects.display()
            ));
            return out;
        }
        out.push_str(&format!(
            "sync: {} sent, {} rejected ({} before sending){}, {} retried attempts, {} slowdowns on 429, in {:.1} s ({:.0} rows/s)\n",
            self.sent,
            self.rejected,
            self.rejected_offline,
            if self.resumed > 0 {
                format!(", resumed after {} rows already done", self.resumed)
            } else {
                String::new()
            },
            self.retried,
            self.slowdowns,
            self.elapsed.as_secs_f64(),
            self.rate()
        ));
        if self.rejected + self.rejected_before > 0 {
            out.push_str(&format!("rejected rows: {}\n", rejects.display()));
        }
        if self.unfinished > 0 {
            out.push_str(&format!(
                "{} rows not finished: run the same command again to send them\n",
                self.unfinished
            ));
        }
        out
    }

    /// The summary for scripts.
    pub fn json(&self, exit: Exit, stopped: Option<&str>) -> serde_json::Value {
        json!({
            "exit_code": exit as u8,
            "stopped": stopped,
            "dry_run": self.dry_run,
            "rows_read": self.read,
            "resumed_after": self.resumed,
            "sent": self.sent,
            "rejected": self.rejected,
            "rejected_before_sending": self.rejected_offline,
            "checked": self.checked,
            "sent_in_earlier_runs": self.sent_before,
            "rejected_in_earlier_runs": self.rejected_before,
            "put_back": self.put_back,
            "retried_attempts": self.retried,
            "slowdowns": self.slowdowns,
            "unfinished": self.unfinished,
            "seconds": self.elapsed.as_secs_f64(),
        })
    }
}

/// The display of a run in progress.
pub struct Progress {
    bar: Option<ProgressBar>,
    consumed: Arc<AtomicU64>,
    started: Instant,
    last_line: Mutex<Instant>,
}

/// How often a plain progress line is written when stderr is no terminal.
const EVERY: Duration = Duration::from_secs(10);

impl Progress {
    pub fn new(input_bytes: Option<u64>, consumed: Arc<AtomicU64>) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = match input_bytes {
                Some(n) => ProgressBar::new(n).with_style(
                    ProgressStyle::with_template("{bar:30} {percent:>3}% {msg} ETA {eta}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                ),
                None => ProgressBar::new_spinner(),
            };
            bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
            bar
        });
        Progress {
            bar,
            consumed,
            started: Instant::now(),
            last_line: Mutex::new(Instant::now()),
        }
    }

    pub fn tick(&self, s: &Summary, pace: &Pace, retried: u64) {
        let elapsed = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = (s.sent + s.rejected) as f64 / elapsed;
        let line = format!(
            "{} rows, {} sent, {} rejected, {} retried, {:.0}/s (limit {:.0}/s)",
            s.read,
            s.sent,
            s.rejected,
            retried,
            rate,
            pace.now().0
        );
        match &self.bar {
            Some(bar) => {
                bar.set_position(self.consumed.load(Ordering::Relaxed));
                bar.set_message(line);
            }
            None => {
                let mut last = self.last_line.lock().unwrap_or_else(|p| p.into_inner());
                if last.elapsed() >= EVERY {
                    *last = Instant::now();
                    eprintln!("sync: {line}");
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
