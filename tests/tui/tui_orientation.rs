//! Orientation: where the user is in each list (`12/17`, `▼ 40 more`), the key hint bar with
//! `? help` at every size, the client id column when it fits whole, the sort's direction and
//! `O`, and the help laid out for its room and scrolled no further than its last page.

use crate::common::tui::{now, render, screen_options, signed_in, type_text};

use extapps::tui::keymap;
use extapps::tui::model::{OverlayKind, Pane, SortKey};
use extapps::tui::msg::{ApiResult, Msg};
use extapps::tui::{Model, TuiOptions, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 35), (200, 50)];
const AUDIT_ID: &str = "4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0";

fn options() -> TuiOptions {
    TuiOptions {
        log_path: Some("/home/ada/.local/state/extapps/extapps.log".into()),
        ..screen_options()
    }
}

/// A key as the terminal sends it, through the real keymap (the small screen's when the
/// model was last drawn too small).
fn key(model: &mut Model, code: KeyCode) {
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    let msg = if model.too_small() {
        keymap::resolve_too_small(&ev, model.overlays.keys(), model.focus)
    } else {
        keymap::resolve(&ev, model.overlays.keys(), model.focus)
    };
    let Some(msg) = msg else {
        panic!("{code:?} means nothing in {:?}", model.overlays.top())
    };
    update(model, msg);
}

fn names(model: &Model) -> Vec<String> {
    model
        .view
        .iter()
        .map(|id| model.apps[&**id].name.clone())
        .collect()
}

fn last_row(screen: &str) -> &str {
    screen.lines().last().unwrap()
}

#[test]
fn main_screen_at_three_sizes_shows_positions_hints_and_ids_where_they_fit() {
    for (w, h) in SIZES {
        let mut model = signed_in(options());
        let screen = render(&mut model, w, h);
        // The hint bar is the last row and starts with the help.
        assert!(
            last_row(&screen).starts_with("\" ? help  / filter  Enter details"),
            "{w}x{h}: {}",
            last_row(&screen)
        );
        assert!(
            screen.contains(" 1/21 "),
            "{w}x{h}: the app list's position"
        );
        assert!(screen.contains("sort: name ▲"), "{w}x{h}");
        // A client id is shown whole or not at all: the column needs the names' room and
        // 36 cells, which only the widest of the three has.
        let id_column = screen.lines().any(|l| {
            matches!((l.find("Client id"), l.find("Kind")), (Some(id), Some(kind)) if id < kind)
        });
        assert_eq!(id_column, w >= 200, "{w}x{h}");
        insta::assert_snapshot!(format!("main_screen_{w}x{h}"), screen);
    }
}

#[test]
fn the_client_id_column_holds_every_id_whole() {
    let mut model = signed_in(options());
    let screen = render(&mut model, 200, 50);
    for id in model.apps.keys() {
        assert!(screen.contains(id), "{id} is not on screen whole");
    }
    // At 120 the details pane still shows the selected app's id whole.
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains(AUDIT_ID));
}

#[test]
fn a_list_longer_than_its_pane_says_what_is_below_and_above() {
    let mut model = signed_in(options());
    let screen = render(&mut model, 80, 20);
    // 21 apps in 14 rows: seven below.
    assert!(screen.contains("▼ 7 more"), "{screen}");
    key(&mut model, KeyCode::Char('G'));
    let screen = render(&mut model, 80, 20);
    let border = screen
        .lines()
        .find(|l| l.contains(" 21/21 "))
        .expect(&screen);
    let list_border = border.split('┛').next().unwrap();
    assert!(list_border.contains("▲ 7 more"), "{screen}");
    assert!(!list_border.contains("▼"), "{screen}");
}

#[test]
fn a_filtered_list_counts_its_rows_of_all() {
    let mut model = signed_in(options());
    key(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "or.jobs");
    let shown = model.view.len();
    assert!(shown > 0 && shown < 21);
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains(&format!(" 1/{shown} of 21 ")), "{screen}");
    // Typing: the bar has the filter's keys, and no `? help` where `?` is text.
    let bar = last_row(&screen);
    assert!(
        bar.contains("Enter keep") && !bar.contains("? help"),
        "{bar}"
    );
}

#[test]
fn the_other_panes_and_the_expiry_view_say_where_the_cursor_is() {
    let mut model = signed_in(options());
    key(&mut model, KeyCode::Char('2'));
    key(&mut model, KeyCode::Down);
    let screen = render(&mut model, 120, 35);
    // The first app's tree: two resources and three scopes.
    assert!(screen.contains(" 2/5 "), "{screen}");
    assert!(last_row(&screen).contains("Enter fold"), "{screen}");
    key(&mut model, KeyCode::Char('3'));
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains(" 1/2 "), "{screen}");
    assert!(last_row(&screen).contains("s new secret"), "{screen}");
    key(&mut model, KeyCode::Char('X'));
    let rows = model.expiring_rows.len();
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains(&format!(" 1/{rows} ")), "{screen}");
    assert!(last_row(&screen).contains("Enter go to app"), "{screen}");
}

#[test]
fn capital_o_reverses_the_sort_and_the_title_shows_which_way() {
    let mut model = signed_in(options());
    let by_name = names(&model);
    key(&mut model, KeyCode::Char('O'));
    assert!(model.sort_reversed);
    let mut reversed = by_name.clone();
    reversed.reverse();
    assert_eq!(names(&model), reversed);
    assert!(render(&mut model, 120, 35).contains("sort: name ▼"));
    key(&mut model, KeyCode::Char('O'));
    assert_eq!(names(&model), by_name);

    // Scope count runs from the most; reversed, from the fewest. `o` starts a new key in
    // its own direction.
    key(&mut model, KeyCode::Char('O'));
    key(&mut model, KeyCode::Char('o'));
    key(&mut model, KeyCode::Char('o'));
    assert_eq!(model.sort, SortKey::Scopes);
    assert!(!model.sort_reversed);
    assert!(render(&mut model, 120, 35).contains("sort: scope count ▼"));
    key(&mut model, KeyCode::Char('O'));
    let counts: Vec<usize> = model
        .view
        .iter()
        .map(|id| model.apps[&**id].scope_count())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert!(render(&mut model, 120, 35).contains("sort: scope count ▲"));
}

#[test]
fn reversed_the_apps_whose_details_are_not_known_stay_last() {
    let mut model = Model::new(options(), now());
    let effects = update(&mut model, Msg::Init);
    let [extapps::tui::effect::Effect::LoadApps { req }] = effects[..] else {
        panic!("{effects:?}")
    };
    // A summary list: no app's scopes are known yet, but one is given its details.
    let mut apps = extapps::sim::demo_apps(now());
    let known = apps[0].clone();
    for app in &mut apps[1..] {
        app.resources.clear();
        app.secrets.clear();
        app.details = Default::default();
    }
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Ok(apps),
                token_expires: None,
            },
        },
    );
    let unknown = model
        .view
        .iter()
        .filter(|id| !model.apps[&***id].details_known())
        .count();
    assert_eq!(unknown, 20, "one app's details are known, the others' not");
    model.sort = SortKey::Scopes;
    model.sort_reversed = true;
    model.rebuild_view();
    let first_unknown = model
        .view
        .iter()
        .position(|id| !model.apps[&**id].details_known())
        .unwrap();
    assert!(
        model.view[first_unknown..]
            .iter()
            .all(|id| !model.apps[&**id].details_known())
    );
    assert_eq!(&*model.view[0], known.id.as_str());
}

#[test]
fn help_first_and_last_page_at_three_sizes() {
    for (w, h) in SIZES {
        let mut model = signed_in(options());
        key(&mut model, KeyCode::Char('?'));
        let first = render(&mut model, w, h);
        assert!(first.contains("Global"), "{w}x{h}");
        insta::assert_snapshot!(format!("help_first_{w}x{h}"), first);
        // Keys stand apart from their text on every page: `G End` is never followed by the
        // text (`Endscroll the claims`, `End scroll the claims`) in one run.
        let mut page = first.clone();
        for _ in 0..20 {
            assert!(
                !page.contains("Endscroll") && !page.contains("End scroll"),
                "{w}x{h}: {page}"
            );
            key(&mut model, KeyCode::PageDown);
            page = render(&mut model, w, h);
        }
        key(&mut model, KeyCode::Char('g'));

        key(&mut model, KeyCode::Char('G'));
        let last = render(&mut model, w, h);
        // The last page ends with the last command and is full: its first row has text.
        assert!(last.contains(":q"), "{w}x{h}: {last}");
        let first_row = last.lines().nth(2).unwrap();
        assert!(
            first_row.trim_matches(['"', '│', ' ']).len() > 2,
            "{w}x{h}: the last page starts blank: {last}"
        );
        // Further down does nothing: G stopped at the last page.
        key(&mut model, KeyCode::Char('j'));
        key(&mut model, KeyCode::PageDown);
        assert_eq!(render(&mut model, w, h), last, "{w}x{h}");
        insta::assert_snapshot!(format!("help_last_{w}x{h}"), last);
        // One line up from the last page is one line up on screen, not a press lost to
        // scroll positions past the end.
        key(&mut model, KeyCode::Char('k'));
        let screen = render(&mut model, w, h);
        assert!(screen.contains("▼ 1 more"), "{w}x{h}: {screen}");
    }
}

#[test]
fn help_stops_at_its_last_page_after_a_resize_too() {
    let mut model = signed_in(options());
    key(&mut model, KeyCode::Char('?'));
    render(&mut model, 80, 24);
    key(&mut model, KeyCode::Char('G'));
    let at_80 = model.help.index;
    render(&mut model, 200, 50);
    key(&mut model, KeyCode::Char('G'));
    assert!(model.help.index < at_80, "wider, the help is shorter");
    key(&mut model, KeyCode::Char('k'));
    let screen = render(&mut model, 200, 50);
    assert!(screen.contains("▲"), "{screen}");
}

#[test]
fn a_30x8_terminal_still_offers_help_and_shows_it() {
    let mut model = signed_in(options());
    let screen = render(&mut model, 30, 8);
    assert!(screen.contains("too small"), "{screen}");
    assert!(last_row(&screen).contains("? help"), "{screen}");
    insta::assert_snapshot!("too_small_30x8", screen);
    key(&mut model, KeyCode::Char('?'));
    assert_eq!(model.overlays.top(), Some(OverlayKind::Help));
    let screen = render(&mut model, 30, 8);
    assert!(screen.contains("Global"), "{screen}");
    key(&mut model, KeyCode::Char('j'));
    assert_eq!(model.help.index, 1);
    // Anything else still does nothing on the small screen.
    key(&mut model, KeyCode::Esc);
    assert_eq!(model.overlays.top(), None);
    let ev = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE);
    assert_eq!(
        keymap::resolve_too_small(&ev, model.overlays.keys(), Pane::Apps),
        None
    );
    insta::assert_snapshot!("too_small_help_30x8", {
        key(&mut model, KeyCode::Char('?'));
        render(&mut model, 30, 8)
    });
}

#[test]
fn the_hint_bar_keeps_help_at_every_width_of_the_panes() {
    for w in [60, 64, 80, 100] {
        let mut model = signed_in(options());
        let screen = render(&mut model, w, 16);
        assert!(last_row(&screen).starts_with("\" ? help"), "{w}: {screen}");
    }
}
