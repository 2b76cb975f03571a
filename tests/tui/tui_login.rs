//! `:login` from the TUI: the flow through `update` alone, the worker's half against the
//! simulator with the test as the browser, and a snapshot of the overlay while it waits.

use crate::common::tui::{self, now, press, render};

use extapps::tui::flows::login::LoginFlow;
use extapps::tui::flows::token::Inspector;
use extapps::tui::flows::token::PasteToken;
use std::time::Duration;

use crate::common::*;
use extapps::api::token_cache::TokenCache;
use extapps::sim::{DEMO_LOGIN_CLIENT_ID, DEMO_USER_ID, DEMO_USER_NAME};
use extapps::tui::effect::{Effect, RequestId};
use extapps::tui::flows::login::{self, LoginAnswer, LoginOutcome, LoginStage};
use extapps::tui::keymap::{Action, SecretKey};
use extapps::tui::model::{OverlayKind, ToastLevel};
use extapps::tui::msg::{ApiResult, Msg, TextEdit};
use extapps::tui::{Model, TuiOptions, update};
use jiff::SignedDuration;

const DEMO_SCOPES: &[&str] = &[
    "OR.Default",
    "OR.Folders.Read",
    "OR.Jobs",
    "TM.Projects.Read",
    "DataService.Data.Read",
];

fn options_at(host: &str) -> TuiOptions {
    TuiOptions {
        identity_host: host.into(),
        no_color: true,
        ..tui::options()
    }
}

/// The demo organization as served from `host`: `:login` signs in there.
fn loaded(host: &str) -> Model {
    tui::loaded(options_at(host))
}

fn command(model: &mut Model, line: &str) -> Vec<Effect> {
    press(model, Action::OpenCommand);
    for c in line.chars() {
        press(model, Action::Edit(TextEdit::Insert(c)));
    }
    press(model, Action::Submit)
}

/// `:login` on the simulator's host: the demo login app with its user scopes.
fn started(model: &mut Model) -> RequestId {
    let effects = command(model, "login");
    let [
        Effect::StartLogin {
            req,
            ref client_id,
            ref scopes,
        },
    ] = effects[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(client_id, DEMO_LOGIN_CLIENT_ID);
    assert_eq!(scopes, DEMO_SCOPES);
    req
}

fn url_answer(req: RequestId) -> Msg {
    Msg::Api {
        req,
        result: ApiResult::Login(LoginAnswer::Url {
            url: "http://127.0.0.1:41234/identity_/connect/authorize?response_type=code&client_id=9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a&redirect_uri=http%3A%2F%2Flocalhost%3A12700&scope=OR.Default+OR.Folders.Read+OR.Jobs+TM.Projects.Read+DataService.Data.Read+offline_access&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=abc".into(),
            redirect_uri: "http://localhost:12700".into(),
            browser_opened: false,
        }),
    }
}

#[test]
fn login_command_starts_a_login_with_the_demo_app() {
    let mut model = loaded("127.0.0.1:41234");
    let req = started(&mut model);
    assert_eq!(model.overlays.top(), Some(OverlayKind::Login));
    assert!(model.is_busy());
    let flow = model.overlays.get::<LoginFlow>().unwrap();
    assert_eq!(flow.req, req);
    assert_eq!(flow.stage, LoginStage::Preparing);
}

#[test]
fn login_names_the_app_and_scopes() {
    let mut model = loaded("cloud.uipath.com");
    let effects = command(&mut model, "login my-app OR.Jobs OR.Folders");
    assert!(
        matches!(&effects[..], [Effect::StartLogin { client_id, scopes, .. }]
            if client_id == "my-app" && scopes == &["OR.Jobs", "OR.Folders"]),
        "{effects:?}"
    );
}

#[test]
fn login_without_an_app_off_loopback_says_what_to_type() {
    let mut model = loaded("cloud.uipath.com");
    assert!(command(&mut model, "login").is_empty());
    assert_eq!(model.overlays.top(), None);
    let toast = model.toasts.last().unwrap();
    assert_eq!(toast.level, ToastLevel::Error);
    assert!(toast.text.contains(":login CLIENT_ID"), "{}", toast.text);
}

#[test]
fn the_url_answer_shows_in_the_overlay_and_the_done_answer_ends_it() {
    let mut model = loaded("127.0.0.1:41234");
    let req = started(&mut model);
    update(&mut model, url_answer(req));
    let Some(LoginStage::Waiting { url, .. }) = model.overlays.get::<LoginFlow>().map(|f| &f.stage)
    else {
        panic!("{:?}", model.overlays.get::<LoginFlow>())
    };
    assert!(url.contains("code_challenge_method=S256"));
    assert!(model.is_busy(), "still waiting for the browser");
    // `y` copies the URL through the clipboard effect.
    let copy = press(&mut model, Action::Secret(SecretKey::CopySecret));
    assert!(matches!(&copy[..], [Effect::Copy { .. }]), "{copy:?}");

    let outcome = LoginOutcome {
        decoded: None,
        sub: Some(DEMO_USER_ID.into()),
        name: Some(DEMO_USER_NAME.into()),
        scopes: vec!["OR.Jobs".into(), "offline_access".into()],
        expires_at: now() + SignedDuration::from_mins(60),
        has_refresh: true,
        kept: None,
    };
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Login(LoginAnswer::Done(Ok(outcome.clone()))),
        },
    );
    assert_eq!(
        model.overlays.get::<LoginFlow>().map(|f| &f.stage),
        Some(&LoginStage::Done(Ok(outcome)))
    );
    assert!(!model.requests.contains_key(&req));
    // Closing a finished login cancels nothing.
    assert!(press(&mut model, Action::Back).is_empty());
    assert_eq!(model.overlays.top(), None);
}

#[test]
fn a_stale_answer_is_dropped() {
    let mut model = loaded("127.0.0.1:41234");
    let first = started(&mut model);
    press(&mut model, Action::Back);
    // A second login replaces the first; the first one's late answers change nothing.
    let second = started(&mut model);
    assert_ne!(first, second);
    update(&mut model, url_answer(first));
    update(
        &mut model,
        Msg::Api {
            req: first,
            result: ApiResult::Login(LoginAnswer::Done(Err("late".into()))),
        },
    );
    assert_eq!(
        model.overlays.get::<LoginFlow>().map(|f| &f.stage),
        Some(&LoginStage::Preparing)
    );
    // And once closed, nothing reopens it.
    press(&mut model, Action::Back);
    update(&mut model, url_answer(second));
    assert!(model.overlays.get::<LoginFlow>().is_none());
    assert_eq!(model.overlays.top(), None);
}

#[test]
fn esc_closes_and_cancels_the_waiting_login() {
    let mut model = loaded("127.0.0.1:41234");
    let req = started(&mut model);
    update(&mut model, url_answer(req));
    let effects = press(&mut model, Action::Back);
    assert_eq!(effects, vec![Effect::CancelLogin { req }]);
    assert_eq!(model.overlays.top(), None);
    assert!(model.overlays.get::<LoginFlow>().is_none());
    assert!(!model.overlays.is_open(OverlayKind::Login));
    assert!(!model.requests.contains_key(&req), "no spinner left behind");
}

#[test]
fn model_debug_never_holds_a_token() {
    // A real-shaped token whose claims the model keeps after a login and in the paste field.
    let claims = serde_json::json!({
        "sub": DEMO_USER_ID,
        "name": DEMO_USER_NAME,
        "scope": ["OR.Jobs", "offline_access"],
        "exp": now().as_second() + 3600,
    });
    let signature = "c2lnbmF0dXJlLW9mLXRoZS1sb2dpbi10b2tlbg";
    let token = format!(
        "{}.{signature}",
        extapps::api::jwt::encode_parts(
            &serde_json::json!({"alg": "RS256", "typ": "JWT"}),
            &claims
        )
    );
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);

    let mut model = loaded("127.0.0.1:41234");
    let req = started(&mut model);
    update(&mut model, url_answer(req));
    let outcome = LoginOutcome {
        decoded: Some(extapps::api::jwt::decode(&token).unwrap()),
        sub: Some(DEMO_USER_ID.into()),
        name: Some(DEMO_USER_NAME.into()),
        scopes: vec!["OR.Jobs".into(), "offline_access".into()],
        expires_at: now() + SignedDuration::from_mins(60),
        has_refresh: true,
        kept: None,
    };
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Login(LoginAnswer::Done(Ok(outcome))),
        },
    );
    // Enter opens the inspector on the login's claims; then the token is pasted, not submitted.
    press(&mut model, Action::Submit);
    assert_eq!(model.overlays.top(), Some(OverlayKind::Token));
    extapps::tui::flows::token::open_paste(&mut model);
    update(&mut model, Msg::Paste(token.clone()));
    let held = model.overlays.get::<PasteToken>().expect("the paste field");
    assert_eq!(held.input.0.value(), token, "the model holds the token");

    let debug = format!("{model:?}");
    assert!(
        debug.contains(DEMO_USER_ID),
        "the claims are in the model's Debug"
    );
    assert!(!debug.contains(&token), "the token is in the model's Debug");
    for part in &parts {
        assert!(!debug.contains(part), "a part of the token: {part}");
    }
    assert!(!debug.contains("eyJ"));
}

/// The `scope` parameter of an authorize URL, as a list.
fn url_scopes(url: &str) -> Vec<String> {
    let url = url::Url::parse(url).unwrap();
    let (_, scope) = url
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .expect("a scope parameter");
    scope.split(' ').map(str::to_owned).collect()
}

/// The scopes the overlay lists ("Scopes asked: ..."), from a frame wide enough for one row.
fn listed_scopes(screen: &str) -> Vec<String> {
    let rest = screen
        .lines()
        .find_map(|l| l.trim_matches('"').trim().strip_prefix("Scopes asked: "))
        .unwrap_or_else(|| panic!("no scope list: {screen}"));
    rest.split_whitespace().map(str::to_owned).collect()
}

/// The URL the overlay shows (the worker's answer held by the model).
fn shown_url(model: &Model) -> String {
    match model.overlays.get::<LoginFlow>().map(|f| &f.stage) {
        Some(LoginStage::Waiting { url, .. }) => url.clone(),
        other => panic!("not waiting: {other:?}"),
    }
}

/// "Waiting for the browser" is honestly busy: the one request in flight is the login, and
/// nothing else was left unanswered.
fn only_the_login_in_flight(model: &Model, req: RequestId) {
    let in_flight: Vec<_> = model
        .requests
        .keys()
        .copied()
        .zip(model.requests.kinds())
        .collect();
    assert_eq!(
        in_flight,
        vec![(req, extapps::tui::model::RequestKind::Login)],
        "only the login may be pending"
    );
}

#[test]
fn overlay_waiting_for_the_browser_120x35() {
    let mut model = loaded("127.0.0.1:41234");
    let req = started(&mut model);
    update(&mut model, url_answer(req));
    update(
        &mut model,
        Msg::Tick {
            now: now() + SignedDuration::from_secs(12),
        },
    );
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("Waiting for the browser on http://localhost:12700"));
    assert!(screen.contains("code_challenge_method=S256"), "{screen}");
    // The list beside the URL is the URL's own scopes: offline_access included, and said so.
    let mut expected: Vec<String> = DEMO_SCOPES.iter().map(|s| (*s).to_owned()).collect();
    expected.push("offline_access".into());
    assert_eq!(listed_scopes(&screen), expected);
    assert_eq!(url_scopes(&shown_url(&model)), expected, "the fixture");
    assert!(
        screen.contains("(offline_access added by extapps: it brings a refresh token)"),
        "{screen}"
    );
    only_the_login_in_flight(&model, req);
    insta::assert_snapshot!(screen);
}

#[test]
fn overlay_waiting_for_the_browser_80x24() {
    let mut model = loaded("127.0.0.1:41234");
    let req = started(&mut model);
    update(&mut model, url_answer(req));
    only_the_login_in_flight(&model, req);
    insta::assert_snapshot!(render(&mut model, 80, 24));
}

#[test]
fn offline_access_named_is_not_listed_twice_nor_called_added() {
    let mut model = loaded("127.0.0.1:41234");
    let effects = command(&mut model, "login my-app OR.Jobs offline_access");
    let [Effect::StartLogin { req, .. }] = effects[..] else {
        panic!("{effects:?}")
    };
    update(&mut model, url_answer(req));
    let screen = render(&mut model, 120, 35);
    assert_eq!(listed_scopes(&screen), ["OR.Jobs", "offline_access"]);
    assert!(!screen.contains("added by extapps"), "{screen}");
}

/// The worker's half against the simulator; the test plays the browser.
#[tokio::test]
async fn worker_login_against_the_simulator() {
    let h = sim().await;
    let cache_dir = tempfile::tempdir().unwrap();
    let mut cfg = client_config(&h, h.admin_client_id(), h.admin_secret(), &[]);
    cfg.token_cache = Some(TokenCache::new(cache_dir.path()));
    let client = extapps::api::IdentityClient::new(cfg).unwrap();

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let scopes: Vec<String> = DEMO_SCOPES.iter().map(|s| (*s).to_owned()).collect();
    let run = login::run(
        &client,
        DEMO_LOGIN_CLIENT_ID.to_owned(),
        scopes,
        // A free port, registered below once known: redirect URIs match exactly.
        "http://localhost:0",
        Duration::from_secs(10),
        false,
        move |a| {
            let _ = tx.send(a);
        },
    );
    let real_url = std::sync::Mutex::new(None);
    let browser = async {
        let Some(LoginAnswer::Url {
            url, redirect_uri, ..
        }) = rx.recv().await
        else {
            panic!("the URL comes first");
        };
        *real_url.lock().unwrap() = Some(url.clone());
        h.state()
            .register_redirect_uri(DEMO_LOGIN_CLIENT_ID, &redirect_uri);
        let no_redirects = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let resp = no_redirects.get(&url).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 302);
        let loc = resp.headers()["location"].to_str().unwrap().to_owned();
        let page = no_redirects
            .get(&loc)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("close this tab"), "{page}");
    };
    tokio::time::timeout(Duration::from_secs(20), async {
        tokio::join!(run, browser)
    })
    .await
    .expect("the login finishes");
    let Some(LoginAnswer::Done(result)) = rx.recv().await else {
        panic!("then the outcome");
    };
    let outcome = result.expect("signed in");
    assert_eq!(outcome.sub.as_deref(), Some(DEMO_USER_ID));
    assert_eq!(outcome.name.as_deref(), Some(DEMO_USER_NAME));
    for s in DEMO_SCOPES {
        assert!(
            outcome.scopes.iter().any(|g| g == s),
            "{:?}",
            outcome.scopes
        );
    }
    assert!(outcome.has_refresh);
    let decoded = outcome.decoded.as_ref().expect("claims");
    assert_eq!(decoded.str_claim("sub"), Some(DEMO_USER_ID));
    let kept = outcome.kept.clone().expect("a cache").expect("kept");
    assert!(kept.starts_with(cache_dir.path()), "{kept:?}");
    assert!(
        !format!("{outcome:?}").contains("eyJ"),
        "no token in the answer"
    );

    // The overlay lists exactly the scopes the worker's real URL asks for.
    let real_url = real_url.into_inner().unwrap().expect("the URL was sent");
    let mut model = loaded("127.0.0.1:41234");
    let req = started(&mut model);
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Login(LoginAnswer::Url {
                url: real_url.clone(),
                redirect_uri: "http://localhost:12700".into(),
                browser_opened: false,
            }),
        },
    );
    let screen = render(&mut model, 120, 35);
    assert_eq!(listed_scopes(&screen), url_scopes(&real_url), "{screen}");

    // And the answer drives the model to the result and Enter opens the inspector.
    let mut model = loaded("127.0.0.1:41234");
    let req = started(&mut model);
    update(&mut model, url_answer(req));
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Login(LoginAnswer::Done(Ok(outcome))),
        },
    );
    press(&mut model, Action::Submit);
    assert_eq!(model.overlays.top(), Some(OverlayKind::Token));
    let source = &model.overlays.get::<Inspector>().unwrap().source;
    assert_eq!(source, &format!("login token of {DEMO_USER_NAME}"));
}

/// The demo organization as a summary list gives it: the login app's scopes not read yet.
fn login_app_not_loaded(host: &str) -> Model {
    let apps = extapps::sim::demo_apps(now())
        .into_iter()
        .map(|mut app| {
            if app.id == DEMO_LOGIN_CLIENT_ID {
                app.resources.clear();
                app.secrets.clear();
                app.details = extapps::api::model::Details::Unknown;
            }
            app
        })
        .collect();
    tui::loaded_model(options_at(host), now(), apps, None)
}

/// "Not loaded yet" is not "no scopes": `:login` before the app's details arrived says to
/// wait, and starts nothing.
#[test]
fn login_before_the_apps_scopes_arrived_says_they_are_not_loaded() {
    let mut model = login_app_not_loaded("127.0.0.1:41234");
    assert!(command(&mut model, "login").is_empty());
    assert!(!model.overlays.is_open(OverlayKind::Login));
    let toast = model.toasts.last().unwrap();
    assert_eq!(toast.level, ToastLevel::Error);
    assert_eq!(
        toast.text,
        format!(
            "The scopes of {DEMO_LOGIN_CLIENT_ID} are not loaded yet: try again in a moment, or name them: :login {DEMO_LOGIN_CLIENT_ID} SCOPE..."
        )
    );
}
