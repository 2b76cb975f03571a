//! Where TUI tests start: a model that has asked for the apps and got them.

use extapps::api::model::App;
use extapps::tui::effect::Effect;
use extapps::tui::msg::{ApiResult, Msg};
use extapps::tui::{Model, TuiOptions, update};
use jiff::Timestamp;

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
