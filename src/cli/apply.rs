//! `extapps apply`: the plan carried out, one change at a time. Each app is backed up before it
//! is changed or deleted; the first failure stops the run, and the report says what was done,
//! what failed (not done, or unknown: never sent again) and what was not tried.

use std::io::Write;
use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;

use super::app_edit::{create_failed, not_stuck};
use super::args::{ApplyArgs, Cli};
use super::plan::{heading, prepare, read, write_plan};
use super::prompt::confirm;
use super::{Failure, shell_quote};
use crate::api::ApiError;
use crate::api::IdentityClient;
use crate::api::backup_delete::{BackupDeleteError, backup_then_delete};
use crate::api::model::{App, UpdateAppRequest};
use crate::api::readback::{self, UpdateError};
use crate::domain::backup::{self, AppBackup};
use crate::domain::plan::{NewApp, Step};
use crate::domain::sanitize;

pub async fn run(cli: &Cli, args: &ApplyArgs) -> Result<(), Failure> {
    let file = read(&args.file)?;
    let conn = super::connect::connect(cli).await?;
    conn.read_write()?;
    let plan = prepare(&conn, &file, args.prune).await?;
    let out = &mut std::io::stdout().lock();
    write_plan(&plan, &conn.settings.organization, out)?;
    out.flush()?;
    if plan.is_empty() {
        return Ok(());
    }
    let (c, u, d) = plan.counts();
    let question = format!(
        "Apply these changes to organization {} ({c} to create, {u} to change, {d} to delete)?",
        conn.settings.organization
    );
    confirm(&question, "yes", args.yes)?;
    let backups = std::env::var_os("EXTAPPS_BACKUP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(backup::default_dir);
    let ctx = Context {
        client: &conn.client,
        backups: &backups,
        secrets_to: args.secrets_to.as_deref(),
    };
    writeln!(out)?;
    let mut done: Vec<String> = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        match ctx.carry_out(step, out).await {
            Ok(line) => {
                out.flush()?;
                done.push(line);
            }
            Err(failure) => {
                out.flush()?;
                return Err(stopped(failure, &done, step, &plan.steps[i + 1..]));
            }
        }
    }
    writeln!(
        out,
        "Apply complete: {c} created, {u} changed, {d} deleted."
    )?;
    Ok(())
}

/// The report of a run that stopped: the failure's own status (1, or 5 for unknown) stays.
fn stopped(failure: Failure, done: &[String], failed: &Step, rest: &[Step]) -> Failure {
    let mut msg = format!(
        "apply stopped at the first failure.\nfailed: {}: {}",
        heading(failed),
        failure.message
    );
    msg.push_str(&format!(
        "\ndone ({}):{}",
        done.len(),
        list(done.iter().cloned())
    ));
    msg.push_str(&format!(
        "\nnot tried ({}):{}",
        rest.len(),
        list(rest.iter().map(heading))
    ));
    msg.push_str("\nSee where the organization stands with: extapps plan -f FILE");
    Failure::new(msg, failure.code)
}

fn list(items: impl Iterator<Item = String>) -> String {
    let lines: Vec<String> = items.map(|l| format!("\n  {l}")).collect();
    if lines.is_empty() {
        " none".to_owned()
    } else {
        lines.concat()
    }
}

struct Context<'a> {
    client: &'a IdentityClient,
    backups: &'a Path,
    secrets_to: Option<&'a Path>,
}

impl Context<'_> {
    /// One change, sent once; the line that says it was done, printed as well.
    async fn carry_out(&self, step: &Step, out: &mut dyn Write) -> Result<String, Failure> {
        let line = match step {
            Step::Create(new) => return self.create(new, out).await,
            Step::Update { app, after, .. } => self.update(app, after).await?,
            Step::Delete { app } => self.delete(app).await?,
        };
        writeln!(out, "{line}")?;
        Ok(line)
    }

    async fn create(&self, new: &NewApp, out: &mut dyn Write) -> Result<String, Failure> {
        let app = self
            .client
            .create_app(
                &new.name,
                new.is_confidential,
                new.redirect_uri.clone(),
                new.scopes.clone(),
            )
            .await
            .map_err(|e| create_failed(e, &new.name))?;
        let line = format!(
            "+ created {:?} ({})",
            sanitize(&app.name),
            sanitize(&app.id)
        );
        writeln!(out, "{line}")?;
        if app.secret.is_some() {
            self.hand_over_secret(&app, out)?;
        }
        Ok(line)
    }

    /// The first secret, once: to its own 0600 file with --secrets-to, else to stdout. A file
    /// that cannot be written must not lose it: then it goes to stdout after all.
    fn hand_over_secret(&self, app: &App, out: &mut dyn Write) -> Result<(), Failure> {
        let Some(secret) = &app.secret else {
            return Ok(());
        };
        if let Some(dir) = self.secrets_to {
            match write_secret_file(dir, app) {
                Ok(path) => {
                    writeln!(
                        out,
                        "  first secret of {:?} written to {}",
                        sanitize(&app.name),
                        path.display()
                    )?;
                    return Ok(());
                }
                Err(e) => eprintln!(
                    "extapps: cannot write the secret file in {} ({e}); printing the secret instead",
                    dir.display()
                ),
            }
        }
        writeln!(
            out,
            "  client secret of {:?} ({}): {}",
            sanitize(&app.name),
            sanitize(&app.id),
            secret.expose_secret()
        )?;
        writeln!(out, "  (shown once: store it now, it cannot be read again)")?;
        Ok(())
    }

    async fn update(&self, planned: &App, after: &UpdateAppRequest) -> Result<String, Failure> {
        let what = format!("updating the app {:?} ({})", planned.name, planned.id);
        let look = format!("extapps apps show {}", shell_quote(&planned.id));
        // The PUT replaces the app whole: built on a state older than the server's, it would
        // undo someone else's change made since the plan.
        let fresh = self.client.get_app(&planned.id).await.map_err(|e| {
            Failure::new(
                format!("cannot read the app before {what} ({e}); nothing was sent"),
                1,
            )
        })?;
        let before = UpdateAppRequest::from_app(&fresh);
        if before != UpdateAppRequest::from_app(planned) {
            return Err(Failure::new(
                format!(
                    "the app {:?} ({}) changed on the server since the plan was made; nothing was sent",
                    fresh.name, fresh.id
                ),
                1,
            ));
        }
        self.backup(&fresh)?;
        match readback::update_and_check(self.client, &planned.id, &before, after).await {
            Ok(applied) if applied.stuck() => Ok(format!(
                "~ updated {:?} ({})",
                sanitize(&after.name),
                sanitize(&planned.id)
            )),
            Ok(applied) => Err(not_stuck(&applied, &look)),
            Err(UpdateError::Put(e)) => Err(Failure::change(e, &what, &look)),
            Err(UpdateError::ReadBack(e)) => Err(Failure::new(
                format!(
                    "the server accepted {what}, but reading the app back failed ({}), so whether the change stuck was not checked. Look with: {look}",
                    e.lost_detail()
                ),
                1,
            )),
        }
    }

    fn backup(&self, app: &App) -> Result<PathBuf, Failure> {
        backup::write(self.backups, &AppBackup::of(app, jiff::Timestamp::now())).map_err(|e| {
            Failure::new(
                format!(
                    "cannot write the backup of {:?} to {} ({e}), so nothing was sent. Set EXTAPPS_BACKUP_DIR to a writable directory.",
                    app.name,
                    self.backups.display()
                ),
                1,
            )
        })
    }

    async fn delete(&self, app: &App) -> Result<String, Failure> {
        let line = |extra: &str| {
            format!(
                "- deleted {:?} ({}){extra}",
                sanitize(&app.name),
                sanitize(&app.id)
            )
        };
        match backup_then_delete(self.client, &app.id, app, self.backups.to_path_buf()).await {
            Ok(path) => Ok(line(&format!("; backup: {}", path.display()))),
            Err(BackupDeleteError::Backup(e)) => Err(Failure::new(
                format!(
                    "cannot write the backup to {} ({e}), so nothing was deleted. Set EXTAPPS_BACKUP_DIR to a writable directory.",
                    self.backups.display()
                ),
                1,
            )),
            Err(BackupDeleteError::Delete {
                error: ApiError::NotFound { .. },
                ..
            }) => Ok(line(" (it was already gone)")),
            Err(BackupDeleteError::Delete { error, backup }) => {
                let look = format!("extapps apps show {}", shell_quote(&app.id));
                let what = format!("deleting the app {:?} ({})", app.name, app.id);
                let mut f = Failure::change(error, &what, &look);
                f.message
                    .push_str(&format!(" (a backup was written to {})", backup.display()));
                Err(f)
            }
        }
    }
}

/// `DIR/<name>-<client id>.secret`, readable by the owner only, holding the value and a newline.
fn write_secret_file(dir: &Path, app: &App) -> std::io::Result<PathBuf> {
    let Some(secret) = &app.secret else {
        return Err(std::io::Error::other("no secret"));
    };
    // Only its owner may list the directory the secrets go to, when extapps makes it.
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    let path = dir.join(format!(
        "{}-{}.secret",
        backup::file_stem(&app.name),
        backup::file_stem(&app.id)
    ));
    let mut opts = std::fs::OpenOptions::new();
    // A file already there is somebody's: never overwritten.
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path)?;
    f.write_all(secret.expose_secret().as_bytes())?;
    f.write_all(b"\n")?;
    Ok(path)
}
