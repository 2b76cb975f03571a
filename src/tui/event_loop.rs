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
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{Event, EventStream, KeyCode};
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
use super::msg::Msg;
use super::update::{tick_and_refresh, update};
use super::view::view;
use super::worker::Worker;

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Runs the TUI until the user quits. The terminal is restored on every way out: quit, error
/// (the guard's drop) and panic (the hook).
pub async fn run(client: Arc<IdentityClient>, mut opts: TuiOptions) -> color_eyre::Result<()> {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        opts.no_color = true;
    }
    let previous_hook = install_panic_hook();
    let result = async {
        let mut guard = TerminalGuard::enter()?;
        let result = event_loop(&mut guard.terminal, client, opts).await;
        drop(guard);
        result
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
) -> color_eyre::Result<()> {
    let (tx, mut results) = mpsc::unbounded_channel();
    let worker = Worker::new(client, tx);
    let mut model = Model::new(opts, Timestamp::now());
    model.tz = TimeZone::system();
    let size = terminal.size()?;
    update(
        &mut model,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );
    if dispatch(&worker, update(&mut model, Msg::Init)) {
        return Ok(());
    }

    // Only the terminal-safety test sets this: a panic while the TUI owns the terminal.
    let panic_on_key = std::env::var_os("EXTAPPS_TEST_PANIC_ON_KEY").is_some();
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    loop {
        if model.dirty {
            terminal.draw(|frame| view(&model, frame))?;
            model.dirty = false;
        }
        let ticking = model.wants_tick();
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if panic_on_key && key.code == KeyCode::Char('P') => {
                    panic!("deliberate test panic (EXTAPPS_TEST_PANIC_ON_KEY)")
                }
                Some(Ok(event)) => translate(&event, &model),
                Some(Err(e)) => return Err(e).wrap_err("reading the terminal failed"),
                None => return Ok(()),
            },
            Some(msg) = results.recv() => Some(msg),
            _ = ticker.tick(), if ticking => {
                if dispatch(&worker, tick_and_refresh(&mut model, Timestamp::now())) {
                    return Ok(());
                }
                None
            }
        };
        let Some(msg) = msg else { continue };
        // Every message sees the current time, so toasts and refresh times are exact even
        // when the tick is off.
        update(
            &mut model,
            Msg::Tick {
                now: Timestamp::now(),
            },
        );
        if dispatch(&worker, update(&mut model, msg)) {
            return Ok(());
        }
    }
}

fn translate(event: &Event, model: &Model) -> Option<Msg> {
    match event {
        Event::Key(key) => keymap::resolve(key, model.mode(), model.focus),
        Event::Resize(width, height) => Some(Msg::Resize {
            width: *width,
            height: *height,
        }),
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
