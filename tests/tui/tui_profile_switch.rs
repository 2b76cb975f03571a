//! Switching profile in place: the picker and `:profile NAME` ask the worker to switch, and
//! its answer starts the model over for the new organization. The worker half runs against
//! two in-process simulators with a temporary config file.

use crate::common::tui::{self, now, press, render};

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use extapps::config::{ProfileInfo, ProfileSource};
use extapps::sim::{self, SimSettings, demo_apps};
use extapps::tui::effect::{Effect, RequestId};
use extapps::tui::keymap::Action;
use extapps::tui::model::{OverlayKind, ToastLevel};
use extapps::tui::msg::{ApiResult, Msg, ProfileList, SwitchInfo, TextEdit};
use extapps::tui::worker::{Worker, build_profile_client};
use extapps::tui::{Model, TuiOptions, update};

fn opts(read_only_flag: bool) -> TuiOptions {
    TuiOptions {
        profile: Some("prod".into()),
        read_only: read_only_flag,
        read_only_flag,
        ..tui::options()
    }
}

fn loaded(read_only_flag: bool) -> Model {
    let mut model = tui::loaded(opts(read_only_flag));
    update(
        &mut model,
        Msg::Resize {
            width: 120,
            height: 40,
        },
    );
    assert!(!model.apps.is_empty());
    model
}

fn command(model: &mut Model, line: &str) -> Vec<Effect> {
    press(model, Action::OpenCommand);
    for c in line.chars() {
        press(model, Action::Edit(TextEdit::Insert(c)));
    }
    press(model, Action::Submit)
}

fn info(selector: &str, org: &str) -> ProfileInfo {
    ProfileInfo {
        selector: selector.into(),
        name: selector.into(),
        source: ProfileSource::Extapps("/tmp/extapps.toml".into()),
        read_only: false,
        organization: Some(org.into()),
        uri: None,
        is_default: false,
    }
}

/// Opens the picker on `prod` and `staging`, the cursor on `prod` (the active one).
fn open_picker(model: &mut Model) {
    let effects = command(model, "profile");
    let [Effect::LoadProfiles { req }] = effects[..] else {
        panic!("{effects:?}")
    };
    update(
        model,
        Msg::Api {
            req,
            result: ApiResult::Profiles(Ok(ProfileList {
                profiles: vec![info("prod", "demo-org"), info("staging", "other-org")],
                looked_in: Vec::new(),
                warnings: Vec::new(),
            })),
        },
    );
    assert_eq!(model.overlays.top(), Some(OverlayKind::Profiles));
}

fn switch_req(effects: &[Effect], selector: &str) -> RequestId {
    match effects {
        [Effect::SwitchProfile { req, selector: s }] if s == selector => *req,
        _ => panic!("expected SwitchProfile {selector}, got {effects:?}"),
    }
}

fn switched(profile: &str, org: &str, read_only: bool) -> SwitchInfo {
    SwitchInfo {
        profile: profile.into(),
        organization: org.into(),
        identity_host: "staging.uipath.com".into(),
        read_only,
        insecure: true,
        auto_refresh: Some(Duration::from_secs(60)),
        warnings: Vec::new(),
    }
}

fn answer(model: &mut Model, req: RequestId, result: Result<SwitchInfo, String>) -> Vec<Effect> {
    update(
        model,
        Msg::Api {
            req,
            result: ApiResult::ProfileSwitched(result),
        },
    )
}

#[test]
fn enter_in_the_picker_asks_to_switch() {
    let mut model = loaded(false);
    open_picker(&mut model);
    press(&mut model, Action::Down);
    let effects = press(&mut model, Action::Submit);
    switch_req(&effects, "staging");
    assert!(!model.overlays.is_open(OverlayKind::Profiles));
    assert!(model.is_busy(), "the switch shows as running");
}

#[test]
fn enter_on_the_active_profile_switches_nothing() {
    let mut model = loaded(false);
    open_picker(&mut model);
    let effects = press(&mut model, Action::Submit);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(model.toasts.iter().any(|t| t.text.contains("Already")));
}

#[test]
fn profile_name_command_asks_to_switch() {
    let mut model = loaded(false);
    let effects = command(&mut model, "profile staging");
    switch_req(&effects, "staging");
}

#[test]
fn a_switch_starts_the_model_over_for_the_new_organization() {
    let mut model = loaded(false);
    // State that must not survive: a selection, an overlay, an app list request in flight.
    press(&mut model, Action::Down);
    assert!(model.selected.is_some());
    let old_list = update(&mut model, Msg::Key(Action::Refresh));
    let effects = command(&mut model, "profile staging");
    let req = switch_req(&effects, "staging");
    command(&mut model, "help");
    assert!(!model.overlays.is_empty());

    let effects = answer(&mut model, req, Ok(switched("staging", "other-org", false)));
    let [Effect::LoadApps { req: list }] = effects[..] else {
        panic!("the new org's apps are asked for: {effects:?}")
    };
    assert!(model.apps.is_empty());
    assert!(model.selected.is_none());
    assert!(model.overlays.is_empty());
    assert!(!model.loaded);
    assert_eq!(model.opts.organization, "other-org");
    assert_eq!(model.opts.identity_host, "staging.uipath.com");
    assert_eq!(model.opts.profile.as_deref(), Some("staging"));
    assert!(model.opts.insecure);
    assert!(!model.opts.read_only);
    assert_eq!(model.opts.auto_refresh, Some(Duration::from_secs(60)));
    assert_eq!(model.size, (120, 40), "the terminal size is kept");
    assert!(
        model.toasts.iter().any(|t| t.level == ToastLevel::Info
            && t.text == "Switched to profile staging (org other-org)"),
        "{:?}",
        model.toasts
    );
    // Request ids keep counting, so the old org's list answer cannot pass for the new one.
    let [Effect::LoadApps { req: old }] = old_list[..] else {
        panic!("{old_list:?}")
    };
    assert!(old < list);
    update(
        &mut model,
        Msg::Api {
            req: old,
            result: ApiResult::Apps {
                apps: Ok(demo_apps(now())),
                token_expires: None,
            },
        },
    );
    assert!(model.apps.is_empty(), "the old org's list is dropped");
    // The header says where we are now.
    let screen = render(&mut model, 120, 40);
    assert!(screen.contains("other-org"), "{screen}");
    assert!(screen.contains("staging"), "{screen}");
}

#[test]
fn the_session_read_only_flag_survives_a_switch() {
    let mut model = loaded(true);
    let req = switch_req(&command(&mut model, "profile staging"), "staging");
    answer(&mut model, req, Ok(switched("staging", "other-org", false)));
    assert!(model.opts.read_only, "--read-only applies to every profile");
    assert!(model.opts.read_only_flag);

    // Without the flag, the profile's own read_only is what counts, both ways.
    let mut model = loaded(false);
    let req = switch_req(&command(&mut model, "profile staging"), "staging");
    answer(&mut model, req, Ok(switched("staging", "other-org", true)));
    assert!(model.opts.read_only);
    let req = switch_req(&command(&mut model, "profile prod"), "prod");
    answer(&mut model, req, Ok(switched("prod", "demo-org", false)));
    assert!(!model.opts.read_only);
}

#[test]
fn a_failed_switch_changes_nothing() {
    let mut model = loaded(false);
    let apps = model.apps.len();
    let selected = model.selected.clone();
    let req = switch_req(&command(&mut model, "profile nope"), "nope");
    let effects = answer(&mut model, req, Err("no profile nope in the config".into()));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(model.apps.len(), apps);
    assert_eq!(model.selected, selected);
    assert_eq!(model.opts.organization, "demo-org");
    assert_eq!(model.opts.profile.as_deref(), Some("prod"));
    assert!(!model.is_busy());
    assert!(
        model
            .toasts
            .iter()
            .any(|t| t.level == ToastLevel::Error && t.text.contains("no profile nope")),
        "{:?}",
        model.toasts
    );
}

#[test]
fn a_stale_switch_answer_is_dropped() {
    let mut model = loaded(false);
    let first = switch_req(&command(&mut model, "profile staging"), "staging");
    let second = switch_req(&command(&mut model, "profile test"), "test");
    // The superseded switch answers late: ignored.
    let effects = answer(
        &mut model,
        first,
        Ok(switched("staging", "other-org", false)),
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(model.opts.organization, "demo-org");
    assert!(!model.apps.is_empty());
    // The last one counts.
    let effects = answer(&mut model, second, Ok(switched("test", "test-org", false)));
    assert!(matches!(effects[..], [Effect::LoadApps { .. }]));
    assert_eq!(model.opts.organization, "test-org");
    // And once answered, a repeat of it is stale too.
    let effects = answer(&mut model, second, Ok(switched("test", "x-org", false)));
    assert!(effects.is_empty());
    assert_eq!(model.opts.organization, "test-org");
}

// -- The worker -------------------------------------------------------------------------------

/// A 0600 config file with a profile for each simulator, and the variables that point at it.
fn config_for(
    dir: &tempfile::TempDir,
    a: &sim::SimHandle,
    b: &sim::SimHandle,
) -> HashMap<String, String> {
    let profile = |name: &str, h: &sim::SimHandle, read_only: bool| {
        format!(
            "[profiles.{name}]\nuri = \"{}\"\norganization = \"{}\"\nclient_id = \"{}\"\n\
             client_secret = \"{}\"\nread_only = {read_only}\n\n",
            h.base_url.as_str().trim_end_matches('/'),
            h.organization,
            h.admin_client_id(),
            h.admin_secret(),
        )
    };
    let path: PathBuf = dir.path().join("extapps.toml");
    let text = format!(
        "default_profile = \"one\"\n\n{}{}",
        profile("one", a, false),
        profile("two", b, true)
    );
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    HashMap::from([
        ("EXTAPPS_CONFIG".into(), path.display().to_string()),
        (
            "UIPATH_CONFIGURATION_PATH".into(),
            dir.path().join("no-uipathcli").display().to_string(),
        ),
        (
            "EXTAPPS_CACHE_DIR".into(),
            dir.path().join("cache").display().to_string(),
        ),
    ])
}

/// The worker's next answer, skipping its other messages. One bound for the whole wait: a
/// worker that kept sending something else would otherwise keep the loop alive forever.
async fn next_answer(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>) -> (RequestId, ApiResult) {
    let answer = async {
        loop {
            let msg = rx.recv().await.expect("the channel is open");
            if let Msg::Api { req, result } = msg {
                return (req, result);
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), answer)
        .await
        .expect("the worker answers within 20 s")
}

async fn app_count(
    worker: &Worker,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
    req: u64,
) -> usize {
    worker.spawn(Effect::LoadApps {
        req: RequestId(req),
    });
    let (got, result) = next_answer(rx).await;
    assert_eq!(got, RequestId(req));
    let ApiResult::Apps { apps, .. } = result else {
        panic!("{result:?}")
    };
    apps.expect("the list call works").len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_switches_to_the_other_simulator() {
    let a = sim::start(SimSettings::default()).await.unwrap();
    let b = sim::start(SimSettings {
        extra_apps: 7,
        ..SimSettings::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let vars = config_for(&dir, &a, &b);
    let env = move |k: &str| vars.get(k).cloned();

    // The resolve-and-build step on its own.
    let (client, info) = build_profile_client("two", &env).unwrap();
    assert_eq!(info.profile, "two");
    assert_eq!(info.organization, b.organization);
    assert!(info.read_only);
    assert_eq!(info.identity_host, client.endpoints().host());
    let Err(err) = build_profile_client("missing", &env) else {
        panic!("a missing profile is an error")
    };
    assert!(err.contains("missing"), "{err}");

    // The worker: starts on A, switches to B, later effects go to B.
    let (one, _) = build_profile_client("one", &env).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = Worker::with_env(one, tx, Arc::new(env));
    let on_a = app_count(&worker, &mut rx, 1).await;

    worker.spawn(Effect::SwitchProfile {
        req: RequestId(2),
        selector: "nope".into(),
    });
    let (req, result) = next_answer(&mut rx).await;
    assert_eq!(req, RequestId(2));
    assert!(
        matches!(&result, ApiResult::ProfileSwitched(Err(e)) if e.contains("nope")),
        "{result:?}"
    );
    assert_eq!(
        app_count(&worker, &mut rx, 3).await,
        on_a,
        "a failed switch keeps the client"
    );

    worker.spawn(Effect::SwitchProfile {
        req: RequestId(4),
        selector: "two".into(),
    });
    let (req, result) = next_answer(&mut rx).await;
    assert_eq!(req, RequestId(4));
    let ApiResult::ProfileSwitched(Ok(info)) = result else {
        panic!("{result:?}")
    };
    assert_eq!(info.organization, b.organization);
    assert_eq!(app_count(&worker, &mut rx, 5).await, on_a + 7);
    a.shutdown().await;
    b.shutdown().await;
}
