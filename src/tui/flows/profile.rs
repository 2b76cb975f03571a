//! The profile picker: every profile of the config files with where it comes from, the active
//! one marked. Choosing one (or `:profile NAME`) switches in place: the worker resolves the
//! profile and replaces its client, and on its answer the model starts over for the new
//! organization. Answers to requests sent before the switch are then stale and dropped.

use ratatui::crossterm::event::KeyCode;

use crate::tui::effect::{Effect, RequestId};
use crate::tui::keymap::{Action, Action as A, Group as G, KeyTable, Rest, code, k, on};
use crate::tui::model::{ListCursor, Model, OverlayKind, RequestKind, ToastLevel};
use crate::tui::msg::{ApiResult, ProfileList, SwitchInfo};
use crate::tui::requests::unexpected;

/// The profile picker: a list.
#[rustfmt::skip]
pub static KEYS: KeyTable = KeyTable {
    name: "profiles",
    rest: Rest::Moves,
    bindings: &[
        on(&[code(KeyCode::Enter)], A::Submit, G::Profiles, "use the profile (says how)"),
        on(&[k('q')], A::Back, G::Profiles, "close"),
    ],
};

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
    model.overlays.show(ProfilePicker {
        pending: Some(req),
        ..ProfilePicker::default()
    });
    vec![Effect::LoadProfiles { req }]
}

/// The profile list for the picker, and the outcome of a switch (from the picker or
/// `:profile NAME`).
pub fn answer(model: &mut Model, req: RequestId, result: ApiResult) -> Vec<Effect> {
    match result {
        ApiResult::Profiles(list) => {
            loaded(model, req, list);
            Vec::new()
        }
        ApiResult::ProfileSwitched(result) => switched(model, req, result),
        _ => unexpected(req, RequestKind::Profiles),
    }
}

fn loaded(model: &mut Model, req: RequestId, list: Result<ProfileList, String>) {
    let active = model.opts.profile.clone();
    let Some(p) = model
        .overlays
        .get_mut::<ProfilePicker>()
        .filter(|p| p.pending == Some(req))
    else {
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

/// Keys of the picker: move, choose, close.
pub fn key(model: &mut Model, action: Action) -> Vec<Effect> {
    let Some(p) = model.overlays.get_mut::<ProfilePicker>() else {
        return Vec::new();
    };
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
                return switch(model, &chosen);
            }
        }
        Action::Back => close(model),
        _ => {}
    }
    Vec::new()
}

fn close(model: &mut Model) {
    model.overlays.close(OverlayKind::Profiles);
}

/// `:profile NAME` and Enter in the picker.
pub fn switch(model: &mut Model, selector: &str) -> Vec<Effect> {
    if model.opts.profile.as_deref() == Some(selector) {
        model.push_toast(
            ToastLevel::Info,
            format!("Already using profile {selector}"),
        );
        return Vec::new();
    }
    // A newer switch supersedes one still running: only the last answer counts (the older
    // one's answer still clears its request when it comes).
    let req = model.new_request(RequestKind::SwitchProfile);
    model.switching = Some(req);
    model.push_toast(
        ToastLevel::Info,
        format!("Switching to profile {selector}…"),
    );
    vec![Effect::SwitchProfile {
        req,
        selector: selector.to_owned(),
    }]
}

/// The worker's answer to `Effect::SwitchProfile`.
fn switched(model: &mut Model, req: RequestId, result: Result<SwitchInfo, String>) -> Vec<Effect> {
    if model.switching != Some(req) {
        tracing::debug!(?req, "dropping a stale profile switch");
        return Vec::new();
    }
    model.switching = None;
    match result {
        Err(e) => {
            model.push_toast(ToastLevel::Error, format!("Cannot switch profile: {e}"));
            Vec::new()
        }
        Ok(info) => {
            // A login still waiting belonged to the old organization: stop it.
            let mut effects = super::login::cancel_running(model);
            start_over(model, &info);
            for w in &info.warnings {
                model.push_toast(ToastLevel::Info, format!("Warning: {w}"));
            }
            model.push_toast(
                ToastLevel::Info,
                format!(
                    "Switched to profile {} (org {})",
                    info.profile, info.organization
                ),
            );
            effects.extend(model.request_apps());
            effects
        }
    }
}

/// A fresh model for the new organization: nothing of the old one's apps, selection,
/// overlays, secrets or awaited requests survives. The terminal, the clock, the command
/// history and the session's `--read-only` do; request ids keep counting so that no answer
/// to an old request can pass for a new one.
fn start_over(model: &mut Model, info: &SwitchInfo) {
    let old = &model.opts;
    let opts = crate::tui::TuiOptions {
        organization: info.organization.clone(),
        identity_host: info.identity_host.clone(),
        profile: Some(info.profile.clone()),
        read_only: info.read_only || old.read_only_flag,
        read_only_flag: old.read_only_flag,
        auto_refresh: info.auto_refresh,
        no_color: old.no_color,
        insecure: info.insecure,
        log_path: old.log_path.clone(),
        backup_dir: old.backup_dir.clone(),
    };
    let mut fresh = Model::new(opts, model.now);
    fresh.tz = model.tz.clone();
    fresh.size = model.size;
    // Requests still running belong to the old organization: their answers find no one
    // waiting, but they are still out until they come.
    fresh.requests = std::mem::take(&mut model.requests);
    fresh.sort = model.sort;
    fresh.command.history = std::mem::take(&mut model.command.history);
    *model = fresh;
}
