//! Sources: where the maintainer tools read a version of a schema from. A path (a file, or a
//! directory of `*.yaml` files; a directory that has a `schema/` subdirectory means that one)
//! or a git revision (`REV`, or `REV:PATH` with PATH relative to the repository's top; PATH
//! defaults to `schema`), read with `git ls-tree` and `git cat-file`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::load::SourceFile;

/// The schema files named by a command-line argument: an existing path first, else a git
/// revision. Errors are messages for people.
pub fn read(arg: &str) -> Result<Vec<SourceFile>, String> {
    let path = Path::new(arg);
    if path.exists() {
        return read_path(path);
    }
    let (rev, sub) = match arg.split_once(':') {
        Some((rev, "")) => (rev, "schema"),
        Some((rev, sub)) => (rev, sub),
        None => (arg, "schema"),
    };
    read_git(arg, rev, sub)
}

/// The schema files at a path: one file, or every `*.yaml` file below a directory (its
/// `schema/` subdirectory if it has one).
pub fn read_path(path: &Path) -> Result<Vec<SourceFile>, String> {
    if path.is_dir() {
        let dir: PathBuf = if path.join("schema").is_dir() {
            path.join("schema")
        } else {
            path.to_path_buf()
        };
        return crate::read_dir(&dir).map_err(|problems| {
            problems
                .0
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        });
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    Ok(vec![SourceFile {
        name: path.display().to_string().replace('\\', "/"),
        text,
    }])
}

/// The schema files under `sub` (relative to the repository's top) at git revision `rev`,
/// named `REV:path`.
pub fn read_git(arg: &str, rev: &str, sub: &str) -> Result<Vec<SourceFile>, String> {
    let not_found =
        || format!("\"{arg}\" is neither a file or directory nor a git revision (REV or REV:PATH)");
    if rev.is_empty() || rev.starts_with('-') {
        return Err(not_found());
    }
    let top = git(Path::new("."), &["rev-parse", "--show-toplevel"])
        .map_err(|e| format!("{}; {e}", not_found()))?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches(['\n', '\r']));
    let commit = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| not_found())?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let sub = sub.trim_end_matches('/');
    let listing = git(
        &top,
        &["ls-tree", "-r", "-z", "--name-only", &commit, "--", sub],
    )?;
    let mut names: Vec<String> = listing
        .split(|b| *b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!(
            "{rev}:{sub}: no *.yaml schema files at this revision"
        ));
    }
    let mut files = Vec::new();
    for name in names {
        let blob = git(&top, &["cat-file", "blob", &format!("{commit}:{name}")])?;
        let text =
            String::from_utf8(blob).map_err(|_| format!("{rev}:{name}: cannot read: not UTF-8"))?;
        files.push(SourceFile {
            name: format!("{rev}:{name}"),
            text,
        });
    }
    Ok(files)
}

/// Runs git in `dir`; its standard output, or a message with its error.
/// The text of `path` (relative to the current directory) at the git revision `rev`.
pub fn git_show(rev: &str, path: &str) -> Result<String, String> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(format!("\"{rev}\" is not a git revision"));
    }
    let text = git(Path::new("."), &["show", &format!("{rev}:./{path}")])?;
    String::from_utf8(text).map_err(|_| format!("{rev}:{path} is not UTF-8"))
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!("git {} failed: {}", args.join(" "), err.trim()))
    }
}
