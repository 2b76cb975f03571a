//! The editing flows through `update` alone: keys and answers in, model and effects out.

use crate::common::tui::{loaded, loaded_model, now, options, press, type_text};

use extapps::api::ApiError;
use extapps::api::model::{Resource, Scope, ScopeType};
use extapps::api::readback::Applied;
use extapps::domain::app_rules::{Field, Severity};
use extapps::sim::{demo_apps, demo_catalog};
use extapps::tui::effect::{Effect, RequestId};
use extapps::tui::flows::app_form::AppForm;
use extapps::tui::flows::app_form::FormField;
use extapps::tui::flows::app_form::Review;
use extapps::tui::flows::delete_app::DeleteApp;
use extapps::tui::flows::reveal::Reveal;
use extapps::tui::flows::scope_picker::ScopePicker;
use extapps::tui::keymap::{Action, FlowKey};
use extapps::tui::model::{OverlayKind, ToastLevel};
use extapps::tui::msg::{ApiResult, Msg, TextEdit};
use extapps::tui::{Model, TuiOptions, update};
use secrecy::SecretString;

fn api(model: &mut Model, req: RequestId, result: ApiResult) -> Vec<Effect> {
    update(model, Msg::Api { req, result })
}

fn flow(model: &mut Model, key: FlowKey) -> Vec<Effect> {
    press(model, Action::Flow(key))
}

fn focus(model: &mut Model, field: FormField) {
    for _ in 0..6 {
        if model.overlays.get::<AppForm>().unwrap().focus == field {
            return;
        }
        flow(model, FlowKey::NextField);
    }
    panic!("no field {field:?}");
}

/// Opens the form with `n` and answers the catalog request from the demo catalog.
fn new_form(model: &mut Model) {
    let effects = press(model, Action::NewApp);
    match effects[..] {
        [Effect::LoadCatalog { req }] => {
            api(model, req, ApiResult::Catalog(Ok(demo_catalog())));
        }
        // Asked once per session.
        [] => assert!(model.edit.catalog.is_some()),
        _ => panic!("{effects:?}"),
    }
    assert_eq!(model.overlays.top(), Some(OverlayKind::AppForm));
}

fn select(model: &mut Model, name: &str) {
    let id = model
        .apps
        .values()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no app {name}"))
        .id
        .clone();
    model.selected = Some(id);
    model.rebuild_view();
}

fn bad_request(message: &str) -> ApiError {
    ApiError::BadRequest {
        message: message.into(),
    }
}

#[test]
fn validation_problems_show_beside_their_fields_and_nothing_is_sent() {
    let mut model = loaded(options());
    new_form(&mut model);
    assert!(flow(&mut model, FlowKey::Save).is_empty());
    let form = model.overlays.get::<AppForm>().unwrap();
    assert!(
        form.problems_at(Field::Name)
            .any(|p| p.text.contains("name is required"))
    );
    assert_eq!(
        form.focus,
        FormField::Name,
        "the first problem gets the focus"
    );

    // A public app without a redirect URI.
    type_text(&mut model, "Mobile thing");
    focus(&mut model, FormField::Confidential);
    type_text(&mut model, " ");
    assert!(!model.overlays.get::<AppForm>().unwrap().confidential);
    assert!(flow(&mut model, FlowKey::Save).is_empty());
    let form = model.overlays.get::<AppForm>().unwrap();
    assert!(form.problems_at(Field::Name).next().is_none());
    assert!(
        form.problems_at(Field::RedirectUris)
            .any(|p| p.text.contains("needs a redirect URI"))
    );

    // A malformed URI is refused where it is typed.
    focus(&mut model, FormField::RedirectUris);
    type_text(&mut model, "localhost 8080");
    assert!(flow(&mut model, FlowKey::Save).is_empty());
    let form = model.overlays.get::<AppForm>().unwrap();
    assert!(
        form.uri_error
            .as_deref()
            .unwrap()
            .contains("no commas or spaces")
    );
    assert!(form.uris.is_empty());
    press(&mut model, Action::Edit(TextEdit::Clear));
    type_text(&mut model, "http://localhost:8080/cb");
    flow(&mut model, FlowKey::Activate);
    assert_eq!(
        model.overlays.get::<AppForm>().unwrap().uris,
        ["http://localhost:8080/cb"]
    );

    // Application scopes on a public app: the picker refuses them.
    focus(&mut model, FormField::Scopes);
    flow(&mut model, FlowKey::Activate);
    assert_eq!(model.overlays.top(), Some(OverlayKind::ScopePicker));
    type_text(&mut model, "OR.Jobs.Read");
    flow(&mut model, FlowKey::Toggle);
    flow(&mut model, FlowKey::Kind);
    let picker = model.overlays.get::<ScopePicker>().unwrap();
    assert!(
        picker
            .notice
            .as_deref()
            .unwrap()
            .contains("user scopes only")
    );
    assert_eq!(picker.chosen[0].kind, ScopeType::User);
    flow(&mut model, FlowKey::Activate);
    assert_eq!(model.overlays.top(), Some(OverlayKind::AppForm));

    let effects = flow(&mut model, FlowKey::Save);
    let [
        Effect::CreateApp {
            ref name,
            is_confidential,
            ref redirect_uri,
            ref scopes,
            ..
        },
    ] = effects[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(name, "Mobile thing");
    assert!(!is_confidential);
    assert_eq!(redirect_uri.as_deref(), Some("http://localhost:8080/cb"));
    assert_eq!(scopes[0].name, "OR.Jobs.Read");
}

#[test]
fn a_duplicate_name_warns_but_does_not_block() {
    let mut model = loaded(options());
    let existing = demo_apps(now())[0].name.clone();
    new_form(&mut model);
    type_text(&mut model, &existing.to_uppercase());
    // Said while typing, before any save: the save does not stop for a warning.
    let form = model.overlays.get::<AppForm>().unwrap();
    let p: Vec<_> = form.problems_at(Field::Name).collect();
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].severity, Severity::Warning);
    assert!(p[0].text.contains(&demo_apps(now())[0].id), "{}", p[0].text);
    // Errors still wait for the first save.
    assert!(
        form.problems
            .iter()
            .all(|p| p.severity == Severity::Warning)
    );
    let effects = flow(&mut model, FlowKey::Save);
    assert!(
        matches!(effects[..], [Effect::CreateApp { .. }]),
        "{effects:?}"
    );
    let form = model.overlays.get::<AppForm>().unwrap();
    let p: Vec<_> = form.problems_at(Field::Name).collect();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].severity, Severity::Warning);
}

#[test]
fn a_failed_create_keeps_the_form_and_shows_the_server() {
    let mut model = loaded(options());
    new_form(&mut model);
    type_text(&mut model, "Nightly sync");
    let effects = flow(&mut model, FlowKey::Save);
    let [Effect::CreateApp { req, .. }] = effects[..] else {
        panic!("{effects:?}")
    };
    // Esc while the create is out does not lose its answer.
    press(&mut model, Action::Back);
    assert_eq!(model.overlays.top(), Some(OverlayKind::AppForm));
    api(
        &mut model,
        req,
        ApiResult::Created(Err(bad_request(
            "Not all scopes=OR.Nope are present in database",
        ))),
    );
    assert_eq!(model.overlays.top(), Some(OverlayKind::AppForm));
    let form = model.overlays.get::<AppForm>().unwrap();
    assert_eq!(form.name.value(), "Nightly sync");
    assert!(form.server_error.as_deref().unwrap().contains("OR.Nope"));
    // And it can be sent again.
    assert!(matches!(
        flow(&mut model, FlowKey::Save)[..],
        [Effect::CreateApp { .. }]
    ));
}

/// Sends a create for `name` and loses its answer; returns what the TUI asked for then.
fn lose_a_create(model: &mut Model, name: &str, lost: ApiError) -> Vec<Effect> {
    new_form(model);
    type_text(model, name);
    let [Effect::CreateApp { req, .. }] = flow(model, FlowKey::Save)[..] else {
        panic!()
    };
    api(model, req, ApiResult::Created(Err(lost)))
}

fn timeout() -> ApiError {
    ApiError::Timeout {
        what: "the new app".into(),
        after: std::time::Duration::from_secs(30),
    }
}

/// Answers the list request in `effects` with the demo apps plus `extra`.
fn answer_list(model: &mut Model, effects: &[Effect], extra: Vec<extapps::api::model::App>) {
    let [Effect::LoadApps { req }] = effects[..] else {
        panic!("a list request, and only that: {effects:?}")
    };
    let mut apps = demo_apps(now());
    apps.extend(extra);
    api(
        model,
        req,
        ApiResult::Apps {
            apps: Ok(apps),
            token_expires: None,
        },
    );
}

fn app_named(id: &str, name: &str) -> extapps::api::model::App {
    let mut app = demo_apps(now())[0].clone();
    app.id = id.into();
    app.name = name.into();
    app
}

fn lost_text(model: &Model) -> String {
    let form = model.overlays.get::<AppForm>().expect("the form stays");
    let lost = form.lost.as_ref().expect("the lost answer is on screen");
    extapps::tui::flows::lost_create::lines(lost)
        .into_iter()
        .map(|(t, _)| t)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_lost_create_is_not_resent_and_the_tui_looks_by_itself() {
    let mut model = loaded(options());
    let effects = lose_a_create(&mut model, "Nightly sync", timeout());
    // It refreshes by itself: a read, never the create again.
    assert!(
        matches!(effects[..], [Effect::LoadApps { .. }]),
        "{effects:?}"
    );
    // `r` (the old advice) is not text in the name any more, nor anything else typed.
    type_text(&mut model, "r");
    assert_eq!(
        model.overlays.get::<AppForm>().unwrap().name.value(),
        "Nightly sync"
    );
    assert!(flow(&mut model, FlowKey::Save).is_empty());
    assert!(lost_text(&model).contains("It was not sent again"));

    answer_list(
        &mut model,
        &effects,
        vec![app_named("new-client-id", "Nightly sync")],
    );
    let text = lost_text(&model);
    assert!(
        text.contains("An app named Nightly sync exists now (id new-client-id)"),
        "{text}"
    );
    assert!(text.contains("probably happened"), "{text}");
    // Enter closes on the app found; nothing is sent.
    assert!(flow(&mut model, FlowKey::Activate).is_empty());
    assert!(model.overlays.get::<AppForm>().is_none());
    assert_eq!(model.selected.as_deref(), Some("new-client-id"));
}

#[test]
fn after_a_lost_create_that_did_not_happen_enter_reopens_the_form() {
    let mut model = loaded(options());
    // A name another app already had: that one is no evidence the create happened.
    let existing = demo_apps(now())[1].name.clone();
    let effects = lose_a_create(&mut model, &existing, timeout());
    answer_list(&mut model, &effects, Vec::new());
    let text = lost_text(&model);
    assert!(
        text.contains(&format!("No app named {existing} yet")),
        "{text}"
    );
    assert!(text.contains("press Enter to reopen the form"), "{text}");
    assert!(flow(&mut model, FlowKey::Activate).is_empty());
    let form = model.overlays.get::<AppForm>().expect("reopened");
    assert!(form.lost.is_none());
    assert_eq!(form.name.value(), existing);
    assert_eq!(model.overlays.top(), Some(OverlayKind::AppForm));
    assert!(matches!(
        flow(&mut model, FlowKey::Save)[..],
        [Effect::CreateApp { .. }]
    ));
}

#[test]
fn a_lost_answer_never_says_to_check_the_uri_setting() {
    let mut model = loaded(options());
    let lost = ApiError::Network {
        host: "127.0.0.1:9".into(),
        detail: "connection reset by peer".into(),
    };
    assert!(lost.to_string().contains("Check the URI setting"));
    let effects = lose_a_create(&mut model, "Nightly sync", lost.clone());
    let text = lost_text(&model);
    assert!(text.contains("connection reset by peer"), "{text}");
    assert!(!text.contains("URI setting"), "{text}");
    assert!(!text.to_lowercase().contains("try again"), "{text}");
    // The list failing too is said without that advice as well; Enter looks again.
    let [Effect::LoadApps { req }] = effects[..] else {
        panic!("{effects:?}")
    };
    api(
        &mut model,
        req,
        ApiResult::Apps {
            apps: Err(lost),
            token_expires: None,
        },
    );
    let text = lost_text(&model);
    assert!(text.contains("failed too"), "{text}");
    assert!(!text.contains("URI setting"), "{text}");
    assert!(matches!(
        flow(&mut model, FlowKey::Activate)[..],
        [Effect::LoadApps { .. }]
    ));
}

#[test]
fn a_created_confidential_app_reveals_its_secret_once() {
    let mut model = loaded(options());
    let before = model.apps.len();
    new_form(&mut model);
    type_text(&mut model, "Nightly sync");
    let [Effect::CreateApp { req, .. }] = flow(&mut model, FlowKey::Save)[..] else {
        panic!()
    };
    let mut app = demo_apps(now())[0].clone();
    app.id = "new-client-id".into();
    app.name = "Nightly sync".into();
    app.secret = Some(SecretString::from("s3cr3t-value-xyz"));
    api(&mut model, req, ApiResult::Created(Ok(app)));
    assert_eq!(model.apps.len(), before + 1);
    assert_eq!(model.selected.as_deref(), Some("new-client-id"));
    assert!(model.apps["new-client-id"].secret.is_none());
    assert_eq!(
        model.overlays.keys(),
        Some(&extapps::tui::flows::reveal::KEYS)
    );
    assert!(model.overlays.get::<AppForm>().is_none());
    assert!(!format!("{model:?}").contains("s3cr3t-value-xyz"));
    press(&mut model, Action::Back);
    assert!(
        model.overlays.get::<Reveal>().is_none(),
        "closing drops the value"
    );
    assert_eq!(model.overlays.top(), None);
}

#[test]
fn read_only_sessions_refuse_every_editing_key_and_send_nothing() {
    let mut model = loaded(TuiOptions {
        read_only: true,
        ..options()
    });
    for action in [
        Action::NewApp,
        Action::EditApp,
        Action::EditJson,
        Action::DeleteApp,
    ] {
        assert!(press(&mut model, action).is_empty(), "{action:?}");
        assert_eq!(model.overlays.top(), None);
        assert!(model.toasts.last().unwrap().text.contains("Read-only"));
    }
}

/// Opens `e` on `name`, renames it to `new_name`, saves; returns the fresh-read request.
fn edit_and_save(model: &mut Model, name: &str, new_name: &str) -> (String, RequestId) {
    select(model, name);
    press(model, Action::EditApp);
    assert_eq!(model.overlays.top(), Some(OverlayKind::AppForm));
    press(model, Action::Edit(TextEdit::Clear));
    type_text(model, new_name);
    let effects = flow(model, FlowKey::Save);
    let [Effect::GetApp { req, ref client_id }] = effects[..] else {
        panic!("an edit reads the app fresh first: {effects:?}")
    };
    (client_id.clone(), req)
}

#[test]
fn an_app_changed_on_the_server_is_shown_not_overwritten() {
    let mut model = loaded(options());
    let (id, req) = edit_and_save(&mut model, "Audit Log Exporter (SIEM)", "Audit exporter");
    let mut fresh = model.apps[&id].clone();
    // Someone added a scope meanwhile.
    fresh.resources.push(Resource {
        name: "UiPath.Insights".into(),
        display_name: None,
        description: None,
        scopes: vec![
            Scope {
                name: "Insights".into(),
                display_name: None,
                description: None,
                kind: ScopeType::Application,
            }
            .shared(),
        ],
    });
    let effects = api(&mut model, req, ApiResult::FreshApp(Ok(fresh.clone())));
    assert!(effects.is_empty(), "nothing is sent without a confirmation");
    assert_eq!(model.apps[&id], fresh, "the panes show the server's state");
    assert_eq!(model.overlays.top(), Some(OverlayKind::Review));
    let review = model.overlays.get::<Review>().unwrap();
    let told: Vec<String> = review
        .server_changes
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(told, ["+ scope Insights (application)"]);
    // The edit is replayed on the new state: the other person's scope stays.
    assert_eq!(review.body.name, "Audit exporter");
    assert!(review.body.scopes.iter().any(|s| s.name == "Insights"));
    let changes: Vec<String> = review.changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        changes,
        ["~ name: Audit Log Exporter (SIEM) → Audit exporter"]
    );
    // Default No: Enter goes back to the form, which now shows the new state.
    assert!(flow(&mut model, FlowKey::Activate).is_empty());
    assert_eq!(model.overlays.top(), Some(OverlayKind::AppForm));
    let form = model.overlays.get::<AppForm>().unwrap();
    assert!(form.scopes.iter().any(|s| s.name == "Insights"));
    assert_eq!(form.name.value(), "Audit exporter");
}

#[test]
fn a_failed_save_goes_back_to_the_form_with_the_servers_message() {
    let mut model = loaded(options());
    let (id, req) = edit_and_save(&mut model, "Audit Log Exporter (SIEM)", "Audit exporter");
    let fresh = model.apps[&id].clone();
    api(&mut model, req, ApiResult::FreshApp(Ok(fresh)));
    assert_eq!(model.overlays.top(), Some(OverlayKind::Review));
    let effects = flow(&mut model, FlowKey::Yes);
    let [Effect::UpdateApp { req, ref body, .. }] = effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(body.name, "Audit exporter");
    api(
        &mut model,
        req,
        ApiResult::Saved(Err(ApiError::Forbidden {
            needed: vec!["PM.OAuthApp".into()],
            message: None,
        }
        .into())),
    );
    assert_eq!(model.overlays.top(), Some(OverlayKind::AppForm));
    let form = model.overlays.get::<AppForm>().unwrap();
    assert_eq!(form.name.value(), "Audit exporter");
    assert!(
        form.server_error
            .as_deref()
            .unwrap()
            .contains("PM.OAuthApp")
    );
    assert_eq!(model.apps[&id].name, "Audit Log Exporter (SIEM)");
}

#[test]
fn a_saved_edit_updates_the_app_and_closes_the_form() {
    let mut model = loaded(options());
    let (id, req) = edit_and_save(&mut model, "Audit Log Exporter (SIEM)", "Audit exporter");
    let fresh = model.apps[&id].clone();
    api(&mut model, req, ApiResult::FreshApp(Ok(fresh.clone())));
    flow(&mut model, FlowKey::NextField);
    let [Effect::UpdateApp { req, .. }] = flow(&mut model, FlowKey::Activate)[..] else {
        panic!("Tab then Enter presses Yes")
    };
    let mut saved = fresh;
    saved.name = "Audit exporter".into();
    api(&mut model, req, ApiResult::Saved(Ok(Applied::clean(saved))));
    assert_eq!(model.overlays.top(), None);
    assert_eq!(model.apps[&id].name, "Audit exporter");
    assert!(model.toasts.last().unwrap().text.contains("1 change"));
}

#[test]
fn a_save_that_did_not_stick_says_which_changes_are_missing() {
    let mut model = loaded(options());
    let (id, req) = edit_and_save(&mut model, "Audit Log Exporter (SIEM)", "Audit exporter");
    let fresh = model.apps[&id].clone();
    api(&mut model, req, ApiResult::FreshApp(Ok(fresh.clone())));
    let [
        Effect::UpdateApp {
            req,
            ref base,
            ref body,
            ..
        },
    ] = flow(&mut model, FlowKey::Yes)[..]
    else {
        panic!()
    };
    // Someone else's PUT landed after this one: the name is theirs.
    let mut server = fresh;
    server.name = "Renamed by someone else".into();
    let applied = extapps::api::readback::compare(base, body, server);
    api(&mut model, req, ApiResult::Saved(Ok(applied)));
    let form = model
        .overlays
        .get::<AppForm>()
        .expect("the form stays, with the user's work");
    let error = form.server_error.as_deref().unwrap();
    assert!(error.contains("not on it"), "{error}");
    assert!(error.contains("Audit exporter"), "{error}");
    assert!(error.contains("Renamed by someone else"), "{error}");
    assert_eq!(model.apps[&id].name, "Renamed by someone else");
}

#[test]
fn a_save_whose_answer_was_lost_reads_the_list_again_and_never_says_retry() {
    let mut model = loaded(options());
    let (id, req) = edit_and_save(&mut model, "Audit Log Exporter (SIEM)", "Audit exporter");
    let fresh = model.apps[&id].clone();
    api(&mut model, req, ApiResult::FreshApp(Ok(fresh)));
    let [Effect::UpdateApp { req, .. }] = flow(&mut model, FlowKey::Yes)[..] else {
        panic!()
    };
    let lost = ApiError::Timeout {
        what: "app".into(),
        after: std::time::Duration::from_secs(30),
    };
    let effects = api(&mut model, req, ApiResult::Saved(Err(lost.into())));
    assert!(
        matches!(effects[..], [Effect::LoadApps { .. }]),
        "{effects:?}"
    );
    let error = model
        .overlays
        .get::<AppForm>()
        .unwrap()
        .server_error
        .clone()
        .unwrap();
    assert!(error.contains("outcome is unknown"), "{error}");
    let lower = error.to_lowercase();
    assert!(
        !lower.contains("press r") && !lower.contains("try again"),
        "{error}"
    );
}

#[test]
fn stale_answers_are_dropped_by_request_id() {
    let mut model = loaded(options());
    let (id, old) = edit_and_save(&mut model, "Audit Log Exporter (SIEM)", "Audit exporter");
    // Esc stops the fresh read; saving again starts a new one.
    press(&mut model, Action::Back);
    let [Effect::GetApp { req: new, .. }] = flow(&mut model, FlowKey::Save)[..] else {
        panic!()
    };
    assert_ne!(old, new);
    let mut other = model.apps[&id].clone();
    other.name = "Renamed elsewhere".into();
    api(&mut model, old, ApiResult::FreshApp(Ok(other)));
    assert_eq!(
        model.overlays.top(),
        Some(OverlayKind::AppForm),
        "the old answer is ignored"
    );
    assert_eq!(model.apps[&id].name, "Audit Log Exporter (SIEM)");
    let fresh = model.apps[&id].clone();
    api(&mut model, new, ApiResult::FreshApp(Ok(fresh)));
    assert_eq!(model.overlays.top(), Some(OverlayKind::Review));

    // A catalog answer nobody waits for is dropped too.
    api(
        &mut model,
        RequestId(9999),
        ApiResult::Catalog(Err(bad_request("x"))),
    );
    assert!(
        model
            .edit
            .catalog
            .as_ref()
            .is_none_or(|c| c.fallback_reason.is_none())
    );
}

#[test]
fn esc_asks_before_discarding_a_changed_form() {
    let mut model = loaded(options());
    new_form(&mut model);
    press(&mut model, Action::Back);
    assert_eq!(model.overlays.top(), None, "an untouched form just closes");
    new_form(&mut model);
    type_text(&mut model, "draft");
    press(&mut model, Action::Back);
    assert!(model.overlays.get::<AppForm>().unwrap().confirm_discard);
    type_text(&mut model, "n");
    assert_eq!(
        model.overlays.get::<AppForm>().unwrap().name.value(),
        "draft"
    );
    press(&mut model, Action::Back);
    type_text(&mut model, "y");
    assert_eq!(model.overlays.top(), None);
    assert!(model.overlays.get::<AppForm>().is_none());
}

#[test]
fn the_catalog_falls_back_to_the_shipped_one_with_a_notice() {
    let mut model = loaded(options());
    let [Effect::LoadCatalog { req }] = press(&mut model, Action::NewApp)[..] else {
        panic!()
    };
    api(
        &mut model,
        req,
        ApiResult::Catalog(Err(ApiError::Forbidden {
            needed: vec![],
            message: None,
        })),
    );
    let catalog = model.edit.catalog.as_ref().unwrap();
    assert!(
        catalog
            .fallback_reason
            .as_deref()
            .unwrap()
            .contains("permission")
    );
    assert!(
        catalog
            .resources
            .iter()
            .any(|r| r.name == "UiPath.Orchestrator")
    );
    // Asked once per session.
    press(&mut model, Action::Back);
    assert!(press(&mut model, Action::NewApp).is_empty());
}

#[test]
fn delete_needs_the_exact_name_and_reports_the_backup() {
    let mut model = loaded(options());
    select(&mut model, "CI/CD Pipeline");
    let id = model.selected.clone().unwrap();
    assert!(press(&mut model, Action::DeleteApp).is_empty());
    assert_eq!(model.overlays.top(), Some(OverlayKind::DeleteApp));
    // Enter with nothing typed, or the wrong case, deletes nothing.
    assert!(flow(&mut model, FlowKey::Activate).is_empty());
    type_text(&mut model, "ci/cd pipeline");
    assert!(flow(&mut model, FlowKey::Activate).is_empty());
    assert!(model.overlays.get::<DeleteApp>().unwrap().error.is_some());
    press(&mut model, Action::Edit(TextEdit::Clear));
    type_text(&mut model, "CI/CD Pipeline");
    let effects = flow(&mut model, FlowKey::Activate);
    let [
        Effect::DeleteApp {
            req,
            ref client_id,
            ref name,
            ..
        },
    ] = effects[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (client_id.as_str(), name.as_str()),
        (id.as_str(), "CI/CD Pipeline")
    );
    api(
        &mut model,
        req,
        ApiResult::Deleted {
            client_id: id.clone(),
            result: Ok("/backups/ci-cd-pipeline.json".into()),
        },
    );
    assert!(!model.apps.contains_key(&id));
    assert_eq!(
        model.overlays.get::<DeleteApp>().unwrap().done.as_deref(),
        Some(std::path::Path::new("/backups/ci-cd-pipeline.json"))
    );
    flow(&mut model, FlowKey::Activate);
    assert_eq!(model.overlays.top(), None);
}

#[test]
fn a_failed_delete_keeps_the_confirmation_and_the_app() {
    let mut model = loaded(options());
    select(&mut model, "CI/CD Pipeline");
    let id = model.selected.clone().unwrap();
    press(&mut model, Action::DeleteApp);
    type_text(&mut model, "CI/CD Pipeline");
    let [Effect::DeleteApp { req, .. }] = flow(&mut model, FlowKey::Activate)[..] else {
        panic!()
    };
    api(
        &mut model,
        req,
        ApiResult::Deleted {
            client_id: id.clone(),
            result: Err("Cannot write the backup, so nothing was deleted: disk full".into()),
        },
    );
    assert_eq!(model.overlays.top(), Some(OverlayKind::DeleteApp));
    assert!(model.apps.contains_key(&id));
    assert!(
        model
            .overlays
            .get::<DeleteApp>()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("nothing was deleted")
    );
}

fn json_edit(model: &mut Model) -> (RequestId, String) {
    let effects = press(model, Action::EditJson);
    let [Effect::EditJson { req, ref text }] = effects[..] else {
        panic!("{effects:?}")
    };
    (req, text.clone())
}

#[test]
fn json_edits_are_validated_kept_on_failure_and_then_diffed() {
    let mut model = loaded(options());
    select(&mut model, "Audit Log Exporter (SIEM)");
    let (req, text) = json_edit(&mut model);
    assert!(text.contains("\"type\": \"application\""), "{text}");
    let broken = text.replace("\"name\"", "\"nmae\"");
    update(
        &mut model,
        Msg::Edited {
            req,
            text: Ok(broken.clone()),
        },
    );
    assert_eq!(model.toasts.last().unwrap().level, ToastLevel::Error);
    assert!(model.toasts.last().unwrap().text.contains("nmae"));
    // E reopens what the user wrote, not the original.
    let (req, again) = json_edit(&mut model);
    assert_eq!(again, broken);
    let fixed = text.replace("Audit Log Exporter (SIEM)", "SIEM exporter");
    let effects = update(
        &mut model,
        Msg::Edited {
            req,
            text: Ok(fixed),
        },
    );
    let [Effect::GetApp { req, ref client_id }] = effects[..] else {
        panic!("{effects:?}")
    };
    let fresh = model.apps[client_id].clone();
    api(&mut model, req, ApiResult::FreshApp(Ok(fresh)));
    assert_eq!(model.overlays.top(), Some(OverlayKind::Review));
    assert_eq!(
        model.overlays.get::<Review>().unwrap().body.name,
        "SIEM exporter"
    );
}

#[test]
fn editor_results_for_an_old_request_are_dropped() {
    let mut model = loaded(options());
    select(&mut model, "Audit Log Exporter (SIEM)");
    let (req, text) = json_edit(&mut model);
    let effects = update(
        &mut model,
        Msg::Edited {
            req: RequestId(req.0 + 100),
            text: Ok(text.replace("Audit", "X")),
        },
    );
    assert!(effects.is_empty());
}

/// Apps whose names no keyboard types byte for byte.
fn with_odd_names() -> Model {
    let mut apps = demo_apps(now());
    apps.push(app_named("tab-app-id", "Tab\there"));
    apps.push(app_named("cafe-app-id", "Cafe\u{301}"));
    loaded_model(options(), now(), apps, None)
}

fn delete_typing(model: &mut Model, id: &str, typed: &str) -> Vec<Effect> {
    model.selected = Some(id.to_owned());
    model.rebuild_view();
    press(model, Action::DeleteApp);
    assert_eq!(model.overlays.top(), Some(OverlayKind::DeleteApp));
    type_text(model, typed);
    flow(model, FlowKey::Activate)
}

#[test]
fn names_with_a_tab_or_a_decomposed_accent_can_be_deleted() {
    for (id, typed) in [
        ("tab-app-id", "Tab here"),
        ("cafe-app-id", "Café"),
        ("cafe-app-id", "cafe-app-id"),
        ("tab-app-id", "tab-app-id"),
    ] {
        let mut model = with_odd_names();
        let effects = delete_typing(&mut model, id, typed);
        assert!(
            matches!(&effects[..], [Effect::DeleteApp { client_id, .. }] if client_id == id),
            "{id} typed as {typed:?}: {effects:?}"
        );
    }
    // Still not anything: the wrong case or another app's id deletes nothing.
    for (id, typed) in [("tab-app-id", "tab here"), ("cafe-app-id", "tab-app-id")] {
        let mut model = with_odd_names();
        assert!(delete_typing(&mut model, id, typed).is_empty(), "{typed}");
        let error = model
            .overlays
            .get::<DeleteApp>()
            .unwrap()
            .error
            .clone()
            .unwrap();
        assert!(!error.contains("\\t"), "{error}");
    }
}
