//! The two steps the CLI and the TUI share: "back up, then delete" (nothing is deleted when the
//! backup cannot be written) and the verification of a new secret, against the simulator.

use crate::common::*;
use extapps::api::ApiError;
use extapps::api::app_token::verify_new_secret;
use extapps::api::backup_delete::{BackupDeleteError, backup_then_delete};
use extapps::api::model::{ScopeRef, ScopeType};
use secrecy::SecretString;

fn app_scope(name: &str) -> ScopeRef {
    ScopeRef {
        name: name.into(),
        kind: ScopeType::Application,
    }
}

#[tokio::test]
async fn an_unwritable_backup_deletes_nothing() {
    let h = sim().await;
    let c = admin(&h);
    let app = c
        .create_app("Kept Bot", true, None, vec![app_scope("OR.Jobs")])
        .await
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // A file where the backup directory should be: creating the directory fails.
    let blocker = tmp.path().join("blocker");
    std::fs::write(&blocker, "not a directory").unwrap();
    let err = backup_then_delete(&c, &app.id, &app, blocker.join("backups"))
        .await
        .unwrap_err();
    assert!(matches!(err, BackupDeleteError::Backup(_)), "{err:?}");
    assert_eq!(c.get_app(&app.id).await.unwrap().name, "Kept Bot");
}

#[tokio::test]
async fn the_backup_is_written_before_the_app_goes() {
    let h = sim().await;
    let c = admin(&h);
    let app = c
        .create_app("Gone Bot", true, None, vec![app_scope("OR.Jobs")])
        .await
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = backup_then_delete(&c, &app.id, &app, tmp.path().to_path_buf())
        .await
        .unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("Gone Bot") && written.contains(&app.id));
    assert!(matches!(
        c.get_app(&app.id).await,
        Err(ApiError::NotFound { .. })
    ));
    // Deleting again: the backup is written, the server says the app is gone.
    let again = backup_then_delete(&c, &app.id, &app, tmp.path().to_path_buf())
        .await
        .unwrap_err();
    assert!(
        matches!(
            again,
            BackupDeleteError::Delete {
                error: ApiError::NotFound { .. },
                ..
            }
        ),
        "{again:?}"
    );
}

#[tokio::test]
async fn a_new_secret_is_verified_with_a_token_and_a_wrong_one_is_refused() {
    let h = sim().await;
    let c = admin(&h);
    let app = c
        .create_app(
            "Verified Bot",
            true,
            None,
            vec![app_scope("OR.Jobs"), app_scope("OR.Queues.Read")],
        )
        .await
        .unwrap();
    let minted = c.generate_secret(&app.id, None, None).await.unwrap();
    let value = minted.secret.expect("the new secret's value");
    let granted = verify_new_secret(&c, &app.id, &value).await.unwrap();
    // The simulator adds OR.Default, granted unasked, as the live server does.
    for scope in ["OR.Jobs", "OR.Queues.Read"] {
        assert!(granted.iter().any(|g| g == scope), "{granted:?}");
    }
    let wrong = SecretString::from("not-the-secret".to_owned());
    assert!(verify_new_secret(&c, &app.id, &wrong).await.is_err());
}
