//! A realistic organization for tests and benchmarks, relative to a given `now` so that every
//! expiry badge (`EXPIRED`, days, weeks, never) shows up whatever the date.

use jiff::{SignedDuration, Timestamp};

use crate::api::model::{App, Resource, Scope, ScopeType, Secret};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

fn scope(name: &str, kind: ScopeType, description: &str) -> Scope {
    Scope {
        name: name.into(),
        display_name: None,
        description: Some(description.into()),
        kind,
    }
}

fn orchestrator(scopes: Vec<Scope>) -> Resource {
    resource("UiPath.Orchestrator", "Orchestrator API Access", scopes)
}

fn resource(name: &str, display: &str, scopes: Vec<Scope>) -> Resource {
    Resource {
        name: name.into(),
        display_name: Some(display.into()),
        description: None,
        scopes: scopes.into_iter().map(Scope::shared).collect(),
    }
}

fn secret(now: Timestamp, id: i64, description: &str, age_days: i64, left: Option<i64>) -> Secret {
    Secret {
        id,
        description: Some(description.to_owned()),
        secret: None,
        creation_time: now - SignedDuration::from_secs(age_days * DAY),
        expiry_time: left.map(|secs| now + SignedDuration::from_secs(secs)),
    }
}

fn client_id(n: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-9{:03x}-{:012x}",
        0x3f2a_0000u64 + n * 0x1b3,
        (n * 0x2f1) & 0xffff,
        (n * 0x71) & 0xfff,
        (n * 0x13) & 0xfff,
        0x5e_0000_0000u64 + n * 0x9d2c_5681
    )
}

fn app(
    n: u64,
    name: &str,
    confidential: bool,
    redirect: Option<&str>,
    resources: Vec<Resource>,
    secrets: Vec<Secret>,
) -> App {
    App {
        name: name.to_owned(),
        id: client_id(n),
        secret: None,
        is_confidential: confidential,
        redirect_uri: redirect.map(str::to_owned),
        resources,
        secrets,
        client_certificates: None,
        details: crate::api::model::Details::Known,
    }
}

/// A dozen apps of both kinds, several resources, and secrets that expired, expire in hours,
/// days, weeks, a year, or never.
pub fn sample_apps(now: Timestamp) -> Vec<App> {
    use ScopeType::{Application as A, User as U};
    vec![
        app(
            1,
            "Invoice Processing Bot",
            true,
            None,
            vec![
                orchestrator(vec![
                    scope("OR.Jobs", A, "Start, stop and read jobs"),
                    scope("OR.Queues", A, "Add and process queue items"),
                    scope("OR.Assets.Read", A, "Read assets"),
                ]),
                resource(
                    "UiPath.DocumentUnderstanding",
                    "Document Understanding",
                    vec![
                        scope("Du.Extraction.Api", A, "Extract fields from documents"),
                        scope("Du.Classification.Api", A, "Classify documents"),
                    ],
                ),
            ],
            vec![
                secret(now, 101, "prod 2024", 362, Some(3 * DAY)),
                secret(now, 102, "prod 2025 (rotation)", 1, Some(364 * DAY)),
            ],
        ),
        app(
            2,
            "CI Pipeline (GitHub Actions)",
            true,
            None,
            vec![
                orchestrator(vec![
                    scope("OR.Execution", A, "Manage processes and packages"),
                    scope("OR.Folders.Read", A, "Read folders"),
                    scope("OR.Machines.Read", A, "Read machines"),
                    scope("OR.Robots.Read", A, "Read robots"),
                ]),
                resource(
                    "TestManager",
                    "Test Manager",
                    vec![
                        scope("TM.TestSets", A, "Manage test sets"),
                        scope("TM.TestExecutions", A, "Run and read test executions"),
                    ],
                ),
            ],
            vec![secret(now, 201, "github-actions", 150, Some(35 * DAY))],
        ),
        app(
            3,
            "Admin Automation",
            true,
            None,
            vec![resource(
                "PM",
                "Platform Management",
                vec![
                    scope("PM.User", A, "Manage users"),
                    scope("PM.Group", A, "Manage groups"),
                    scope("PM.OAuthApp", A, "Manage external applications"),
                    scope("PM.RobotAccount.Read", A, "Read robot accounts"),
                    scope("PM.Audit.Read", A, "Read the audit log"),
                    scope("PM.License.Read", A, "Read licenses"),
                ],
            )],
            vec![
                secret(now, 301, "old admin key", 375, Some(-10 * DAY)),
                secret(now, 302, "admin key 2025", 18, Some(12 * DAY)),
            ],
        ),
        app(
            4,
            "Support Portal",
            false,
            Some("https://support.example.com/auth/callback,http://localhost:5173/callback"),
            vec![
                orchestrator(vec![
                    scope("OR.Jobs.Read", U, "Read jobs"),
                    scope("OR.Queues.Read", U, "Read queues"),
                ]),
                resource(
                    "DataService",
                    "Data Service",
                    vec![scope(
                        "DataService.Data.Read",
                        U,
                        "Read Data Service entities",
                    )],
                ),
            ],
            vec![],
        ),
        app(
            5,
            "Mobile Approvals",
            false,
            Some("com.acme.approvals://oauth,https://approvals.acme.com/cb"),
            vec![orchestrator(vec![scope(
                "OR.Tasks",
                U,
                "Manage action center tasks",
            )])],
            vec![],
        ),
        app(
            6,
            "Data Sync Service",
            true,
            None,
            vec![orchestrator(vec![
                scope("OR.Assets", A, "Manage assets"),
                scope("OR.Queues.Write", A, "Add queue items"),
            ])],
            vec![secret(now, 601, "legacy, no expiry", 900, None)],
        ),
        app(
            7,
            "Monitoring Exporter",
            true,
            None,
            vec![orchestrator(vec![
                scope("OR.Monitoring.Read", A, "Read monitoring data"),
                scope("OR.Audit.Read", A, "Read audit logs"),
                scope("OR.Jobs.Read", A, "Read jobs"),
            ])],
            vec![secret(now, 701, "prometheus", 89, Some(20 * HOUR))],
        ),
        app(
            8,
            "Legacy Reporting",
            true,
            None,
            vec![orchestrator(vec![scope("OR.Jobs.Read", A, "Read jobs")])],
            vec![],
        ),
        app(
            9,
            "Test Manager Bridge",
            true,
            None,
            vec![resource(
                "TestManager",
                "Test Manager",
                vec![
                    scope("TM.Projects.Read", A, "Read projects"),
                    scope("TM.TestCases", A, "Manage test cases"),
                    scope("TM.Requirements.Read", A, "Read requirements"),
                    scope("TM.Defects", A, "Manage defects"),
                ],
            )],
            vec![secret(now, 901, "jira bridge", 30, Some(63 * DAY))],
        ),
        app(
            10,
            "Document Intake",
            true,
            None,
            vec![
                resource(
                    "UiPath.DocumentUnderstanding",
                    "Document Understanding",
                    vec![
                        scope("Du.Digitization.Api", A, "Digitize documents"),
                        scope("Du.Extraction.Api", A, "Extract fields from documents"),
                        scope("Du.Validation.Api", A, "Create validation tasks"),
                    ],
                ),
                orchestrator(vec![scope("OR.Buckets", A, "Manage storage buckets")]),
            ],
            vec![
                secret(now, 1001, "intake 2024", 367, Some(-2 * DAY)),
                secret(now, 1002, "intake 2025", 7, Some(6 * DAY)),
            ],
        ),
        app(
            11,
            "uipathcli (local)",
            false,
            Some("http://localhost:12700"),
            vec![orchestrator(vec![
                scope("OR.Folders.Read", U, "Read folders"),
                scope("OR.Jobs", U, "Start, stop and read jobs"),
                scope("OR.Execution", U, "Manage processes and packages"),
            ])],
            vec![],
        ),
        app(
            12,
            "Webhook Relay",
            true,
            None,
            vec![orchestrator(vec![scope(
                "OR.Webhooks",
                A,
                "Manage webhooks",
            )])],
            vec![secret(now, 1201, "relay", 40, Some(800 * DAY))],
        ),
        app(
            13,
            "HR Onboarding Robot",
            true,
            None,
            vec![
                orchestrator(vec![
                    scope("OR.Robots", A, "Manage robots"),
                    scope("OR.Users", A, "Manage Orchestrator users"),
                ]),
                resource(
                    "PM",
                    "Platform Management",
                    vec![scope("PM.User.Write", A, "Create and update users")],
                ),
            ],
            vec![
                secret(now, 1301, "onboarding", 361, Some(4 * DAY)),
                secret(now, 1302, "onboarding (new)", 1, Some(365 * DAY)),
            ],
        ),
    ]
}

/// `n` synthetic apps, for performance tests of huge organizations.
pub fn many_apps(n: usize, now: Timestamp) -> Vec<App> {
    (0..n as u64)
        .map(|i| {
            // Spread over -20 .. 380 days so that every badge occurs.
            let left = ((i as i64 * 7919 * 3637) % (400 * DAY)) - 20 * DAY;
            app(
                1000 + i,
                &format!("app-{i:05}"),
                i % 4 != 0,
                (i % 4 == 0).then_some("https://example.com/cb"),
                vec![orchestrator(vec![
                    scope("OR.Jobs.Read", ScopeType::Application, "Read jobs"),
                    scope("OR.Queues", ScopeType::Application, "Manage queues"),
                ])],
                if i % 4 == 0 {
                    vec![]
                } else {
                    vec![secret(now, i as i64 * 10, "generated", 10, Some(left))]
                },
            )
        })
        .collect()
}
