//! Runs the `personaclick` binary against an in-process fake server.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use personaclick::fake::{FakeServer, DEFAULT_SHOP_ID, DEFAULT_SHOP_SECRET};

/// The binary, with the fake's credentials and address in its environment (and nothing of
/// the user's: no credentials file).
pub fn personaclick(fake: &FakeServer) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_personaclick"));
    c.env_clear()
        .env("PERSONACLICK_SHOP_ID", DEFAULT_SHOP_ID)
        .env("PERSONACLICK_SHOP_SECRET", DEFAULT_SHOP_SECRET)
        .env("PERSONACLICK_BASE_URL", fake.base_url())
        .env(
            "PERSONACLICK_CONFIG",
            "/nonexistent/personaclick-test-credentials.toml",
        );
    c
}

/// Runs `args`; its exit code, stdout and stderr.
pub fn run(fake: &FakeServer, args: &[&str]) -> (i32, String, String) {
    finish(
        personaclick(fake)
            .args(args)
            .output()
            .expect("the binary runs"),
    )
}

pub fn finish(out: Output) -> (i32, String, String) {
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(
        !stdout.contains(DEFAULT_SHOP_SECRET) && !stderr.contains(DEFAULT_SHOP_SECRET),
        "the secret was shown:\n{stdout}\n{stderr}"
    );
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

/// A fresh directory for one test's files.
pub fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("personaclick-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("a temporary directory");
    d
}

pub fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// A runtime for the fake, kept alive by the test.
pub fn start_fake(
    builder: personaclick::fake::FakeServerBuilder,
) -> (tokio::runtime::Runtime, FakeServer) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let fake = rt.block_on(builder.start()).expect("the fake starts");
    (rt, fake)
}
