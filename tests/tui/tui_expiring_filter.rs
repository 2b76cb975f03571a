//! `/` in the expiry view: a filter over the app's name and the secret's description, its
//! own (the app list's filter stays as it was), counted on its line, and honest about apps
//! whose secrets are not loaded yet.

use crate::common::tui::{
    loaded_model, now, render, screen_options, settled, signed_in, type_text,
};

use extapps::api::model::{App, Details};
use extapps::sim::{demo_apps, generated_apps};
use extapps::tui::keymap;
use extapps::tui::model::{OverlayKind, Pane};
use extapps::tui::{Model, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(model: &mut Model, code: KeyCode) {
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    let msg = keymap::resolve(&ev, model.overlays.keys(), model.focus)
        .unwrap_or_else(|| panic!("{code:?} is not bound in {:?}", model.overlays.top()));
    update(model, msg);
}

/// `X`, `/`, the text: the expiry view with its filter being typed.
fn filtered(model: &mut Model, text: &str) {
    key(model, KeyCode::Char('X'));
    assert_eq!(model.overlays.top(), Some(OverlayKind::Expiring));
    key(model, KeyCode::Char('/'));
    assert_eq!(model.overlays.top(), Some(OverlayKind::Filter));
    type_text(model, text);
}

/// The shown rows as (app name, secret id).
fn rows(model: &Model) -> Vec<(String, i64)> {
    (0..model.expiring_len())
        .map(|i| {
            let row = model.expiring_row(i).unwrap();
            (model.apps[&*row.app_id].name.clone(), row.secret_id)
        })
        .collect()
}

#[test]
fn slash_filters_by_secret_description_and_by_app_name() {
    let mut m = signed_in(screen_options());
    filtered(&mut m, "ROTATION");
    let all = m.expiring_rows.len();
    assert!(all > 2);
    // "2024 rotation", "2025 rotation", "gateway (rotated)" is not "rotation".
    assert_eq!(
        rows(&m),
        [
            ("Invoice Processing Bot".to_owned(), 1003),
            ("Invoice Processing Bot".to_owned(), 1004),
            // "Produktion – Rotation März": matched whatever the case.
            ("Überweisungsprüfung Größe".to_owned(), 1023)
        ]
    );
    type_text(&mut m, " nothing like it");
    assert_eq!(m.expiring_len(), 0);
    key(&mut m, KeyCode::Esc);
    // Esc in the filter clears it and stays in the view, every row back.
    assert_eq!(m.overlays.top(), Some(OverlayKind::Expiring));
    assert_eq!(m.expiring_len(), all);
    key(&mut m, KeyCode::Char('/'));
    type_text(&mut m, "teams bot");
    assert_eq!(
        rows(&m),
        [
            ("Queue Monitor Teams Bot".to_owned(), 1016),
            ("Queue Monitor Teams Bot".to_owned(), 1017)
        ]
    );
    // The app list's filter is not the view's.
    assert_eq!(m.filter_text(), "");
    assert_eq!(m.view.len(), m.apps.len());
}

#[test]
fn the_kept_filter_moves_and_jumps_within_its_rows_and_a_new_visit_starts_clean() {
    let mut m = signed_in(screen_options());
    filtered(&mut m, "splunk");
    key(&mut m, KeyCode::Enter);
    assert_eq!(
        m.overlays.top(),
        Some(OverlayKind::Expiring),
        "Enter keeps the filter"
    );
    assert_eq!(m.expiring_len(), 2);
    key(&mut m, KeyCode::Char('G'));
    assert_eq!(m.expiring.index, 1, "moves stay within the filtered rows");
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.overlays.top(), None);
    assert_eq!(m.selected_app().unwrap().name, "Audit Log Exporter (SIEM)");
    assert_eq!(m.focus, Pane::Secrets);
    assert_eq!(m.secrets.index, 1, "on #1014, the second row shown");
    key(&mut m, KeyCode::Char('X'));
    assert_eq!(m.expiring_filter.value(), "");
    assert_eq!(m.expiring_len(), m.expiring_rows.len());
}

#[test]
fn apps_not_loaded_are_counted_not_dropped() {
    let mut apps = demo_apps(now());
    for a in apps.iter_mut().filter(|a| a.name.starts_with('C')) {
        a.secrets.clear();
        a.resources.clear();
        a.details = Details::Unknown;
    }
    let mut m = loaded_model(screen_options(), now(), apps, None);
    filtered(&mut m, "jenkins");
    // "old Jenkins" of CI/CD Pipeline is not known; Test Manager Jenkins is, by its name.
    assert_eq!(rows(&m), [("Test Manager Jenkins".to_owned(), 1011)]);
    assert_eq!(
        m.expiring_not_loaded, 2,
        "CI/CD Pipeline, Customer Email Triage"
    );
    let screen = render(&mut m, 120, 35);
    assert!(screen.contains("1 of"), "{screen}");
    assert!(screen.contains("2 apps not loaded"), "{screen}");
    // A not-loaded app whose name matches keeps its row.
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Char('/'));
    type_text(&mut m, "customer");
    assert_eq!(rows(&m), [("Customer Email Triage (IXP)".to_owned(), 0)]);
}

/// At ten thousand apps (some 30,000 rows) the filter lets through exactly the rows whose app
/// name or secret description holds the text, in the view's order.
#[test]
fn ten_thousand_apps_filter_exactly() {
    let apps: Vec<App> = generated_apps(10_000, 7, now());
    let mut m = loaded_model(screen_options(), now(), apps, None);
    key(&mut m, KeyCode::Char('X'));
    let all: Vec<_> = m.expiring_rows.clone();
    assert!(all.len() > 20_000, "{}", all.len());
    key(&mut m, KeyCode::Char('/'));
    for text in ["zendesk", "zendesk webhook", "secret 2", "#56"] {
        update(
            &mut m,
            extapps::tui::msg::Msg::Key(extapps::tui::keymap::Action::Edit(
                extapps::tui::msg::TextEdit::Clear,
            )),
        );
        type_text(&mut m, text);
        let want: Vec<_> = all
            .iter()
            .filter(|r| {
                let app = &m.apps[&*r.app_id];
                let desc = app
                    .secrets
                    .iter()
                    .find(|s| s.id == r.secret_id)
                    .and_then(|s| s.description.as_deref())
                    .unwrap_or("");
                app.name.to_lowercase().contains(text) || desc.to_lowercase().contains(text)
            })
            .collect();
        let got: Vec<_> = (0..m.expiring_len())
            .map(|i| m.expiring_row(i).unwrap())
            .collect();
        assert_eq!(got, want, "{text}");
        assert!(!got.is_empty(), "{text} should find something");
    }
}

#[test]
fn expiring_filtered_80x24() {
    let mut m = signed_in(screen_options());
    filtered(&mut m, "gateway");
    insta::assert_snapshot!(settled(&mut m, 80, 24));
}

#[test]
fn expiring_filtered_120x35() {
    let mut m = signed_in(screen_options());
    filtered(&mut m, "bot");
    key(&mut m, KeyCode::Enter);
    insta::assert_snapshot!(settled(&mut m, 120, 35));
}

#[test]
fn expiring_filtered_200x50() {
    let mut m = signed_in(screen_options());
    filtered(&mut m, "rotation");
    insta::assert_snapshot!(settled(&mut m, 200, 50));
}
