//! `update`: the whole behaviour of the TUI as a pure function of the model and a message.
//! No I/O, no clock (time arrives in `Msg::Tick`), no randomness.

use tui_input::InputRequest;

use crate::domain::permissions;

use super::details;
use super::effect::{Effect, RequestId};
use super::flows::ctx::{AppChange, Ctx, Outcome, Stack, Toasts};
use super::flows::editing::EditState;
use super::flows::profile::{self, ProfilePicker};
use super::flows::token::{self, Inspector, PasteToken, TokenTest};
use super::flows::{editing, lost_create};
use super::keymap::{Action, COMMANDS, SecretKey};
use super::model::{
    INFO_TOAST_LIFETIME, LIST_ERROR_WIDTH, ListCursor, ListError, Model, Overlay, OverlayKind,
    Overlays, Pane, RequestKind, SortKey, ToastLevel, TreeRow, secrets_by_expiry,
};
use super::msg::{ApiResult, Msg};
use super::overlay::OverlayState;
use super::requests::unexpected;

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Tick { now } => {
            tick(model, now);
            // The fill is paced on this clock: a tick is when its bucket has new tokens.
            let mut effects = details::selected(model);
            effects.extend(details::pump(model));
            if !effects.is_empty() {
                model.dirty = true;
            }
            effects
        }
        other => {
            let was_dirty = model.dirty;
            model.dirty = true;
            // An answer that changed nothing on screen (a quiet auto-refresh) leaves the
            // screen as it was.
            let mut quiet = false;
            let selected_before = model.selected.clone();
            if let Msg::Edited { req, .. } = &other {
                model.requests.answered(*req);
            }
            let mut effects = match other {
                Msg::Init => request_apps(model),
                Msg::Resize { width, height } => {
                    model.size = (width, height);
                    Vec::new()
                }
                Msg::Api { req, result } => {
                    let (effects, unchanged) = answer(model, req, result);
                    quiet = unchanged;
                    effects
                }
                // Nothing acts on what "Terminal too small" hides; only quitting does, and the
                // help, which that screen shows whole when asked.
                Msg::Key(action) if model.too_small() && !small_screen_key(model, action) => {
                    Vec::new()
                }
                // Over whatever flow is open: the small screen offers the help everywhere.
                Msg::Key(Action::Help)
                    if model.too_small() && model.overlays.top() != Some(OverlayKind::Help) =>
                {
                    open_help(model);
                    Vec::new()
                }
                Msg::Paste(_) if model.too_small() => Vec::new(),
                Msg::Key(action) => key(model, action),
                Msg::Edited { req, text } => stateless(model, |ctx, kept| {
                    editing::edited(kept.edit, req, text, ctx)
                }),
                Msg::Paste(text) => paste(model, &text),
                Msg::SessionToken(info) => {
                    token::learn(model, &info);
                    model.token = Some(info);
                    Vec::new()
                }
                Msg::Tick { .. } => unreachable!("handled above"),
            };
            // Whatever moved the selection (keys, a jump, a created app), its details are
            // read at once; then the fill uses what is left of its budget.
            if model.selected != selected_before {
                effects.extend(details::selected(model));
            }
            effects.extend(details::pump(model));
            // The expiry view's rows (every secret of the organization, sorted) are made
            // only while it is open, and then only when the apps changed.
            if model.overlays.is_open(OverlayKind::Expiring) {
                model.rebuild_expiring();
            }
            if quiet && effects.is_empty() {
                model.dirty = was_dirty;
            }
            effects
        }
    }
}

/// What a tick can change on screen: only redraw when one of these moved.
fn tick_signature(model: &Model) -> (i64, usize, u64) {
    (
        model.now.as_second() / 60,
        model.toasts.len(),
        model.spinner,
    )
}

fn tick(model: &mut Model, now: jiff::Timestamp) {
    let before = tick_signature(model);
    let previous = model.now;
    model.now = now;
    // Secrets expire as time passes: a filter on their state is taken again each minute.
    if model.filter_outcome.uses_time && now.as_second() / 60 != previous.as_second() / 60 {
        model.rebuild_view();
        model.dirty = true;
    }
    model.toasts.retain(|t| {
        t.level == ToastLevel::Error || now.duration_since(t.born) < INFO_TOAST_LIFETIME
    });
    if model.shown_requests() > 0 && now.as_second() != previous.as_second() {
        model.spinner += 1;
    }
    if tick_signature(model) != before {
        model.dirty = true;
    }
    // A secret expired under the expiry sort: its app moves (to "no valid secret" first).
    if model.order_is_stale() {
        model.rebuild_view();
        model.dirty = true;
    }
}

/// Ticks also drive auto-refresh; kept apart from `tick` so the loop can ask for it. Due
/// when the interval has passed since the last list answer (a failed one too: a first load
/// that failed is tried again), unless a list request is already out, a change is in
/// flight (its own re-read follows it), or the server asked to slow down. One GET per
/// interval; the details of apps the list shows unchanged are kept, not read again, and new
/// apps go through the paced fill.
pub fn auto_refresh_due(model: &Model) -> bool {
    let (Some(every), Some(last)) = (model.opts.auto_refresh, model.last_list_answer) else {
        return false;
    };
    let writing = model.requests.kinds().any(|k| {
        matches!(
            k,
            RequestKind::AppChange
                | RequestKind::Secret
                | RequestKind::Editor
                | RequestKind::SwitchProfile
        )
    });
    let rate_limited = model.details.backoff_until.is_some_and(|t| model.now < t);
    model.awaiting_apps.is_none()
        && !writing
        && !rate_limited
        && model.now.duration_since(last).as_secs() >= every.as_secs() as i64
}

/// Sends `Tick` and, when an auto-refresh is due, starts it, quietly: the screen changes
/// only if the answer does.
pub fn tick_and_refresh(model: &mut Model, now: jiff::Timestamp) -> Vec<Effect> {
    let mut effects = update(model, Msg::Tick { now });
    if auto_refresh_due(model) {
        let refresh = request_apps(model);
        if let Some(Effect::LoadApps { req }) = refresh.first() {
            model.background_refresh = Some(*req);
        }
        effects.extend(refresh);
    }
    effects
}

fn request_apps(model: &mut Model) -> Vec<Effect> {
    model.request_apps()
}

/// What some flows keep outside their overlay, because it outlives it: the profile switch
/// and the session token asked for (their answers come after any overlay), and the editing
/// flows' catalog, draft and the one request they share.
struct Kept<'a> {
    switching: &'a mut Option<RequestId>,
    awaiting_token: &'a mut Option<RequestId>,
    edit: &'a mut EditState,
}

/// The model split for a flow: the overlay stack (where the flow's own state is), the context
/// every flow shares, and what some flows keep outside the stack, borrowed apart so that a
/// flow holds them at once.
fn split(model: &mut Model) -> (&mut Overlays, Ctx<'_>, Kept<'_>) {
    let Model {
        overlays,
        apps,
        now,
        tz,
        opts,
        requests,
        toasts,
        messages,
        switching,
        awaiting_token,
        edit,
        ..
    } = model;
    let ctx = Ctx {
        apps,
        now: *now,
        tz,
        opts,
        requests,
        toasts: Toasts::new(toasts, messages, *now),
    };
    let kept = Kept {
        switching,
        awaiting_token,
        edit,
    };
    (overlays, ctx, kept)
}

/// Hands the flow the state of its overlay (`None`: not open), the context and what flows
/// keep outside the stack; carries out what it returns. `None` back: the flow did not use
/// the key.
fn run<T: OverlayState>(
    model: &mut Model,
    f: impl FnOnce(Option<&mut T>, &mut Ctx, Kept) -> Option<Outcome>,
) -> Option<Vec<Effect>> {
    let (overlays, mut ctx, kept) = split(model);
    let outcome = f(overlays.get_mut::<T>(), &mut ctx, kept)?;
    Some(apply(model, Some(T::KIND), outcome))
}

/// `run` for a flow that works on two overlays' states (`A`: its own).
fn run_pair<A: OverlayState, B: OverlayState>(
    model: &mut Model,
    f: impl FnOnce(Option<&mut A>, Option<&mut B>, &mut Ctx, Kept) -> Outcome,
) -> Vec<Effect> {
    let (overlays, mut ctx, kept) = split(model);
    let (a, b) = overlays.pair_mut::<A, B>();
    let outcome = f(a, b, &mut ctx, kept);
    apply(model, Some(A::KIND), outcome)
}

/// A key (or an answer) for the flow of `T`, which uses it whole; nothing when `T` is not open.
fn flow<T: OverlayState>(
    model: &mut Model,
    f: impl FnOnce(&mut T, &mut Ctx) -> Outcome,
) -> Vec<Effect> {
    run::<T>(model, |state, ctx, _| state.map(|s| f(s, ctx))).unwrap_or_default()
}

/// An answer whose overlay is gone (or that belongs to none), or a command that opens a flow:
/// the flow has the context and what flows keep outside the stack.
fn stateless(model: &mut Model, f: impl FnOnce(&mut Ctx, Kept) -> Outcome) -> Vec<Effect> {
    let (_, mut ctx, kept) = split(model);
    let outcome = f(&mut ctx, kept);
    apply(model, None, outcome)
}

/// Carries out a flow's outcome: `own` is the kind of the flow's overlay.
fn apply(model: &mut Model, own: Option<OverlayKind>, outcome: Outcome) -> Vec<Effect> {
    let Outcome {
        mut effects,
        stack,
        refresh,
        focus,
        app,
        session_token,
        start_over,
    } = outcome;
    match stack {
        Stack::Keep => {}
        Stack::Close => {
            if let Some(own) = own {
                model.overlays.close(own);
            }
        }
        Stack::Replace(overlay) => {
            if let Some(own) = own {
                model.overlays.close(own);
            }
            model.overlays.open(overlay);
        }
        Stack::Push(overlay) => model.overlays.open(overlay),
        Stack::CloseAll(kinds, then) => {
            for kind in kinds {
                model.overlays.close(*kind);
            }
            if let Some(overlay) = then {
                model.overlays.open(overlay);
            }
        }
    }
    if let Some(pane) = focus {
        model.focus = pane;
    }
    match app {
        None => {}
        Some(AppChange::Put(app)) => {
            let id = app.id.clone();
            model.apps.insert(id.clone(), *app);
            model.selected = Some(id);
            model.rebuild_view();
        }
        Some(AppChange::Remove(id)) => {
            model.apps.remove(&id);
            model.rebuild_view();
        }
        Some(AppChange::Select(id)) if model.apps.contains_key(&id) => {
            model.selected = Some(id);
            model.rebuild_view();
        }
        Some(AppChange::Select(_)) => {}
    }
    if let Some(info) = session_token {
        token::learn(model, &info);
        model.token = Some(*info);
    }
    if let Some(info) = start_over {
        // A login still waiting belonged to the old organization: stop it.
        effects.extend(super::flows::login::cancel_running(model));
        model.start_over(&info);
        for text in profile::after_switch(&info) {
            model.push_toast(ToastLevel::Info, text);
        }
    }
    if refresh {
        effects.extend(model.request_apps());
    }
    effects
}

/// The one way a worker answer comes in. The request tracker says whose request it was (its
/// kind): the panes' (the app list, an app's details, the details cache), which go to the
/// store, or a flow's, which go to that flow's one `answer` with its overlay's state (when
/// open) and the context; the flow compares the request id. An answer to a request no longer
/// in flight (answered already, or withdrawn by a cancel) is stale for everyone and changes
/// nothing.
/// Also says whether the answer left the screen as it was (a quiet auto-refresh).
fn answer(model: &mut Model, req: RequestId, result: ApiResult) -> (Vec<Effect>, bool) {
    // The one place an answer clears its request: before any flow sees it, whether the flow
    // still waits for it or drops it as stale. Only a login's URL is not its last answer.
    let kind = if result.is_final() {
        model.requests.answered(req)
    } else {
        model.requests.kind(req)
    };
    let Some(kind) = kind else {
        tracing::debug!(?req, "dropping an answer to a request no longer in flight");
        return (Vec::new(), false);
    };
    use super::flows::login::{self, LoginFlow};
    use RequestKind as K;
    let effects = match kind {
        K::Apps => {
            let ApiResult::Apps {
                apps,
                token_expires,
            } = result
            else {
                return (unexpected(req, kind), false);
            };
            return apps_arrived(model, req, apps, token_expires);
        }
        K::Details | K::DetailCache => details::answer(model, req, result),
        K::Token | K::TokenTest => run::<TokenTest>(model, |t, ctx, kept| {
            Some(token::answer(t, kept.awaiting_token, req, result, ctx))
        })
        .unwrap_or_default(),
        K::Secret | K::Copy => secret_answer(model, req, result),
        K::Catalog | K::AppChange => edit_answer(model, req, result),
        K::Profiles | K::SwitchProfile => run::<ProfilePicker>(model, |p, ctx, kept| {
            Some(profile::answer(p, kept.switching, req, result, ctx))
        })
        .unwrap_or_default(),
        K::Login => run::<LoginFlow>(model, |f, ctx, _| Some(login::answer(f, req, result, ctx)))
            .unwrap_or_default(),
        // `$EDITOR`'s text comes back as `Msg::Edited`, never as a worker answer.
        K::Editor => unexpected(req, kind),
    };
    (effects, false)
}

/// The answers of the secret flows (new, rotate, delete) go to the flow that waits
/// (`secrets::whose`), or, when its window closed, are told in a toast; every copy to the
/// clipboard is told, and the reveal that asked notes where its value went.
fn secret_answer(model: &mut Model, req: RequestId, result: ApiResult) -> Vec<Effect> {
    use super::flows::delete_secret::{self, DeleteSecret};
    use super::flows::reveal::{self, Reveal};
    use super::flows::rotate::{self, Rotation};
    use super::flows::secret_new::{self, SecretForm};
    use super::flows::secrets::{self, Whose};
    use super::msg::SecretResult;
    match result {
        ApiResult::Secret(result) => {
            // A secret minted or deleted: the app's secrets changed on the server, and a
            // summary list will not say so; read the app again.
            let wrote = matches!(
                &result,
                SecretResult::Minted(Ok(_)) | SecretResult::Deleted { result: Ok(()), .. }
            );
            let app = model.selected.clone();
            let mut effects = match secrets::whose(&model.overlays, req, &result) {
                Whose::SecretNew => {
                    flow::<SecretForm>(model, |f, ctx| secret_new::answer(f, req, result, ctx))
                }
                Whose::Rotate => {
                    flow::<Rotation>(model, |r, ctx| rotate::answer(r, req, result, ctx))
                }
                Whose::DeleteSecret => {
                    flow::<DeleteSecret>(model, |d, ctx| delete_secret::answer(d, req, result, ctx))
                }
                Whose::Nobody => stateless(model, |ctx, _| secrets::late(req, result, ctx)),
            };
            if wrote && let Some(app) = app {
                effects.extend(details::reread(model, &app));
            }
            effects
        }
        ApiResult::Copied { what, result } => {
            if let Ok(place) = &result {
                if let Some(r) = model.overlays.get_mut::<Reveal>() {
                    reveal::copied(r, req, place);
                }
                if let Some(r) = model
                    .overlays
                    .get_mut::<Rotation>()
                    .and_then(|r| r.reveal.as_mut())
                {
                    reveal::copied(r, req, place);
                }
            }
            stateless(model, |ctx, _| secrets::copied(&what, result, ctx))
        }
        _ => unexpected(req, RequestKind::Secret),
    }
}

/// The answers of the create, edit, JSON-edit and delete flows: the scope catalog, a fresh
/// read, a created, saved or deleted app. They share one request at a time (`EditState`),
/// which says which flow waits; a lost or unchecked change asks for the list again, so that
/// the user sees what the server has.
fn edit_answer(model: &mut Model, req: RequestId, result: ApiResult) -> Vec<Effect> {
    // A created app shows at once; the server may list it only after a lag.
    let created = match (&result, model.edit.waiting_for(req)) {
        (ApiResult::Created(Ok(app)), Some(_)) => Some(app.id.clone()),
        _ => None,
    };
    let effects = edit_result(model, req, result);
    if let Some(id) = created {
        details::created(model, &id);
    }
    effects
}

fn edit_result(model: &mut Model, req: RequestId, result: ApiResult) -> Vec<Effect> {
    use super::flows::app_form::{self, AppForm, FreshRead, Review};
    use super::flows::delete_app::{self, DeleteApp};
    use super::flows::editing::Waiting;
    use super::flows::scope_picker::ScopePicker;
    if let ApiResult::Catalog(result) = result {
        return run::<ScopePicker>(model, |picker, _, kept| {
            Some(editing::catalog_arrived(kept.edit, picker, req, result))
        })
        .unwrap_or_default();
    }
    let Some(waiting) = editing::answered(&mut model.edit, req) else {
        tracing::debug!(?req, "dropping a stale answer of an editing flow");
        return Vec::new();
    };
    match (waiting, result) {
        (Waiting::Create, ApiResult::Created(r)) => run::<AppForm>(model, |form, ctx, kept| {
            Some(app_form::created(form, kept.edit, r, ctx))
        })
        .unwrap_or_default(),
        (
            Waiting::Fresh {
                client_id,
                loaded,
                edited,
                origin,
            },
            ApiResult::FreshApp(r),
        ) => {
            let read = FreshRead {
                client_id: &client_id,
                loaded: &loaded,
                edited,
                origin,
            };
            run::<AppForm>(model, |form, ctx, kept| {
                Some(app_form::fresh(form, kept.edit, read, r, ctx))
            })
            .unwrap_or_default()
        }
        (Waiting::Save { origin }, ApiResult::Saved(r)) => {
            run_pair::<AppForm, Review>(model, |form, review, ctx, kept| {
                app_form::saved(form, review, kept.edit, origin, r, ctx)
            })
        }
        (Waiting::Delete, ApiResult::Deleted { client_id, result }) => {
            run::<DeleteApp>(model, |d, ctx, _| {
                Some(delete_app::deleted(d, &client_id, result, ctx))
            })
            .unwrap_or_default()
        }
        (w, r) => {
            tracing::warn!(?w, ?r, "an answer that does not fit its request");
            Vec::new()
        }
    }
}

/// A list answer. The first one that leaves apps unknown also asks for the details cache.
/// Returns its effects and whether it left the screen as it was (a quiet auto-refresh).
fn apps_arrived(
    model: &mut Model,
    req: RequestId,
    apps: Result<Vec<crate::api::model::App>, crate::api::ApiError>,
    token_expires: Option<jiff::Timestamp>,
) -> (Vec<Effect>, bool) {
    if model.awaiting_apps != Some(req) {
        tracing::debug!(?req, "dropping a stale app list");
        return (Vec::new(), false);
    }
    model.awaiting_apps = None;
    let background = model.background_refresh.take() == Some(req);
    let first = !model.loaded;
    model.loaded = true;
    model.last_list_answer = Some(model.now);
    if token_expires.is_some() {
        model.token_expires = token_expires;
    }
    let before = visible_after_list(model);
    let mut effects = Vec::new();
    match apps {
        Ok(apps) => {
            details::list_arrived(model, apps);
            model.last_refresh = Some(model.now);
            model.list_error = None;
            lost_create::listed(model);
            if first && model.apps.values().any(|a| !a.details_known()) {
                let req = model.new_request(RequestKind::DetailCache);
                effects.push(Effect::LoadDetailCache { req });
            }
        }
        Err(e) => {
            lost_create::list_failed(model, &e);
            let shown = crate::domain::shown_message(&e.to_string());
            let line = shown.lines().next().unwrap_or_default();
            model.list_error = Some(ListError {
                text: super::format::truncate(line, LIST_ERROR_WIDTH),
                at: model.now,
            });
            // With no list yet, the app pane shows the error in place of the list; with a
            // list on screen, a refresh the user asked for gets the whole message, and one
            // that ran on its own is said on the status line only.
            if model.last_refresh.is_some() && !background {
                model.push_toast(ToastLevel::Error, format!("Loading apps failed: {e}"));
            }
        }
    }
    // An auto-refresh that brought the same list changes nothing on screen: no redraw. The
    // status line's refresh time catches up with the next minute's tick.
    let quiet = background && effects.is_empty() && visible_after_list(model) == before;
    (effects, quiet)
}

/// What a list answer can change on screen besides the refresh time.
fn visible_after_list(model: &Model) -> (u64, Option<String>, Option<ListError>, usize) {
    (
        model.apps.generation,
        details::status_text(model),
        model.list_error.clone(),
        model.toasts.len(),
    )
}

fn request_token(model: &mut Model) -> Vec<Effect> {
    let req = model.new_request(RequestKind::Token);
    model.awaiting_token = Some(req);
    vec![Effect::LoadToken { req }]
}

fn key(model: &mut Model, action: Action) -> Vec<Effect> {
    if refused_by_token(model, action) {
        return Vec::new();
    }
    if model.overlays.is_empty()
        && permission_needed(action).is_some()
        && !matches!(action, Action::NewApp)
        && let Some(app) = model.selected_app()
        && !app.details_known()
    {
        // A flow opened on "not loaded" would take it for "none" (no old secret to
        // rotate, no scope to keep): wait for the app's own read.
        let name = app.name.clone();
        model.push_toast(
            ToastLevel::Info,
            format!("The scopes and secrets of {name:?} are still loading; try again in a moment"),
        );
        return details::enter(model);
    }
    match overlay_key(model, action) {
        Some(effects) => effects,
        None => pane_key(model, action),
    }
}

/// The top overlay takes every key first. `None`: it did not use the key (or there is no
/// overlay), and the panes may. The flows' overlays are modal and use every key but quitting;
/// the list overlays use their own keys and let the global ones (refresh, help, …) through.
/// Moving keys never fall through: a list under an overlay does not move.
fn overlay_key(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    use super::flows::app_form::{self, AppForm, Review};
    use super::flows::delete_app::{self, DeleteApp};
    use super::flows::delete_secret::{self, DeleteSecret};
    use super::flows::login::{self, LoginFlow};
    use super::flows::messages::Messages;
    use super::flows::reveal::{self, Reveal};
    use super::flows::rotate::{self, Rotation};
    use super::flows::scope_picker::{self, ScopePicker};
    use super::flows::secret_details::SecretDetails;
    use super::flows::secret_new::{self, SecretForm};
    use OverlayKind as K;
    let top = model.overlays.top()?;
    if action == Action::Quit {
        return None;
    }
    let modal = |effects: Vec<Effect>| Some(effects);
    let moves = Step::of(action).is_some();
    match top {
        K::Help => help_key(model, action).then(Vec::new),
        K::Filter => filter_key(model, action).then(Vec::new),
        K::Command => command_key(model, action),
        K::Expiring => expiring_key(model, action).then(Vec::new),
        K::Details => match action {
            Action::Back => {
                model.overlays.close(K::Details);
                Some(Vec::new())
            }
            _ => moves.then(Vec::new),
        },
        K::SecretDetails => run::<SecretDetails>(model, |s, ctx, _| {
            s.and_then(|s| super::flows::secret_details::key(s, action, ctx))
        }),
        K::SecretNew => modal(flow::<SecretForm>(model, |f, ctx| {
            secret_new::key(f, action, ctx)
        })),
        K::Reveal => modal(flow::<Reveal>(model, |r, ctx| reveal::key(r, action, ctx))),
        K::Rotate => modal(flow::<Rotation>(model, |r, ctx| {
            rotate::key(r, action, ctx)
        })),
        K::DeleteSecret => modal(flow::<DeleteSecret>(model, |d, ctx| {
            delete_secret::key(d, action, ctx)
        })),
        K::DeleteApp => editing_key(action, moves, || {
            run::<DeleteApp>(model, |d, ctx, kept| {
                d.map(|d| delete_app::key(d, action, kept.edit, ctx))
            })
            .unwrap_or_default()
        }),
        K::AppForm => editing_key(action, moves, || {
            run::<AppForm>(model, |f, ctx, kept| {
                f.map(|f| app_form::key(f, action, kept.edit, ctx))
            })
            .unwrap_or_default()
        }),
        K::ScopePicker => editing_key(action, moves, || {
            run_pair::<ScopePicker, AppForm>(model, |picker, form, ctx, kept| match picker {
                Some(p) => scope_picker::key(p, form, action, kept.edit, ctx),
                None => Outcome::keep(),
            })
        }),
        K::Review => editing_key(action, moves, || {
            run::<Review>(model, |r, ctx, kept| {
                r.map(|r| app_form::review_key(r, action, kept.edit, ctx))
            })
            .unwrap_or_default()
        }),
        K::Token => modal(flow::<Inspector>(model, |i, ctx| {
            token::inspector_key(i, action, ctx)
        })),
        K::TokenPaste => modal(flow::<PasteToken>(model, |p, ctx| {
            token::paste_key(p, action, ctx)
        })),
        K::TokenTest => modal(flow::<TokenTest>(model, |t, ctx| {
            token::test_key(t, action, ctx)
        })),
        K::Profiles => modal(
            run::<ProfilePicker>(model, |p, ctx, kept| {
                p.map(|p| profile::key(p, action, kept.switching, ctx))
            })
            .unwrap_or_default(),
        ),
        K::Login => modal(flow::<LoginFlow>(model, |f, ctx| {
            login::key(f, action, ctx)
        })),
        K::Messages => run::<Messages>(model, |s, ctx, _| {
            s.and_then(|s| super::flows::messages::key(s, action, ctx))
        })
        .or_else(|| moves.then(Vec::new)),
    }
}

/// The editing overlays take their flow keys, text and Esc; a list move they do not use
/// falls through to the panes.
fn editing_key(
    action: Action,
    moves: bool,
    run: impl FnOnce() -> Vec<Effect>,
) -> Option<Vec<Effect>> {
    match action {
        Action::Flow(_) | Action::Edit(_) | Action::Back => Some(run()),
        _ => moves.then(Vec::new),
    }
}

/// Keys with no overlay open: the three panes.
fn pane_key(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::Up => move_cursor(model, Step::By(-1)),
        Action::Down => move_cursor(model, Step::By(1)),
        Action::Top => move_cursor(model, Step::Top),
        Action::Bottom => move_cursor(model, Step::Bottom),
        Action::PageUp => move_cursor(model, Step::Page(-1)),
        Action::PageDown => move_cursor(model, Step::Page(1)),
        Action::NextPane => model.focus = model.focus.next(),
        Action::PrevPane => model.focus = model.focus.prev(),
        Action::Focus(p) => model.focus = p,
        Action::ShowDetails => {
            if model.selected_app().is_some() {
                model.overlays.push_unique(Overlay::Details);
                return details::enter(model);
            }
        }
        Action::ShowSecret => super::flows::secret_details::open(model),
        Action::ToggleFold => toggle_fold(model),
        Action::StartFilter => {
            model.focus = Pane::Apps;
            model.filter.handle(InputRequest::GoToEnd);
            model.overlays.push_unique(Overlay::Filter);
        }
        Action::OpenCommand => {
            model.command.input.reset();
            model.command.browsing = None;
            model.command.hint = None;
            model.overlays.push_unique(Overlay::Command);
        }
        Action::Help => open_help(model),
        Action::Refresh => return request_apps(model),
        Action::CycleSort => set_sort(model, model.sort.next()),
        Action::ReverseSort => {
            model.sort_reversed = !model.sort_reversed;
            sorted(model);
        }
        Action::ShowExpiring => open_expiring(model),
        Action::Token => return request_token(model),
        Action::TestToken => token::open_test(model),
        Action::Secret(k) => return super::flows::secrets::pane_key(model, k),
        Action::Back => back(model),
        Action::NewApp => return editing::new_app(model),
        Action::EditApp => return editing::edit_app(model),
        Action::EditJson => return super::flows::json_edit::start(model),
        Action::DeleteApp => super::flows::delete_app::open(model),
        // The keys of overlays: with none open they mean nothing.
        Action::JumpToApp
        | Action::PasteToken
        | Action::Submit
        | Action::Complete
        | Action::HistoryPrev
        | Action::HistoryNext
        | Action::Edit(_)
        | Action::Flow(_) => {}
    }
    Vec::new()
}

/// The keys that work on the "Terminal too small" screen: quit, open the help, and the
/// help's own keys while it is drawn there.
fn small_screen_key(model: &Model, action: Action) -> bool {
    let help_open = model.overlays.top() == Some(OverlayKind::Help);
    match action {
        Action::Quit | Action::Help => true,
        Action::Back => help_open,
        other => help_open && Step::of(other).is_some(),
    }
}

fn open_help(model: &mut Model) {
    model.help.reset();
    model.overlays.push_unique(Overlay::Help);
}

/// The help: scroll, close. False: not a key of the help.
fn help_key(model: &mut Model, action: Action) -> bool {
    // Scroll positions: each top line from the first to the last page's, as drawn.
    let len = model.help_end.get().map_or_else(
        || super::keymap::help_line_count(&super::overlay::help_order()),
        |end| end + 1,
    );
    match action {
        Action::Back | Action::Help => model.overlays.close(OverlayKind::Help),
        other => match Step::of(other) {
            Some(step) => step_cursor(&mut model.help, step, len),
            None => return false,
        },
    }
    true
}

/// The expiry view opens without a filter: one left from an earlier visit would hide rows
/// without a word on screen about why until the user looks at the filter line.
fn open_expiring(model: &mut Model) {
    if !model.overlays.is_open(OverlayKind::Expiring) {
        model.clear_expiring_filter();
    }
    model.overlays.push_unique(Overlay::Expiring);
}

/// The expiry view: move, go to the app, filter, close. False: not a key of the view.
fn expiring_key(model: &mut Model, action: Action) -> bool {
    match action {
        Action::Back => model.overlays.close(OverlayKind::Expiring),
        Action::JumpToApp => jump_to_expiring_app(model),
        Action::StartFilter => {
            model.expiring_filter.handle(InputRequest::GoToEnd);
            model.overlays.push_unique(Overlay::Filter);
        }
        other => match Step::of(other) {
            Some(step) => {
                let len = model.expiring_len();
                step_cursor(&mut model.expiring, step, len);
            }
            None => return false,
        },
    }
    true
}

/// Filtering as you type: the view is rebuilt on every change of the text. Enter keeps the
/// filter, Esc clears it. The filter is the expiry view's when it was opened there (the view
/// is under it), else the app list's. False: not a key of the filter.
fn filter_key(model: &mut Model, action: Action) -> bool {
    let expiring = model.overlays.is_open(OverlayKind::Expiring);
    let refilter = |model: &mut Model| {
        if expiring {
            model.refilter_expiring();
        } else {
            model.rebuild_view();
        }
    };
    match action {
        Action::Edit(edit) => {
            let req = crate::tui::msg::input_request(edit);
            let input = if expiring {
                &mut model.expiring_filter
            } else {
                &mut model.filter
            };
            if input.handle(req).is_some_and(|c| c.value) {
                refilter(model);
            }
        }
        Action::Submit => model.overlays.close(OverlayKind::Filter),
        Action::Back => {
            model.overlays.close(OverlayKind::Filter);
            if expiring {
                model.expiring_filter.reset();
            } else {
                model.filter.reset();
            }
            refilter(model);
        }
        other => return Step::of(other).is_some(),
    }
    true
}

/// The command line. `None`: not one of its keys.
fn command_key(model: &mut Model, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::Edit(edit) => {
            model
                .command
                .input
                .handle(crate::tui::msg::input_request(edit));
            model.command.hint = None;
        }
        Action::Submit => return Some(submit_command(model)),
        Action::Complete => complete(model),
        Action::HistoryPrev => browse_history(model, -1),
        Action::HistoryNext => browse_history(model, 1),
        Action::Back => model.overlays.close(OverlayKind::Command),
        other => return Step::of(other).is_some().then(Vec::new),
    }
    Some(Vec::new())
}

/// What an editing key asks the server to do, in the terms of `api::permissions`.
fn permission_needed(action: Action) -> Option<permissions::Action> {
    Some(match action {
        Action::NewApp => permissions::Action::Create,
        Action::EditApp | Action::EditJson => permissions::Action::Edit,
        Action::DeleteApp => permissions::Action::Delete,
        Action::Secret(SecretKey::New | SecretKey::Rotate) => permissions::Action::NewSecret,
        Action::Secret(SecretKey::Delete) => permissions::Action::DeleteSecret,
        _ => return None,
    })
}

/// The one permission gate: an editing key the session token cannot do is refused before any
/// form opens, rather than after the user filled it in and the server said 403. Unknown
/// scopes let everything through (the server's 403 is explained where it lands), and a
/// read-only session is refused by the flows themselves, with their own words.
fn refused_by_token(model: &mut Model, action: Action) -> bool {
    let Some(needed) = permission_needed(action) else {
        return false;
    };
    if model.opts.read_only {
        return false;
    }
    let Some(scopes) = model.session_scopes.as_deref() else {
        return false;
    };
    match permissions::allows(scopes, needed) {
        Ok(_) => false,
        Err(missing) => {
            model.push_toast(
                ToastLevel::Error,
                format!("Cannot {}: {missing}; nothing was sent", needed.label()),
            );
            true
        }
    }
}

/// A bracketed paste, typed into the text field on top; elsewhere it means nothing (a paste
/// must never turn into a burst of commands).
fn paste(model: &mut Model, text: &str) -> Vec<Effect> {
    if !model.overlays.keys().is_some_and(|keys| keys.takes_text()) {
        return Vec::new();
    }
    let mut effects = Vec::new();
    for edit in token::paste_edits(text) {
        effects.extend(key(model, Action::Edit(edit)));
    }
    effects
}

enum Step {
    By(isize),
    Page(isize),
    Top,
    Bottom,
}

impl Step {
    fn of(action: Action) -> Option<Step> {
        Some(match action {
            Action::Up => Step::By(-1),
            Action::Down => Step::By(1),
            Action::Top => Step::Top,
            Action::Bottom => Step::Bottom,
            Action::PageUp => Step::Page(-1),
            Action::PageDown => Step::Page(1),
            _ => return None,
        })
    }
}

/// Moves the cursor of the focused pane.
fn move_cursor(model: &mut Model, step: Step) {
    match model.focus {
        Pane::Apps => {
            let len = model.view.len();
            let mut index = model.list.index;
            apply_step(&mut index, &model.list, step, len);
            model.select_row(index);
        }
        Pane::Scopes => {
            let len = model.tree_rows().len();
            step_cursor(&mut model.scopes, step, len);
        }
        Pane::Secrets => {
            let len = model.selected_app().map_or(0, |a| a.secrets.len());
            step_cursor(&mut model.secrets, step, len);
        }
    }
}

fn step_cursor(cursor: &mut ListCursor, step: Step, len: usize) {
    let mut index = cursor.index;
    apply_step(&mut index, cursor, step, len);
    cursor.index = index;
}

fn apply_step(index: &mut usize, cursor: &ListCursor, step: Step, len: usize) {
    if len == 0 {
        *index = 0;
        return;
    }
    let page = cursor.page_size() as isize;
    let target = match step {
        Step::By(d) => *index as isize + d,
        Step::Page(d) => *index as isize + d * page,
        Step::Top => 0,
        Step::Bottom => len as isize - 1,
    };
    *index = target.clamp(0, len as isize - 1) as usize;
}

fn toggle_fold(model: &mut Model) {
    let rows = model.tree_rows();
    let Some(row) = rows.get(model.scopes.index).copied() else {
        return;
    };
    let resource = match row {
        TreeRow::Resource { index, .. }
        | TreeRow::Scope {
            resource: index, ..
        } => index,
    };
    let Some((app, name)) = model.selected_app().and_then(|a| {
        let r = a.resources.get(resource)?;
        Some((a.id.clone(), r.name.to_string()))
    }) else {
        return;
    };
    let folds = model.folded.entry(app).or_default();
    if !folds.remove(&name) {
        folds.insert(name);
    }
    // Folding from a scope row leaves the cursor on its resource, not on a vanished row.
    if let Some(pos) = model
        .tree_rows()
        .iter()
        .position(|r| matches!(r, TreeRow::Resource { index, .. } if *index == resource))
    {
        model.scopes.index = pos;
    }
}

/// A new sort key starts in its natural direction (`o`, `:sort`); `O` turns it around.
fn set_sort(model: &mut Model, sort: SortKey) {
    model.sort = sort;
    model.sort_reversed = false;
    sorted(model);
}

fn sorted(model: &mut Model) {
    model.rebuild_view();
    let label = model.sort_label();
    model.push_toast(ToastLevel::Info, format!("Sorted by {label}"));
}

fn jump_to_expiring_app(model: &mut Model) {
    let Some(row) = model.expiring_row(model.expiring.index).cloned() else {
        return;
    };
    if !model.view.contains(&row.app_id) {
        model.filter.reset();
    }
    model.selected = Some(row.app_id.to_string());
    model.rebuild_view();
    model.overlays.close(OverlayKind::Expiring);
    model.focus = Pane::Secrets;
    if let Some(app) = model.apps.get(&row.app_id)
        && let Some(pos) = secrets_by_expiry(app)
            .iter()
            .position(|s| s.id == row.secret_id)
    {
        model.secrets.index = pos;
    }
}

/// Esc with no overlay: clear the filter, else dismiss the newest error.
fn back(model: &mut Model) {
    if !model.filter.value().is_empty() {
        model.filter.reset();
        model.rebuild_view();
    } else if let Some(pos) = model
        .toasts
        .iter()
        .rposition(|t| t.level == ToastLevel::Error)
    {
        model.toasts.remove(pos);
    }
}

fn submit_command(model: &mut Model) -> Vec<Effect> {
    let line = model.command.input.value().trim().to_owned();
    model.overlays.close(OverlayKind::Command);
    model.command.input.reset();
    model.command.browsing = None;
    model.command.hint = None;
    if line.is_empty() {
        return Vec::new();
    }
    if model.command.history.last() != Some(&line) {
        model.command.history.push(line.clone());
    }
    run_command(model, &line)
}

fn run_command(model: &mut Model, line: &str) -> Vec<Effect> {
    let mut words = line.trim_start_matches(':').split_whitespace();
    let name = words.next().unwrap_or("");
    let arg = words.next();
    match (name, arg) {
        ("q" | "quit" | "q!", _) => return vec![Effect::Quit],
        ("apps", _) => {
            model.overlays.clear();
            model.focus = Pane::Apps;
        }
        ("expiring" | "exp", _) => open_expiring(model),
        ("token", Some("paste")) => token::open_paste(model),
        ("token", _) => return request_token(model),
        ("refresh", _) => return request_apps(model),
        ("help", _) => open_help(model),
        ("messages", _) => super::flows::messages::open(model),
        ("sort", Some("name")) => set_sort(model, SortKey::Name),
        ("sort", Some("expiry")) => set_sort(model, SortKey::Expiry),
        ("sort", Some("scopes")) => set_sort(model, SortKey::Scopes),
        ("sort", _) => model.push_toast(ToastLevel::Error, ":sort takes name, expiry or scopes"),
        ("profile", None) => return profile::open(model),
        ("profile", Some(name)) => {
            return stateless(model, |ctx, kept| {
                profile::switch(name, kept.switching, ctx)
            });
        }
        ("login", _) => return super::flows::login::start(model, line),
        _ => model.push_toast(
            ToastLevel::Error,
            format!(
                "Unknown command :{name}. Commands: {}",
                COMMANDS
                    .iter()
                    .map(|(n, _, _)| format!(":{n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ),
    }
    Vec::new()
}

fn complete(model: &mut Model) {
    let typed = model.command.input.value().trim_start().to_owned();
    if typed.contains(' ') {
        return;
    }
    let matches: Vec<&(&str, &str, &str)> = COMMANDS
        .iter()
        .filter(|(n, _, _)| n.starts_with(&typed))
        .collect();
    let completed = match matches.as_slice() {
        [] => {
            model.command.hint = Some(format!("no command starts with {typed:?}"));
            return;
        }
        [(name, arg, _)] => {
            model.command.hint = None;
            if arg.is_empty() {
                (*name).to_owned()
            } else {
                format!("{name} ")
            }
        }
        many => {
            model.command.hint = Some(
                many.iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join("  "),
            );
            common_prefix(many.iter().map(|(n, _, _)| *n))
        }
    };
    model.command.input = tui_input::Input::new(completed);
}

fn common_prefix<'a>(mut names: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = names.next() else {
        return String::new();
    };
    let mut prefix = first.to_owned();
    for n in names {
        let len = prefix
            .chars()
            .zip(n.chars())
            .take_while(|(a, b)| a == b)
            .count();
        prefix = prefix.chars().take(len).collect();
    }
    prefix
}

fn browse_history(model: &mut Model, delta: isize) {
    let cmd = &mut model.command;
    if cmd.history.is_empty() {
        return;
    }
    let last = cmd.history.len() - 1;
    let next = match (cmd.browsing, delta < 0) {
        (None, true) => {
            cmd.draft = cmd.input.value().to_owned();
            Some(last)
        }
        (None, false) => return,
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) if i >= last => None,
        (Some(i), false) => Some(i + 1),
    };
    cmd.browsing = next;
    let text = next.map_or_else(|| cmd.draft.clone(), |i| cmd.history[i].clone());
    cmd.input = tui_input::Input::new(text);
}
