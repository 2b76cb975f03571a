//! The one table of keys. It resolves key events for the current mode and generates the `?`
//! help, so what the help says is what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::model::{Mode, Pane};
use super::msg::{Msg, TextEdit};

/// What a key asks for. Pane- and mode-specific meaning is resolved here, not in `update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    NextPane,
    PrevPane,
    Focus(Pane),
    ShowDetails,
    /// The details of the secret under the cursor of pane 3.
    ShowSecret,
    ToggleFold,
    StartFilter,
    OpenCommand,
    Help,
    Refresh,
    CycleSort,
    ShowExpiring,
    /// Go to the app of the secret under the cursor in the expiring view.
    JumpToApp,
    /// Open the token inspector on the session token.
    Token,
    /// In the inspector: decode another token, pasted in.
    PasteToken,
    /// Ask for a client-credentials token of the selected app with a secret the user holds.
    TestToken,
    Quit,
    /// Esc: close the top overlay, else clear the filter, else dismiss an error.
    Back,
    Submit,
    Complete,
    HistoryPrev,
    HistoryNext,
    Edit(TextEdit),
    NewApp,
    EditApp,
    /// Edit the selected app's fields as JSON in $VISUAL or $EDITOR.
    EditJson,
    DeleteApp,
    /// A key of a form, picker or confirmation; what it does depends on the flow on top.
    Flow(FlowKey),
    /// The secret flows: new, rotate, delete, copy, and the keys inside their overlays.
    Secret(SecretKey),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKey {
    New,
    Rotate,
    Delete,
    /// Copy the selected app's client id.
    CopyId,
    NextField,
    PrevField,
    ToggleMask,
    CopySecret,
    /// Mark or unmark the secret under the cursor.
    Toggle,
    Yes,
    /// Keep what a question offers to delete.
    Keep,
    Retry,
}

/// Keys of the editing overlays, resolved by the flow on top (`tui::flows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKey {
    NextField,
    PrevField,
    Up,
    Down,
    /// Enter: act on the field or button under the cursor.
    Activate,
    Save,
    /// Take the list item under the cursor out of the form.
    Remove,
    Toggle,
    /// Switch a scope between user and application.
    Kind,
    Yes,
    No,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    NewApp,
    EditApp,
    DeleteApp,
}

impl Feature {
    pub fn describe(self) -> &'static str {
        match self {
            Feature::NewApp => "creating apps",
            Feature::EditApp => "editing apps",
            Feature::DeleteApp => "deleting apps",
        }
    }
}

/// Sections of the help, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Global,
    Move,
    AppList,
    ScopeTree,
    Secrets,
    Expiring,
    SecretFlows,
    Filter,
    Command,
    Form,
    Picker,
    Confirm,
    Token,
    Profiles,
    Login,
}

impl Group {
    pub const ALL: [Group; 15] = [
        Group::Global,
        Group::Move,
        Group::AppList,
        Group::ScopeTree,
        Group::Secrets,
        Group::SecretFlows,
        Group::Expiring,
        Group::Filter,
        Group::Command,
        Group::Form,
        Group::Picker,
        Group::Confirm,
        Group::Token,
        Group::Profiles,
        Group::Login,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Global => "Global",
            Group::Move => "Moving (any list)",
            Group::AppList => "1 App list",
            Group::ScopeTree => "2 Scope tree",
            Group::Secrets => "3 Secrets",
            Group::SecretFlows => "New secret, reveal, rotation",
            Group::Expiring => "Expiring secrets view",
            Group::Filter => "Filter (/)",
            Group::Command => "Command line (:)",
            Group::Form => "App form (n, e)",
            Group::Picker => "Scope picker (Enter on Scopes)",
            Group::Confirm => "Confirmations",
            Group::Token => "Token inspector (t), token test (T)",
            Group::Profiles => "Profile picker (:profile)",
            Group::Login => "User login (:login)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}
const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Key {
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::Home => "Home".to_owned(),
            KeyCode::End => "End".to_owned(),
            KeyCode::Tab => "Tab".to_owned(),
            KeyCode::BackTab => "Shift-Tab".to_owned(),
            KeyCode::Enter => "Enter".to_owned(),
            KeyCode::Esc => "Esc".to_owned(),
            KeyCode::Backspace => "Bksp".to_owned(),
            KeyCode::Delete => "Del".to_owned(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{}", base.to_uppercase())
        } else {
            base
        }
    }

    fn matches(&self, ev: &KeyEvent) -> bool {
        let ev_ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        // Shift is part of the character itself (`G`, `?`), so only Ctrl is compared.
        self.code == ev.code && self.ctrl == ev_ctrl
    }
}

/// Where a binding is active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every mode.
    Always,
    /// The three panes, no overlay open (also the expiring and details views where the
    /// action makes sense: see `Binding::active`).
    Panes,
    /// The panes, when this one has the focus.
    Pane(Pane),
    /// Any list: the panes and the list overlays.
    Lists,
    Mode(Mode),
    /// Both text fields.
    Text,
}

pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
    pub group: Group,
    pub scope: Scope,
}

impl Binding {
    fn active(&self, mode: Mode, focus: Pane) -> bool {
        match self.scope {
            Scope::Always => true,
            Scope::Panes => mode == Mode::Normal,
            Scope::Pane(p) => mode == Mode::Normal && p == focus,
            Scope::Lists => matches!(
                mode,
                Mode::Normal
                    | Mode::Expiring
                    | Mode::Help
                    | Mode::Details
                    | Mode::Profiles
                    | Mode::Messages
            ),
            Scope::Mode(m) => m == mode,
            Scope::Text => mode.takes_text(),
        }
    }

    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(Key::label)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

use Action as A;
use Group as G;
use Scope as S;
use SecretKey as SK;

macro_rules! bind {
    ($keys:expr, $action:expr, $group:expr, $scope:expr, $help:expr) => {
        Binding {
            keys: $keys,
            action: $action,
            help: $help,
            group: $group,
            scope: $scope,
        }
    };
}

/// The keymap. Order matters where two bindings share a key: the first active one wins.
/// Bindings of one group with the same text share a line in the help.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    bind!(&[k('q'), ctrl('c')], A::Quit, G::Global, S::Panes, "quit"),
    bind!(&[ctrl('c')], A::Quit, G::Global, S::Always, "quit"),
    bind!(&[k('?')], A::Help, G::Global, S::Panes, "this help"),
    bind!(&[k(':')], A::OpenCommand, G::Global, S::Panes, "command line"),
    bind!(&[k('r')], A::Refresh, G::Global, S::Panes, "refresh from the server"),
    bind!(&[k('X')], A::ShowExpiring, G::Global, S::Panes, "all secrets by expiry"),
    bind!(&[k('t')], A::Token, G::Global, S::Panes, "token inspector: claims, scopes, what it allows"),
    bind!(&[k('T')], A::TestToken, G::Global, S::Panes, "test a token for the app (its secret)"),
    bind!(&[code(KeyCode::Tab)], A::NextPane, G::Global, S::Panes, "next / previous pane"),
    bind!(&[code(KeyCode::BackTab)], A::PrevPane, G::Global, S::Panes, "next / previous pane"),
    bind!(&[k('1')], A::Focus(Pane::Apps), G::Global, S::Panes, "jump to pane"),
    bind!(&[k('2')], A::Focus(Pane::Scopes), G::Global, S::Panes, "jump to pane"),
    bind!(&[k('3')], A::Focus(Pane::Secrets), G::Global, S::Panes, "jump to pane"),
    bind!(&[code(KeyCode::Esc)], A::Back, G::Global, S::Always, "close, clear filter, dismiss error"),
    bind!(&[k('q'), k('?')], A::Back, G::Global, S::Mode(Mode::Help), "close the help"),
    bind!(&[k('q')], A::Back, G::Global, S::Mode(Mode::Messages), "close the messages"),
    // Moving works in every list, so it is listed once.
    bind!(&[k('j'), code(KeyCode::Down)], A::Down, G::Move, S::Lists, "down / up"),
    bind!(&[k('k'), code(KeyCode::Up)], A::Up, G::Move, S::Lists, "down / up"),
    bind!(&[k('g'), code(KeyCode::Home)], A::Top, G::Move, S::Lists, "first / last"),
    bind!(&[k('G'), code(KeyCode::End)], A::Bottom, G::Move, S::Lists, "first / last"),
    bind!(&[code(KeyCode::PageUp)], A::PageUp, G::Move, S::Lists, "page up / down"),
    bind!(&[code(KeyCode::PageDown)], A::PageDown, G::Move, S::Lists, "page up / down"),
    bind!(&[k('/')], A::StartFilter, G::AppList, S::Panes, "filter: text, kind: state: expires: scope:"),
    bind!(&[k('o')], A::CycleSort, G::AppList, S::Pane(Pane::Apps), "sort: name, expiry, scopes"),
    bind!(&[code(KeyCode::Enter)], A::ShowDetails, G::AppList, S::Pane(Pane::Apps), "details of the app"),
    bind!(&[k('q'), code(KeyCode::Enter)], A::Back, G::AppList, S::Mode(Mode::Details), "close the details"),
    bind!(&[code(KeyCode::Enter), k(' ')], A::ToggleFold, G::ScopeTree, S::Pane(Pane::Scopes), "fold / unfold a resource"),
    bind!(&[code(KeyCode::Enter)], A::ShowSecret, G::Secrets, S::Pane(Pane::Secrets), "details of the secret"),
    bind!(&[k('s')], A::Secret(SK::New), G::Secrets, S::Panes, "new secret for the app"),
    bind!(&[k('R')], A::Secret(SK::Rotate), G::Secrets, S::Panes, "rotate: mint, reveal, verify, retire old"),
    bind!(&[k('x')], A::Secret(SK::Delete), G::Secrets, S::Panes, "delete the secret (asks first)"),
    bind!(&[k('y')], A::Secret(SK::CopyId), G::Global, S::Panes, "copy the app's client id"),
    // Inside the secret overlays. Text fields take every other printable key.
    bind!(&[code(KeyCode::Tab), code(KeyCode::Down)], A::Secret(SK::NextField), G::SecretFlows, S::Mode(Mode::SecretForm), "next field"),
    bind!(&[code(KeyCode::BackTab), code(KeyCode::Up)], A::Secret(SK::PrevField), G::SecretFlows, S::Mode(Mode::SecretForm), "previous field"),
    bind!(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, S::Mode(Mode::SecretForm), "create the secret (sent once)"),
    bind!(&[k('v')], A::Secret(SK::ToggleMask), G::SecretFlows, S::Mode(Mode::SecretReveal), "show / hide the new secret"),
    bind!(&[k('y')], A::Secret(SK::CopySecret), G::SecretFlows, S::Mode(Mode::SecretReveal), "copy the new secret"),
    bind!(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, S::Mode(Mode::SecretReveal), "continue (Esc leaves; the value is dropped)"),
    bind!(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, S::Mode(Mode::SecretWizard), "continue (Esc leaves; the value is dropped)"),
    bind!(&[k('r')], A::Secret(SK::Retry), G::SecretFlows, S::Mode(Mode::SecretWizard), "retry the check / refresh and look"),
    bind!(&[k('j'), code(KeyCode::Down)], A::Down, G::SecretFlows, S::Mode(Mode::SecretPick), "old secrets: down / up"),
    bind!(&[k('k'), code(KeyCode::Up)], A::Up, G::SecretFlows, S::Mode(Mode::SecretPick), "old secrets: down / up"),
    bind!(&[k(' ')], A::Secret(SK::Toggle), G::SecretFlows, S::Mode(Mode::SecretPick), "mark / unmark for deletion"),
    bind!(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, S::Mode(Mode::SecretPick), "continue (Esc leaves; the value is dropped)"),
    bind!(&[k('v')], A::Secret(SK::ToggleMask), G::SecretFlows, S::Mode(Mode::SecretPick), "show / hide the new secret"),
    bind!(&[k('y')], A::Secret(SK::CopySecret), G::SecretFlows, S::Mode(Mode::SecretPick), "copy the new secret"),
    bind!(&[k('y'), code(KeyCode::Enter)], A::Secret(SK::Yes), G::SecretFlows, S::Mode(Mode::SecretDiscard), "leaving: delete the unseen new secret"),
    bind!(&[k('n')], A::Secret(SK::Keep), G::SecretFlows, S::Mode(Mode::SecretDiscard), "leaving: keep it"),
    bind!(&[k('y')], A::Secret(SK::Yes), G::SecretFlows, S::Mode(Mode::SecretConfirm), "yes, delete / no, keep"),
    bind!(&[k('n'), code(KeyCode::Enter)], A::Back, G::SecretFlows, S::Mode(Mode::SecretConfirm), "yes, delete / no, keep"),
    bind!(&[code(KeyCode::Enter)], A::Submit, G::SecretFlows, S::Mode(Mode::SecretTyped), "delete, once the app's name is typed"),
    bind!(&[code(KeyCode::Enter)], A::JumpToApp, G::Expiring, S::Mode(Mode::Expiring), "go to the secret's app"),
    bind!(&[k('/')], A::StartFilter, G::Expiring, S::Mode(Mode::Expiring), "filter: app name, secret description"),
    bind!(&[k('q'), k('X')], A::Back, G::Expiring, S::Mode(Mode::Expiring), "close"),
    bind!(&[code(KeyCode::Enter), code(KeyCode::Down)], A::Submit, G::Filter, S::Mode(Mode::Filter), "keep the filter"),
    bind!(&[code(KeyCode::Enter)], A::Submit, G::Command, S::Mode(Mode::Command), "run the command"),
    bind!(&[code(KeyCode::Tab)], A::Complete, G::Command, S::Mode(Mode::Command), "complete the name"),
    bind!(&[code(KeyCode::Up)], A::HistoryPrev, G::Command, S::Mode(Mode::Command), "history"),
    bind!(&[code(KeyCode::Down)], A::HistoryNext, G::Command, S::Mode(Mode::Command), "history"),
    bind!(&[code(KeyCode::Backspace)], A::Edit(TextEdit::Backspace), G::Filter, S::Text, "delete a character"),
    bind!(&[code(KeyCode::Delete)], A::Edit(TextEdit::Delete), G::Filter, S::Text, "delete a character"),
    bind!(&[ctrl('w')], A::Edit(TextEdit::DeleteWord), G::Filter, S::Text, "delete word / line"),
    bind!(&[ctrl('u')], A::Edit(TextEdit::Clear), G::Filter, S::Text, "delete word / line"),
    bind!(&[code(KeyCode::Left)], A::Edit(TextEdit::Left), G::Filter, S::Text, "move the cursor"),
    bind!(&[code(KeyCode::Right)], A::Edit(TextEdit::Right), G::Filter, S::Text, "move the cursor"),
    bind!(&[code(KeyCode::Home)], A::Edit(TextEdit::Home), G::Filter, S::Text, "move the cursor"),
    bind!(&[code(KeyCode::End)], A::Edit(TextEdit::End), G::Filter, S::Text, "move the cursor"),
    bind!(&[k('n')], A::NewApp, G::AppList, S::Panes, "new app"),
    bind!(&[k('e')], A::EditApp, G::AppList, S::Panes, "edit app (diff before saving)"),
    bind!(&[k('E')], A::EditJson, G::AppList, S::Panes, "edit app as JSON in $EDITOR"),
    bind!(&[k('D')], A::DeleteApp, G::AppList, S::Panes, "delete app (type its name; backed up)"),
    bind!(&[code(KeyCode::Tab)], A::Flow(FlowKey::NextField), G::Form, S::Mode(Mode::Form), "next / previous field"),
    bind!(&[code(KeyCode::BackTab)], A::Flow(FlowKey::PrevField), G::Form, S::Mode(Mode::Form), "next / previous field"),
    bind!(&[code(KeyCode::Enter)], A::Flow(FlowKey::Activate), G::Form, S::Mode(Mode::Form), "toggle, add URI, open scope picker"),
    bind!(&[code(KeyCode::Up)], A::Flow(FlowKey::Up), G::Form, S::Mode(Mode::Form), "move in a list"),
    bind!(&[code(KeyCode::Down)], A::Flow(FlowKey::Down), G::Form, S::Mode(Mode::Form), "move in a list"),
    bind!(&[ctrl('d')], A::Flow(FlowKey::Remove), G::Form, S::Mode(Mode::Form), "remove the URI or scope (from the form)"),
    bind!(&[ctrl('s')], A::Flow(FlowKey::Save), G::Form, S::Mode(Mode::Form), "save (checks first)"),
    bind!(&[code(KeyCode::Up)], A::Flow(FlowKey::Up), G::Picker, S::Mode(Mode::Picker), "move"),
    bind!(&[code(KeyCode::Down)], A::Flow(FlowKey::Down), G::Picker, S::Mode(Mode::Picker), "move"),
    bind!(&[k(' ')], A::Flow(FlowKey::Toggle), G::Picker, S::Mode(Mode::Picker), "select / unselect a scope"),
    bind!(&[code(KeyCode::Tab)], A::Flow(FlowKey::Kind), G::Picker, S::Mode(Mode::Picker), "user / application (where both)"),
    bind!(&[code(KeyCode::Enter)], A::Flow(FlowKey::Activate), G::Picker, S::Mode(Mode::Picker), "done (Esc drops the changes)"),
    bind!(&[k('y')], A::Flow(FlowKey::Yes), G::Confirm, S::Mode(Mode::Review), "send the change"),
    bind!(&[k('n')], A::Flow(FlowKey::No), G::Confirm, S::Mode(Mode::Review), "back to the form"),
    bind!(&[code(KeyCode::Tab), code(KeyCode::Left), code(KeyCode::Right)], A::Flow(FlowKey::NextField), G::Confirm, S::Mode(Mode::Review), "switch button (No first)"),
    bind!(&[code(KeyCode::Enter)], A::Flow(FlowKey::Activate), G::Confirm, S::Mode(Mode::Review), "press the button"),
    bind!(&[code(KeyCode::Enter)], A::Flow(FlowKey::Activate), G::Confirm, S::Mode(Mode::DeleteApp), "delete, once the name is typed"),
    bind!(&[k('j'), code(KeyCode::Down)], A::Down, G::Token, S::Mode(Mode::Token), "scroll the claims"),
    bind!(&[k('k'), code(KeyCode::Up)], A::Up, G::Token, S::Mode(Mode::Token), "scroll the claims"),
    bind!(&[code(KeyCode::PageDown)], A::PageDown, G::Token, S::Mode(Mode::Token), "scroll the claims"),
    bind!(&[code(KeyCode::PageUp)], A::PageUp, G::Token, S::Mode(Mode::Token), "scroll the claims"),
    bind!(&[k('g'), code(KeyCode::Home)], A::Top, G::Token, S::Mode(Mode::Token), "scroll the claims"),
    bind!(&[k('G'), code(KeyCode::End)], A::Bottom, G::Token, S::Mode(Mode::Token), "scroll the claims"),
    bind!(&[k('p')], A::PasteToken, G::Token, S::Mode(Mode::Token), "paste another token to decode"),
    bind!(&[k('q')], A::Back, G::Token, S::Mode(Mode::Token), "close"),
    bind!(&[code(KeyCode::Enter)], A::Submit, G::Token, S::Mode(Mode::TokenPaste), "decode the pasted token"),
    bind!(&[code(KeyCode::Tab), code(KeyCode::BackTab)], A::Flow(FlowKey::NextField), G::Token, S::Mode(Mode::TokenTest), "test: secret / scopes field"),
    bind!(&[code(KeyCode::Enter)], A::Submit, G::Token, S::Mode(Mode::TokenTest), "test: ask for the token"),
    bind!(&[code(KeyCode::Enter)], A::Submit, G::Profiles, S::Mode(Mode::Profiles), "use the profile (says how)"),
    bind!(&[k('q')], A::Back, G::Profiles, S::Mode(Mode::Profiles), "close"),
    bind!(&[k('y')], A::Secret(SK::CopySecret), G::Login, S::Mode(Mode::Login), "copy the URL to open"),
    bind!(&[code(KeyCode::Enter)], A::Submit, G::Login, S::Mode(Mode::Login), "signed in: inspect the token's claims"),
    bind!(&[k('q')], A::Back, G::Login, S::Mode(Mode::Login), "close (cancels a login still waiting)"),
];

/// The message for a key in the given mode, or `None` when the key means nothing there.
pub fn resolve(ev: &KeyEvent, mode: Mode, focus: Pane) -> Option<Msg> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let bound = BINDINGS
        .iter()
        .filter(|b| b.active(mode, focus))
        .find(|b| b.keys.iter().any(|key| key.matches(ev)))
        .map(|b| Msg::Key(b.action));
    if bound.is_some() {
        return bound;
    }
    // In a text field, every other printable character is text.
    if mode.takes_text()
        && let KeyCode::Char(c) = ev.code
        && !ev
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return Some(Msg::Key(Action::Edit(TextEdit::Insert(c))));
    }
    None
}

/// The message for a key while "Terminal too small" is up: that screen says "press q to
/// quit", so q quits whatever the mode (even in a text field), as does Ctrl-C; nothing else
/// means anything, since the user cannot see what it would act on.
pub fn resolve_too_small(ev: &KeyEvent) -> Option<Msg> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let quit = [k('q'), ctrl('c')].iter().any(|key| key.matches(ev));
    quit.then_some(Msg::Key(Action::Quit))
}

/// The help as (group, [(keys, what they do)]), in table order, without duplicates.
pub fn help_sections() -> Vec<(Group, Vec<(String, &'static str)>)> {
    Group::ALL
        .iter()
        .map(|&g| {
            // Bindings of a group that share their text share one line: `j ↓ k ↑  down / up`.
            let mut lines: Vec<(Vec<String>, &'static str)> = Vec::new();
            for b in BINDINGS.iter().filter(|b| b.group == g) {
                let keys = b.keys.iter().map(Key::label);
                match lines.iter_mut().find(|(_, h)| *h == b.help) {
                    Some((known, _)) => {
                        for key in keys {
                            if !known.contains(&key) {
                                known.push(key);
                            }
                        }
                    }
                    None => lines.push((keys.collect(), b.help)),
                }
            }
            let lines: Vec<(String, &'static str)> =
                lines.into_iter().map(|(k, h)| (k.join(" "), h)).collect();
            (g, lines)
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect()
}

/// The commands of the `:` line: name, argument, what it does. Completion and the help use it.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("apps", "", "back to the app list"),
    ("expiring", "", "every secret of the org by expiry"),
    (
        "token",
        "[paste]",
        "inspect the session token, or paste one",
    ),
    ("profile", "[NAME]", "pick a profile, or name one"),
    (
        "login",
        "[CLIENT_ID [SCOPE...]]",
        "sign in as a user in the browser (PKCE)",
    ),
    ("refresh", "", "reload from the server"),
    ("messages", "", "the recent messages in full"),
    ("sort", "FIELD", "sort by name, expiry or scopes"),
    ("help", "", "the keys"),
    ("q", "", "quit"),
];

/// How many lines the help has: each section's title and lines, the commands, and a blank
/// line after each section. The view draws exactly these; `update` scrolls by them.
pub fn help_line_count() -> usize {
    let sections = help_sections();
    let keys: usize = sections.iter().map(|(_, lines)| 1 + lines.len()).sum();
    keys + 1 + COMMANDS.len() + sections.len() + 1
}

/// The key that triggers `action` in the panes, for hints like "press X".
pub fn key_for(action: Action) -> Option<String> {
    BINDINGS
        .iter()
        .find(|b| b.action == action)
        .and_then(|b| b.keys.first())
        .map(Key::label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn enter_means_what_the_focused_pane_says() {
        let enter = key(KeyCode::Enter);
        assert_eq!(
            resolve(&enter, Mode::Normal, Pane::Scopes),
            Some(Msg::Key(Action::ToggleFold))
        );
        assert_eq!(
            resolve(&enter, Mode::Normal, Pane::Apps),
            Some(Msg::Key(Action::ShowDetails))
        );
        assert_eq!(
            resolve(&enter, Mode::Command, Pane::Apps),
            Some(Msg::Key(Action::Submit))
        );
    }

    #[test]
    fn letters_are_text_in_the_filter() {
        let q = key(KeyCode::Char('q'));
        assert_eq!(
            resolve(&q, Mode::Filter, Pane::Apps),
            Some(Msg::Key(Action::Edit(TextEdit::Insert('q'))))
        );
        assert_eq!(
            resolve(&q, Mode::Normal, Pane::Apps),
            Some(Msg::Key(Action::Quit))
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            resolve(&ctrl_c, Mode::Filter, Pane::Apps),
            Some(Msg::Key(Action::Quit))
        );
    }

    #[test]
    fn shifted_letters_match_their_binding() {
        let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(
            resolve(&g, Mode::Normal, Pane::Apps),
            Some(Msg::Key(Action::Bottom))
        );
    }

    #[test]
    fn help_lists_every_group_with_keys() {
        let sections = help_sections();
        assert!(sections.iter().any(|(g, _)| *g == Group::ScopeTree));
        assert_eq!(key_for(Action::ShowExpiring).as_deref(), Some("X"));
    }

    #[test]
    fn too_small_only_quits() {
        assert_eq!(
            resolve_too_small(&key(KeyCode::Char('q'))),
            Some(Msg::Key(Action::Quit))
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(resolve_too_small(&ctrl_c), Some(Msg::Key(Action::Quit)));
        for code in [
            KeyCode::Char('x'),
            KeyCode::Char('y'),
            KeyCode::Char('j'),
            KeyCode::Char('n'),
            KeyCode::Enter,
            KeyCode::Esc,
        ] {
            assert_eq!(resolve_too_small(&key(code)), None, "{code:?}");
        }
    }

    #[test]
    fn leaving_an_unseen_rotation_deletes_on_enter() {
        assert_eq!(
            resolve(&key(KeyCode::Enter), Mode::SecretDiscard, Pane::Apps),
            Some(Msg::Key(Action::Secret(SecretKey::Yes)))
        );
        assert_eq!(
            resolve(&key(KeyCode::Char('n')), Mode::SecretDiscard, Pane::Apps),
            Some(Msg::Key(Action::Secret(SecretKey::Keep)))
        );
    }
}
