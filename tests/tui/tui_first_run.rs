//! The first-run screen (no settings at all), drawn on a TestBackend: the onboarding steps
//! whole at every size, and the keys that leave it.

use extapps::tui::theme::Theme;
use extapps::tui::view::first_run;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn render(width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| first_run::render(&Theme { color: false }, f))
        .unwrap();
    terminal.backend().to_string()
}

#[test]
fn first_run_80x24() {
    insta::assert_snapshot!(render(80, 24));
}

#[test]
fn first_run_120x35() {
    insta::assert_snapshot!(render(120, 35));
}

#[test]
fn the_screen_names_the_scopes_and_both_ways_on() {
    let screen = render(80, 24);
    for text in [
        "External Applications",
        "PM.OAuthApp",
        "PM.OAuthApp.Read",
        "extapps config init",
        "extapps --demo",
        "d try the demo now",
    ] {
        assert!(screen.contains(text), "{text}:\n{screen}");
    }
}
