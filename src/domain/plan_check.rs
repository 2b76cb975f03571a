//! A definition file checked before any request: what the server would refuse (the rules of
//! `app_rules`), scopes the catalog does not have, and names the file gives twice. Every
//! problem at once, each at its line and column, so that one edit fixes them all.

use std::collections::BTreeMap;

use super::app_rules::{self, Draft, Field};
use super::apps_file::{DesiredApp, DesiredFile, FileError};
use crate::api::model::{Resource, ScopeType};

pub fn check(file: &DesiredFile, catalog: &[Resource]) -> Vec<FileError> {
    let mut errors = Vec::new();
    for app in &file.apps {
        check_app(app, catalog, &mut errors);
    }
    duplicates(file, &mut errors);
    errors.sort();
    errors
}

fn check_app(app: &DesiredApp, catalog: &[Resource], errors: &mut Vec<FileError>) {
    let name = &app.name.value;
    for u in &app.redirect_uris {
        if let Some(p) = app_rules::uri_problem(&u.value) {
            errors.push(FileError::new(
                u.at,
                format!("app {name:?}: redirect URI {p}"),
            ));
        }
    }
    let uris = app.uris();
    let scopes = app.scope_refs(catalog);
    let draft = Draft {
        name,
        confidential: app.confidential,
        redirect_uris: &uris,
        scopes: &scopes,
    };
    for p in app_rules::check(&draft, None, []) {
        if p.severity != app_rules::Severity::Error {
            continue;
        }
        let at = match p.field {
            Field::Name => app.name.at,
            Field::Confidential => app.kind_at,
            // URI problems were reported above at each URI; what is left is the missing URI.
            Field::RedirectUris if app.redirect_uris.is_empty() => app.kind_at,
            Field::RedirectUris => continue,
            Field::Scopes => scopes
                .iter()
                .zip(&app.scopes)
                .find(|(s, _)| s.kind != ScopeType::User)
                .map(|(_, d)| d.at)
                .unwrap_or(app.kind_at),
        };
        errors.push(FileError::new(at, format!("app {name:?}: {}", p.text)));
    }
    for s in &app.scopes {
        // Granted to every token: an export may show it on an app (the server lists it), and
        // the plan leaves it alone, so it is no mistake.
        if app_rules::IMPLICIT_SCOPES.contains(&s.name.as_str()) {
            continue;
        }
        let found = catalog
            .iter()
            .flat_map(|r| r.scopes.iter().map(move |c| (r, c)))
            .find(|(_, c)| *c.name == *s.name);
        match found {
            None => errors.push(FileError::new(
                s.at,
                format!(
                    "app {name:?}: scope {} is not in the catalog{}",
                    s.name,
                    suggestion(&s.name, catalog)
                ),
            )),
            Some((r, _)) if *r.name != *s.resource => errors.push(FileError::new(
                s.at,
                format!(
                    "app {name:?}: scope {} belongs to the resource {}, not {}",
                    s.name, r.name, s.resource
                ),
            )),
            Some((_, c)) => {
                let refused = match s.kind {
                    Some(ScopeType::User) => !c.kind.allows_user(),
                    Some(ScopeType::Application) => !c.kind.allows_application(),
                    _ => false,
                };
                if refused {
                    errors.push(FileError::new(
                        s.at,
                        format!(
                            "app {name:?}: scope {} is a {} scope only",
                            s.name,
                            c.kind.label()
                        ),
                    ));
                }
            }
        }
    }
}

/// The closest scope name in the catalog, when one is close enough to be the one meant.
fn suggestion(name: &str, catalog: &[Resource]) -> String {
    catalog
        .iter()
        .flat_map(|r| &r.scopes)
        .map(|c| (strsim::jaro_winkler(name, &c.name), c.name.to_string()))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| format!(" (did you mean {n}?)"))
        .unwrap_or_default()
}

/// Apps are matched by name where they carry no client id, so a name given twice could match
/// either; a client id given twice would make two definitions of one app.
fn duplicates(file: &DesiredFile, errors: &mut Vec<FileError>) {
    let mut by_name: BTreeMap<&str, Vec<&DesiredApp>> = BTreeMap::new();
    let mut by_id: BTreeMap<&str, Vec<&DesiredApp>> = BTreeMap::new();
    for app in &file.apps {
        by_name.entry(&app.name.value).or_default().push(app);
        if let Some(id) = &app.client_id {
            by_id.entry(&id.value).or_default().push(app);
        }
    }
    for (name, apps) in by_name {
        if apps.len() < 2 || apps.iter().all(|a| a.client_id.is_some()) {
            continue;
        }
        let first = apps[0].name.at;
        for a in &apps[1..] {
            errors.push(FileError::new(
                a.name.at,
                format!(
                    "the name {name:?} is also given at line {}: names in the file must be unique, unless each of those apps carries its clientId",
                    first.line
                ),
            ));
        }
    }
    for (id, apps) in by_id {
        let first = apps[0].name.at;
        for a in apps.iter().skip(1) {
            if let Some(c) = &a.client_id {
                errors.push(FileError::new(
                    c.at,
                    format!("the clientId {id} is also given at line {}", first.line),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::apps_file::parse;
    use crate::domain::marked_yaml::Pos;

    fn errors(text: &str) -> Vec<(usize, usize, String)> {
        let file = parse(text).unwrap_or_else(|e| panic!("{e:?}"));
        check(&file, &app_rules::fallback_catalog())
            .into_iter()
            .map(|e| (e.at.line, e.at.col, e.message))
            .collect()
    }

    #[test]
    fn three_mistakes_three_positions() {
        let text = "\
apps:
  - name: Bot
    kind: confidential
    scopes:
      UiPath.Orchestrator:
        OR.Jobz: application
  - name: Mobile
    kind: public
    redirectUris: []
    scopes:
      UiPath.Orchestrator:
        OR.Jobs: user
  - name: Bot
    kind: confidential
    redirectUris: ['localhost-cb']
";
        let e = errors(text);
        let at: Vec<(usize, usize)> = e.iter().map(|(l, c, _)| (*l, *c)).collect();
        assert_eq!(at, [(6, 9), (8, 11), (13, 11), (15, 20)], "{e:#?}");
        assert!(
            e[0].2
                .contains("OR.Jobz is not in the catalog (did you mean OR.Jobs?)"),
            "{e:?}"
        );
        assert!(e[1].2.contains("needs a redirect URI"), "{e:?}");
        assert!(e[2].2.contains("also given at line 2"), "{e:?}");
        assert!(e[3].2.contains("is not a URI"), "{e:?}");
    }

    #[test]
    fn a_public_app_with_application_scopes_points_at_the_scope() {
        let e = errors(
            "apps:\n- name: P\n  kind: public\n  redirectUris: [http://localhost/cb]\n  scopes:\n    UiPath.Orchestrator: {OR.Jobs: application}\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].0, e[0].1), (6, 27));
        assert!(e[0].2.contains("user scopes only"), "{e:?}");
    }

    #[test]
    fn the_same_name_twice_is_fine_when_each_carries_its_id() {
        let e = errors(
            "apps:\n- {name: A, clientId: '1', kind: confidential}\n- {name: A, clientId: '2', kind: confidential}\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let e = errors(
            "apps:\n- {name: A, clientId: '1', kind: confidential}\n- {name: B, clientId: '1', kind: confidential}\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].2.contains("clientId 1 is also given at line 2"));
    }

    #[test]
    fn a_scope_under_the_wrong_resource_or_type_is_named() {
        let e = errors(
            "apps:\n- name: A\n  kind: confidential\n  scopes:\n    Wrong.Resource: {OR.Jobs: application}\n",
        );
        assert!(
            e[0].2
                .contains("belongs to the resource UiPath.Orchestrator"),
            "{e:?}"
        );
        let _ = Pos::default();
    }
}
