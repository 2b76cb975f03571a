//! `--all-profiles`: `secrets list` and `apps list` over every configured profile at once, one
//! table with a PROFILE column. Each profile is its own organization with its own request pacer,
//! so each stays within its own rate limit. A profile that fails is named on stderr and does not
//! hide the others' rows; the sweep is then INCOMPLETE (exit 6), which wins over 3 and 4, as an
//! app not read does in one organization.

use std::io::Write;

use futures::future::join_all;
use jiff::{SignedDuration, Timestamp};

use super::Failure;
use super::args::Cli;
use super::connect::connect_with;
use super::details::{self, DetailOptions};
use super::secrets::{
    EXIT_EXPIRED, EXIT_EXPIRING, EXIT_INCOMPLETE, Format, NoValidSecret, SecretRow,
};
use super::table::Table;
use crate::api::pacer::Budget;
use crate::config::{ConfigFiles, Flags};
use crate::domain::{sanitize, shown_message};

/// Every configured profile's selector, as `--profile` takes it.
fn selectors(cli: &Cli) -> Result<Vec<String>, Failure> {
    if cli.connection.profile.is_some() || cli.demo {
        return Err(Failure::new(
            "--all-profiles reads every configured profile: it goes with neither --profile nor --demo",
            2,
        ));
    }
    let flags = cli.config_flags();
    let env = |name: &str| std::env::var(name).ok();
    let files = ConfigFiles::load(flags.config.as_deref(), &env)?;
    let list: Vec<String> = files.profiles().into_iter().map(|p| p.selector).collect();
    if list.is_empty() {
        return Err(Failure::new(
            "--all-profiles: no profile is configured (see extapps config profiles and extapps config init)",
            2,
        ));
    }
    for var in ["UIPATH_URI", "UIPATH_ORGANIZATION", "UIPATH_CLIENT_ID"] {
        if std::env::var_os(var).is_some() {
            eprintln!(
                "extapps: warning: {var} is set and overrides every profile's own value: unset it for --all-profiles"
            );
        }
    }
    Ok(list)
}

fn flags_for(cli: &Cli, selector: &str) -> Flags {
    Flags {
        profile: Some(selector.to_owned()),
        ..cli.config_flags()
    }
}

/// One line on stderr per profile that failed.
fn report_failure(selector: &str, f: &Failure) {
    eprintln!(
        "extapps: profile {}: {}",
        sanitize(selector),
        shown_message(&f.message)
    );
}

pub struct SecretsArgs {
    pub within: Option<SignedDuration>,
    pub format: Format,
    pub max_age: SignedDuration,
    pub budget: Budget,
}

pub async fn secrets(cli: &Cli, a: SecretsArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let selectors = selectors(cli)?;
    let runs = selectors.iter().map(|sel| async move {
        let conn = connect_with(cli, &flags_for(cli, sel)).await?;
        let opts = DetailOptions {
            max_age: a.max_age,
            budget: a.budget,
            progress: false,
            ..conn.details.clone()
        };
        details::load_all(&conn.client, &opts).await
    });
    let results = join_all(runs).await;
    let now = Timestamp::now();
    let mut rows: Vec<(String, SecretRow)> = Vec::new();
    let mut no_valid: Vec<(String, NoValidSecret)> = Vec::new();
    let (mut expired, mut expiring, mut incomplete) = (0, 0, 0);
    for (sel, result) in selectors.iter().zip(results) {
        match result {
            Ok(loaded) => {
                let r = super::secrets::report(&loaded.apps, now, a.within);
                expired += r.expired;
                expiring += r.expiring;
                rows.extend(r.rows.into_iter().map(|row| (sel.clone(), row)));
                no_valid.extend(r.no_valid.into_iter().map(|app| (sel.clone(), app)));
                if !loaded.complete() {
                    incomplete += 1;
                    let names: Vec<String> = loaded
                        .unread
                        .iter()
                        .map(|u| {
                            format!("{} ({}): {}", sanitize(&u.name), sanitize(&u.id), u.reason)
                        })
                        .collect();
                    eprintln!(
                        "extapps: profile {}: incomplete: these apps could not be read, so their secrets are not listed:\n  {}",
                        sanitize(sel),
                        names.join("\n  ")
                    );
                }
            }
            Err(f) => {
                incomplete += 1;
                report_failure(sel, &f);
            }
        }
    }
    rows.sort_by(|(pa, a), (pb, b)| {
        (
            a.expiry_time.is_none(),
            a.expiry_time,
            pa,
            &a.app_name,
            a.secret_id,
        )
            .cmp(&(
                b.expiry_time.is_none(),
                b.expiry_time,
                pb,
                &b.app_name,
                b.secret_id,
            ))
    });
    let totals = Totals {
        expired,
        expiring,
        no_valid: &no_valid,
    };
    write_secrets(&rows, &totals, a.format, now, out)?;
    let code = if incomplete > 0 {
        EXIT_INCOMPLETE
    } else if expired > 0 {
        EXIT_EXPIRED
    } else if expiring > 0 {
        EXIT_EXPIRING
    } else {
        return Ok(());
    };
    let mut parts = Vec::new();
    if incomplete > 0 {
        parts.push(format!(
            "incomplete: {incomplete} of {} profiles could not be read whole",
            selectors.len()
        ));
    }
    if expired > 0 {
        parts.push(format!("{expired} secrets have expired"));
    }
    if expiring > 0 {
        parts.push(format!("{expiring} secrets expire within the window"));
    }
    Err(Failure::new(parts.join("; "), code))
}

/// What the table says under its rows, as the one-profile table does.
struct Totals<'a> {
    expired: usize,
    expiring: usize,
    /// Apps with no valid secret, with their profile, in profile order.
    no_valid: &'a [(String, NoValidSecret)],
}

fn write_secrets(
    rows: &[(String, SecretRow)],
    totals: &Totals,
    format: Format,
    now: Timestamp,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    match format {
        Format::Table => {
            let mut columns = vec!["PROFILE"];
            columns.extend(super::secrets::TABLE_COLUMNS);
            let mut table = Table::new(columns);
            for (profile, r) in rows {
                let mut cells = vec![profile.clone()];
                cells.extend(super::secrets::table_cells(r, now));
                table.row(cells);
            }
            table.write(out)?;
            super::secrets::write_totals(rows.len(), totals.expired, totals.expiring, out)?;
            let names: Vec<String> = totals
                .no_valid
                .iter()
                .map(|(profile, a)| {
                    format!(
                        "{} ({}, profile {})",
                        sanitize(&a.name),
                        sanitize(&a.client_id),
                        sanitize(profile)
                    )
                })
                .collect();
            super::secrets::write_no_valid(&names, out)?;
        }
        Format::Json => {
            let values: Vec<serde_json::Value> = rows
                .iter()
                .map(|(profile, r)| {
                    let mut v = serde_json::to_value(r).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("profile".to_owned(), profile.clone().into());
                    }
                    v
                })
                .collect();
            super::output::write_json(out, &values)?;
        }
        Format::Csv => {
            writeln!(out, "profile,{}", super::secrets::CSV_HEADER)?;
            for (profile, r) in rows {
                let mut fields = vec![profile.clone()];
                fields.extend(super::secrets::csv_fields(r));
                super::secrets::write_csv_line(&fields, out)?;
            }
        }
    }
    Ok(())
}

pub async fn apps(cli: &Cli, json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let selectors = selectors(cli)?;
    let runs = selectors.iter().map(|sel| async move {
        let conn = connect_with(cli, &flags_for(cli, sel)).await?;
        Ok::<_, Failure>(conn.client.list_apps().await?)
    });
    let results = join_all(runs).await;
    let now = Timestamp::now();
    let mut rows = Vec::new();
    let mut failed = 0;
    for (sel, result) in selectors.iter().zip(results) {
        match result {
            Ok(apps) => rows.extend(apps.into_iter().map(|a| (sel.clone(), a))),
            Err(f) => {
                failed += 1;
                report_failure(sel, &f);
            }
        }
    }
    rows.sort_by(|(pa, a), (pb, b)| {
        (pa, a.name.to_lowercase(), &a.id).cmp(&(pb, b.name.to_lowercase(), &b.id))
    });
    if json {
        let mut values = Vec::new();
        for (profile, app) in &rows {
            let mut v = super::apps::list_entry(app, now)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("profile".to_owned(), profile.clone().into());
            }
            values.push(v);
        }
        super::output::write_json(out, &values)?;
    } else {
        let mut table = Table::new(vec![
            "PROFILE",
            "NAME",
            "CLIENT ID",
            "KIND",
            "SCOPES",
            "SECRETS",
            "SECRET STATE",
        ]);
        for (profile, app) in &rows {
            let known = app.details_known();
            let or_unknown = |text: String| {
                if known {
                    text
                } else {
                    super::apps::NOT_LOADED.to_owned()
                }
            };
            table.row(vec![
                profile.clone(),
                app.name.clone(),
                app.id.clone(),
                super::apps::kind(app).to_owned(),
                or_unknown(app.scope_count().to_string()),
                or_unknown(app.secrets.len().to_string()),
                super::apps::state_text(app, now),
            ]);
        }
        table.write(out)?;
        writeln!(out, "{} apps", rows.len())?;
    }
    if failed > 0 {
        return Err(Failure::new(
            format!(
                "incomplete: {failed} of {} profiles could not be read",
                selectors.len()
            ),
            EXIT_INCOMPLETE,
        ));
    }
    Ok(())
}
