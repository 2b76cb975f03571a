//! After a create whose answer was lost: the app may or may not exist, and saving again
//! blindly could make a twin (with a first secret nobody holds). So the form does not offer
//! to save; it refreshes the list by itself, says whether a new app with the typed name is
//! there now, and only when none is, lets the user reopen the form with what they typed.

use std::collections::BTreeSet;

use crate::api::ApiError;
use crate::tui::keymap::FlowKey;
use crate::tui::model::{AppStore, Model};

use super::app_form::AppForm;
use super::ctx::{AppChange, Ctx, Outcome};
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

fn same_name(apps: &AppStore, name: &str) -> impl Iterator<Item = String> {
    let want = fold(name).to_lowercase();
    apps.values()
        .filter(move |a| fold(&a.name).to_lowercase() == want)
        .map(|a| a.id.clone())
        .collect::<Vec<_>>()
        .into_iter()
}

/// The create's answer was lost: remember what was sent (in `form`, when it is still open)
/// and look.
pub fn start(form: Option<&mut AppForm>, e: &ApiError, ctx: &mut Ctx) -> Outcome {
    let Some(form) = form else {
        return Outcome::keep();
    };
    let name = form.name.value().trim().to_owned();
    let confidential = form.confidential;
    let known = same_name(ctx.apps, &name).collect();
    form.lost = Some(LostCreate {
        name,
        reason: e.lost_detail(),
        known,
        confidential,
        state: Look::Refreshing,
    });
    Outcome::keep().and_refresh()
}

fn lost(model: &mut Model) -> Option<&mut LostCreate> {
    model
        .overlays
        .get_mut::<AppForm>()
        .and_then(|f| f.lost.as_mut())
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
    let new = same_name(&model.apps, &name).find(|id| !known.contains(id));
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
pub fn key(form: &mut AppForm, key: FlowKey) -> Outcome {
    if key != FlowKey::Activate {
        return Outcome::keep();
    }
    let Some(state) = form.lost.as_ref().map(|l| l.state.clone()) else {
        return Outcome::keep();
    };
    match state {
        Look::Refreshing => Outcome::keep(),
        Look::Missing => {
            form.lost = None;
            form.server_error = None;
            form.notice = Some(
                "Reopened after a lost answer: no app of this name had appeared. Save sends the create again."
                    .to_owned(),
            );
            Outcome::keep()
        }
        Look::ListFailed { .. } => {
            if let Some(l) = form.lost.as_mut() {
                l.state = Look::Refreshing;
            }
            Outcome::keep().and_refresh()
        }
        Look::Exists { client_id } => close_on(Some(client_id)),
    }
}

/// Esc: closes the form; what was typed is dropped, the app found (if any) is selected.
pub fn back(form: &AppForm) -> Outcome {
    let found = form.lost.as_ref().and_then(|l| match &l.state {
        Look::Exists { client_id } => Some(client_id.clone()),
        _ => None,
    });
    close_on(found)
}

/// Closes the form (not the overlays over it) and selects the app found, if it is listed.
fn close_on(client_id: Option<String>) -> Outcome {
    Outcome {
        app: client_id.map(AppChange::Select),
        ..Outcome::close()
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
