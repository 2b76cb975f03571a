//! The fault matrix: every client operation against every fault the simulator injects. For each
//! pair the client must return the right kind of error (or succeed where the fault cannot
//! touch the answer), and a mutation must never be carried out twice.

mod common;

use std::time::Duration;

use common::*;
use extapps::api::model::{ScopeRef, ScopeType, UpdateAppRequest};
use extapps::api::{ApiError, IdentityClient};
use extapps::sim::{Faults, SimHandle};
use secrecy::SecretString;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    List,
    Get,
    Create,
    Update,
    Delete,
    NewSecret,
    DeleteSecret,
    Token,
}

const OPS: [Op; 8] = [
    Op::List,
    Op::Get,
    Op::Create,
    Op::Update,
    Op::Delete,
    Op::NewSecret,
    Op::DeleteSecret,
    Op::Token,
];

impl Op {
    /// Sent once, never retried by the client.
    fn mutates(self) -> bool {
        !matches!(self, Op::List | Op::Get | Op::Token)
    }
    /// Its success answer has no body to damage.
    fn bodyless(self) -> bool {
        matches!(self, Op::Delete | Op::DeleteSecret)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Latency,
    ServerErrors,
    Storm,
    DropBefore,
    DropAfter,
    Truncated,
    Malformed,
    SlowBody,
    TokenDown,
}

const FAULTS: [Fault; 9] = [
    Fault::Latency,
    Fault::ServerErrors,
    Fault::Storm,
    Fault::DropBefore,
    Fault::DropAfter,
    Fault::Truncated,
    Fault::Malformed,
    Fault::SlowBody,
    Fault::TokenDown,
];

fn faults(f: Fault) -> Faults {
    let none = Faults::none();
    match f {
        Fault::Latency => Faults {
            latency: Duration::from_millis(50),
            ..none
        },
        Fault::ServerErrors => Faults {
            error_rate: 1.0,
            ..none
        },
        Fault::Storm => Faults {
            storm_retry_after: Some(3600),
            ..none
        },
        Fault::DropBefore => Faults {
            drop_before_rate: 1.0,
            ..none
        },
        Fault::DropAfter => Faults {
            drop_after_rate: 1.0,
            ..none
        },
        Fault::Truncated => Faults {
            truncate_rate: 1.0,
            ..none
        },
        Fault::Malformed => Faults {
            malformed_rate: 1.0,
            ..none
        },
        Fault::SlowBody => Faults {
            slow_body: Some(Duration::from_secs(5)),
            ..none
        },
        Fault::TokenDown => Faults {
            token_down: true,
            ..none
        },
    }
}

/// The error kind (`ApiError::short_kind`) the client must report, or None for success.
fn expected(op: Op, f: Fault) -> Option<&'static str> {
    match (f, op) {
        (Fault::Latency, _) => None,
        (Fault::TokenDown, _) => Some("token_endpoint"),
        (_, Op::Token) => None,
        (Fault::ServerErrors, _) => Some("server"),
        (Fault::Storm, _) => Some("rate_limited"),
        (Fault::DropBefore | Fault::DropAfter, _) => Some("network"),
        (Fault::Truncated | Fault::Malformed, op) if op.bodyless() => None,
        (Fault::Truncated | Fault::Malformed, _) => Some("unexpected_body"),
        (Fault::SlowBody, op) if op.bodyless() => None,
        (Fault::SlowBody, _) => Some("timeout"),
    }
}

struct Target {
    app: String,
    secret_id: i64,
}

/// A fresh simulator with an app and a secret to act on, and a client that already holds its
/// token, so that the faults meet the operation itself.
async fn setup() -> (SimHandle, IdentityClient, Target) {
    let h = sim().await;
    let admin = admin(&h);
    let app = admin
        .create_app("Fault Target", true, None, vec![scope("OR.Jobs")])
        .await
        .unwrap();
    let secret = admin.generate_secret(&app.id, None, None).await.unwrap();
    // The client under test times out well before the slow-body fault delivers.
    let mut cfg = client_config(&h, h.admin_client_id(), h.admin_secret(), &[]);
    cfg.timeout = Duration::from_secs(3);
    let c = IdentityClient::new(cfg).unwrap();
    c.partition_id().await.unwrap();
    (
        h,
        c,
        Target {
            app: app.id,
            secret_id: secret.id,
        },
    )
}

fn scope(name: &str) -> ScopeRef {
    ScopeRef {
        name: name.to_owned(),
        kind: ScopeType::Application,
    }
}

async fn run(op: Op, c: &IdentityClient, h: &SimHandle, t: &Target) -> Result<(), ApiError> {
    match op {
        Op::List => c.list_apps().await.map(drop),
        Op::Get => c.get_app(&t.app).await.map(drop),
        Op::Create => c
            .create_app("Created Under Fire", true, None, vec![])
            .await
            .map(drop),
        Op::Update => {
            let mut u = UpdateAppRequest {
                name: "Renamed Under Fire".into(),
                redirect_uri: None,
                scopes: vec![scope("OR.Jobs")],
                client_certificates: None,
            };
            u.scopes.push(scope("OR.Queues.Read"));
            c.update_app(&t.app, &u).await.map(drop)
        }
        Op::Delete => c.delete_app(&t.app).await,
        Op::NewSecret => c.generate_secret(&t.app, None, None).await.map(drop),
        Op::DeleteSecret => c.delete_secret(t.secret_id).await,
        Op::Token => {
            let secret = SecretString::from(h.admin_secret().to_owned());
            c.request_token_for(h.admin_client_id(), &secret, &[])
                .await
                .map(drop)
        }
    }
}

async fn cell(op: Op, f: Fault) -> Result<(), String> {
    let (h, c, t) = setup().await;
    let apps_before = h.state().app_count();
    let secrets_before = h.state().app(&t.app).map(|a| a.secrets.len()).unwrap_or(0);
    if f == Fault::TokenDown {
        // A client that must fetch a token now, while the token endpoint is down.
        let mut cfg = client_config(&h, h.admin_client_id(), h.admin_secret(), &[]);
        cfg.partition_id = Some(h.partition_id.clone());
        h.state().set_faults(faults(f));
        let fresh = IdentityClient::new(cfg).unwrap();
        return check(op, f, run(op, &fresh, &h, &t).await, 0);
    }
    h.state().set_faults(faults(f));
    let handled_before = h.state().mutations_handled();
    let result = run(op, &c, &h, &t).await;
    let handled = h.state().mutations_handled() - handled_before;
    h.state().set_faults(Faults::none());

    // Nothing ran twice: a mutation reached the server at most once, whatever happened.
    if op.mutates() && handled > 1 {
        return Err(format!(
            "{op:?} under {f:?} reached the server {handled} times"
        ));
    }
    let apps_after = h.state().app_count();
    if op == Op::Create && apps_after > apps_before + 1 {
        return Err(format!(
            "{op:?} under {f:?} created {} apps",
            apps_after - apps_before
        ));
    }
    if op == Op::NewSecret {
        let after = h.state().app(&t.app).map(|a| a.secrets.len()).unwrap_or(0);
        if after > secrets_before + 1 {
            return Err(format!(
                "{op:?} under {f:?} minted {} secrets",
                after - secrets_before
            ));
        }
    }
    // A mutation whose answer was lost after the server acted must say the outcome is unknown.
    if op.mutates()
        && handled == 1
        && let Err(e) = &result
        && !e.outcome_unknown()
        && !matches!(e, ApiError::UnexpectedBody { .. })
    {
        return Err(format!(
            "{op:?} under {f:?}: acted on, but the error {e:?} claims it failed"
        ));
    }
    check(op, f, result, handled)
}

fn check(op: Op, f: Fault, result: Result<(), ApiError>, _handled: u64) -> Result<(), String> {
    let got = result.as_ref().err().map(|e| e.short_kind());
    let want = expected(op, f);
    if got != want {
        return Err(format!(
            "{op:?} under {f:?}: expected {want:?}, got {result:?}"
        ));
    }
    if let Err(e) = &result {
        let msg = e.to_string();
        if msg.contains("demo-admin-secret") || msg.contains("eyJ") {
            return Err(format!(
                "{op:?} under {f:?}: a secret in the message: {msg}"
            ));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_under_every_fault() {
    use futures::StreamExt;
    let pairs: Vec<(Op, Fault)> = FAULTS
        .iter()
        .flat_map(|f| OPS.iter().map(move |op| (*op, *f)))
        .collect();
    let total = pairs.len();
    // A few cells at a time: each runs its own simulator, and CI machines have two cores.
    let results: Vec<Result<(), String>> = futures::stream::iter(pairs)
        .map(|(op, f)| async move { tokio::spawn(cell(op, f)).await.unwrap() })
        .buffer_unordered(8)
        .collect()
        .await;
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(
        failures.is_empty(),
        "{} of {total} cells failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(total, OPS.len() * FAULTS.len());
}

#[tokio::test]
async fn a_lost_secret_mint_is_not_retried_and_is_flagged_unknown() {
    let (h, c, t) = setup().await;
    let before = h.state().app(&t.app).unwrap().secrets.len();
    h.state().set_faults(faults(Fault::DropAfter));
    let err = c.generate_secret(&t.app, None, None).await.unwrap_err();
    h.state().set_faults(Faults::none());
    assert!(err.outcome_unknown(), "{err:?}");
    let after = h.state().app(&t.app).unwrap().secrets.len();
    assert_eq!(
        after,
        before + 1,
        "minted exactly once, though the answer was lost"
    );
}

#[tokio::test]
async fn the_client_recovers_when_the_server_is_back() {
    let (h, c, _t) = setup().await;
    h.state().set_faults(faults(Fault::DropBefore));
    assert!(c.list_apps().await.is_err());
    h.state().set_faults(Faults::none());
    assert!(c.list_apps().await.is_ok());
}
