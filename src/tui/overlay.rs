//! The overlay stack: what is drawn over the three panes, each variant carrying the state of
//! its flow, so that "this overlay is on screen" and "its state exists" are one fact. Closing
//! an overlay drops its state (a reveal's secret value with it); nothing of a flow lives
//! anywhere else in the model.
//!
//! Each overlay has one way to take a key (`update::overlay_key` hands the top one every key
//! first) and one way to be drawn (`view::draw_overlay`); a worker answer reaches the flow
//! that asked, which finds its state here by type (`Overlays::get`) and compares request ids.

use std::ops::Deref;

use super::flows::app_form::{AppForm, Review};
use super::flows::delete_app::DeleteApp;
use super::flows::delete_secret::DeleteSecret;
use super::flows::login::LoginFlow;
use super::flows::messages::Messages;
use super::flows::profile::ProfilePicker;
use super::flows::reveal::Reveal;
use super::flows::rotate::Rotation;
use super::flows::scope_picker::ScopePicker;
use super::flows::secret_details::SecretDetails;
use super::flows::secret_new::SecretForm;
use super::flows::token::{Inspector, PasteToken, TokenTest};
use super::model::Mode;

#[derive(Debug)]
pub enum Overlay {
    Help,
    Filter,
    Command,
    Expiring,
    Details,
    /// One secret's details (Enter in pane 3).
    SecretDetails(Box<SecretDetails>),
    SecretNew(Box<SecretForm>),
    Reveal(Box<Reveal>),
    Rotate(Box<Rotation>),
    DeleteSecret(Box<DeleteSecret>),
    AppForm(Box<AppForm>),
    ScopePicker(Box<ScopePicker>),
    /// The diff of an edit, before it is sent.
    Review(Box<Review>),
    DeleteApp(Box<DeleteApp>),
    /// The token inspector.
    Token(Box<Inspector>),
    /// The one-line field a token is pasted into.
    TokenPaste(Box<PasteToken>),
    /// "Test a token for an app": the secret and scope fields.
    TokenTest(Box<TokenTest>),
    Profiles(Box<ProfilePicker>),
    /// `:login`: the URL, waiting for the browser, the result.
    Login(Box<LoginFlow>),
    /// `:messages`: the recent toasts in full.
    Messages(Box<Messages>),
}

/// Which overlay, without its state: for asking whether one is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverlayKind {
    Help,
    Filter,
    Command,
    Expiring,
    Details,
    SecretDetails,
    SecretNew,
    Reveal,
    Rotate,
    DeleteSecret,
    AppForm,
    ScopePicker,
    Review,
    DeleteApp,
    Token,
    TokenPaste,
    TokenTest,
    Profiles,
    Login,
    Messages,
}

impl Overlay {
    pub fn kind(&self) -> OverlayKind {
        match self {
            Overlay::Help => OverlayKind::Help,
            Overlay::Filter => OverlayKind::Filter,
            Overlay::Command => OverlayKind::Command,
            Overlay::Expiring => OverlayKind::Expiring,
            Overlay::Details => OverlayKind::Details,
            Overlay::SecretDetails(_) => OverlayKind::SecretDetails,
            Overlay::SecretNew(_) => OverlayKind::SecretNew,
            Overlay::Reveal(_) => OverlayKind::Reveal,
            Overlay::Rotate(_) => OverlayKind::Rotate,
            Overlay::DeleteSecret(_) => OverlayKind::DeleteSecret,
            Overlay::AppForm(_) => OverlayKind::AppForm,
            Overlay::ScopePicker(_) => OverlayKind::ScopePicker,
            Overlay::Review(_) => OverlayKind::Review,
            Overlay::DeleteApp(_) => OverlayKind::DeleteApp,
            Overlay::Token(_) => OverlayKind::Token,
            Overlay::TokenPaste(_) => OverlayKind::TokenPaste,
            Overlay::TokenTest(_) => OverlayKind::TokenTest,
            Overlay::Profiles(_) => OverlayKind::Profiles,
            Overlay::Login(_) => OverlayKind::Login,
            Overlay::Messages(_) => OverlayKind::Messages,
        }
    }

    /// Which keys this overlay takes (the keymap's context), from its own state alone: a
    /// flow's step can change them.
    pub fn mode(&self) -> Mode {
        match self {
            Overlay::Help => Mode::Help,
            Overlay::Filter => Mode::Filter,
            Overlay::Command => Mode::Command,
            Overlay::Expiring => Mode::Expiring,
            Overlay::Details => Mode::Details,
            // The same keys as the app's details: close, nothing else.
            Overlay::SecretDetails(_) => Mode::Details,
            Overlay::SecretNew(f) if f.unknown => Mode::SecretWizard,
            Overlay::SecretNew(_) => Mode::SecretForm,
            Overlay::Reveal(_) => Mode::SecretReveal,
            Overlay::Rotate(r) => r.mode(),
            Overlay::DeleteSecret(d) if d.last_working => Mode::SecretTyped,
            Overlay::DeleteSecret(_) => Mode::SecretConfirm,
            Overlay::AppForm(_) => Mode::Form,
            Overlay::ScopePicker(_) => Mode::Picker,
            Overlay::Review(_) => Mode::Review,
            Overlay::DeleteApp(_) => Mode::DeleteApp,
            Overlay::Token(_) => Mode::Token,
            Overlay::TokenPaste(_) => Mode::TokenPaste,
            Overlay::TokenTest(_) => Mode::TokenTest,
            Overlay::Profiles(_) => Mode::Profiles,
            Overlay::Login(_) => Mode::Login,
            Overlay::Messages(_) => Mode::Messages,
        }
    }
}

/// A flow state that an overlay variant carries.
pub trait OverlayState: Sized {
    const KIND: OverlayKind;
    fn of(overlay: &Overlay) -> Option<&Self>;
    fn of_mut(overlay: &mut Overlay) -> Option<&mut Self>;
    fn into_overlay(self) -> Overlay;
    fn from_overlay(overlay: Overlay) -> Option<Self>;
}

macro_rules! overlay_state {
    ($($ty:ty => $variant:ident),* $(,)?) => {
        $(
            impl OverlayState for $ty {
                const KIND: OverlayKind = OverlayKind::$variant;
                fn of(overlay: &Overlay) -> Option<&Self> {
                    match overlay {
                        Overlay::$variant(s) => Some(s),
                        _ => None,
                    }
                }
                fn of_mut(overlay: &mut Overlay) -> Option<&mut Self> {
                    match overlay {
                        Overlay::$variant(s) => Some(s),
                        _ => None,
                    }
                }
                fn into_overlay(self) -> Overlay {
                    Overlay::$variant(Box::new(self))
                }
                fn from_overlay(overlay: Overlay) -> Option<Self> {
                    match overlay {
                        Overlay::$variant(s) => Some(*s),
                        _ => None,
                    }
                }
            }
        )*
    };
}

overlay_state! {
    SecretDetails => SecretDetails,
    SecretForm => SecretNew,
    Reveal => Reveal,
    Rotation => Rotate,
    DeleteSecret => DeleteSecret,
    AppForm => AppForm,
    ScopePicker => ScopePicker,
    Review => Review,
    DeleteApp => DeleteApp,
    Inspector => Token,
    PasteToken => TokenPaste,
    TokenTest => TokenTest,
    ProfilePicker => Profiles,
    LoginFlow => Login,
    Messages => Messages,
}

/// The stack, bottom first. Each kind is on it at most once.
#[derive(Debug, Default)]
pub struct Overlays(Vec<Overlay>);

impl Deref for Overlays {
    type Target = [Overlay];

    fn deref(&self) -> &[Overlay] {
        &self.0
    }
}

impl Overlays {
    /// The kind of the top overlay: the one that takes keys.
    pub fn top(&self) -> Option<OverlayKind> {
        self.0.last().map(Overlay::kind)
    }

    pub fn is_open(&self, kind: OverlayKind) -> bool {
        self.0.iter().any(|o| o.kind() == kind)
    }

    pub fn get<T: OverlayState>(&self) -> Option<&T> {
        self.0.iter().rev().find_map(T::of)
    }

    pub fn get_mut<T: OverlayState>(&mut self) -> Option<&mut T> {
        self.0.iter_mut().rev().find_map(T::of_mut)
    }

    /// Puts `overlay` on top. One of its kind already open is replaced (with its state).
    pub fn open(&mut self, overlay: Overlay) {
        let kind = overlay.kind();
        self.0.retain(|o| o.kind() != kind);
        self.0.push(overlay);
    }

    /// Puts a stateless overlay on top, unless it is already the top one.
    pub fn push_unique(&mut self, overlay: Overlay) {
        if self.top() != Some(overlay.kind()) {
            self.open(overlay);
        }
    }

    /// Opens a flow's overlay with its state.
    pub fn show<T: OverlayState>(&mut self, state: T) {
        self.open(state.into_overlay());
    }

    /// Closes the overlay of this kind (its state goes with it).
    pub fn close(&mut self, kind: OverlayKind) {
        self.0.retain(|o| o.kind() != kind);
    }

    /// Closes the overlay holding a `T` and hands its state back.
    pub fn take<T: OverlayState>(&mut self) -> Option<T> {
        let at = self.0.iter().rposition(|o| o.kind() == T::KIND)?;
        T::from_overlay(self.0.remove(at))
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}
