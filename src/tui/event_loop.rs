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
use ratatui::crossterm::event::{Event, EventStream};
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

fn restore_terminal() {
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
    let mut core = LoopCore::new(terminal, model);

    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    loop {
        core.draw_if_dirty()?;
        let ticking = core.model.wants_tick();
        let msg = tokio::select! {
            event = events.next() => match event {
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
        if dispatch(&worker, core.message(msg, Timestamp::now())) {
            return Ok(());
        }
    }
}

/// The loop without its sources: what it does with a message or a tick, and when it draws.
/// The real loop feeds it terminal events, worker answers and the clock; the idle-draw test
/// feeds it a script and a fake clock over a `TestBackend`, and counts the frames.
pub struct LoopCore<'t, B: Backend> {
    pub terminal: &'t mut Terminal<B>,
    pub model: Model,
    /// Frames drawn so far.
    pub draws: u64,
}

impl<'t, B: Backend> LoopCore<'t, B> {
    pub fn new(terminal: &'t mut Terminal<B>, model: Model) -> Self {
        LoopCore {
            terminal,
            model,
            draws: 0,
        }
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
        // Every message sees the current time, so toasts and refresh times are exact even
        // when the tick is off.
        update(&mut self.model, Msg::Tick { now });
        update(&mut self.model, msg)
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
