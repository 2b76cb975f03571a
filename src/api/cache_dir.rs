//! A directory of cache files that share a name prefix (`token-…json`, `details-…json`),
//! kept private: the directory is 0700 and each file 0600 from the moment it exists, and a
//! file is replaced whole through a renamed temporary file so a reader never sees half of it.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Environment variable naming the cache directory.
pub const CACHE_DIR_ENV: &str = "EXTAPPS_CACHE_DIR";

#[derive(Debug, Clone)]
pub(crate) struct CacheDir {
    dir: PathBuf,
    /// Starts every file name this cache owns; `clear` removes only those.
    prefix: &'static str,
}

impl CacheDir {
    pub(crate) fn new(dir: impl Into<PathBuf>, prefix: &'static str) -> Self {
        CacheDir {
            dir: dir.into(),
            prefix,
        }
    }

    /// `EXTAPPS_CACHE_DIR`, else `subfolder` of the platform's cache directory for extapps
    /// (`~/.cache/extapps/<subfolder>` on Linux); `None` when there is no home to put it in.
    pub(crate) fn default_dir(
        get: impl Fn(&str) -> Option<String>,
        subfolder: &str,
    ) -> Option<PathBuf> {
        if let Some(dir) = get(CACHE_DIR_ENV).filter(|d| !d.trim().is_empty()) {
            return Some(PathBuf::from(dir));
        }
        let dirs = directories::ProjectDirs::from("", "", "extapps")?;
        Some(dirs.cache_dir().join(subfolder))
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    fn file_name(&self, id: &str) -> String {
        format!("{}-{id}.json", self.prefix)
    }

    pub(crate) fn path_of(&self, id: &str) -> PathBuf {
        self.dir.join(self.file_name(id))
    }

    /// Deletes every file of this cache (and leftovers of interrupted writes); how many
    /// files went, leftovers not counted.
    pub(crate) fn clear(&self) -> std::io::Result<usize> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let file_start = format!("{}-", self.prefix);
        let leftover_start = format!(".{}-", self.prefix);
        let mut removed = 0;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let is_file = name.starts_with(&file_start) && name.ends_with(".json");
            let is_leftover = name.starts_with(&leftover_start) && name.ends_with(".tmp");
            if is_file || is_leftover {
                std::fs::remove_file(entry.path())?;
                removed += usize::from(is_file);
            }
        }
        Ok(removed)
    }

    /// Replaces the file `id` with `body`, creating the directory if needed.
    pub(crate) fn write_whole(&self, id: &str, body: &[u8]) -> std::io::Result<()> {
        create_private_dir(&self.dir)?;
        let name = self.file_name(id);
        let target = self.dir.join(&name);
        let tmp = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let mut file = private_file(&tmp)?;
        let written = file
            .write_all(body)
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&tmp, &target));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// A new file only its owner can read, with that mode from the moment it exists.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let _ = std::fs::remove_file(path);
    opts.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caches_sharing_a_directory_clear_only_their_own_files() {
        // `EXTAPPS_CACHE_DIR` puts tokens and details in one directory.
        let dir = tempfile::tempdir().unwrap();
        let tokens = CacheDir::new(dir.path(), "token");
        let details = CacheDir::new(dir.path(), "details");
        tokens.write_whole("a", b"{}").unwrap();
        details.write_whole("a", b"{}").unwrap();
        std::fs::write(dir.path().join(".token-b.json.1.tmp"), "").unwrap();
        assert_eq!(tokens.clear().unwrap(), 1);
        assert!(!dir.path().join(".token-b.json.1.tmp").exists());
        assert!(details.path_of("a").exists());
        assert_eq!(details.path_of("a"), dir.path().join("details-a.json"));
    }
}
