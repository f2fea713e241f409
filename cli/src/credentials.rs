//! The client's parameters (the store's credentials) and base URL: from the environment
//! (`PERSONACLICK_SHOP_ID`, `PERSONACLICK_SHOP_SECRET`, `PERSONACLICK_BASE_URL`) or a profile
//! in a credentials file, never from a flag, so a secret is not in shell history or in `ps`.
//!
//! The file is TOML, one table per profile, its keys the client parameters' wire names and
//! `base_url`:
//!
//! ```toml
//! [default]
//! shop_id = "0d42fd8b713d0752776ca589cc0056"
//! shop_secret = "0123456789abcdef0123456789abcdef"
//! ```
//!
//! It is `$PERSONACLICK_CONFIG`, else `$XDG_CONFIG_HOME/personaclick/credentials.toml`, else
//! `~/.config/personaclick/credentials.toml`. The environment wins over the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use personaclick::dynamic::model::Model;

/// Where the environment's names start.
const ENV_PREFIX: &str = "PERSONACLICK_";

/// The client's settings, by wire name (`shop_id`), and the base URL.
pub struct Settings {
    pub params: BTreeMap<String, String>,
    pub base_url: Option<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: the values are credentials.
        f.debug_struct("Settings")
            .field("params", &self.params.keys().collect::<Vec<_>>())
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// The environment variable of the client parameter `wire`.
pub fn env_name(wire: &str) -> String {
    format!("{ENV_PREFIX}{}", wire.to_uppercase())
}

/// The settings of `profile` (or `default`, if it exists), overridden by the environment.
/// `env` looks a variable up (the process's environment, or a test's).
pub fn load(
    model: &Model,
    profile: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, String> {
    let mut settings = Settings {
        params: BTreeMap::new(),
        base_url: None,
    };
    let known: Vec<&str> = model.client_params.iter().map(|p| p.name.wire()).collect();
    if let Some(path) = config_path(env) {
        read_profile(&path, profile, &known, &mut settings)?;
    } else if let Some(name) = profile {
        return Err(format!(
            "profile `{name}` asked for, but no credentials file is set (set {ENV_PREFIX}CONFIG or HOME)"
        ));
    }
    for wire in &known {
        if let Some(value) = env(&env_name(wire)).filter(|v| !v.is_empty()) {
            settings.params.insert(wire.to_string(), value);
        }
    }
    if let Some(url) = env(&env_name("base_url")).filter(|v| !v.is_empty()) {
        settings.base_url = Some(url);
    }
    Ok(settings)
}

fn config_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(path) = env(&env_name("config")).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let base = env("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| Path::new(&home).join(".config")))?;
    Some(base.join("personaclick").join("credentials.toml"))
}

/// Reads `profile` from the file at `path` into `settings`. A file that does not exist is no
/// profile, unless one was asked for by name.
fn read_profile(
    path: &Path,
    profile: Option<&str>,
    known: &[&str],
    settings: &mut Settings,
) -> Result<(), String> {
    let shown = path.display();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && profile.is_none() => return Ok(()),
        Err(e) => return Err(format!("cannot read the credentials file {shown}: {e}")),
    };
    warn_if_readable_by_others(path);
    // The parser's message quotes the line, which may hold a secret: only its place is shown.
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let at = e
            .span()
            .map(|span| format!(" at line {}", text[..span.start].matches('\n').count() + 1))
            .unwrap_or_default();
        format!("the credentials file {shown} is not valid TOML{at}")
    })?;
    if let Some((key, _)) = table.iter().find(|(_, v)| !v.is_table()) {
        return Err(format!(
            "in {shown}, `{key}` is outside a profile: put it under a [default] (or [NAME]) line"
        ));
    }
    let name = profile.unwrap_or("default");
    let Some(section) = table.get(name) else {
        if profile.is_none() {
            return Ok(());
        }
        let names: Vec<&String> = table.keys().collect();
        return Err(format!(
            "the credentials file {shown} has no profile `{name}` (it has {names:?})"
        ));
    };
    let Some(section) = section.as_table() else {
        return Err(format!("in {shown}, `{name}` must be a table: [{name}]"));
    };
    for (key, value) in section {
        let Some(value) = value.as_str() else {
            return Err(format!("in {shown}, [{name}] {key} must be a string"));
        };
        if key == "base_url" {
            settings.base_url = Some(value.to_string());
        } else if known.contains(&key.as_str()) {
            settings.params.insert(key.clone(), value.to_string());
        } else {
            return Err(format!(
                "in {shown}, [{name}] has the unknown key `{key}` (known: {}, base_url)",
                known.join(", ")
            ));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "warning: {} holds credentials and can be read by others: chmod 600 it",
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> &'static Model {
        personaclick::dynamic::schema().expect("the embedded schema reads")
    }

    fn file(text: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("personaclick-cli-cred-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!(
            "{:x}.toml",
            text.len() * 31 + text.bytes().map(usize::from).sum::<usize>()
        ));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let path = file("[default]\nshop_id = \"from-file\"\nshop_secret = \"s\"\n");
        let env = |name: &str| match name {
            "PERSONACLICK_CONFIG" => Some(path.display().to_string()),
            "PERSONACLICK_SHOP_ID" => Some("from-env".to_string()),
            _ => None,
        };
        let s = load(model(), None, &env).unwrap();
        assert_eq!(s.params["shop_id"], "from-env");
        assert_eq!(s.params["shop_secret"], "s");
        assert!(!format!("{s:?}").contains("from-env"));
    }

    #[test]
    fn a_broken_file_is_named_without_its_secret() {
        let path = file("[default]\nshop_secret = \"0123456789abcdef\nshop_id = 1\n");
        let env = |name: &str| (name == "PERSONACLICK_CONFIG").then(|| path.display().to_string());
        let e = load(model(), None, &env).unwrap_err();
        assert!(e.contains("is not valid TOML at line 2"), "{e}");
        let path = file("[default]\nshop_id = \"a\"\n\nshop_id = \"b\"\n");
        let env = |name: &str| (name == "PERSONACLICK_CONFIG").then(|| path.display().to_string());
        let e = load(model(), None, &env).unwrap_err();
        assert!(e.contains("at line 4"), "the duplicate's own line: {e}");
        let path = file("shop_id = \"top\"\n");
        let env = |name: &str| (name == "PERSONACLICK_CONFIG").then(|| path.display().to_string());
        let e = load(model(), None, &env).unwrap_err();
        assert!(e.contains("`shop_id` is outside a profile"), "{e}");
        assert!(!e.contains("0123456789abcdef"), "{e}");
    }

    #[test]
    fn unknown_keys_and_profiles_are_named() {
        let path = file("[default]\nshop_key = \"x\"\n[work]\nshop_id = \"w\"\n");
        let env = |name: &str| (name == "PERSONACLICK_CONFIG").then(|| path.display().to_string());
        let e = load(model(), None, &env).unwrap_err();
        assert!(e.contains("unknown key `shop_key`"), "{e}");
        let e = load(model(), Some("home"), &env).unwrap_err();
        assert!(e.contains("no profile `home`"), "{e}");
        assert_eq!(
            load(model(), Some("work"), &env).unwrap().params["shop_id"],
            "w"
        );
    }
}
