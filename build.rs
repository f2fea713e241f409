//! Generates the client from `schema/` into `OUT_DIR`. A schema problem fails the build with
//! the generator's message (every problem, with file:line:column); it never panics.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=schema");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    let generated = personaclick_codegen::read_dir(&schema).and_then(|files| {
        for f in &files {
            println!(
                "cargo:rerun-if-changed=schema/{}",
                f.name.trim_start_matches("schema/")
            );
        }
        personaclick_codegen::generate(&files)
    });
    let code = match generated {
        Ok(code) => code,
        Err(problems) => {
            eprintln!("error: personaclick's schema is invalid\n{problems}");
            return ExitCode::FAILURE;
        }
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        eprintln!("error: OUT_DIR is not set; build.rs must be run by cargo");
        return ExitCode::FAILURE;
    };
    let out = Path::new(&out_dir).join("personaclick.rs");
    if let Err(e) = std::fs::write(&out, code) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
