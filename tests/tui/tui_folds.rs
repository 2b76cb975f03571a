//! Folds in the scope tree belong to the app whose tree was folded.

use crate::common::tui::{render, screen_options, signed_in};

use extapps::tui::keymap;
use extapps::tui::model::TreeRow;
use extapps::tui::{Model, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(model: &mut Model, code: KeyCode) {
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    let msg = keymap::resolve(&ev, model.mode(), model.focus)
        .unwrap_or_else(|| panic!("{code:?} is not bound in {:?}", model.mode()));
    update(model, msg);
}

fn select(model: &mut Model, name: &str) {
    key(model, KeyCode::Char('1'));
    key(model, KeyCode::Char('g'));
    for _ in 0..model.apps.len() {
        if model.selected_app().is_some_and(|a| a.name == name) {
            return;
        }
        key(model, KeyCode::Char('j'));
    }
    panic!("{name} is never selected");
}

fn folded(model: &Model) -> Vec<bool> {
    model
        .tree_rows()
        .iter()
        .filter_map(|r| match r {
            TreeRow::Resource { folded, .. } => Some(*folded),
            TreeRow::Scope { .. } => None,
        })
        .collect()
}

#[test]
fn a_fold_stays_with_its_app() {
    let mut m = signed_in(screen_options());
    // Both apps start with the Orchestrator resource.
    const A: &str = "Invoice Processing Bot";
    const B: &str = "CI/CD Pipeline";
    select(&mut m, A);
    key(&mut m, KeyCode::Char('2'));
    key(&mut m, KeyCode::Enter);
    assert!(folded(&m)[0]);
    let resource = m.selected_app().unwrap().resources[0].name.to_string();

    select(&mut m, B);
    assert_eq!(
        m.selected_app().unwrap().resources[0].name.to_string(),
        resource
    );
    assert!(
        folded(&m).iter().all(|f| !f),
        "B is not folded: {:?}",
        folded(&m)
    );
    let screen = render(&mut m, 120, 35);
    assert!(!screen.contains("▸"), "{screen}");

    select(&mut m, A);
    assert!(folded(&m)[0], "A is still folded");
    let screen = render(&mut m, 120, 35);
    assert!(screen.contains("▸"), "{screen}");
    // Unfolding A leaves B alone, and folding B leaves A alone.
    key(&mut m, KeyCode::Char('2'));
    key(&mut m, KeyCode::Char('g'));
    key(&mut m, KeyCode::Enter);
    assert!(folded(&m).iter().all(|f| !f));
    select(&mut m, B);
    key(&mut m, KeyCode::Char('2'));
    key(&mut m, KeyCode::Char('g'));
    key(&mut m, KeyCode::Enter);
    assert!(folded(&m)[0]);
    select(&mut m, A);
    assert!(folded(&m).iter().all(|f| !f));
}
