//! Snapshots of the TUI on a fixed clock and the simulator's demo organization (TestBackend, no colour in the
//! text snapshots, so they show exactly what a NO_COLOR user reads).

use crate::common::tui::{now, render, screen_options, signed_in, type_text};

use extapps::api::ApiError;
use extapps::tui::effect::Effect;
use extapps::tui::keymap::Action;
use extapps::tui::msg::{ApiResult, Msg};
use extapps::tui::{Model, TuiOptions, update, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The snapshots' options, with the paths a real user's help screen shows.
fn options() -> TuiOptions {
    TuiOptions {
        log_path: Some("/home/ada/.local/state/extapps/extapps.log".into()),
        backup_dir: Some("/home/ada/.local/share/extapps/backups".into()),
        ..screen_options()
    }
}

fn keys(model: &mut Model, actions: &[Action]) {
    for a in actions {
        update(model, Msg::Key(*a));
    }
}

#[test]
fn main_screen_120x35() {
    let mut model = signed_in(options());
    insta::assert_snapshot!(render(&mut model, 120, 35));
}

#[test]
fn main_screen_80x24() {
    let mut model = signed_in(options());
    keys(&mut model, &[Action::Down, Action::Down]);
    insta::assert_snapshot!(render(&mut model, 80, 24));
}

#[test]
fn filter_active_120x35() {
    let mut model = signed_in(options());
    update(&mut model, Msg::Key(Action::StartFilter));
    type_text(&mut model, "or.jobs");
    insta::assert_snapshot!(render(&mut model, 120, 35));
}

#[test]
fn help_overlay_120x35() {
    let mut model = signed_in(options());
    update(&mut model, Msg::Key(Action::Help));
    insta::assert_snapshot!(render(&mut model, 120, 35));
}

#[test]
fn expiring_view_120x35() {
    let mut model = signed_in(options());
    update(&mut model, Msg::Key(Action::ShowExpiring));
    insta::assert_snapshot!(render(&mut model, 120, 35));
}

#[test]
fn error_toast_120x35() {
    let mut model = signed_in(TuiOptions {
        read_only: true,
        ..options()
    });
    let effects = update(&mut model, Msg::Key(Action::Refresh));
    let Some(Effect::LoadApps { req }) = effects.first().cloned() else {
        panic!("refresh must load the apps");
    };
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Err(ApiError::Forbidden {
                    needed: vec!["PM.OAuthApp".into(), "PM.OAuthApp.Read".into()],
                    message: None,
                }),
                token_expires: None,
            },
        },
    );
    insta::assert_snapshot!(render(&mut model, 120, 35));
}

#[test]
fn tiny_terminal_40x10() {
    let mut model = signed_in(options());
    insta::assert_snapshot!(render(&mut model, 40, 10));
}

#[test]
fn selection_is_reversed_and_no_color_means_no_colour() {
    use ratatui::style::{Color, Modifier};
    let mut model = signed_in(options());
    update(
        &mut model,
        Msg::Resize {
            width: 120,
            height: 35,
        },
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 35)).unwrap();
    terminal.draw(|f| view(&model, f)).unwrap();
    let buffer = terminal.backend().buffer();
    // Row 3 is the first app, under the header line, the border and the column titles.
    assert!(buffer[(2, 3)].modifier.contains(Modifier::REVERSED));
    assert!(!buffer[(2, 4)].modifier.contains(Modifier::REVERSED));
    assert!(
        buffer
            .content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
        "NO_COLOR: no cell may carry a colour"
    );
}

#[test]
fn ten_thousand_apps_render_only_the_visible_rows() {
    let mut model = signed_in(options());
    let req = match update(&mut model, Msg::Key(Action::Refresh))[..] {
        [Effect::LoadApps { req }] => req,
        _ => unreachable!(),
    };
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Ok(extapps::sim::generated_apps(10_000, 7, now())),
                token_expires: None,
            },
        },
    );
    // In name order the generated apps run from "Claims Coupa Bot #2729" (the first) to
    // "Support Zendesk Webhook Relay #5672" (the last); the second is "Claims Coupa Bot #2793",
    // the 30th "Claims Coupa Integration #9039" (one page of 29 rows down from the first,
    // under the key hint bar). The list column cuts long names, the details
    // pane's title shows the selected one whole.
    keys(&mut model, &[Action::Bottom]);
    let screen = render(&mut model, 120, 35);
    // The list's last row: above its border, the status line and the key hint bar.
    let last_row = screen.lines().nth(31).unwrap();
    assert!(last_row.starts_with("\"┃Support Zendesk We"), "{screen}");
    assert!(
        screen.contains("┌ Support Zendesk Webhook Relay #5672 "),
        "{screen}"
    );
    assert!(!screen.contains("Claims Coupa Bot #2729"), "{screen}");
    // The window followed the cursor: a page down from the top moves it by one page and the
    // window by what it takes to show the cursor.
    keys(&mut model, &[Action::Top]);
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("┃Claims Coupa Bot #2729 "), "{screen}");
    assert!(screen.contains("┌ Claims Coupa Bot #2729 "), "{screen}");
    keys(&mut model, &[Action::PageDown]);
    let screen = render(&mut model, 120, 35);
    assert!(!screen.contains("Claims Coupa Bot #2729"), "{screen}");
    let first_row = screen.lines().nth(3).unwrap();
    assert!(
        first_row.starts_with("\"┃Claims Coupa Bot #2793 "),
        "{screen}"
    );
    assert!(
        screen.contains("┌ Claims Coupa Integration #9039 "),
        "{screen}"
    );
}

#[test]
fn insecure_tls_is_flagged_in_the_header_for_the_whole_session() {
    let mut opts = options();
    opts.insecure = true;
    let mut model = signed_in(opts);
    for (w, h) in [(120, 35), (80, 24)] {
        let screen = render(&mut model, w, h);
        let header = screen.lines().next().unwrap();
        assert!(header.contains("INSECURE TLS"), "{header}");
        assert!(header.contains("demo-org"), "{header}");
    }
    let screen = render(&mut signed_in(options()), 120, 35);
    assert!(!screen.contains("INSECURE"));
}
