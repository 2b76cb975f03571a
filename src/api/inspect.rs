//! The token inspector's data: a decoded JWT turned into labelled rows, its times as dates with
//! time left, its scopes grouped by prefix, and what it allows. Pure: the clock is a parameter.

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::jwt::DecodedJwt;
use crate::domain::duration::{self, Style};
use crate::domain::permissions::{self, Action, Missing};

/// Shown with every decoded token: nothing here is verified.
pub const UNVERIFIED: &str = "Signature NOT checked: extapps decodes the token without the issuer's key, so anyone could have written these claims.";

#[derive(Debug, Clone, PartialEq)]
pub struct TokenView {
    pub note: &'static str,
    /// `alg`, `kid`, `typ` first, then any other header field.
    pub header: Vec<Row>,
    /// Every claim except `scope` (see `scopes`), well-known ones first.
    pub claims: Vec<Row>,
    pub scopes: Vec<ScopeGroup>,
    pub expiry: Expiry,
    pub permissions: Vec<PermissionRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The raw name (`prt_id`).
    pub name: String,
    /// For people (`organization id`).
    pub label: String,
    pub value: String,
    /// For times: `in 59m 12s`, `expired 3m ago`.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeGroup {
    /// `OR`, `PM`, `DU`, `TM`, ...; `OIDC` for openid, profile, email, offline_access.
    pub prefix: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// No usable `exp` claim.
    Unknown,
    Valid {
        seconds_left: i64,
    },
    Expired {
        seconds_ago: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionRow {
    pub action: Action,
    /// `Ok(scope that grants it)` or the reason it is unavailable.
    pub allowed: Result<&'static str, Missing>,
}

const HEADER_ORDER: &[&str] = &["alg", "kid", "typ"];

/// Well-known claims, in display order, with their labels.
const CLAIM_LABELS: &[(&str, &str)] = &[
    ("prt_id", "organization id"),
    ("client_id", "client id"),
    ("sub", "subject"),
    ("name", "user name"),
    ("iss", "issuer"),
    ("aud", "audience"),
    ("exp", "expires"),
    ("iat", "issued at"),
    ("nbf", "not before"),
    ("auth_time", "signed in at"),
    ("jti", "token id"),
];

const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf", "auth_time"];

const OIDC: &[&str] = &["openid", "profile", "email", "offline_access"];

pub fn inspect(decoded: &DecodedJwt, now: Timestamp) -> TokenView {
    let scopes = decoded.scopes();
    TokenView {
        note: UNVERIFIED,
        header: rows(&decoded.header, HEADER_ORDER, &[], now),
        claims: rows(
            &decoded.claims,
            &CLAIM_LABELS.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            &["scope"],
            now,
        ),
        expiry: match decoded.exp() {
            None => Expiry::Unknown,
            Some(exp) if exp > now.as_second() => Expiry::Valid {
                seconds_left: exp - now.as_second(),
            },
            Some(exp) => Expiry::Expired {
                seconds_ago: now.as_second() - exp,
            },
        },
        permissions: permissions::table(&scopes)
            .into_iter()
            .map(|(action, allowed)| PermissionRow { action, allowed })
            .collect(),
        scopes: group_scopes(&scopes),
    }
}

fn rows(map: &Map<String, Value>, first: &[&str], skip: &[&str], now: Timestamp) -> Vec<Row> {
    let known = first.iter().filter(|n| map.contains_key(**n)).copied();
    let mut rest: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| !first.contains(k) && !skip.contains(k))
        .collect();
    rest.sort_unstable();
    known
        .chain(rest)
        .map(|name| row(name, &map[name], now))
        .collect()
}

fn row(name: &str, value: &Value, now: Timestamp) -> Row {
    let label = CLAIM_LABELS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(name, |(_, l)| l)
        .to_owned();
    let seconds = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    if TIME_CLAIMS.contains(&name)
        && let Some(secs) = seconds
        && let Ok(at) = Timestamp::from_second(secs)
    {
        return Row {
            name: name.to_owned(),
            label,
            value: at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
            detail: Some(relative(secs - now.as_second(), name == "exp")),
        };
    }
    Row {
        name: name.to_owned(),
        label,
        value: plain(value),
        detail: None,
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// `in 59m 12s` / `3m ago`; for `exp`, the past reads `expired 3m ago`.
fn relative(delta: i64, is_expiry: bool) -> String {
    match delta {
        d if d > 0 => format!("in {}", duration::format(d, Style::TwoUnits)),
        0 if is_expiry => "expires now".to_owned(),
        0 => "now".to_owned(),
        d if is_expiry => format!("expired {} ago", duration::format(-d, Style::TwoUnits)),
        d => format!("{} ago", duration::format(-d, Style::TwoUnits)),
    }
}

/// Scopes grouped by the part before the first dot (upper-cased, so `Du.*` joins `DU`),
/// groups and scopes sorted, duplicates dropped.
pub fn group_scopes(scopes: &[String]) -> Vec<ScopeGroup> {
    let mut groups: Vec<ScopeGroup> = Vec::new();
    let mut sorted: Vec<&String> = scopes.iter().collect();
    sorted.sort_unstable();
    sorted.dedup();
    for scope in sorted {
        let prefix = if OIDC.contains(&scope.as_str()) {
            "OIDC".to_owned()
        } else {
            scope
                .split('.')
                .next()
                .unwrap_or(scope)
                .to_ascii_uppercase()
        };
        match groups.iter_mut().find(|g| g.prefix == prefix) {
            Some(g) => g.scopes.push(scope.clone()),
            None => groups.push(ScopeGroup {
                prefix,
                scopes: vec![scope.clone()],
            }),
        }
    }
    groups.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::jwt::{decode, encode_parts};
    use serde_json::json;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    fn tok(claims: Value) -> DecodedJwt {
        let t = format!(
            "{}.sig",
            encode_parts(
                &json!({"typ":"JWT","alg":"RS256","kid":"K1","x5t":"abc"}),
                &claims
            )
        );
        decode(&t).unwrap()
    }

    #[test]
    fn rows_are_labelled_ordered_and_times_are_dates() {
        let now = 1_772_366_400; // 2026-03-01 12:00:00 UTC
        let d = tok(json!({
            "zeta": true, "scope": ["PM.OAuthApp.Read"], "exp": now + 3552, "iat": now - 48,
            "prt_id": "6f1d", "aud": ["UiPath.PlatformManagement", "x"], "client_id": "cid",
            "nbf": "bogus",
        }));
        let v = inspect(&d, at(now));
        let names: Vec<_> = v.header.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["alg", "kid", "typ", "x5t"]);
        let names: Vec<_> = v.claims.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["prt_id", "client_id", "aud", "exp", "iat", "nbf", "zeta"]
        );
        assert_eq!(v.claims[0].label, "organization id");
        assert_eq!(v.claims[2].value, "UiPath.PlatformManagement, x");
        assert_eq!(v.claims[3].value, "2026-03-01 12:59:12 UTC");
        assert_eq!(v.claims[3].detail.as_deref(), Some("in 59m 12s"));
        assert_eq!(v.claims[4].detail.as_deref(), Some("48s ago"));
        assert_eq!(v.claims[5].value, "bogus");
        assert_eq!(v.expiry, Expiry::Valid { seconds_left: 3552 });
        assert!(v.permissions[0].allowed.is_ok());
        assert!(v.permissions[2].allowed.is_err());
        assert!(v.note.contains("NOT checked"));

        let v = inspect(&d, at(now + 3552 + 180));
        assert_eq!(v.claims[3].detail.as_deref(), Some("expired 3m 0s ago"));
        assert_eq!(v.expiry, Expiry::Expired { seconds_ago: 180 });
    }

    #[test]
    fn a_token_without_claims_still_inspects() {
        let v = inspect(&tok(json!({})), at(0));
        assert!(v.claims.is_empty());
        assert!(v.scopes.is_empty());
        assert_eq!(v.expiry, Expiry::Unknown);
        assert!(v.permissions.iter().all(|p| p.allowed.is_err()));
    }

    #[test]
    fn scopes_group_by_prefix() {
        let s: Vec<String> = [
            "OR.Jobs",
            "PM.OAuthApp",
            "Du.Extraction.Api",
            "OR.Assets.Read",
            "openid",
            "offline_access",
            "Insights",
            "TM.Projects.Read",
            "OR.Jobs",
        ]
        .iter()
        .map(|x| (*x).to_owned())
        .collect();
        let g = group_scopes(&s);
        let summary: Vec<(String, Vec<String>)> =
            g.into_iter().map(|g| (g.prefix, g.scopes)).collect();
        let expect =
            |p: &str, v: &[&str]| (p.to_owned(), v.iter().map(|x| (*x).to_owned()).collect());
        assert_eq!(
            summary,
            vec![
                expect("DU", &["Du.Extraction.Api"]),
                expect("INSIGHTS", &["Insights"]),
                expect("OIDC", &["offline_access", "openid"]),
                expect("OR", &["OR.Assets.Read", "OR.Jobs"]),
                expect("PM", &["PM.OAuthApp"]),
                expect("TM", &["TM.Projects.Read"]),
            ]
        );
    }
}
