//! What a flow works with besides its own state, and what it hands back.
//!
//! A flow's `key` and `answer` take their overlay's state (`&mut T`, out of the stack) and a
//! [`Ctx`]: the few parts of the model every flow may use, borrowed apart from the overlay
//! stack so that both can be held at once. They return an [`Outcome`]: the effects to run and
//! what becomes of the stack and the panes, which `update` carries out. No flow touches the
//! stack or the panes itself, and none sees the whole `Model`.

use std::collections::VecDeque;

use jiff::{Timestamp, tz::TimeZone};

use crate::api::model::App;
use crate::tui::TuiOptions;
use crate::tui::effect::{Effect, RequestId};
use crate::tui::model::{AppStore, Pane, RequestKind, Toast, ToastLevel};
use crate::tui::msg::{SwitchInfo, TokenInfo};
use crate::tui::overlay::{Overlay, OverlayKind};
use crate::tui::requests::Requests;

/// The shared context of the flows.
pub struct Ctx<'a> {
    /// The apps as the panes know them: names to check against, scopes to offer.
    pub apps: &'a AppStore,
    /// The clock of the last tick: expiry dates, the date in a new secret's description.
    pub now: Timestamp,
    /// Dates typed and shown are in the user's zone.
    pub tz: &'a TimeZone,
    /// The session: read-only, the profile in use, the identity host, the backup folder.
    pub opts: &'a TuiOptions,
    /// Every request a flow sends gets its id here (and a cancel withdraws it here).
    pub requests: &'a mut Requests,
    /// The status line's toasts and `:messages`' list.
    pub toasts: Toasts<'a>,
}

impl Ctx<'_> {
    pub fn push_toast(&mut self, level: ToastLevel, text: impl Into<String>) {
        self.toasts.push(level, text);
    }

    pub fn new_request(&mut self, kind: RequestKind) -> RequestId {
        self.requests.start(kind)
    }
}

/// The toasts and the messages kept for `:messages`: `Model::push_toast` goes through here
/// too, so a toast said by a flow is the same as one said by `update`.
pub struct Toasts<'a> {
    toasts: &'a mut Vec<Toast>,
    messages: &'a mut VecDeque<Toast>,
    now: Timestamp,
}

impl<'a> Toasts<'a> {
    pub fn new(
        toasts: &'a mut Vec<Toast>,
        messages: &'a mut VecDeque<Toast>,
        now: Timestamp,
    ) -> Self {
        Toasts {
            toasts,
            messages,
            now,
        }
    }

    pub fn push(&mut self, level: ToastLevel, text: impl Into<String>) {
        // Toasts quote app names, server messages and URIs (which may carry a password); the
        // line breaks written here stay.
        let text = crate::domain::shown_message(&text.into());
        let toast = Toast {
            level,
            text,
            born: self.now,
        };
        if self.messages.len() == super::messages::KEPT {
            self.messages.pop_front();
        }
        self.messages.push_back(toast.clone());
        self.toasts.push(toast);
    }

    /// How many messages `:messages` lists.
    pub fn kept(&self) -> usize {
        self.messages.len()
    }
}

/// What becomes of the overlay of the flow that took the key or the answer.
#[derive(Debug, Default)]
pub enum Stack {
    /// It stays as it is (its state may have changed).
    #[default]
    Keep,
    /// It closes; its state is dropped.
    Close,
    /// It closes and this one opens in its place.
    Replace(Overlay),
    /// This one opens on top of it.
    Push(Overlay),
    /// A flow of several overlays: these kinds close (whichever are open), then the one
    /// given opens.
    CloseAll(&'static [OverlayKind], Option<Overlay>),
}

/// A change to the app store, which only `update` writes (the panes' views follow it).
#[derive(Debug)]
pub enum AppChange {
    /// An app created or changed: it goes in (or replaces the old one) and is selected.
    Put(Box<App>),
    /// An app deleted.
    Remove(String),
    /// Select this app, if it is in the store.
    Select(String),
}

/// What a flow hands back to `update`, which carries it out in this order: the stack, the
/// focus, the apps, the session token, a start over, then the app list read again (its effect
/// after `effects`, as when a flow asked for it last).
#[derive(Debug, Default)]
#[must_use]
pub struct Outcome {
    pub effects: Vec<Effect>,
    pub stack: Stack,
    /// Read the app list again: the server changed, or may have.
    pub refresh: bool,
    /// Move the focus to this pane.
    pub focus: Option<Pane>,
    /// A change to the apps the panes show, known before the next list says it.
    pub app: Option<AppChange>,
    /// The session token, as the user asked to see it: the model keeps it.
    pub session_token: Option<Box<TokenInfo>>,
    /// The worker now talks to another profile's organization: the model starts over for it
    /// (a login still waiting is stopped first), before the list is read again.
    pub start_over: Option<Box<SwitchInfo>>,
}

impl Outcome {
    /// Nothing to do beyond what the flow did to its own state.
    pub fn keep() -> Self {
        Outcome::default()
    }

    pub fn close() -> Self {
        Outcome {
            stack: Stack::Close,
            ..Outcome::default()
        }
    }

    pub fn replace(overlay: Overlay) -> Self {
        Outcome {
            stack: Stack::Replace(overlay),
            ..Outcome::default()
        }
    }

    pub fn push(overlay: Overlay) -> Self {
        Outcome {
            stack: Stack::Push(overlay),
            ..Outcome::default()
        }
    }

    pub fn effects(effects: Vec<Effect>) -> Self {
        Outcome {
            effects,
            ..Outcome::default()
        }
    }

    /// The same, and the app list read again.
    pub fn and_refresh(mut self) -> Self {
        self.refresh = true;
        self
    }

    /// The same, with these effects (the stack and the rest as they were).
    pub fn with_effects(mut self, effects: Vec<Effect>) -> Self {
        self.effects = effects;
        self
    }
}
