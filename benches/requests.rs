//! Benchmark 3: whole requests on loopback. The generated client against the same calls
//! written by hand with reqwest + serde-derive structs, against one local server.
//!
//! The server is this same executable started again as a separate process (with
//! `PERSONACLICK_BENCH_SERVER` set): a raw tokio TCP loop on one thread that answers canned
//! JSON by path, so its CPU is not counted with the client's and it costs a few µs a request.
//! It exits when its standard input closes (when this process ends) or after 30 minutes.
//!
//! reqwest is used with this crate's features (no `json`), so the hand-written calls
//! serialize and parse with serde_json themselves, as `RequestBuilder::json` and
//! `Response::json` would.
//!
//! The main figure is the client process's own CPU time (user + system, `getrusage`) per
//! request; throughput is shown beside it. Each scenario runs rounds of three slots, ours, the
//! hand-written client and the hand-written client again, taking turns at going first, and
//! reports medians over the rounds; a ratio is the median of the ratios of two slots of the
//! same round. The third slot's ratio to the second (A/A) is the run's own measure of noise.
//!
//! `cargo bench --bench requests [FILTER]`; `REQUESTS=n` and `ROUNDS=n` change the size of a
//! round and their number, `ONLY=ours` or `ONLY=hand` runs one client alone (to profile it),
//! `SAME=hand` (or `SAME=ours`) runs that client in both slots: an A/A run, whose ratios show
//! how far this machine's noise alone moves them from 1.
//! Without `--bench` (as `cargo test --benches` runs it) it only makes a few requests of each
//! kind, as a smoke test.

mod common;

use std::future::Future;
use std::io::{BufRead, BufReader, Read, Write};
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use personaclick::{Channel, Gender, Kid, MessageType};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SERVER_ENV: &str = "PERSONACLICK_BENCH_SERVER";

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        return server::run();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_mode = args.iter().any(|a| a == "--bench");
    let filter = args.iter().find(|a| !a.starts_with('-')).cloned();
    let env_usize = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (requests, rounds) = if bench_mode {
        (env_usize("REQUESTS", 1500), env_usize("ROUNDS", 9))
    } else {
        (64, 1)
    };

    // `ONLY=ours` or `ONLY=hand` measures one client alone (for a profiler).
    let only = match std::env::var("ONLY").as_deref() {
        Ok("ours") => Some(true),
        Ok("hand") => Some(false),
        _ => None,
    };
    // `SAME=hand` or `SAME=ours`: the same client in both slots (an A/A run).
    let same = match std::env::var("SAME").as_deref() {
        Ok("ours") => Some(true),
        Ok("hand") => Some(false),
        _ => None,
    };
    let mut server = Server::start();
    let base = format!("http://127.0.0.1:{}", server.port);
    // `WORKERS=1`: one worker thread, to tell costs of the work itself from costs of two
    // threads sharing it.
    let workers = std::env::var("WORKERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("runtime");
    let clients = Arc::new(Clients::new(&base));
    println!(
        "client: tokio multi-thread runtime, {workers} workers; server: one thread, separate process (pid {})",
        server.child.id()
    );
    println!("{requests} requests a round x {rounds} rounds per client, rounds alternating\n");
    println!(
        "{:<34} {:>10} {:>10} {:>9} {:>7}   {:>10} {:>10} {:>9}   {:>10}",
        "scenario", "ours", "hand", "ours/hand", "A/A", "ours", "hand", "ours/hand", "server"
    );
    println!(
        "{:<34} {:>10} {:>10} {:>9} {:>7}   {:>10} {:>10} {:>9}   {:>10}",
        "", "CPU µs/req", "CPU µs/req", "", "", "req/s", "req/s", "", "CPU µs/req"
    );

    for scenario in SCENARIOS {
        if filter
            .as_ref()
            .is_some_and(|f| !scenario.name.contains(f.as_str()))
        {
            continue;
        }
        // The 32-in-flight rounds are four times as long: they go about four times as fast.
        let n = if scenario.in_flight > 1 {
            requests * 4
        } else {
            requests
        };
        let n = n.div_ceil(scenario.in_flight) * scenario.in_flight;
        let run = |ours: bool, n: usize| {
            let clients = Arc::clone(&clients);
            let ours = same.unwrap_or(ours);
            rt.block_on(run_batch(clients, *scenario, ours, n))
        };
        // Warm up: connections open, caches and allocator warm.
        for ours in [true, false] {
            if only.is_none_or(|only| only == ours) {
                run(ours, n / 4);
            }
        }
        // Three slots a round: ours, hand-written, and hand-written again (the control). The
        // control's ratio to the hand-written slot is this run's A/A: how far the machine's
        // noise alone moves a ratio from 1. The slots take turns at going first.
        let mut cpu = [Vec::new(), Vec::new(), Vec::new()];
        let mut rate = [Vec::new(), Vec::new(), Vec::new()];
        let mut server_cpu = Vec::new();
        for round in 0..rounds {
            for turn in 0..SLOTS.len() {
                let slot = SLOTS[(round + turn) % SLOTS.len()];
                let ours = slot == Slot::Ours;
                if only.is_some_and(|only| only != ours || slot == Slot::Control) {
                    continue;
                }
                let (c0, w0, s0) = (cpu_time(), Instant::now(), server.cpu_time());
                run(ours, n);
                let (c1, w1, s1) = (cpu_time(), Instant::now(), server.cpu_time());
                cpu[slot as usize].push((c1 - c0).as_secs_f64() * 1e6 / n as f64);
                rate[slot as usize].push(n as f64 / (w1 - w0).as_secs_f64());
                if slot != Slot::Control {
                    server_cpu.push((s1 - s0).as_secs_f64() * 1e6 / n as f64);
                }
            }
        }
        // A ratio is of two slots of the same round, then their median: less sensitive to the
        // machine's load drifting during a scenario than a ratio of medians.
        let paired = |a: &[f64], b: &[f64]| median(a.iter().zip(b).map(|(x, y)| x / y).collect());
        let (cpu_ratio, rate_ratio) = (paired(&cpu[0], &cpu[1]), paired(&rate[0], &rate[1]));
        let control = paired(&cpu[2], &cpu[1]);
        let [cpu_ours, cpu_hand, _] = cpu.map(median);
        let [rate_ours, rate_hand, _] = rate.map(median);
        println!(
            "{:<34} {:>10.1} {:>10.1} {:>8.3}x {:>6.3}x   {:>10.0} {:>10.0} {:>8.3}x   {:>10.1}",
            scenario.name,
            cpu_ours,
            cpu_hand,
            cpu_ratio,
            control,
            rate_ours,
            rate_hand,
            rate_ratio,
            median(server_cpu)
        );
    }
    println!(
        "\n(CPU and req/s: medians over the rounds; ours/hand: median of the ratios of the two in each \
         round; A/A: the same for the\n hand-written client run twice, this run's noise; goal: CPU \
         ours/hand <= 1.05; server: the server process's CPU per request, for reference)"
    );
    server.stop();
}

/// The slots of a round: `Control` runs the hand-written client again.
#[derive(Clone, Copy, PartialEq)]
enum Slot {
    Ours = 0,
    Hand = 1,
    Control = 2,
}

const SLOTS: [Slot; 3] = [Slot::Ours, Slot::Hand, Slot::Control];

/// One kind of request, and how many are kept in flight.
#[derive(Clone, Copy)]
struct Scenario {
    name: &'static str,
    op: Op,
    in_flight: usize,
}

#[derive(Clone, Copy)]
enum Op {
    GetProfile,
    SetProfile,
    LastOrderProducts,
    Notifications,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "GET /profile, sequential",
        op: Op::GetProfile,
        in_flight: 1,
    },
    Scenario {
        name: "GET /profile, 32 in flight",
        op: Op::GetProfile,
        in_flight: 32,
    },
    Scenario {
        name: "POST /profile/set, sequential",
        op: Op::SetProfile,
        in_flight: 1,
    },
    Scenario {
        name: "POST /profile/set, 32 in flight",
        op: Op::SetProfile,
        in_flight: 32,
    },
    Scenario {
        name: "GET last_for_user (50), sequential",
        op: Op::LastOrderProducts,
        in_flight: 1,
    },
    Scenario {
        name: "GET notifications (50), sequential",
        op: Op::Notifications,
        in_flight: 1,
    },
];

/// `n` requests, `scenario.in_flight` at a time, each task on the runtime's workers (as in an
/// application, not on the thread that blocks on them).
async fn run_batch(clients: Arc<Clients>, scenario: Scenario, ours: bool, n: usize) {
    let per_task = n / scenario.in_flight;
    let tasks: Vec<_> = (0..scenario.in_flight)
        .map(|_| {
            let clients = Arc::clone(&clients);
            tokio::spawn(async move {
                for _ in 0..per_task {
                    clients.call(scenario.op, ours).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("a request task panicked");
    }
}

/// The process's own CPU time so far: user + system, every thread.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, &mut usage), 0);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

// ---------------------------------------------------------------------------------------------
// The two clients.
// ---------------------------------------------------------------------------------------------

struct Clients {
    ours: personaclick::Client,
    hand: reqwest::Client,
    base: String,
}

type Call<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

impl Clients {
    fn new(base: &str) -> Self {
        let ours = personaclick::Client::builder()
            .shop_id(common::SHOP_ID)
            .shop_secret(common::SHOP_SECRET)
            .base_url(base)
            .build()
            .expect("our client");
        // The hand-written client is configured as ours is (no redirects, no Referer, the same
        // timeouts), so the comparison is of the calls, not of reqwest's settings.
        let hand = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .user_agent("hand-written/0.1")
            .build()
            .expect("reqwest client");
        Clients {
            ours,
            hand,
            base: base.to_string(),
        }
    }

    fn call(&self, op: Op, ours: bool) -> Call<'_> {
        match (op, ours) {
            (Op::GetProfile, true) => Box::pin(async {
                let p = self.ours.get_profile().email(common::EMAIL).send().await;
                assert!(p.expect("get_profile").first_name.is_some());
            }),
            (Op::GetProfile, false) => Box::pin(async {
                let p: common::Profile = self
                    .hand
                    .get(format!("{}/profile", self.base))
                    .query(&[
                        ("shop_id", common::SHOP_ID),
                        ("shop_secret", common::SHOP_SECRET),
                        ("email", common::EMAIL),
                    ])
                    .header(ACCEPT, "application/json")
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .expect("GET /profile")
                    .bytes()
                    .await
                    .map(|b| serde_json::from_slice(&b).expect("a profile"))
                    .expect("the body");
                assert!(p.first_name.is_some());
            }),
            (Op::SetProfile, true) => Box::pin(async {
                let r = self
                    .ours
                    .set_profile()
                    .email(common::EMAIL)
                    .first_name("John")
                    .birthday("1990-03-11")
                    .kids([Kid::new().gender(Gender::Male).birthday("2001-04-12")])
                    .custom_property("custom_integer_property", 100500)
                    .send()
                    .await;
                assert!(r.expect("set_profile").status.is_some());
            }),
            (Op::SetProfile, false) => Box::pin(async {
                let body = common::SetProfile {
                    shop_id: common::SHOP_ID,
                    shop_secret: common::SHOP_SECRET,
                    email: common::EMAIL,
                    first_name: "John",
                    birthday: "1990-03-11",
                    kids: vec![common::Kid {
                        gender: Some(common::Gender::Male),
                        birthday: Some("2001-04-12".into()),
                    }],
                    custom_integer_property: 100500,
                };
                let r: common::StatusResponse = self
                    .hand
                    .post(format!("{}/profile/set", self.base))
                    .header(CONTENT_TYPE, "application/json")
                    .body(serde_json::to_vec(&body).expect("JSON"))
                    .header(ACCEPT, "application/json")
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .expect("POST /profile/set")
                    .bytes()
                    .await
                    .map(|b| serde_json::from_slice(&b).expect("a status"))
                    .expect("the body");
                assert!(r.status.is_some());
            }),
            (Op::LastOrderProducts, true) => Box::pin(async {
                let r = self
                    .ours
                    .get_last_order_products()
                    .did("vxlwRZ7Cnk")
                    .send()
                    .await;
                assert_eq!(r.expect("get_last_order_products").len(), 50);
            }),
            (Op::LastOrderProducts, false) => Box::pin(async {
                let r: Vec<common::Product> = self
                    .hand
                    .get(format!("{}/orders/last_for_user", self.base))
                    .query(&[
                        ("shop_id", common::SHOP_ID),
                        ("shop_secret", common::SHOP_SECRET),
                        ("did", "vxlwRZ7Cnk"),
                    ])
                    .header(ACCEPT, "application/json")
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .expect("GET /orders/last_for_user")
                    .bytes()
                    .await
                    .map(|b| serde_json::from_slice(&b).expect("products"))
                    .expect("the body");
                assert_eq!(r.len(), 50);
            }),
            (Op::Notifications, true) => Box::pin(async {
                // The English page's query, as the hand-written side sends it (`date_from` is
                // deprecated by the unified docs, and still the same work to send).
                #[allow(deprecated)]
                let r = self
                    .ours
                    .get_notifications()
                    .date_from("2023-07-01")
                    .email(common::EMAIL)
                    .types([
                        MessageType::Bulk,
                        MessageType::Trigger,
                        MessageType::Transactional,
                    ])
                    .channels([Channel::WebPush, Channel::MobilePush])
                    .send()
                    .await;
                let messages = r
                    .expect("get_notifications")
                    .payload
                    .and_then(|p| p.messages);
                assert_eq!(messages.map(|m| m.len()), Some(50));
            }),
            (Op::Notifications, false) => Box::pin(async {
                let r: common::Notifications = self
                    .hand
                    .get(format!("{}/notifications", self.base))
                    .query(&[
                        ("shop_id", common::SHOP_ID),
                        ("shop_secret", common::SHOP_SECRET),
                        ("date_from", "2023-07-01"),
                        ("email", common::EMAIL),
                        ("type", "bulk,trigger,transactional"),
                        ("channel", "web_push,mobile_push"),
                    ])
                    .header(ACCEPT, "application/json")
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .expect("GET /notifications")
                    .bytes()
                    .await
                    .map(|b| serde_json::from_slice(&b).expect("notifications"))
                    .expect("the body");
                let messages = r.payload.and_then(|p| p.messages);
                assert_eq!(messages.map(|m| m.len()), Some(50));
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The server process.
// ---------------------------------------------------------------------------------------------

/// The server, seen from the benchmark: a child process and its port.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start() -> Self {
        let exe = std::env::current_exe().expect("this executable");
        let mut child = Command::new(exe)
            .env(SERVER_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server process");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("the server's port");
        let port = line
            .trim()
            .strip_prefix("listening on ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the server said {line:?}"));
        Server { child, port }
    }

    /// The server process's CPU time so far (user + system), from `/proc/PID/stat`, in
    /// clock ticks (10 ms): only meaningful over a whole round.
    fn cpu_time(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // The fields after the command name (which may hold spaces) start at its `)`.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, rest)| rest)
            .split_whitespace()
            .collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        // utime and stime are fields 14 and 15 of the line: the 12th and 13th after the `)`.
        // SAFETY: sysconf only reads a configuration value.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        Duration::from_nanos((ticks(11) + ticks(12)) * 1_000_000_000 / per_second)
    }

    fn stop(&mut self) {
        // Closing its stdin ends it; wait so no process outlives the benchmark.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

mod server {
    use super::*;

    /// Runs the server: one thread, until stdin closes or 30 minutes have passed.
    pub fn run() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let port = listener.local_addr().expect("address").port();
            let mut out = std::io::stdout();
            writeln!(out, "listening on {port}")
                .and_then(|()| out.flush())
                .expect("stdout");
            std::thread::spawn(|| {
                // EOF (or an error): the benchmark is gone.
                let _ = std::io::stdin().read_to_end(&mut Vec::new());
                std::process::exit(0);
            });
            std::thread::spawn(|| {
                std::thread::sleep(Duration::from_secs(30 * 60));
                std::process::exit(0);
            });
            let responses = Arc::new(Responses::new());
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(connection(stream, Arc::clone(&responses)));
            }
        });
    }

    /// Whole canned HTTP responses, by path.
    struct Responses {
        profile: Vec<u8>,
        set_profile: Vec<u8>,
        products: Vec<u8>,
        notifications: Vec<u8>,
        not_found: Vec<u8>,
    }

    fn response(status: &str, body: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    impl Responses {
        fn new() -> Self {
            Responses {
                profile: response("200 OK", &common::profile_json()),
                set_profile: response("200 OK", common::SET_PROFILE_RESPONSE),
                products: response("200 OK", &common::products_json(50)),
                notifications: response("200 OK", &common::notifications_json(50)),
                not_found: response(
                    "404 Not Found",
                    r#"{"status":"error","message":"no such path"}"#,
                ),
            }
        }

        fn for_path(&self, path: &[u8]) -> &[u8] {
            match path {
                b"/profile" => &self.profile,
                b"/profile/set" => &self.set_profile,
                b"/orders/last_for_user" => &self.products,
                b"/notifications" => &self.notifications,
                _ => &self.not_found,
            }
        }
    }

    /// Answers every request on a connection (keep-alive), as many as each read brings.
    async fn connection(mut stream: tokio::net::TcpStream, responses: Arc<Responses>) {
        let _ = stream.set_nodelay(true);
        let mut buf = Vec::with_capacity(16 * 1024);
        let mut out = Vec::with_capacity(64 * 1024);
        loop {
            let mut start = 0;
            while let Some((len, path)) = request(&buf[start..]) {
                out.extend_from_slice(responses.for_path(path));
                start += len;
            }
            buf.drain(..start);
            if !out.is_empty() {
                if stream.write_all(&out).await.is_err() {
                    return;
                }
                out.clear();
            }
            match stream.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    }

    /// The length and path of the first whole request in `buf`, if there is one.
    fn request(buf: &[u8]) -> Option<(usize, &[u8])> {
        let head = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
        let mut lines = buf[..head].split(|&b| b == b'\n');
        let target = lines.next()?.split(|&b| b == b' ').nth(1)?;
        let path = target.split(|&b| b == b'?').next()?;
        let body = lines
            .filter_map(|l| {
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                let colon = l.iter().position(|&b| b == b':')?;
                l[..colon]
                    .eq_ignore_ascii_case(b"content-length")
                    .then(|| {
                        std::str::from_utf8(&l[colon + 1..])
                            .ok()?
                            .trim()
                            .parse::<usize>()
                            .ok()
                    })
                    .flatten()
            })
            .next()
            .unwrap_or(0);
        let len = head + 4 + body;
        (buf.len() >= len).then_some((len, path))
    }
}
