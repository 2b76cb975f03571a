//! The token inspector, pasting a token into it, and "test a token for an app". Tokens and
//! secrets are credentials: their fields are masked on screen and redacted in `Debug`, and a
//! pasted token is dropped once decoded: only its claims stay.

use tui_input::Input;

use ratatui::crossterm::event::KeyCode;

use crate::api::jwt::{self, DecodedJwt};
use crate::api::model::App;
use crate::domain::token_check::{self, TokenTestOutcome};
use crate::tui::effect::{AppSnapshot, Effect, RequestId, Sensitive};
use crate::tui::keymap::{Action, Action as A, FlowKey, Group as G, KeyTable, Rest, code, k, on};
use crate::tui::model::{Model, Overlay, RequestKind, ToastLevel};
use crate::tui::msg::{ApiResult, TextEdit, TokenInfo};
use crate::tui::overlay::OverlayState;
use crate::tui::requests::unexpected;

use super::app_form::input_request;
use super::ctx::{Ctx, Outcome};

/// The token inspector: scroll, paste another token, close.
#[rustfmt::skip]
pub static INSPECTOR_KEYS: KeyTable = KeyTable {
    name: "token inspector",
    rest: Rest::Dropped,
    bindings: &[
        on(&[k('j'), code(KeyCode::Down)], A::Down, G::Token, "scroll the claims"),
        on(&[k('k'), code(KeyCode::Up)], A::Up, G::Token, "scroll the claims"),
        on(&[code(KeyCode::PageDown)], A::PageDown, G::Token, "scroll the claims"),
        on(&[code(KeyCode::PageUp)], A::PageUp, G::Token, "scroll the claims"),
        on(&[k('g'), code(KeyCode::Home)], A::Top, G::Token, "scroll the claims"),
        on(&[k('G'), code(KeyCode::End)], A::Bottom, G::Token, "scroll the claims"),
        on(&[k('p')], A::PasteToken, G::Token, "paste another token to decode"),
        on(&[k('q')], A::Back, G::Token, "close"),
    ],
};

/// The one-line field a token is pasted into.
#[rustfmt::skip]
pub static PASTE_KEYS: KeyTable = KeyTable {
    name: "token paste",
    rest: Rest::Text,
    bindings: &[
        on(&[code(KeyCode::Enter)], A::Submit, G::Token, "decode the pasted token"),
    ],
};

/// "Test a token for an app": the secret and scope fields.
#[rustfmt::skip]
pub static TEST_KEYS: KeyTable = KeyTable {
    name: "token test",
    rest: Rest::Text,
    bindings: &[
        on(&[code(KeyCode::Tab), code(KeyCode::BackTab)], A::Flow(FlowKey::NextField), G::Token, "test: secret / scopes field"),
        on(&[code(KeyCode::Enter)], A::Submit, G::Token, "test: ask for the token"),
    ],
};

/// A one-line field holding a credential. `Debug` tells only its length, so neither a log
/// line nor a test's `{model:?}` can leak it.
#[derive(Default)]
pub struct MaskedInput(pub Input);

impl std::fmt::Debug for MaskedInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MaskedInput([REDACTED], {} chars)", self.len())
    }
}

impl MaskedInput {
    pub fn len(&self) -> usize {
        self.0.value().chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.value().is_empty()
    }

    /// What the screen shows: bullets (at most 24, so a long token does not fill the popup)
    /// and the length, which is how one sees that a paste arrived whole.
    pub fn masked(&self) -> String {
        match self.len() {
            0 => String::new(),
            n => format!("{} {n} characters", "•".repeat(n.min(24))),
        }
    }
}

/// A decoded token on screen.
#[derive(Debug)]
pub struct Inspector {
    pub decoded: DecodedJwt,
    /// Whose token: "session token of ops-cli", "pasted token".
    pub source: String,
    pub scroll: u16,
}

#[derive(Debug, Default)]
pub struct PasteToken {
    pub input: MaskedInput,
    /// Why the last Enter could not decode the text, in words.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestField {
    Secret,
    Scopes,
}

#[derive(Debug)]
pub struct TokenTest {
    pub app: App,
    pub secret: MaskedInput,
    /// Space-separated, prefilled with the app's application scopes.
    pub scopes: Input,
    pub field: TestField,
    pub pending: Option<RequestId>,
    pub outcome: Option<TokenTestOutcome>,
    /// Said instead of sending, e.g. when no secret was given.
    pub problem: Option<String>,
}

/// The session token arrived because the user asked (`t`, `:token`): the inspector on its
/// claims, or what the token endpoint said; `update` keeps the token (`Outcome::session_token`).
fn session_token(info: TokenInfo, ctx: &mut Ctx) -> Outcome {
    let client = info.client_id.clone().unwrap_or_else(|| "?".to_owned());
    let outcome = match info.decoded.clone() {
        Some(decoded) => Outcome::push(inspector(decoded, format!("session token of {client}"))),
        None => {
            // Not a JWT: there are no claims to show, only what the token endpoint said.
            let left = crate::tui::format::time_left(Some(info.expires_at), ctx.now);
            let scopes = if info.scopes.is_empty() {
                "no scopes listed".to_owned()
            } else {
                info.scopes.join(" ")
            };
            ctx.push_toast(
                ToastLevel::Info,
                format!("Token of {client}: {left} left; {scopes}"),
            );
            Outcome::keep()
        }
    };
    Outcome {
        session_token: Some(Box::new(info)),
        ..outcome
    }
}

/// What the worker learnt of the session token on its own: no overlay, no toast.
pub fn learn(model: &mut Model, info: &TokenInfo) {
    model.token_expires = Some(info.expires_at);
    // A token that lists no scope at all still listed the apps, so an empty list means the
    // scopes are not known, not that the token may do nothing.
    model.session_scopes = (!info.scopes.is_empty()).then(|| info.scopes.clone());
}

pub fn open_inspector(model: &mut Model, decoded: DecodedJwt, source: String) {
    model.overlays.open(inspector(decoded, source));
}

/// The inspector on a decoded token.
pub fn inspector(decoded: DecodedJwt, source: String) -> Overlay {
    Inspector {
        decoded,
        source,
        scroll: 0,
    }
    .into_overlay()
}

/// `:token paste`, and `p` in the inspector.
pub fn open_paste(model: &mut Model) {
    model.overlays.show(PasteToken::default());
}

/// How far the claims column can scroll: its line count, roughly as the view lays it out.
fn max_scroll(i: &Inspector) -> u16 {
    let scope_groups = i.decoded.scopes().len().min(40);
    (i.decoded.header.len() + i.decoded.claims.len() + scope_groups + 8) as u16
}

/// Keys of the inspector: scroll, paste another token, close.
pub fn inspector_key(i: &mut Inspector, action: Action, _: &mut Ctx) -> Outcome {
    let max = max_scroll(i);
    match action {
        Action::Down => i.scroll = (i.scroll + 1).min(max),
        Action::Up => i.scroll = i.scroll.saturating_sub(1),
        Action::PageDown => i.scroll = (i.scroll + 10).min(max),
        Action::PageUp => i.scroll = i.scroll.saturating_sub(10),
        Action::Top => i.scroll = 0,
        Action::Bottom => i.scroll = max,
        Action::PasteToken => return Outcome::push(PasteToken::default().into_overlay()),
        Action::Back => return Outcome::close(),
        _ => {}
    }
    Outcome::keep()
}

/// Keys of the paste field: text, decode, close.
pub fn paste_key(p: &mut PasteToken, action: Action, _: &mut Ctx) -> Outcome {
    match action {
        Action::Edit(edit) => {
            p.input.0.handle(input_request(edit));
            p.error = None;
        }
        Action::Submit => match jwt::decode(p.input.0.value()) {
            // The text goes with the field; only the claims are kept.
            Ok(decoded) => {
                return Outcome::replace(inspector(decoded, "pasted token".to_owned()));
            }
            Err(e) if p.input.is_empty() => {
                p.error = Some(format!("nothing pasted yet ({e})"));
            }
            Err(e) => p.error = Some(format!("Cannot decode: {e}")),
        },
        Action::Back => return Outcome::close(),
        _ => {}
    }
    Outcome::keep()
}

/// `T` in the panes: "test a token for an app".
pub fn open_test(model: &mut Model) {
    let Some(app) = model.selected_app().cloned() else {
        model.push_toast(ToastLevel::Info, "Select an app first");
        return;
    };
    if !app.is_confidential {
        model.push_toast(
            ToastLevel::Info,
            format!(
                "{} is a public app: public apps sign users in and cannot use client credentials; test it with a login, or use a confidential app for a script or service",
                app.name
            ),
        );
        return;
    }
    let scopes = token_check::default_scopes(&app).join(" ");
    model.overlays.show(TokenTest {
        app,
        secret: MaskedInput::default(),
        scopes: Input::new(scopes),
        field: TestField::Secret,
        pending: None,
        outcome: None,
        problem: None,
    });
}

/// Keys of the token test: its two fields, send, close.
pub fn test_key(t: &mut TokenTest, action: Action, ctx: &mut Ctx) -> Outcome {
    match action {
        Action::Flow(FlowKey::NextField | FlowKey::PrevField) => {
            t.field = match t.field {
                TestField::Secret => TestField::Scopes,
                TestField::Scopes => TestField::Secret,
            };
        }
        Action::Edit(edit) => {
            let req = input_request(edit);
            match t.field {
                TestField::Secret => t.secret.0.handle(req),
                TestField::Scopes => t.scopes.handle(req),
            };
            t.problem = None;
        }
        Action::Submit => return send_test(t, ctx),
        Action::Back => return Outcome::close(),
        _ => {}
    }
    Outcome::keep()
}

fn send_test(t: &mut TokenTest, ctx: &mut Ctx) -> Outcome {
    if t.pending.is_some() {
        return Outcome::keep();
    }
    let secret = t.secret.0.value().trim();
    if secret.is_empty() {
        t.problem = Some("Type or paste the app's secret first.".to_owned());
        return Outcome::keep();
    }
    let secret = Sensitive(secret.to_owned().into());
    let scopes: Vec<String> = t
        .scopes
        .value()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let app = AppSnapshot(Box::new(t.app.clone()));
    let req = ctx.new_request(RequestKind::TokenTest);
    t.pending = Some(req);
    t.outcome = None;
    t.problem = None;
    Outcome::effects(vec![Effect::TestToken {
        req,
        app,
        secret,
        scopes,
    }])
}

/// The session token asked for with `t` or `:token` (it opens the inspector; `awaiting`: the
/// request for it that counts), and the outcome of a token test (`test`: the test's overlay,
/// unless it closed meanwhile, which drops the answer).
pub fn answer(
    test: Option<&mut TokenTest>,
    awaiting: &mut Option<RequestId>,
    req: RequestId,
    result: ApiResult,
    ctx: &mut Ctx,
) -> Outcome {
    match result {
        ApiResult::Token(result) => {
            if *awaiting != Some(req) {
                tracing::debug!(?req, "dropping a stale token answer");
                return Outcome::keep();
            }
            *awaiting = None;
            match result {
                Ok(info) => return session_token(info, ctx),
                Err(e) => ctx.push_toast(ToastLevel::Error, format!("Token: {e}")),
            }
        }
        ApiResult::TokenTest(outcome) => tested(test, req, outcome),
        _ => return Outcome::effects(unexpected(req, RequestKind::Token)),
    }
    Outcome::keep()
}

fn tested(test: Option<&mut TokenTest>, req: RequestId, outcome: TokenTestOutcome) {
    match test {
        Some(t) if t.pending == Some(req) => {
            t.pending = None;
            t.outcome = Some(outcome);
        }
        _ => tracing::debug!(?req, "dropping a stale token test answer"),
    }
}

/// A bracketed paste as typed text. The fields are one line: line breaks and other control
/// characters (a token copied with its trailing newline) are not text.
pub fn paste_edits(text: &str) -> impl Iterator<Item = TextEdit> + '_ {
    text.chars()
        .filter(|c| !c.is_control())
        .map(TextEdit::Insert)
}
