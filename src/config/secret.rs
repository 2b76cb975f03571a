//! Where a client secret comes from, and fetching it. The value only ever lives in a
//! `SecretString`; messages name the source, never the value.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::SecretString;

use super::ConfigError;
use crate::bounded;

/// How long `client_secret_command` may take: long enough to unlock a password manager.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub enum SecretSource {
    /// The value itself, from `UIPATH_CLIENT_SECRET`.
    Value(SecretString),
    /// `client_secret_env`: the variable holding it.
    Env(String),
    /// `client_secret_command`: run with `sh -c`, stdout trimmed.
    Command(String),
    /// `client_secret_file`: the file holding it, trimmed.
    File(PathBuf),
    /// `client_secret` written in a config file (discouraged).
    Inline { value: SecretString, file: PathBuf },
}

impl std::fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl SecretSource {
    /// Where the secret comes from, in words, for `config show` and errors.
    pub fn describe(&self) -> String {
        match self {
            SecretSource::Value(_) => "UIPATH_CLIENT_SECRET".to_owned(),
            SecretSource::Env(var) => format!("environment variable {var}"),
            SecretSource::Command(cmd) => format!("command `{cmd}`"),
            SecretSource::File(p) => format!("file {}", p.display()),
            SecretSource::Inline { file, .. } => format!("inline in {}", file.display()),
        }
    }

    /// Reads the secret. `env` looks variables up (the process environment in production).
    pub fn fetch(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<SecretString, ConfigError> {
        let value = match self {
            SecretSource::Value(v) | SecretSource::Inline { value: v, .. } => return Ok(v.clone()),
            SecretSource::Env(var) => env(var).ok_or_else(|| {
                let why = if super::not_utf8(var) {
                    "is set but is not valid UTF-8"
                } else {
                    "is not set"
                };
                ConfigError(format!(
                    "the client secret should be in the environment variable {var}, which {why}"
                ))
            })?,
            SecretSource::Command(cmd) => run_command(cmd, COMMAND_TIMEOUT)?,
            SecretSource::File(path) => bounded::read_file(path, bounded::SECRET).map_err(|e| {
                ConfigError(format!(
                    "cannot read the client secret from {}: {e}",
                    path.display()
                ))
            })?,
        };
        let value = value.trim().to_owned();
        if value.is_empty() {
            return Err(ConfigError(format!(
                "the client secret from {} is empty",
                self.describe()
            )));
        }
        Ok(SecretString::from(value))
    }
}

/// Runs `sh -c cmd` and returns its stdout. A failure names the command, its exit status and
/// the first line of its stderr; stdout (the secret, or part of it) is never repeated.
///
/// `timeout` covers the whole run, reading included: a command that leaves a background
/// process holding stdout open (`sleep 45 & echo s`) has not finished. The command runs in a
/// process group of its own, and on time-out the whole group is killed, not just `sh`.
pub fn run_command(cmd: &str, timeout: Duration) -> Result<String, ConfigError> {
    let fail = |why: String| ConfigError(format!("client_secret_command `{cmd}` {why}"));
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command
        .spawn()
        .map_err(|e| fail(format!("could not start: {e}")))?;
    // Pipes are drained on threads so that a chatty command cannot block on a full pipe.
    let (tx, rx) = std::sync::mpsc::channel();
    let out = child.stdout.take().expect("piped");
    let err = child.stderr.take().expect("piped");
    let out_tx = tx.clone();
    std::thread::spawn(move || {
        let _ = out_tx.send(Pipe::Out(read_pipe(out)));
    });
    std::thread::spawn(move || {
        let _ = tx.send(Pipe::Err(read_pipe(err)));
    });
    let deadline = Instant::now() + timeout;
    let (mut status, mut stdout, mut stderr) = (None, None, None);
    while status.is_none() || stdout.is_none() || stderr.is_none() {
        if Instant::now() >= deadline {
            kill_group(&mut child);
            let open = if status.is_some() {
                " (it exited, but something it started still holds its output open)"
            } else {
                ""
            };
            return Err(fail(format!(
                "did not finish within {} seconds and was stopped{open}",
                timeout.as_secs()
            )));
        }
        if status.is_none() {
            match child.try_wait() {
                Ok(s) => status = s,
                Err(e) => {
                    kill_group(&mut child);
                    return Err(fail(format!("could not be waited for: {e}")));
                }
            }
        }
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(Pipe::Out(r)) => stdout = Some(r),
            Ok(Pipe::Err(r)) => stderr = Some(r),
            Err(_) => {}
        }
    }
    let (Some(status), Some(stdout), Some(stderr)) = (status, stdout, stderr) else {
        unreachable!("the loop ends when all three are there");
    };
    let stderr = stderr.unwrap_or_default();
    if !status.success() {
        let first = stderr.lines().map(str::trim).find(|l| !l.is_empty());
        let code = status
            .code()
            .map(|c| format!("exit status {c}"))
            .unwrap_or_else(|| "was killed by a signal".to_owned());
        return Err(fail(match first {
            Some(line) => format!("failed ({code}): {line}"),
            None => format!("failed ({code}) without a message"),
        }));
    }
    let stdout = stdout.map_err(|e| fail(format!("gave output extapps cannot use: {e}")))?;
    if stdout.trim().is_empty() {
        return Err(fail("printed nothing on stdout".to_owned()));
    }
    Ok(stdout)
}

enum Pipe {
    Out(std::io::Result<String>),
    Err(std::io::Result<String>),
}

/// Reads up to the cap, then reads on to the end without keeping anything, so that a command
/// that prints too much is not left blocked on a full pipe.
fn read_pipe(mut pipe: impl Read) -> std::io::Result<String> {
    let text = bounded::read_to_string(&mut pipe, bounded::SECRET);
    let _ = std::io::copy(&mut pipe, &mut std::io::sink());
    text
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // The group's id is the child's pid (`process_group(0)`); it cannot be reused while
        // the child is unreaped or any member of the group lives.
        if let Ok(pgid) = libc::pid_t::try_from(child.id()) {
            // SAFETY: kill(2) has no memory-safety preconditions.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}
