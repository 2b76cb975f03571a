//! The token cache under the real client: tokens reused across client instances, renewed after
//! a revocation, and a cached login renewed with its refresh token (stored again each time).

use std::time::Duration;

use crate::common::*;
use extapps::api::IdentityClient;
use extapps::api::login::{self, LoginRequest};
use extapps::api::token_cache::{CacheKey, CachedToken, TokenCache};
use extapps::sim::DEMO_LOGIN_CLIENT_ID;
use secrecy::ExposeSecret;

fn cached_client(
    h: &extapps::sim::SimHandle,
    cache: &TokenCache,
    id: &str,
    secret: &str,
    scopes: &[&str],
) -> IdentityClient {
    let mut cfg = client_config(h, id, secret, scopes);
    cfg.token_cache = Some(cache.clone());
    IdentityClient::new(cfg).unwrap()
}

#[tokio::test]
async fn a_second_run_reuses_the_cached_token_and_a_revocation_renews_it() {
    let h = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path().join("tokens"));
    let first = cached_client(&h, &cache, "demo-admin", "demo-admin-secret", &[]);
    let t1 = first.token().await.unwrap();
    let key = CacheKey::new(
        &h.endpoints().host(),
        "demo-admin",
        &[],
        Some(&"demo-admin-secret".to_owned().into()),
    );
    let on_disk = cache.load(&key).expect("written to the cache");
    assert_eq!(
        on_disk.access_token.expose_secret(),
        t1.value.expose_secret()
    );
    assert!(on_disk.refresh_token.is_none());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cache.path_of(&key))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let second = cached_client(&h, &cache, "demo-admin", "demo-admin-secret", &[]);
    let t2 = second.token().await.unwrap();
    assert_eq!(
        t2.value.expose_secret(),
        t1.value.expose_secret(),
        "no new request"
    );

    // Other scopes are another key: no reuse.
    let narrow = cached_client(
        &h,
        &cache,
        "demo-admin",
        "demo-admin-secret",
        &["PM.OAuthApp.Read"],
    );
    assert_ne!(
        narrow.token().await.unwrap().value.expose_secret(),
        t1.value.expose_secret()
    );

    h.state().revoke_all_tokens();
    let third = cached_client(&h, &cache, "demo-admin", "demo-admin-secret", &[]);
    assert!(
        third.list_apps().await.is_ok(),
        "401 renews past the cached token"
    );
    let renewed = cache.load(&key).unwrap();
    assert_ne!(
        renewed.access_token.expose_secret(),
        t1.value.expose_secret()
    );

    assert_eq!(cache.clear().unwrap(), 2);
}

#[tokio::test]
async fn a_cached_login_renews_with_its_refresh_token_and_keeps_the_new_one() {
    let h = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    let scopes = vec!["OR.Jobs".to_owned(), "offline_access".to_owned()];
    let req = LoginRequest {
        client_id: DEMO_LOGIN_CLIENT_ID.to_owned(),
        client_secret: None,
        redirect_uri: "http://localhost:0".to_owned(),
        scopes: scopes.clone(),
    };
    let pending = login::prepare(&h.endpoints(), &req).await.unwrap();
    // Redirect URIs match exactly: register the free port the listener took.
    h.state()
        .register_redirect_uri(DEMO_LOGIN_CLIENT_ID, &pending.redirect_uri);
    let url = pending.authorize_url.to_string();
    let waiting = tokio::spawn(pending.wait(Duration::from_secs(5)));
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let loc = no_redirect.get(&url).send().await.unwrap().headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    no_redirect.get(&loc).send().await.unwrap();
    let code = waiting.await.unwrap().unwrap();
    let resp = login::exchange_code(
        &reqwest::Client::new(),
        &h.token_url(),
        &req,
        &code,
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    let first_refresh = resp.refresh_token.clone().unwrap();

    // Stored as `extapps login` stores it, with an access token already past its renewal time.
    let key = CacheKey::new(&h.endpoints().host(), DEMO_LOGIN_CLIENT_ID, &scopes, None);
    cache
        .store(
            &key,
            &CachedToken {
                host: h.endpoints().host(),
                client_id: DEMO_LOGIN_CLIENT_ID.to_owned(),
                scopes: scopes.clone(),
                access_token: resp.access_token.clone(),
                expires_at: jiff::Timestamp::now(),
                refresh_token: Some(first_refresh.clone()),
            },
        )
        .unwrap();

    let scope_refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let client = cached_client(&h, &cache, DEMO_LOGIN_CLIENT_ID, "", &scope_refs);
    let tok = client.token().await.unwrap();
    assert_ne!(tok.value.expose_secret(), resp.access_token.expose_secret());
    assert_eq!(
        tok.claims.unwrap().str_claim("sub"),
        Some(extapps::sim::DEMO_USER_ID)
    );
    let stored = cache.load(&key).unwrap();
    let second_refresh = stored
        .refresh_token
        .expect("the rotated refresh token is kept");
    assert_ne!(
        second_refresh.expose_secret(),
        first_refresh.expose_secret()
    );
    assert_eq!(
        stored.access_token.expose_secret(),
        tok.value.expose_secret()
    );

    // The next run uses the fresh access token without touching the refresh token.
    let again = cached_client(&h, &cache, DEMO_LOGIN_CLIENT_ID, "", &scope_refs);
    assert_eq!(
        again.token().await.unwrap().value.expose_secret(),
        tok.value.expose_secret()
    );
    assert_eq!(
        cache
            .load(&key)
            .unwrap()
            .refresh_token
            .unwrap()
            .expose_secret(),
        second_refresh.expose_secret()
    );
}

#[tokio::test]
async fn a_refused_refresh_token_is_dropped_from_the_cache() {
    let h = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::new(&h.endpoints().host(), DEMO_LOGIN_CLIENT_ID, &[], None);
    cache
        .store(
            &key,
            &CachedToken {
                host: h.endpoints().host(),
                client_id: DEMO_LOGIN_CLIENT_ID.to_owned(),
                scopes: vec![],
                access_token: "not-a-jwt".to_owned().into(),
                expires_at: jiff::Timestamp::now(),
                refresh_token: Some("never-issued".to_owned().into()),
            },
        )
        .unwrap();
    let client = cached_client(&h, &cache, DEMO_LOGIN_CLIENT_ID, "", &[]);
    let err = client.token().await.unwrap_err();
    assert!(err.to_string().contains("invalid_grant"), "{err}");
    assert!(cache.load(&key).is_none());
}

#[tokio::test]
async fn a_cached_token_is_not_handed_to_a_wrong_secret() {
    let h = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    let good = cached_client(&h, &cache, "demo-admin", "demo-admin-secret", &[]);
    good.token().await.unwrap();
    let wrong = cached_client(&h, &cache, "demo-admin", "wrong", &[]);
    let err = wrong.token().await.unwrap_err();
    assert!(err.to_string().contains("invalid_client"), "{err}");
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        assert!(!name.contains("demo-admin-secret") && !text.contains("demo-admin-secret"));
    }
}
