//! What `extapps apply` would do to make the organization match a definition file: apps to
//! create, to change (in the words of `apps update`'s diff) and, with `--prune`, to delete.
//! Pure: the organization's apps (details known) and the file in, the plan out.
//!
//! Matching: by client id when the file carries one the organization has (an export of the
//! same organization), else by name. Client ids differ between organizations, so a file
//! exported from another one matches by name; a name that fits several apps stops the plan.

use std::collections::BTreeSet;

use serde::Serialize;

use super::apps_file::{DesiredApp, DesiredFile, FileError};
use super::diff::{self, Change};
use crate::api::model::{App, Resource, ScopeRef, UpdateAppRequest, join_redirect_uris};

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Create(NewApp),
    Update {
        /// The app as read when planning: what the backup holds and the PUT starts from.
        app: App,
        after: UpdateAppRequest,
        changes: Vec<Change>,
    },
    Delete {
        app: App,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewApp {
    pub name: String,
    pub is_confidential: bool,
    pub redirect_uri: Option<String>,
    pub scopes: Vec<ScopeRef>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// Apps of the file the organization already has as the file says.
    pub unchanged: usize,
    /// Apps of the organization the file does not name, left alone without `--prune`.
    pub untouched: Vec<App>,
    /// The app extapps signs in as, which `--prune` never deletes (it would lock extapps out).
    pub kept_own: Option<App>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for s in &self.steps {
            match s {
                Step::Create(_) => c.0 += 1,
                Step::Update { .. } => c.1 += 1,
                Step::Delete { .. } => c.2 += 1,
            }
        }
        c
    }
}

pub struct Options<'a> {
    pub prune: bool,
    /// The client id extapps signs in with.
    pub own_client_id: &'a str,
}

/// The plan, or why none can be made (an ambiguous name, a kind that cannot change), each at
/// the line of the app concerned. `current` must hold every app with its details known.
pub fn plan(
    file: &DesiredFile,
    catalog: &[Resource],
    current: &[App],
    opts: &Options<'_>,
) -> Result<Plan, Vec<FileError>> {
    let mut errors = Vec::new();
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    // Client ids first: an app the file names by id is not up for grabs by another's name.
    let by_id: Vec<Option<&App>> = file
        .apps
        .iter()
        .map(|d| {
            let id = d.client_id.as_ref()?;
            let app = current.iter().find(|a| a.id == id.value)?;
            matched.insert(&app.id);
            Some(app)
        })
        .collect();
    let mut plan = Plan::default();
    for (desired, found) in file.apps.iter().zip(by_id) {
        let found = match found {
            Some(app) => Some(app),
            None => match by_name(desired, current, &matched) {
                Ok(app) => app,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
        };
        // Scopes every token gets cannot be given or taken: the server ignores them.
        let scopes: Vec<ScopeRef> = desired
            .scope_refs(catalog)
            .into_iter()
            .filter(|s| !implicit(&s.name))
            .collect();
        let Some(app) = found else {
            plan.steps.push(Step::Create(NewApp {
                name: desired.name.value.clone(),
                is_confidential: desired.confidential,
                redirect_uri: join_redirect_uris(&desired.uris()),
                scopes,
            }));
            continue;
        };
        matched.insert(&app.id);
        if app.is_confidential != desired.confidential {
            errors.push(FileError::new(
                desired.kind_at,
                format!(
                    "the app {:?} ({}) is {} in the organization; an app's kind cannot be changed. Delete it and create it anew (a new client id), or fix the kind",
                    app.name,
                    app.id,
                    if app.is_confidential { "confidential" } else { "public" }
                ),
            ));
            continue;
        }
        let before = UpdateAppRequest::from_app(app);
        let after = wanted(&before, desired, scopes);
        let changes = diff::changes(&before, &after);
        if changes.is_empty() {
            plan.unchanged += 1;
        } else {
            plan.steps.push(Step::Update {
                app: app.clone(),
                after,
                changes,
            });
        }
    }
    let mut rest: Vec<&App> = current
        .iter()
        .filter(|a| !matched.contains(a.id.as_str()))
        .collect();
    rest.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    for app in rest {
        if !opts.prune {
            plan.untouched.push(app.clone());
        } else if app.id == opts.own_client_id {
            plan.kept_own = Some(app.clone());
        } else {
            plan.steps.push(Step::Delete { app: app.clone() });
        }
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        errors.sort();
        Err(errors)
    }
}

fn implicit(scope: &str) -> bool {
    super::app_rules::IMPLICIT_SCOPES.contains(&scope)
}

/// The organization's app of the file's name, if one; several stop the plan.
fn by_name<'a>(
    desired: &DesiredApp,
    current: &'a [App],
    matched: &BTreeSet<&str>,
) -> Result<Option<&'a App>, FileError> {
    let candidates: Vec<&App> = current
        .iter()
        .filter(|a| a.name == desired.name.value && !matched.contains(a.id.as_str()))
        .collect();
    match candidates.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(FileError::new(
            desired.name.at,
            format!(
                "the name {:?} fits {} apps of the organization: {}. Add the clientId of the one meant to the file",
                desired.name.value,
                many.len(),
                many.iter()
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The whole editable state the file wants, built on the app as read (so that what the file
/// cannot say, client certificates, stays as it is). Redirect URIs in the server's order when
/// only their order differs: the order means nothing, and rewriting it would be a change.
fn wanted(
    before: &UpdateAppRequest,
    desired: &DesiredApp,
    scopes: Vec<ScopeRef>,
) -> UpdateAppRequest {
    let mut after = before.clone();
    after.name = desired.name.value.clone();
    let old: BTreeSet<String> =
        crate::api::model::split_redirect_uris(before.redirect_uri.as_deref())
            .into_iter()
            .collect();
    let new: BTreeSet<String> = desired
        .uris()
        .into_iter()
        .map(|u| u.trim().to_owned())
        .collect();
    if old != new {
        after.redirect_uri = join_redirect_uris(&desired.uris());
    }
    let same_scopes = {
        let a: BTreeSet<(&str, _)> = before
            .scopes
            .iter()
            .filter(|s| !implicit(&s.name))
            .map(|s| (s.name.as_str(), s.kind))
            .collect();
        let b: BTreeSet<(&str, _)> = scopes.iter().map(|s| (s.name.as_str(), s.kind)).collect();
        a == b
    };
    if !same_scopes {
        let kept = before.scopes.iter().filter(|s| implicit(&s.name)).cloned();
        after.scopes = scopes.into_iter().chain(kept).collect();
    }
    after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{Details, Scope, ScopeType};
    use crate::domain::apps_file::parse;

    fn app(id: &str, name: &str, scopes: &[&str]) -> App {
        App {
            name: name.into(),
            id: id.into(),
            secret: None,
            is_confidential: true,
            redirect_uri: None,
            resources: vec![Resource {
                name: "UiPath.Orchestrator".into(),
                display_name: None,
                description: None,
                scopes: scopes
                    .iter()
                    .map(|s| {
                        Scope {
                            name: (*s).into(),
                            display_name: None,
                            description: None,
                            kind: ScopeType::Application,
                        }
                        .shared()
                    })
                    .collect(),
            }],
            secrets: Vec::new(),
            client_certificates: None,
            details: Details::Known,
        }
    }

    fn run(text: &str, current: &[App], prune: bool) -> Result<Plan, Vec<FileError>> {
        let file = parse(text).unwrap();
        plan(
            &file,
            &crate::domain::app_rules::fallback_catalog(),
            current,
            &Options {
                prune,
                own_client_id: "admin",
            },
        )
    }

    const FILE: &str = "\
apps:
  - name: Bot
    kind: confidential
    scopes: {UiPath.Orchestrator: {OR.Jobs: application, OR.Queues: application}}
  - name: New
    kind: confidential
";

    #[test]
    fn creates_changes_and_prunes_only_when_asked() {
        let current = [
            app("1", "Bot", &["OR.Jobs"]),
            app("2", "Old", &[]),
            app("admin", "extapps", &[]),
        ];
        let p = run(FILE, &current, false).unwrap();
        assert_eq!(p.counts(), (1, 1, 0));
        assert_eq!(p.untouched.len(), 2);
        let Step::Update { changes, .. } = &p.steps[0] else {
            panic!("{p:?}")
        };
        assert_eq!(changes[0].to_string(), "+ scope OR.Queues (application)");
        let p = run(FILE, &current, true).unwrap();
        assert_eq!(p.counts(), (1, 1, 1));
        assert!(matches!(&p.steps[2], Step::Delete { app } if app.id == "2"));
        assert_eq!(p.kept_own.as_ref().map(|a| a.id.as_str()), Some("admin"));
    }

    #[test]
    fn an_unchanged_organization_plans_nothing() {
        let current = [
            app("1", "Bot", &["OR.Jobs", "OR.Queues"]),
            app("3", "New", &[]),
        ];
        let p = run(FILE, &current, true).unwrap();
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(p.unchanged, 2);
    }

    #[test]
    fn a_client_id_wins_over_the_name_and_survives_a_rename() {
        let current = [app("1", "Renamed", &[]), app("2", "Bot", &[])];
        let text = "apps:\n- {name: Bot, clientId: '1', kind: confidential}\n";
        let p = run(text, &current, false).unwrap();
        let Step::Update { app, changes, .. } = &p.steps[0] else {
            panic!("{p:?}")
        };
        assert_eq!(app.id, "1");
        assert_eq!(changes[0].to_string(), "~ name: Renamed → Bot");
        // An id the organization does not have (another organization's): matched by name.
        let text = "apps:\n- {name: Bot, clientId: 'elsewhere', kind: confidential}\n";
        let p = run(text, &current, false).unwrap();
        assert_eq!(p.unchanged, 1, "{p:?}");
    }

    #[test]
    fn an_ambiguous_name_stops_with_the_candidates() {
        let current = [app("1", "Bot", &[]), app("2", "Bot", &[])];
        let e = run(
            "apps:\n- {name: Bot, kind: confidential}\n",
            &current,
            false,
        )
        .unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e[0].message
                .contains("fits 2 apps of the organization: 1, 2"),
            "{e:?}"
        );
        assert_eq!(e[0].at.line, 2);
    }

    #[test]
    fn a_kind_change_is_refused() {
        let current = [app("1", "Bot", &[])];
        let e = run(
            "apps:\n- {name: Bot, kind: public, redirectUris: [http://x/cb]}\n",
            &current,
            false,
        )
        .unwrap_err();
        assert!(e[0].message.contains("kind cannot be changed"), "{e:?}");
    }

    #[test]
    fn redirect_uris_in_another_order_are_no_change() {
        let mut a = app("1", "Bot", &[]);
        a.redirect_uri = Some("http://b,http://a".into());
        let p = run(
            "apps:\n- {name: Bot, kind: confidential, redirectUris: [http://a, http://b]}\n",
            &[a],
            false,
        )
        .unwrap();
        assert!(p.is_empty(), "{p:?}");
    }
}
