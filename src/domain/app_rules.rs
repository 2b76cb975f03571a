//! What the server accepts for an app, checked before sending so that the user hears about a
//! problem next to the field rather than as a 400 after the round trip. Shared by the CLI and
//! the TUI; pure, so both test it the same way.

use std::collections::BTreeMap;

use crate::api::model::{
    App, Resource, ScopeRef, ScopeType, UpdateAppRequest, join_redirect_uris, split_redirect_uris,
};

/// The catalog shipped with extapps, for when `GET /api/ExternalApiResource` cannot be read.
/// It is the contract's list of scopes seen in the wild, so it may lack an organization's own.
pub fn fallback_catalog() -> Vec<Resource> {
    serde_json::from_str(include_str!("../../assets/fallback-catalog.json"))
        .expect("assets/fallback-catalog.json is a valid catalog (checked by a test)")
}

/// Scopes every token gets without asking; an app cannot be given them.
pub const IMPLICIT_SCOPES: &[&str] = &["OR.Default"];

/// Why `name` cannot be chosen for an app, when it is one of [`IMPLICIT_SCOPES`].
pub fn implicit_scope_refusal(name: &str) -> Option<String> {
    IMPLICIT_SCOPES.contains(&name).then(|| {
        format!(
            "{name} is granted to every token without being asked for; it cannot be selected for an app"
        )
    })
}

/// The type a scope gets when the user does not say: the catalog's when it allows one kind
/// only, else the app's kind (public apps hold user scopes, confidential ones application).
pub fn default_scope_kind(catalog: Option<ScopeType>, confidential: bool) -> ScopeType {
    match catalog {
        Some(ScopeType::User) => ScopeType::User,
        Some(ScopeType::Application) => ScopeType::Application,
        _ if confidential => ScopeType::Application,
        _ => ScopeType::User,
    }
}

/// The part of the form a problem belongs to, so it can be shown beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Name,
    Confidential,
    RedirectUris,
    Scopes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The server would refuse it: nothing is sent.
    Error,
    /// Allowed, but probably not meant (a duplicate name).
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub severity: Severity,
    pub text: String,
}

impl Problem {
    fn error(field: Field, text: impl Into<String>) -> Self {
        Problem {
            field,
            severity: Severity::Error,
            text: text.into(),
        }
    }
}

/// Why a redirect URI would be refused, if it would. Several URIs travel comma-separated in
/// one string, so a comma inside one would split it.
pub fn uri_problem(uri: &str) -> Option<String> {
    let uri = uri.trim();
    if uri.is_empty() {
        return Some("empty URI".to_owned());
    }
    if uri.contains(',') || uri.chars().any(char::is_whitespace) {
        return Some(format!(
            "{uri:?}: no commas or spaces (add URIs one by one)"
        ));
    }
    match url::Url::parse(uri) {
        Ok(_) => None,
        Err(e) => Some(format!(
            "{uri:?} is not a URI ({e}); e.g. http://localhost:8080/cb"
        )),
    }
}

/// The draft of an app as a form or a JSON file describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft<'a> {
    pub name: &'a str,
    pub confidential: bool,
    pub redirect_uris: &'a [String],
    pub scopes: &'a [ScopeRef],
}

/// Everything the server would reject, plus warnings. `others` are the organization's apps
/// (the one being edited is skipped by `own_id`) for the duplicate-name warning.
pub fn check<'a>(
    draft: &Draft<'_>,
    own_id: Option<&str>,
    others: impl IntoIterator<Item = &'a App>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let name = draft.name.trim();
    if name.is_empty() {
        out.push(Problem::error(Field::Name, "a name is required"));
    } else if let Some(other) = others
        .into_iter()
        .find(|a| Some(a.id.as_str()) != own_id && a.name.trim().eq_ignore_ascii_case(name))
    {
        out.push(Problem {
            field: Field::Name,
            severity: Severity::Warning,
            text: format!(
                "another app is named {:?} ({}); allowed, but easy to confuse",
                other.name, other.id
            ),
        });
    }
    for uri in draft.redirect_uris {
        if let Some(p) = uri_problem(uri) {
            out.push(Problem::error(Field::RedirectUris, p));
        }
    }
    if !draft.confidential {
        if draft.redirect_uris.is_empty() {
            out.push(Problem::error(
                Field::RedirectUris,
                "a public (non-confidential) app needs a redirect URI",
            ));
        }
        let app_scopes: Vec<&str> = draft
            .scopes
            .iter()
            .filter(|s| s.kind != ScopeType::User)
            .map(|s| s.name.as_str())
            .collect();
        if !app_scopes.is_empty() {
            out.push(Problem::error(
                Field::Scopes,
                format!(
                    "a public app holds user scopes only; these are application scopes: {}",
                    app_scopes.join(", ")
                ),
            ));
        }
    }
    out
}

pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}

/// The user's edits (from `loaded` to `edited`) replayed on `fresh`, the app as the server has
/// it now. The server replaces scopes and redirect URIs wholesale, so sending `edited` as is
/// would undo whatever someone else changed meanwhile; replaying keeps both.
pub fn apply_edits(
    loaded: &UpdateAppRequest,
    edited: &UpdateAppRequest,
    fresh: &UpdateAppRequest,
) -> UpdateAppRequest {
    let mut out = fresh.clone();
    if edited.name != loaded.name {
        out.name = edited.name.clone();
    }
    let was = split_redirect_uris(loaded.redirect_uri.as_deref());
    let now = split_redirect_uris(edited.redirect_uri.as_deref());
    let mut uris = split_redirect_uris(fresh.redirect_uri.as_deref());
    uris.retain(|u| now.contains(u) || !was.contains(u));
    for u in now.iter().filter(|u| !was.contains(u)) {
        if !uris.contains(u) {
            uris.push(u.clone());
        }
    }
    out.redirect_uri = join_redirect_uris(&uris);

    let kinds = |r: &UpdateAppRequest| -> BTreeMap<String, ScopeType> {
        r.scopes.iter().map(|s| (s.name.clone(), s.kind)).collect()
    };
    let (was, now) = (kinds(loaded), kinds(edited));
    out.scopes
        .retain(|s| now.contains_key(&s.name) || !was.contains_key(&s.name));
    for (name, kind) in &now {
        if was.get(name) == Some(kind) {
            continue;
        }
        match out.scopes.iter_mut().find(|s| &s.name == name) {
            Some(s) => s.kind = *kind,
            None => out.scopes.push(ScopeRef {
                name: name.clone(),
                kind: *kind,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::test_update as req;

    #[test]
    fn the_fallback_catalog_parses_and_has_orchestrator() {
        let c = fallback_catalog();
        assert!(c.iter().any(|r| r.name == "UiPath.Orchestrator"));
        assert!(c.iter().flat_map(|r| &r.scopes).count() > 100);
    }

    #[test]
    fn edits_replay_on_a_fresh_state_without_undoing_others() {
        let loaded = req("A", "http://a", &["OR.Jobs", "OR.Queues"]);
        let edited = req("B", "http://a,http://b", &["OR.Jobs", "OR.Assets"]);
        // Someone else added OR.Tasks and a URI meanwhile.
        let fresh = req(
            "A",
            "http://a,http://c",
            &["OR.Jobs", "OR.Queues", "OR.Tasks"],
        );
        let out = apply_edits(&loaded, &edited, &fresh);
        assert_eq!(out.name, "B");
        assert_eq!(
            out.redirect_uri.as_deref(),
            Some("http://a,http://c,http://b")
        );
        let names: Vec<&str> = out.scopes.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["OR.Jobs", "OR.Tasks", "OR.Assets"]);
    }

    #[test]
    fn public_apps_need_user_scopes_and_a_redirect() {
        let scopes = [ScopeRef {
            name: "OR.Jobs".into(),
            kind: ScopeType::Application,
        }];
        let d = Draft {
            name: " ",
            confidential: false,
            redirect_uris: &["not a uri".into()],
            scopes: &scopes,
        };
        let p = check(&d, None, []);
        let fields: Vec<Field> = p.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [Field::Name, Field::RedirectUris, Field::Scopes],
            "{p:?}"
        );
        assert!(has_errors(&p));
    }

    fn app(id: &str, name: &str) -> App {
        serde_json::from_value(serde_json::json!({"id": id, "name": name})).unwrap()
    }

    #[test]
    fn only_implicit_scopes_are_refused() {
        assert_eq!(
            implicit_scope_refusal("OR.Default").as_deref(),
            Some(
                "OR.Default is granted to every token without being asked for; it cannot be selected for an app"
            )
        );
        assert_eq!(implicit_scope_refusal("OR.Jobs"), None);
    }

    #[test]
    fn the_catalog_decides_the_kind_before_the_app_does() {
        use ScopeType::*;
        for (catalog, confidential, kind) in [
            (Some(User), true, User),
            (Some(Application), false, Application),
            (Some(UserAndApplication), true, Application),
            (Some(UserAndApplication), false, User),
            (None, true, Application),
            (None, false, User),
        ] {
            assert_eq!(
                default_scope_kind(catalog, confidential),
                kind,
                "{catalog:?} {confidential}"
            );
        }
    }

    #[test]
    fn uri_problems_name_the_rule_broken() {
        assert_eq!(uri_problem("http://localhost:8080/cb"), None);
        assert_eq!(uri_problem("  https://x.example/cb "), None);
        assert_eq!(uri_problem(" ").as_deref(), Some("empty URI"));
        assert_eq!(
            uri_problem("http://a,http://b").as_deref(),
            Some("\"http://a,http://b\": no commas or spaces (add URIs one by one)")
        );
        assert_eq!(
            uri_problem("http://a/b c").as_deref(),
            Some("\"http://a/b c\": no commas or spaces (add URIs one by one)")
        );
        let bad = uri_problem("localhost-cb").unwrap();
        assert!(
            bad.starts_with("\"localhost-cb\" is not a URI (")
                && bad.ends_with("); e.g. http://localhost:8080/cb"),
            "{bad}"
        );
    }

    #[test]
    fn a_duplicate_name_warns_unless_it_is_the_app_itself() {
        let others = [app("id-1", "Payroll"), app("id-2", "Other")];
        let draft = Draft {
            name: " payroll ",
            confidential: true,
            redirect_uris: &[],
            scopes: &[],
        };
        let p = check(&draft, None, &others);
        assert_eq!(
            p,
            [Problem {
                field: Field::Name,
                severity: Severity::Warning,
                text: "another app is named \"Payroll\" (id-1); allowed, but easy to confuse"
                    .to_owned(),
            }]
        );
        assert!(!has_errors(&p));
        assert_eq!(check(&draft, Some("id-1"), &others), Vec::<Problem>::new());
        let unique = Draft {
            name: "Billing",
            ..draft
        };
        assert_eq!(check(&unique, None, &others), Vec::<Problem>::new());
    }

    #[test]
    fn a_public_app_without_redirect_and_with_user_scopes() {
        let scopes = [
            ScopeRef {
                name: "OR.Jobs".into(),
                kind: ScopeType::User,
            },
            ScopeRef {
                name: "OR.Queues".into(),
                kind: ScopeType::UserAndApplication,
            },
        ];
        let d = Draft {
            name: "Cli",
            confidential: false,
            redirect_uris: &[],
            scopes: &scopes,
        };
        let texts: Vec<String> = check(&d, None, []).into_iter().map(|p| p.text).collect();
        assert_eq!(
            texts,
            [
                "a public (non-confidential) app needs a redirect URI",
                "a public app holds user scopes only; these are application scopes: OR.Queues"
            ]
        );
        let ok = Draft {
            redirect_uris: &["http://localhost/cb".into()],
            scopes: &scopes[..1],
            ..d
        };
        assert_eq!(check(&ok, None, []), Vec::<Problem>::new());
    }

    #[test]
    fn a_retyped_scope_replays_on_the_fresh_state() {
        let user = |n: &str| ScopeRef {
            name: n.into(),
            kind: ScopeType::User,
        };
        let loaded = req("A", "http://a", &["OR.Jobs", "OR.Queues"]);
        let mut edited = loaded.clone();
        edited.scopes[0] = user("OR.Jobs");
        let fresh = req("A2", "http://a", &["OR.Queues", "OR.Jobs"]);
        let out = apply_edits(&loaded, &edited, &fresh);
        assert_eq!(
            out.name, "A2",
            "the name was not edited: the fresh one stays"
        );
        assert_eq!(out.scopes, [fresh.scopes[0].clone(), user("OR.Jobs")]);
    }
}
