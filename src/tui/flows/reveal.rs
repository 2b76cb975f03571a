//! The one-time reveal of a new secret: masked until asked, dropped on close.
//!
//! A minimal version for the create flow; the secrets flows bring the fuller one (copy,
//! verify) with the same `open`.

use secrecy::SecretString;

use crate::tui::keymap::FlowKey;
use crate::tui::model::{Model, Overlay};

use super::editing;

/// Debug shows `[REDACTED]` for the value: `SecretString` never prints it.
#[derive(Debug)]
pub struct Reveal {
    pub app_name: String,
    pub client_id: String,
    pub secret: SecretString,
    pub shown: bool,
}

pub fn open(model: &mut Model, app_name: &str, client_id: &str, secret: SecretString) {
    model.reveal = Some(Reveal {
        app_name: app_name.to_owned(),
        client_id: client_id.to_owned(),
        secret,
        shown: false,
    });
    editing::push(model, Overlay::Reveal);
}

pub fn key(model: &mut Model, key: FlowKey) {
    if key == FlowKey::Toggle
        && let Some(r) = model.reveal.as_mut()
    {
        r.shown = !r.shown;
    }
}

/// Drops the value: it cannot be read again, from the server or from here.
pub fn close(model: &mut Model) {
    model.reveal = None;
    editing::pop(model, Overlay::Reveal);
}
