//! What a token lets extapps do: each action against the scopes the contract says it needs
//! (the lists in `client.rs`, the same ones a 403 names), decided before anything is sent.

/// Scopes each kind of route needs, as the contract lists them; a 403 names them.
pub const READ_SCOPES: &[&str] = &["PM.OAuthApp", "PM.OAuthApp.Read"];
pub const WRITE_SCOPES: &[&str] = &["PM.OAuthApp", "PM.OAuthApp.Write"];
pub const SECRET_SCOPES: &[&str] = &[
    "PM.OAuthApp",
    "PM.OAuthApp.Write",
    "PM.OAuthAppSecret.Write",
    "PM.OAuthSecret.Write",
];

/// The things extapps does to external apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    List,
    Show,
    Create,
    Edit,
    Delete,
    NewSecret,
    DeleteSecret,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::List,
        Action::Show,
        Action::Create,
        Action::Edit,
        Action::Delete,
        Action::NewSecret,
        Action::DeleteSecret,
    ];

    /// A stable name for JSON output.
    pub fn key(self) -> &'static str {
        match self {
            Action::List => "list",
            Action::Show => "show",
            Action::Create => "create",
            Action::Edit => "edit",
            Action::Delete => "delete",
            Action::NewSecret => "new_secret",
            Action::DeleteSecret => "delete_secret",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::List => "list apps",
            Action::Show => "show an app",
            Action::Create => "create an app",
            Action::Edit => "edit an app",
            Action::Delete => "delete an app",
            Action::NewSecret => "new secret",
            Action::DeleteSecret => "delete a secret",
        }
    }

    /// Any one of these scopes is enough.
    pub fn needs(self) -> &'static [&'static str] {
        match self {
            Action::List | Action::Show => READ_SCOPES,
            Action::Create | Action::Edit | Action::Delete => WRITE_SCOPES,
            Action::NewSecret | Action::DeleteSecret => SECRET_SCOPES,
        }
    }
}

/// Why an action is unavailable: the token has none of the scopes it needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this token lacks {}", .needs.join(" or "))]
pub struct Missing {
    pub action: Action,
    pub needs: &'static [&'static str],
}

/// `Ok` with the scope that grants the action, or what is missing. Scope names compare
/// exactly, as the server compares them.
pub fn allows(scopes: &[String], action: Action) -> Result<&'static str, Missing> {
    action
        .needs()
        .iter()
        .copied()
        .find(|n| scopes.iter().any(|s| s == n))
        .ok_or(Missing {
            action,
            needs: action.needs(),
        })
}

/// One row per action, in the order of [`Action::ALL`].
pub fn table(scopes: &[String]) -> Vec<(Action, Result<&'static str, Missing>)> {
    Action::ALL
        .iter()
        .map(|&a| (a, allows(scopes, a)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn each_scope_grants_what_the_contract_says() {
        let allowed = |scopes: &[&str]| -> Vec<Action> {
            table(&s(scopes))
                .into_iter()
                .filter(|(_, r)| r.is_ok())
                .map(|(a, _)| a)
                .collect()
        };
        assert_eq!(allowed(&["PM.OAuthApp"]), Action::ALL.to_vec());
        assert_eq!(allowed(&["PM.OAuthApp.Read"]), [Action::List, Action::Show]);
        assert_eq!(
            allowed(&["PM.OAuthApp.Write"]),
            [
                Action::Create,
                Action::Edit,
                Action::Delete,
                Action::NewSecret,
                Action::DeleteSecret
            ]
        );
        for secret in ["PM.OAuthAppSecret.Write", "PM.OAuthSecret.Write"] {
            assert_eq!(
                allowed(&[secret]),
                [Action::NewSecret, Action::DeleteSecret]
            );
        }
        assert!(allowed(&["OR.Jobs", "pm.oauthapp"]).is_empty());
        assert!(allowed(&[]).is_empty());
    }

    #[test]
    fn the_reason_names_the_scopes() {
        let err = allows(&s(&["PM.OAuthApp.Read"]), Action::Delete).unwrap_err();
        assert_eq!(
            err.to_string(),
            "this token lacks PM.OAuthApp or PM.OAuthApp.Write"
        );
        assert_eq!(
            allows(&s(&["OR.Jobs", "PM.OAuthApp.Read"]), Action::List),
            Ok("PM.OAuthApp.Read")
        );
    }

    #[test]
    fn keys_and_labels_are_written_down() {
        let keys: Vec<&str> = Action::ALL.iter().map(|a| a.key()).collect();
        assert_eq!(
            keys,
            [
                "list",
                "show",
                "create",
                "edit",
                "delete",
                "new_secret",
                "delete_secret"
            ]
        );
        let labels: Vec<&str> = Action::ALL.iter().map(|a| a.label()).collect();
        assert_eq!(
            labels,
            [
                "list apps",
                "show an app",
                "create an app",
                "edit an app",
                "delete an app",
                "new secret",
                "delete a secret"
            ]
        );
    }
}
