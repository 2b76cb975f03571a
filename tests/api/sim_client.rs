//! The real `IdentityClient` against the simulator: both sides of the wire format at once.

use extapps::api::auth::ClientCredentials;
use extapps::api::error::OAuthCode;
use extapps::api::model::{ScopeRef, ScopeType, UpdateAppRequest};
use extapps::api::{ApiError, ClientConfig, IdentityClient};
use extapps::sim::{self, SimSettings};
use secrecy::{ExposeSecret, SecretString};

#[tokio::test]
async fn identity_client_round_trip() {
    let h = sim::start(SimSettings::default()).await.unwrap();
    let creds = ClientCredentials {
        client_id: h.admin_client_id().to_owned(),
        client_secret: SecretString::from(h.admin_secret()),
        scopes: vec![],
    };
    let client = IdentityClient::new(ClientConfig::new(h.endpoints(), creds)).unwrap();
    assert_eq!(client.partition_id().await.unwrap(), h.partition_id);
    let apps = client.list_apps().await.unwrap();
    assert!(apps.len() >= 14);
    assert!(!client.list_resources().await.unwrap().is_empty());

    let scopes = vec![ScopeRef {
        name: "OR.Jobs.Read".into(),
        kind: ScopeType::Application,
    }];
    let app = client
        .create_app("Client round trip", true, None, scopes)
        .await
        .unwrap();
    let first = app.secret.clone().expect("first secret on create");
    let granted = client
        .request_token_for(&app.id, &first, &[])
        .await
        .unwrap();
    // OR.Default comes with every token, unasked.
    assert_eq!(granted.scope.as_deref(), Some("OR.Default OR.Jobs.Read"));

    let mut update = UpdateAppRequest::from_app(&app);
    update.name = "Client round trip (renamed)".into();
    let updated = client.update_app(&app.id, &update).await.unwrap();
    assert_eq!(updated.name, "Client round trip (renamed)");

    let secret = client
        .generate_secret(&app.id, Some("next".into()), None)
        .await
        .unwrap();
    let value = secret.secret.clone().unwrap();
    assert!(!value.expose_secret().is_empty());
    client
        .request_token_for(&app.id, &value, &[])
        .await
        .unwrap();
    let legacy = client.generate_secret_legacy(&app.id).await.unwrap();
    client
        .request_token_for(&app.id, &legacy, &[])
        .await
        .unwrap();
    client.delete_secret(secret.id).await.unwrap();
    // The deleted secret is refused as a client credential, not lost on the way.
    let refused = client.request_token_for(&app.id, &value, &[]).await;
    assert!(
        matches!(
            refused,
            Err(ApiError::OAuth {
                code: OAuthCode::InvalidClient,
                ..
            })
        ),
        "{refused:?}"
    );

    client.delete_app(&app.id).await.unwrap();
    let gone = client.get_app(&app.id).await;
    assert!(matches!(gone, Err(ApiError::NotFound { .. })), "{gone:?}");

    // A revoked token is renewed transparently by the client (401, renew, resend).
    h.state().revoke_all_tokens();
    let listed = client.list_apps().await.unwrap();
    assert_eq!(
        listed.len(),
        h.state().app_count(),
        "every app, after renewal"
    );
    h.shutdown().await;
}
