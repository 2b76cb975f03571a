//! The demo organization and the generator of extra apps.
//!
//! `assets/demo-org.json` has this shape (times are offsets from "now" so that the demo always
//! looks current; they are resolved when the simulator starts):
//!
//! ```text
//! {
//!   "organization": "demo-org",                      // the name used in URLs
//!   "partitionId": "<GUID>",                         // the organization GUID (prt_id)
//!   "catalog": [ Resource ],                         // exactly the ExternalApiResource answer:
//!                                                    //   {name, displayName, description,
//!                                                    //    scopes: [{name, displayName,
//!                                                    //              description, type 0|1|2}]}
//!   "apps": [{
//!     "id": "<client id>",
//!     "name": "Invoice Processing Bot",
//!     "isConfidential": true,
//!     "redirectUri": "https://a/cb,http://localhost:1234" | null,   // comma-separated
//!     "scopes": [{"name": "OR.Jobs", "type": 1}],    // 0 user, 1 application
//!     "secrets": [{
//!       "id": 1003,                                  // fixed so the demo is reproducible
//!       "description": "2024 rotation" | null,
//!       "createdDaysAgo": 400,                       // days before now (fractions allowed)
//!       "expiresInDays": -35 | null,                 // days after now; negative = expired,
//!                                                    // null = never expires
//!       "value": "..."                               // optional; without it nobody knows the
//!     }]                                             // value and it never authenticates
//!   }]
//! }
//! ```

use jiff::{SignedDuration, Timestamp};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Deserialize;

use super::store::{Org, StoredApp, StoredSecret, guid_from, hash_secret};
use crate::api::model::{App, Resource, ScopeRef, ScopeType};

const DEMO_JSON: &str = include_str!("../../assets/demo-org.json");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoOrg {
    organization: String,
    partition_id: String,
    catalog: Vec<Resource>,
    apps: Vec<DemoApp>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoApp {
    id: String,
    name: String,
    is_confidential: bool,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    scopes: Vec<ScopeRef>,
    #[serde(default)]
    secrets: Vec<DemoSecret>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoSecret {
    id: i64,
    #[serde(default)]
    description: Option<String>,
    created_days_ago: f64,
    #[serde(default)]
    expires_in_days: Option<f64>,
    #[serde(default)]
    value: Option<String>,
}

fn parsed() -> DemoOrg {
    // The asset is compiled in and covered by tests; failing here is a build defect.
    serde_json::from_str(DEMO_JSON).expect("assets/demo-org.json is valid")
}

fn days(now: Timestamp, d: f64) -> Timestamp {
    let secs = (d * 86_400.0).round() as i64;
    now.checked_add(SignedDuration::from_secs(secs))
        .unwrap_or(now)
}

pub const DEMO_ORGANIZATION: &str = "demo-org";
pub const DEMO_ADMIN_ID: &str = "demo-admin";
pub const DEMO_ADMIN_SECRET: &str = "demo-admin-secret";
pub const DEMO_READER_ID: &str = "demo-reader";
pub const DEMO_READER_SECRET: &str = "demo-reader-secret";

/// The demo organization with every offset resolved against `now`.
pub fn demo_org(now: Timestamp) -> Org {
    let demo = parsed();
    let mut org = Org::new(demo.organization, demo.partition_id, demo.catalog);
    for a in demo.apps {
        let secrets = a
            .secrets
            .into_iter()
            .map(|s| StoredSecret {
                id: s.id,
                description: s.description,
                hash: s.value.as_deref().map(hash_secret),
                creation_time: days(now, -s.created_days_ago),
                expiry_time: s.expires_in_days.map(|d| days(now, d)),
            })
            .collect();
        org.insert_unchecked(StoredApp {
            id: a.id,
            name: a.name,
            is_confidential: a.is_confidential,
            redirect_uri: a.redirect_uri,
            scopes: a.scopes,
            secrets,
            client_certificates: None,
        });
    }
    org
}

/// The name of organization `n` (2, 3, ...) of a simulator serving several.
pub fn extra_org_name(n: usize) -> String {
    format!("{DEMO_ORGANIZATION}-{n}")
}

/// The client id of organization `n`'s own admin app.
pub fn extra_admin_id(n: usize) -> String {
    format!("{DEMO_ADMIN_ID}-{n}")
}

/// The secret of organization `n`'s admin app.
pub fn extra_admin_secret(n: usize) -> String {
    format!("{DEMO_ADMIN_ID}-{n}-secret")
}

/// Organization `n` (2, 3, ...) of a simulator serving several: its own name and partition,
/// its own admin app (the demo admin's scopes), the demo catalog, and none of the demo apps,
/// so that nothing in it shares a client id with another organization, as in real life.
pub fn extra_org(n: usize, now: Timestamp) -> Org {
    let demo = parsed();
    let partition = guid_from(0x5eed_0000_0000_0000_0000_0000_0000_0000 | n as u128);
    let mut org = Org::new(extra_org_name(n), partition, demo.catalog);
    let scopes = demo
        .apps
        .into_iter()
        .find(|a| a.id == DEMO_ADMIN_ID)
        .map(|a| a.scopes)
        .unwrap_or_default();
    org.insert_unchecked(StoredApp {
        id: extra_admin_id(n),
        name: format!("extapps Admin ({})", extra_org_name(n)),
        is_confidential: true,
        redirect_uri: None,
        scopes,
        secrets: vec![StoredSecret {
            id: 1,
            description: Some("simulator admin".to_owned()),
            hash: Some(hash_secret(&extra_admin_secret(n))),
            creation_time: days(now, -1.0),
            expiry_time: None,
        }],
        client_certificates: None,
    });
    org
}

/// The demo organization's apps as the list route answers them.
pub fn demo_apps(now: Timestamp) -> Vec<App> {
    demo_org(now).list()
}

/// The scope catalog of the demo organization (the `ExternalApiResource` answer).
pub fn demo_catalog() -> Vec<Resource> {
    parsed().catalog
}

const DEPARTMENTS: &[&str] = &[
    "Finance",
    "HR",
    "Procurement",
    "Sales",
    "Support",
    "Legal",
    "IT Ops",
    "Logistics",
    "Claims",
    "Payroll",
    "Marketing",
    "Compliance",
];
const SYSTEMS: &[&str] = &[
    "SAP",
    "Salesforce",
    "ServiceNow",
    "Workday",
    "Oracle EBS",
    "Dynamics 365",
    "Jira",
    "Zendesk",
    "SharePoint",
    "Snowflake",
    "Coupa",
    "NetSuite",
];
const KINDS: &[&str] = &[
    "Sync",
    "Connector",
    "Bot",
    "Reporting",
    "Integration",
    "Exporter",
    "Webhook Relay",
    "Portal",
    "Scheduler",
    "Reconciliation",
];

/// Adds `n` generated apps, the same ones for the same seed.
pub fn add_generated(org: &mut Org, n: usize, seed: u64, now: Timestamp) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut app_pool: Vec<String> = Vec::new();
    let mut user_pool: Vec<String> = Vec::new();
    for r in org.catalog() {
        for s in &r.scopes {
            if s.kind.allows_application() {
                app_pool.push(s.name.to_string());
            }
            if s.kind.allows_user() {
                user_pool.push(s.name.to_string());
            }
        }
    }
    for i in 0..n {
        // Mostly confidential apps, most with several secrets: about 3 secrets per app on
        // average, the shape the scale benchmarks are specified for.
        let confidential = rng.random_ratio(19, 20);
        let (pool, kind) = if confidential {
            (&app_pool, ScopeType::Application)
        } else {
            (&user_pool, ScopeType::User)
        };
        let count = rng.random_range(1..=40usize).min(pool.len());
        let mut picked: Vec<usize> =
            rand::seq::index::sample(&mut rng, pool.len(), count).into_vec();
        picked.sort_unstable();
        let scopes = picked
            .into_iter()
            .map(|j| ScopeRef {
                name: pool[j].clone(),
                kind,
            })
            .collect();
        let name = format!(
            "{} {} {} #{}",
            DEPARTMENTS[rng.random_range(0..DEPARTMENTS.len())],
            SYSTEMS[rng.random_range(0..SYSTEMS.len())],
            KINDS[rng.random_range(0..KINDS.len())],
            i + 1
        );
        let redirect_uri = if confidential {
            None
        } else {
            Some(format!("http://localhost:{}/callback", 8000 + (i % 1000)))
        };
        let mut secrets = Vec::new();
        if confidential {
            const SECRETS: [u32; 10] = [0, 2, 3, 3, 4, 4, 4, 4, 4, 4];
            for _ in 0..SECRETS[rng.random_range(0..SECRETS.len())] {
                let created = rng.random_range(0.0..730.0f64);
                let expiry = if rng.random_ratio(1, 5) {
                    None
                } else {
                    Some(days(now, rng.random_range(-365.0..730.0f64)))
                };
                secrets.push(StoredSecret {
                    id: org.next_secret_id(),
                    description: Some(format!("generated secret {}", secrets.len() + 1)),
                    hash: None,
                    creation_time: days(now, -created),
                    expiry_time: expiry,
                });
            }
        }
        org.insert_unchecked(StoredApp {
            id: guid_from(rng.random::<u128>()),
            name,
            is_confidential: confidential,
            redirect_uri,
            scopes,
            secrets,
            client_certificates: None,
        });
    }
}

/// `n` generated apps exactly as the list route answers them for `seed`, without the demo
/// ones: the data of the benchmarks, so that they measure what `extapps sim --apps N` serves.
pub fn generated_apps(n: usize, seed: u64, now: Timestamp) -> Vec<App> {
    let mut org = demo_org(now);
    let demo = org.app_count();
    add_generated(&mut org, n, seed, now);
    org.list().split_off(demo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Timestamp {
        "2026-03-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn demo_org_is_rich_enough() {
        let apps = demo_apps(at());
        assert!(apps.len() >= 14);
        assert!(apps.iter().any(|a| !a.is_confidential));
        assert!(apps.iter().any(|a| a.id == DEMO_ADMIN_ID));
        assert!(apps.iter().any(|a| a.id == DEMO_READER_ID));
        let expiries: Vec<_> = apps
            .iter()
            .flat_map(|a| &a.secrets)
            .map(|s| s.expiry_time)
            .collect();
        assert!(expiries.contains(&None));
        assert!(expiries.iter().flatten().any(|t| *t < at()));
        assert!(expiries.iter().flatten().any(|t| *t > at()));
        for a in &apps {
            assert!(a.secret.is_none());
            if !a.is_confidential {
                assert!(!a.redirect_uris().is_empty(), "{}", a.name);
                assert!(a.secrets.is_empty());
            }
            // Every scope of every demo app resolves in the catalog.
            let wanted: usize = parsed()
                .apps
                .iter()
                .find(|d| d.id == a.id)
                .map(|d| d.scopes.len())
                .unwrap();
            assert_eq!(a.scope_count(), wanted, "{}", a.name);
        }
    }

    #[test]
    fn demo_apps_obey_the_servers_rules() {
        let org = demo_org(at());
        for a in parsed().apps {
            for s in &a.scopes {
                let cat = org.catalog_type(&s.name).unwrap();
                let ok = match s.kind {
                    ScopeType::User => cat.allows_user(),
                    ScopeType::Application => cat.allows_application(),
                    ScopeType::UserAndApplication => false,
                };
                assert!(ok, "{} {}", a.name, s.name);
                if !a.is_confidential {
                    assert_eq!(s.kind, ScopeType::User, "{} {}", a.name, s.name);
                }
            }
        }
    }

    #[test]
    fn catalog_follows_the_contract() {
        let cat = demo_catalog();
        let find = |n: &str| {
            cat.iter()
                .flat_map(|r| &r.scopes)
                .find(|s| s.name == n)
                .map(|s| s.kind)
        };
        for n in [
            "OR.Default",
            "OR.Webhooks.Write",
            "OR.TestDataQueues.Read",
            "PM.OAuthApp",
            "PM.OAuthAppSecret.Write",
            "PM.MessageTemplate.Read",
            "PM.AuthSetting",
            "Du.Validation.Api",
            "TM.CustomFieldDefinitions.Write",
            "Insights.RealTimeData",
            "Traces.Api",
            "Apps.Write",
        ] {
            assert!(find(n).is_some(), "{n}");
        }
        assert!(
            cat.iter()
                .find(|r| r.name == "UiPath.Orchestrator")
                .unwrap()
                .scopes
                .iter()
                .all(|s| s.kind == ScopeType::UserAndApplication)
        );
        assert_eq!(find("DataService.Data.Read"), Some(ScopeType::User));
        assert_eq!(find("Ixp.ApiAccess"), Some(ScopeType::Application));
        assert!(find("PM.OAuthApp.Write").unwrap().allows_application());
    }

    #[test]
    fn generator_is_deterministic() {
        let mk = |seed| {
            let mut org = demo_org(at());
            add_generated(&mut org, 300, seed, at());
            org.list()
        };
        assert_eq!(mk(7), mk(7));
        assert_ne!(mk(7), mk(8));
        // No time limit: a debug build on a shared machine says nothing about the speed (the
        // benches measure it).
        let mut org = demo_org(at());
        add_generated(&mut org, 10_000, 1, at());
        assert_eq!(org.app_count(), 10_000 + demo_apps(at()).len());
        for a in org.list().iter().skip(20) {
            assert!((1..=40).contains(&a.scope_count()));
            assert!(a.secrets.len() <= 4);
        }
    }
}
