//! The checkpoint: an append-only journal of the rows finished, so a run stopped by Ctrl-C, a
//! crash or a kill continues where it was without sending a finished row again.
//!
//! Its first line describes the run (the input, its size, the mapping); then one line per row
//! finished, in the order they finished: `s INDEX` (sent) or `r INDEX END` (rejected, the reject
//! file's length once its line was written). Each line is written as soon as its row is done,
//! so a killed process loses none (the system keeps what was written); only calls in flight
//! are sent again. On resume, the reject file is cut back to the last recorded length, so a
//! rejected row whose journal line was not written yet is written once, when it is retried.
//! Reading it back keeps only a watermark and the rows finished above it: memory stays small.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What a checkpoint belongs to: a resume is refused when this differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// Always 1: this format.
    pub personaclick_sync: u32,
    pub input: String,
    /// The input's size in bytes (`None` for stdin).
    pub input_bytes: Option<u64>,
    /// A fingerprint of the input's first 64 KiB (`None` for stdin): an edited file of the
    /// same size is another input.
    pub input_start: Option<String>,
    pub operation: String,
    /// The options that decide what a row becomes (format, mapping, ...), as given.
    pub mapping: String,
    pub rejects: String,
}

/// The rows finished so far.
#[derive(Debug, Default)]
pub struct Done {
    /// Every row up to and including this index is finished.
    watermark: u64,
    /// Rows finished above the watermark.
    above: BTreeSet<u64>,
    pub sent: u64,
    pub rejected: u64,
    /// The reject file's length after the last recorded reject.
    pub rejects_end: u64,
    /// The run finished: every row is done.
    pub complete: bool,
    /// The journal's length up to its last whole line.
    journal_end: u64,
}

impl Done {
    pub fn contains(&self, index: u64) -> bool {
        index <= self.watermark || self.above.contains(&index)
    }

    fn insert(&mut self, index: u64) {
        if index == self.watermark + 1 {
            self.watermark = index;
            while self.above.remove(&(self.watermark + 1)) {
                self.watermark += 1;
            }
        } else if index > self.watermark {
            self.above.insert(index);
        }
    }
}

/// FNV-1a (64 bits) of the first 64 KiB of the file at `path`, as hex: stable across runs and
/// toolchains, which is all a checkpoint needs of it.
pub fn fingerprint(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut start = Vec::with_capacity(64 << 10);
    File::open(path)
        .ok()?
        .take(64 << 10)
        .read_to_end(&mut start)
        .ok()?;
    let hash = start.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    Some(format!("{hash:016x}"))
}

/// The journal being written.
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Opens the journal at `path` for `run`: a new one (`restart`, or none there yet), or the
    /// one there, whose finished rows are returned.
    pub fn open(path: &Path, run: &Run, restart: bool) -> Result<(Self, Done), String> {
        let shown = path.display();
        let existing = !restart && path.exists();
        let mut done = Done::default();
        if existing {
            let file =
                File::open(path).map_err(|e| format!("cannot read the checkpoint {shown}: {e}"))?;
            let mut reader = BufReader::new(file);
            let mut line = Vec::new();
            let mut first = true;
            let mut complete_lines = 0u64;
            loop {
                line.clear();
                let n = reader
                    .read_until(b'\n', &mut line)
                    .map_err(|e| format!("cannot read the checkpoint {shown}: {e}"))?;
                // A line without its newline was cut by a kill: its row is not finished (and
                // "s 12" may be the start of "s 123").
                if n == 0 || line.last() != Some(&b'\n') {
                    break;
                }
                complete_lines += n as u64;
                let text = String::from_utf8_lossy(&line);
                let text = text.trim_end();
                if first {
                    first = false;
                    let found: Run = serde_json::from_str(text).map_err(|_| {
                        format!("{shown} is not a checkpoint of personaclick sync-profiles; remove it, or choose another with --checkpoint")
                    })?;
                    if &found != run {
                        return Err(format!(
                            "the checkpoint {shown} belongs to another run (input {} of {} bytes, operation {}, options {}): pass --restart to start this one over, or --checkpoint to keep both",
                            found.input,
                            found.input_bytes.map_or("unknown".to_string(), |n| n.to_string()),
                            found.operation,
                            found.mapping
                        ));
                    }
                    continue;
                }
                let mut words = text.split(' ');
                let number = |w: Option<&str>| w.and_then(|w| w.parse::<u64>().ok());
                match (words.next(), number(words.next()), number(words.next())) {
                    (Some("s"), Some(i), None) => {
                        done.insert(i);
                        done.sent += 1;
                    }
                    (Some("r"), Some(i), Some(end)) => {
                        done.insert(i);
                        done.rejected += 1;
                        done.rejects_end = end;
                    }
                    (Some("done"), None, None) => done.complete = true,
                    _ => {}
                }
            }
            if first {
                return Err(format!("{shown} is not a checkpoint of personaclick sync-profiles (it is empty); remove it, or pass --restart"));
            }
            done.journal_end = complete_lines;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(existing)
            .write(true)
            .truncate(!existing)
            .open(path)
            .map_err(|e| format!("cannot write the checkpoint {shown}: {e}"))?;
        if !existing {
            let header = serde_json::to_string(run).map_err(|e| e.to_string())?;
            writeln!(file, "{header}")
                .map_err(|e| format!("cannot write the checkpoint {shown}: {e}"))?;
        } else {
            // A line cut by a kill goes: the next one starts where the last whole one ended.
            file.set_len(done.journal_end)
                .map_err(|e| format!("cannot write the checkpoint {shown}: {e}"))?;
        }
        Ok((
            Journal {
                path: path.to_path_buf(),
                file,
            },
            done,
        ))
    }

    pub fn sent(&mut self, index: u64) -> Result<(), String> {
        self.write(&format!("s {index}\n"))
    }

    pub fn rejected(&mut self, index: u64, rejects_end: u64) -> Result<(), String> {
        self.write(&format!("r {index} {rejects_end}\n"))
    }

    pub fn complete(&mut self) -> Result<(), String> {
        self.write("done\n")
    }

    fn write(&mut self, line: &str) -> Result<(), String> {
        // One write per line: what is written survives a killed process.
        self.file
            .write_all(line.as_bytes())
            .map_err(|e| format!("cannot write the checkpoint {}: {e}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> Run {
        Run {
            personaclick_sync: 1,
            input: "in.csv".into(),
            input_bytes: Some(10),
            input_start: Some("0123".into()),
            operation: "set_profile".into(),
            mapping: "csv".into(),
            rejects: "in.rejects.jsonl".into(),
        }
    }

    #[test]
    fn a_journal_reads_back_what_finished_even_when_cut() {
        let path = std::env::temp_dir().join(format!("pc-journal-{}", std::process::id()));
        let (mut j, done) = Journal::open(&path, &run(), true).unwrap();
        assert!(!done.contains(1));
        for i in [1, 2, 4, 6] {
            j.sent(i).unwrap();
        }
        j.rejected(3, 120).unwrap();
        j.write("s 5").unwrap(); // cut by a kill: no newline, so row 5 is not finished
        drop(j);
        let (mut j, done) = Journal::open(&path, &run(), false).unwrap();
        assert!((1..=4).all(|i| done.contains(i)) && !done.contains(5) && done.contains(6));
        assert_eq!((done.sent, done.rejected, done.rejects_end), (4, 1, 120));
        j.sent(5).unwrap();
        drop(j);
        let (_, done) = Journal::open(&path, &run(), false).unwrap();
        assert!(done.contains(5) && !done.contains(7));
        for other in [
            Run {
                input_bytes: Some(11),
                ..run()
            },
            Run {
                input_start: Some("4567".into()),
                ..run()
            },
        ] {
            let e = Journal::open(&path, &other, false).err().unwrap();
            assert!(e.contains("belongs to another run"), "{e}");
        }
        let _ = std::fs::remove_file(&path);
    }
}
