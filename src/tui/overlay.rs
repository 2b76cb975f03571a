//! The overlay stack: what is drawn over the three panes, each variant carrying the state of
//! its flow, so that "this overlay is on screen" and "its state exists" are one fact. Closing
//! an overlay drops its state (a reveal's secret value with it); nothing of a flow lives
//! anywhere else in the model.
//!
//! Each overlay has one table of keys for each of its states (`Overlay::keys`: the keymap
//! asks the top one first), one way to take a key (`update::overlay_key` hands the top one
//! every action first) and one way to be drawn (`view::draw_overlay`); a worker answer reaches
//! the flow that asked: `update` takes its state out of here by type (`Overlays::get_mut`)
//! and hands it over with the flows' context; the flow compares request ids.

use std::ops::Deref;

use super::flows::app_form::{self, AppForm, Review};
use super::flows::delete_app::{self, DeleteApp};
use super::flows::delete_secret::{self, DeleteSecret};
use super::flows::login::{self, LoginFlow};
use super::flows::messages::Messages;
use super::flows::profile::{self, ProfilePicker};
use super::flows::reveal::{self, Reveal};
use super::flows::rotate::{self, Rotation};
use super::flows::scope_picker::{self, ScopePicker};
use super::flows::secret_details::SecretDetails;
use super::flows::secret_new::{self, SecretForm};
use super::flows::token::{self, Inspector, PasteToken, TokenTest};
use super::keymap::{self, Binding, KeyTable};

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

    /// The keys this overlay takes, from its own state alone: a flow's step can change them.
    pub fn keys(&self) -> &'static KeyTable {
        match self {
            Overlay::Help => &keymap::HELP_KEYS,
            Overlay::Filter => &keymap::FILTER_KEYS,
            Overlay::Command => &keymap::COMMAND_KEYS,
            Overlay::Expiring => &keymap::EXPIRING_KEYS,
            Overlay::Details => &keymap::DETAILS_KEYS,
            // The same keys as the app's details: close, nothing else.
            Overlay::SecretDetails(_) => &keymap::DETAILS_KEYS,
            Overlay::SecretNew(f) => f.keys(),
            Overlay::Reveal(_) => &reveal::KEYS,
            Overlay::Rotate(r) => r.keys(),
            Overlay::DeleteSecret(d) => d.keys(),
            Overlay::AppForm(_) => &app_form::FORM_KEYS,
            Overlay::ScopePicker(_) => &scope_picker::KEYS,
            Overlay::Review(_) => &app_form::REVIEW_KEYS,
            Overlay::DeleteApp(_) => &delete_app::KEYS,
            Overlay::Token(_) => &token::INSPECTOR_KEYS,
            Overlay::TokenPaste(_) => &token::PASTE_KEYS,
            Overlay::TokenTest(_) => &token::TEST_KEYS,
            Overlay::Profiles(_) => &profile::KEYS,
            Overlay::Login(_) => &login::KEYS,
            Overlay::Messages(_) => &keymap::MESSAGES_KEYS,
        }
    }
}

/// Every key table, in the order the help lists them: a section's lines keep this order (the
/// group of each binding picks its section). An overlay's tables go here with `Overlay::keys`.
pub fn help_order() -> [&'static [Binding]; 26] {
    [
        keymap::BINDINGS,
        keymap::HELP_KEYS.bindings,
        keymap::MESSAGES_KEYS.bindings,
        keymap::DETAILS_KEYS.bindings,
        keymap::ACTION_BINDINGS,
        secret_new::FORM_KEYS.bindings,
        reveal::KEYS.bindings,
        secret_new::WIZARD_KEYS.bindings,
        secret_new::STEP_KEYS.bindings,
        rotate::PICK_KEYS.bindings,
        rotate::DISCARD_KEYS.bindings,
        delete_secret::CONFIRM_KEYS.bindings,
        delete_secret::TYPED_KEYS.bindings,
        keymap::EXPIRING_KEYS.bindings,
        keymap::FILTER_KEYS.bindings,
        keymap::TEXT_KEYS,
        keymap::COMMAND_KEYS.bindings,
        app_form::FORM_KEYS.bindings,
        scope_picker::KEYS.bindings,
        app_form::REVIEW_KEYS.bindings,
        delete_app::KEYS.bindings,
        token::INSPECTOR_KEYS.bindings,
        token::PASTE_KEYS.bindings,
        token::TEST_KEYS.bindings,
        profile::KEYS.bindings,
        login::KEYS.bindings,
    ]
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

    /// The keys of the top overlay; `None`: no overlay, the panes take the keys.
    pub fn keys(&self) -> Option<&'static KeyTable> {
        self.0.last().map(Overlay::keys)
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

    /// The states of two different flows at once (a picker and the form it fills, a review
    /// and the form it came from).
    pub fn pair_mut<A: OverlayState, B: OverlayState>(
        &mut self,
    ) -> (Option<&mut A>, Option<&mut B>) {
        debug_assert_ne!(A::KIND, B::KIND, "two states of one overlay");
        let (mut a, mut b) = (None, None);
        for overlay in self.0.iter_mut().rev() {
            if overlay.kind() == A::KIND {
                a = a.or(A::of_mut(overlay));
            } else if overlay.kind() == B::KIND {
                b = b.or(B::of_mut(overlay));
            }
        }
        (a, b)
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
