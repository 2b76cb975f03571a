//! `extapps plan`: what apply would do to make the organization match a definition file.
//! The reading, checking and planning here are apply's too.

use std::io::Write;
use std::path::Path;

use jiff::SignedDuration;
use serde_json::json;

use super::Failure;
use super::args::{Cli, PlanArgs};
use super::connect::Connection;
use super::details::{self, DetailOptions};
use super::output::write_json;
use crate::api::model::UpdateAppRequest;
use crate::domain::apps_file::{self, DesiredFile, FileError};
use crate::domain::plan::{self, Plan, Step};
use crate::domain::{diff, plan_check, sanitize};

/// `plan`'s exit status when something would change (terraform's `-detailed-exitcode`).
pub const EXIT_CHANGES: i32 = 2;

/// A definition file as read: where it came from (for messages) and its apps.
pub struct Read {
    pub label: String,
    pub file: DesiredFile,
}

/// Reads and parses the file (`-`: standard input); mistakes in its shape fail here, before
/// anything is sent.
pub fn read(path: &Path) -> Result<Read, Failure> {
    let (label, text) = if path.as_os_str() == "-" {
        let text =
            crate::bounded::read_to_string(std::io::stdin().lock(), crate::bounded::APP_JSON)
                .map_err(|e| Failure::new(format!("cannot read standard input: {e}"), 1))?;
        ("<stdin>".to_owned(), text)
    } else {
        let text = crate::bounded::read_file(path, crate::bounded::APP_JSON)
            .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display()), 1))?;
        (path.display().to_string(), text)
    };
    match apps_file::parse(&text) {
        Ok(file) => Ok(Read { label, file }),
        Err(errors) => Err(mistakes(&label, &errors)),
    }
}

/// Every mistake, one per line as `FILE:LINE:COL: message`.
pub fn mistakes(label: &str, errors: &[FileError]) -> Failure {
    let lines: Vec<String> = errors
        .iter()
        .map(|e| format!("  {label}:{}: {}", e.at, e.message))
        .collect();
    Failure::new(
        format!(
            "{label} has {} mistake{}; nothing was sent:\n{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            lines.join("\n")
        ),
        1,
    )
}

/// Checks the file against the catalog, reads every app afresh and plans.
pub async fn prepare(conn: &Connection, read: &Read, prune: bool) -> Result<Plan, Failure> {
    let client = &conn.client;
    let catalog = match client.list_resources().await {
        Ok(c) if !c.is_empty() => c,
        Ok(_) | Err(_) => {
            eprintln!(
                "extapps: note: the organization's scope catalog could not be read; scopes are checked against the catalog shipped with extapps"
            );
            crate::domain::app_rules::fallback_catalog()
        }
    };
    let errors = plan_check::check(&read.file, &catalog);
    if !errors.is_empty() {
        return Err(mistakes(&read.label, &errors));
    }
    let opts = DetailOptions {
        max_age: SignedDuration::ZERO,
        ..conn.details.clone()
    };
    let loaded = details::load_all(client, &opts).await?;
    let apps = loaded.all_or_fail("no plan was made")?;
    if let Some(org) = &read.file.organization
        && org != &conn.settings.organization
    {
        eprintln!(
            "extapps: note: {} was exported from organization {}; apps whose client id is not found in {} are matched by name",
            read.label,
            sanitize(org),
            sanitize(&conn.settings.organization)
        );
    }
    let own = &conn.settings.client_id;
    plan::plan(
        &read.file,
        &catalog,
        &apps,
        &plan::Options {
            prune,
            own_client_id: own,
        },
    )
    .map_err(|errors| mistakes(&read.label, &errors))
}

/// One step's heading line.
pub fn heading(step: &Step) -> String {
    match step {
        Step::Create(n) => format!(
            "+ create {:?} ({})",
            sanitize(&n.name),
            if n.is_confidential {
                "confidential"
            } else {
                "public"
            }
        ),
        Step::Update { app, .. } => {
            format!("~ update {:?} ({})", sanitize(&app.name), sanitize(&app.id))
        }
        Step::Delete { app } => format!(
            "- delete {:?} ({}) with {} scopes and {} secrets",
            sanitize(&app.name),
            sanitize(&app.id),
            app.scope_count(),
            app.secrets.len()
        ),
    }
}

/// One step's details, in the diff style of `apps update`.
pub fn details(step: &Step) -> Vec<String> {
    match step {
        Step::Create(n) => {
            let empty = UpdateAppRequest {
                name: n.name.clone(),
                redirect_uri: None,
                scopes: Vec::new(),
                client_certificates: None,
            };
            let full = UpdateAppRequest {
                redirect_uri: n.redirect_uri.clone(),
                scopes: n.scopes.clone(),
                ..empty.clone()
            };
            diff::changes(&empty, &full)
                .iter()
                .map(ToString::to_string)
                .collect()
        }
        Step::Update { changes, .. } => changes.iter().map(ToString::to_string).collect(),
        Step::Delete { .. } => Vec::new(),
    }
}

pub fn write_plan(plan: &Plan, organization: &str, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Plan for organization {}:", sanitize(organization))?;
    writeln!(out)?;
    for step in &plan.steps {
        writeln!(out, "{}", heading(step))?;
        for line in details(step) {
            writeln!(out, "    {line}")?;
        }
    }
    if !plan.steps.is_empty() {
        writeln!(out)?;
    }
    if plan.unchanged > 0 {
        writeln!(out, "{} already as the file says.", apps(plan.unchanged))?;
    }
    if !plan.untouched.is_empty() {
        writeln!(
            out,
            "{} of the organization not in the file {} left alone (--prune deletes them): {}",
            apps(plan.untouched.len()),
            if plan.untouched.len() == 1 {
                "is"
            } else {
                "are"
            },
            plan.untouched
                .iter()
                .map(|a| format!("{:?}", sanitize(&a.name)))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if let Some(own) = &plan.kept_own {
        writeln!(
            out,
            "Not deleted: {:?} ({}), the app extapps signs in as, although the file does not name it.",
            sanitize(&own.name),
            sanitize(&own.id)
        )?;
    }
    let (c, u, d) = plan.counts();
    if plan.is_empty() {
        writeln!(out, "No changes: the organization matches the file.")
    } else {
        writeln!(out, "Plan: {c} to create, {u} to change, {d} to delete.")
    }
}

fn apps(n: usize) -> String {
    if n == 1 {
        "1 app".to_owned()
    } else {
        format!("{n} apps")
    }
}

fn plan_json(plan: &Plan, organization: &str) -> serde_json::Value {
    let mut create = Vec::new();
    let mut update = Vec::new();
    let mut delete = Vec::new();
    for step in &plan.steps {
        match step {
            Step::Create(n) => create.push(json!(n)),
            Step::Update { app, changes, .. } => update.push(json!({
                "clientId": app.id,
                "name": app.name,
                "changes": changes.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })),
            Step::Delete { app } => delete.push(json!({"clientId": app.id, "name": app.name})),
        }
    }
    json!({
        "organization": organization,
        "changes": !plan.is_empty(),
        "create": create,
        "update": update,
        "delete": delete,
        "unchanged": plan.unchanged,
        "untouched": plan.untouched.iter().map(|a| json!({"clientId": a.id, "name": a.name})).collect::<Vec<_>>(),
        "keptOwn": plan.kept_own.as_ref().map(|a| json!({"clientId": a.id, "name": a.name})),
    })
}

pub async fn run(cli: &Cli, args: &PlanArgs) -> Result<(), Failure> {
    let read = read(&args.file)?;
    let conn = super::connect::connect(cli).await?;
    let plan = prepare(&conn, &read, args.prune).await?;
    let out = &mut std::io::stdout().lock();
    let org = &conn.settings.organization;
    if args.json {
        write_json(out, &plan_json(&plan, org))?;
    } else {
        write_plan(&plan, org, out)?;
    }
    out.flush()?;
    if plan.is_empty() {
        return Ok(());
    }
    let (c, u, d) = plan.counts();
    Err(Failure::new(
        format!(
            "changes pending: {c} to create, {u} to change, {d} to delete (exit status 2; apply with: extapps apply -f FILE)"
        ),
        EXIT_CHANGES,
    ))
}
