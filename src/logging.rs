//! Logs go to a file, never to the terminal the TUI draws on.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// `$XDG_STATE_HOME/extapps/extapps.log` on Linux, the cache directory elsewhere.
pub fn default_log_path() -> PathBuf {
    let dirs = directories::ProjectDirs::from("", "", "extapps");
    let dir = dirs
        .as_ref()
        .and_then(|d| d.state_dir().map(Path::to_path_buf))
        .or_else(|| dirs.as_ref().map(|d| d.cache_dir().to_path_buf()))
        .unwrap_or_else(std::env::temp_dir);
    dir.join("extapps.log")
}

/// Starts logging to `path` (level from `EXTAPPS_LOG`, default `info`). A log that cannot be
/// opened is not fatal: extapps runs without one and says so on stderr before any TUI starts.
pub fn init(path: &Path) -> Option<PathBuf> {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let file = match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "extapps: cannot open the log file {}: {e}; logging is off",
                path.display()
            );
            return None;
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    let filter = EnvFilter::try_from_env("EXTAPPS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let ok = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .is_ok();
    ok.then(|| path.to_path_buf())
}
