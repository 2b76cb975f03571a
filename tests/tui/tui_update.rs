//! `update` is pure: these tests feed messages and look at the model and the effects.

use crate::common::tui::{list_answered, loaded_model, now, press, type_text};

use extapps::api::ApiError;
use extapps::api::model::App;
use extapps::sim::{demo_apps, generated_apps};
use extapps::tui::effect::{Effect, RequestId};
use extapps::tui::keymap::Action;
use extapps::tui::model::{Overlay, OverlayKind, Pane, SortKey, ToastLevel, TreeRow};
use extapps::tui::msg::{ApiResult, Msg, TextEdit, TokenInfo};
use extapps::tui::{Model, TuiOptions, update};
use jiff::SignedDuration;

fn options() -> TuiOptions {
    TuiOptions {
        organization: "acme-robotics".into(),
        identity_host: "cloud.uipath.com".into(),
        ..TuiOptions::default()
    }
}

fn load_req(effects: &[Effect]) -> RequestId {
    match effects {
        [Effect::LoadApps { req }] => *req,
        other => panic!("expected one LoadApps, got {other:?}"),
    }
}

fn loaded_with(apps: Vec<App>) -> Model {
    loaded_model(options(), now(), apps, None)
}

fn loaded() -> Model {
    loaded_with(demo_apps(now()))
}

fn selected_name(model: &Model) -> String {
    model
        .selected_app()
        .map(|a| a.name.clone())
        .unwrap_or_default()
}

fn names(model: &Model) -> Vec<String> {
    model
        .view
        .iter()
        .map(|id| model.apps[id].name.clone())
        .collect()
}

#[test]
fn init_loads_the_list_once_and_selects_the_first_app() {
    let mut model = Model::new(options(), now());
    let effects = update(&mut model, Msg::Init);
    assert_eq!(effects.len(), 1, "one list call carries everything");
    assert!(model.is_busy());
    list_answered(&mut model, load_req(&effects), demo_apps(now()));
    assert!(!model.is_busy());
    assert_eq!(model.view.len(), 21);
    assert_eq!(selected_name(&model), "Audit Log Exporter (SIEM)");
    assert_eq!(model.last_refresh, Some(now()));
}

#[test]
fn navigation_moves_the_selection_and_stops_at_the_ends() {
    let mut model = loaded();
    press(&mut model, Action::Down);
    assert_eq!(selected_name(&model), "CI/CD Pipeline");
    press(&mut model, Action::Up);
    press(&mut model, Action::Up);
    assert_eq!(selected_name(&model), "Audit Log Exporter (SIEM)");
    press(&mut model, Action::Bottom);
    assert_eq!(selected_name(&model), "🧪 Re\u{301}gression Nightly");
    press(&mut model, Action::Down);
    assert_eq!(selected_name(&model), "🧪 Re\u{301}gression Nightly");
    press(&mut model, Action::Top);
    assert_eq!(model.list.index, 0);
    // Without a drawn frame a page is one row; the view records the real height.
    model.list.page.set(5);
    press(&mut model, Action::PageDown);
    assert_eq!(model.list.index, 5);
    press(&mut model, Action::PageUp);
    assert_eq!(model.list.index, 0);
}

#[test]
fn panes_cycle_and_jump_and_moving_follows_the_focus() {
    let mut model = loaded();
    press(&mut model, Action::NextPane);
    assert_eq!(model.focus, Pane::Scopes);
    press(&mut model, Action::Down);
    assert_eq!(model.scopes.index, 1);
    assert_eq!(
        selected_name(&model),
        "Audit Log Exporter (SIEM)",
        "the app stays"
    );
    press(&mut model, Action::PrevPane);
    press(&mut model, Action::PrevPane);
    assert_eq!(model.focus, Pane::Secrets);
    press(&mut model, Action::Focus(Pane::Apps));
    assert_eq!(model.focus, Pane::Apps);
}

#[test]
fn enter_folds_a_resource_from_any_of_its_rows() {
    let mut model = loaded();
    // Invoice Processing Bot: Orchestrator (4 scopes) then Document Understanding (4).
    select(&mut model, "Invoice Processing Bot");
    press(&mut model, Action::Focus(Pane::Scopes));
    assert_eq!(model.tree_rows().len(), 10);
    press(&mut model, Action::Down); // a scope row of the first resource
    press(&mut model, Action::ToggleFold);
    assert_eq!(model.tree_rows().len(), 6);
    assert_eq!(
        model.scopes.index, 0,
        "the cursor lands on the folded resource"
    );
    assert_eq!(
        model.tree_rows()[0],
        TreeRow::Resource {
            index: 0,
            folded: true
        }
    );
    press(&mut model, Action::ToggleFold);
    assert_eq!(model.tree_rows().len(), 10);
}

#[test]
fn filter_matches_name_client_id_scope_and_redirect_uri_as_you_type() {
    let mut model = loaded();
    press(&mut model, Action::StartFilter);
    assert_eq!(model.overlays.top(), Some(OverlayKind::Filter));
    type_text(&mut model, "du.extraction");
    assert_eq!(
        names(&model),
        [
            "Document Validation Station",
            "Invoice Processing Bot",
            "経費精算ボット"
        ]
    );
    press(&mut model, Action::Edit(TextEdit::Clear));
    type_text(&mut model, "LOCALHOST:12700");
    assert_eq!(names(&model), ["UiPath CLI (uipathcli)"]);
    // The first 13 characters of Queue Monitor Teams Bot's client id.
    press(&mut model, Action::Edit(TextEdit::Clear));
    type_text(&mut model, "6c5b4a39-2817");
    assert_eq!(names(&model), ["Queue Monitor Teams Bot"]);
    press(&mut model, Action::Edit(TextEdit::Clear));
    type_text(&mut model, "teams bot");
    assert_eq!(selected_name(&model), "Queue Monitor Teams Bot");

    // Enter keeps the filter; Esc then clears it and the selection stays on the app.
    press(&mut model, Action::Submit);
    assert_eq!(model.overlays.top(), None);
    assert_eq!(model.view.len(), 1);
    press(&mut model, Action::Back);
    assert_eq!(model.view.len(), 21);
    assert_eq!(selected_name(&model), "Queue Monitor Teams Bot");
}

#[test]
fn esc_in_the_filter_clears_it() {
    let mut model = loaded();
    press(&mut model, Action::StartFilter);
    type_text(&mut model, "zzz-nothing");
    assert!(model.view.is_empty());
    assert_eq!(model.selected, None);
    press(&mut model, Action::Back);
    assert_eq!(model.overlays.top(), None);
    assert_eq!(model.filter_text(), "");
    assert_eq!(model.view.len(), 21);
    assert!(model.selected.is_some());
}

#[test]
fn sort_cycles_name_expiry_scopes_and_keeps_the_selection() {
    let mut model = loaded();
    press(&mut model, Action::Down);
    let before = selected_name(&model);
    press(&mut model, Action::CycleSort);
    assert_eq!(model.sort, SortKey::Expiry);
    let by_expiry = names(&model);
    // Apps without a valid secret first; an expired secret beside a valid one is no reason.
    assert_eq!(
        &by_expiry[..3],
        [
            "Customer Email Triage (IXP)",
            "License Usage Report",
            "Document Validation Station"
        ]
    );
    // Never-expiring secrets after every date, public apps (no secrets) last.
    let never = by_expiry
        .iter()
        .position(|n| n == "HR Onboarding Automation")
        .unwrap();
    let none = by_expiry
        .iter()
        .position(|n| n == "Mobile Approvals (public)")
        .unwrap();
    assert!(never < none);
    assert_eq!(selected_name(&model), before);
    press(&mut model, Action::CycleSort);
    assert_eq!(model.sort, SortKey::Scopes);
    let counts: Vec<usize> = model
        .view
        .iter()
        .map(|id| model.apps[id].scope_count())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
    press(&mut model, Action::CycleSort);
    assert_eq!(model.sort, SortKey::Name);
}

#[test]
fn selection_is_kept_by_id_across_a_refresh_that_adds_and_removes_apps() {
    let mut model = loaded();
    select(&mut model, "Power BI Reporting");
    let kept_id = model.selected.clone().unwrap();
    let mut apps = demo_apps(now());
    // Apps before it in the list vanish, new ones sort ahead of it.
    apps.retain(|a| a.name != "Audit Log Exporter (SIEM)" && a.name != "CI/CD Pipeline");
    let mut extra = apps[0].clone();
    extra.name = "AAA New App".into();
    extra.id = "00000000-0000-4000-8000-000000000001".into();
    apps.push(extra);
    let req = load_req(&press(&mut model, Action::Refresh));
    list_answered(&mut model, req, apps);
    assert_eq!(model.selected.as_deref(), Some(kept_id.as_str()));
    assert_eq!(&*model.view[model.list.index], kept_id);
    assert_eq!(model.view.len(), 20);

    // When the selected app itself is deleted, the cursor stays on the same row.
    let row = model.list.index;
    let mut apps = demo_apps(now());
    apps.retain(|a| a.id != kept_id);
    let req = load_req(&press(&mut model, Action::Refresh));
    list_answered(&mut model, req, apps);
    assert_eq!(model.list.index, row);
    assert_eq!(model.selected.as_deref(), Some(&*model.view[row]));
}

#[test]
fn a_stale_result_is_dropped_by_request_id() {
    let mut model = loaded();
    let old = load_req(&press(&mut model, Action::Refresh));
    let new = load_req(&press(&mut model, Action::Refresh));
    assert_ne!(old, new);
    assert_eq!(model.requests.len(), 2);
    list_answered(&mut model, new, demo_apps(now()));
    // The older answer arrives last, with a smaller org: it must not win.
    list_answered(&mut model, old, demo_apps(now())[..2].to_vec());
    assert_eq!(model.view.len(), 21);
    assert!(!model.is_busy());
    // An answer for a request nobody sent changes nothing either.
    list_answered(&mut model, RequestId(999), Vec::new());
    assert_eq!(model.view.len(), 21);
}

#[test]
fn errors_stay_until_dismissed_and_info_fades() {
    let mut model = loaded();
    let req = load_req(&press(&mut model, Action::Refresh));
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Err(ApiError::RateLimited { retry_after: None }),
                token_expires: None,
            },
        },
    );
    assert_eq!(
        model.view.len(),
        21,
        "a failed refresh keeps what was shown"
    );
    press(&mut model, Action::CycleSort);
    assert_eq!(model.toasts.len(), 2);
    update(
        &mut model,
        Msg::Tick {
            now: now() + SignedDuration::from_mins(10),
        },
    );
    assert_eq!(model.toasts.len(), 1);
    assert_eq!(model.toasts[0].level, ToastLevel::Error);
    press(&mut model, Action::Back);
    assert!(model.toasts.is_empty());
}

#[test]
fn editing_keys_open_their_flow_or_answer_read_only() {
    let mut model = loaded();
    press(&mut model, Action::DeleteApp);
    assert_eq!(model.overlays.top(), Some(OverlayKind::DeleteApp));
    // The read-only model is started the same way, so an app is selected that could be deleted.
    let mut ro = Model::new(
        TuiOptions {
            read_only: true,
            ..options()
        },
        now(),
    );
    let req = load_req(&update(&mut ro, Msg::Init));
    list_answered(&mut ro, req, demo_apps(now()));
    assert_eq!(selected_name(&ro), selected_name(&model));
    assert!(ro.toasts.is_empty(), "{:?}", ro.toasts);
    let effects = press(&mut ro, Action::DeleteApp);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(ro.overlays.top(), None);
    assert_eq!(ro.toasts.len(), 1, "{:?}", ro.toasts);
    assert!(ro.toasts[0].text.contains("Read-only"), "{:?}", ro.toasts);
}

#[test]
fn overlays_stack_and_esc_pops_one() {
    let mut model = loaded();
    press(&mut model, Action::ShowExpiring);
    press(&mut model, Action::ShowExpiring);
    let kinds = |m: &Model| m.overlays.iter().map(Overlay::kind).collect::<Vec<_>>();
    assert_eq!(kinds(&model), [OverlayKind::Expiring]);
    press(&mut model, Action::Help);
    assert_eq!(kinds(&model), [OverlayKind::Expiring, OverlayKind::Help]);
    press(&mut model, Action::Back);
    assert_eq!(model.overlays.top(), Some(OverlayKind::Expiring));
    press(&mut model, Action::Back);
    assert_eq!(model.overlays.top(), None);
}

#[test]
fn expiring_view_lists_every_secret_soonest_first_and_jumps_to_the_app() {
    let mut model = loaded();
    press(&mut model, Action::ShowExpiring);
    let total: usize = model.apps.values().map(|a| a.secrets.len()).sum();
    assert_eq!(model.expiring_rows.len(), total);
    let expiries: Vec<_> = model.expiring_rows.iter().map(|r| r.expiry).collect();
    assert!(expiries.first().unwrap().unwrap() < now());
    assert_eq!(expiries.last().unwrap(), &None, "never-expiring last");
    press(&mut model, Action::Down);
    press(&mut model, Action::Down);
    let row = model.expiring_rows[2].clone();
    press(&mut model, Action::JumpToApp);
    assert_eq!(model.overlays.top(), None);
    assert_eq!(model.focus, Pane::Secrets);
    assert_eq!(model.selected.as_deref(), Some(&*row.app_id));
}

#[test]
fn the_open_expiry_view_follows_a_refresh_and_an_unchanged_one_keeps_it() {
    let mut model = loaded();
    press(&mut model, Action::ShowExpiring);
    let before = model.expiring_rows.clone();

    // The same apps again: the rows are the same.
    let req = load_req(&press(&mut model, Action::Refresh));
    list_answered(&mut model, req, demo_apps(now()));
    assert_eq!(model.expiring_rows, before);

    // An app lost a secret on the server: its row goes, with the view still open.
    let mut apps = demo_apps(now());
    let app = apps.iter_mut().find(|a| !a.secrets.is_empty()).unwrap();
    let gone = (app.id.clone(), app.secrets.pop().unwrap().id);
    let req = load_req(&press(&mut model, Action::Refresh));
    list_answered(&mut model, req, apps);
    assert_eq!(model.expiring_rows.len(), before.len() - 1);
    assert!(
        !model
            .expiring_rows
            .iter()
            .any(|r| *r.app_id == *gone.0 && r.secret_id == gone.1)
    );
}

#[test]
fn command_line_runs_completes_and_remembers() {
    let mut model = loaded();
    press(&mut model, Action::OpenCommand);
    type_text(&mut model, "exp");
    press(&mut model, Action::Complete);
    assert_eq!(model.command.input.value(), "expiring");
    press(&mut model, Action::Submit);
    assert_eq!(model.overlays.top(), Some(OverlayKind::Expiring));
    press(&mut model, Action::OpenCommand);
    type_text(&mut model, "apps");
    press(&mut model, Action::Submit);
    assert_eq!(model.overlays.top(), None);

    press(&mut model, Action::OpenCommand);
    press(&mut model, Action::HistoryPrev);
    assert_eq!(model.command.input.value(), "apps");
    press(&mut model, Action::HistoryPrev);
    assert_eq!(model.command.input.value(), "expiring");
    press(&mut model, Action::HistoryNext);
    press(&mut model, Action::HistoryNext);
    assert_eq!(
        model.command.input.value(),
        "",
        "past the newest: the draft"
    );
    type_text(&mut model, "q");
    assert_eq!(press(&mut model, Action::Submit), [Effect::Quit]);
}

#[test]
fn token_command_asks_the_worker_and_shows_the_answer() {
    let mut model = loaded();
    let effects = press(&mut model, Action::Token);
    let [Effect::LoadToken { req }] = effects[..] else {
        panic!("expected LoadToken, got {effects:?}");
    };
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Token(Ok(TokenInfo {
                expires_at: now() + SignedDuration::from_mins(42),
                client_id: Some("ops-cli".into()),
                scopes: vec!["PM.OAuthApp".into()],
                decoded: None,
            })),
        },
    );
    assert!(model.toasts[0].text.contains("42m"));
    assert_eq!(
        model.token_expires,
        Some(now() + SignedDuration::from_mins(42))
    );
}

#[test]
fn auto_refresh_is_clamped_and_waits_for_the_interval() {
    use extapps::tui::update::tick_and_refresh;
    let opts = TuiOptions {
        auto_refresh: Some(std::time::Duration::from_secs(5)),
        ..options()
    };
    let mut model = Model::new(opts, now());
    assert_eq!(
        model.opts.auto_refresh,
        Some(std::time::Duration::from_secs(30))
    );
    let req = load_req(&update(&mut model, Msg::Init));
    list_answered(&mut model, req, demo_apps(now()));
    assert!(tick_and_refresh(&mut model, now() + SignedDuration::from_secs(29)).is_empty());
    let effects = tick_and_refresh(&mut model, now() + SignedDuration::from_secs(30));
    assert!(matches!(effects[..], [Effect::LoadApps { .. }]));
    // Never a second one while the first runs.
    assert!(tick_and_refresh(&mut model, now() + SignedDuration::from_secs(90)).is_empty());
}

#[test]
fn ticks_redraw_only_when_something_visible_changed() {
    let mut model = loaded();
    model.dirty = false;
    update(
        &mut model,
        Msg::Tick {
            now: now() + SignedDuration::from_secs(1),
        },
    );
    assert!(!model.dirty, "nothing moved on screen");
    press(&mut model, Action::CycleSort); // an info toast
    model.dirty = false;
    update(
        &mut model,
        Msg::Tick {
            now: now() + SignedDuration::from_secs(10),
        },
    );
    assert!(model.dirty, "the toast faded");
}

#[test]
fn ten_thousand_apps_filter_and_move_without_trouble() {
    // What `extapps sim --apps 10000` serves with the benches' seed.
    let mut model = loaded_with(generated_apps(10_000, 7, now()));
    assert_eq!(model.view.len(), 10_000);
    press(&mut model, Action::Bottom);
    assert_eq!(selected_name(&model), "Support Zendesk Webhook Relay #5672");
    press(&mut model, Action::StartFilter);
    type_text(&mut model, "support zendesk webhook");
    assert_eq!(model.view.len(), 6);
    assert_eq!(selected_name(&model), "Support Zendesk Webhook Relay #5672");
}

/// Moves down to `name`; bounded by the list's length, so an app the list does not hold (or a
/// Down that stopped moving) fails the test instead of hanging it.
fn select(model: &mut Model, name: &str) {
    for _ in 0..=model.apps.len() {
        if selected_name(model) == name {
            return;
        }
        press(model, Action::Down);
    }
    panic!("{name} is never selected");
}
