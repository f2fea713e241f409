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
        // Unformatted: the compiler does not need it, and it is several times faster.
        Ok((personaclick_codegen::generate_unformatted(&files)?, files))
    });
    let (code, files) = match generated {
        Ok(generated) => generated,
        Err(problems) => {
            eprintln!("error: personaclick's schema is invalid\n{problems}");
            return ExitCode::FAILURE;
        }
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        eprintln!("error: OUT_DIR is not set; build.rs must be run by cargo");
        return ExitCode::FAILURE;
    };
    // The schema itself, for the fake server, which checks requests against it.
    let embedded: String = files
        .iter()
        .map(|f| format!("    ({:?}, {:?}),\n", f.name, f.text))
        .collect();
    let outputs = [
        ("personaclick.rs", code),
        ("schema_files.rs", format!("&[\n{embedded}]\n")),
    ];
    for (name, text) in outputs {
        let out = Path::new(&out_dir).join(name);
        if let Err(e) = std::fs::write(&out, text) {
            eprintln!("error: cannot write {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
