//! The keys of the panes and the keys of every screen (`BINDINGS`, `ACTION_BINDINGS`), the
//! key tables of the list overlays whose keys `update` handles itself (help, details, expiry
//! view, filter, command line), and the resolution of a key: the top overlay's table first
//! (each overlay names its table from its own state: `Overlay::keys`), then what that table
//! lets through. The `?` help is generated from the same tables, so what the help says is
//! what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::model::Pane;
use super::msg::{Msg, TextEdit};

/// What a key asks for. Pane- and overlay-specific meaning is resolved here, not in `update`.
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
    /// Turn the current sort around (`name ▲` to `name ▼`).
    ReverseSort,
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

pub const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}
pub const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}
pub const fn ctrl(c: char) -> Key {
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

/// Where a binding of the panes' table is active. An overlay's own bindings are active
/// whenever its table is (`Scope::Always`, within that table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every screen, whatever overlay is on top.
    Always,
    /// The three panes, no overlay open.
    Panes,
    /// The panes, when this one has the focus.
    Pane(Pane),
    /// Any list: the panes, and the overlays that let the moves through (`Rest::Moves`).
    Lists,
}

pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
    pub group: Group,
    pub scope: Scope,
}

/// A binding of an overlay's table: active whenever the table is.
pub const fn on(keys: &'static [Key], action: Action, group: Group, help: &'static str) -> Binding {
    Binding {
        keys,
        action,
        help,
        group,
        scope: Scope::Always,
    }
}

impl Binding {
    /// With no overlay open.
    fn active_on_panes(&self, focus: Pane) -> bool {
        match self.scope {
            Scope::Always | Scope::Panes | Scope::Lists => true,
            Scope::Pane(p) => p == focus,
        }
    }

    /// Under an overlay whose table lets `rest` through.
    fn active_under(&self, rest: Rest) -> bool {
        match self.scope {
            Scope::Always => true,
            Scope::Lists => rest == Rest::Moves,
            Scope::Panes | Scope::Pane(_) => false,
        }
    }

    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(Key::label)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn matches(&self, ev: &KeyEvent) -> bool {
        self.keys.iter().any(|key| key.matches(ev))
    }
}

/// What becomes of a key an overlay's table does not bind. Ctrl-C and Esc (`Scope::Always` in
/// the panes' table) work under every overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    /// Nothing: the overlay is modal.
    Dropped,
    /// The moves of the panes' table (`Scope::Lists`): the overlay is a list.
    Moves,
    /// The overlay has a text field: the editing keys (`TEXT_KEYS`) apply, and every other
    /// printable key is typed.
    Text,
}

/// The keys an overlay takes in one state. Each overlay names its table from its own state
/// (`Overlay::keys`), so a flow's step can change them.
pub struct KeyTable {
    /// For test failures and logs.
    pub name: &'static str,
    pub bindings: &'static [Binding],
    pub rest: Rest,
}

impl KeyTable {
    pub fn takes_text(&self) -> bool {
        self.rest == Rest::Text
    }

    /// The label of the first key bound to `action` here, for hints like "press X".
    pub fn key_for(&self, action: Action) -> Option<String> {
        first_key(self.bindings, action)
    }
}

/// A table is known by where it lives: two tables are the same table, not two equal ones.
impl PartialEq for KeyTable {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl std::fmt::Debug for KeyTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyTable({})", self.name)
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

/// The keys of the panes, and those of every screen (`Scope::Always`). Order matters where
/// two bindings share a key: the first active one wins. Bindings of one group with the same
/// text share a line in the help.
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
    // Moving works in every list, so it is listed once.
    bind!(&[k('j'), code(KeyCode::Down)], A::Down, G::Move, S::Lists, "down / up"),
    bind!(&[k('k'), code(KeyCode::Up)], A::Up, G::Move, S::Lists, "down / up"),
    bind!(&[k('g'), code(KeyCode::Home)], A::Top, G::Move, S::Lists, "first / last"),
    bind!(&[k('G'), code(KeyCode::End)], A::Bottom, G::Move, S::Lists, "first / last"),
    bind!(&[code(KeyCode::PageUp)], A::PageUp, G::Move, S::Lists, "page up / down"),
    bind!(&[code(KeyCode::PageDown)], A::PageDown, G::Move, S::Lists, "page up / down"),
    bind!(&[k('/')], A::StartFilter, G::AppList, S::Panes, "filter: text, kind: state: expires: scope:"),
    bind!(&[k('o')], A::CycleSort, G::AppList, S::Pane(Pane::Apps), "sort: name, expiry, scopes"),
    bind!(&[k('O')], A::ReverseSort, G::AppList, S::Pane(Pane::Apps), "reverse the sort"),
    bind!(&[code(KeyCode::Enter)], A::ShowDetails, G::AppList, S::Pane(Pane::Apps), "details of the app"),
    bind!(&[code(KeyCode::Enter), k(' ')], A::ToggleFold, G::ScopeTree, S::Pane(Pane::Scopes), "fold / unfold a resource"),
    bind!(&[code(KeyCode::Enter)], A::ShowSecret, G::Secrets, S::Pane(Pane::Secrets), "details of the secret"),
];

/// The pane keys that act on an app or the organization (most of them pass the permission
/// gate in `update`). Apart from `BINDINGS` only for the help: they are listed after the help's
/// and the details' own keys in the sections they share (`overlay::help_order`).
#[rustfmt::skip]
pub static ACTION_BINDINGS: &[Binding] = &[
    bind!(&[k('s')], A::Secret(SK::New), G::Secrets, S::Panes, "new secret for the app"),
    bind!(&[k('R')], A::Secret(SK::Rotate), G::Secrets, S::Panes, "rotate: mint, reveal, verify, retire old"),
    bind!(&[k('x')], A::Secret(SK::Delete), G::Secrets, S::Panes, "delete the secret (asks first)"),
    bind!(&[k('y')], A::Secret(SK::CopyId), G::Global, S::Panes, "copy the app's client id"),
    bind!(&[k('n')], A::NewApp, G::AppList, S::Panes, "new app"),
    bind!(&[k('e')], A::EditApp, G::AppList, S::Panes, "edit app (diff before saving)"),
    bind!(&[k('E')], A::EditJson, G::AppList, S::Panes, "edit app as JSON in $EDITOR"),
    bind!(&[k('D')], A::DeleteApp, G::AppList, S::Panes, "delete app (type its name; backed up)"),
];

/// The `?` overlay: scroll, close.
#[rustfmt::skip]
pub static HELP_KEYS: KeyTable = KeyTable {
    name: "help",
    rest: Rest::Moves,
    bindings: &[
        on(&[k('q'), k('?')], A::Back, G::Global, "close the help"),
    ],
};

/// `:messages`: the recent toasts.
#[rustfmt::skip]
pub static MESSAGES_KEYS: KeyTable = KeyTable {
    name: "messages",
    rest: Rest::Moves,
    bindings: &[
        on(&[k('q')], A::Back, G::Global, "close the messages"),
    ],
};

/// The details of an app.
#[rustfmt::skip]
pub static DETAILS_KEYS: KeyTable = KeyTable {
    name: "details",
    rest: Rest::Moves,
    bindings: &[
        on(&[k('q'), code(KeyCode::Enter)], A::Back, G::AppList, "close the details"),
    ],
};

/// The expiry view.
#[rustfmt::skip]
pub static EXPIRING_KEYS: KeyTable = KeyTable {
    name: "expiring",
    rest: Rest::Moves,
    bindings: &[
        on(&[code(KeyCode::Enter)], A::JumpToApp, G::Expiring, "go to the secret's app"),
        on(&[k('/')], A::StartFilter, G::Expiring, "filter: app name, secret description"),
        on(&[k('q'), k('X')], A::Back, G::Expiring, "close"),
    ],
};

/// The filter line under the app list.
#[rustfmt::skip]
pub static FILTER_KEYS: KeyTable = KeyTable {
    name: "filter",
    rest: Rest::Text,
    bindings: &[
        on(&[code(KeyCode::Enter), code(KeyCode::Down)], A::Submit, G::Filter, "keep the filter"),
    ],
};

/// The keys of every text field (`Rest::Text`), after the overlay's own.
#[rustfmt::skip]
pub static TEXT_KEYS: &[Binding] = &[
        on(&[code(KeyCode::Backspace)], A::Edit(TextEdit::Backspace), G::Filter, "delete a character"),
        on(&[code(KeyCode::Delete)], A::Edit(TextEdit::Delete), G::Filter, "delete a character"),
        on(&[ctrl('w')], A::Edit(TextEdit::DeleteWord), G::Filter, "delete word / line"),
        on(&[ctrl('u')], A::Edit(TextEdit::Clear), G::Filter, "delete word / line"),
        on(&[code(KeyCode::Left)], A::Edit(TextEdit::Left), G::Filter, "move the cursor"),
        on(&[code(KeyCode::Right)], A::Edit(TextEdit::Right), G::Filter, "move the cursor"),
        on(&[code(KeyCode::Home)], A::Edit(TextEdit::Home), G::Filter, "move the cursor"),
        on(&[code(KeyCode::End)], A::Edit(TextEdit::End), G::Filter, "move the cursor"),
];

/// The `:` command line.
#[rustfmt::skip]
pub static COMMAND_KEYS: KeyTable = KeyTable {
    name: "command line",
    rest: Rest::Text,
    bindings: &[
        on(&[code(KeyCode::Enter)], A::Submit, G::Command, "run the command"),
        on(&[code(KeyCode::Tab)], A::Complete, G::Command, "complete the name"),
        on(&[code(KeyCode::Up)], A::HistoryPrev, G::Command, "history"),
        on(&[code(KeyCode::Down)], A::HistoryNext, G::Command, "history"),
    ],
};

/// The message for a key, or `None` when the key means nothing there. `overlay` is the table
/// of the top overlay (`Overlays::keys`), `None` with no overlay open: then the panes' keys
/// apply, those of `focus` among them. An overlay's table is asked first; then the keys its
/// table lets through (`Rest`), and the keys of every screen.
pub fn resolve(ev: &KeyEvent, overlay: Option<&KeyTable>, focus: Pane) -> Option<Msg> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    if let Some(b) = live(overlay, focus).find(|b| b.matches(ev)) {
        return Some(Msg::Key(b.action));
    }
    // In a text field, every other printable character is text.
    if overlay.is_some_and(KeyTable::takes_text)
        && let KeyCode::Char(c) = ev.code
        && !ev
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return Some(Msg::Key(Action::Edit(TextEdit::Insert(c))));
    }
    None
}

/// Every binding in force under `overlay` (`None`: the panes, `focus` among them), in the
/// order `resolve` tries them: the overlay's own table, what it lets through, the text keys.
fn live(overlay: Option<&KeyTable>, focus: Pane) -> impl Iterator<Item = &'static Binding> + '_ {
    let own: &'static [Binding] = overlay.map_or(&[], |t| t.bindings);
    let panes = BINDINGS
        .iter()
        .chain(ACTION_BINDINGS)
        .filter(move |b| match overlay {
            None => b.active_on_panes(focus),
            Some(t) => b.active_under(t.rest),
        });
    let text = TEXT_KEYS
        .iter()
        .filter(move |_| overlay.is_some_and(KeyTable::takes_text));
    own.iter().chain(panes).chain(text)
}

/// The message for a key while "Terminal too small" is up: that screen says "? help, q quit",
/// so q quits whatever the mode (even in a text field), as does Ctrl-C, and ? opens the help,
/// which is drawn over the whole small screen; with the help open its own keys work (they act
/// on what is on screen). Nothing else means anything, since the user cannot see what it
/// would act on.
pub fn resolve_too_small(ev: &KeyEvent, overlay: Option<&KeyTable>, focus: Pane) -> Option<Msg> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    if overlay.is_some_and(|t| std::ptr::eq(t, &HELP_KEYS)) {
        return resolve(ev, overlay, focus);
    }
    if [k('q'), ctrl('c')].iter().any(|key| key.matches(ev)) {
        return Some(Msg::Key(Action::Quit));
    }
    k('?').matches(ev).then_some(Msg::Key(Action::Help))
}

/// The help as (group, [(keys, what they do)]), from `tables` (every table, in the order
/// `overlay::help_order` gives), without duplicates.
pub fn help_sections(tables: &[&[Binding]]) -> Vec<(Group, Vec<(String, &'static str)>)> {
    Group::ALL
        .iter()
        .map(|&g| {
            // Bindings of a group that share their text share one line: `j ↓ k ↑  down / up`.
            let mut lines: Vec<(Vec<String>, &'static str)> = Vec::new();
            for b in tables
                .iter()
                .flat_map(|t| t.iter())
                .filter(|b| b.group == g)
            {
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

/// What the marks of the app list's Expires column mean, for the help.
pub const MARKS: &[(&str, &str)] = &[
    (
        "no valid secret",
        "a confidential app whose secrets are all expired, or that has none",
    ),
    (
        "11d  never",
        "the nearest expiry among the secrets that still work",
    ),
    (
        "+2✗",
        "expired secrets left to delete (the app still has a valid one)",
    ),
    (
        "-  …",
        "a public app (no secrets by design); not loaded yet",
    ),
];

/// How many lines the help has unwrapped: each section's title and lines, the commands, the
/// marks, and a blank line after each section. `update` scrolls by this only before the help
/// was first drawn; after that, by the last page the view laid out (`Model::help_end`).
pub fn help_line_count(tables: &[&[Binding]]) -> usize {
    let sections = help_sections(tables);
    let keys: usize = sections.iter().map(|(_, lines)| 1 + lines.len()).sum();
    keys + 1 + COMMANDS.len() + 1 + MARKS.len() + sections.len() + 2
}

/// The keys that do `action` under this overlay (or on this pane): the keys of its active bindings that no
/// earlier binding takes first. The hint bar names keys through this, so a key it shows is a
/// key that works.
pub fn keys_for(action: Action, overlay: Option<&KeyTable>, focus: Pane) -> Vec<Key> {
    let active = || live(overlay, focus);
    let mut out: Vec<Key> = Vec::new();
    for b in active().filter(|b| b.action == action) {
        for key in b.keys {
            let wins = active()
                .find(|other| other.keys.contains(key))
                .is_some_and(|first| first.action == action);
            if wins && !out.contains(key) {
                out.push(*key);
            }
        }
    }
    out
}

/// The key that triggers `action` in the panes, for hints like "press X".
pub fn key_for(action: Action) -> Option<String> {
    first_key(BINDINGS, action).or_else(|| first_key(ACTION_BINDINGS, action))
}

fn first_key(bindings: &[Binding], action: Action) -> Option<String> {
    bindings
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
            resolve(&enter, None, Pane::Scopes),
            Some(Msg::Key(Action::ToggleFold))
        );
        assert_eq!(
            resolve(&enter, None, Pane::Apps),
            Some(Msg::Key(Action::ShowDetails))
        );
        assert_eq!(
            resolve(&enter, Some(&COMMAND_KEYS), Pane::Apps),
            Some(Msg::Key(Action::Submit))
        );
    }

    #[test]
    fn letters_are_text_in_the_filter() {
        let q = key(KeyCode::Char('q'));
        assert_eq!(
            resolve(&q, Some(&FILTER_KEYS), Pane::Apps),
            Some(Msg::Key(Action::Edit(TextEdit::Insert('q'))))
        );
        assert_eq!(resolve(&q, None, Pane::Apps), Some(Msg::Key(Action::Quit)));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            resolve(&ctrl_c, Some(&FILTER_KEYS), Pane::Apps),
            Some(Msg::Key(Action::Quit))
        );
    }

    #[test]
    fn shifted_letters_match_their_binding() {
        let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(
            resolve(&g, None, Pane::Apps),
            Some(Msg::Key(Action::Bottom))
        );
    }

    #[test]
    fn help_lists_every_group_with_keys() {
        let sections = help_sections(&[BINDINGS, ACTION_BINDINGS]);
        assert!(sections.iter().any(|(g, _)| *g == Group::ScopeTree));
        assert_eq!(key_for(Action::ShowExpiring).as_deref(), Some("X"));
    }

    #[test]
    fn too_small_only_quits_or_helps() {
        assert_eq!(
            resolve_too_small(&key(KeyCode::Char('q')), Some(&FILTER_KEYS), Pane::Apps),
            Some(Msg::Key(Action::Quit))
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            resolve_too_small(&ctrl_c, None, Pane::Apps),
            Some(Msg::Key(Action::Quit))
        );
        assert_eq!(
            resolve_too_small(&key(KeyCode::Char('?')), Some(&COMMAND_KEYS), Pane::Apps),
            Some(Msg::Key(Action::Help))
        );
        for code in [
            KeyCode::Char('x'),
            KeyCode::Char('y'),
            KeyCode::Char('j'),
            KeyCode::Char('n'),
            KeyCode::Enter,
            KeyCode::Esc,
        ] {
            assert_eq!(
                resolve_too_small(&key(code), None, Pane::Secrets),
                None,
                "{code:?}"
            );
        }
    }

    #[test]
    fn a_list_overlay_lets_the_moves_through_and_a_modal_one_does_not() {
        let j = key(KeyCode::Char('j'));
        assert_eq!(
            resolve(&j, Some(&EXPIRING_KEYS), Pane::Apps),
            Some(Msg::Key(Action::Down))
        );
        assert_eq!(
            resolve(&key(KeyCode::Char('r')), Some(&HELP_KEYS), Pane::Apps),
            None
        );
        static MODAL: KeyTable = KeyTable {
            name: "modal",
            rest: Rest::Dropped,
            bindings: &[],
        };
        assert_eq!(resolve(&j, Some(&MODAL), Pane::Apps), None);
        assert_eq!(
            resolve(&key(KeyCode::Esc), Some(&MODAL), Pane::Apps),
            Some(Msg::Key(Action::Back))
        );
    }

    #[test]
    fn leaving_an_unseen_rotation_deletes_on_enter() {
        let discard = Some(&crate::tui::flows::rotate::DISCARD_KEYS);
        assert_eq!(
            resolve(&key(KeyCode::Enter), discard, Pane::Apps),
            Some(Msg::Key(Action::Secret(SecretKey::Yes)))
        );
        assert_eq!(
            resolve(&key(KeyCode::Char('n')), discard, Pane::Apps),
            Some(Msg::Key(Action::Secret(SecretKey::Keep)))
        );
    }
}
