//! Contract tests: the real client against the real simulator over 127.0.0.1, every route with
//! its success shape and the errors the contract lists.

use std::time::Duration;

use crate::common::*;
use extapps::api::ApiError;
use extapps::api::error::OAuthCode;
use extapps::api::model::{ScopeRef, ScopeType, UpdateAppRequest};
use extapps::sim::{RateLimits, SimSettings};
use secrecy::{ExposeSecret, SecretString};

fn scope(name: &str, kind: ScopeType) -> ScopeRef {
    ScopeRef {
        name: name.to_owned(),
        kind,
    }
}

#[tokio::test]
async fn list_and_get_carry_scopes_and_secrets_without_values() {
    // The full shape, where the list carries what a get does (summaries: list_shape.rs).
    let h = sim_shaped(extapps::sim::ListShape::Full).await;
    let c = admin(&h);
    let apps = c.list_apps().await.unwrap();
    assert!(apps.len() >= 12, "a realistic demo org, got {}", apps.len());
    assert!(apps.iter().any(|a| !a.is_confidential));
    let admin_app = apps
        .iter()
        .find(|a| a.id == "demo-admin")
        .expect("the admin app");
    assert!(admin_app.is_confidential);
    assert!(admin_app.scope_count() > 0);
    for app in &apps {
        assert!(
            app.secret.is_none(),
            "{} leaks its secret in a list",
            app.name
        );
        assert!(app.secrets.iter().all(|s| s.secret.is_none()));
    }
    let one = c.get_app("demo-admin").await.unwrap();
    assert_eq!(&one, admin_app);
    assert_eq!(c.partition_id().await.unwrap(), h.partition_id);
}

#[tokio::test]
async fn the_catalog_lists_resources_with_typed_scopes() {
    let h = sim().await;
    let catalog = admin(&h).list_resources().await.unwrap();
    let orch = catalog
        .iter()
        .find(|r| r.name == "UiPath.Orchestrator")
        .expect("Orchestrator in the catalog");
    let jobs = orch
        .scopes
        .iter()
        .find(|s| s.name == "OR.Jobs.Read")
        .unwrap();
    assert_eq!(jobs.kind, ScopeType::UserAndApplication);
    let all: Vec<_> = catalog.iter().flat_map(|r| &r.scopes).collect();
    assert!(all.iter().any(|s| s.name == "PM.OAuthApp"));
    assert!(
        all.iter()
            .any(|s| s.name == "DataService.Data.Read" && s.kind == ScopeType::User)
    );
}

#[tokio::test]
async fn create_update_delete_an_app() {
    let h = sim().await;
    let c = admin(&h);
    let created = c
        .create_app(
            "Nightly Reconciliation",
            true,
            None,
            vec![
                scope("OR.Jobs", ScopeType::Application),
                scope("OR.Queues.Read", ScopeType::Application),
            ],
        )
        .await
        .unwrap();
    let first = created
        .secret
        .as_ref()
        .expect("a confidential app's first secret");
    assert!(!first.expose_secret().is_empty());
    assert_eq!(created.scope_count(), 2);

    // The first secret works at the token endpoint, and grants the app's scopes.
    let tok = c.request_token_for(&created.id, first, &[]).await.unwrap();
    let granted = tok.scope.unwrap_or_default();
    assert!(
        granted.contains("OR.Jobs") && granted.contains("OR.Queues.Read"),
        "{granted}"
    );

    // Update replaces scopes wholesale.
    let mut upd = UpdateAppRequest::from_app(&created);
    upd.name = "Nightly Reconciliation v2".into();
    upd.scopes = vec![scope("OR.Assets.Read", ScopeType::Application)];
    let updated = c.update_app(&created.id, &upd).await.unwrap();
    assert_eq!(updated.name, "Nightly Reconciliation v2");
    let names: Vec<_> = updated.scope_refs().into_iter().map(|s| s.name).collect();
    assert_eq!(names, vec!["OR.Assets.Read"]);
    assert!(
        updated.secret.is_none(),
        "a secret is shown only at creation"
    );

    c.delete_app(&created.id).await.unwrap();
    let err = c.get_app(&created.id).await.unwrap_err();
    assert!(matches!(err, ApiError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn a_public_app_takes_user_scopes_and_needs_a_redirect_uri() {
    let h = sim().await;
    let c = admin(&h);
    let app = c
        .create_app(
            "Field Approvals",
            false,
            Some("http://localhost:12700,https://approvals.example.com/cb".into()),
            vec![scope("OR.Tasks", ScopeType::User)],
        )
        .await
        .unwrap();
    assert!(app.secret.is_none());
    assert_eq!(app.redirect_uris().len(), 2);

    let err = c
        .create_app(
            "Bad Public",
            false,
            Some("http://localhost:1".into()),
            vec![scope("OR.Jobs", ScopeType::Application)],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::BadRequest { .. }), "{err:?}");

    let err = c
        .create_app(
            "No Redirect",
            false,
            None,
            vec![scope("OR.Tasks", ScopeType::User)],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::BadRequest { .. }), "{err:?}");
}

#[tokio::test]
async fn unknown_scopes_are_rejected_by_name() {
    let h = sim().await;
    let err = admin(&h)
        .create_app(
            "Typo",
            true,
            None,
            vec![scope("OR.Jobz", ScopeType::Application)],
        )
        .await
        .unwrap_err();
    let ApiError::BadRequest { message } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("OR.Jobz"), "{message}");
}

#[tokio::test]
async fn secrets_are_minted_used_and_deleted() {
    let h = sim().await;
    let c = admin(&h);
    let app = c
        .create_app(
            "Rotation Target",
            true,
            None,
            vec![scope("OR.Jobs", ScopeType::Application)],
        )
        .await
        .unwrap();
    let expiry = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 90);
    let minted = c
        .generate_secret(&app.id, Some("rotation 2026-11".into()), Some(expiry))
        .await
        .unwrap();
    let value = minted.secret.clone().expect("the new secret's value, once");
    assert_eq!(minted.description.as_deref(), Some("rotation 2026-11"));
    assert!(c.request_token_for(&app.id, &value, &[]).await.is_ok());

    let reread = c.get_app(&app.id).await.unwrap();
    assert_eq!(reread.secrets.len(), 2);
    assert!(reread.secrets.iter().all(|s| s.secret.is_none()));

    let legacy = c.generate_secret_legacy(&app.id).await.unwrap();
    assert!(c.request_token_for(&app.id, &legacy, &[]).await.is_ok());

    c.delete_secret(minted.id).await.unwrap();
    let err = c.request_token_for(&app.id, &value, &[]).await.unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::OAuth {
                code: OAuthCode::InvalidClient,
                ..
            }
        ),
        "{err:?}"
    );
    let err = c.delete_secret(minted.id).await.unwrap_err();
    assert!(matches!(err, ApiError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn the_token_endpoint_speaks_oauth_errors() {
    let h = sim().await;
    let c = admin(&h);
    let wrong = SecretString::from("not-the-secret");
    let err = c
        .request_token_for("demo-admin", &wrong, &[])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::OAuth {
                code: OAuthCode::InvalidClient,
                ..
            }
        ),
        "{err:?}"
    );

    let good = SecretString::from(h.admin_secret().to_owned());
    let err = c
        .request_token_for("demo-admin", &good, &["OR.Jobs".to_owned()])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::OAuth {
                code: OAuthCode::InvalidScope,
                ..
            }
        ),
        "{err:?}"
    );

    // User scopes through client credentials.
    let app = c
        .create_app(
            "Mixed",
            true,
            Some("http://localhost:9".into()),
            vec![
                scope("OR.Jobs", ScopeType::Application),
                scope("OR.Tasks", ScopeType::User),
            ],
        )
        .await
        .unwrap();
    let err = c
        .request_token_for(
            &app.id,
            app.secret.as_ref().unwrap(),
            &["OR.Tasks".to_owned()],
        )
        .await
        .unwrap_err();
    let ApiError::OAuth { code, description } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*code, OAuthCode::InvalidRequest);
    assert!(
        description.as_deref().unwrap_or("").contains("User scopes"),
        "{err}"
    );
}

#[tokio::test]
async fn a_token_without_the_write_scope_gets_403_naming_it() {
    let h = sim().await;
    let r = reader(&h);
    assert!(
        !r.list_apps().await.unwrap().is_empty(),
        "reading is allowed"
    );
    let err = r.create_app("Nope", true, None, vec![]).await.unwrap_err();
    let ApiError::Forbidden { needed, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(needed.contains(&"PM.OAuthApp.Write".to_owned()));
    assert!(err.to_string().contains("PM.OAuthApp.Write"));
    let err = r.delete_secret(1).await.unwrap_err();
    assert!(matches!(err, ApiError::Forbidden { .. }), "{err:?}");
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let h = sim().await;
    let c = admin(&h);
    for err in [
        c.get_app("no-such-app").await.unwrap_err(),
        c.delete_app("no-such-app").await.unwrap_err(),
        c.generate_secret("no-such-app", None, None)
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, ApiError::NotFound { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn short_lived_tokens_are_renewed_before_use() {
    let h = sim_with(SimSettings {
        token_lifetime: Duration::from_secs(60),
        ..SimSettings::default()
    })
    .await;
    let c = admin(&h);
    c.list_apps().await.unwrap();
    let first = c.cached_token().await.unwrap();
    // A 60 s token is inside the two-minute renewal margin: the next call takes a new one.
    // A clock moved, not a second waited out, so that the new token's `iat` differs.
    h.state().advance_clock(Duration::from_secs(2));
    c.list_apps().await.unwrap();
    let second = c.cached_token().await.unwrap();
    assert_ne!(first.value.expose_secret(), second.value.expose_secret());

    // A one-hour token is reused.
    let h = sim().await;
    let c = admin(&h);
    c.list_apps().await.unwrap();
    let a = c.cached_token().await.unwrap();
    c.list_apps().await.unwrap();
    let b = c.cached_token().await.unwrap();
    assert_eq!(a.value.expose_secret(), b.value.expose_secret());
}

#[tokio::test]
async fn a_get_over_the_rate_limit_waits_for_retry_after() {
    // Deterministic: no GET budget at all, so the GET is refused whatever the machine's speed
    // (two GETs that had to fall in one window were not); the budget comes back only after
    // the simulator counted the refusal, so the call can succeed only by waiting and retrying.
    let h = sim().await;
    let c = admin(&h);
    c.list_apps().await.unwrap();
    let state = h.state();
    state.set_rate_limits(RateLimits {
        window: Duration::from_secs(1),
        get: 0,
        ..RateLimits::default()
    });
    let lifter = tokio::spawn(async move {
        // Bounded: 10 s of 10 ms polls.
        for _ in 0..1000 {
            if state.rate_limited() >= 1 {
                state.set_rate_limits(RateLimits::unlimited());
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    });
    let started = std::time::Instant::now();
    c.list_apps().await.unwrap();
    assert!(lifter.await.unwrap(), "the GET was never refused");
    // A lower bound, not a speed limit: the refusal said "1 s", and a sleep never ends early,
    // so only a client that ignored Retry-After (and was lucky with the lift) comes in under it.
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(h.state().rate_limited() >= 1);
}

#[tokio::test]
async fn a_post_over_the_rate_limit_is_reported_not_retried() {
    let h = sim_with(SimSettings {
        rate_limits: RateLimits {
            window: Duration::from_secs(30),
            post: 1,
            ..RateLimits::default()
        },
        ..SimSettings::default()
    })
    .await;
    let c = admin(&h);
    c.generate_secret("demo-admin", None, None).await.unwrap();
    let err = c
        .generate_secret("demo-admin", None, None)
        .await
        .unwrap_err();
    let ApiError::RateLimited { retry_after } = err else {
        panic!("{err:?}")
    };
    assert_eq!(h.state().rate_limited(), 1, "one 429, and no retry of it");
    assert!(retry_after.is_some_and(|d| d <= Duration::from_secs(30)));
    let app = c.get_app("demo-admin").await.unwrap();
    let today = app
        .secrets
        .iter()
        .filter(|s| s.creation_time > jiff::Timestamp::now() - jiff::SignedDuration::from_mins(5))
        .count();
    assert_eq!(
        today, 1,
        "exactly one secret minted: the 429 was not retried"
    );
}

/// The contract's curl calls, byte for byte the same requests: a form-encoded token request,
/// then a bearer GET of the list.
#[tokio::test]
async fn the_contracts_curl_flow_works_unchanged() {
    let h = sim().await;
    let http = reqwest::Client::new();
    let base = h.base_url.as_str().trim_end_matches('/');
    let resp = http
        .post(format!("{base}/identity_/connect/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=demo-admin&client_secret=demo-admin-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap();
    let claims = extapps::api::jwt::decode(token).unwrap();
    for claim in [
        "prt_id",
        "client_id",
        "sub",
        "iss",
        "aud",
        "iat",
        "nbf",
        "exp",
        "scope",
    ] {
        assert!(claims.claims.contains_key(claim), "missing {claim}");
    }
    assert!(claims.claims["scope"].is_array());
    let prt = claims.partition_id().unwrap();
    let list = http
        .get(format!(
            "{base}/{}/identity_/api/ExternalClient/{prt}",
            h.organization
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    let apps: serde_json::Value = list.json().await.unwrap();
    let first = &apps.as_array().unwrap()[0];
    for key in [
        "name",
        "id",
        "secret",
        "isConfidential",
        "redirectUri",
        "resources",
        "secrets",
    ] {
        assert!(first.get(key).is_some(), "an app lacks {key}: {first}");
    }

    // And the org-scoped token endpoint works as well.
    let resp = http
        .post(format!("{base}/{}/identity_/connect/token", h.organization))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-admin"),
            ("client_secret", "demo-admin-secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn missing_or_forged_bearer_tokens_are_401() {
    let h = sim().await;
    let http = reqwest::Client::new();
    let url = format!(
        "{}/{}/identity_/api/ExternalClient/{}",
        h.base_url.as_str().trim_end_matches('/'),
        h.organization,
        h.partition_id
    );
    assert_eq!(http.get(&url).send().await.unwrap().status(), 401);
    let forged = format!(
        "{}.Zm9yZ2Vk",
        extapps::api::jwt::encode_parts(
            &serde_json::json!({"alg":"HS256","typ":"JWT"}),
            &serde_json::json!({"prt_id": h.partition_id, "scope": ["PM.OAuthApp"], "exp": 4102444800i64})
        )
    );
    let resp = http.get(&url).bearer_auth(forged).send().await.unwrap();
    assert_eq!(resp.status(), 401);
}
