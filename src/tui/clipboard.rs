//! Copying to the clipboard: a system tool when one is installed and a display exists (it
//! keeps working after extapps exits and does not depend on the terminal), else OSC 52, which
//! reaches the local clipboard over SSH and, wrapped, through tmux.

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};

/// How a copy will be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Tool {
        program: &'static str,
        args: &'static [&'static str],
    },
    Osc52 {
        tmux: bool,
    },
}

impl Method {
    /// Where the text went, for the toast.
    pub fn describe(&self) -> String {
        match self {
            Method::Tool { program, .. } => format!("the system clipboard ({program})"),
            Method::Osc52 { tmux: true } => "the terminal clipboard (OSC 52 through tmux)".into(),
            Method::Osc52 { tmux: false } => "the terminal clipboard (OSC 52)".into(),
        }
    }
}

/// What the environment of this process offers. Kept apart from `choose` so tests can feed it.
pub struct Env {
    pub wayland: bool,
    pub x11: bool,
    pub macos: bool,
    pub tmux: bool,
    pub has: Box<dyn Fn(&str) -> bool>,
}

impl Env {
    pub fn current() -> Env {
        let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        let path = std::env::var_os("PATH").unwrap_or_default();
        Env {
            wayland: set("WAYLAND_DISPLAY"),
            x11: set("DISPLAY"),
            macos: cfg!(target_os = "macos"),
            tmux: set("TMUX"),
            has: Box::new(move |program| on_path(&path, program)),
        }
    }
}

fn on_path(path: &OsString, program: &str) -> bool {
    std::env::split_paths(path).any(|dir| Path::new(&dir).join(program).is_file())
}

pub fn choose(env: &Env) -> Method {
    let candidates: &[(bool, &'static str, &'static [&'static str])] = &[
        (env.wayland, "wl-copy", &[]),
        (env.x11, "xclip", &["-selection", "clipboard"]),
        (env.x11, "xsel", &["-b", "-i"]),
        (env.macos, "pbcopy", &[]),
    ];
    candidates
        .iter()
        .find(|(display, program, _)| *display && (env.has)(program))
        .map(|(_, program, args)| Method::Tool { program, args })
        .unwrap_or(Method::Osc52 { tmux: env.tmux })
}

/// The OSC 52 "set clipboard" sequence; inside tmux it is wrapped in a DCS passthrough with
/// its escapes doubled, because tmux would otherwise swallow it.
pub fn osc52(text: &str, tmux: bool) -> String {
    let inner = format!("\x1b]52;c;{}\x07", STANDARD.encode(text));
    if tmux {
        format!("\x1bPtmux;{}\x1b\\", inner.replace('\x1b', "\x1b\x1b"))
    } else {
        inner
    }
}

/// Copies `text`; says where it went or why it could not.
pub fn copy(text: &SecretString) -> Result<String, String> {
    let method = choose(&Env::current());
    match &method {
        Method::Tool { program, args } => {
            let mut child = Command::new(program)
                .args(*args)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start {program}: {e}"))?;
            if let Some(mut stdin) = child.stdin.take() {
                stdin
                    .write_all(text.expose_secret().as_bytes())
                    .map_err(|e| format!("cannot write to {program}: {e}"))?;
            }
            // wl-copy and xclip stay alive to serve the selection; only a failed start matters.
            std::thread::spawn(move || child.wait());
        }
        Method::Osc52 { tmux } => {
            let seq = osc52(text.expose_secret(), *tmux);
            // One locked write, so the sequence is never split by a frame being drawn.
            let mut out = std::io::stdout().lock();
            out.write_all(seq.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write to the terminal: {e}"))?;
        }
    }
    Ok(method.describe())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(wayland: bool, x11: bool, tmux: bool, tools: &'static [&'static str]) -> Env {
        Env {
            wayland,
            x11,
            macos: false,
            tmux,
            has: Box::new(move |p| tools.contains(&p)),
        }
    }

    #[test]
    fn a_tool_needs_a_display_and_the_program() {
        assert_eq!(
            choose(&env(false, true, false, &["xclip"])),
            Method::Tool {
                program: "xclip",
                args: &["-selection", "clipboard"]
            }
        );
        assert_eq!(
            choose(&env(false, false, true, &["xclip"])),
            Method::Osc52 { tmux: true }
        );
        assert_eq!(
            choose(&env(true, false, false, &[])),
            Method::Osc52 { tmux: false }
        );
    }

    #[test]
    fn osc52_is_wrapped_for_tmux() {
        assert_eq!(osc52("hi", false), "\x1b]52;c;aGk=\x07");
        assert_eq!(osc52("hi", true), "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\");
    }
}
