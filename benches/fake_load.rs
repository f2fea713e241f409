//! The fake under a bulk load (issue 17): what a new user's bulk sync does to it. One shared
//! client, 64 calls in flight, `set_profile` + `get_profile` pairs on distinct emails, against
//! a [`FakeServer`] in this process with its defaults.
//!
//! Each size runs in a fresh process (this executable again, with `FAKE_LOAD_RUN` set), so
//! its peak RSS (`VmHWM`) is that run's own: the fake, the client and the runtime together.
//! The rate of the run's last quarter is printed beside the whole run's: a fake whose cost per
//! call is flat has the two alike.
//!
//! `cargo bench --bench fake_load --features fake`; `CALLS=10000,40000` chooses the sizes
//! (calls, two per pair; default 10,000, 40,000 and 200,000), `RECORD=n` the number of requests
//! the fake keeps (default its own, `DEFAULT_RECORDED_REQUESTS`). Without `--bench` (as
//! `cargo test --benches` runs it) it makes 200 calls, as a smoke test.

use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use personaclick::fake::FakeServer;

const RUN_ENV: &str = "FAKE_LOAD_RUN";
const IN_FLIGHT: usize = 64;

fn main() -> ExitCode {
    if let Some(calls) = std::env::var(RUN_ENV).ok().and_then(|n| n.parse().ok()) {
        return run(calls);
    }
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = match std::env::var("CALLS") {
        Ok(list) => list
            .split(',')
            .filter_map(|n| n.trim().replace('_', "").parse().ok())
            .collect(),
        Err(_) if bench_mode => vec![10_000, 40_000, 200_000],
        Err(_) => vec![200],
    };
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("fake_load: cannot find this executable");
        return ExitCode::FAILURE;
    };
    println!("fake_load: one client, {IN_FLIGHT} in flight, set_profile + get_profile pairs");
    println!(
        "{:>9}  {:>8}  {:>9}  {:>14}  {:>13}",
        "calls", "time", "calls/s", "last 25 % /s", "peak RSS"
    );
    for calls in sizes {
        let status = Command::new(&exe).env(RUN_ENV, calls.to_string()).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("fake_load: the run of {calls} calls failed");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// One run of `calls` calls, printed as one line of the table.
fn run(calls: usize) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fake_load: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(load(calls.div_ceil(2)));
    match result {
        Ok((total, last_quarter, quarter_pairs)) => {
            let calls = calls.div_ceil(2) * 2;
            let rate = calls as f64 / total.as_secs_f64();
            let last = (quarter_pairs * 2) as f64 / last_quarter.as_secs_f64();
            println!(
                "{calls:>9}  {:>7.2}s  {rate:>9.0}  {last:>14.0}  {:>10} kB",
                total.as_secs_f64(),
                peak_rss_kb().map_or("?".to_string(), |kb| kb.to_string()),
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fake_load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `pairs` pairs of calls: the whole run's time, its last quarter's, and that quarter's pairs.
async fn load(pairs: usize) -> Result<(Duration, Duration, usize), Box<dyn std::error::Error>> {
    let mut fake = FakeServer::builder();
    if let Some(n) = std::env::var("RECORD").ok().and_then(|n| n.parse().ok()) {
        fake = fake.record_requests(n);
    }
    let fake = fake.start().await?;
    let client = fake.client()?;
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let quarter_start = Arc::new(std::sync::Mutex::new(None::<Instant>));
    let quarter_from = pairs - pairs / 4;
    let start = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let (client, next, done) = (client.clone(), Arc::clone(&next), Arc::clone(&done));
        let quarter_start = Arc::clone(&quarter_start);
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= pairs {
                    return Ok::<(), personaclick::Error>(());
                }
                let email = format!("user{i}@examplemail.com");
                let name = format!("User{i}");
                client
                    .set_profile()
                    .email(&email)
                    .first_name(&name)
                    .send()
                    .await?;
                let profile = client.get_profile().email(&email).send().await?;
                assert_eq!(profile.first_name.as_deref(), Some(name.as_str()));
                if done.fetch_add(1, Ordering::Relaxed) + 1 == quarter_from {
                    if let Ok(mut at) = quarter_start.lock() {
                        *at = Some(Instant::now());
                    }
                }
            }
        });
    }
    while let Some(joined) = workers.join_next().await {
        joined??;
    }
    let total = start.elapsed();
    let last = quarter_start
        .lock()
        .ok()
        .and_then(|at| *at)
        .map_or(total, |at| at.elapsed());
    Ok((total, last, pairs - quarter_from))
}

/// The process's peak resident set size, from Linux's `/proc/self/status`.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
