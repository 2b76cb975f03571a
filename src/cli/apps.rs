//! `extapps apps list` and `extapps apps show`.

use std::io::Write;

use jiff::Timestamp;

use super::Failure;
use super::list_json::ListOut;
use super::output::write_json;
use super::table::Table;
use crate::api::IdentityClient;
use crate::api::model::App;
use crate::domain::cells::pad;
use crate::domain::expiry;
use crate::domain::sanitize;
use crate::domain::secret_state;

pub async fn list(client: &IdentityClient, json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let mut apps = client.list_apps().await?;
    // Cached: a key per comparison was two allocations per comparison.
    apps.sort_by_cached_key(|a| a.name.to_lowercase());
    let written = if json {
        let now = Timestamp::now();
        write_json(out, &ListOut::new(&apps, now))
            .map_err(|e| Failure::new(format!("cannot write JSON: {e}"), 1))
    } else {
        write_list(&apps, Timestamp::now(), out).map_err(Failure::from)
    };
    // 5,000 apps are some 100,000 allocations: freed on another thread while the output is
    // flushed and the process ends, not before.
    crate::memory::free_in_background(apps);
    written
}

/// The app in the API's shape plus `detailsKnown` and its secret state; scopes and secrets
/// not loaded are `null`, so that no script reads an empty list as "none".
pub(super) fn list_entry(app: &App, now: Timestamp) -> Result<serde_json::Value, Failure> {
    let mut v = serde_json::to_value(app)
        .map_err(|e| Failure::new(format!("cannot write JSON: {e}"), 1))?;
    if let Some(obj) = v.as_object_mut() {
        if !app.details_known() {
            obj.insert("resources".to_owned(), serde_json::Value::Null);
            obj.insert("secrets".to_owned(), serde_json::Value::Null);
        }
        obj.insert("detailsKnown".to_owned(), app.details_known().into());
        insert_secret_state(obj, app, now);
    }
    Ok(v)
}

/// `secretState` (`not_loaded`, `public`, `no_valid_secret`, `expires`, `never`),
/// `nextExpiry` (the nearest expiry among valid secrets, when the state is `expires`) and
/// `expiredSecrets` (expired secrets left to delete; `null` when not loaded).
pub fn insert_secret_state(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    app: &App,
    now: Timestamp,
) {
    let status = secret_state::of(app, now);
    obj.insert("secretState".to_owned(), status.state.key().into());
    let next = status.next_expiry().map(|t| t.to_string());
    obj.insert("nextExpiry".to_owned(), next.into());
    obj.insert("expiredSecrets".to_owned(), status.expired_known().into());
}

/// Shown where a count or a state is not loaded: never `0` or `-`, which would read as none.
pub const NOT_LOADED: &str = secret_state::NOT_LOADED;

/// The secret state for a table: `no valid secret`, `11d`, `never`, `-` (public), `…` (not
/// loaded), with `(2 expired)` when expired secrets are left to delete.
pub fn state_text(app: &App, now: Timestamp) -> String {
    let status = secret_state::of(app, now);
    let text = secret_state::text(status.state, now);
    if status.expired > 0 {
        format!("{text} ({} expired)", status.expired)
    } else {
        text
    }
}

pub fn write_list(apps: &[App], now: Timestamp, out: &mut dyn Write) -> std::io::Result<()> {
    let mut table = Table::new(vec![
        "NAME",
        "CLIENT ID",
        "KIND",
        "SCOPES",
        "SECRETS",
        "SECRET STATE",
    ]);
    for app in apps {
        let known = app.details_known();
        let or_unknown = |text: String| if known { text } else { NOT_LOADED.to_owned() };
        table.row(vec![
            app.name.clone(),
            app.id.clone(),
            kind(app).to_owned(),
            or_unknown(app.scope_count().to_string()),
            or_unknown(app.secrets.len().to_string()),
            state_text(app, now),
        ]);
    }
    table.write(out)?;
    let unknown = apps.iter().filter(|a| !a.details_known()).count();
    if unknown == 0 {
        writeln!(out, "{} apps", apps.len())
    } else {
        // The list the server sends carries no scopes or secrets; say where to find them.
        writeln!(
            out,
            "{} apps ({unknown} without details loaded: {NOT_LOADED}; `extapps apps show ID` or \
             `extapps secrets list` reads them)",
            apps.len()
        )
    }
}

pub async fn show(
    client: &IdentityClient,
    id: &str,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let app = client.get_app(id).await?;
    if json {
        let mut v = serde_json::to_value(&app)
            .map_err(|e| Failure::new(format!("cannot write JSON: {e}"), 1))?;
        if let Some(obj) = v.as_object_mut() {
            insert_secret_state(obj, &app, Timestamp::now());
        }
        write_json(out, &v).map_err(|e| Failure::new(format!("cannot write JSON: {e}"), 1))?;
        return Ok(());
    }
    write_app(&app, Timestamp::now(), out)?;
    Ok(())
}

pub fn write_app(app: &App, now: Timestamp, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Name:          {}", sanitize(&app.name))?;
    writeln!(out, "Client id:     {}", sanitize(&app.id))?;
    writeln!(out, "Kind:          {}", kind(app))?;
    writeln!(out, "Secret state:  {}", state_text(app, now))?;
    let uris: Vec<String> = app
        .redirect_uris()
        .iter()
        .map(|u| sanitize(u).into_owned())
        .collect();
    if uris.is_empty() {
        writeln!(out, "Redirect URIs: (none)")?;
    } else {
        writeln!(out, "Redirect URIs: {}", uris.join("\n               "))?;
    }
    writeln!(out, "\nScopes ({}):", app.scope_count())?;
    // The kind column starts after the longest name: names are never cut.
    let name_w = app
        .resources
        .iter()
        .flat_map(|r| &r.scopes)
        .map(|s| crate::domain::cells::width(&sanitize(&s.name)))
        .max()
        .unwrap_or(0);
    for res in &app.resources {
        let title = res.display_name.as_deref().unwrap_or(&res.name);
        writeln!(out, "  {} ({})", sanitize(title), sanitize(&res.name))?;
        for s in &res.scopes {
            let name = sanitize(&s.name);
            writeln!(out, "    {} {}", pad(&name, name_w), s.kind.label())?;
        }
    }
    writeln!(out, "\nSecrets ({}):", app.secrets.len())?;
    if !app.secrets.is_empty() {
        let mut table = Table::new(vec!["ID", "DESCRIPTION", "CREATED", "EXPIRES", "LEFT"]);
        let mut secrets: Vec<_> = app.secrets.iter().collect();
        secrets.sort_by_key(|s| (s.expiry_time.is_none(), s.expiry_time));
        for s in secrets {
            table.row(vec![
                s.id.to_string(),
                s.description.clone().unwrap_or_default(),
                expiry::date(s.creation_time),
                s.expiry_time
                    .map(expiry::date)
                    .unwrap_or_else(|| "never".to_owned()),
                expiry::badge(s.expiry_time, now),
            ]);
        }
        let mut buf = Vec::new();
        table.write(&mut buf)?;
        for line in String::from_utf8_lossy(&buf).lines() {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

pub(super) fn kind(app: &App) -> &'static str {
    if app.is_confidential {
        "confidential"
    } else {
        "public"
    }
}

/// `extapps apps ...`: the reads here, the changes in `app_edit`.
pub async fn run(cli: &super::args::Cli, cmd: &super::args::AppsCommand) -> Result<(), Failure> {
    use super::app_edit;
    use super::args::AppsCommand;
    if let AppsCommand::List {
        json,
        all_profiles: true,
    } = cmd
    {
        return super::all_profiles::apps(cli, *json, &mut std::io::stdout().lock()).await;
    }
    let conn = super::connect::connect(cli).await?;
    let client = &conn.client;
    let out = &mut std::io::stdout().lock();
    match cmd {
        AppsCommand::List { json, .. } => {
            let mut listed = super::output::stdout();
            let result = list(client, *json, &mut listed).await;
            listed.finish(result)
        }
        AppsCommand::Show { id, json } => {
            let id = &super::app_ref::resolve(client, id).await?;
            let mut shown = super::output::stdout();
            let result = show(client, id, *json, &mut shown).await;
            shown.finish(result)
        }
        AppsCommand::Create {
            name,
            public,
            redirect_uris,
            scopes,
            json,
        } => {
            conn.read_write()?;
            let args = app_edit::CreateArgs {
                name,
                public: *public,
                redirect_uris,
                scopes,
                json: *json,
            };
            app_edit::create(client, args, out).await
        }
        AppsCommand::Update {
            id,
            name,
            add_scopes,
            remove_scopes,
            redirect_uris,
            add_redirect_uris,
            remove_redirect_uris,
            json,
        } => {
            conn.read_write()?;
            let id = &super::app_ref::resolve(client, id).await?;
            let args = app_edit::UpdateArgs {
                id,
                name: name.as_deref(),
                add_scopes,
                remove_scopes,
                redirect_uris: redirect_uris.as_deref(),
                add_redirect_uris,
                remove_redirect_uris,
                json: *json,
            };
            app_edit::update(client, args, out).await
        }
        AppsCommand::Delete { id, yes } => {
            conn.read_write()?;
            // `EXTAPPS_BACKUP_DIR`, else the user's data directory.
            let dir = std::env::var_os("EXTAPPS_BACKUP_DIR")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(crate::domain::backup::default_dir);
            let id = &super::app_ref::resolve(client, id).await?;
            app_edit::delete(client, id, *yes, &dir, out).await
        }
        AppsCommand::Restore { file, json } => {
            conn.read_write()?;
            app_edit::restore(client, file, *json, out).await
        }
    }
}
