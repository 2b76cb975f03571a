//! Snapshots of the editing overlays on a fixed clock and the demo organization, without
//! colour: what a NO_COLOR user reads.

use crate::common::tui::{
    loaded, loaded_model, now, press, render, screen_options, settled, type_text,
};

use extapps::sim::{demo_apps, demo_catalog};
use extapps::tui::effect::Effect;
use extapps::tui::flows::app_form::AppForm;
use extapps::tui::flows::app_form::FormField;
use extapps::tui::flows::scope_picker::ScopePicker;
use extapps::tui::keymap::{Action, FlowKey};
use extapps::tui::msg::{ApiResult, Msg, TextEdit};
use extapps::tui::{Model, TuiOptions, update};

/// The snapshots' options, with the backup directory a delete confirmation names.
fn options() -> TuiOptions {
    TuiOptions {
        backup_dir: Some("/home/ada/.local/share/extapps/backups".into()),
        ..screen_options()
    }
}

fn flow(model: &mut Model, k: FlowKey) -> Vec<Effect> {
    press(model, Action::Flow(k))
}

fn select(model: &mut Model, name: &str) {
    let id = model
        .apps
        .values()
        .find(|a| a.name == name)
        .unwrap()
        .id
        .clone();
    model.selected = Some(id);
    model.rebuild_view();
}

/// Answers the catalog read a form asks for when it opens (`effects`), as the worker would.
fn answer_catalog(model: &mut Model, effects: Vec<Effect>) {
    if let [Effect::LoadCatalog { req }] = effects[..] {
        update(
            model,
            Msg::Api {
                req,
                result: ApiResult::Catalog(Ok(demo_catalog())),
            },
        );
    }
}

fn new_form(model: &mut Model) {
    let effects = press(model, Action::NewApp);
    answer_catalog(model, effects);
}

/// Tabs to `field`; a form has fewer fields than the bound, so a field that Tab never reaches
/// fails the test instead of hanging it.
fn focus(model: &mut Model, field: FormField) {
    for _ in 0..32 {
        if model.overlays.get::<AppForm>().unwrap().focus == field {
            return;
        }
        flow(model, FlowKey::NextField);
    }
    panic!("{field:?} is never focused by Tab");
}

/// A public app named like an existing one, with an application scope and no redirect URI.
fn invalid_form() -> Model {
    let mut model = loaded(options());
    new_form(&mut model);
    type_text(&mut model, "Queue Monitor");
    focus(&mut model, FormField::Scopes);
    flow(&mut model, FlowKey::Activate);
    type_text(&mut model, "OR.Queues.Read");
    flow(&mut model, FlowKey::Toggle);
    flow(&mut model, FlowKey::Activate);
    focus(&mut model, FormField::Confidential);
    type_text(&mut model, " ");
    assert!(flow(&mut model, FlowKey::Save).is_empty());
    model
}

#[test]
fn create_form_with_validation_errors_120x35() {
    let mut model = invalid_form();
    insta::assert_snapshot!(settled(&mut model, 120, 35));
}

#[test]
fn create_form_with_validation_errors_80x24() {
    let mut model = invalid_form();
    insta::assert_snapshot!(settled(&mut model, 80, 24));
}

#[test]
fn scope_picker_filtered_120x35() {
    let mut model = loaded(options());
    new_form(&mut model);
    focus(&mut model, FormField::Scopes);
    type_text(&mut model, "read");
    flow(&mut model, FlowKey::Toggle);
    flow(&mut model, FlowKey::Down);
    flow(&mut model, FlowKey::Down);
    flow(&mut model, FlowKey::Toggle);
    flow(&mut model, FlowKey::Kind);
    insta::assert_snapshot!(settled(&mut model, 120, 35));
}

#[test]
fn scope_picker_refuses_or_default_which_every_token_gets_anyway() {
    let mut model = loaded(options());
    new_form(&mut model);
    focus(&mut model, FormField::Scopes);
    type_text(&mut model, "OR.Default");
    flow(&mut model, FlowKey::Toggle);
    let picker = model
        .overlays
        .get::<ScopePicker>()
        .expect("the picker is open");
    assert!(picker.chosen.is_empty(), "{:?}", picker.chosen);
    assert_eq!(
        picker.notice.as_deref(),
        Some(
            "OR.Default is granted to every token without being asked for; it cannot be selected for an app"
        )
    );
    assert!(render(&mut model, 120, 35).contains("OR.Default is granted to every token"));
}

#[test]
fn edit_diff_with_a_server_change_120x35() {
    let mut model = loaded(options());
    select(&mut model, "Audit Log Exporter (SIEM)");
    let effects = press(&mut model, Action::EditApp);
    assert!(
        matches!(effects[..], [Effect::LoadCatalog { .. }]),
        "{effects:?}"
    );
    answer_catalog(&mut model, effects);
    press(&mut model, Action::Edit(TextEdit::Clear));
    type_text(&mut model, "SIEM exporter");
    focus(&mut model, FormField::RedirectUris);
    type_text(&mut model, "https://siem.example.com/oauth/cb");
    focus(&mut model, FormField::Scopes);
    flow(&mut model, FlowKey::Remove);
    let [Effect::GetApp { req, ref client_id }] = flow(&mut model, FlowKey::Save)[..] else {
        panic!()
    };
    let mut fresh = model.apps[client_id].clone();
    fresh.redirect_uri = Some("http://localhost:7777".into());
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::FreshApp(Ok(fresh)),
        },
    );
    insta::assert_snapshot!(settled(&mut model, 120, 35));
}

#[test]
fn delete_confirmation_120x35() {
    let mut model = loaded(options());
    select(&mut model, "CI/CD Pipeline");
    press(&mut model, Action::DeleteApp);
    type_text(&mut model, "CI/CD");
    flow(&mut model, FlowKey::Activate);
    insta::assert_snapshot!(settled(&mut model, 120, 35));
}

#[test]
fn delete_confirmation_80x24() {
    let mut model = loaded(options());
    select(&mut model, "CI/CD Pipeline");
    press(&mut model, Action::DeleteApp);
    type_text(&mut model, "CI/CD Pipeline");
    insta::assert_snapshot!(settled(&mut model, 80, 24));
}

#[test]
fn deleting_the_app_this_session_signs_in_as_warns() {
    let mut model = loaded(options());
    select(&mut model, "CI/CD Pipeline");
    let id = model.selected.clone().unwrap();
    model.token = Some(extapps::tui::msg::TokenInfo {
        expires_at: now(),
        client_id: Some(id),
        scopes: Vec::new(),
        decoded: None,
    });
    press(&mut model, Action::DeleteApp);
    let screen = settled(&mut model, 120, 35);
    assert!(
        screen.contains("extapps itself signs in as this app"),
        "{screen}"
    );
    // Another app: no warning.
    press(&mut model, Action::Back);
    select(&mut model, "Audit Log Exporter (SIEM)");
    press(&mut model, Action::DeleteApp);
    let screen = settled(&mut model, 120, 35);
    assert!(!screen.contains("extapps itself signs in"), "{screen}");
}

#[test]
fn create_form_duplicate_name_warning_120x35() {
    let mut model = loaded(options());
    new_form(&mut model);
    type_text(&mut model, "queue monitor teams bot");
    let screen = settled(&mut model, 120, 35);
    assert!(screen.contains("warning"), "{screen}");
    assert!(screen.contains("another app is named"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn delete_confirmation_shows_the_name_as_the_list_does() {
    let opts = TuiOptions {
        organization: "demo-org".to_owned(),
        identity_host: "cloud.uipath.com".to_owned(),
        no_color: true,
        backup_dir: Some("/home/ada/.local/share/extapps/backups".into()),
        ..TuiOptions::default()
    };
    let mut apps = demo_apps(now());
    let mut odd = apps[0].clone();
    odd.id = "tab-app-id".into();
    odd.name = "Tab\there".into();
    apps.push(odd);
    let mut model = loaded_model(opts, now(), apps, None);
    select(&mut model, "Tab\there");
    press(&mut model, Action::DeleteApp);
    let screen = settled(&mut model, 120, 35);
    assert!(
        screen.contains("Delete app Tab here (tab-app-id)?"),
        "{screen}"
    );
    assert!(!screen.contains("\\t"), "{screen}");
    assert!(screen.contains("or its client id"), "{screen}");
}

/// The picker at the other two sizes the information-design issue names: every scope name
/// whole, descriptions cut or left out.
#[test]
fn scope_picker_filtered_at_80x24_and_200x50() {
    for (w, h) in [(80, 24), (200, 50)] {
        let mut model = loaded(options());
        new_form(&mut model);
        focus(&mut model, FormField::Scopes);
        type_text(&mut model, "testset");
        flow(&mut model, FlowKey::Toggle);
        let screen = settled(&mut model, w, h);
        // The two the old 20-cell column made look the same.
        assert!(screen.contains("OR.TestSetExecutions.Read "), "{screen}");
        assert!(screen.contains("OR.TestSetExecutions.Write "), "{screen}");
        insta::assert_snapshot!(format!("scope_picker_filtered_{w}x{h}"), screen);
    }
}
