//! README promises about the commands that change apps and secrets, each checked on the real
//! binary against a simulator this test serves, by looking at what the server holds afterwards
//! and at how many writes reached it (`GET /_sim/stats`).

use std::time::Duration;

use crate::common::promises::{Org, scopes, secrets, stderr, stdout};
use crate::common::tmux::{EXIT_MARK, Tmux};
use jiff::{SignedDuration, Timestamp};

/// Public, two redirect URIs, three user scopes, no secrets.
const MOBILE: &str = "c4a7b2d9-1e6f-4a85-b0c3-9d8e7f6a5b21";
/// Confidential, eight application scopes, secret 1003 expired and 1004 not.
const INVOICE: &str = "3f0b6a52-8c1e-4d7a-9b2f-1e5c7d9a0b14";
/// Confidential, three application scopes, secrets 1013 and 1014.
const AUDIT: &str = "4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0";
const WAIT: Duration = Duration::from_secs(30);

const MOBILE_SCOPES: [&str; 3] = [
    "Apps.Read (user)",
    "OR.Folders.Read (user)",
    "OR.Tasks (user)",
];
const MOBILE_URIS: [&str; 2] = [
    "com.acme.approvals://oauth/callback",
    "https://approvals.acme.example/auth/callback",
];
const INVOICE_SCOPES: [&str; 8] = [
    "Du.Classification.Api (application)",
    "Du.Digitization.Api (application)",
    "Du.Extraction.Api (application)",
    "Du.Validation.Api (application)",
    "OR.Assets.Read (application)",
    "OR.Folders.Read (application)",
    "OR.Jobs (application)",
    "OR.Queues (application)",
];

const READ_ONLY: &str = "extapps: this session is read-only (--read-only or the profile's read_only); nothing was sent.\n";

/// The value after `prefix` on a line of the output.
fn line_value(out: &str, prefix: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} line in: {out}"))
        .trim()
        .to_owned()
}

/// Clears the pane and waits until it is clear: an answer typed while the last program's
/// question is still on screen could reach the shell instead of the next program.
fn clear(t: &Tmux) {
    t.run_line("clear");
    t.wait("a cleared screen", WAIT, |s| {
        !s.contains(EXIT_MARK) && s.lines().any(|l| l.trim_end() == "$")
    });
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

#[test]
fn update_reads_the_app_fresh_writes_it_whole_and_prints_the_diff() {
    let org = Org::start();
    // A run that read every app, so that details from before are on disk...
    let o = org.exec(&["secrets", "list", "--format", "csv"]);
    assert!(matches!(o.status.code(), Some(0 | 3 | 4)), "{}", stderr(&o));
    let cached = std::fs::read_dir(org.dir.path().join("cache"))
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().starts_with("details-")
        })
        .count();
    assert_eq!(cached, 1, "the details of every app were kept");
    // ...then someone adds a redirect URI in the portal.
    assert!(
        org.state()
            .register_redirect_uri(MOBILE, "https://portal.example/added")
    );

    let writes = org.write_requests();
    let o = org.exec(&[
        "apps",
        "update",
        MOBILE,
        "--name",
        "Mobile Approvals v2",
        "--add-scope",
        "OR.Jobs",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "updated \"Mobile Approvals v2\" (c4a7b2d9-1e6f-4a85-b0c3-9d8e7f6a5b21)\n  \
         ~ name: Mobile Approvals (public) → Mobile Approvals v2\n  \
         + scope OR.Jobs (user)\n"
    );
    assert_eq!(org.write_requests() - writes, 1, "one PUT");
    let app = org.app(MOBILE).unwrap();
    assert_eq!(app.name, "Mobile Approvals v2");
    assert!(!app.is_confidential);
    assert_eq!(
        app.redirect_uris(),
        [
            MOBILE_URIS[0],
            MOBILE_URIS[1],
            "https://portal.example/added"
        ],
        "the URIs it did not touch, the portal's one included"
    );
    assert_eq!(
        scopes(&app),
        [
            "Apps.Read (user)",
            "OR.Folders.Read (user)",
            "OR.Jobs (user)",
            "OR.Tasks (user)"
        ]
    );

    // A confidential app: removing one scope keeps the seven others and every secret.
    let before = org.app(INVOICE).unwrap();
    let o = org.exec(&[
        "apps",
        "update",
        INVOICE,
        "--remove-scope",
        "Du.Validation.Api",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "updated \"Invoice Processing Bot\" (3f0b6a52-8c1e-4d7a-9b2f-1e5c7d9a0b14)\n  \
         - scope Du.Validation.Api (application)\n"
    );
    let app = org.app(INVOICE).unwrap();
    assert_eq!(app.name, "Invoice Processing Bot");
    assert!(app.is_confidential);
    assert_eq!(app.redirect_uri, None);
    let mut kept = INVOICE_SCOPES.to_vec();
    kept.retain(|s| !s.starts_with("Du.Validation.Api"));
    assert_eq!(scopes(&app), kept);
    assert_eq!(
        secrets(&app).iter().map(|s| s.0).collect::<Vec<_>>(),
        [1003, 1004]
    );
    assert_eq!(secrets(&app), secrets(&before), "the secrets as they were");
}

/// An app as it was before it was deleted.
struct Was {
    id: &'static str,
    name: &'static str,
    confidential: bool,
    uris: &'static [&'static str],
    scopes: &'static [&'static str],
}

#[test]
fn restore_brings_the_app_back_as_it_was() {
    let org = Org::start();
    let cases = [
        Was {
            id: MOBILE,
            name: "Mobile Approvals (public)",
            confidential: false,
            uris: &MOBILE_URIS,
            scopes: &MOBILE_SCOPES,
        },
        Was {
            id: INVOICE,
            name: "Invoice Processing Bot",
            confidential: true,
            uris: &[],
            scopes: &INVOICE_SCOPES,
        },
    ];
    for Was {
        id,
        name,
        confidential,
        uris,
        scopes: scope_list,
    } in cases
    {
        let o = org.exec(&["apps", "delete", id, "--yes"]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let backup = line_value(&stdout(&o), "backup: ");
        assert!(org.app(id).is_none(), "{name} was deleted");

        let o = org.exec(&["apps", "restore", &backup]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let out = stdout(&o);
        let new_id = line_value(&out, "client id:");
        assert_ne!(new_id, id, "{name}: a new client id");
        assert!(
            out.contains(&format!(
                "(restored from {backup}; the old client id was {id})"
            )),
            "{out}"
        );
        let app = org
            .app(&new_id)
            .unwrap_or_else(|| panic!("{name}: the printed id {new_id} is not on the server"));
        assert_eq!(app.name, name);
        assert_eq!(app.is_confidential, confidential, "{name}");
        assert_eq!(app.redirect_uris(), uris, "{name}");
        assert_eq!(scopes(&app), scope_list, "{name}");
    }
}

#[test]
fn delete_refuses_off_a_terminal_without_yes_and_sends_nothing() {
    let org = Org::start();
    let o = org.exec(&["apps", "delete", AUDIT]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "extapps: Delete app \"Audit Log Exporter (SIEM)\" (4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0) \
         with 3 scopes and 2 secrets? Integrations using it will stop working. Refusing without \
         --yes, because standard input is not a terminal.\n"
    );
    assert!(org.app(AUDIT).is_some(), "the app is still there");
    assert_eq!(org.write_requests(), 0);
    assert!(org.backups().is_empty(), "{:?}", org.backups());
}

#[test]
fn delete_asks_on_a_terminal_and_only_the_apps_name_deletes() {
    let org = Org::start();
    let t = Tmux::start("promises-delete", 220, 40);
    t.wait_for_prompt(WAIT);
    let question = "Type \"Audit Log Exporter (SIEM)\" to confirm (anything else cancels):";

    for answer in ["no", "yes"] {
        clear(&t);
        t.run_program(&org.shell_line(answer, &["apps", "delete", AUDIT]));
        t.wait_for_all(
            &["Delete app \"Audit Log Exporter (SIEM)\"", question],
            WAIT,
        );
        t.run_line(answer);
        assert_eq!(t.wait_for_exit(WAIT), 1, "answer {answer:?}");
        t.wait_for("cancelled; nothing was changed.", WAIT);
        assert!(org.app(AUDIT).is_some(), "answer {answer:?} deleted it");
        assert_eq!(org.write_requests(), 0, "answer {answer:?}");
    }

    clear(&t);
    t.run_program(&org.shell_line("name", &["apps", "delete", AUDIT]));
    t.wait_for(question, WAIT);
    t.run_line("Audit Log Exporter (SIEM)");
    assert_eq!(t.wait_for_exit(WAIT), 0, "{}", t.screen());
    t.wait_for("deleted \"Audit Log Exporter (SIEM)\"", WAIT);
    assert!(org.app(AUDIT).is_none(), "typing the name deletes");
    assert_eq!(org.write_requests(), 1);
    assert_eq!(org.backups().len(), 1);
}

#[test]
fn nothing_is_deleted_when_the_backup_cannot_be_written() {
    let org = Org::start();
    // A directory can never be made under a regular file.
    let file = org.dir.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let dir = file.join("backups");
    let o = org
        .command(&["apps", "delete", AUDIT, "--yes"])
        .env("EXTAPPS_BACKUP_DIR", &dir)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with(&format!(
            "extapps: cannot write the backup to {} (",
            dir.display()
        )),
        "{err}"
    );
    assert!(
        err.ends_with(
            "), so nothing was deleted. Set EXTAPPS_BACKUP_DIR to a writable directory.\n"
        ),
        "{err}"
    );
    assert!(org.app(AUDIT).is_some(), "the app is still there");
    assert_eq!(org.write_requests(), 0);
}

#[test]
fn read_only_refuses_every_change_before_sending() {
    let org = Org::start();
    let audit = org.app(AUDIT).unwrap();
    let backup = extapps::domain::backup::write(
        &org.dir.path().join("made-by-the-test"),
        &extapps::domain::backup::AppBackup::of(&audit, Timestamp::now()),
    )
    .unwrap();
    let backup = backup.display().to_string();
    let apps = org.state().app_count();
    let cases: [(&str, &[&str]); 7] = [
        (
            "apps create",
            &[
                "apps",
                "create",
                "--name",
                "Read-only test",
                "--scope",
                "OR.Jobs",
            ],
        ),
        (
            "apps update",
            &["apps", "update", AUDIT, "--name", "Renamed"],
        ),
        ("apps delete", &["apps", "delete", AUDIT, "--yes"]),
        ("apps restore", &["apps", "restore", &backup]),
        ("secrets create", &["secrets", "create", AUDIT]),
        ("secrets delete", &["secrets", "delete", "1013", "--yes"]),
        (
            "secrets rotate",
            &["secrets", "rotate", AUDIT, "--delete-old", "--yes"],
        ),
    ];
    for (name, args) in cases {
        let mut all = vec!["--read-only"];
        all.extend_from_slice(args);
        let o = org.exec(&all);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert_eq!(stderr(&o), READ_ONLY, "{name}");
        assert_eq!(stdout(&o), "", "{name}");
        assert_eq!(org.write_requests(), 0, "{name} sent a write");
    }
    assert_eq!(org.state().app_count(), apps);
    let now = org.app(AUDIT).unwrap();
    assert_eq!(now.name, audit.name);
    assert_eq!(secrets(&now), secrets(&audit));
}

#[test]
fn secrets_list_exits_0_when_nothing_expires_in_the_window_and_3_when_one_does() {
    let org = Org::start();
    let state = org.state();
    let far = state.now() + days(400);
    for app in state.apps() {
        for s in &app.secrets {
            assert!(state.set_secret_expiry(s.id, Some(far)));
        }
    }
    // Cached details would hide the expiry changed between the runs.
    let list = [
        "secrets",
        "list",
        "--expiring-within",
        "14d",
        "--max-age",
        "0s",
    ];
    let csv: Vec<&str> = list.iter().copied().chain(["--format", "csv"]).collect();

    let o = org.exec(&csv);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert_eq!(
        stdout(&o),
        "appName,clientId,secretId,description,creationTime,expiryTime,status,appSecretState\n",
        "no secret within the window"
    );

    assert!(state.set_secret_expiry(1013, Some(state.now() + days(5))));
    let o = org.exec(&csv);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(stderr(&o), "extapps: 1 secret expires within 2w\n");
    let out = stdout(&o);
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.ends_with(",expiring,expires"))
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(rows, ["1013"], "{out}");

    // Outside a narrower window it is not reported.
    let o = org.exec(&[
        "secrets",
        "list",
        "--expiring-within",
        "2d",
        "--max-age",
        "0s",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn create_public_with_a_redirect_uri_and_refuse_one_without() {
    let org = Org::start();
    let o = org.exec(&[
        "apps",
        "create",
        "--name",
        "Kiosk Login",
        "--public",
        "--redirect-uri",
        "http://localhost:8123/cb",
        "--redirect-uri",
        "https://kiosk.example/auth",
        "--scope",
        "OR.Jobs",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        !out.contains("client secret"),
        "a public app has none: {out}"
    );
    let app = org.app(&line_value(&out, "client id:")).unwrap();
    assert_eq!(app.name, "Kiosk Login");
    assert!(!app.is_confidential, "public");
    assert_eq!(
        app.redirect_uri.as_deref(),
        Some("http://localhost:8123/cb,https://kiosk.example/auth")
    );
    assert_eq!(scopes(&app), ["OR.Jobs (user)"]);
    assert!(app.secrets.is_empty());

    let writes = org.write_requests();
    let apps = org.state().app_count();
    let o = org.exec(&["apps", "create", "--name", "No URI", "--public"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "extapps: --public: a public (non-confidential) app needs a redirect URI: add \
         --redirect-uri URI. Nothing was sent.\n"
    );
    assert_eq!(org.write_requests(), writes, "nothing was sent");
    assert_eq!(org.state().app_count(), apps);
}

#[test]
fn secrets_create_expires_at_the_end_of_the_given_day_utc() {
    let org = Org::start();
    let o = org.exec(&[
        "secrets",
        "create",
        AUDIT,
        "--expires",
        "2099-03-15",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["expiryTime"], "2099-03-15T23:59:59Z");
    let id = v["id"].as_i64().unwrap();
    let on_server = secrets(&org.app(AUDIT).unwrap());
    let expected: Timestamp = "2099-03-15T23:59:59Z".parse().unwrap();
    assert!(on_server.contains(&(id, Some(expected))), "{on_server:?}");

    let writes = org.write_requests();
    for bad in ["2099-13-01", "2099-02-30", "15.03.2099", "next friday", ""] {
        let o = org.exec(&["secrets", "create", AUDIT, "--expires", bad]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {err}");
        assert!(
            err.contains(&format!("invalid value '{bad}' for '--expires <DATE>'")),
            "{bad:?}: {err}"
        );
    }
    let o = org.exec(&["secrets", "create", AUDIT, "--expires", "2020-01-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "extapps: --expires: 2020-01-01 is not in the future\n"
    );
    assert_eq!(org.write_requests(), writes, "no request for a bad date");
    assert_eq!(secrets(&org.app(AUDIT).unwrap()), on_server);
}

#[test]
fn deleting_the_last_working_secret_needs_its_own_confirmation() {
    let org = Org::start();
    let invoice = org.app(INVOICE).unwrap();
    let now = org.state().now();
    let alive: Vec<i64> = invoice
        .secrets
        .iter()
        .filter(|s| s.expiry_time.is_none_or(|t| t > now))
        .map(|s| s.id)
        .collect();
    assert_eq!(
        secrets(&invoice).iter().map(|s| s.0).collect::<Vec<_>>(),
        [1003, 1004]
    );
    assert_eq!(
        alive,
        [1004],
        "1003 has expired: 1004 is the last working one"
    );

    let o = org.exec(&["secrets", "delete", "1004"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "of \"Invoice Processing Bot\" (3f0b6a52-8c1e-4d7a-9b2f-1e5c7d9a0b14)? It is the \
             app's last unexpired secret: nothing will get a token as this app afterwards. \
             Refusing without --yes, because standard input is not a terminal."
        ),
        "{err}"
    );
    assert_eq!(org.write_requests(), 0);
    assert!(
        org.app(INVOICE)
            .unwrap()
            .secrets
            .iter()
            .any(|s| s.id == 1004)
    );

    let o = org.exec(&["secrets", "delete", "1004", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "deleted secret #1004 of \"Invoice Processing Bot\" (3f0b6a52-8c1e-4d7a-9b2f-1e5c7d9a0b14)\n"
    );
    assert_eq!(
        secrets(&org.app(INVOICE).unwrap())
            .iter()
            .map(|s| s.0)
            .collect::<Vec<_>>(),
        [1003]
    );

    // On a terminal, "yes" is not enough for the last one: the app's name is asked for.
    let t = Tmux::start("promises-last-secret", 220, 40);
    t.wait_for_prompt(WAIT);
    let question = "Type \"extapps Demo Reader\" to confirm (anything else cancels):";
    let writes = org.write_requests();
    t.run_program(&org.shell_line("yes", &["secrets", "delete", "1002"]));
    t.wait_for_all(&["It is the app's last unexpired secret", question], WAIT);
    t.run_line("yes");
    assert_eq!(t.wait_for_exit(WAIT), 1, "{}", t.screen());
    t.wait_for("cancelled; nothing was changed.", WAIT);
    assert_eq!(org.write_requests(), writes);
    assert_eq!(secrets(&org.app("demo-reader").unwrap()).len(), 1);

    clear(&t);
    t.run_program(&org.shell_line("name", &["secrets", "delete", "1002"]));
    t.wait_for(question, WAIT);
    t.run_line("extapps Demo Reader");
    assert_eq!(t.wait_for_exit(WAIT), 0, "{}", t.screen());
    assert_eq!(org.write_requests(), writes + 1);
    assert!(org.app("demo-reader").unwrap().secrets.is_empty());
}
