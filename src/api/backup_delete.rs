//! "Back up, then delete": an app's definition (never its secrets) is written to a backup
//! file first, and the app is deleted only once that file exists. One implementation for
//! `extapps apps delete` and the TUI; each words the outcome its own way.

use std::path::PathBuf;

use super::client::IdentityClient;
use super::error::ApiError;
use super::model::App;
use crate::domain::backup::{self, AppBackup};

/// Why an app was not (known to be) deleted.
#[derive(Debug)]
pub enum BackupDeleteError {
    /// The backup could not be written, so no delete was sent.
    Backup(std::io::Error),
    /// The backup was written to `backup`; then the delete failed, or its answer was lost.
    Delete { error: ApiError, backup: PathBuf },
}

/// Backs up `app` (as the caller read it) into `dir`, then deletes `client_id`. The backup
/// file's path on success.
pub async fn backup_then_delete(
    client: &IdentityClient,
    client_id: &str,
    app: &App,
    dir: PathBuf,
) -> Result<PathBuf, BackupDeleteError> {
    let copy = AppBackup::of(app, jiff::Timestamp::now());
    let path = tokio::task::spawn_blocking(move || backup::write(&dir, &copy))
        .await
        .map_err(std::io::Error::other)
        .and_then(|written| written)
        .map_err(BackupDeleteError::Backup)?;
    match client.delete_app(client_id).await {
        Ok(()) => Ok(path),
        Err(error) => Err(BackupDeleteError::Delete {
            error,
            backup: path,
        }),
    }
}
