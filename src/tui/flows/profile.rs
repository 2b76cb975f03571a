//! The profile picker: every profile of the config files with where it comes from, the active
//! one marked. Choosing one does not switch in place (the client, its token and its cache
//! belong to the profile extapps started with); it says the exact command to restart with.

use crate::tui::effect::{Effect, RequestId};
use crate::tui::keymap::Action;
use crate::tui::model::{ListCursor, Model, Overlay, RequestKind, ToastLevel};
use crate::tui::msg::ProfileList;

#[derive(Debug, Default)]
pub struct ProfilePicker {
    /// The config read still running.
    pub pending: Option<RequestId>,
    pub list: Option<Result<ProfileList, String>>,
    pub cursor: ListCursor,
}

impl ProfilePicker {
    pub fn profiles(&self) -> &[crate::config::ProfileInfo] {
        match &self.list {
            Some(Ok(l)) => &l.profiles,
            _ => &[],
        }
    }
}

/// `:profile` without a name.
pub fn open(model: &mut Model) -> Vec<Effect> {
    let req = model.new_request(RequestKind::Profiles);
    model.profiles = Some(ProfilePicker {
        pending: Some(req),
        ..ProfilePicker::default()
    });
    model.overlays.retain(|o| *o != Overlay::Profiles);
    model.overlays.push(Overlay::Profiles);
    vec![Effect::LoadProfiles { req }]
}

pub fn loaded(model: &mut Model, req: RequestId, list: Result<ProfileList, String>) {
    let active = model.opts.profile.clone();
    let Some(p) = model.profiles.as_mut().filter(|p| p.pending == Some(req)) else {
        tracing::debug!(?req, "dropping a stale profile list");
        return;
    };
    p.pending = None;
    p.list = Some(list);
    // Start on the active profile, so Enter on it says "already there".
    let at = p
        .profiles()
        .iter()
        .position(|i| Some(&i.selector) == active.as_ref() || Some(&i.name) == active.as_ref());
    p.cursor.index = at.unwrap_or(0);
}

pub fn route_key(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    if model.overlays.last() != Some(&Overlay::Profiles) || action == Action::Quit {
        return None;
    }
    let p = model.profiles.as_mut()?;
    let len = p.profiles().len();
    let page = p.cursor.page_size() as isize;
    match action {
        Action::Down => p.cursor.step(1, len),
        Action::Up => p.cursor.step(-1, len),
        Action::PageDown => p.cursor.step(page, len),
        Action::PageUp => p.cursor.step(-page, len),
        Action::Top => p.cursor.step(-(len as isize), len),
        Action::Bottom => p.cursor.step(len as isize, len),
        Action::Submit | Action::ShowDetails => {
            if let Some(chosen) = p.profiles().get(p.cursor.index).map(|i| i.selector.clone()) {
                close(model);
                switch(model, &chosen);
            }
        }
        Action::Back => close(model),
        _ => {}
    }
    Some(Vec::new())
}

fn close(model: &mut Model) {
    model.overlays.retain(|o| *o != Overlay::Profiles);
    model.profiles = None;
}

/// `:profile NAME` and Enter in the picker.
pub fn switch(model: &mut Model, selector: &str) {
    if model.opts.profile.as_deref() == Some(selector) {
        model.push_toast(
            ToastLevel::Info,
            format!("Already using profile {selector}"),
        );
        return;
    }
    model.push_toast(
        ToastLevel::Info,
        format!(
            "Switching in place is not available: quit and restart with `extapps --profile {selector}`"
        ),
    );
}
