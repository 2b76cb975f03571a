//! `extapps apps create|update|delete|restore`.

use std::io::Write;

use secrecy::ExposeSecret;

use super::output::write_json;
use super::prompt::confirm;
use super::{Failure, shell_quote};
use crate::api::backup_delete::{BackupDeleteError, backup_then_delete};
use crate::api::model::{App, Resource, ScopeRef, ScopeType, UpdateAppRequest, join_redirect_uris};
use crate::api::outcome::{EXIT_UNKNOWN, Outcome};
use crate::api::readback::{self, Applied, UpdateError};
use crate::api::{ApiError, IdentityClient};
use crate::domain::sanitize;
use crate::domain::{app_rules, backup, diff};

/// Turns `NAME`, `NAME:user` or `NAME:app` into a scope for the body. Without a suffix the type
/// follows the catalog where it allows one kind only, else the app's kind: public apps hold
/// user scopes, confidential apps application scopes.
pub fn parse_scopes(
    raw: &[String],
    confidential: bool,
    catalog: &[Resource],
) -> Result<Vec<ScopeRef>, Failure> {
    raw.iter()
        .map(|s| {
            let (name, kind) = match s.rsplit_once(':') {
                Some((n, "user" | "u")) => (n, Some(ScopeType::User)),
                Some((n, "app" | "application" | "a")) => (n, Some(ScopeType::Application)),
                Some((_, other)) => {
                    return Err(Failure::new(
                        format!(
                            "scope {s:?}: the type after ':' must be user or app, not {other:?}"
                        ),
                        2,
                    ));
                }
                None => (s.as_str(), None),
            };
            if let Some(why) = crate::domain::app_rules::implicit_scope_refusal(name) {
                return Err(Failure::new(format!("scope {name}: {why}."), 2));
            }
            let kind = kind.unwrap_or_else(|| {
                let in_catalog = catalog
                    .iter()
                    .flat_map(|r| &r.scopes)
                    .find(|c| c.name == name);
                crate::domain::app_rules::default_scope_kind(
                    in_catalog.map(|c| c.kind),
                    confidential,
                )
            });
            Ok(ScopeRef {
                name: name.to_owned(),
                kind,
            })
        })
        .collect()
}

async fn catalog(client: &IdentityClient) -> Vec<Resource> {
    // The catalog only refines scope types; without it the app's kind decides.
    client.list_resources().await.unwrap_or_default()
}

pub struct CreateArgs<'a> {
    pub name: &'a str,
    pub public: bool,
    pub redirect_uris: &'a [String],
    pub scopes: &'a [String],
    pub json: bool,
}

pub async fn create(
    client: &IdentityClient,
    a: CreateArgs<'_>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    check_redirect_uris("--redirect-uri", a.redirect_uris)?;
    // The server refuses it; said before anything is sent, as a usage error.
    if a.public && a.redirect_uris.is_empty() {
        return Err(Failure::new(
            "--public: a public (non-confidential) app needs a redirect URI: add --redirect-uri URI. Nothing was sent.",
            2,
        ));
    }
    let scopes = parse_scopes(a.scopes, !a.public, &catalog(client).await)?;
    warn_if_taken(client, a.name, !a.public).await;
    let app = client
        .create_app(
            a.name,
            !a.public,
            join_redirect_uris(a.redirect_uris),
            scopes,
        )
        .await
        .map_err(|e| create_failed(e, a.name))?;
    print_created(&app, a.json, out)
}

/// The API stores redirect URIs comma-separated: a comma inside one would silently make two.
fn check_redirect_uris(flag: &str, uris: &[String]) -> Result<(), Failure> {
    // The TUI form's rule, so a URI one front end takes the other takes too.
    match uris.iter().find_map(|u| app_rules::uri_problem(u)) {
        Some(problem) => Err(Failure::new(
            format!("{flag} {problem}; pass {flag} once per URI; nothing was sent"),
            2,
        )),
        None => Ok(()),
    }
}

/// A create (or restore) whose answer did not come back as an app. Names are not unique, so the
/// user is shown how to find apps of that name, and never told to create it again.
pub(super) fn create_failed(e: ApiError, name: &str) -> Failure {
    let look = format!("extapps apps list | grep -F -- {}", shell_quote(name));
    match e.outcome() {
        Outcome::Done => Failure::new(
            format!(
                "the app {name:?} was created (the server answered {}), but its answer was lost ({}), and with it the client id and the first secret. Find it with: {look}. The first secret cannot be read again: mint a new one with extapps secrets create CLIENT_ID. Do not create it again.",
                match &e {
                    ApiError::UnexpectedBody { status, .. } => *status,
                    _ => 200,
                },
                e.lost_detail()
            ),
            EXIT_UNKNOWN,
        ),
        _ => Failure::change(e, &format!("creating the app {name:?}"), &look),
    }
}

/// Names need not be unique, but a second app of a name is usually a mistake (a create run
/// twice, a backup restored twice): said on stderr, naming the app that has it, and the
/// create goes on. The same rule as the TUI form's warning (`app_rules::check`).
async fn warn_if_taken(client: &IdentityClient, name: &str, confidential: bool) {
    let apps = match client.list_apps().await {
        Ok(apps) => apps,
        Err(e) => {
            eprintln!(
                "extapps: warning: could not check whether the name is taken ({e}); creating the app anyway"
            );
            return;
        }
    };
    let draft = app_rules::Draft {
        name,
        confidential,
        redirect_uris: &[],
        scopes: &[],
    };
    for p in app_rules::check(&draft, None, &apps) {
        if p.field == app_rules::Field::Name && p.severity == app_rules::Severity::Warning {
            eprintln!("extapps: warning: {}; creating it anyway", p.text);
        }
    }
}

/// Prints a new app; its first secret goes to stdout, once, and nowhere else.
fn print_created(app: &App, json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    if json {
        write_json(out, app).map_err(|e| Failure::new(e.to_string(), 1))?;
        return Ok(());
    }
    writeln!(out, "created {:?}", sanitize(&app.name))?;
    writeln!(out, "client id:     {}", sanitize(&app.id))?;
    if let Some(secret) = &app.secret {
        writeln!(out, "client secret: {}", secret.expose_secret())?;
        writeln!(out, "(shown once: store it now, it cannot be read again)")?;
    }
    Ok(())
}

pub struct UpdateArgs<'a> {
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub add_scopes: &'a [String],
    pub remove_scopes: &'a [String],
    pub redirect_uris: Option<&'a [String]>,
    pub add_redirect_uris: &'a [String],
    pub remove_redirect_uris: &'a [String],
    pub json: bool,
}

pub async fn update(
    client: &IdentityClient,
    a: UpdateArgs<'_>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    check_redirect_uris("--redirect-uri", a.redirect_uris.unwrap_or_default())?;
    check_redirect_uris("--add-redirect-uri", a.add_redirect_uris)?;
    check_redirect_uris("--remove-redirect-uri", a.remove_redirect_uris)?;
    // The catalog first, so that the read below is as fresh as it can be when the PUT built
    // from it goes out: the server replaces scopes and redirect URIs wholesale.
    let catalog = catalog(client).await;
    let app = client.get_app(a.id).await?;
    let held: Vec<String> = app.scope_refs().into_iter().map(|s| s.name).collect();
    if let Some(absent) = a.remove_scopes.iter().find(|s| !held.contains(s)) {
        return Err(Failure::new(
            format!(
                "--remove-scope {absent:?}: the app {:?} ({}) has no such scope; its scopes are: {}",
                app.name,
                app.id,
                if held.is_empty() {
                    "none".to_owned()
                } else {
                    held.join(", ")
                }
            ),
            2,
        ));
    }
    let before = UpdateAppRequest::from_app(&app);
    let mut after = before.clone();
    if let Some(n) = a.name {
        after.name = n.to_owned();
    }
    let added = parse_scopes(a.add_scopes, app.is_confidential, &catalog)?;
    after
        .scopes
        .retain(|s| !a.remove_scopes.contains(&s.name) && !added.iter().any(|n| n.name == s.name));
    after.scopes.extend(added);
    let mut uris = match a.redirect_uris {
        Some(u) => u.to_vec(),
        None => app.redirect_uris(),
    };
    uris.retain(|u| !a.remove_redirect_uris.contains(u));
    for u in a.add_redirect_uris {
        if !uris.contains(u) {
            uris.push(u.clone());
        }
    }
    after.redirect_uri = join_redirect_uris(&uris);
    let changes = diff::changes(&before, &after);
    if changes.is_empty() {
        writeln!(out, "nothing to change")?;
        return Ok(());
    }
    let look = format!("extapps apps show {}", shell_quote(a.id));
    let applied = match readback::update_and_check(client, a.id, &before, &after).await {
        Ok(applied) => applied,
        Err(UpdateError::Put(e)) => {
            return Err(Failure::change(
                e,
                &format!("updating the app {:?} ({})", app.name, app.id),
                &look,
            ));
        }
        Err(UpdateError::ReadBack(e)) => {
            return Err(Failure::new(
                format!(
                    "the server accepted the update of {:?} ({}), but reading the app back failed ({}), so whether the change stuck was not checked. Look with: {look}",
                    app.name,
                    app.id,
                    e.lost_detail()
                ),
                1,
            ));
        }
    };
    let updated = &applied.app;
    if !applied.stuck() {
        return Err(not_stuck(&applied, &look));
    }
    if a.json {
        write_json(out, updated).map_err(|e| Failure::new(e.to_string(), 1))?;
    } else {
        writeln!(
            out,
            "updated {:?} ({})",
            sanitize(&updated.name),
            sanitize(&updated.id)
        )?;
        for c in changes {
            writeln!(out, "  {c}")?;
        }
    }
    if !applied.unexpected.is_empty() {
        eprintln!(
            "extapps: note: the app also changed on the server meanwhile (someone else's edit): {}",
            join(&applied.unexpected)
        );
    }
    Ok(())
}

/// The update was accepted, yet the server does not show all of it: another edit overwrote it.
pub(super) fn not_stuck(applied: &Applied, look: &str) -> Failure {
    let mut msg = format!(
        "the server accepted the update of {:?} ({}), but these changes are not on the server: {}",
        applied.app.name,
        applied.app.id,
        join(&applied.missing)
    );
    if !applied.unexpected.is_empty() {
        msg.push_str(&format!(
            "; and these changes that were not part of it are: {}",
            join(&applied.unexpected)
        ));
    }
    msg.push_str(&format!(
        ". Another edit at the same time probably overwrote it. Look with: {look}"
    ));
    Failure::new(msg, 1)
}

fn join(changes: &[crate::domain::diff::Change]) -> String {
    changes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn delete(
    client: &IdentityClient,
    id: &str,
    yes: bool,
    backup_dir: &std::path::Path,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let app = match client.get_app(id).await {
        Ok(app) => app,
        Err(ApiError::NotFound { .. }) => return already_gone(id, out),
        Err(e) => return Err(e.into()),
    };
    let mut question = format!(
        "Delete app {:?} ({}) with {} scopes and {} secrets? Integrations using it will stop working.",
        sanitize(&app.name),
        sanitize(&app.id),
        app.scope_count(),
        app.secrets.len()
    );
    if app.id == client.config().credentials.client_id {
        let warning = format!(
            "WARNING: {:?} ({}) is the app extapps itself signs in as: once it is deleted, extapps \
             (and everything else using its client id) can no longer get a token for this organization.",
            app.name, app.id
        );
        if yes {
            eprintln!("extapps: {warning}");
        } else {
            question = format!("{warning}\n{question}");
        }
    }
    confirm(&question, &app.name, yes)?;
    let path = match backup_then_delete(client, id, &app, backup_dir.to_path_buf()).await {
        Ok(path) => path,
        Err(BackupDeleteError::Backup(e)) => {
            return Err(Failure::new(
                format!(
                    "cannot write the backup to {} ({e}), so nothing was deleted. Set EXTAPPS_BACKUP_DIR to a writable directory.",
                    backup_dir.display()
                ),
                1,
            ));
        }
        // Gone between the read and the delete: what the user wanted.
        Err(BackupDeleteError::Delete {
            error: ApiError::NotFound { .. },
            ..
        }) => return already_gone(id, out),
        Err(BackupDeleteError::Delete { error, backup }) => {
            let look = format!("extapps apps show {}", shell_quote(id));
            let what = format!("deleting the app {:?} ({})", app.name, app.id);
            let mut f = Failure::change(error, &what, &look);
            f.message
                .push_str(&format!(" (a backup was written to {})", backup.display()));
            return Err(f);
        }
    };
    writeln!(
        out,
        "deleted {:?} ({})",
        sanitize(&app.name),
        sanitize(&app.id)
    )?;
    writeln!(out, "backup: {}", path.display())?;
    writeln!(out, "restore with: extapps apps restore {}", path.display())?;
    Ok(())
}

pub async fn restore(
    client: &IdentityClient,
    file: &std::path::Path,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let b = backup::read(file).map_err(|m| Failure::new(m, 2))?;
    warn_if_taken(client, &b.name, b.is_confidential).await;
    let app = client
        .create_app(
            &b.name,
            b.is_confidential,
            b.redirect_uri.clone(),
            b.scopes.clone(),
        )
        .await
        .map_err(|e| create_failed(e, &b.name))?;
    print_created(&app, json, out)?;
    if !json {
        writeln!(
            out,
            "(restored from {}; the old client id was {})",
            file.display(),
            sanitize(&b.client_id)
        )?;
    }
    Ok(())
}

/// An app that is not there (any more): after a lost answer to a delete, running it again
/// must tell the user it is done, not fail.
fn already_gone(id: &str, out: &mut dyn Write) -> Result<(), Failure> {
    writeln!(
        out,
        "app {id} is already gone (the server does not know it); nothing to delete"
    )?;
    Ok(())
}
