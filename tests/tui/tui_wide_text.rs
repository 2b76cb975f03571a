//! Names in CJK, with an emoji and with a combining accent, and scope names longer than the
//! pane: shown whole, columns lined up by display cells, never cut without a `…`.

use crate::common::tui::{press, render, screen_options, signed_in};

use extapps::tui::Model;
use extapps::tui::keymap::Action;
use extapps::tui::model::Pane;

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 35), (200, 50)];

/// The demo app with the longest scope names (`TM.CustomFieldDefinitions.Write`).
const REGRESSION: &str = "🧪 Re\u{301}gression Nightly";

fn select(model: &mut Model, name: &str) {
    press(model, Action::Top);
    for _ in 0..model.view.len() {
        let id = model.selected.clone().unwrap();
        if model.apps[&*id].name == name {
            return;
        }
        press(model, Action::Down);
    }
    panic!("{name} is not in the demo organization");
}

/// The text of the right-hand pane, row by row: between the last two borders of each line
/// (thin, or thick for the focused pane).
fn right_pane_text(screen: &str) -> String {
    const BORDERS: [char; 2] = ['│', '┃'];
    screen
        .lines()
        .filter_map(|l| {
            let end = l.rfind(BORDERS)?;
            let start = l[..end].rfind(BORDERS)?;
            Some(l[start + '│'.len_utf8()..end].to_owned())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn main_screen_with_non_ascii_names() {
    for (w, h) in SIZES {
        let mut model = signed_in(screen_options());
        select(&mut model, "経費精算ボット");
        let screen = render(&mut model, w, h);
        insta::assert_snapshot!(format!("main_screen_wide_text_{w}x{h}"), screen);
    }
}

#[test]
fn scope_tree_shows_every_name_whole() {
    for (w, h) in SIZES {
        let mut model = signed_in(screen_options());
        select(&mut model, REGRESSION);
        press(&mut model, Action::Focus(Pane::Scopes));
        let screen = render(&mut model, w, h);
        // A wrapped name reads on from one line to the next: with the spaces gone, every
        // name that starts on screen is there whole.
        let joined: String = right_pane_text(&screen)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let app = model.selected_app().unwrap();
        let mut seen = 0;
        for s in app.resources.iter().flat_map(|r| &r.scopes) {
            let head: String = s.name.chars().take(10).collect();
            if joined.contains(&head) {
                seen += 1;
                assert!(
                    joined.contains(&*s.name),
                    "{w}x{h}: {} cut\n{screen}",
                    s.name
                );
            }
        }
        assert!(seen >= 5, "{w}x{h}: only {seen} scopes on screen\n{screen}");
        for r in &app.resources {
            assert!(joined.contains(&*r.name), "{w}x{h}: {}\n{screen}", r.name);
        }
        insta::assert_snapshot!(format!("scope_tree_longest_names_{w}x{h}"), screen);
    }
}

#[test]
fn at_the_smallest_size_names_and_ids_wrap_whole() {
    let mut model = signed_in(screen_options());
    select(&mut model, REGRESSION);
    let id = model.selected.clone().unwrap().to_string();
    press(&mut model, Action::Focus(Pane::Scopes));
    press(&mut model, Action::Bottom);
    let (w, h) = (
        extapps::tui::view::MIN_WIDTH,
        extapps::tui::view::MIN_HEIGHT,
    );
    let screen = render(&mut model, w, h);
    let joined: String = right_pane_text(&screen)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        joined.contains("TM.CustomFieldDefinitions.Write"),
        "{w}x{h}: the longest name is cut\n{screen}"
    );
    assert!(
        joined.contains(&id),
        "{w}x{h}: the client id is cut\n{screen}"
    );
}
