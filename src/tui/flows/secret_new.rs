//! Minting a new secret: description and expiry preset, sent once.

use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use tui_input::Input;

use ratatui::crossterm::event::KeyCode;

use crate::api::ApiError;
use crate::api::model::{App, Secret};
use crate::domain::expiry::parse_date;
use crate::tui::effect::{Effect, RequestId, SecretEffect};
use crate::tui::format;
use crate::tui::keymap::{
    Action, Action as A, Group as G, KeyTable, Rest, SecretKey, SecretKey as SK, code, k, on,
};
use crate::tui::model::{Model, Pane, RequestKind, ToastLevel};
use crate::tui::msg::{SecretResult, TextEdit};
use crate::tui::overlay::OverlayState;

use super::ctx::{Ctx, Outcome, Stack};
use super::reveal;

/// The new-secret form (also the first step of a rotation): text fields.
#[rustfmt::skip]
pub static FORM_KEYS: KeyTable = KeyTable {
    name: "secret form",
    rest: Rest::Text,
    bindings: &[
        on(&[code(KeyCode::Tab), code(KeyCode::Down)], A::Secret(SK::NextField), G::SecretFlows, "next field"),
        on(&[code(KeyCode::BackTab), code(KeyCode::Up)], A::Secret(SK::PrevField), G::SecretFlows, "previous field"),
        on(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, "create the secret (sent once)"),
    ],
};

/// Enter's text in every step of the secret flows: one text, so the help shows one line for
/// them all.
pub const CONTINUE: &str = "continue (Esc leaves; the value is dropped)";

/// A step that only moves on (Enter), retries (r) or leaves (Esc): an unknown mint, and a
/// rotation's failed check.
#[rustfmt::skip]
pub static WIZARD_KEYS: KeyTable = KeyTable {
    name: "secret wizard",
    rest: Rest::Dropped,
    bindings: &[
        on(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, CONTINUE),
        on(&[k('r')], A::Secret(SK::Retry), G::SecretFlows, "retry the check / refresh and look"),
    ],
};

/// A wizard step where only Enter moves on: a check that passed, the end, or a wait for the
/// server. `r` retries nothing there, so the hint bar does not offer it.
#[rustfmt::skip]
pub static STEP_KEYS: KeyTable = KeyTable {
    name: "secret step",
    rest: Rest::Dropped,
    bindings: &[
        on(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, CONTINUE),
    ],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryChoice {
    Days(i64),
    Date,
    Never,
}

impl ExpiryChoice {
    pub fn label(self) -> String {
        match self {
            ExpiryChoice::Days(d) => format!("{d} days"),
            ExpiryChoice::Date => "a date".to_owned(),
            ExpiryChoice::Never => "never".to_owned(),
        }
    }
}

pub const CHOICES: [ExpiryChoice; 6] = [
    ExpiryChoice::Days(30),
    ExpiryChoice::Days(90),
    ExpiryChoice::Days(180),
    ExpiryChoice::Days(365),
    ExpiryChoice::Date,
    ExpiryChoice::Never,
];
/// 90 days: long enough not to nag, short enough that a leaked secret dies on its own.
pub const DEFAULT_CHOICE: usize = 1;

pub const NEVER_WARNING: &str =
    "A secret that never expires stays valid if it leaks; prefer a date and rotate.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Description,
    Expiry,
    Date,
}

/// The form of a new secret. Everything typed stays here until the user leaves, so a failed
/// submit loses nothing.
#[derive(Debug)]
pub struct SecretForm {
    pub app_id: String,
    pub app_name: String,
    pub description: Input,
    pub choice: usize,
    pub date: Input,
    pub field: Field,
    /// The server's message or a validation problem, shown beside the form.
    pub error: Option<String>,
    pub pending: Option<RequestId>,
    /// The mint's answer was lost: the secret may exist. Never resent; the user looks instead.
    pub unknown: bool,
}

pub enum FormEvent {
    Stay,
    Submit,
    Leave,
}

impl SecretForm {
    /// A mint whose answer was lost leaves a form that only retries or leaves.
    pub fn keys(&self) -> &'static KeyTable {
        if self.unknown {
            &WIZARD_KEYS
        } else {
            &FORM_KEYS
        }
    }

    pub fn new(app: &App, now: Timestamp, tz: &TimeZone) -> Self {
        SecretForm {
            app_id: app.id.clone(),
            app_name: app.name.clone(),
            description: Input::new(format!("created by extapps on {}", format::date(now, tz))),
            choice: DEFAULT_CHOICE,
            date: Input::default(),
            field: Field::Description,
            error: None,
            pending: None,
            unknown: false,
        }
    }

    pub fn choice(&self) -> ExpiryChoice {
        CHOICES[self.choice]
    }

    pub fn fields(&self) -> Vec<Field> {
        let mut f = vec![Field::Description, Field::Expiry];
        if self.choice() == ExpiryChoice::Date {
            f.push(Field::Date);
        }
        f
    }

    pub fn warning(&self) -> Option<&'static str> {
        (self.choice() == ExpiryChoice::Never).then_some(NEVER_WARNING)
    }

    fn step_field(&mut self, delta: isize) {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.field).unwrap_or(0) as isize;
        let n = fields.len() as isize;
        self.field = fields[((at + delta).rem_euclid(n)) as usize];
    }

    fn cycle(&mut self, delta: isize) {
        let n = CHOICES.len() as isize;
        self.choice = (self.choice as isize + delta).rem_euclid(n) as usize;
    }

    /// One key of the form. A request in flight freezes the form so it cannot be sent twice.
    pub fn handle(&mut self, action: Action) -> FormEvent {
        if self.pending.is_some() {
            return match action {
                Action::Back => FormEvent::Leave,
                _ => FormEvent::Stay,
            };
        }
        match action {
            Action::Back => return FormEvent::Leave,
            Action::Submit => return FormEvent::Submit,
            Action::Secret(SecretKey::NextField) => self.step_field(1),
            Action::Secret(SecretKey::PrevField) => self.step_field(-1),
            Action::Edit(edit) => match self.field {
                Field::Expiry => match edit {
                    TextEdit::Left => self.cycle(-1),
                    TextEdit::Right | TextEdit::Insert(' ') => self.cycle(1),
                    _ => {}
                },
                Field::Description => {
                    self.description.handle(input_request(edit));
                }
                Field::Date => {
                    self.date.handle(input_request(edit));
                }
            },
            _ => {}
        }
        FormEvent::Stay
    }

    /// The description and expiry to send, or what is wrong with the form.
    pub fn request(
        &self,
        now: Timestamp,
        tz: &TimeZone,
    ) -> Result<(Option<String>, Option<Timestamp>), String> {
        let description = self.description.value().trim();
        let description = (!description.is_empty()).then(|| description.to_owned());
        let expiry = match self.choice() {
            ExpiryChoice::Days(d) => Some(now + SignedDuration::from_hours(24 * d)),
            ExpiryChoice::Never => None,
            ExpiryChoice::Date => Some(parse_date(self.date.value(), now, tz)?),
        };
        Ok((description, expiry))
    }
}

pub use crate::tui::msg::input_request;

/// Validates the form and, when it is good, asks for the secret once.
pub fn submit(f: &mut SecretForm, ctx: &mut Ctx) -> Vec<Effect> {
    let (description, expiry) = match f.request(ctx.now, ctx.tz) {
        Ok(r) => r,
        Err(problem) => {
            f.error = Some(problem);
            return Vec::new();
        }
    };
    let client_id = f.app_id.clone();
    let req = ctx.new_request(RequestKind::Secret);
    f.error = None;
    f.pending = Some(req);
    vec![Effect::Secret(SecretEffect::Generate {
        req,
        client_id,
        description,
        expiry,
    })]
}

pub fn open(model: &mut Model, app: &App) {
    let form = SecretForm::new(app, model.now, &model.tz);
    model.overlays.show(form);
}

pub fn key(form: &mut SecretForm, action: Action, ctx: &mut Ctx) -> Outcome {
    if form.unknown {
        return match action {
            Action::Submit | Action::Secret(SecretKey::Retry) => {
                let description = form.description.value().to_owned();
                Outcome {
                    stack: Stack::Close,
                    ..look_for_unknown_secret(&description, ctx)
                }
            }
            Action::Back => Outcome::close(),
            _ => Outcome::keep(),
        };
    }
    match form.handle(action) {
        FormEvent::Stay => Outcome::keep(),
        FormEvent::Leave => {
            if form.pending.is_some() {
                ctx.push_toast(ToastLevel::Info, MINT_LEFT);
            }
            Outcome::close()
        }
        FormEvent::Submit => Outcome::effects(submit(form, ctx)),
    }
}

pub const MINT_LEFT: &str = "Closed while the new secret was being created: if it was, it exists \
     but its value cannot be shown again. Refresh (r) to look; no secret was deleted.";

/// After a lost mint answer: reload and point at the secrets pane, rather than minting again.
pub fn look_for_unknown_secret(description: &str, ctx: &mut Ctx) -> Outcome {
    ctx.push_toast(
        ToastLevel::Info,
        format!("Reloading: look in pane 3 for a secret described {description:?}"),
    );
    Outcome {
        focus: Some(Pane::Secrets),
        ..Outcome::keep()
    }
    .and_refresh()
}

/// The words for a mint whose answer never came back.
pub fn unknown_outcome(e: &ApiError) -> String {
    if e.outcome() == crate::api::outcome::Outcome::Done {
        return format!(
            "A secret was created, but the answer holding its value was lost ({}): the value \
             cannot be read again, so delete that secret. It was NOT sent again. Press r to \
             refresh and look, Esc to close.",
            e.lost_detail()
        );
    }
    format!(
        "The outcome is unknown: the answer was lost ({}). The secret may or may not have been \
         created, and it was NOT sent again. Press r to refresh and look, Esc to close.",
        e.lost_detail()
    )
}

/// The answer to the mint this form sent (`secrets::whose` routes it here).
pub fn answer(
    form: &mut SecretForm,
    req: RequestId,
    result: SecretResult,
    ctx: &mut Ctx,
) -> Outcome {
    match result {
        SecretResult::Minted(result) => minted(form, result, ctx),
        _ => {
            tracing::debug!(?req, "dropping a secret answer the form does not wait for");
            Outcome::keep()
        }
    }
}

fn minted(form: &mut SecretForm, result: Result<Secret, ApiError>, ctx: &mut Ctx) -> Outcome {
    form.pending = None;
    match result {
        Ok(mut secret) => {
            let (name, id) = (form.app_name.clone(), form.app_id.clone());
            let Some(value) = secret.secret.take() else {
                ctx.push_toast(
                    ToastLevel::Error,
                    format!(
                        "Secret #{} was created on {name}, but the server sent no value: it cannot be used. Delete it (x).",
                        secret.id
                    ),
                );
                return Outcome::close().and_refresh();
            };
            let mut reveal = reveal::Reveal::new(&name, &id, value);
            reveal.secret_id = Some(secret.id);
            reveal.expiry = Some(secret.expiry_time);
            Outcome::replace(reveal.into_overlay()).and_refresh()
        }
        Err(e) if e.outcome_unknown() => {
            form.unknown = true;
            form.error = Some(unknown_outcome(&e));
            Outcome::keep()
        }
        Err(e) => {
            form.error = Some(format!("The server refused: {e}"));
            Outcome::keep()
        }
    }
}
