//! The profile picker: every profile of the config files with where it comes from, the active
//! one marked. Choosing one (or `:profile NAME`) switches in place: the worker resolves the
//! profile and replaces its client, and on its answer the model starts over for the new
//! organization. Answers to requests sent before the switch are then stale and dropped.

use ratatui::crossterm::event::KeyCode;

use crate::tui::effect::{Effect, RequestId};
use crate::tui::keymap::{Action, Action as A, Group as G, KeyTable, Rest, code, k, on};
use crate::tui::model::{ListCursor, Model, RequestKind, ToastLevel};
use crate::tui::msg::{ApiResult, ProfileList, SwitchInfo};
use crate::tui::requests::unexpected;

use super::ctx::{Ctx, Outcome, Stack};

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

/// The profile list for the picker (`picker`: the picker, when open), and the outcome of a
/// switch (from the picker or `:profile NAME`), which comes after the picker closed.
pub fn answer(
    picker: Option<&mut ProfilePicker>,
    switching: &mut Option<RequestId>,
    req: RequestId,
    result: ApiResult,
    ctx: &mut Ctx,
) -> Outcome {
    match result {
        ApiResult::Profiles(list) => {
            loaded(picker, req, list, ctx);
            Outcome::keep()
        }
        ApiResult::ProfileSwitched(result) => switched(switching, req, result, ctx),
        _ => Outcome::effects(unexpected(req, RequestKind::Profiles)),
    }
}

fn loaded(
    picker: Option<&mut ProfilePicker>,
    req: RequestId,
    list: Result<ProfileList, String>,
    ctx: &Ctx,
) {
    let active = &ctx.opts.profile;
    let Some(p) = picker.filter(|p| p.pending == Some(req)) else {
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
pub fn key(
    p: &mut ProfilePicker,
    action: Action,
    switching: &mut Option<RequestId>,
    ctx: &mut Ctx,
) -> Outcome {
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
                let switch = switch(&chosen, switching, ctx);
                return Outcome {
                    stack: Stack::Close,
                    ..switch
                };
            }
        }
        Action::Back => return Outcome::close(),
        _ => {}
    }
    Outcome::keep()
}

/// `:profile NAME` and Enter in the picker.
pub fn switch(selector: &str, switching: &mut Option<RequestId>, ctx: &mut Ctx) -> Outcome {
    if ctx.opts.profile.as_deref() == Some(selector) {
        ctx.push_toast(
            ToastLevel::Info,
            format!("Already using profile {selector}"),
        );
        return Outcome::keep();
    }
    // A newer switch supersedes one still running: only the last answer counts (the older
    // one's answer still clears its request when it comes).
    let req = ctx.new_request(RequestKind::SwitchProfile);
    *switching = Some(req);
    ctx.push_toast(
        ToastLevel::Info,
        format!("Switching to profile {selector}…"),
    );
    Outcome::effects(vec![Effect::SwitchProfile {
        req,
        selector: selector.to_owned(),
    }])
}

/// The worker's answer to `Effect::SwitchProfile`. A switch made starts the model over for
/// the new organization (`Outcome::start_over`), which `update` does, then says
/// `after_switch`, and reads the new list.
fn switched(
    switching: &mut Option<RequestId>,
    req: RequestId,
    result: Result<SwitchInfo, String>,
    ctx: &mut Ctx,
) -> Outcome {
    if *switching != Some(req) {
        tracing::debug!(?req, "dropping a stale profile switch");
        return Outcome::keep();
    }
    *switching = None;
    match result {
        Err(e) => {
            ctx.push_toast(ToastLevel::Error, format!("Cannot switch profile: {e}"));
            Outcome::keep()
        }
        Ok(info) => Outcome {
            start_over: Some(Box::new(info)),
            ..Outcome::keep()
        }
        .and_refresh(),
    }
}

/// What is said on the new organization's status line once the model started over.
pub fn after_switch(info: &SwitchInfo) -> Vec<String> {
    let mut said: Vec<String> = info
        .warnings
        .iter()
        .map(|w| format!("Warning: {w}"))
        .collect();
    said.push(format!(
        "Switched to profile {} (org {})",
        info.profile, info.organization
    ));
    said
}
