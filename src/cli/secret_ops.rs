//! `extapps secrets create|delete|rotate`. A new secret's value goes to stdout once, before
//! anything else can fail, so a later error never loses it; everything destructive asks (or
//! needs `--yes`).

use std::io::Write;

use jiff::{SignedDuration, Timestamp, civil::Date, tz::TimeZone};
use secrecy::ExposeSecret;
use serde_json::json;

use super::prompt::confirm;
use super::{Failure, shell_quote};
use crate::api::model::{App, Secret};
use crate::api::outcome::{EXIT_UNKNOWN, Outcome};
use crate::api::{ApiError, IdentityClient};
use crate::domain::expiry;
use crate::domain::sanitize;

/// How the new secret should expire, as the flags said.
#[derive(Debug, Clone, Default)]
pub struct ExpiryFlags {
    pub expires_in: Option<SignedDuration>,
    pub expires: Option<Date>,
    pub never_expires: bool,
}

pub const DEFAULT_LIFETIME_DAYS: i64 = 90;

impl ExpiryFlags {
    pub fn resolve(&self, now: Timestamp) -> Result<Option<Timestamp>, Failure> {
        if self.never_expires {
            return Ok(None);
        }
        if let Some(date) = self.expires {
            let at = crate::domain::expiry::parse_date(&date.to_string(), now, &TimeZone::UTC)
                .map_err(|e| Failure::new(format!("--expires: {e}"), 2))?;
            return Ok(Some(at));
        }
        let lifetime = self
            .expires_in
            .unwrap_or(SignedDuration::from_hours(24 * DEFAULT_LIFETIME_DAYS));
        if lifetime <= SignedDuration::ZERO {
            return Err(Failure::new("--expires-in must be positive", 2));
        }
        let latest = crate::domain::duration::format(
            crate::domain::duration::MAX.as_secs(),
            crate::domain::duration::Style::Exact,
        );
        let at = now.checked_add(lifetime).map_err(|_| {
            Failure::new(
                format!("--expires-in is too long; the longest is {latest}"),
                2,
            )
        })?;
        Ok(Some(at))
    }
}

pub fn default_description(now: Timestamp) -> String {
    format!("created by extapps on {}", expiry::date(now))
}

fn describe(s: &Secret, now: Timestamp) -> String {
    format!(
        "#{} {:?} (created {}, {})",
        s.id,
        s.description.as_deref().unwrap_or("no description"),
        expiry::date(s.creation_time),
        match s.expiry_time {
            None => "never expires".to_owned(),
            Some(t) if t <= now =>
                format!("{} on {}", expiry::badge(Some(t), now), expiry::date(t)),
            Some(t) => format!(
                "expires {} ({})",
                expiry::date(t),
                expiry::badge(Some(t), now)
            ),
        }
    )
}

fn secret_json(app: &App, s: &Secret) -> serde_json::Value {
    json!({
        "clientId": app.id,
        "id": s.id,
        "description": s.description,
        "creationTime": s.creation_time,
        "expiryTime": s.expiry_time,
        "secret": s.secret.as_ref().map(|v| v.expose_secret().to_owned()),
    })
}

fn print_json(out: &mut dyn Write, v: &serde_json::Value) -> Result<(), Failure> {
    super::output::write_json(out, v).map_err(|e| Failure::new(e.to_string(), 1))?;
    Ok(())
}

/// Mints, and turns a lost answer into the words the user needs: it was not retried.
async fn mint(
    client: &IdentityClient,
    app: &App,
    description: Option<String>,
    expiry: Option<Timestamp>,
) -> Result<Secret, Failure> {
    client
        .generate_secret(&app.id, description, expiry)
        .await
        .map_err(|e| {
            let look = format!("extapps apps show {}", shell_quote(&app.id));
            match e.outcome() {
                Outcome::Done => Failure::new(
                    format!(
                        "a new secret was created on {:?} ({}), but the answer holding its value was lost ({}); the value cannot be read again, so delete that secret (the newest one, see: {look}) and do not use it",
                        app.name,
                        app.id,
                        e.lost_detail()
                    ),
                    EXIT_UNKNOWN,
                ),
                _ => Failure::change(
                    e,
                    &format!("minting a new secret on {:?} ({})", app.name, app.id),
                    &look,
                ),
            }
        })
}

fn print_secret(out: &mut dyn Write, app: &App, s: &Secret, now: Timestamp) -> Result<(), Failure> {
    writeln!(
        out,
        "created secret {} on {:?} ({})",
        describe(s, now),
        app.name,
        sanitize(&app.id)
    )?;
    match &s.secret {
        Some(v) => {
            writeln!(out, "client secret: {}", v.expose_secret())?;
            writeln!(out, "(shown once: store it now, it cannot be read again)")?;
        }
        None => writeln!(
            out,
            "the server sent no value for it: delete it, it cannot be used"
        )?,
    }
    Ok(())
}

pub async fn create(
    client: &IdentityClient,
    app_id: &str,
    description: Option<String>,
    expiry: &ExpiryFlags,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let now = Timestamp::now();
    let expiry = expiry.resolve(now)?;
    let app = client.get_app(app_id).await?;
    let description = description.unwrap_or_else(|| default_description(now));
    let secret = mint(client, &app, Some(description), expiry).await?;
    if json {
        print_json(out, &secret_json(&app, &secret))
    } else {
        print_secret(out, &app, &secret, now)
    }
}

pub async fn delete(
    client: &IdentityClient,
    secret_id: i64,
    yes: bool,
    json: bool,
    details: &super::details::DetailOptions,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let now = Timestamp::now();
    // The secret's app, and with it what deleting it would break. The list carries no
    // secrets on the live server, so apps are read (or taken from the details cache).
    let owner = super::details::find_secret_owner(client, secret_id, details).await?;
    let Some((app, secret)) = owner
        .as_ref()
        .and_then(|a| a.secrets.iter().find(|s| s.id == secret_id).map(|s| (a, s)))
    else {
        return already_gone(secret_id, None, json, out);
    };
    let last = crate::domain::expiry::is_last_working(app, secret_id, now);
    let question = if last {
        format!(
            "Delete secret {} of {:?} ({})? It is the app's last unexpired secret: nothing will get a token as this app afterwards.",
            describe(secret, now),
            app.name,
            app.id
        )
    } else {
        format!(
            "Delete secret {} of {:?} ({})? Integrations still using it stop working.",
            describe(secret, now),
            app.name,
            app.id
        )
    };
    confirm(&question, if last { &app.name } else { "yes" }, yes)?;
    match client.delete_secret(secret_id).await {
        Ok(()) => {}
        Err(ApiError::NotFound { .. }) => return already_gone(secret_id, Some(app), json, out),
        Err(e) => {
            return Err(Failure::change(
                e,
                &format!(
                    "deleting secret #{secret_id} of {:?} ({})",
                    app.name, app.id
                ),
                &format!("extapps apps show {}", shell_quote(&app.id)),
            ));
        }
    }
    if json {
        print_json(out, &json!({ "clientId": app.id, "deleted": [secret_id] }))
    } else {
        writeln!(
            out,
            "deleted secret #{secret_id} of {:?} ({})",
            app.name,
            sanitize(&app.id)
        )?;
        Ok(())
    }
}

/// A secret that is not there (any more): after a lost answer to a delete, running it again
/// must say it is done. A mistyped id lands here too, so the note says both.
fn already_gone(
    secret_id: i64,
    app: Option<&App>,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let note = match app {
        Some(app) => format!(
            "secret #{secret_id} of {:?} ({}) is already gone; nothing to delete",
            app.name, app.id
        ),
        None => format!(
            "no app of the organization has a secret #{secret_id}: it is already gone (or the id is wrong); nothing to delete"
        ),
    };
    if json {
        eprintln!("extapps: {note}");
        print_json(
            out,
            &json!({ "clientId": app.map(|a| a.id.clone()), "deleted": [], "alreadyGone": [secret_id] }),
        )
    } else {
        writeln!(out, "{note}")?;
        Ok(())
    }
}

pub struct RotateArgs<'a> {
    pub app_id: &'a str,
    pub description: Option<String>,
    pub expiry: &'a ExpiryFlags,
    pub delete_old: bool,
    pub yes: bool,
    pub json: bool,
}

/// Mint, print once, verify with a client-credentials token, then (only with `--delete-old`
/// and a yes) delete the secrets that existed before.
pub async fn rotate(
    client: &IdentityClient,
    a: RotateArgs<'_>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let now = Timestamp::now();
    let expiry = a.expiry.resolve(now)?;
    let app = client.get_app(a.app_id).await?;
    let old: Vec<Secret> = app.secrets.clone();
    let description = a.description.unwrap_or_else(|| default_description(now));
    let mut secret = mint(client, &app, Some(description), expiry).await?;
    if !a.json {
        print_secret(out, &app, &secret, now)?;
        out.flush()?;
    }
    let verified = match &secret.secret {
        Some(v) => crate::api::app_token::verify_new_secret(client, &app.id, v).await,
        None => Err(crate::api::ApiError::Config("no value was returned".into())),
    };
    let mut report = json!({ "secret": secret_json(&app, &secret) });
    // The value has been written (or is in `report`): nothing else needs it.
    secret.secret = None;
    let scopes = match verified {
        Ok(scopes) => scopes,
        Err(e) => {
            let check = crate::api::secret_check::SecretCheck::of(&e);
            let msg = format!(
                "step 1 completed: new secret #{} exists on {:?}; step 2 failed: {}. No old secret was deleted.",
                secret.id,
                app.name,
                check.message()
            );
            if a.json {
                report["verified"] = json!({
                    "ok": false,
                    "refused": check.is_refused(),
                    "error": e.to_string(),
                });
                report["deleted"] = json!([]);
                report["kept"] = json!(old.iter().map(|s| s.id).collect::<Vec<_>>());
                print_json(out, &report)?;
            }
            return Err(Failure::new(msg, 1));
        }
    };
    if !a.json {
        writeln!(
            out,
            "verified: a client-credentials token was granted: {}",
            if scopes.is_empty() {
                "no scopes".to_owned()
            } else {
                sanitize(&scopes.join(" ")).into_owned()
            }
        )?;
    }
    let mut deleted = Vec::new();
    let mut failed = Vec::new();
    let mut unknown = false;
    if a.delete_old && !old.is_empty() {
        let list: Vec<String> = old
            .iter()
            .map(|s| format!("  {}", describe(s, now)))
            .collect();
        let question = format!(
            "Delete the {} older secret(s) of {:?}? Integrations still using them stop working:\n{}",
            old.len(),
            app.name,
            list.join("\n")
        );
        if let Err(f) = confirm(&question, "yes", a.yes) {
            if a.json {
                report["verified"] = json!({ "ok": true, "scopes": scopes });
                report["deleted"] = json!([]);
                report["kept"] = json!(old.iter().map(|s| s.id).collect::<Vec<_>>());
                print_json(out, &report)?;
            }
            return Err(Failure::new(
                format!(
                    "{} The new secret #{} was kept, and so were the old ones.",
                    f.message, secret.id
                ),
                f.code,
            ));
        }
        for s in &old {
            match client.delete_secret(s.id).await {
                Ok(()) | Err(ApiError::NotFound { .. }) => deleted.push(s.id),
                Err(e) if e.outcome() == Outcome::Unknown => {
                    unknown = true;
                    failed.push((
                        s.id,
                        format!(
                            "the answer was lost ({}): whether it was deleted is unknown; look with extapps apps show {}",
                            e.lost_detail(),
                            shell_quote(&app.id)
                        ),
                    ));
                }
                Err(e) => failed.push((s.id, e.to_string())),
            }
        }
    }
    let kept: Vec<i64> = old
        .iter()
        .map(|s| s.id)
        .filter(|id| !deleted.contains(id))
        .collect();
    if a.json {
        report["verified"] = json!({ "ok": true, "scopes": scopes });
        report["deleted"] = json!(deleted);
        report["kept"] = json!(kept);
        report["failed"] = json!(
            failed
                .iter()
                .map(|(id, e)| json!({"id": id, "error": e}))
                .collect::<Vec<_>>()
        );
        print_json(out, &report)?;
    } else {
        for id in &deleted {
            writeln!(out, "deleted old secret #{id}")?;
        }
        if !a.delete_old && !kept.is_empty() {
            writeln!(
                out,
                "kept {} older secret(s); delete them once nothing uses them: extapps secrets delete ID, or rotate with --delete-old",
                kept.len()
            )?;
        }
    }
    if !failed.is_empty() {
        let what: Vec<String> = failed.iter().map(|(id, e)| format!("#{id}: {e}")).collect();
        return Err(Failure::new(
            format!(
                "the new secret #{} works, but deleting some old secrets failed: {}",
                secret.id,
                what.join("; ")
            ),
            // Only lost answers: the outcome is unknown rather than a failure.
            if unknown
                && failed
                    .iter()
                    .all(|(_, m)| m.starts_with("the answer was lost"))
            {
                EXIT_UNKNOWN
            } else {
                1
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_past_the_last_representable_date_is_a_usage_error() {
        let flags = ExpiryFlags {
            expires_in: Some(SignedDuration::from_secs(i64::MAX / 2)),
            ..ExpiryFlags::default()
        };
        let err = flags.resolve(Timestamp::UNIX_EPOCH).unwrap_err();
        assert_eq!(err.code, 2);
        assert!(
            err.message.contains("the longest is 100y"),
            "{}",
            err.message
        );
    }
}
