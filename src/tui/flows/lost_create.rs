//! After a create whose answer was lost: the app may or may not exist, and saving again
//! blindly could make a twin (with a first secret nobody holds). So the form does not offer
//! to save; it refreshes the list by itself, says whether a new app with the typed name is
//! there now, and only when none is, lets the user reopen the form with what they typed.

use std::collections::BTreeSet;

use crate::api::ApiError;
use crate::tui::effect::Effect;
use crate::tui::keymap::FlowKey;
use crate::tui::model::{Model, OverlayKind};

use super::app_form::AppForm;
use super::typed_confirm::fold;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostCreate {
    /// The name sent, as typed.
    pub name: String,
    /// Why the answer is missing, in words that give no advice to retry.
    pub reason: String,
    /// Apps of that name that existed before the create: not evidence that it happened.
    known: BTreeSet<String>,
    /// A confidential app's first secret came in the lost answer.
    confidential: bool,
    pub state: Look,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Look {
    /// The list is being read; the next list answer says.
    Refreshing,
    /// A new app of that name is there: the create probably happened.
    Exists { client_id: String },
    /// No new app of that name: the create probably did not happen.
    Missing,
    /// The list could not be read either.
    ListFailed { error: String },
}

fn same_name(model: &Model, name: &str) -> impl Iterator<Item = String> {
    let want = fold(name).to_lowercase();
    model
        .apps
        .values()
        .filter(move |a| fold(&a.name).to_lowercase() == want)
        .map(|a| a.id.clone())
        .collect::<Vec<_>>()
        .into_iter()
}

/// The create's answer was lost: remember what was sent and look.
pub fn start(model: &mut Model, e: &ApiError) -> Vec<Effect> {
    let Some(form) = model.overlays.get::<AppForm>() else {
        return Vec::new();
    };
    let name = form.name.value().trim().to_owned();
    let confidential = form.confidential;
    let known = same_name(model, &name).collect();
    if let Some(form) = model.overlays.get_mut::<AppForm>() {
        form.lost = Some(LostCreate {
            name,
            reason: e.lost_detail(),
            known,
            confidential,
            state: Look::Refreshing,
        });
    }
    model.request_apps()
}

fn lost(model: &mut Model) -> Option<&mut LostCreate> {
    model
        .overlays
        .get_mut::<AppForm>()
        .and_then(|f| f.lost.as_mut())
}

/// Whether the form shows the lost answer rather than its fields.
pub fn active(model: &Model) -> bool {
    model
        .overlays
        .get::<AppForm>()
        .is_some_and(|f| f.lost.is_some())
}

/// A list arrived: it tells whether the app is there now.
pub fn listed(model: &mut Model) {
    let Some(l) = model
        .overlays
        .get::<AppForm>()
        .and_then(|f| f.lost.as_ref())
    else {
        return;
    };
    if !matches!(l.state, Look::Refreshing | Look::ListFailed { .. }) {
        return;
    }
    let known = l.known.clone();
    let name = l.name.clone();
    let new = same_name(model, &name).find(|id| !known.contains(id));
    if let Some(l) = lost(model) {
        l.state = match new {
            Some(client_id) => Look::Exists { client_id },
            None => Look::Missing,
        };
    }
}

pub fn list_failed(model: &mut Model, e: &ApiError) {
    if let Some(l) = lost(model)
        && l.state == Look::Refreshing
    {
        l.state = Look::ListFailed {
            error: e.lost_detail(),
        };
    }
}

/// Enter: reopen the form when the app is not there, look again when the list failed, close
/// (on the app found) when it is there. Nothing here ever sends the create again.
pub fn key(model: &mut Model, key: FlowKey) -> Vec<Effect> {
    if key != FlowKey::Activate {
        return Vec::new();
    }
    let Some(state) = lost(model).map(|l| l.state.clone()) else {
        return Vec::new();
    };
    match state {
        Look::Refreshing => Vec::new(),
        Look::Missing => {
            if let Some(form) = model.overlays.get_mut::<AppForm>() {
                form.lost = None;
                form.server_error = None;
                form.notice = Some(
                    "Reopened after a lost answer: no app of this name had appeared. Save sends the create again."
                        .to_owned(),
                );
            }
            Vec::new()
        }
        Look::ListFailed { .. } => {
            if let Some(l) = lost(model) {
                l.state = Look::Refreshing;
            }
            model.request_apps()
        }
        Look::Exists { client_id } => {
            close_on(model, Some(client_id));
            Vec::new()
        }
    }
}

/// Esc: closes the form; what was typed is dropped, the app found (if any) is selected.
pub fn back(model: &mut Model) {
    let found = lost(model).and_then(|l| match &l.state {
        Look::Exists { client_id } => Some(client_id.clone()),
        _ => None,
    });
    close_on(model, found);
}

fn close_on(model: &mut Model, client_id: Option<String>) {
    model.overlays.close(OverlayKind::AppForm);
    if let Some(id) = client_id
        && model.apps.contains_key(&id)
    {
        model.selected = Some(id);
        model.rebuild_view();
    }
}

/// What the form shows instead of its fields: (the text, whether it is bad news).
pub fn lines(l: &LostCreate) -> Vec<(String, bool)> {
    let name = fold(&l.name);
    let mut out = vec![(
        format!(
            "The answer to creating {name} was lost ({}): the create may or may not have happened. It was not sent again.",
            l.reason
        ),
        true,
    )];
    match &l.state {
        Look::Refreshing => out.push((
            format!("… reading the app list to see whether an app named {name} exists now"),
            false,
        )),
        Look::Exists { client_id } => {
            out.push((
                format!(
                    "An app named {name} exists now (id {client_id}): the create probably happened."
                ),
                false,
            ));
            if l.confidential {
                out.push((
                    "Its first secret was in the lost answer, so nobody holds it: make a new one (s) on the app.".to_owned(),
                    false,
                ));
            }
            out.push(("Enter or Esc: close and go to the app".to_owned(), false));
        }
        Look::Missing => {
            out.push((
                format!(
                    "No app named {name} yet: the create probably did not happen; press Enter to reopen the form with what you typed."
                ),
                false,
            ));
            out.push((
                "Enter: reopen the form · Esc: close (what you typed is dropped)".to_owned(),
                false,
            ));
        }
        Look::ListFailed { error } => {
            out.push((format!("Reading the app list failed too: {error}"), true));
            out.push((
                "Enter: look again · Esc: close (what you typed is dropped)".to_owned(),
                false,
            ));
        }
    }
    out
}
