//! Backups of app definitions taken before a delete, and restoring from them. A backup holds
//! what is needed to re-create the app (name, kind, redirect URIs, scopes) and never a secret:
//! secret values cannot be read back from the server anyway, and must not reach disk.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::api::model::{App, ScopeRef};

pub const FORMAT: &str = "extapps-app-backup/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppBackup {
    pub format: String,
    pub taken_at: String,
    pub client_id: String,
    pub name: String,
    pub is_confidential: bool,
    #[serde(default)]
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub scopes: Vec<ScopeRef>,
    /// Descriptions and expiries of the secrets it had, for the record; never their values.
    #[serde(default)]
    pub secrets: Vec<SecretNote>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretNote {
    pub id: i64,
    pub description: Option<String>,
    pub expiry_time: Option<String>,
}

impl AppBackup {
    pub fn of(app: &App, now: Timestamp) -> Self {
        AppBackup {
            format: FORMAT.to_owned(),
            taken_at: now.to_string(),
            client_id: app.id.clone(),
            name: app.name.clone(),
            is_confidential: app.is_confidential,
            redirect_uri: app.redirect_uri.clone(),
            scopes: app.scope_refs(),
            secrets: app
                .secrets
                .iter()
                .map(|s| SecretNote {
                    id: s.id,
                    description: s.description.clone(),
                    expiry_time: s.expiry_time.map(|t| t.to_string()),
                })
                .collect(),
        }
    }
}

/// `$XDG_DATA_HOME/extapps/backups` on Linux.
pub fn default_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "extapps")
        .map(|d| d.data_dir().join("backups"))
        .unwrap_or_else(|| std::env::temp_dir().join("extapps-backups"))
}

/// Writes the backup as JSON, readable by the owner only, and returns its path.
pub fn write(dir: &Path, backup: &AppBackup) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let stamp = backup.taken_at.replace([':', '-'], "").replace('.', "");
    let path = dir.join(format!(
        "{}-{}-{}.json",
        file_stem(&backup.name),
        file_stem(&backup.client_id.chars().take(8).collect::<String>()),
        &stamp[..stamp.len().min(15)]
    ));
    let json = serde_json::to_vec_pretty(backup).map_err(std::io::Error::other)?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    use std::io::Write;
    opts.open(&path)?.write_all(&json)?;
    Ok(path)
}

/// The most bytes of an app's name that go into a backup's file name: enough to recognise
/// it, and far below the 255 bytes a file name may have, with the id and time still to come.
pub const NAME_BYTES: usize = 60;

/// `name` as a safe piece of a file name: `[A-Za-z0-9._-]` only (anything else becomes `_`),
/// no leading `-` or `.` (an option to a shell command, a hidden file), at most
/// [`NAME_BYTES`], and never empty.
pub fn file_stem(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(NAME_BYTES)
        .collect();
    if out.starts_with(['-', '.']) {
        out.replace_range(..1, "_");
    }
    if out.is_empty() {
        out.push_str("app");
    }
    out
}

pub fn read(path: &Path) -> Result<AppBackup, String> {
    let text = crate::bounded::read_file(path, crate::bounded::APP_JSON)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let backup: AppBackup = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} is not an extapps app backup: {e} (line {}, column {})",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if backup.format != FORMAT {
        return Err(format!(
            "{} has format {:?}; this extapps reads {FORMAT:?}",
            path.display(),
            backup.format
        ));
    }
    Ok(backup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{Resource, Scope, ScopeType, Secret};
    use secrecy::SecretString;

    #[test]
    fn file_stems_are_short_safe_and_never_empty() {
        assert_eq!(file_stem("Invoice Bot"), "Invoice_Bot");
        assert_eq!(file_stem("-rf"), "_rf");
        assert_eq!(file_stem(".hidden"), "_hidden");
        assert_eq!(file_stem("../../etc/passwd"), "_._.._etc_passwd");
        assert_eq!(file_stem(""), "app");
        assert_eq!(file_stem("Überweisung"), "_berweisung");
        assert_eq!(file_stem("日本"), "__");
        let long = file_stem(&"x".repeat(300));
        assert_eq!(long.len(), NAME_BYTES);
        let long = file_stem(&"ü".repeat(300));
        assert_eq!(long.len(), NAME_BYTES);
        assert!(
            file_stem("a/b\\c\nd\0e")
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        );
    }

    #[test]
    fn long_and_non_ascii_names_can_be_backed_up() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "n".repeat(300),
            "Überweisung ✓ 日本".to_owned(),
            "-".repeat(5),
        ] {
            let app = App {
                name: name.clone(),
                id: "0f0e0d0c-aaaa".into(),
                secret: None,
                is_confidential: true,
                redirect_uri: None,
                resources: Vec::new(),
                secrets: Vec::new(),
                client_certificates: None,
                details: crate::api::model::Details::Known,
            };
            let path = write(dir.path(), &AppBackup::of(&app, Timestamp::UNIX_EPOCH)).unwrap();
            let file = path.file_name().unwrap().to_str().unwrap();
            assert!(!file.starts_with(['-', '.']), "{file}");
            assert!(file.len() < 100, "{file}");
            assert_eq!(read(&path).unwrap().name, name);
        }
    }

    #[test]
    fn backups_round_trip_without_secret_values() {
        let app = App {
            name: "Invoice Bot".into(),
            id: "abcdef123456".into(),
            secret: Some(SecretString::from("first-secret-value")),
            is_confidential: true,
            redirect_uri: None,
            resources: vec![Resource {
                name: "UiPath.Orchestrator".into(),
                display_name: None,
                description: None,
                scopes: vec![
                    Scope {
                        name: "OR.Jobs".into(),
                        display_name: None,
                        description: None,
                        kind: ScopeType::Application,
                    }
                    .shared(),
                ],
            }],
            secrets: vec![Secret {
                id: 7,
                description: Some("ci".into()),
                secret: Some(SecretString::from("another-secret-value")),
                creation_time: Timestamp::UNIX_EPOCH,
                expiry_time: None,
            }],
            client_certificates: None,
            details: crate::api::model::Details::Known,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), &AppBackup::of(&app, Timestamp::UNIX_EPOCH)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("secret-value"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let back = read(&path).unwrap();
        assert_eq!(back.name, "Invoice Bot");
        assert_eq!(back.scopes.len(), 1);
        std::fs::write(&path, "{").unwrap();
        assert!(
            read(&path)
                .unwrap_err()
                .contains("not an extapps app backup")
        );
    }
}
