//! `personaclick sync-profiles FILE`: every row of a CSV or JSON Lines file becomes one call
//! (`set_profile`), checked offline by the library's checks before it is sent; sent with a
//! bounded concurrency at a paced rate; resumable from its checkpoint; every row that cannot be
//! sent is in the reject file with its line and the reason, never lost.

mod input;
mod journal;
mod mapping;
mod pace;
mod progress;

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Arg, ArgAction, ArgMatches, Command};
use personaclick::dynamic::model::{EndpointModel, Model};
use personaclick::{Client, Error, Outcome, RetryPolicy};
use serde_json::{json, Map, Value};
use tokio::task::JoinSet;

use crate::exit::{Exit, Failure};
use input::{Format, Row, Rows};
use journal::{Done, Journal, Run};
use mapping::{Mapping, Unknown};
use pace::Pace;
use progress::{Progress, Summary};

/// The subcommand's name.
pub const COMMAND: &str = "sync-profiles";

/// The operation each row is a call of, unless `--operation` names another: the one that
/// creates or updates a profile.
const DEFAULT_OPERATION: &str = "set_profile";

/// How many times a row whose call got no answer (or 429/5xx after the client's own retries)
/// is put back for later, before it is rejected.
const ROW_ROUNDS: u32 = 3;

pub fn command(model: &Model) -> Command {
    let operations: Vec<String> = model
        .endpoints
        .iter()
        .map(|e| e.name.wire().to_string())
        .collect();
    Command::new(COMMAND)
        .about("Create or update many profiles from a CSV or JSON Lines file, resumably")
        .long_about(
            "Every row of FILE becomes one call (set_profile), its columns the call's parameters. \
             Each row is checked offline, by the library's own checks, before it is sent; rows \
             that fail (the checks, or PersonaClick's answer) go to the reject file as JSON Lines \
             ({\"line\", \"row\", \"reason\"}), never lost. A checkpoint records every row finished: \
             after Ctrl-C, a crash or a kill, the same command continues where it stopped, sending \
             again at most the calls that were in flight.",
        )
        .arg(Arg::new("file").required(true).value_name("FILE").help("The rows: a .csv or .jsonl file, or - for stdin"))
        .arg(Arg::new("format").long("format").value_parser(clap::value_parser!(Format)).help("The file's format (default: from its extension; csv for stdin)"))
        .arg(Arg::new("delimiter").long("delimiter").default_value(",").help("The CSV field delimiter (one byte)"))
        .arg(Arg::new("map").long("map").action(ArgAction::Append).value_name("COLUMN=PARAMETER").help("Fill PARAMETER from COLUMN (COLUMN=- leaves it out; custom_property.NAME for a custom property); columns named as parameters need none"))
        .arg(Arg::new("unknown-columns").long("unknown-columns").value_parser(clap::value_parser!(Unknown)).default_value("error").help("What a column that names no parameter becomes"))
        .arg(Arg::new("operation").long("operation").default_value(DEFAULT_OPERATION).value_parser(clap::builder::PossibleValuesParser::new(operations)).help("The operation each row is a call of"))
        .arg(Arg::new("concurrency").long("concurrency").value_parser(clap::value_parser!(u32).range(1..=256)).default_value("8").help("Calls in flight at most"))
        .arg(Arg::new("rate").long("rate").value_name("N").value_parser(clap::value_parser!(f64)).default_value("50").help("Calls per second at most (halved on each 429, then raised back)"))
        .arg(Arg::new("reject").long("reject").value_name("FILE").help("The reject file (default: FILE.rejects.jsonl)"))
        .arg(Arg::new("checkpoint").long("checkpoint").value_name("FILE").help("The checkpoint (default: FILE.checkpoint)"))
        .arg(Arg::new("restart").long("restart").action(ArgAction::SetTrue).help("Start over: forget the checkpoint and the reject file"))
        .arg(Arg::new("max-errors").long("max-errors").value_name("N").value_parser(clap::value_parser!(u64)).help("Stop once more than N rows are rejected"))
        .arg(Arg::new("max-line-bytes").long("max-line-bytes").value_parser(clap::value_parser!(usize)).default_value("1048576").help("A longer line ends the run with an error naming it"))
        .arg(Arg::new("dry-run").long("dry-run").action(ArgAction::SetTrue).help("Check every row, write the reject file, send nothing"))
        .arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("Print the summary as JSON on stdout"))
}

/// The options of one run.
pub struct Options {
    file: String,
    format: Format,
    delimiter: u8,
    maps: Vec<String>,
    unknown: Unknown,
    operation: String,
    concurrency: usize,
    rate: f64,
    rejects: PathBuf,
    checkpoint: PathBuf,
    restart: bool,
    max_errors: Option<u64>,
    max_line: usize,
    dry_run: bool,
    json: bool,
}

impl Options {
    pub fn from_matches(m: &ArgMatches) -> Result<Self, Failure> {
        let usage = |msg: String| Failure::new(Exit::Usage, msg);
        let file = m.get_one::<String>("file").cloned().unwrap_or_default();
        let stdin = file == "-";
        let format = m.get_one::<Format>("format").copied().unwrap_or_else(|| {
            let lower = file.to_ascii_lowercase();
            if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
                Format::Jsonl
            } else {
                Format::Csv
            }
        });
        let delimiter = match m.get_one::<String>("delimiter").map(String::as_bytes) {
            Some([b]) => *b,
            _ => {
                return Err(usage(
                    "--delimiter must be one byte, such as , or ; or a tab".into(),
                ))
            }
        };
        let rate = m.get_one::<f64>("rate").copied().unwrap_or(50.0);
        if !(rate.is_finite() && rate >= 0.1) {
            return Err(usage(format!(
                "--rate {rate}: must be at least 0.1 calls a second"
            )));
        }
        let base = if stdin {
            "stdin".to_string()
        } else {
            file.clone()
        };
        let path = |flag: &str, suffix: &str| {
            m.get_one::<String>(flag)
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(format!("{base}{suffix}")))
        };
        Ok(Options {
            rejects: path("reject", ".rejects.jsonl"),
            checkpoint: path("checkpoint", ".checkpoint"),
            file,
            format,
            delimiter,
            maps: m
                .get_many::<String>("map")
                .map(|v| v.cloned().collect())
                .unwrap_or_default(),
            unknown: m
                .get_one::<Unknown>("unknown-columns")
                .copied()
                .unwrap_or(Unknown::Error),
            operation: m
                .get_one::<String>("operation")
                .cloned()
                .unwrap_or_else(|| DEFAULT_OPERATION.into()),
            concurrency: m.get_one::<u32>("concurrency").copied().unwrap_or(8) as usize,
            rate,
            restart: m.get_flag("restart"),
            max_errors: m.get_one::<u64>("max-errors").copied(),
            max_line: m
                .get_one::<usize>("max-line-bytes")
                .copied()
                .unwrap_or(1 << 20)
                .max(1),
            dry_run: m.get_flag("dry-run"),
            json: m.get_flag("json"),
        })
    }

    /// What decides what a row becomes: a checkpoint made with other options is not resumed.
    fn mapping_key(&self) -> String {
        format!(
            "{:?} delimiter={} map={:?} unknown={:?}",
            self.format, self.delimiter as char, self.maps, self.unknown
        )
    }
}

/// What became of one call.
enum Finished {
    Sent,
    Rejected(String),
    /// No answer (or 429/5xx after the client's retries): try the row again later.
    Again(String),
}

/// A row ready to send, or being sent.
struct Pending {
    index: u64,
    line: u64,
    original: Value,
    params: Map<String, Value>,
    rounds: u32,
}

pub async fn run(model: &'static Model, global: &ArgMatches, o: Options) -> Result<Exit, Failure> {
    let usage = |msg: String| Failure::new(Exit::Usage, msg);
    let endpoint: &'static EndpointModel = model
        .endpoints
        .iter()
        .find(|e| e.name.wire() == o.operation)
        .ok_or_else(|| usage(format!("--operation {}: no such operation", o.operation)))?;
    let (reader, input_bytes, consumed) = open_input(&o.file)?;
    let mut mapping = Mapping::new(model, endpoint, &o.maps, o.unknown).map_err(usage)?;
    let mut rows = Rows::new(reader, o.format, o.delimiter, o.max_line)
        .map_err(|e| usage(format!("{}: {e}", o.file)))?;
    if let Some(header) = rows.header() {
        mapping
            .for_header(header)
            .map_err(|e| usage(format!("{}: {e}", o.file)))?;
    }

    let pace = Arc::new(Pace::new(o.rate));
    let retried = Arc::new(AtomicU64::new(0));
    let client = {
        let (pace, retried) = (pace.clone(), retried.clone());
        crate::client(model, global, move |b| {
            b.retry(
                RetryPolicy::default()
                    .max_attempts(5)
                    .backoff(Duration::from_millis(200), Duration::from_secs(5))
                    .max_retry_after(Duration::from_secs(30)),
            )
            .on_attempt(move |a| {
                if a.number > 1 {
                    retried.fetch_add(1, Ordering::Relaxed);
                }
                if let Outcome::Response {
                    status: 429,
                    retry_after,
                } = a.outcome
                {
                    pace.throttled(retry_after);
                }
            })
        })?
    };

    let run = Run {
        personaclick_sync: 1,
        input: o.file.clone(),
        input_bytes,
        operation: o.operation.clone(),
        mapping: o.mapping_key(),
        rejects: o.rejects.display().to_string(),
    };
    let (mut journal, done) = if o.dry_run {
        (None, Done::default())
    } else {
        let (j, d) = Journal::open(&o.checkpoint, &run, o.restart).map_err(usage)?;
        (Some(j), d)
    };
    if done.complete {
        eprintln!(
            "personaclick: {} was synced completely already ({} sent, {} rejected; checkpoint {}): pass --restart to sync it again",
            o.file, done.sent, done.rejected, o.checkpoint.display()
        );
        return Ok(if done.rejected > 0 {
            Exit::Refused
        } else {
            Exit::Ok
        });
    }
    let resuming = done.sent + done.rejected > 0;
    let mut rejects = Rejects::open(
        &o.rejects,
        if resuming {
            Some(done.rejects_end)
        } else {
            None
        },
    )
    .map_err(usage)?;

    let mut summary = Summary {
        resumed: done.sent + done.rejected,
        sent_before: done.sent,
        rejected_before: done.rejected,
        dry_run: o.dry_run,
        ..Summary::default()
    };
    let progress = Progress::new(input_bytes, consumed);
    let started = Instant::now();

    // The reader runs on its own thread; a bounded channel keeps a few rows ahead, no more.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Row, String>>(256);
    let reading = std::thread::spawn(move || loop {
        let next = rows.next_row();
        let end = !matches!(next, Ok(Some(_)));
        let item = match next {
            Ok(Some(row)) => Ok(row),
            Ok(None) => break,
            Err(e) => Err(e),
        };
        if tx.blocking_send(item).is_err() || end {
            break;
        }
    });

    let mut in_flight: JoinSet<(Pending, Finished)> = JoinSet::new();
    let mut again: VecDeque<(Instant, Pending)> = VecDeque::new();
    let mut input_done = false;
    let mut stop: Option<(Exit, String)> = None;
    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);

    loop {
        // Finish what came back.
        while let Some(joined) = in_flight.try_join_next() {
            let (row, finished) =
                joined.map_err(|e| usage(format!("a call's task failed: {e}")))?;
            finish(
                row,
                finished,
                &mut journal,
                &mut rejects,
                &mut summary,
                &mut again,
            )?;
        }
        if let Some(max) = o.max_errors {
            if stop.is_none() && summary.rejected + summary.rejected_before > max {
                stop = Some((
                    Exit::Unfinished,
                    format!("stopped: more than {max} rows rejected (--max-errors)"),
                ));
            }
        }
        progress.tick(&summary, &pace, retried.load(Ordering::Relaxed));
        if stop.is_some() || (input_done && again.is_empty() && in_flight.is_empty()) {
            break;
        }
        // The next row: one put back whose time has come, else a new one.
        let next = match again.front() {
            Some((at, _)) if *at <= Instant::now() => again.pop_front().map(|(_, p)| p),
            _ if input_done => {
                // Only rows put back, and calls in flight, are left: wait for either.
                let until = again.front().map_or(Duration::from_millis(200), |(at, _)| {
                    at.saturating_duration_since(Instant::now())
                });
                tokio::select! {
                    biased;
                    _ = &mut interrupted => {
                        stop = Some((Exit::Unfinished, "interrupted: run the same command again to continue".into()));
                    }
                    Some(joined) = in_flight.join_next(), if !in_flight.is_empty() => {
                        let (row, finished) = joined.map_err(|e| usage(format!("a call's task failed: {e}")))?;
                        finish(row, finished, &mut journal, &mut rejects, &mut summary, &mut again)?;
                    }
                    _ = tokio::time::sleep(until) => {}
                }
                None
            }
            _ => {
                tokio::select! {
                    biased;
                    _ = &mut interrupted => {
                        stop = Some((Exit::Unfinished, "interrupted: run the same command again to continue".into()));
                        continue;
                    }
                    item = rx.recv(), if in_flight.len() < o.concurrency => match item {
                        None => { input_done = true; None }
                        Some(Err(e)) => {
                            stop = Some((Exit::Usage, format!("{}: {e}", o.file)));
                            None
                        }
                        Some(Ok(row)) => {
                            summary.read += 1;
                            if done.contains(row.index) {
                                None
                            } else {
                                prepare(&client, &mapping, endpoint, row, o.format == Format::Csv, &mut journal, &mut rejects, &mut summary)?
                            }
                        }
                    },
                    Some(joined) = in_flight.join_next(), if !in_flight.is_empty() => {
                        let (row, finished) = joined.map_err(|e| usage(format!("a call's task failed: {e}")))?;
                        finish(row, finished, &mut journal, &mut rejects, &mut summary, &mut again)?;
                        None
                    }
                    _ = tokio::time::sleep(Duration::from_millis(200)) => None,
                }
            }
        };
        let Some(pending) = next else { continue };
        if o.dry_run {
            summary.checked += 1;
            continue;
        }
        while in_flight.len() >= o.concurrency {
            if let Some(joined) = in_flight.join_next().await {
                let (row, finished) =
                    joined.map_err(|e| usage(format!("a call's task failed: {e}")))?;
                finish(
                    row,
                    finished,
                    &mut journal,
                    &mut rejects,
                    &mut summary,
                    &mut again,
                )?;
            }
        }
        let wait = pace.take();
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        let client = client.clone();
        let operation = endpoint.name.wire();
        in_flight.spawn(async move {
            let finished = match client.dynamic(operation, pending.params.clone()) {
                Err(e) => Finished::Rejected(e.to_string()),
                Ok(call) => match call.send().await {
                    Ok(_) => Finished::Sent,
                    Err(e) if worth_again(&e) => Finished::Again(e.to_string()),
                    Err(e) => Finished::Rejected(e.to_string()),
                },
            };
            (pending, finished)
        });
    }

    // Let what is in flight finish (a second Ctrl-C ends the process at once).
    while let Some(joined) = tokio::select! {
        j = in_flight.join_next() => j,
        _ = &mut interrupted => None,
    } {
        let (row, finished) = joined.map_err(|e| usage(format!("a call's task failed: {e}")))?;
        let mut dropped = VecDeque::new();
        finish(
            row,
            finished,
            &mut journal,
            &mut rejects,
            &mut summary,
            &mut dropped,
        )?;
        summary.unfinished += dropped.len() as u64;
    }
    summary.unfinished += again.len() as u64;
    drop(rx);
    let _ = reading.join();
    summary.retried = retried.load(Ordering::Relaxed);
    summary.slowdowns = pace.now().1;
    summary.elapsed = started.elapsed();
    let exit = match &stop {
        Some((exit, _)) => *exit,
        None if summary.unfinished > 0 => Exit::Unfinished,
        None => {
            if let Some(j) = &mut journal {
                j.complete().map_err(usage)?;
            }
            if summary.rejected + summary.rejected_before > 0 {
                Exit::Refused
            } else {
                Exit::Ok
            }
        }
    };
    progress.finish();
    let reason = stop.as_ref().map(|(_, why)| why.clone());
    eprint!("{}", summary.text(&o.rejects, reason.as_deref()));
    if o.json {
        println!("{}", summary.json(exit, reason.as_deref()));
    }
    Ok(exit)
}

/// A row's parameters checked offline (the library's checks, as for any call): the row to
/// send, or `None` once it is rejected.
#[allow(clippy::too_many_arguments)]
fn prepare(
    client: &Client,
    mapping: &Mapping,
    endpoint: &EndpointModel,
    row: Row,
    csv: bool,
    journal: &mut Option<Journal>,
    rejects: &mut Rejects,
    summary: &mut Summary,
) -> Result<Option<Pending>, Failure> {
    let params = row.cells.clone().and_then(|cells| {
        mapping
            .params(cells, csv)
            .map_err(|why| format!("line {}: {why}", row.line))
    });
    let checked =
        params.and_then(
            |params| match client.dynamic(endpoint.name.wire(), params.clone()) {
                Ok(_) => Ok(params),
                Err(e) => Err(format!("line {}: {}", row.line, e)),
            },
        );
    match checked {
        Ok(params) => Ok(Some(Pending {
            index: row.index,
            line: row.line,
            original: row.original,
            params,
            rounds: 0,
        })),
        Err(reason) => {
            summary.rejected_offline += 1;
            reject(
                row.index,
                row.line,
                row.original,
                &reason,
                journal,
                rejects,
                summary,
            )?;
            Ok(None)
        }
    }
}

/// Records what became of a call: sent, rejected, or put back for later.
fn finish(
    mut row: Pending,
    finished: Finished,
    journal: &mut Option<Journal>,
    rejects: &mut Rejects,
    summary: &mut Summary,
    again: &mut VecDeque<(Instant, Pending)>,
) -> Result<(), Failure> {
    let usage = |msg: String| Failure::new(Exit::Usage, msg);
    match finished {
        Finished::Sent => {
            summary.sent += 1;
            if let Some(j) = journal {
                j.sent(row.index).map_err(usage)?;
            }
        }
        Finished::Again(why) if row.rounds + 1 < ROW_ROUNDS => {
            row.rounds += 1;
            summary.put_back += 1;
            let _ = why;
            let wait = Duration::from_secs(2u64.pow(row.rounds));
            again.push_back((Instant::now() + wait, row));
        }
        Finished::Again(why) | Finished::Rejected(why) => {
            let reason = format!("line {}: {why}", row.line);
            reject(
                row.index,
                row.line,
                row.original,
                &reason,
                journal,
                rejects,
                summary,
            )?;
        }
    }
    Ok(())
}

fn reject(
    index: u64,
    line: u64,
    original: Value,
    reason: &str,
    journal: &mut Option<Journal>,
    rejects: &mut Rejects,
    summary: &mut Summary,
) -> Result<(), Failure> {
    let usage = |msg: String| Failure::new(Exit::Usage, msg);
    summary.rejected += 1;
    let end = rejects
        .write(&json!({"line": line, "row": original, "reason": reason}))
        .map_err(usage)?;
    if let Some(j) = journal {
        j.rejected(index, end).map_err(usage)?;
    }
    Ok(())
}

/// Whether a call that failed may succeed later: no answer, or 429/5xx after the client's
/// retries. A refusal (400, 403, ...) or an invalid request will not.
fn worth_again(e: &Error) -> bool {
    match e {
        Error::Transport(_) => true,
        Error::Api(api) => api.status() == 429 || api.status() >= 500,
        _ => false,
    }
}

/// The input, its size when it is a file, and a counter of the bytes read from it.
type Input = (Box<dyn Read + Send>, Option<u64>, Arc<AtomicU64>);

fn open_input(file: &str) -> Result<Input, Failure> {
    let consumed = Arc::new(AtomicU64::new(0));
    if file == "-" {
        let counted = Counted {
            inner: std::io::stdin(),
            consumed: consumed.clone(),
        };
        return Ok((Box::new(counted), None, consumed));
    }
    let f = File::open(file)
        .map_err(|e| Failure::new(Exit::Usage, format!("cannot read {file}: {e}")))?;
    let size = f.metadata().ok().map(|m| m.len());
    let counted = Counted {
        inner: f,
        consumed: consumed.clone(),
    };
    Ok((Box::new(counted), size, consumed))
}

struct Counted<R> {
    inner: R,
    consumed: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The reject file: JSON Lines, appended to; cut back on resume to what the checkpoint knows.
struct Rejects {
    path: PathBuf,
    file: File,
    len: u64,
}

impl Rejects {
    fn open(path: &std::path::Path, resume_at: Option<u64>) -> Result<Self, String> {
        let shown = path.display();
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .read(true)
            .truncate(false)
            .open(path)
            .map_err(|e| format!("cannot write the reject file {shown}: {e}"))?;
        let len = resume_at.unwrap_or(0);
        file.set_len(len)
            .map_err(|e| format!("cannot write the reject file {shown}: {e}"))?;
        file.seek(std::io::SeekFrom::Start(len))
            .map_err(|e| format!("cannot write the reject file {shown}: {e}"))?;
        Ok(Rejects {
            path: path.to_path_buf(),
            file,
            len,
        })
    }

    /// Writes one record; the file's length after it.
    fn write(&mut self, record: &Value) -> Result<u64, String> {
        let mut line = record.to_string();
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .map_err(|e| format!("cannot write the reject file {}: {e}", self.path.display()))?;
        self.len += line.len() as u64;
        Ok(self.len)
    }
}
