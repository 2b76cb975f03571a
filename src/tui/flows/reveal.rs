//! The one-time reveal of a new secret: masked until asked, copied on request, dropped on close.

use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};

use ratatui::crossterm::event::KeyCode;

use crate::tui::effect::{Effect, RequestId, Sensitive};
use crate::tui::keymap::{
    Action, Action as A, Group as G, KeyTable, Rest, SecretKey, SecretKey as SK, code, k, on,
};
use crate::tui::model::RequestKind;

use super::ctx::{Ctx, Outcome};

/// A one-time secret on screen (also a rotation's second step): `v` shows it, `y` copies it.
#[rustfmt::skip]
pub static KEYS: KeyTable = KeyTable {
    name: "secret reveal",
    rest: Rest::Dropped,
    bindings: &[
        on(&[k('v')], A::Secret(SK::ToggleMask), G::SecretFlows, "show / hide the new secret"),
        on(&[k('y')], A::Secret(SK::CopySecret), G::SecretFlows, "copy the new secret"),
        on(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, super::secret_new::CONTINUE),
    ],
};

/// The masked value: a fixed run of bullets, so the mask does not tell the length.
pub const MASK: &str = "••••••••••••••••••••••••••••••••";

/// A secret value on screen. `SecretString` zeroes it when this is dropped, which happens
/// when the overlay closes; `Debug` shows it redacted.
#[derive(Debug)]
pub struct Reveal {
    pub app_name: String,
    pub client_id: String,
    pub secret_id: Option<i64>,
    /// `Some(None)`: never expires; `None`: not known (a new app's first secret).
    pub expiry: Option<Option<Timestamp>>,
    pub value: SecretString,
    pub shown: bool,
    /// Shown at least once: hiding it again does not unsee it.
    pub seen: bool,
    /// Where the last copy went.
    pub copied: Option<String>,
    pub copy_req: Option<RequestId>,
}

impl Reveal {
    pub fn new(app_name: &str, client_id: &str, value: SecretString) -> Self {
        Reveal {
            app_name: app_name.to_owned(),
            client_id: client_id.to_owned(),
            secret_id: None,
            expiry: None,
            value,
            shown: false,
            seen: false,
            copied: None,
            copy_req: None,
        }
    }

    /// Someone can hold the value: it was on screen or it reached a clipboard. Until then,
    /// nothing may be done that leaves this secret as the only working one.
    pub fn taken(&self) -> bool {
        self.seen || self.copied.is_some()
    }

    /// What the overlay prints: the value only after `v`.
    pub fn display(&self) -> &str {
        if self.shown {
            self.value.expose_secret()
        } else {
            MASK
        }
    }
}

/// `v` and `y` on a reveal, wherever it sits (alone or in the rotation wizard).
pub fn reveal_key(r: &mut Reveal, action: Action, ctx: &mut Ctx) -> Outcome {
    match action {
        Action::Secret(SecretKey::ToggleMask) => {
            r.shown = !r.shown;
            r.seen |= r.shown;
            Outcome::keep()
        }
        Action::Secret(SecretKey::CopySecret) => {
            let text = Sensitive(r.value.clone());
            let req = ctx.new_request(RequestKind::Copy);
            r.copy_req = Some(req);
            Outcome::effects(vec![Effect::Copy {
                req,
                what: "the new secret".to_owned(),
                text,
            }])
        }
        _ => Outcome::keep(),
    }
}

pub fn key(r: &mut Reveal, action: Action, ctx: &mut Ctx) -> Outcome {
    match action {
        Action::Back | Action::Submit => Outcome::close(),
        _ => reveal_key(r, action, ctx),
    }
}

/// A copy reached the clipboard: the reveal that asked for it notes where.
pub fn copied(r: &mut Reveal, req: RequestId, place: &str) {
    if r.copy_req == Some(req) {
        r.copied = Some(place.to_owned());
    }
}
