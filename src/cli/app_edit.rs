//! `extapps apps create|update|delete|restore`.

use std::io::Write;

use jiff::Timestamp;
use secrecy::ExposeSecret;

use super::Failure;
use super::prompt::confirm;
use crate::api::IdentityClient;
use crate::api::model::{App, Resource, ScopeRef, ScopeType, UpdateAppRequest, join_redirect_uris};
use crate::{app_rules, backup, diff};

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
            let kind = kind.unwrap_or_else(|| {
                let in_catalog = catalog
                    .iter()
                    .flat_map(|r| &r.scopes)
                    .find(|c| c.name == name);
                crate::app_rules::default_scope_kind(in_catalog.map(|c| c.kind), confidential)
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
    let scopes = parse_scopes(a.scopes, !a.public, &catalog(client).await)?;
    warn_if_taken(client, a.name, !a.public).await;
    let app = client
        .create_app(
            a.name,
            !a.public,
            join_redirect_uris(a.redirect_uris),
            scopes,
        )
        .await?;
    print_created(&app, a.json, out)
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
        serde_json::to_writer_pretty(&mut *out, app).map_err(|e| Failure::new(e.to_string(), 1))?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "created {:?}", app.name)?;
    writeln!(out, "client id:     {}", app.id)?;
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
    // Read fresh: the server replaces scopes and redirect URIs wholesale.
    let app = client.get_app(a.id).await?;
    let before = UpdateAppRequest::from_app(&app);
    let mut after = before.clone();
    if let Some(n) = a.name {
        after.name = n.to_owned();
    }
    let added = parse_scopes(a.add_scopes, app.is_confidential, &catalog(client).await)?;
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
    let updated = client.update_app(a.id, &after).await?;
    if a.json {
        serde_json::to_writer_pretty(&mut *out, &updated)
            .map_err(|e| Failure::new(e.to_string(), 1))?;
        writeln!(out)?;
    } else {
        writeln!(out, "updated {:?} ({})", updated.name, updated.id)?;
        for c in changes {
            writeln!(out, "  {c}")?;
        }
    }
    Ok(())
}

pub async fn delete(
    client: &IdentityClient,
    id: &str,
    yes: bool,
    backup_dir: &std::path::Path,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let app = client.get_app(id).await?;
    let question = format!(
        "Delete app {:?} ({}) with {} scopes and {} secrets? Integrations using it will stop working.",
        app.name,
        app.id,
        app.scope_count(),
        app.secrets.len()
    );
    confirm(&question, &app.name, yes)?;
    let path =
        backup::write(backup_dir, &backup::AppBackup::of(&app, Timestamp::now())).map_err(|e| {
            Failure::new(
                format!("cannot write the backup, so nothing was deleted: {e}"),
                1,
            )
        })?;
    client.delete_app(id).await?;
    writeln!(out, "deleted {:?} ({})", app.name, app.id)?;
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
        .await?;
    print_created(&app, json, out)?;
    if !json {
        writeln!(
            out,
            "(restored from {}; the old client id was {})",
            file.display(),
            b.client_id
        )?;
    }
    Ok(())
}
