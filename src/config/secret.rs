//! Where a client secret comes from, and fetching it. The value only ever lives in a
//! `SecretString`; messages name the source, never the value.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::SecretString;

use super::ConfigError;

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
                ConfigError(format!(
                    "the client secret should be in the environment variable {var}, which is not set"
                ))
            })?,
            SecretSource::Command(cmd) => run_command(cmd, COMMAND_TIMEOUT)?,
            SecretSource::File(path) => std::fs::read_to_string(path).map_err(|e| {
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
pub fn run_command(cmd: &str, timeout: Duration) -> Result<String, ConfigError> {
    let fail = |why: String| ConfigError(format!("client_secret_command `{cmd}` {why}"));
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("could not start: {e}")))?;
    // Pipes are drained on threads so that a chatty command cannot block on a full pipe.
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!(
                    "did not finish within {} seconds and was stopped",
                    timeout.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(fail(format!("could not be waited for: {e}"))),
        }
    };
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
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
    if stdout.trim().is_empty() {
        return Err(fail("printed nothing on stdout".to_owned()));
    }
    Ok(stdout)
}
