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
use personaclick::dynamic::DynamicCall;
use personaclick::{Client, Error, Outcome, RetryPolicy, TransportKind};
use serde_json::{json, Map, Value};
use tokio::task::{JoinError, JoinSet};

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
    /// `None`: a stream with no checkpoint named for it (not resumable).
    checkpoint: Option<PathBuf>,
    /// Stdin, a pipe or a FIFO: read once, known by no size or fingerprint.
    stream: bool,
    restart: bool,
    max_errors: Option<u64>,
    max_line: usize,
    dry_run: bool,
    json: bool,
}

impl Options {
    pub fn from_matches(m: &ArgMatches) -> Result<Self, Failure> {
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
        // A stream (stdin, a pipe, a FIFO) cannot be known again: it is resumed only from a
        // checkpoint named for it, and read once (no fingerprint).
        let stream = stdin || !std::fs::metadata(&file).is_ok_and(|m| m.is_file());
        let base = if stdin {
            "stdin".to_string()
        } else {
            file.clone()
        };
        let dry_run = m.get_flag("dry-run");
        let rejects = m
            .get_one::<String>("reject")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                // A dry run never touches the reject file a real run resumes with.
                let suffix = if dry_run {
                    ".dry-run.rejects.jsonl"
                } else {
                    ".rejects.jsonl"
                };
                PathBuf::from(format!("{base}{suffix}"))
            });
        let checkpoint = match m.get_one::<String>("checkpoint") {
            Some(p) => Some(PathBuf::from(p)),
            None if stream => None,
            None => Some(PathBuf::from(format!("{base}.checkpoint"))),
        };
        let mut files = vec![("the reject file", rejects.as_path())];
        if let Some(c) = &checkpoint {
            files.push(("the checkpoint", c.as_path()));
        }
        if !stdin {
            files.push(("the input", std::path::Path::new(&file)));
        }
        for (i, (a, pa)) in files.iter().enumerate() {
            for (b, pb) in &files[i + 1..] {
                if same_file(pa, pb) {
                    return Err(usage(format!(
                        "{a} and {b} are the same file ({}): give each its own (--reject, --checkpoint)",
                        pa.display()
                    )));
                }
            }
        }
        Ok(Options {
            rejects,
            checkpoint,
            stream,
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
            dry_run,
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
    /// An answer that no other row would get past (the credentials refused): stop the run.
    Stop(String),
}

/// A row that passed the checks, to send (again, if it was put back).
struct Pending {
    index: u64,
    line: u64,
    original: Value,
    params: Map<String, Value>,
    /// The checked call; `None` once sent (a row put back is checked again).
    call: Option<DynamicCall>,
    rounds: u32,
}

/// Why a run stopped before its end.
const INTERRUPTED: &str = "interrupted: run the same command again to continue";

pub async fn run(model: &'static Model, global: &ArgMatches, o: Options) -> Result<Exit, Failure> {
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
    let client = paced_client(model, global, &pace, &retried)?;

    let run = Run {
        personaclick_sync: 1,
        input: o.file.clone(),
        input_bytes,
        input_start: (!o.stream)
            .then(|| journal::fingerprint(std::path::Path::new(&o.file)))
            .flatten(),
        operation: o.operation.clone(),
        mapping: o.mapping_key(),
        rejects: o.rejects.display().to_string(),
    };
    let (journal, done) = match &o.checkpoint {
        Some(path) if !o.dry_run => {
            let (j, d) = Journal::open(path, &run, o.restart).map_err(usage)?;
            (Some(j), d)
        }
        _ => (None, Done::default()),
    };
    if done.complete && o.stream {
        return Err(usage(format!(
            "the checkpoint {} is of a finished run, and {} is a stream, whose rows cannot be told apart from another's: pass --restart, or another --checkpoint",
            o.checkpoint.as_ref().map_or(String::new(), |p| p.display().to_string()),
            o.file
        )));
    }
    if done.complete {
        eprintln!(
            "personaclick: {} was synced completely already ({} sent, {} rejected; checkpoint {}): pass --restart to sync it again",
            o.file,
            done.sent,
            done.rejected,
            o.checkpoint.as_ref().map_or(String::new(), |p| p.display().to_string())
        );
        return Ok(if done.rejected > 0 {
            Exit::Refused
        } else {
            Exit::Ok
        });
    }
    let resumed = done.sent + done.rejected;
    let rejects =
        Rejects::open(&o.rejects, (resumed > 0).then_some(done.rejects_end)).map_err(usage)?;
    let summary = Summary {
        resumed,
        sent_before: done.sent,
        rejected_before: done.rejected,
        dry_run: o.dry_run,
        ..Summary::default()
    };
    let mut s = Syncing {
        client,
        endpoint,
        mapping,
        csv: o.format == Format::Csv,
        done,
        journal,
        rejects,
        summary,
        in_flight: JoinSet::new(),
        again: VecDeque::new(),
        concurrency: o.concurrency,
        dry_run: o.dry_run,
        stopped: None,
        interrupted: None,
    };
    let progress = Progress::new(input_bytes, consumed);
    let started = Instant::now();

    // The reader runs on its own thread, a few rows ahead (a bounded channel), no more. It is
    // not waited for at the end: on stdin it may be blocked in a read.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Row, String>>(256);
    std::thread::spawn(move || loop {
        let item = match rows.next_row() {
            Ok(Some(row)) => Ok(row),
            Ok(None) => break,
            Err(e) => Err(e),
        };
        let failed = item.is_err();
        if tx.blocking_send(item).is_err() || failed {
            break;
        }
    });

    // Each Ctrl-C, as a message: the first stops the run, a second one its wait at the end.
    let (interrupt, interrupted) = tokio::sync::mpsc::unbounded_channel();
    s.interrupted = Some(interrupted);
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if interrupt.send(()).is_err() {
                break;
            }
        }
    });
    let mut input_done = false;
    let mut stop: Option<(Exit, String)> = None;
    loop {
        while let Some(joined) = s.in_flight.try_join_next() {
            s.joined(joined)?;
        }
        if let Some(max) = o.max_errors {
            // This run's rejects: a resumed run starts its count again.
            if stop.is_none() && s.summary.rejected > max {
                let why = format!("stopped: more than {max} rows rejected (--max-errors)");
                stop = Some((Exit::Unfinished, why));
            }
        }
        if let (None, Some(why)) = (&stop, s.stopped.take()) {
            stop = Some((Exit::Unfinished, why));
        }
        progress.tick(&s.summary, &pace, retried.load(Ordering::Relaxed));
        if stop.is_some() || (input_done && s.again.is_empty() && s.in_flight.is_empty()) {
            break;
        }
        let now = Instant::now();
        let next = match s.again.front() {
            Some((at, _)) if *at <= now => s.again.pop_front().map(|(_, p)| p),
            put_back => {
                let nap = put_back.map_or(Duration::from_millis(200), |(at, _)| {
                    at.saturating_duration_since(now)
                        .min(Duration::from_millis(200))
                });
                let room = s.in_flight.len() < s.concurrency;
                tokio::select! {
                    biased;
                    Some(()) = recv(&mut s.interrupted) => {
                        stop = Some((Exit::Unfinished, INTERRUPTED.into()));
                        None
                    }
                    Some(joined) = s.in_flight.join_next(), if !s.in_flight.is_empty() => {
                        s.joined(joined)?;
                        None
                    }
                    item = rx.recv(), if room && !input_done => match item {
                        None => {
                            input_done = true;
                            None
                        }
                        Some(Err(e)) => {
                            let why = format!(
                                "{}: {e}; the run stopped there: every row before that line is sent or rejected (see below), none after it is",
                                o.file
                            );
                            stop = Some((Exit::Usage, why));
                            None
                        }
                        Some(Ok(row)) => s.accept(row)?,
                    },
                    _ = tokio::time::sleep(nap) => None,
                }
            }
        };
        if let Some(pending) = next {
            s.start(pending, &pace).await?;
        }
    }

    // Let what is in flight finish; a second Ctrl-C ends the process at once.
    loop {
        let joined = tokio::select! {
            joined = s.in_flight.join_next() => joined,
            Some(()) = recv(&mut s.interrupted) => None,
        };
        let Some(joined) = joined else { break };
        s.joined(joined)?;
    }
    let mut summary = s.summary;
    summary.unfinished += s.again.len() as u64 + s.in_flight.len() as u64;
    summary.retried = retried.load(Ordering::Relaxed);
    summary.slowdowns = pace.now().1;
    summary.elapsed = started.elapsed();
    let exit = match &stop {
        Some((exit, _)) => *exit,
        None if summary.unfinished > 0 => Exit::Unfinished,
        None => {
            if let Some(j) = &mut s.journal {
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
    let reason = stop.as_ref().map(|(_, why)| why.as_str());
    eprint!("{}", summary.text(&o.rejects, reason));
    if o.json {
        crate::print_out(&format!("{}\n", summary.json(exit, reason)))?;
    }
    Ok(exit)
}

fn usage(message: String) -> Failure {
    Failure::new(Exit::Usage, message)
}

/// The client of a run: patient retries, and every 429 it meets slows the run down.
fn paced_client(
    model: &Model,
    global: &ArgMatches,
    pace: &Arc<Pace>,
    retried: &Arc<AtomicU64>,
) -> Result<Client, Failure> {
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
    })
}

/// One run's state: what it writes, what is in flight, what it counts. Only the run's task
/// touches it, so the journal and the reject file are written in one order.
struct Syncing {
    client: Client,
    endpoint: &'static EndpointModel,
    mapping: Mapping,
    csv: bool,
    done: Done,
    journal: Option<Journal>,
    rejects: Rejects,
    summary: Summary,
    in_flight: JoinSet<(Pending, Finished)>,
    again: VecDeque<(Instant, Pending)>,
    concurrency: usize,
    dry_run: bool,
    /// Why the run must stop, when a call's answer or a Ctrl-C says so.
    stopped: Option<String>,
    /// Each Ctrl-C.
    interrupted: Option<tokio::sync::mpsc::UnboundedReceiver<()>>,
}

/// The next Ctrl-C (never, without a receiver).
async fn recv(interrupted: &mut Option<tokio::sync::mpsc::UnboundedReceiver<()>>) -> Option<()> {
    match interrupted {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

impl Syncing {
    /// A row read: skipped when the checkpoint has it, rejected when it fails the library's
    /// checks (offline), otherwise to send.
    fn accept(&mut self, row: Row) -> Result<Option<Pending>, Failure> {
        self.summary.read += 1;
        if self.done.contains(row.index) {
            return Ok(None);
        }
        let line = row.line;
        let checked = row
            .cells
            .and_then(|cells| self.mapping.params(cells, self.csv))
            .and_then(|params| {
                match self
                    .client
                    .dynamic(self.endpoint.name.wire(), params.clone())
                {
                    Ok(call) => Ok((params, call)),
                    Err(e) => Err(e.to_string()),
                }
            });
        match checked {
            Ok((params, call)) => Ok(Some(Pending {
                index: row.index,
                line,
                original: row.original,
                params,
                call: Some(call),
                rounds: 0,
            })),
            Err(why) => {
                self.summary.rejected_offline += 1;
                self.reject(row.index, line, row.original, &why)?;
                Ok(None)
            }
        }
    }

    /// Sends a checked row once there is room and the pace allows (a dry run only counts it).
    async fn start(&mut self, mut pending: Pending, pace: &Pace) -> Result<(), Failure> {
        if self.dry_run {
            self.summary.checked += 1;
            return Ok(());
        }
        // Waiting for room, then for the pace: a Ctrl-C ends either wait, and the row is left
        // unsent (unfinished: the next run sends it).
        while self.in_flight.len() >= self.concurrency {
            tokio::select! {
                joined = self.in_flight.join_next() => match joined {
                    Some(joined) => self.joined(joined)?,
                    None => break,
                },
                Some(()) = recv(&mut self.interrupted) => {
                    self.interrupt();
                    return Ok(());
                }
            }
        }
        let wait = pace.take();
        if !wait.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                Some(()) = recv(&mut self.interrupted) => {
                    self.interrupt();
                    return Ok(());
                }
            }
        }
        let call = match pending.call.take() {
            Some(call) => Ok(call),
            None => self
                .client
                .dynamic(self.endpoint.name.wire(), pending.params.clone()),
        };
        self.in_flight.spawn(async move {
            let finished = match call {
                Err(e) => Finished::Rejected(e.to_string()),
                Ok(call) => match call.send().await {
                    Ok(_) => Finished::Sent,
                    Err(e) if worth_again(&e) => Finished::Again(e.to_string()),
                    Err(Error::Api(api)) if matches!(api.status(), 401 | 403) => {
                        Finished::Stop(format!("PersonaClick refused the credentials: {api}"))
                    }
                    Err(e) => Finished::Rejected(e.to_string()),
                },
            };
            (pending, finished)
        });
        Ok(())
    }

    /// A Ctrl-C while a checked row waited to be sent.
    fn interrupt(&mut self) {
        self.summary.unfinished += 1;
        self.stopped.get_or_insert_with(|| INTERRUPTED.to_string());
    }

    /// Records what became of a call: sent, rejected, or put back for later.
    fn joined(&mut self, joined: Result<(Pending, Finished), JoinError>) -> Result<(), Failure> {
        let (mut row, finished) =
            joined.map_err(|e| usage(format!("a call's task failed: {e}")))?;
        match finished {
            Finished::Sent => {
                self.summary.sent += 1;
                if let Some(j) = &mut self.journal {
                    j.sent(row.index).map_err(usage)?;
                }
            }
            Finished::Again(_) if row.rounds + 1 < ROW_ROUNDS => {
                row.rounds += 1;
                self.summary.put_back += 1;
                let wait = Duration::from_secs(2u64.pow(row.rounds));
                self.again.push_back((Instant::now() + wait, row));
            }
            // PersonaClick is down or unreachable, not the row wrong: the row stays unfinished
            // (not journaled) and the run stops, to be run again.
            Finished::Again(why) => {
                self.summary.unfinished += 1;
                self.stopped.get_or_insert(format!(
                    "stopped: a call got no answer after {ROW_ROUNDS} rounds of the client's retries (last: {why}); run the same command again to continue"
                ));
            }
            Finished::Stop(why) => {
                self.summary.unfinished += 1;
                self.stopped.get_or_insert(format!("stopped: {why}"));
            }
            Finished::Rejected(why) => {
                self.reject(row.index, row.line, row.original, &why)?;
            }
        }
        Ok(())
    }

    /// Writes a row to the reject file, then to the journal.
    fn reject(&mut self, index: u64, line: u64, original: Value, why: &str) -> Result<(), Failure> {
        self.summary.rejected += 1;
        // The input's own messages start with the line; the others get it.
        let line_prefix = format!("line {line}: ");
        let reason = if why.starts_with(&line_prefix) {
            why.to_string()
        } else {
            format!("{line_prefix}{why}")
        };
        let end = self
            .rejects
            .write(&json!({"line": line, "row": original, "reason": reason}))
            .map_err(usage)?;
        if let Some(j) = &mut self.journal {
            j.rejected(index, end).map_err(usage)?;
        }
        Ok(())
    }
}

/// Whether a call that failed may succeed later: no answer, or 429/5xx after the client's
/// retries. A refusal (400, 403, ...) or an invalid request will not.
fn worth_again(e: &Error) -> bool {
    match e {
        Error::Transport(t) => !matches!(t.kind(), TransportKind::TooLarge { .. }),
        Error::Api(api) => api.status() == 429 || api.status() >= 500,
        _ => false,
    }
}

/// Whether two paths name one file (existing or not: then their directories are compared).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let canonical = |p: &std::path::Path| {
        p.canonicalize().ok().or_else(|| {
            let parent = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => std::path::Path::new("."),
            };
            match parent.canonicalize() {
                Ok(dir) => Some(dir.join(p.file_name()?)),
                // No such directory: the path as written, `..` folded.
                Err(_) => Some(lexical(&std::path::absolute(p).ok()?)),
            }
        })
    };
    match (canonical(a), canonical(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// `path` with `.` and `..` folded, without looking at the file system.
fn lexical(path: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
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
    let f = File::open(file).map_err(|e| usage(format!("cannot read {file}: {e}")))?;
    let size = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
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
        let found = file
            .metadata()
            .map_err(|e| format!("cannot read the reject file {shown}: {e}"))?
            .len();
        if found < len {
            return Err(format!(
                "the reject file {shown} holds {found} bytes, but the checkpoint recorded {len}: it was changed or removed since; restore it, or pass --restart to start over"
            ));
        }
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
