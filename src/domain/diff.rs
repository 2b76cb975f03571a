//! What an edit will change, shown before it is sent: the server replaces scopes and redirect
//! URIs wholesale, so the user must see exactly what goes and what comes.

use std::collections::BTreeSet;

use crate::api::model::{UpdateAppRequest, split_redirect_uris};
use crate::domain::sanitize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Name {
        from: String,
        to: String,
    },
    RedirectAdded(String),
    RedirectRemoved(String),
    ScopeAdded(String),
    ScopeRemoved(String),
    /// Same name, other type (user ↔ application).
    ScopeRetyped {
        name: String,
        from: String,
        to: String,
    },
}

/// Names, URIs and scopes come from the server (the "before"): shown sanitised wherever a
/// change is printed, CLI or TUI.
impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (from, to) = match self {
            Change::Name { from, to } | Change::ScopeRetyped { from, to, .. } => {
                (sanitize(from), sanitize(to))
            }
            _ => (Default::default(), Default::default()),
        };
        match self {
            Change::Name { .. } => write!(f, "~ name: {from} → {to}"),
            Change::RedirectAdded(u) => write!(f, "+ redirect URI {}", sanitize(u)),
            Change::RedirectRemoved(u) => write!(f, "- redirect URI {}", sanitize(u)),
            Change::ScopeAdded(s) => write!(f, "+ scope {}", sanitize(s)),
            Change::ScopeRemoved(s) => write!(f, "- scope {}", sanitize(s)),
            Change::ScopeRetyped { name, .. } => {
                write!(f, "~ scope {}: {from} → {to}", sanitize(name))
            }
        }
    }
}

pub fn changes(before: &UpdateAppRequest, after: &UpdateAppRequest) -> Vec<Change> {
    let mut out = Vec::new();
    if before.name != after.name {
        out.push(Change::Name {
            from: before.name.clone(),
            to: after.name.clone(),
        });
    }
    let old_uris: BTreeSet<String> = split_redirect_uris(before.redirect_uri.as_deref())
        .into_iter()
        .collect();
    let new_uris: BTreeSet<String> = split_redirect_uris(after.redirect_uri.as_deref())
        .into_iter()
        .collect();
    out.extend(
        new_uris
            .difference(&old_uris)
            .cloned()
            .map(Change::RedirectAdded),
    );
    out.extend(
        old_uris
            .difference(&new_uris)
            .cloned()
            .map(Change::RedirectRemoved),
    );

    let old: std::collections::BTreeMap<&str, _> = before
        .scopes
        .iter()
        .map(|s| (s.name.as_str(), s.kind))
        .collect();
    let new: std::collections::BTreeMap<&str, _> = after
        .scopes
        .iter()
        .map(|s| (s.name.as_str(), s.kind))
        .collect();
    for (name, kind) in &new {
        match old.get(name) {
            None => out.push(Change::ScopeAdded(format!("{name} ({})", kind.label()))),
            Some(k) if k != kind => out.push(Change::ScopeRetyped {
                name: (*name).to_owned(),
                from: k.label().to_owned(),
                to: kind.label().to_owned(),
            }),
            Some(_) => {}
        }
    }
    for (name, kind) in &old {
        if !new.contains_key(name) {
            out.push(Change::ScopeRemoved(format!("{name} ({})", kind.label())));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{ScopeRef, ScopeType};

    fn req(name: &str, uris: &str, scopes: &[(&str, ScopeType)]) -> UpdateAppRequest {
        UpdateAppRequest {
            name: name.into(),
            redirect_uri: (!uris.is_empty()).then(|| uris.into()),
            scopes: scopes
                .iter()
                .map(|(n, k)| ScopeRef {
                    name: (*n).into(),
                    kind: *k,
                })
                .collect(),
            client_certificates: None,
        }
    }

    #[test]
    fn lists_every_kind_of_change() {
        use ScopeType::*;
        let a = req(
            "A",
            "http://localhost:1,http://x",
            &[("OR.Jobs", Application), ("OR.Tasks", User)],
        );
        let b = req(
            "B",
            "http://x,http://y",
            &[("OR.Jobs", User), ("OR.Queues", Application)],
        );
        let lines: Vec<String> = changes(&a, &b).iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            vec![
                "~ name: A → B",
                "+ redirect URI http://y",
                "- redirect URI http://localhost:1",
                "~ scope OR.Jobs: application → user",
                "+ scope OR.Queues (application)",
                "- scope OR.Tasks (user)",
            ]
        );
        assert!(changes(&a, &a).is_empty());
    }

    #[test]
    fn changes_show_server_text_sanitised() {
        let a = req("evil\u{1b}]0;t\u{7}", "http://x\u{202e}", &[]);
        let b = req("ok", "", &[]);
        for line in changes(&a, &b).iter().map(ToString::to_string) {
            assert!(!line.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{line:?}");
        }
    }
}
