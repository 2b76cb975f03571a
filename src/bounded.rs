//! Reading files with a cap. A path can name /dev/zero, a FIFO or a runaway log as easily as
//! a small file; every file extapps reads has a most it will take, and a file over it is an
//! error that names the cap rather than memory growing until the machine gives out.

use std::io::Read;
use std::path::Path;

/// `client_secret_file`, and the stdout of `client_secret_command`: a secret is a line.
pub const SECRET: u64 = 64 * 1024;
/// extapps' config file and uipathcli's: a few profiles.
pub const CONFIG: u64 = 1024 * 1024;
/// An app backup (`apps restore`), and the JSON an editor gives back: one app's definition,
/// which is kilobytes even with every scope there is.
pub const APP_JSON: u64 = 16 * 1024 * 1024;

/// Reads all of `reader` as UTF-8, failing when it holds more than `cap` bytes.
pub fn read_to_string(reader: impl Read, cap: u64) -> std::io::Result<String> {
    let mut text = String::new();
    reader.take(cap + 1).read_to_string(&mut text)?;
    if text.len() as u64 > cap {
        return Err(too_big(cap));
    }
    Ok(text)
}

/// Reads the file at `path` as UTF-8, failing when it holds more than `cap` bytes.
pub fn read_file(path: &Path, cap: u64) -> std::io::Result<String> {
    let file = std::fs::File::open(path)?;
    // A regular file says its size: no need to read 16 MiB to learn that it is too big.
    if file.metadata().is_ok_and(|m| m.is_file() && m.len() > cap) {
        return Err(too_big(cap));
    }
    read_to_string(file, cap)
}

fn too_big(cap: u64) -> std::io::Error {
    std::io::Error::other(format!(
        "it holds more than {}, the most extapps reads from it",
        size(cap)
    ))
}

/// `64 KiB`, `1 MiB`: caps are round numbers.
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_cap_and_no_further() {
        assert_eq!(read_to_string(&b"abcd"[..], 4).unwrap(), "abcd");
        let e = read_to_string(&b"abcde"[..], 4).unwrap_err();
        assert!(e.to_string().contains("more than 4 bytes"), "{e}");
        // An endless source ends at the cap.
        let e = read_to_string(std::io::repeat(b'x'), 1024).unwrap_err();
        assert!(e.to_string().contains("more than 1 KiB"), "{e}");
    }

    #[test]
    fn a_big_file_is_refused_by_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let f = std::fs::File::create(&path).unwrap();
        // Sparse: no disk is used for the gigabyte.
        f.set_len(1 << 30).unwrap();
        let e = read_file(&path, CONFIG).unwrap_err();
        assert!(e.to_string().contains("more than 1 MiB"), "{e}");
        std::fs::write(&path, "small").unwrap();
        assert_eq!(read_file(&path, CONFIG).unwrap(), "small");
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(SECRET), "64 KiB");
        assert_eq!(size(CONFIG), "1 MiB");
        assert_eq!(size(APP_JSON), "16 MiB");
        assert_eq!(size(1000), "1000 bytes");
    }
}
