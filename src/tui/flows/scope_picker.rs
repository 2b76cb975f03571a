//! Choosing scopes from the organization's catalog: a tree by resource, search as you type,
//! multi-select. It works on a copy of the form's scopes: Enter hands them back, Esc drops them.

use tui_input::Input;

use ratatui::crossterm::event::KeyCode;

use crate::api::model::{Resource, ScopeRef, ScopeType};
use crate::domain::app_rules::default_scope_kind;
use crate::tui::keymap::{Action, Action as A, FlowKey, Group as G, KeyTable, Rest, code, k, on};
use crate::tui::model::{AppStore, ListCursor, Overlay};
use crate::tui::overlay::OverlayState;

use super::app_form::{AppForm, input_request};
use super::ctx::{Ctx, Outcome};
use super::editing::{Catalog, EditState};

/// The scope picker: its search field takes text.
#[rustfmt::skip]
pub static KEYS: KeyTable = KeyTable {
    name: "scope picker",
    rest: Rest::Text,
    bindings: &[
        on(&[code(KeyCode::Up)], A::Flow(FlowKey::Up), G::Picker, "move"),
        on(&[code(KeyCode::Down)], A::Flow(FlowKey::Down), G::Picker, "move"),
        on(&[k(' ')], A::Flow(FlowKey::Toggle), G::Picker, "select / unselect a scope"),
        on(&[code(KeyCode::Tab)], A::Flow(FlowKey::Kind), G::Picker, "user / application (where both)"),
        on(&[code(KeyCode::Enter)], A::Flow(FlowKey::Activate), G::Picker, "done (Esc drops the changes)"),
    ],
};

#[derive(Debug)]
pub struct ScopePicker {
    pub search: Input,
    pub chosen: Vec<ScopeRef>,
    pub cursor: ListCursor,
    /// Public apps hold user scopes only, which decides what can be chosen and as what.
    pub confidential: bool,
    /// Why the last key did nothing, shown in the footer.
    pub notice: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Resource(usize),
    Scope(usize, usize),
}

impl ScopePicker {
    pub fn kind_of(&self, name: &str) -> Option<ScopeType> {
        self.chosen.iter().find(|s| s.name == name).map(|s| s.kind)
    }
}

/// The rows shown for `search`: resources with at least one matching scope, each followed by
/// those scopes. A resource whose own name matches shows all of its scopes.
pub fn rows(catalog: &[Resource], search: &str) -> Vec<Row> {
    let needle = search.trim().to_lowercase();
    let has = |s: &str| s.to_lowercase().contains(&needle);
    let mut out = Vec::new();
    for (ri, r) in catalog.iter().enumerate() {
        let whole = needle.is_empty() || has(&r.name) || r.display_name.as_deref().is_some_and(has);
        let scopes: Vec<usize> = r
            .scopes
            .iter()
            .enumerate()
            .filter(|(_, s)| whole || has(&s.name) || s.display_name.as_deref().is_some_and(has))
            .map(|(i, _)| i)
            .collect();
        if !scopes.is_empty() {
            out.push(Row::Resource(ri));
            out.extend(scopes.into_iter().map(|si| Row::Scope(ri, si)));
        }
    }
    out
}

/// The picker for `form`'s scopes, started with `first` typed into its search.
pub fn open(form: &AppForm, first: Option<char>, catalog: Option<&Catalog>) -> Overlay {
    let mut search = Input::default();
    if let Some(c) = first {
        search.handle(tui_input::InputRequest::InsertChar(c));
    }
    let mut picker = ScopePicker {
        search,
        chosen: form.scopes.clone(),
        cursor: ListCursor::default(),
        confidential: form.confidential,
        notice: None,
    };
    settle(&mut picker, resources(catalog));
    picker.into_overlay()
}

fn resources(catalog: Option<&Catalog>) -> &[Resource] {
    catalog.map(|c| c.resources.as_slice()).unwrap_or_default()
}

/// Enter keeps the choice (in `form`, the form under the picker), Esc drops it; both go back
/// to the form.
fn close(
    picker: &mut ScopePicker,
    form: Option<&mut AppForm>,
    keep: bool,
    apps: &AppStore,
) -> Outcome {
    if keep && let Some(form) = form {
        form.scopes = std::mem::take(&mut picker.chosen);
        form.scope_cursor = form.scope_cursor.min(form.scopes.len().saturating_sub(1));
        if form.checked {
            let own = form.loaded.as_ref().map(|a| a.id.clone());
            form.problems = crate::domain::app_rules::check(
                &crate::domain::app_rules::Draft {
                    name: form.name.value(),
                    confidential: form.confidential,
                    redirect_uris: &form.uris,
                    scopes: &form.scopes,
                },
                own.as_deref(),
                apps.values(),
            );
        }
    }
    Outcome::close()
}

/// The catalog arrived: the cursor of an open picker moves onto a scope.
pub fn catalog_arrived(picker: Option<&mut ScopePicker>, catalog: Option<&Catalog>) {
    if let Some(picker) = picker {
        settle(picker, resources(catalog));
    }
}

/// Keeps the cursor on a scope row: resource rows are headings.
fn settle(picker: &mut ScopePicker, catalog: &[Resource]) {
    let rows = rows(catalog, picker.search.value());
    let at = picker.cursor.index.min(rows.len().saturating_sub(1));
    picker.cursor.index = rows[at..]
        .iter()
        .position(|r| matches!(r, Row::Scope(..)))
        .map(|p| at + p)
        .or_else(|| rows.iter().rposition(|r| matches!(r, Row::Scope(..))))
        .unwrap_or(0);
}

/// Keys of the picker (`form`: the form it fills): move, choose, search, Enter, Esc.
pub fn key(
    picker: &mut ScopePicker,
    form: Option<&mut AppForm>,
    action: Action,
    edit: &EditState,
    ctx: &mut Ctx,
) -> Outcome {
    let catalog = resources(edit.catalog.as_ref());
    match action {
        Action::Flow(FlowKey::Activate) => close(picker, form, true, ctx.apps),
        Action::Flow(key) => flow_key(picker, key, catalog),
        Action::Edit(edit) => {
            if picker
                .search
                .handle(input_request(edit))
                .is_some_and(|c| c.value)
            {
                picker.cursor.reset();
                picker.notice = None;
            }
            settle(picker, catalog);
            Outcome::keep()
        }
        Action::Back => close(picker, form, false, ctx.apps),
        _ => Outcome::keep(),
    }
}

fn flow_key(picker: &mut ScopePicker, key: FlowKey, catalog: &[Resource]) -> Outcome {
    let rows = rows(catalog, picker.search.value());
    picker.notice = None;
    match key {
        FlowKey::Up | FlowKey::Down => {
            let down = key == FlowKey::Down;
            let at = picker.cursor.index;
            let next = if down {
                rows.iter()
                    .enumerate()
                    .skip(at + 1)
                    .find(|(_, r)| matches!(r, Row::Scope(..)))
            } else {
                rows.iter()
                    .enumerate()
                    .take(at)
                    .rev()
                    .find(|(_, r)| matches!(r, Row::Scope(..)))
            };
            if let Some((i, _)) = next {
                picker.cursor.index = i;
            }
        }
        FlowKey::Toggle | FlowKey::Kind => {
            let Some(Row::Scope(ri, si)) = rows.get(picker.cursor.index).copied() else {
                return Outcome::keep();
            };
            let scope = &catalog[ri].scopes[si];
            let current = picker.kind_of(&scope.name);
            // Held already (an older app): it may still be removed, never added.
            if current.is_none()
                && let Some(why) = crate::domain::app_rules::implicit_scope_refusal(&scope.name)
            {
                picker.notice = Some(why);
                return Outcome::keep();
            }
            let wanted = match (key, current) {
                (FlowKey::Toggle, Some(_)) => None,
                (FlowKey::Toggle, None) => {
                    Some(default_scope_kind(Some(scope.kind), picker.confidential))
                }
                (_, Some(k)) if scope.kind == ScopeType::UserAndApplication => Some(match k {
                    ScopeType::User => ScopeType::Application,
                    _ => ScopeType::User,
                }),
                (_, Some(_)) => {
                    picker.notice = Some(format!(
                        "{} is a {} scope only",
                        scope.name,
                        scope.kind.label()
                    ));
                    return Outcome::keep();
                }
                (_, None) => {
                    picker.notice = Some("Space selects the scope first".to_owned());
                    return Outcome::keep();
                }
            };
            if wanted == Some(ScopeType::Application) && !picker.confidential {
                picker.notice = Some(format!(
                    "{} would be an application scope; a public app holds user scopes only",
                    scope.name
                ));
                return Outcome::keep();
            }
            let name = scope.name.to_string();
            match wanted {
                None => picker.chosen.retain(|s| s.name != name),
                Some(kind) => match picker.chosen.iter_mut().find(|s| s.name == name) {
                    Some(s) => s.kind = kind,
                    None => picker.chosen.push(ScopeRef { name, kind }),
                },
            }
        }
        _ => {}
    }
    Outcome::keep()
}
