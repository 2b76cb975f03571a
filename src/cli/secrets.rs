//! `extapps secrets list`: every secret of the organization, soonest expiry first, with an
//! exit status a cron job or CI pipeline can alert on.

use std::io::Write;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::Failure;
use super::details::{DetailOptions, Unread};
use super::table::Table;
use crate::api::IdentityClient;
use crate::api::model::App;
use crate::domain::expiry;
use crate::domain::secret_state::{self, SecretState};
use crate::domain::{csv_cell, sanitize};

/// Nothing expired, and nothing expiring within the window.
pub const EXIT_OK: i32 = 0;
/// Some secret expires within the window.
pub const EXIT_EXPIRING: i32 = 3;
/// Some secret has already expired (wins over `EXIT_EXPIRING`).
pub const EXIT_EXPIRED: i32 = 4;
/// Some app's details could not be read, so the list is not known to be complete (wins over
/// everything: a monitor must not read 0, 3 or 4 as the whole truth).
pub const EXIT_INCOMPLETE: i32 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Expired,
    /// Expires within the window asked for.
    Expiring,
    Valid,
    Never,
}

/// One secret with the app it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretRow {
    pub app_name: String,
    pub client_id: String,
    pub secret_id: i64,
    pub description: Option<String>,
    pub creation_time: Timestamp,
    pub expiry_time: Option<Timestamp>,
    pub status: Status,
    /// The secret state of the app as a whole (`secret_state::SecretState::key`): an expired
    /// secret of an app whose state is `expires` or `never` is only left to clean up.
    pub app_secret_state: &'static str,
    /// Table text of that state (`no valid secret`, `11d`, `never`), not in JSON or CSV.
    #[serde(skip)]
    pub app_state_text: String,
}

/// A confidential app that cannot get a token: no secret at all, or every one expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoValidSecret {
    pub name: String,
    pub client_id: String,
}

/// The rows to print and the exit status they call for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub rows: Vec<SecretRow>,
    pub expired: usize,
    pub expiring: usize,
    /// Apps whose secrets are all expired or who have none, by name. They change no exit
    /// status of their own (an expired secret already gives 4; an app that never had a secret
    /// has none that expired), but the table names them: an app without secrets has no row.
    pub no_valid: Vec<NoValidSecret>,
}

impl Report {
    pub fn exit_code(&self) -> i32 {
        if self.expired > 0 {
            EXIT_EXPIRED
        } else if self.expiring > 0 {
            EXIT_EXPIRING
        } else {
            EXIT_OK
        }
    }

    /// One line for stderr when the exit status is not 0.
    pub fn summary(&self, within: Option<SignedDuration>) -> Option<String> {
        let plural = |n: usize| if n == 1 { "secret" } else { "secrets" };
        let mut parts = Vec::new();
        if self.expired > 0 {
            let verb = if self.expired == 1 { "has" } else { "have" };
            parts.push(format!(
                "{} {} {verb} expired",
                self.expired,
                plural(self.expired)
            ));
        }
        if let (true, Some(w)) = (self.expiring > 0, within) {
            parts.push(format!(
                "{} {} {} within {}",
                self.expiring,
                plural(self.expiring),
                if self.expiring == 1 {
                    "expires"
                } else {
                    "expire"
                },
                crate::domain::duration::format(w.as_secs(), crate::domain::duration::Style::Exact)
            ));
        }
        (!parts.is_empty()).then(|| parts.join(" and "))
    }
}

/// Flattens every app's secrets, keeps those expiring within `within` (all of them when
/// `None`), and sorts by expiry: expired first, never-expiring last.
pub fn report(apps: &[App], now: Timestamp, within: Option<SignedDuration>) -> Report {
    let horizon = within.and_then(|w| now.checked_add(w).ok());
    let mut rows: Vec<SecretRow> = apps
        .iter()
        .flat_map(|app| {
            let state = secret_state::of(app, now).state;
            app.secrets.iter().map(move |s| (app, state, s))
        })
        .filter_map(|(app, state, s)| {
            let status = match (s.expiry_time, horizon) {
                (Some(e), _) if e <= now => Status::Expired,
                (Some(e), Some(h)) if e <= h => Status::Expiring,
                _ if within.is_some() => return None,
                (Some(_), _) => Status::Valid,
                (None, _) => Status::Never,
            };
            Some(SecretRow {
                app_name: app.name.clone(),
                client_id: app.id.clone(),
                secret_id: s.id,
                description: s.description.clone(),
                creation_time: s.creation_time,
                expiry_time: s.expiry_time,
                status,
                app_secret_state: state.key(),
                app_state_text: secret_state::text(state, now),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (
            a.expiry_time.is_none(),
            a.expiry_time,
            &a.app_name,
            a.secret_id,
        )
            .cmp(&(
                b.expiry_time.is_none(),
                b.expiry_time,
                &b.app_name,
                b.secret_id,
            ))
    });
    let count = |st| rows.iter().filter(|r| r.status == st).count();
    let mut no_valid: Vec<NoValidSecret> = apps
        .iter()
        .filter(|a| secret_state::of(a, now).state == SecretState::NoValidSecret)
        .map(|a| NoValidSecret {
            name: a.name.clone(),
            client_id: a.id.clone(),
        })
        .collect();
    no_valid.sort_by(|a, b| (&a.name, &a.client_id).cmp(&(&b.name, &b.client_id)));
    Report {
        expired: count(Status::Expired),
        expiring: count(Status::Expiring),
        rows,
        no_valid,
    }
}

pub fn write(
    report: &Report,
    format: Format,
    now: Timestamp,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Table => write_table(report, now, out),
        Format::Json => super::output::write_json(out, &report.rows),
        Format::Csv => write_csv(report, out),
    }
}

/// The secrets table's columns; `secrets list --all-profiles` puts PROFILE before them.
pub(super) const TABLE_COLUMNS: [&str; 7] = [
    "APP",
    "CLIENT ID",
    "SECRET ID",
    "DESCRIPTION",
    "EXPIRES",
    "LEFT",
    "APP STATE",
];

/// One row of the secrets table, in `TABLE_COLUMNS` order.
pub(super) fn table_cells(r: &SecretRow, now: Timestamp) -> Vec<String> {
    vec![
        r.app_name.clone(),
        r.client_id.clone(),
        r.secret_id.to_string(),
        r.description.clone().unwrap_or_default(),
        r.expiry_time
            .map(expiry::date)
            .unwrap_or_else(|| "never".to_owned()),
        expiry::badge(r.expiry_time, now),
        r.app_state_text.clone(),
    ]
}

/// The line under a secrets table: how many rows, expired and expiring.
pub(super) fn write_totals(
    rows: usize,
    expired: usize,
    expiring: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{rows} secrets, {expired} expired, {expiring} expiring"
    )
}

fn write_table(report: &Report, now: Timestamp, out: &mut dyn Write) -> std::io::Result<()> {
    let mut table = Table::new(TABLE_COLUMNS.to_vec());
    for r in &report.rows {
        table.row(table_cells(r, now));
    }
    table.write(out)?;
    write_totals(report.rows.len(), report.expired, report.expiring, out)?;
    let names: Vec<String> = report
        .no_valid
        .iter()
        .map(|a| format!("{} ({})", sanitize(&a.name), sanitize(&a.client_id)))
        .collect();
    write_no_valid(&names, out)
}

/// The line under a secrets table that names the apps with no valid secret (`names` already
/// sanitised), if there are any.
pub(super) fn write_no_valid(names: &[String], out: &mut dyn Write) -> std::io::Result<()> {
    if names.is_empty() {
        return Ok(());
    }
    let noun = if names.len() == 1 {
        "app has"
    } else {
        "apps have"
    };
    writeln!(
        out,
        "{} {noun} no valid secret: {}",
        names.len(),
        names.join(", ")
    )
}

/// The CSV header; `--all-profiles` puts `profile,` before it.
pub(super) const CSV_HEADER: &str =
    "appName,clientId,secretId,description,creationTime,expiryTime,status,appSecretState";

/// One CSV row's fields, in `CSV_HEADER` order, before quoting.
pub(super) fn csv_fields(r: &SecretRow) -> Vec<String> {
    let status = serde_json::to_value(r.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    vec![
        r.app_name.clone(),
        r.client_id.clone(),
        r.secret_id.to_string(),
        r.description.clone().unwrap_or_default(),
        r.creation_time.to_string(),
        r.expiry_time.map(|t| t.to_string()).unwrap_or_default(),
        status,
        r.app_secret_state.to_owned(),
    ]
}

/// One CSV line, each field quoted as it needs.
pub(super) fn write_csv_line(fields: &[String], out: &mut dyn Write) -> std::io::Result<()> {
    let line: Vec<String> = fields.iter().map(|c| csv_cell(c)).collect();
    writeln!(out, "{}", line.join(","))
}

fn write_csv(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{CSV_HEADER}")?;
    for r in &report.rows {
        write_csv_line(&csv_fields(r), out)?;
    }
    Ok(())
}

/// Lists the secrets of every app, each app's details read afresh (no cache).
pub async fn list(
    client: &IdentityClient,
    within: Option<SignedDuration>,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    list_with(client, within, format, &DetailOptions::default(), out).await
}

/// Lists the secrets of every app and fails with exit status 3 or 4 (and a one-line summary
/// on stderr) when secrets are expiring or expired, or with 6, naming the apps, when some
/// app's details could not be read.
pub async fn list_with(
    client: &IdentityClient,
    within: Option<SignedDuration>,
    format: Format,
    details: &DetailOptions,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut loaded = super::details::load_all(client, details).await?;
    let now = Timestamp::now();
    let report = report(&loaded.apps, now, within);
    write(&report, format, now, out)?;
    let read = loaded.apps.len();
    let (summary, code) = (report.summary(within), report.exit_code());
    // The apps and a row per secret: freed on another thread while the output is flushed and
    // the process ends.
    crate::memory::free_in_background((std::mem::take(&mut loaded.apps), report));
    if !loaded.complete() {
        return Err(Failure::new(
            incomplete(&loaded.unread, read, summary),
            EXIT_INCOMPLETE,
        ));
    }
    match summary {
        Some(summary) => Err(Failure::new(summary, code)),
        None => Ok(()),
    }
}

/// The stderr message of an incomplete list: which apps, why, and what the rest showed.
fn incomplete(unread: &[Unread], read: usize, found: Option<String>) -> String {
    let mut names: Vec<String> = unread
        .iter()
        .map(|u| format!("{} ({}): {}", sanitize(&u.name), sanitize(&u.id), u.reason))
        .collect();
    names.sort();
    let noun = if unread.len() == 1 { "app" } else { "apps" };
    let found = found
        .map(|f| format!("Among the {read} apps read: {f}."))
        .unwrap_or_default();
    format!(
        "incomplete: the details of {} {noun} could not be read, so their secrets are not listed:\n  {}\n{found}",
        unread.len(),
        names.join("\n  ")
    )
    .trim_end()
    .to_owned()
}

/// `extapps secrets ...`: the listing here, the changes in `secret_ops`.
pub async fn run(cli: &super::args::Cli, cmd: &super::args::SecretsCommand) -> Result<(), Failure> {
    use super::args::SecretsCommand;
    use super::secret_ops;
    if let SecretsCommand::List {
        expiring_within,
        format,
        max_age,
        read_budget,
        all_profiles: true,
    } = cmd
    {
        let args = super::all_profiles::SecretsArgs {
            within: *expiring_within,
            format: *format,
            max_age: *max_age,
            budget: *read_budget,
        };
        return super::all_profiles::secrets(cli, args, &mut std::io::stdout().lock()).await;
    }
    let conn = super::connect::connect(cli).await?;
    let client = &conn.client;
    let out = &mut std::io::stdout().lock();
    match cmd {
        SecretsCommand::List {
            expiring_within,
            format,
            max_age,
            read_budget,
            ..
        } => {
            let details = super::details::DetailOptions {
                max_age: *max_age,
                budget: *read_budget,
                ..conn.details.clone()
            };
            let mut listed = super::output::stdout();
            let result = list_with(client, *expiring_within, *format, &details, &mut listed).await;
            listed.finish(result)
        }
        SecretsCommand::Create { app, new, json } => {
            conn.read_write()?;
            let app = &super::app_ref::resolve(client, app).await?;
            let expiry = new.expiry();
            secret_ops::create(client, app, new.description.clone(), &expiry, *json, out).await
        }
        SecretsCommand::Delete {
            secret_id,
            yes,
            json,
        } => {
            conn.read_write()?;
            secret_ops::delete(client, *secret_id, *yes, *json, &conn.details, out).await
        }
        SecretsCommand::Rotate {
            app,
            new,
            delete_old,
            yes,
            json,
        } => {
            conn.read_write()?;
            let app = &super::app_ref::resolve(client, app).await?;
            let expiry = new.expiry();
            let args = secret_ops::RotateArgs {
                app_id: app,
                description: new.description.clone(),
                expiry: &expiry,
                delete_old: *delete_old,
                yes: *yes,
                json: *json,
            };
            secret_ops::rotate(client, args, out).await
        }
    }
}
