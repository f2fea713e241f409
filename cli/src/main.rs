//! `personaclick`: PersonaClick's User Profile API on the command line. Every operation of the
//! schema is a subcommand (`personaclick get-profile --email …`), built at run time from the
//! schema the library embeds; `sync-profiles` pushes a CSV or JSON Lines file of profiles,
//! resumably. See the README's "Command line" section.

mod commands;
mod credentials;
mod exit;
mod output;
mod sync;
mod values;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use personaclick::dynamic::model::Model;
use personaclick::Client;
use serde_json::Value;

use exit::{Exit, Failure};

/// The most pages `--all` follows: a server that never sends a short page must not take the
/// memory.
const MAX_PAGES: usize = 10_000;

fn main() -> ExitCode {
    let code = match run() {
        Ok(exit) => exit,
        Err(failure) => {
            eprintln!("personaclick: {}", failure.message);
            failure.exit
        }
    };
    ExitCode::from(code as u8)
}

fn run() -> Result<Exit, Failure> {
    let model = personaclick::dynamic::schema().map_err(|e| Failure::of(&e))?;
    let matches = match cli(model).try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return Ok(if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            });
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Exit::Usage, format!("cannot start the runtime: {e}")))?;
    let (name, sub) = matches
        .subcommand()
        .ok_or_else(|| Failure::new(Exit::Usage, "no command given (see --help)"))?;
    if name == sync::COMMAND {
        let options = sync::Options::from_matches(sub)?;
        return runtime.block_on(sync::run(model, &matches, options));
    }
    let endpoint = commands::operation(model, name)
        .ok_or_else(|| Failure::new(Exit::Usage, format!("unknown command {name}")))?;
    let params = commands::params(model, endpoint, sub).map_err(|problems| {
        Failure::new(Exit::Usage, format!("{name}: {}", problems.join("; ")))
    })?;
    let format = *matches
        .get_one::<output::Format>("output")
        .unwrap_or(&output::Format::Json);
    let all = endpoint.paging.is_some() && sub.get_flag(commands::ALL);
    let value = runtime.block_on(async {
        let client = client(model, &matches, |b| b)?;
        let call = client
            .dynamic(endpoint.name.wire(), params)
            .map_err(|e| Failure::of(&e))?;
        if all {
            let mut pages = call.pages().map_err(|e| Failure::of(&e))?;
            let mut items = Vec::new();
            let mut count = 0;
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| Failure::of(&e))?;
                let on_page = personaclick::dynamic::page_items(endpoint, &page);
                items.extend(on_page.unwrap_or_default().iter().cloned());
                count += 1;
                if count >= MAX_PAGES {
                    return Err(Failure::new(
                        Exit::Unreadable,
                        format!("stopped after {MAX_PAGES} full pages ({} items): the server does not stop sending them", items.len()),
                    ));
                }
            }
            Ok::<_, Failure>(Value::Array(items))
        } else {
            call.send().await.map_err(|e| Failure::of(&e))
        }
    })?;
    print_out(&output::render(&value, format))?;
    Ok(Exit::Ok)
}

/// Writes to stdout; a reader that went away (`| head`) is no error, and never a panic.
pub fn print_out(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::new(
            Exit::Usage,
            format!("cannot write the output: {e}"),
        )),
        _ => Ok(()),
    }
}

/// The client the global options and credentials describe; `configure` adds what a command
/// needs (the sync's pacing observer).
pub fn client(
    model: &Model,
    matches: &ArgMatches,
    configure: impl FnOnce(personaclick::ClientBuilder) -> personaclick::ClientBuilder,
) -> Result<Client, Failure> {
    let lookup = |name: &str| std::env::var(name).ok();
    let settings = credentials::load(
        model,
        matches.get_one::<String>("profile").map(String::as_str),
        &lookup,
    )
    .map_err(|e| Failure::new(Exit::Usage, e))?;
    let mut builder = Client::builder();
    for (wire, value) in &settings.params {
        builder = builder
            .client_param(wire, value)
            .map_err(|e| Failure::of(&e))?;
    }
    if let Some(url) = matches
        .get_one::<String>("base-url")
        .or(settings.base_url.as_ref())
    {
        builder = builder.base_url(url);
    }
    if let Some(&secs) = matches.get_one::<f64>("timeout") {
        // `Duration::from_secs_f64` panics on a negative or endless value.
        let timeout = Duration::try_from_secs_f64(secs)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                Failure::new(
                    Exit::Usage,
                    format!("--timeout {secs}: must be a number of seconds above zero"),
                )
            })?;
        builder = builder.timeout(timeout);
    }
    configure(builder).build().map_err(|e| {
        let mut failure = Failure::of(&e);
        let missing: Vec<String> = model
            .client_params
            .iter()
            .filter(|p| p.required && !settings.params.contains_key(p.name.wire()))
            .map(|p| credentials::env_name(p.name.wire()))
            .collect();
        if !missing.is_empty() {
            failure.message.push_str(&format!(
                " (set {} or use a credentials profile: see --help)",
                missing.join(", ")
            ));
        }
        failure
    })
}

fn cli(model: &Model) -> Command {
    let env_params: Vec<String> = model
        .client_params
        .iter()
        .map(|p| {
            format!(
                "  {:<26} {}",
                credentials::env_name(p.name.wire()),
                first_line(&p.description)
            )
        })
        .collect();
    Command::new("personaclick")
        .version(env!("CARGO_PKG_VERSION"))
        .about(format!("{} on the command line", model.api.name))
        .long_about(format!(
            "{}: every operation of the API as a subcommand, its parameters as flags, the \
             response as JSON on stdout; and sync-profiles, a resumable bulk update of profiles \
             from a CSV or JSON Lines file.",
            model.api.name
        ))
        .subcommand_required(true)
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .global(true)
                .value_parser(clap::value_parser!(output::Format))
                .default_value("json")
                .help("How the response is printed"),
        )
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .global(true)
                .value_name("URL")
                .help("Another PersonaClick host, or a local fake server (http:// only to loopback)"),
        )
        .arg(
            Arg::new("profile")
                .long("profile")
                .global(true)
                .value_name("NAME")
                .help("The credentials file's profile to use (default: `default`, if present)"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .global(true)
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(f64))
                .action(ArgAction::Set)
                .help("The longest one call may take, retries included (default 30)"),
        )
        .subcommands(commands::subcommands(model))
        .subcommand(sync::command(model))
        .after_long_help(format!(
            "Credentials come from the environment or a credentials file, never from a flag:\n{}\n  \
             PERSONACLICK_BASE_URL      as --base-url\n  \
             PERSONACLICK_CONFIG        the credentials file (TOML: [default] shop_id = \"…\"); \
             default ~/.config/personaclick/credentials.toml\n\n{}",
            env_params.join("\n"),
            exit::CODES
        ))
        .after_help("Exit codes: 0 done, 1 PersonaClick refused, 2 bad usage or request (nothing sent), 3 no answer, 4 unreadable answer. --help says more.")
}

fn first_line(text: &str) -> &str {
    text.trim().lines().next().unwrap_or("")
}
