//! Logs go to a file, never to the terminal the TUI draws on.

use std::fs::File;
use std::io::Write;
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
    let file = match open(path) {
        Ok(f) => f,
        Err(why) => {
            eprintln!("extapps: {why}; logging is off");
            return None;
        }
    };
    let filter = EnvFilter::try_from_env("EXTAPPS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let ok = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(Redacting(file)))
        .try_init()
        .is_ok();
    ok.then(|| path.to_path_buf())
}

/// The log file, with URL credentials hidden from every line: a URI is logged in many places
/// (errors, requests), and this is the one spot all of them pass.
struct Redacting(File);

impl Write for Redacting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The formatter hands over one whole event per call, so a URL is never split.
        match std::str::from_utf8(buf) {
            Ok(text) => self.0.write_all(crate::redact::userinfo(text).as_bytes())?,
            Err(_) => self
                .0
                .write_all(crate::redact::userinfo(&String::from_utf8_lossy(buf)).as_bytes())?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Opens the log for appending. A new log is created readable by its owner only; an existing
/// regular file is appended to as it is, because its mode is its owner's choice. Anything
/// else (a device, a FIFO, a directory, a symlink to one) is refused: `--log-file /dev/null`
/// once left /dev/null unusable for everyone by making it 0600.
pub fn open(path: &Path) -> Result<File, String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = create_private_dirs(dir);
    }
    let shown = path.display();
    match create_new(path) {
        Ok(f) => return Ok(f),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(format!("cannot create the log file {shown}: {e}")),
    }
    // Checked before opening as well as after: opening a FIFO or a terminal is itself an act.
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot open the log file {shown}: {e}"))?;
    refuse_unless_regular(path, &meta)?;
    let file = open_existing(path).map_err(|e| format!("cannot open the log file {shown}: {e}"))?;
    // The path may have been swapped between the check and the open.
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot open the log file {shown}: {e}"))?;
    refuse_unless_regular(path, &meta)?;
    Ok(file)
}

fn refuse_unless_regular(path: &Path, meta: &std::fs::Metadata) -> Result<(), String> {
    if meta.is_file() {
        return Ok(());
    }
    Err(format!(
        "the log file {} is {}, not a regular file, and is left alone; give --log-file a file \
         path",
        path.display(),
        kind(meta)
    ))
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "something else"
    }
}

#[cfg(unix)]
fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn create_new(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .append(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_new(path: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .append(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn open_existing(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Non-blocking so that a FIFO swapped in after the check cannot hang start-up; it makes
    // no difference to a regular file.
    std::fs::OpenOptions::new()
        .append(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_existing(path: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new().append(true).open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn a_new_log_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs").join("x.log");
        open(&path).unwrap().write_all(b"hello\n").unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn an_existing_log_keeps_its_mode_and_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.log");
        std::fs::write(&path, "before\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        open(&path).unwrap().write_all(b"after\n").unwrap();
        assert_eq!(mode(&path), 0o644);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "before\nafter\n");
    }

    #[test]
    fn a_fifo_or_directory_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        std::fs::set_permissions(&fifo, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = open(&fifo).unwrap_err();
        assert!(err.contains("a FIFO"), "{err}");
        assert_eq!(mode(&fifo), 0o644);

        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        assert!(open(&link).unwrap_err().contains("a FIFO"));
        assert_eq!(mode(&fifo), 0o644);

        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(open(&sub).unwrap_err().contains("a directory"));
    }
}
