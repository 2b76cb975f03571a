//! The fault matrix: every client operation against every fault the simulator injects. A read
//! must return the right kind of error (or succeed where the fault cannot touch the answer). A
//! change must be sent exactly once, and what the client reports (done, not done, unknown, done
//! with its answer lost) must match what the server did.

use std::time::Duration;

use crate::common::*;
use extapps::api::model::{ScopeRef, ScopeType, UpdateAppRequest};
use extapps::api::outcome::{self, Outcome};
use extapps::api::readback::{self, ReadBack, UpdateError};
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

/// The error kind (`ApiError::short_kind`) a read must report, or None for success.
fn expected_read(op: Op, f: Fault) -> Option<&'static str> {
    match (f, op) {
        (Fault::Latency, _) => None,
        (Fault::TokenDown, _) => Some("token_endpoint"),
        (_, Op::Token) => None,
        (Fault::ServerErrors, _) => Some("server"),
        (Fault::Storm, _) => Some("rate_limited"),
        (Fault::DropBefore | Fault::DropAfter, _) => Some("network"),
        (Fault::Truncated | Fault::Malformed, _) => Some("unexpected_body"),
        (Fault::SlowBody, _) => Some("timeout"),
    }
}

/// What the client said about a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Report {
    /// Success (an update also read back and found as intended).
    Ok,
    /// Failed, and known not to have happened.
    NotDone,
    /// The answer was lost after sending: it may or may not have happened.
    Unknown,
    /// It happened; only its answer was lost.
    Done,
    /// An update the server accepted, whose read-back failed.
    SavedUnchecked,
}

impl Report {
    /// Whether the report is consistent with what the server did.
    fn consistent_with(self, made: bool) -> bool {
        match self {
            Report::Ok | Report::Done | Report::SavedUnchecked => made,
            Report::NotDone => !made,
            Report::Unknown => true,
        }
    }
}

/// What a change must report under a fault, and whether the server carried it out.
fn expected_change(op: Op, f: Fault) -> (Report, bool) {
    match (f, op) {
        (Fault::Latency, _) => (Report::Ok, true),
        (Fault::TokenDown | Fault::ServerErrors | Fault::Storm, _) => (Report::NotDone, false),
        // Sent, then the connection closed without a status: the client cannot know which.
        (Fault::DropBefore, _) => (Report::Unknown, false),
        (Fault::DropAfter, _) => (Report::Unknown, true),
        // A success status arrived; only the body is damaged or late.
        (Fault::Truncated | Fault::Malformed | Fault::SlowBody, Op::Delete | Op::DeleteSecret) => {
            (Report::Ok, true)
        }
        (Fault::Truncated | Fault::Malformed | Fault::SlowBody, Op::Update) => {
            (Report::SavedUnchecked, true)
        }
        (Fault::Truncated | Fault::Malformed | Fault::SlowBody, _) => (Report::Done, true),
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
    let c = client_for(&h);
    c.partition_id().await.unwrap();
    let t = Target {
        app: app.id,
        secret_id: secret.id,
    };
    (h, c, t)
}

/// The client under test times out well before the slow-body fault delivers, and reads an
/// update back once.
fn client_for(h: &SimHandle) -> IdentityClient {
    let mut cfg = client_config(h, h.admin_client_id(), h.admin_secret(), &[]);
    cfg.timeout = Duration::from_secs(3);
    cfg.readback = ReadBack {
        tries: 1,
        delay: Duration::ZERO,
    };
    IdentityClient::new(cfg).unwrap()
}

fn scope(name: &str) -> ScopeRef {
    ScopeRef {
        name: name.to_owned(),
        kind: ScopeType::Application,
    }
}

const CREATED: &str = "Created Under Fire";
const RENAMED: &str = "Renamed Under Fire";

/// Runs a change; the report it makes.
async fn change(op: Op, c: &IdentityClient, t: &Target) -> (Report, Option<ApiError>) {
    let classify = |e: ApiError| {
        let r = match e.outcome() {
            Outcome::NotDone => Report::NotDone,
            Outcome::Unknown => Report::Unknown,
            Outcome::Done => Report::Done,
        };
        (r, Some(e))
    };
    let result = match op {
        Op::Create => c.create_app(CREATED, true, None, vec![]).await.map(drop),
        Op::Update => {
            let before = UpdateAppRequest {
                name: "Fault Target".into(),
                redirect_uri: None,
                scopes: vec![scope("OR.Jobs")],
                client_certificates: None,
            };
            let mut intended = before.clone();
            intended.name = RENAMED.into();
            intended.scopes.push(scope("OR.Queues.Read"));
            return match readback::update_and_check(c, &t.app, &before, &intended).await {
                Ok(a) if a.stuck() => (Report::Ok, None),
                Ok(a) => panic!("nothing else writes, yet {:?} is missing", a.missing),
                Err(UpdateError::Put(e)) => classify(e),
                Err(UpdateError::ReadBack(e)) => (Report::SavedUnchecked, Some(e)),
            };
        }
        Op::Delete => c.delete_app(&t.app).await,
        Op::NewSecret => c.generate_secret(&t.app, None, None).await.map(drop),
        Op::DeleteSecret => c.delete_secret(t.secret_id).await,
        _ => unreachable!("not a change"),
    };
    match result {
        Ok(()) => (Report::Ok, None),
        Err(e) => classify(e),
    }
}

async fn read(op: Op, c: &IdentityClient, h: &SimHandle, t: &Target) -> Result<(), ApiError> {
    match op {
        Op::List => c.list_apps().await.map(drop),
        Op::Get => c.get_app(&t.app).await.map(drop),
        Op::Token => {
            let secret = SecretString::from(h.admin_secret().to_owned());
            c.request_token_for(h.admin_client_id(), &secret, &[])
                .await
                .map(drop)
        }
        _ => unreachable!("a change"),
    }
}

/// Whether the server shows the change `op` made.
fn made(op: Op, h: &SimHandle, t: &Target, apps_before: usize, secrets_before: usize) -> bool {
    let app = h.state().app(&t.app);
    match op {
        Op::Create => h.state().app_count() == apps_before + 1,
        Op::Update => app.is_some_and(|a| a.name == RENAMED),
        Op::Delete => app.is_none(),
        Op::NewSecret => app.is_some_and(|a| a.secrets.len() == secrets_before + 1),
        Op::DeleteSecret => app.is_some_and(|a| a.secrets.iter().all(|s| s.id != t.secret_id)),
        _ => false,
    }
}

async fn cell(op: Op, f: Fault) -> Result<(), String> {
    let (h, c, t) = setup().await;
    let apps_before = h.state().app_count();
    let secrets_before = h.state().app(&t.app).map(|a| a.secrets.len()).unwrap_or(0);
    // A client that must fetch a token now, while the token endpoint is down.
    let c = if f == Fault::TokenDown {
        let mut cfg = client_config(&h, h.admin_client_id(), h.admin_secret(), &[]);
        cfg.partition_id = Some(h.partition_id.clone());
        IdentityClient::new(cfg).unwrap()
    } else {
        c
    };
    h.state().set_faults(faults(f));
    let sent_before = h.state().mutations_handled();
    if !op.mutates() {
        let result = read(op, &c, &h, &t).await;
        h.state().set_faults(Faults::none());
        let got = result.as_ref().err().map(|e| e.short_kind());
        let want = expected_read(op, f);
        if got != want {
            return Err(format!(
                "{op:?} under {f:?}: expected {want:?}, got {result:?}"
            ));
        }
        return no_secret_in(op, f, result.err().as_ref());
    }
    let (report, err) = change(op, &c, &t).await;
    let sent = h.state().mutations_handled() - sent_before;
    h.state().set_faults(Faults::none());
    let (want, want_made) = expected_change(op, f);
    let was_made = made(op, &h, &t, apps_before, secrets_before);

    // Sent exactly once (never resent), or not at all when no token could be had. An update
    // is a PUT and reads; only the PUT counts.
    let want_sent = u64::from(f != Fault::TokenDown);
    if sent != want_sent {
        return Err(format!(
            "{op:?} under {f:?}: reached the server {sent} times, expected {want_sent}"
        ));
    }
    if was_made != want_made {
        return Err(format!(
            "{op:?} under {f:?}: the server {} it, expected {}",
            if was_made { "did" } else { "did not do" },
            if want_made { "done" } else { "not done" }
        ));
    }
    if !report.consistent_with(was_made) {
        return Err(format!(
            "{op:?} under {f:?}: reported {report:?} ({err:?}), but made = {was_made}"
        ));
    }
    if report != want {
        return Err(format!(
            "{op:?} under {f:?}: expected {want:?}, got {report:?} ({err:?})"
        ));
    }
    if let Some(e) = &err
        && report == Report::Unknown
    {
        let words = outcome::unknown_message("the change", e, "extapps apps show ID");
        if words.to_lowercase().contains("try again") {
            return Err(format!("{op:?} under {f:?}: advises a retry: {words}"));
        }
    }
    no_secret_in(op, f, err.as_ref())
}

fn no_secret_in(op: Op, f: Fault, e: Option<&ApiError>) -> Result<(), String> {
    if let Some(e) = e {
        let msg = format!("{e} {}", e.lost_detail());
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
    let dropped = c.list_apps().await;
    assert!(
        matches!(dropped, Err(ApiError::Network { .. })),
        "{dropped:?}"
    );
    h.state().set_faults(Faults::none());
    let listed = c.list_apps().await.unwrap();
    assert_eq!(listed.len(), h.state().app_count());
}
