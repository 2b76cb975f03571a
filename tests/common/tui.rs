//! Where TUI tests start and how they act: the organization a screen shows, a model that has
//! asked for the apps and got them, keys, typing, and a frame drawn on a `TestBackend`.

use extapps::api::model::App;
use extapps::sim::demo_apps;
use extapps::tui::effect::{Effect, RequestId};
use extapps::tui::keymap::Action;
use extapps::tui::msg::{ApiResult, Msg, TextEdit};
use extapps::tui::{Model, TuiOptions, update, view};
use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub use super::clock::now;

/// The demo organization on the cloud host, every other option at its default.
pub fn options() -> TuiOptions {
    TuiOptions {
        organization: "demo-org".to_owned(),
        identity_host: "cloud.uipath.com".to_owned(),
        ..TuiOptions::default()
    }
}

/// What the snapshots show: a named profile in the header and no colour, exactly what a
/// NO_COLOR user reads.
pub fn screen_options() -> TuiOptions {
    TuiOptions {
        profile: Some("prod".to_owned()),
        no_color: true,
        ..options()
    }
}

/// The demo organization loaded at `now()`, the session token's expiry not known.
pub fn loaded(opts: TuiOptions) -> Model {
    loaded_model(opts, now(), demo_apps(now()), None)
}

/// The demo organization loaded at `now()` with a session token good for 47 more minutes, as
/// the header's countdown shows it.
pub fn signed_in(opts: TuiOptions) -> Model {
    loaded_model(
        opts,
        now(),
        demo_apps(now()),
        Some(now() + SignedDuration::from_mins(47)),
    )
}

/// A model after `Init` and the answer to the one list request it makes, as the event loop
/// would leave it.
pub fn loaded_model(
    opts: TuiOptions,
    now: Timestamp,
    apps: Vec<App>,
    token_expires: Option<Timestamp>,
) -> Model {
    let mut model = Model::new(opts, now);
    let effects = update(&mut model, Msg::Init);
    let [Effect::LoadApps { req }] = effects[..] else {
        panic!("Init must load the apps, and only that: {effects:?}")
    };
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Ok(apps),
                token_expires,
            },
        },
    );
    model
}

/// `r`, and the list answer `apps` to it: a refresh as the worker would answer it.
pub fn refreshed(model: &mut Model, apps: Vec<App>) -> Vec<Effect> {
    let [Effect::LoadApps { req }] = update(model, Msg::Key(Action::Refresh))[..] else {
        panic!("r asks for the list, and only that")
    };
    list_answered(model, req, apps)
}

/// The worker's answer `apps` to list request `req`.
pub fn list_answered(model: &mut Model, req: RequestId, apps: Vec<App>) -> Vec<Effect> {
    update(
        model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Ok(apps),
                token_expires: None,
            },
        },
    )
}

/// One key, as the keymap turned it into an action.
pub fn press(model: &mut Model, action: Action) -> Vec<Effect> {
    update(model, Msg::Key(action))
}

/// Types `text` one character at a time into whatever has the focus; the effects of them all.
pub fn type_text(model: &mut Model, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(model, Action::Edit(TextEdit::Insert(c))))
        .collect()
}

/// The frame `view` draws at `width`×`height` (the model told of the size first, as the event
/// loop does on a resize), one quoted line per row.
pub fn render(model: &mut Model, width: u16, height: u16) -> String {
    update(model, Msg::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view(model, f)).unwrap();
    terminal.backend().to_string()
}

/// A frame of a screen with nothing left in flight (checked): what a snapshot named for a
/// settled state must show.
pub fn settled(model: &mut Model, width: u16, height: u16) -> String {
    let screen = render(model, width, height);
    super::settled::assert_settled(model, &screen);
    screen
}
