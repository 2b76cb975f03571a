//! `:messages`: the recent toasts in full. The status line shows one toast at a time, cut to
//! its width and gone after a few seconds; this overlay lists the last ones whole, newest
//! first, until Esc or q.

use crate::tui::keymap::Action;
use crate::tui::model::{ListCursor, Model};
use crate::tui::overlay::{Overlay, OverlayKind};

use super::ctx::{Ctx, Outcome};

/// How many toasts the model keeps for `:messages`.
pub const KEPT: usize = 50;

/// The overlay's state: which message is at the cursor (the view scrolls to keep it shown).
#[derive(Debug, Default)]
pub struct Messages {
    pub cursor: ListCursor,
}

pub fn open(model: &mut Model) {
    model.overlays.close(OverlayKind::Messages);
    model
        .overlays
        .push_unique(Overlay::Messages(Box::default()));
}

/// Scrolls and closes. `None`: not a key of the overlay.
pub fn key(state: &mut Messages, action: Action, ctx: &mut Ctx) -> Option<Outcome> {
    let len = ctx.toasts.kept();
    if action == Action::Back {
        return Some(Outcome::close());
    }
    let cursor = &mut state.cursor;
    let page = cursor.page_size() as isize;
    match action {
        Action::Up => cursor.step(-1, len),
        Action::Down => cursor.step(1, len),
        Action::PageUp => cursor.step(-page, len),
        Action::PageDown => cursor.step(page, len),
        Action::Top => cursor.index = 0,
        Action::Bottom => cursor.index = len.saturating_sub(1),
        _ => return None,
    }
    Some(Outcome::keep())
}
