//! `personaclick-fake`: the fake PersonaClick server as a standalone program, for testing from
//! other languages. It records no requests: nothing outside this process could read them, and
//! a long load would pay for them.
//!
//! ```sh
//! cargo run --features fake --bin personaclick-fake -- --port 8080
//! ```

use std::process::ExitCode;

use personaclick::fake::{FakeServer, DEFAULT_SHOP_ID, DEFAULT_SHOP_SECRET};

const USAGE: &str = "usage: personaclick-fake [--port PORT]

Serves a fake PersonaClick User Profile API on 127.0.0.1 until stopped (Ctrl-C).
  --port PORT   the port to listen on (default: a free one, printed at start)";

fn main() -> ExitCode {
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) => match p.parse() {
                Ok(p) => port = p,
                Err(_) => return usage(&format!("not a port: {p}")),
            },
            ("-h" | "--help", _) => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            (other, _) => return usage(&format!("unknown argument: {other}")),
        }
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("personaclick-fake: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let builder = FakeServer::builder().port(port).record_requests(0);
        let fake = match builder.start().await {
            Ok(fake) => fake,
            Err(e) => {
                eprintln!("personaclick-fake: cannot listen on port {port}: {e}");
                return ExitCode::FAILURE;
            }
        };
        // One write, and no panic if whoever started us stopped reading.
        let banner = format!(
            "personaclick-fake listening on {}\nshop_id {DEFAULT_SHOP_ID}, shop_secret {DEFAULT_SHOP_SECRET}\n",
            fake.base_url()
        );
        let _ = std::io::Write::write_all(&mut std::io::stdout(), banner.as_bytes());
        match tokio::signal::ctrl_c().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("personaclick-fake: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("personaclick-fake: {problem}\n\n{USAGE}");
    ExitCode::from(2)
}
