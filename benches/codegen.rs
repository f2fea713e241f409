//! Benchmark 1: the generator, schema text → formatted Rust source (`personaclick_codegen::generate`:
//! load, validate, model, emit, format), for `schema/` and for synthetic schemas 10× and 100×
//! larger, made here by copying every section of `schema/` with renamed names. Beside it,
//! `generate_unformatted` (every stage but formatting: what build.rs runs) and `check` (load,
//! validate, model).
//!
//! `cargo bench --bench codegen`; the per-copy cost of each size is printed at the end: equal
//! per-copy costs mean the growth is linear.

mod common;

use std::collections::BTreeSet;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::summary::{criterion_home, median_ns, show};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use personaclick_codegen::SourceFile;

const SIZES: [usize; 3] = [1, 10, 100];

/// `schema/` and `copies - 1` renamed copies of it: every endpoint, type and parameter set
/// defined in it is defined again under a new name (`ProductX3`, `get_profile_x3`), every
/// reference to them in the copy renamed alike, every path moved below `/x3`. The file holding
/// the `api` section (metadata, credentials, the parameters every call shares) is not copied:
/// an API has one, and the copies use its definitions.
fn synthetic(schema: &[SourceFile], copies: usize) -> Vec<SourceFile> {
    let is_core = |f: &SourceFile| f.text.lines().any(|l| l == "api:");
    let mut defined = BTreeSet::new();
    for f in schema.iter().filter(|f| !is_core(f)) {
        defined.extend(definitions(&f.text));
    }
    let mut out = schema.to_vec();
    for k in 1..copies {
        for f in schema.iter().filter(|f| !is_core(f)) {
            let mut text = String::with_capacity(f.text.len() + 512);
            for line in f.text.lines() {
                if let Some(path) = line.trim_start().strip_prefix("path: /") {
                    let indent = &line[..line.len() - line.trim_start().len()];
                    text.push_str(&format!("{indent}path: /x{k}/{path}\n"));
                    continue;
                }
                rename_idents(line, &defined, k, &mut text);
                text.push('\n');
            }
            let name = f.name.replace(".yaml", &format!("_x{k}.yaml"));
            out.push(SourceFile { name, text });
        }
    }
    out
}

/// `section:` at the start of a line.
fn top_level(line: &str) -> Option<&str> {
    line.strip_suffix(':')
        .filter(|l| !l.starts_with([' ', '#']) && is_ident(l))
}

/// `  name:` (a definition, two spaces in).
fn definition(line: &str) -> Option<&str> {
    line.strip_prefix("  ")
        .and_then(|l| l.strip_suffix(':'))
        .filter(|l| is_ident(l))
}

/// The names a file defines: the keys two spaces in, below a top-level section.
fn definitions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_section = false;
    for line in text.lines() {
        if top_level(line).is_some() {
            in_section = true;
        } else if let Some(name) = definition(line).filter(|_| in_section) {
            out.push(name.to_string());
        }
    }
    out
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Copies `line` into `out`, renaming each word that is a defined name: `Product` becomes
/// `ProductX3`, `basic` becomes `basic_x3`. (Words of descriptions are renamed too; harmless.)
fn rename_idents(line: &str, defined: &BTreeSet<String>, k: usize, out: &mut String) {
    let mut rest = line;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let word = &rest[..end];
        out.push_str(word);
        if defined.contains(word) {
            if word.starts_with(|c: char| c.is_ascii_uppercase()) {
                out.push_str(&format!("X{k}"));
            } else {
                out.push_str(&format!("_x{k}"));
            }
        }
        rest = &rest[end..];
    }
}

fn benches(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    let schema = personaclick_codegen::read_dir(&dir).expect("schema/ reads");

    let mut g = c.benchmark_group("generate");
    g.sampling_mode(SamplingMode::Flat);
    for copies in SIZES {
        let files = synthetic(&schema, copies);
        let code = personaclick_codegen::generate(&files)
            .unwrap_or_else(|e| panic!("the {copies}x schema does not generate:\n{e}"));
        let yaml: usize = files.iter().map(|f| f.text.len()).sum();
        println!(
            "generate/schema/{copies}x: {} files, {yaml} bytes of YAML -> {} lines of Rust",
            files.len(),
            code.lines().count()
        );
        if copies >= 100 {
            g.sample_size(10);
        }
        g.throughput(Throughput::Elements(copies as u64));
        g.bench_with_input(
            BenchmarkId::new("schema", format!("{copies}x")),
            &files,
            |b, files| b.iter(|| personaclick_codegen::generate(black_box(files)).unwrap()),
        );
        // What build.rs runs: every stage but formatting.
        g.bench_with_input(
            BenchmarkId::new("unformatted", format!("{copies}x")),
            &files,
            |b, files| {
                b.iter(|| personaclick_codegen::generate_unformatted(black_box(files)).unwrap())
            },
        );
        // Where the time goes: the first stages alone (load, validate, model); the rest of
        // `generate` is emitting tokens, parsing them with syn and printing them with
        // prettyplease.
        g.bench_with_input(
            BenchmarkId::new("check", format!("{copies}x")),
            &files,
            |b, files| b.iter(|| personaclick_codegen::check(black_box(files)).unwrap()),
        );
    }
    g.finish();

    // For reference: reading schema/ from disk, which build.rs does before generating.
    c.bench_function("read_dir/schema", |b| {
        b.iter(|| personaclick_codegen::read_dir(black_box(&dir)).unwrap())
    });
}

fn summary(since: SystemTime) {
    println!(
        "\nsummary (medians; goal for 1x: <= 10 ms; linear growth: the cost per copy stays flat)"
    );
    println!(
        "{:<6} {:>12} {:>11} {:>9}   {:>12} {:>9}   {:>26} {:>9}",
        "size",
        "generate",
        "per copy",
        "vs 1x",
        "unformatted",
        "vs 1x",
        "of which load+check+model",
        "vs 1x"
    );
    let m = |f: &str, copies: usize| median_ns(&format!("generate/{f}/{copies}x"), since);
    let (Some(one), Some(raw_one), Some(check_one)) =
        (m("schema", 1), m("unformatted", 1), m("check", 1))
    else {
        return;
    };
    for copies in SIZES {
        let (Some(all), Some(raw), Some(check)) = (
            m("schema", copies),
            m("unformatted", copies),
            m("check", copies),
        ) else {
            continue;
        };
        let n = copies as f64;
        println!(
            "{:<6} {:>12} {:>11} {:>8.2}x   {:>12} {:>8.2}x   {:>12} ({:>3.0}%) per copy {:>8.2}x",
            format!("{copies}x"),
            show(all),
            show(all / n),
            all / n / one,
            show(raw),
            raw / n / raw_one,
            show(check),
            check / all * 100.0,
            check / n / check_one
        );
    }
    println!(
        "(the rest of `generate`, {:.0}% at 1x, is emitting tokens with quote, parsing them with syn \
         and printing them with prettyplease)",
        (one - check_one) / one * 100.0
    );
}

fn main() {
    criterion_home();
    let since = SystemTime::now();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    benches(&mut c);
    c.final_summary();
    summary(since);
}
