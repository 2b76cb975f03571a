//! `secrets list` on fixture apps with known expiry times and a fixed clock: what is listed,
//! in which order, in which format, and the exit status a cron job sees.

use crate::common::clock::expiry_fixture_now;

use extapps::api::model::App;
use extapps::cli::secrets::{
    EXIT_EXPIRED, EXIT_EXPIRING, EXIT_OK, Format, Report, Status, report, write,
};
use extapps::domain::csv_cell;
use extapps::domain::duration::parse;
use jiff::Timestamp;

fn apps() -> Vec<App> {
    let mut apps: Vec<App> =
        serde_json::from_str(include_str!("../fixtures/apps-expiry.json")).unwrap();
    // As `secrets list` has them: every app read on its own, its secrets facts.
    for a in &mut apps {
        a.details = extapps::api::model::Details::Known;
    }
    apps
}

fn ids(r: &Report) -> Vec<i64> {
    r.rows.iter().map(|r| r.secret_id).collect()
}

fn printed(r: &Report, f: Format) -> String {
    let mut out = Vec::new();
    write(r, f, expiry_fixture_now(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn without_a_window_everything_is_listed_expired_first_never_last() {
    let r = report(&apps(), expiry_fixture_now(), None);
    assert_eq!(ids(&r), [102, 201, 302, 101, 301]);
    assert_eq!(r.rows[0].status, Status::Expired);
    assert_eq!(r.rows[4].status, Status::Never);
    assert_eq!(r.rows[1].status, Status::Valid);
    // Only expired secrets count without a window.
    assert_eq!(r.exit_code(), EXIT_EXPIRED);
}

#[test]
fn window_keeps_expiring_and_expired_ones() {
    let r = report(&apps(), expiry_fixture_now(), Some(parse("7d").unwrap()));
    assert_eq!(ids(&r), [102, 201]);
    assert_eq!((r.expired, r.expiring), (1, 1));
    assert_eq!(r.exit_code(), EXIT_EXPIRED, "4 wins over 3");
    assert_eq!(
        r.summary(Some(parse("7d").unwrap())).unwrap(),
        "1 secret has expired and 1 secret expires within 1w"
    );
    let r = report(&apps(), expiry_fixture_now(), Some(parse("3w").unwrap()));
    assert_eq!(ids(&r), [102, 201, 302]);
}

#[test]
fn exit_3_when_something_expires_within_the_window_and_nothing_expired() {
    let later_apps: Vec<App> = apps()
        .into_iter()
        .filter(|a| a.id != "billing-sync")
        .collect();
    let r = report(
        &later_apps,
        expiry_fixture_now(),
        Some(parse("30d").unwrap()),
    );
    assert_eq!(ids(&r), [201, 302]);
    assert_eq!(r.exit_code(), EXIT_EXPIRING);
    assert_eq!(
        r.summary(Some(parse("30d").unwrap())).unwrap(),
        "2 secrets expire within 30d"
    );
    // A narrower window than anything left: nothing listed, exit 0, no summary.
    let r = report(
        &later_apps,
        expiry_fixture_now(),
        Some(parse("48h").unwrap()),
    );
    assert!(r.rows.is_empty());
    assert_eq!(r.exit_code(), EXIT_OK);
    assert_eq!(r.summary(Some(parse("48h").unwrap())), None);
    // Without a window nothing expired means 0, even with secrets expiring tomorrow.
    assert_eq!(
        report(&later_apps, expiry_fixture_now(), None).exit_code(),
        EXIT_OK
    );
}

#[test]
fn a_secret_expiring_exactly_now_is_expired() {
    let at_expiry: Timestamp = "2026-03-05T00:00:00Z".parse().unwrap();
    let r = report(&apps(), at_expiry, Some(parse("1m").unwrap()));
    assert_eq!(ids(&r), [102, 201]);
    assert!(r.rows.iter().all(|r| r.status == Status::Expired));
}

#[test]
fn table_shows_app_ids_dates_and_badges() {
    let out = printed(
        &report(&apps(), expiry_fixture_now(), Some(parse("3w").unwrap())),
        Format::Table,
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "APP           CLIENT ID     SECRET ID  DESCRIPTION        EXPIRES     LEFT         APP STATE"
    );
    // The expired secret says how long ago; its app still has a valid one (92d left).
    assert_eq!(
        lines[1],
        "Billing sync  billing-sync  102        old, \"do not use\"  2026-02-27  expired 36h  92d"
    );
    assert_eq!(
        lines[2],
        "CI, nightly   ci-nightly    201                           2026-03-05  4d           4d"
    );
    assert_eq!(lines[4], "3 secrets, 1 expired, 2 expiring");
}

#[test]
fn json_is_an_array_of_flat_objects() {
    let out = printed(&report(&apps(), expiry_fixture_now(), None), Format::Json);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &v[0];
    assert_eq!(first["appName"], "Billing sync");
    assert_eq!(first["clientId"], "billing-sync");
    assert_eq!(first["secretId"], 102);
    assert_eq!(first["description"], "old, \"do not use\"");
    assert_eq!(first["creationTime"], "2025-01-01T00:00:00Z");
    assert_eq!(first["expiryTime"], "2026-02-27T12:00:00Z");
    assert_eq!(first["status"], "expired");
    assert_eq!(v[4]["expiryTime"], serde_json::Value::Null);
    assert_eq!(v[4]["status"], "never");
    assert_eq!(v.as_array().unwrap().len(), 5);
    // Each row carries its app's state: this expired secret's app still has a valid one.
    assert_eq!(first["appSecretState"], "expires");
    assert_eq!(v[4]["appSecretState"], "expires", "Reporting: 302 expires");
}

#[test]
fn csv_has_a_header_and_quotes_what_needs_it() {
    let out = printed(
        &report(&apps(), expiry_fixture_now(), Some(parse("7d").unwrap())),
        Format::Csv,
    );
    assert_eq!(
        out,
        "appName,clientId,secretId,description,creationTime,expiryTime,status,appSecretState\n\
         Billing sync,billing-sync,102,\"old, \"\"do not use\"\"\",2025-01-01T00:00:00Z,2026-02-27T12:00:00Z,expired,expires\n\
         \"CI, nightly\",ci-nightly,201,,2025-12-01T00:00:00Z,2026-03-05T00:00:00Z,expiring,expires\n"
    );
    // A line break never reaches a cell: it is shown, so a row stays one line.
    assert_eq!(csv_cell("a\nb"), "a␊b");
    assert_eq!(csv_cell("plain"), "plain");
}
