//! `extapps apps list` and `extapps apps show`.

use std::io::Write;

use jiff::Timestamp;

use super::Failure;
use super::output::write_json;
use super::table::{Table, pad};
use crate::api::IdentityClient;
use crate::api::model::App;
use crate::domain::sanitize;
use crate::expiry;

pub async fn list(client: &IdentityClient, json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let mut apps = client.list_apps().await?;
    apps.sort_by_key(|a| a.name.to_lowercase());
    if json {
        write_json(out, &apps).map_err(|e| Failure::new(format!("cannot write JSON: {e}"), 1))?;
        return Ok(());
    }
    write_list(&apps, Timestamp::now(), out)?;
    Ok(())
}

pub fn write_list(apps: &[App], now: Timestamp, out: &mut dyn Write) -> std::io::Result<()> {
    let mut table = Table::new(vec![
        "NAME",
        "CLIENT ID",
        "KIND",
        "SCOPES",
        "SECRETS",
        "NEXT EXPIRY",
    ]);
    for app in apps {
        table.row(vec![
            app.name.clone(),
            app.id.clone(),
            kind(app).to_owned(),
            app.scope_count().to_string(),
            app.secrets.len().to_string(),
            next_expiry(app, now),
        ]);
    }
    table.write(out)?;
    writeln!(out, "{} apps", apps.len())
}

pub async fn show(
    client: &IdentityClient,
    id: &str,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let app = client.get_app(id).await?;
    if json {
        write_json(out, &app).map_err(|e| Failure::new(format!("cannot write JSON: {e}"), 1))?;
        return Ok(());
    }
    write_app(&app, Timestamp::now(), out)?;
    Ok(())
}

pub fn write_app(app: &App, now: Timestamp, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Name:          {}", sanitize(&app.name))?;
    writeln!(out, "Client id:     {}", sanitize(&app.id))?;
    writeln!(out, "Kind:          {}", kind(app))?;
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
    for res in &app.resources {
        let title = res.display_name.as_deref().unwrap_or(&res.name);
        writeln!(out, "  {} ({})", sanitize(title), sanitize(&res.name))?;
        for s in &res.scopes {
            let name = sanitize(&s.name);
            writeln!(out, "    {} {}", pad(&name, 40), s.kind.label())?;
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

fn kind(app: &App) -> &'static str {
    if app.is_confidential {
        "confidential"
    } else {
        "public"
    }
}

fn next_expiry(app: &App, now: Timestamp) -> String {
    if app.secrets.is_empty() {
        return "-".to_owned();
    }
    expiry::badge(app.nearest_expiry(), now)
}
