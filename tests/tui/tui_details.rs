//! The TUI against a list of summaries (what the live server sends): unknown scopes and
//! secrets are shown as not loaded, never as none; the selected app is read at once; the rest
//! fill in the background within the GET budget, on screen first; stale answers are dropped.
//! Pure `update` tests on a fixed clock (time moves only through `Msg::Tick`), frames through
//! TestBackend + insta.

use crate::common;
use crate::common::tui::{now, render, screen_options};

use extapps::api::ApiError;
use extapps::api::model::{App, Details};
use extapps::sim::{demo_apps, demo_catalog};
use extapps::tui::details::{self, FILL_PER_WINDOW, WINDOW};
use extapps::tui::effect::{Effect, RequestId};
use extapps::tui::keymap::{Action, FlowKey};
use extapps::tui::model::RequestKind;
use extapps::tui::msg::{ApiResult, Msg, TextEdit};
use extapps::tui::{Model, update};
use jiff::{SignedDuration, Timestamp};

/// What the live list says of an app: no scopes, no secrets, and so nothing known of them.
fn summary(app: &App) -> App {
    let mut s = app.clone();
    s.resources.clear();
    s.secrets.clear();
    s.details = Details::Unknown;
    s
}

fn full(app: &App) -> App {
    let mut a = app.clone();
    a.details = Details::Known;
    a
}

/// Many apps with secrets: the demo org's apps repeated under new ids and names.
fn org(n: usize) -> Vec<App> {
    let demo = demo_apps(now());
    (0..n)
        .map(|i| {
            let mut a = full(&demo[i % demo.len()]);
            a.id = format!("app-{i:05}");
            a.name = format!("App {i:05}");
            a
        })
        .collect()
}

/// A model after `Init` and a summary list of `apps`; the effects of the list answer.
fn loaded(apps: &[App], size: (u16, u16)) -> (Model, Vec<Effect>) {
    let mut model = Model::new(screen_options(), now());
    update(
        &mut model,
        Msg::Resize {
            width: size.0,
            height: size.1,
        },
    );
    let [Effect::LoadApps { req }] = update(&mut model, Msg::Init)[..] else {
        panic!("Init loads the apps")
    };
    let effects = update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Ok(apps.iter().map(summary).collect()),
                token_expires: Some(now() + SignedDuration::from_mins(47)),
            },
        },
    );
    (model, effects)
}

fn detail_reads(effects: &[Effect]) -> Vec<(RequestId, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadDetails { req, client_id } => Some((*req, client_id.clone())),
            _ => None,
        })
        .collect()
}

/// Answers a detail read with the app's whole definition from `apps`.
fn answer(model: &mut Model, apps: &[App], req: RequestId, id: &str) -> Vec<Effect> {
    let app = apps.iter().find(|a| a.id == id).map(full).unwrap();
    update(
        model,
        Msg::Api {
            req,
            result: ApiResult::Details {
                client_id: id.to_owned(),
                result: Ok(app),
            },
        },
    )
}

/// Answers the details-cache read among `effects` the way the worker does when there is no
/// cache of an earlier run: with nothing. Returns what the answer asks for.
fn no_cache(model: &mut Model, effects: &[Effect]) -> Vec<Effect> {
    let reads: Vec<RequestId> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadDetailCache { req } => Some(*req),
            _ => None,
        })
        .collect();
    let [req] = reads[..] else {
        panic!("one cache read: {effects:?}")
    };
    update(
        model,
        Msg::Api {
            req,
            result: ApiResult::CachedDetails(Vec::new()),
        },
    )
}

fn tick(model: &mut Model, at: Timestamp) -> Vec<Effect> {
    update(model, Msg::Tick { now: at })
}

#[test]
fn unknown_apps_show_an_ellipsis_never_zero_120x35() {
    let apps: Vec<App> = demo_apps(now()).iter().map(full).collect();
    let (mut model, effects) = loaded(&apps, (120, 35));
    assert!(!detail_reads(&effects).is_empty());
    assert!(detail_reads(&no_cache(&mut model, &effects)).is_empty());
    // The spinner is the point: the detail reads are on their way, and only they.
    common::settled::assert_only_in_flight(
        &model,
        RequestKind::Details,
        detail_reads(&effects).len(),
    );
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("loading details…"), "{screen}");
    assert!(!screen.contains("no scopes"), "{screen}");
    assert!(!screen.contains("No secret"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn unknown_apps_show_an_ellipsis_never_zero_80x24() {
    let apps: Vec<App> = demo_apps(now()).iter().map(full).collect();
    let (mut model, effects) = loaded(&apps, (80, 24));
    assert!(detail_reads(&no_cache(&mut model, &effects)).is_empty());
    // The first app's details arrive; the rest are still on their way, and only they.
    let (req, id) = detail_reads(&effects)[0].clone();
    assert!(detail_reads(&answer(&mut model, &apps, req, &id)).is_empty());
    common::settled::assert_only_in_flight(
        &model,
        RequestKind::Details,
        detail_reads(&effects).len() - 1,
    );
    let screen = render(&mut model, 80, 24);
    assert!(screen.contains("…"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_expiry_view_says_how_complete_it_is() {
    let apps: Vec<App> = demo_apps(now()).iter().map(full).collect();
    let (mut model, effects) = loaded(&apps, (120, 35));
    no_cache(&mut model, &effects);
    for (req, id) in detail_reads(&effects) {
        assert!(detail_reads(&answer(&mut model, &apps, req, &id)).is_empty());
    }
    update(&mut model, Msg::Key(Action::ShowExpiring));
    let known = model.apps.values().filter(|a| a.details_known()).count();
    let screen = render(&mut model, 120, 35);
    // Between two paced reads of the fill: nothing in flight, the rest not loaded yet.
    common::settled::assert_settled(&model, &screen);
    let title = format!("(details for {known} of {} apps)", apps.len());
    assert!(screen.contains(&title), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn selecting_an_app_reads_its_details_at_once() {
    let apps = org(40);
    let (mut model, effects) = loaded(&apps, (120, 35));
    let reads = detail_reads(&effects);
    let first = model.selected.clone().unwrap();
    assert_eq!(reads[0].1, first, "the selected app comes first: {reads:?}");

    // Far down the list: not on its way yet, read as soon as it is selected.
    let target = model.view[30].to_string();
    assert!(!model.details.is_loading(&target));
    let mut passed = Vec::new();
    for _ in 0..30 {
        passed.extend(detail_reads(&update(&mut model, Msg::Key(Action::Down))));
    }
    assert_eq!(model.selected.as_deref(), Some(target.as_str()));
    // A key held down (no time passes) reads no app it merely passes over...
    assert!(passed.is_empty(), "{passed:?}");
    // ...and the one it rests on on the next tick.
    let reads = detail_reads(&tick(&mut model, now() + SignedDuration::from_secs(1)));
    assert_eq!(reads[0].1, target);
    // One key press, a moment later: read at once.
    let at = now() + SignedDuration::from_secs(2);
    tick(&mut model, at);
    update(&mut model, Msg::Key(Action::Down));
    let next = model.selected.clone().unwrap();
    assert!(model.details.is_loading(&next));

    // Enter on an app whose details are known and fresh sends nothing more.
    let (req, id) = detail_reads(&effects)[0].clone();
    answer(&mut model, &apps, req, &id);
    update(&mut model, Msg::Key(Action::Top));
    update(&mut model, Msg::Key(Action::Back));
    assert!(detail_reads(&update(&mut model, Msg::Key(Action::ShowDetails))).is_empty());
}

/// Drives the clock through ticks a quarter second apart for `minutes`, answering every read
/// on the tick after it left; returns when each fill read left.
fn run_fill(model: &mut Model, apps: &[App], minutes: i64, skip: &str) -> Vec<Timestamp> {
    let mut sent = Vec::new();
    let mut waiting: Vec<(RequestId, String)> = Vec::new();
    let steps = minutes * 60 * 4;
    for step in 1..=steps {
        let at = now() + SignedDuration::from_millis(step * 250);
        let mut effects = tick(model, at);
        for (req, id) in std::mem::take(&mut waiting) {
            effects.extend(answer(model, apps, req, &id));
        }
        for (req, id) in detail_reads(&effects) {
            if id != skip {
                sent.push(at);
            }
            waiting.push((req, id));
        }
    }
    sent
}

#[test]
fn the_fill_never_exceeds_its_share_of_the_get_budget() {
    let apps = org(1000);
    let (mut model, effects) = loaded(&apps, (120, 35));
    let selected = model.selected.clone().unwrap();
    let mut sent: Vec<Timestamp> = detail_reads(&effects)
        .iter()
        .filter(|(_, id)| *id != selected)
        .map(|_| now())
        .collect();
    let mut first = Vec::new();
    for (req, id) in detail_reads(&effects) {
        first.extend(answer(&mut model, &apps, req, &id));
    }
    assert!(detail_reads(&first).is_empty() || sent.len() < 5);
    sent.extend(run_fill(&mut model, &apps, 12, &selected));
    // Any five minutes, wherever they start: at most FILL_PER_WINDOW fill reads.
    let most = (0..sent.len())
        .map(|i| sent[i..].partition_point(|t| *t <= sent[i] + WINDOW))
        .max()
        .unwrap();
    assert!(
        most <= FILL_PER_WINDOW as usize,
        "{most} fill reads in five minutes"
    );
    // And it does use its share: the fill is not stalled.
    assert!(most >= FILL_PER_WINDOW as usize - 10, "only {most}");
    assert!(sent.len() > 2 * FILL_PER_WINDOW as usize, "{}", sent.len());
}

#[test]
fn the_fill_reads_the_apps_on_screen_first() {
    let apps = org(200);
    let (mut model, effects) = loaded(&apps, (120, 35));
    for (req, id) in detail_reads(&effects) {
        answer(&mut model, &apps, req, &id);
    }
    // Go to the middle of the list and draw, so the view knows what is on screen.
    for _ in 0..100 {
        update(&mut model, Msg::Key(Action::Down));
    }
    render(&mut model, 120, 35);
    let page = model.list.page_size();
    let start = model.list.offset.get();
    let on_screen: Vec<String> = model.view[start..start + page]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let unknown_on_screen = on_screen
        .iter()
        .filter(|id| !model.apps[id.as_str()].details_known() && !model.details.is_loading(id))
        .count();
    assert!(unknown_on_screen > 5, "{unknown_on_screen}");
    let mut order = Vec::new();
    let mut at = now();
    // Bounded: at the fill's pace this takes some 40 ticks.
    for _ in 0..400 {
        if order.len() >= unknown_on_screen {
            break;
        }
        at += SignedDuration::from_millis(500);
        for (req, id) in detail_reads(&tick(&mut model, at)) {
            order.push(id.clone());
            answer(&mut model, &apps, req, &id);
        }
    }
    assert!(
        order.len() >= unknown_on_screen,
        "the fill stalled: {order:?}"
    );
    let off_screen: Vec<&String> = order[..unknown_on_screen]
        .iter()
        .filter(|id| !on_screen.contains(id))
        .collect();
    assert!(
        off_screen.is_empty(),
        "read before the screen: {off_screen:?}"
    );
}

#[test]
fn progress_shows_in_the_status_line_with_the_time_left() {
    let apps = org(500);
    let (mut model, effects) = loaded(&apps, (120, 35));
    for (req, id) in detail_reads(&effects) {
        answer(&mut model, &apps, req, &id);
    }
    let known = model.apps.values().filter(|a| a.details_known()).count();
    let text = details::status_text(&model).unwrap();
    // 495 left at 196 per five minutes, less the tokens in hand: a little over 12 minutes.
    assert_eq!(text, format!("details {known}/500, about 13 min left"));
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains(&format!("details {known}/500")), "{screen}");
    assert!(
        screen.contains(&format!("details {known}/500, about 13 min")),
        "{screen}"
    );

    for (req, id) in detail_reads(&effects) {
        answer(&mut model, &apps, req, &id);
    }
    // Complete: the status line says nothing more about details.
    let sent = run_fill(&mut model, &apps, 14, "");
    assert!(!sent.is_empty());
    assert!(model.apps.values().all(|a| a.details_known()));
    assert_eq!(details::status_text(&model), None);
    assert!(!model.wants_tick() || model.is_busy());
}

#[test]
fn a_detail_answer_for_an_app_a_newer_list_dropped_is_not_brought_back() {
    let apps = org(10);
    let (mut model, effects) = loaded(&apps, (120, 35));
    let reads = detail_reads(&effects);
    let (gone_req, gone) = reads[1].clone();
    let (kept_req, kept) = reads[2].clone();
    // A refresh whose list no longer has `gone` arrives before the answers.
    let [Effect::LoadApps { req }] = update(&mut model, Msg::Key(Action::Refresh))[..] else {
        panic!()
    };
    let rest: Vec<App> = apps.iter().filter(|a| a.id != gone).map(summary).collect();
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Ok(rest),
                token_expires: None,
            },
        },
    );
    answer(&mut model, &apps, gone_req, &gone);
    answer(&mut model, &apps, kept_req, &kept);
    assert!(!model.apps.contains_key(&gone), "a deleted app came back");
    assert!(
        model.apps[kept.as_str()].details_known(),
        "an answer older than the list keeps its details when the list still has the app"
    );
    // The next list (summaries again) does not forget what was read.
    let [Effect::LoadApps { req }] = update(&mut model, Msg::Key(Action::Refresh))[..] else {
        panic!()
    };
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Ok(apps.iter().map(summary).collect()),
                token_expires: None,
            },
        },
    );
    assert!(model.apps[kept.as_str()].details_known());
    assert!(!model.apps[kept.as_str()].secrets.is_empty());
}

#[test]
fn a_detail_answer_older_than_a_change_does_not_overwrite_it() {
    let apps = org(10);
    let (mut model, effects) = loaded(&apps, (120, 35));
    let (req, id) = detail_reads(&effects)[0].clone();
    // An edit's answer lands first: it is newer than the read still on its way.
    let mut edited = full(&apps[0]);
    edited.id = id.clone();
    edited.name = "Renamed by an edit".into();
    model.apps.insert(id.as_str(), edited);
    answer(&mut model, &apps, req, &id);
    assert_eq!(model.apps[id.as_str()].name, "Renamed by an edit");

    // An answer to a request nobody sent is dropped too.
    let (_, other) = detail_reads(&effects)[1].clone();
    update(
        &mut model,
        Msg::Api {
            req: RequestId(9999),
            result: ApiResult::Details {
                client_id: other.clone(),
                result: Ok(full(&apps[1])),
            },
        },
    );
    assert!(!model.apps[other.as_str()].details_known());
    assert!(model.details.is_loading(&other));
}

#[test]
fn a_429_pauses_the_fill_quietly_for_its_retry_after() {
    let apps = org(100);
    let (mut model, effects) = loaded(&apps, (120, 35));
    let reads = detail_reads(&effects);
    for (req, id) in &reads {
        update(
            &mut model,
            Msg::Api {
                req: *req,
                result: ApiResult::Details {
                    client_id: id.clone(),
                    result: Err(ApiError::RateLimited {
                        retry_after: Some(std::time::Duration::from_secs(40)),
                    }),
                },
            },
        );
    }
    assert!(model.toasts.is_empty(), "{:?}", model.toasts);
    let text = details::status_text(&model).unwrap();
    assert!(text.contains("rate limited, resuming in 40s"), "{text}");
    // Nothing goes out for 40 seconds, not even for a newly selected app; then it resumes.
    let mut at = now();
    for _ in 0..39 {
        at += SignedDuration::from_secs(1);
        assert!(detail_reads(&tick(&mut model, at)).is_empty());
    }
    assert!(detail_reads(&update(&mut model, Msg::Key(Action::Down))).is_empty());
    at += SignedDuration::from_secs(2);
    let resumed = detail_reads(&tick(&mut model, at));
    assert!(!resumed.is_empty());
    // The apps the 429 hit are read again, the selected one first.
    assert_eq!(resumed[0].1, model.selected.clone().unwrap());
}

#[test]
fn a_created_app_stays_listed_as_pending_until_a_list_carries_it() {
    let apps = org(5);
    let (mut model, _) = loaded(&apps, (120, 35));
    // Through the create flow: the form, the catalog, Save, the server's answer.
    let effects = update(&mut model, Msg::Key(Action::NewApp));
    let Some(Effect::LoadCatalog { req }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Catalog(Ok(demo_catalog())),
        },
    );
    for c in "Fresh bot".chars() {
        update(&mut model, Msg::Key(Action::Edit(TextEdit::Insert(c))));
    }
    let effects = update(&mut model, Msg::Key(Action::Flow(FlowKey::Save)));
    let Some(Effect::CreateApp { req, .. }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    let mut created = full(&apps[0]);
    created.id = "new-app".into();
    created.name = "Fresh bot".into();
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::Created(Ok(created.clone())),
        },
    );
    assert_eq!(model.selected.as_deref(), Some("new-app"));
    assert!(model.details.is_pending("new-app"));
    update(&mut model, Msg::Key(Action::Back));
    let refresh = |model: &mut Model, list: Vec<App>| {
        let [Effect::LoadApps { req }] = update(model, Msg::Key(Action::Refresh))[..] else {
            panic!()
        };
        update(
            model,
            Msg::Api {
                req,
                result: ApiResult::Apps {
                    apps: Ok(list),
                    token_expires: None,
                },
            },
        );
    };
    let lagging: Vec<App> = apps.iter().map(summary).collect();
    refresh(&mut model, lagging.clone());
    assert!(model.apps.contains_key("new-app"));
    assert!(model.details.is_pending("new-app"));
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("Fresh bot (pending)"), "{screen}");

    let mut carried = lagging.clone();
    carried.push(summary(&created));
    refresh(&mut model, carried);
    assert!(!model.details.is_pending("new-app"));
    assert!(
        model.apps["new-app"].details_known(),
        "what the create answered is kept"
    );

    // One that never shows up is dropped after a bounded number of lists, with a word.
    let mut ghost = created.clone();
    ghost.id = "ghost".into();
    model.apps.insert("ghost", ghost);
    details::created(&mut model, "ghost");
    for _ in 0..details::PENDING_LISTS {
        refresh(&mut model, lagging.clone());
    }
    assert!(!model.apps.contains_key("ghost"));
    assert!(model.toasts.iter().any(|t| t.text.contains("still not in")));
}

/// The worker against the in-process simulator in its default (summary) shape: the list
/// leaves every app unknown, and the reads `update` asks for bring each one whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn details_arrive_from_the_simulators_summary_list() {
    use extapps::tui::worker::Worker;
    use std::sync::Arc;

    let h = common::sim_shaped(extapps::sim::ListShape::Summary).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = Worker::new(Arc::new(common::admin(&h)), tx);
    let mut clock = now();
    let mut model = Model::new(screen_options(), clock);
    update(
        &mut model,
        Msg::Resize {
            width: 120,
            height: 35,
        },
    );
    let dispatch = |effects: Vec<Effect>| {
        for e in effects {
            worker.spawn(e);
        }
    };
    dispatch(update(&mut model, Msg::Init));
    let mut saw_unknown = false;
    // Bounded: each answer comes within 10 s, and 21 apps need far fewer than 300 steps.
    for _ in 0..300 {
        if model.loaded && model.apps.values().all(|a| a.details_known()) {
            break;
        }
        // The model's clock moves 2 s per answer: the fill's pace, without waiting for it.
        clock += SignedDuration::from_secs(2);
        dispatch(update(&mut model, Msg::Tick { now: clock }));
        let msg = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .expect("an answer within 10 s")
            .expect("the worker is alive");
        let list = matches!(
            msg,
            Msg::Api {
                result: ApiResult::Apps { .. },
                ..
            }
        );
        dispatch(update(&mut model, msg));
        if list {
            saw_unknown = model.apps.values().all(|a| !a.details_known());
        }
    }
    assert!(saw_unknown, "the summary list leaves every app unknown");
    let want = h.state().apps();
    assert_eq!(model.apps.len(), want.len());
    for app in &want {
        let got = &model.apps[app.id.as_str()];
        assert!(got.details_known(), "{} is still unknown", app.name);
        assert_eq!(got.secrets, app.secrets, "{}", app.name);
        assert_eq!(got.scope_count(), app.scope_count(), "{}", app.name);
    }
    assert_eq!(details::status_text(&model), None);
    assert!(h.state().detail_reads() >= want.len() as u64);
    h.shutdown().await;
}

#[test]
fn details_from_the_cache_show_at_once_with_their_age_and_are_refreshed() {
    let apps = org(100);
    let (mut model, effects) = loaded(&apps, (120, 35));
    let Some(Effect::LoadDetailCache { req }) = effects
        .iter()
        .find(|e| matches!(e, Effect::LoadDetailCache { .. }))
        .cloned()
    else {
        panic!("a summary list asks for the cache: {effects:?}")
    };
    let in_flight: Vec<String> = detail_reads(&effects)
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    let two_hours_ago = now() - SignedDuration::from_hours(2);
    let cached: Vec<(App, Timestamp)> = apps
        .iter()
        .enumerate()
        // Read at different times: the oldest are refreshed first among equals.
        .map(|(i, a)| (full(a), two_hours_ago - SignedDuration::from_secs(i as i64)))
        .collect();
    update(
        &mut model,
        Msg::Api {
            req,
            result: ApiResult::CachedDetails(cached),
        },
    );
    for a in &apps {
        let known = model.apps[a.id.as_str()].details_known();
        assert_eq!(known, !in_flight.contains(&a.id), "{}", a.name);
    }
    let text = details::status_text(&model).unwrap();
    assert!(text.contains(" from cache, 2h old"), "{text}");
    for _ in 0..6 {
        update(&mut model, Msg::Key(Action::Down));
    }
    // Keys with no time between, past the apps the first burst reads: this one is not read
    // yet, and its cached details show.
    let selected = model.selected.clone().unwrap();
    assert!(model.details.is_cached(&selected));
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("· from cache, 2h old"), "{screen}");

    // The fill reads every cached app again: on screen first, then the ones whose secrets
    // were nearest expiry, then the oldest.
    let on_screen: Vec<String> = {
        let start = model.list.offset.get();
        model.view[start..start + model.list.page_size()]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    for (req, id) in detail_reads(&effects) {
        answer(&mut model, &apps, req, &id);
    }
    let mut order = Vec::new();
    let mut at = now();
    for _ in 0..400 {
        at += SignedDuration::from_millis(500);
        for (req, id) in detail_reads(&tick(&mut model, at)) {
            order.push(id.clone());
            answer(&mut model, &apps, req, &id);
        }
    }
    assert!(
        apps.iter().all(|a| !model.details.is_cached(&a.id)),
        "every cached app was read again"
    );
    assert_eq!(details::status_text(&model), None);
    let off: Vec<&String> = order.iter().filter(|id| !on_screen.contains(id)).collect();
    let first_off = order.iter().position(|id| !on_screen.contains(id)).unwrap();
    assert!(
        order[first_off..].iter().all(|id| !on_screen.contains(id)),
        "on-screen apps first: {order:?}"
    );
    let nearest = |id: &str| apps.iter().find(|a| a.id == id).unwrap().nearest_expiry();
    let keys: Vec<_> = off.iter().map(|id| nearest(id)).collect();
    let with_expiry = keys.iter().take_while(|k| k.is_some()).count();
    assert!(keys[with_expiry..].iter().all(Option::is_none), "{keys:?}");
    assert!(keys[..with_expiry].is_sorted(), "{keys:?}");
}

/// The worker keeps each app it reads in the details cache, and a later run's worker reads
/// them back from it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_keeps_details_in_the_cache_between_runs() {
    use extapps::api::details_cache::DetailsCache;
    use extapps::tui::worker::Worker;
    use std::sync::Arc;

    let h = common::sim_shaped(extapps::sim::ListShape::Summary).await;
    let dir = tempfile::tempdir().unwrap();
    let id = h.state().apps()[0].id.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let first = Worker::new(Arc::new(common::admin(&h)), tx.clone())
        .with_details_cache(Some(DetailsCache::new(dir.path())));
    first.spawn(Effect::LoadDetails {
        req: RequestId(1),
        client_id: id.clone(),
    });
    let wait = std::time::Duration::from_secs(10);
    let msg = tokio::time::timeout(wait, rx.recv())
        .await
        .unwrap()
        .unwrap();
    let Msg::Api {
        result: ApiResult::Details {
            result: Ok(read), ..
        },
        ..
    } = msg
    else {
        panic!("{msg:?}")
    };

    let second = Worker::new(Arc::new(common::admin(&h)), tx)
        .with_details_cache(Some(DetailsCache::new(dir.path())));
    second.spawn(Effect::LoadDetailCache { req: RequestId(2) });
    let msg = tokio::time::timeout(wait, rx.recv())
        .await
        .unwrap()
        .unwrap();
    let Msg::Api {
        result: ApiResult::CachedDetails(cached),
        ..
    } = msg
    else {
        panic!("{msg:?}")
    };
    assert_eq!(cached.len(), 1);
    assert_eq!(cached[0].0.id, id);
    assert_eq!(cached[0].0.secrets, read.secrets);
    assert!(cached[0].0.details_known());
    h.shutdown().await;
}

#[test]
fn a_secret_flow_waits_for_the_apps_own_read() {
    use extapps::tui::keymap::SecretKey;
    let apps = org(10);
    let (mut model, effects) = loaded(&apps, (120, 35));
    let (req, id) = detail_reads(&effects)[0].clone();
    assert_eq!(model.selected.as_deref(), Some(id.as_str()));
    // Not loaded is not "no old secret": the wizard does not open on it.
    let sent = update(&mut model, Msg::Key(Action::Secret(SecretKey::Rotate)));
    assert!(sent.is_empty(), "{sent:?}");
    assert_eq!(model.overlays.top(), None);
    assert!(
        model
            .toasts
            .iter()
            .any(|t| t.text.contains("still loading"))
    );
    answer(&mut model, &apps, req, &id);
    update(&mut model, Msg::Key(Action::Secret(SecretKey::Rotate)));
    assert_ne!(model.overlays.top(), None);
}

#[test]
fn a_deleted_secret_reads_its_app_again_when_lists_are_summaries() {
    use extapps::tui::msg::SecretResult;
    let apps = org(10);
    let (mut model, effects) = loaded(&apps, (120, 35));
    let (req, id) = detail_reads(&effects)[0].clone();
    answer(&mut model, &apps, req, &id);
    // A deletion's answer (whatever flow waited for it): the summary list that follows will
    // not show the secret gone, so the app's own read goes out too. The request is one the
    // model asked (an answer to a request it never asked is stale and changes nothing).
    let deletion = model.requests.start(RequestKind::Secret);
    let after = update(
        &mut model,
        Msg::Api {
            req: deletion,
            result: ApiResult::Secret(SecretResult::Deleted {
                secret_id: 1,
                result: Ok(()),
            }),
        },
    );
    assert!(
        detail_reads(&after).iter().any(|(_, read)| *read == id),
        "{after:?}"
    );
}

/// A list answer of `apps` as they are (full or summaries), at `at`.
fn list_answer(model: &mut Model, apps: Vec<App>, at: Timestamp) -> Vec<Effect> {
    tick(model, at);
    common::tui::refreshed(model, apps)
}

/// A full list reads every app it has at once (one time for all of them, no bookkeeping per
/// app); a later summary list keeps those times app by app and knows no time for an app it
/// brought that nothing has read.
#[test]
fn a_full_list_is_a_read_of_every_app_and_a_summary_list_after_it_keeps_those_times() {
    let apps = org(3);
    let (mut model, effects) = loaded(&apps, (120, 35));
    for (req, id) in detail_reads(&effects) {
        answer(&mut model, &apps, req, &id);
    }
    let t1 = now() + SignedDuration::from_mins(5);
    list_answer(&mut model, apps.clone(), t1);
    for a in &apps {
        assert_eq!(model.details.read_at(&a.id), Some(t1), "{}", a.name);
    }
    // Enter right after the list: just read, so no read is sent; later, it is.
    tick(&mut model, t1 + SignedDuration::from_secs(1));
    let reads = detail_reads(&update(&mut model, Msg::Key(Action::ShowDetails)));
    assert!(reads.is_empty(), "read by the list a second ago: {reads:?}");
    update(&mut model, Msg::Key(Action::Back));
    tick(&mut model, t1 + SignedDuration::from_secs(30));
    let reads = detail_reads(&update(&mut model, Msg::Key(Action::ShowDetails)));
    assert_eq!(
        reads.len(),
        1,
        "Enter on an app read 30 s ago reads it again"
    );
    update(&mut model, Msg::Key(Action::Back));
    let (req, id) = reads[0].clone();
    let t2 = t1 + SignedDuration::from_secs(31);
    tick(&mut model, t2);
    answer(&mut model, &apps, req, &id);
    assert_eq!(
        model.details.read_at(&id),
        Some(t2),
        "its own read is newer"
    );

    // A summary list with one more app.
    let mut more = org(4);
    more.truncate(4);
    let newcomer = more[3].id.clone();
    let t3 = t2 + SignedDuration::from_mins(1);
    list_answer(&mut model, more.iter().map(summary).collect(), t3);
    for a in &apps {
        let want = if a.id == id { t2 } else { t1 };
        assert_eq!(model.details.read_at(&a.id), Some(want), "{}", a.name);
    }
    assert_eq!(model.details.read_at(&newcomer), None, "never read");
}
