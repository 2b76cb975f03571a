//! The event loop: owns the terminal, turns terminal events, worker answers and a 1 s tick
//! (only while something on screen moves) into messages, and draws after a message that
//! changed something.

use std::io::{Stdout, stdout};
use std::panic;
use std::sync::Arc;
use std::time::Duration;

use color_eyre::eyre::WrapErr;
use futures::StreamExt;
use jiff::{Timestamp, tz::TimeZone};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::event::{
    DisableBracketedPaste, EnableBracketedPaste, Event, EventStream, KeyCode,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use tokio::sync::mpsc;

use crate::api::IdentityClient;

use super::TuiOptions;
use super::effect::Effect;
use super::keymap;
use super::model::Model;
use super::msg::{ApiResult, Msg};
use super::update::{tick_and_refresh, update};
use super::view::view;
use super::worker::Worker;

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Runs the TUI until the user quits. The terminal is restored on every way out: quit, error
/// (the guard's drop) and panic (the hook).
pub async fn run(client: Arc<IdentityClient>, opts: TuiOptions) -> color_eyre::Result<()> {
    run_with_cache(client, opts, None).await
}

/// `run`, keeping the apps' details in `cache` between runs.
pub async fn run_with_cache(
    client: Arc<IdentityClient>,
    mut opts: TuiOptions,
    cache: Option<crate::api::details_cache::DetailsCache>,
) -> color_eyre::Result<()> {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        opts.no_color = true;
    }
    // Resolved here so that the delete confirmation can say where the backup goes.
    opts.backup_dir
        .get_or_insert_with(crate::domain::backup::default_dir);
    let previous_hook = install_panic_hook();
    let result = async {
        let mut guard = TerminalGuard::enter()?;
        let result = event_loop(&mut guard.terminal, client, opts, cache).await;
        drop(guard);
        result
    }
    .await;
    restore_panic_hook(previous_hook);
    result
}

/// What the first-run screen was left with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstRunChoice {
    /// `q`, Esc or Ctrl-C: leave; the caller prints the steps again below the prompt.
    Quit,
    /// `d`: open the demo organization instead.
    Demo,
}

/// The first-run screen (no settings at all): how to get credentials, until `q` or `d`.
pub async fn first_run(no_color: bool) -> color_eyre::Result<FirstRunChoice> {
    use ratatui::crossterm::event::{KeyEventKind, KeyModifiers};
    let no_color = no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = super::theme::Theme { color: !no_color };
    let previous_hook = install_panic_hook();
    let result = async {
        let mut guard = TerminalGuard::enter()?;
        loop {
            guard
                .terminal
                .draw(|frame| super::view::first_run::render(&theme, frame))?;
            // A plain blocking read, not an `EventStream`: the stream's reader would outlive
            // this screen and eat the answers the demo TUI's terminal asks for next.
            let event = tokio::task::block_in_place(ratatui::crossterm::event::read);
            if let Event::Key(key) = event.wrap_err("reading the terminal failed")?
                && key.kind != KeyEventKind::Release
            {
                match key.code {
                    KeyCode::Char('d') => return Ok(FirstRunChoice::Demo),
                    KeyCode::Char('q') | KeyCode::Esc => return Ok(FirstRunChoice::Quit),
                    KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        return Ok(FirstRunChoice::Quit);
                    }
                    _ => {}
                }
            }
        }
    }
    .await;
    restore_panic_hook(previous_hook);
    result
}

/// Raw mode and the alternate screen for as long as it lives.
struct TerminalGuard {
    terminal: Term,
}

impl TerminalGuard {
    fn enter() -> color_eyre::Result<Self> {
        enable_raw_mode().wrap_err("cannot switch the terminal to raw mode")?;
        TERMINAL_TAKEN.store(true, std::sync::atomic::Ordering::SeqCst);
        // From here on a failure must undo raw mode: `Restore` does it when dropped early.
        let restore = Restore;
        execute!(stdout(), EnterAlternateScreen).wrap_err("cannot open the alternate screen")?;
        // A pasted token arrives as one `Event::Paste`, not as a thousand key presses that
        // could be read as commands.
        let _ = execute!(stdout(), EnableBracketedPaste);
        let mut terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        terminal.hide_cursor()?;
        terminal.clear()?;
        std::mem::forget(restore);
        Ok(TerminalGuard { terminal })
    }
}

struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore_terminal();
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Whether the TUI holds the terminal. Restoring twice is harmful, not just useless: leaving the
/// alternate screen again moves the cursor back to where the TUI started, over whatever was
/// printed since (a panic message, typically, restored by the hook and then by the guard).
static TERMINAL_TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn restore_terminal() {
    if !TERMINAL_TAKEN.swap(false, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

type Hook = Arc<Box<dyn Fn(&panic::PanicHookInfo<'_>) + Sync + Send + 'static>>;

/// Restores the terminal before the panic message is printed, so it is readable.
fn install_panic_hook() -> Hook {
    let previous: Hook = Arc::new(panic::take_hook());
    let chained = Arc::clone(&previous);
    panic::set_hook(Box::new(move |info| {
        restore_terminal();
        chained(info);
    }));
    previous
}

fn restore_panic_hook(previous: Hook) {
    let _ = panic::take_hook();
    panic::set_hook(Box::new(move |info| previous(info)));
}

async fn event_loop(
    terminal: &mut Term,
    client: Arc<IdentityClient>,
    opts: TuiOptions,
    cache: Option<crate::api::details_cache::DetailsCache>,
) -> color_eyre::Result<()> {
    let (tx, mut results) = mpsc::unbounded_channel();
    let editor_tx = tx.clone();
    let worker = Worker::new(client, tx).with_details_cache(cache);
    let mut model = Model::new(opts, Timestamp::now());
    model.tz = TimeZone::system();
    let size = terminal.size()?;
    let mut core = LoopCore::new(terminal, model);
    // The first frame (the loading state) is on screen before any request leaves.
    let first = core.start(size.width, size.height)?;
    if dispatch(&worker, first) {
        return Ok(());
    }

    // Only the terminal-safety test sets this: a panic while the TUI owns the terminal.
    let panic_on_key = std::env::var_os("EXTAPPS_TEST_PANIC_ON_KEY").is_some();
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    loop {
        core.draw_if_dirty()?;
        let ticking = core.model.wants_tick();
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if panic_on_key && key.code == KeyCode::Char('P') => {
                    panic!("deliberate test panic (EXTAPPS_TEST_PANIC_ON_KEY)")
                }
                Some(Ok(event)) => translate(&event, &core.model),
                Some(Err(e)) => return Err(e).wrap_err("reading the terminal failed"),
                None => return Ok(()),
            },
            Some(msg) = results.recv() => Some(msg),
            _ = ticker.tick(), if ticking => {
                if dispatch(&worker, core.tick(Timestamp::now())) {
                    return Ok(());
                }
                None
            }
        };
        let Some(msg) = msg else { continue };
        let mut effects = core.message(msg, Timestamp::now());
        // The editor needs the terminal, so it runs here rather than in the worker. The
        // event stream is dropped meanwhile: its reader would otherwise eat the editor's keys.
        if let Some(pos) = effects
            .iter()
            .position(|e| matches!(e, Effect::EditJson { .. }))
            && let Effect::EditJson { req, text } = effects.remove(pos)
        {
            drop(events);
            let edited = edit_in_editor(core.terminal, req.0, &text);
            events = EventStream::new();
            core.model.dirty = true;
            let _ = editor_tx.send(Msg::Edited { req, text: edited });
        }
        if dispatch(&worker, effects) {
            return Ok(());
        }
    }
}

/// Suspends the TUI, runs `$VISUAL`, `$EDITOR` or `vi` on a private temporary file holding
/// `text`, and comes back with what the file holds afterwards.
fn edit_in_editor(terminal: &mut Term, id: u64, text: &str) -> Result<String, String> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_owned());
    let path = std::env::temp_dir().join(format!("extapps-app-{}-{id}.json", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        std::io::Write::write_all(&mut opts.open(&path)?, text.as_bytes())
    };
    write().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    restore_terminal();
    // Through the shell, so that EDITOR="code --wait" works as it does for git.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    // Tests and support read this line to know the editor ran and came back (the toast that
    // says so on screen lives only a few seconds).
    tracing::info!(exit = ?status.as_ref().ok().and_then(|s| s.code()), "the editor returned");
    // A new `Terminal` has empty buffers, so the next draw repaints every cell. Its `clear`
    // would ask the terminal for the cursor position, an answer nobody reads at this point.
    let resumed = enable_raw_mode()
        .inspect(|()| TERMINAL_TAKEN.store(true, std::sync::atomic::Ordering::SeqCst))
        .and_then(|()| {
            execute!(
                stdout(),
                EnterAlternateScreen,
                EnableBracketedPaste,
                ratatui::crossterm::terminal::Clear(ratatui::crossterm::terminal::ClearType::All)
            )
        })
        .and_then(|()| Terminal::new(CrosstermBackend::new(stdout())))
        .and_then(|t| {
            *terminal = t;
            terminal.hide_cursor()
        });
    let result = match status {
        Ok(s) if s.success() => crate::bounded::read_file(&path, crate::bounded::APP_JSON)
            .map_err(|e| format!("cannot read {}: {e}", path.display())),
        Ok(s) => Err(format!("{editor} exited with {s}; nothing was changed")),
        Err(e) => Err(format!("cannot run {editor:?}: {e}")),
    };
    let _ = std::fs::remove_file(&path);
    if let Err(e) = resumed {
        tracing::warn!(error = %e, "the terminal did not come back cleanly after the editor");
    }
    result
}

/// The loop without its sources: what it does with a message or a tick, and when it draws.
/// The real loop feeds it terminal events, worker answers and the clock; the idle-draw test
/// feeds it a script and a fake clock over a `TestBackend`, and counts the frames.
pub struct LoopCore<'t, B: Backend> {
    pub terminal: &'t mut Terminal<B>,
    pub model: Model,
    /// Frames drawn so far.
    pub draws: u64,
    /// How often freed memory was asked to go back to the system (after large lists).
    pub trims: u64,
}

/// Replacing at least this many apps frees enough memory to be worth giving back.
const RELEASE_MEMORY_FROM: usize = 1000;

impl<'t, B: Backend> LoopCore<'t, B> {
    pub fn new(terminal: &'t mut Terminal<B>, model: Model) -> Self {
        LoopCore {
            terminal,
            model,
            draws: 0,
            trims: 0,
        }
    }

    /// The start of the loop: the terminal's size, the first requests, and the first frame,
    /// drawn before those requests are handed to the worker. Nothing here can wait for the
    /// network: the requests are returned, for the caller to dispatch once the frame is up.
    pub fn start(&mut self, width: u16, height: u16) -> Result<Vec<Effect>, B::Error> {
        update(&mut self.model, Msg::Resize { width, height });
        let effects = update(&mut self.model, Msg::Init);
        self.draw_if_dirty()?;
        Ok(effects)
    }

    /// Draws only when an update changed something on screen.
    pub fn draw_if_dirty(&mut self) -> Result<(), B::Error> {
        if self.model.dirty {
            let model = &self.model;
            self.terminal.draw(|frame| view(model, frame))?;
            self.model.dirty = false;
            self.draws += 1;
        }
        Ok(())
    }

    /// The 1 s tick, which the loop only runs while `model.wants_tick()`.
    pub fn tick(&mut self, now: Timestamp) -> Vec<Effect> {
        tick_and_refresh(&mut self.model, now)
    }

    /// A message from the terminal or the worker.
    pub fn message(&mut self, msg: Msg, now: Timestamp) -> Vec<Effect> {
        let frees_memory = frees_a_large_list(&msg, &self.model);
        // Every message sees the current time, so toasts and refresh times are exact even
        // when the tick is off.
        let mut effects = update(&mut self.model, Msg::Tick { now });
        effects.extend(update(&mut self.model, msg));
        let garbage = self.model.apps.take_garbage();
        if !garbage.is_empty() {
            crate::memory::free_in_background(garbage);
        }
        if frees_memory {
            // Here rather than in `update`, which stays a pure function of model and message.
            self.trims += 1;
            crate::memory::release_free_memory_soon();
        }
        effects
    }
}

/// Whether `msg` is a list answer that frees a large list on this thread: the list it
/// replaces, or itself when it is dropped as stale. The list is allocated on a worker thread
/// and freed on this one, which glibc does not give back on its own (see `crate::memory`).
fn frees_a_large_list(msg: &Msg, model: &Model) -> bool {
    match msg {
        Msg::Api {
            result: ApiResult::Apps { apps: Ok(apps), .. },
            ..
        } => apps.len().max(model.apps.len()) >= RELEASE_MEMORY_FROM,
        _ => false,
    }
}

fn translate(event: &Event, model: &Model) -> Option<Msg> {
    match event {
        Event::Key(key) if model.too_small() => {
            keymap::resolve_too_small(key, model.overlays.keys(), model.focus)
        }
        Event::Key(key) => keymap::resolve(key, model.overlays.keys(), model.focus),
        Event::Resize(width, height) => Some(Msg::Resize {
            width: *width,
            height: *height,
        }),
        Event::Paste(text) => Some(Msg::Paste(text.clone())),
        _ => None,
    }
}

/// Hands effects to the worker; true when one of them is `Quit`.
fn dispatch(worker: &Worker, effects: Vec<Effect>) -> bool {
    let mut quit = false;
    for effect in effects {
        if effect == Effect::Quit {
            quit = true;
        } else {
            worker.spawn(effect);
        }
    }
    quit
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{App, Details};
    use crate::tui::TuiOptions;
    use ratatui::backend::TestBackend;

    /// `n` bare apps: only the size of the list matters to the memory rule.
    fn apps(n: usize) -> Vec<App> {
        (0..n)
            .map(|i| App {
                name: format!("app-{i:05}"),
                id: format!("00000000-0000-4000-8000-{i:012}"),
                secret: None,
                is_confidential: true,
                redirect_uri: None,
                resources: Vec::new(),
                secrets: Vec::new(),
                client_certificates: None,
                details: Details::Known,
            })
            .collect()
    }

    /// Answers the list request among `effects` with `count` apps.
    fn list_answer(
        core: &mut LoopCore<'_, TestBackend>,
        effects: Vec<Effect>,
        count: usize,
        now: Timestamp,
    ) {
        let req = effects
            .iter()
            .find_map(|e| match e {
                Effect::LoadApps { req } => Some(*req),
                _ => None,
            })
            .expect("a list request");
        let apps = Ok(apps(count));
        let result = ApiResult::Apps {
            apps,
            token_expires: None,
        };
        core.message(Msg::Api { req, result }, now);
    }

    fn refresh(core: &mut LoopCore<'_, TestBackend>, now: Timestamp) -> Vec<Effect> {
        core.message(Msg::Key(keymap::Action::Refresh), now)
    }

    #[test]
    fn the_loop_gives_memory_back_after_a_large_list() {
        let now: Timestamp = "2025-06-02T09:00:00Z".parse().unwrap();
        let mut terminal = Terminal::new(TestBackend::new(120, 35)).unwrap();
        let mut model = Model::new(TuiOptions::default(), now);
        model.size = (120, 35);
        let mut core = LoopCore::new(&mut terminal, model);
        let init = core.message(Msg::Init, now);
        list_answer(&mut core, init, 20, now);
        assert_eq!(core.trims, 0, "a small list frees little");
        let again = refresh(&mut core, now);
        list_answer(&mut core, again, RELEASE_MEMORY_FROM, now);
        assert_eq!(core.model.apps.len(), RELEASE_MEMORY_FROM);
        assert_eq!(core.trims, 1);
        // What the list replaced went to another thread to be freed, not kept in the model.
        assert!(core.model.apps.take_garbage().is_empty());
        // Replacing the large list by a small one frees the large one.
        let again = refresh(&mut core, now);
        list_answer(&mut core, again, 20, now);
        assert_eq!(core.trims, 2);
    }
}
