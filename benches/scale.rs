//! Issue 7: extapps at the scale of a large organization. Every benchmark runs on the same
//! 10,000 apps the simulator serves for `extapps sim --apps 10000` (seed 7), so the figures in
//! BENCHMARKS.md describe what a user of that organization sees.
//!
//! Sample sizes are modest on purpose: the benchmark machine is shared, and a few minutes for
//! the whole run is worth more than the last percent of precision.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use extapps::api::model::App;
use extapps::tui::effect::Effect;
use extapps::tui::keymap::Action;
use extapps::tui::msg::{ApiResult, Msg, TextEdit};
use extapps::tui::store::Garbage;
use extapps::tui::{Model, TuiOptions, update, view};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const APPS: usize = 10_000;
const SEED: u64 = 7;

fn now() -> Timestamp {
    "2026-03-01T12:00:00Z".parse().unwrap()
}

fn org() -> Vec<App> {
    let apps = extapps::sim::generated_apps(APPS, SEED, now());
    let scopes: usize = apps.iter().map(App::scope_count).sum();
    let secrets: usize = apps.iter().map(|a| a.secrets.len()).sum();
    eprintln!(
        "data: {} apps, {:.1} scopes and {:.2} secrets per app on average",
        apps.len(),
        scopes as f64 / apps.len() as f64,
        secrets as f64 / apps.len() as f64
    );
    apps
}

/// A list answer, as the event loop applies it: the apps the refresh replaced are returned,
/// not freed, since the loop frees them off the UI thread after the frame (criterion drops
/// what a timed routine returns outside the measurement).
fn refresh(model: &mut Model, apps: Vec<App>) -> Garbage {
    let req = match update(model, Msg::Key(Action::Refresh))[..] {
        [Effect::LoadApps { req }] => req,
        ref other => panic!("expected one LoadApps, got {other:?}"),
    };
    update(
        model,
        Msg::Api {
            req,
            result: ApiResult::Apps {
                apps: Ok(apps),
                token_expires: None,
            },
        },
    );
    model.apps.take_garbage()
}

fn loaded(apps: Vec<App>) -> Model {
    let mut model = Model::new(
        TuiOptions {
            organization: "demo-org".into(),
            identity_host: "127.0.0.1".into(),
            ..TuiOptions::default()
        },
        now(),
    );
    update(
        &mut model,
        Msg::Resize {
            width: 200,
            height: 50,
        },
    );
    update(&mut model, Msg::Init);
    drop(refresh(&mut model, apps));
    model
}

fn key(model: &mut Model, action: Action) {
    update(model, Msg::Key(action));
}

fn benches(c: &mut Criterion) {
    let apps = org();

    let mut render = c.benchmark_group("render");
    {
        let mut model = loaded(apps.clone());
        model.select_row(model.view.len() / 2);
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
        render.bench_function("main_10k", |b| {
            b.iter(|| {
                terminal.draw(|f| view(black_box(&model), f)).unwrap();
            })
        });

        key(&mut model, Action::ShowExpiring);
        model.expiring.index = model.expiring_rows.len() / 2;
        render.bench_function("expiring_10k", |b| {
            b.iter(|| {
                terminal.draw(|f| view(black_box(&model), f)).unwrap();
            })
        });
    }
    render.finish();

    let mut group = c.benchmark_group("update");
    {
        let mut model = loaded(apps.clone());
        key(&mut model, Action::StartFilter);
        // The costliest keystroke: the first letter, which almost every app still matches.
        // Only the keystroke is timed; the Backspace that restores the empty filter is not.
        group.bench_function("filter_keystroke_10k", |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    key(&mut model, Action::Edit(TextEdit::Insert('s')));
                    spent += started.elapsed();
                    black_box(model.view.len());
                    key(&mut model, Action::Edit(TextEdit::Backspace));
                }
                spent
            })
        });
    }
    {
        // The common refresh: the organization has not changed since the last one.
        let mut model = loaded(apps.clone());
        model.select_row(model.view.len() / 2);
        group.bench_function("apply_list_10k", |b| {
            b.iter_batched(
                || apps.clone(),
                |fresh| refresh(&mut model, fresh),
                BatchSize::LargeInput,
            )
        });
    }
    {
        // The costly one: every app differs from the list before (two organizations in turn).
        let other = extapps::sim::generated_apps(APPS, SEED + 1, now());
        let mut model = loaded(apps.clone());
        model.select_row(model.view.len() / 2);
        let mut flip = false;
        group.bench_function("apply_changed_list_10k", |b| {
            b.iter_batched(
                || {
                    flip = !flip;
                    if flip { other.clone() } else { apps.clone() }
                },
                |fresh| refresh(&mut model, fresh),
                BatchSize::LargeInput,
            )
        });
    }
    {
        // The usual changed refresh: one app of 10,000 differs from the list before (a secret
        // added to it), the others are as they were; the two lists are applied in turn.
        let mut one = apps.clone();
        let at = (APPS / 2..APPS)
            .find(|&i| !one[i].secrets.is_empty())
            .expect("an app with a secret");
        let changed = &mut one[at];
        let mut secret = changed.secrets[0].clone();
        secret.id = i64::MAX;
        changed.secrets.push(secret);
        let mut model = loaded(apps.clone());
        model.select_row(model.view.len() / 2);
        let mut flip = false;
        group.bench_function("apply_one_changed_10k", |b| {
            b.iter_batched(
                || {
                    flip = !flip;
                    if flip { one.clone() } else { apps.clone() }
                },
                |fresh| refresh(&mut model, fresh),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();

    // The body the simulator's list route sends (serde_json, compact, either delivery).
    let body = serde_json::to_vec(&apps).unwrap();
    eprintln!("data: list body {:.1} MB", body.len() as f64 / 1e6);
    let mut api = c.benchmark_group("api");
    api.throughput(Throughput::Bytes(body.len() as u64));
    api.bench_function("parse_list_10k", |b| {
        b.iter(|| serde_json::from_slice::<Vec<App>>(black_box(&body)).unwrap())
    });
    // What the client does: the body in 64 KiB chunks, each element parsed as it completes.
    api.bench_function("stream_list_10k", |b| {
        b.iter(|| {
            let mut list = extapps::api::list_stream::ListStream::<App>::default();
            for chunk in black_box(&body).chunks(64 * 1024) {
                list.push(chunk).unwrap();
            }
            list.finish().unwrap()
        })
    });
    api.finish();
}

criterion_group! {
    name = scale;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = benches
}
criterion_main!(scale);
