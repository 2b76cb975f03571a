//! The login half of the simulator: `/connect/authorize` (auto-approving the demo user), the
//! authorization codes it hands out, and the refresh tokens a login earns.
//!
//! Redirect URIs match a registered one exactly, port and trailing slash included, loopback
//! ones too: the live server does not follow RFC 8252 §7.3 there, and a mismatch ends on its
//! own error page (`/identity_/web/?errorCode=...`), never on a redirect back to the client.
//!
//! Refresh tokens are single-use (each use returns a new one) and live 60 days.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use rand::RngExt;
use sha2::{Digest, Sha256};

use super::store::{Org, StoredApp};
use crate::api::model::{ScopeType, split_redirect_uris};

/// The user every login signs in as.
pub const DEMO_USER_ID: &str = "0c6f3e2a-5b7d-4e91-a8c4-3d2f1e0b9a87";
pub const DEMO_USER_NAME: &str = "Demo User";

pub use crate::domain::login::{DEMO_LOGIN_CLIENT_ID, DEMO_LOGIN_REDIRECT_URI};

/// Codes are good for this long, once.
pub const CODE_LIFETIME_SECS: i64 = 60;

/// A refresh token is good for this long, once.
pub const REFRESH_LIFETIME_SECS: i64 = 60 * 86_400;

/// Scopes a login may ask for besides the app's user scopes.
pub const OIDC_SCOPES: &[&str] = &["openid", "profile", "email", "offline_access"];

/// A validated authorize request, ready to become a code.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub challenge: String,
}

/// Why an authorize request failed: with a trusted redirect URI the browser is sent back with
/// `error=`; without one the server cannot know where to send it and shows its error page,
/// named by an error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeError {
    Page {
        code: &'static str,
        message: String,
    },
    Redirect {
        redirect_uri: String,
        error: &'static str,
        description: String,
    },
}

struct PendingCode {
    auth: Authorization,
    issued: Timestamp,
}

struct LiveRefresh {
    client_id: String,
    scopes: Vec<String>,
    family: u64,
    expires: Timestamp,
}

/// Codes and refresh tokens. Only hashes are kept, as a real server would.
#[derive(Default)]
pub struct Logins {
    codes: HashMap<[u8; 32], PendingCode>,
    used_codes: HashMap<[u8; 32], u64>,
    refresh: HashMap<[u8; 32], LiveRefresh>,
    /// A used refresh token and the family it belonged to: presenting it again revokes the
    /// whole family (it was stolen, or the client lost track of rotation).
    used_refresh: HashMap<[u8; 32], u64>,
    next_family: u64,
}

fn hash(value: &str) -> [u8; 32] {
    Sha256::digest(value.as_bytes()).into()
}

fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `BASE64URL(SHA256(verifier))`, RFC 7636 §4.2.
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether `asked` is one of the app's registered redirect URIs, string for string.
pub fn redirect_registered(app: &StoredApp, asked: &str) -> bool {
    split_redirect_uris(app.redirect_uri.as_deref())
        .iter()
        .any(|r| r == asked)
}

/// Checks an authorize request's parameters against the app.
pub fn authorize(
    org: &Org,
    params: &HashMap<String, String>,
) -> Result<Authorization, AuthorizeError> {
    let get = |k: &str| params.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let page = |code: &'static str, message: String| AuthorizeError::Page { code, message };
    let Some(client_id) = get("client_id") else {
        return Err(page("invalid_request", "client_id is missing".to_owned()));
    };
    let Some(app) = org.find(client_id) else {
        return Err(page("unauthorized_client", "unknown client_id".to_owned()));
    };
    let Some(redirect_uri) = get("redirect_uri") else {
        return Err(page(
            "invalid_request",
            "redirect_uri is missing".to_owned(),
        ));
    };
    if !redirect_registered(app, redirect_uri) {
        return Err(page(
            "invalid_request",
            format!("redirect_uri {redirect_uri} is not registered for this application"),
        ));
    }
    let fail = |error: &'static str, description: &str| AuthorizeError::Redirect {
        redirect_uri: redirect_uri.to_owned(),
        error,
        description: description.to_owned(),
    };
    if get("response_type") != Some("code") {
        return Err(fail(
            "unsupported_response_type",
            "only response_type=code is supported",
        ));
    }
    if get("code_challenge_method") != Some("S256") {
        return Err(fail(
            "invalid_request",
            "code_challenge_method must be S256",
        ));
    }
    let challenge = get("code_challenge").unwrap_or("");
    if challenge.len() != 43 || URL_SAFE_NO_PAD.decode(challenge).is_err() {
        return Err(fail(
            "invalid_request",
            "code_challenge must be a base64url SHA-256",
        ));
    }
    let scopes: Vec<String> = get("scope")
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if scopes.is_empty() {
        return Err(fail("invalid_scope", "no scope was requested"));
    }
    if let Some(bad) = scopes.iter().find(|s| {
        !OIDC_SCOPES.contains(&s.as_str())
            && s.as_str() != super::tokens::IMPLICIT_SCOPE
            && !app.has_scope(s, ScopeType::User)
    }) {
        return Err(fail(
            "invalid_scope",
            &format!("{bad} is not a user scope of this application"),
        ));
    }
    Ok(Authorization {
        client_id: app.id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        challenge: challenge.to_owned(),
    })
}

/// What a code or refresh token redeems for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub client_id: String,
    pub scopes: Vec<String>,
    /// A new refresh token, when `offline_access` was granted.
    pub refresh_token: Option<String>,
}

/// Why a code or a refresh token was refused: the `error` and its description.
pub type Refusal = (&'static str, String);

impl Logins {
    pub fn new_code(&mut self, auth: Authorization, now: Timestamp) -> String {
        let code = random_token();
        self.codes
            .insert(hash(&code), PendingCode { auth, issued: now });
        code
    }

    /// Redeems a code: single use, short-lived, for the same client and redirect URI, with
    /// the verifier whose S256 is the challenge.
    pub fn redeem_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: &str,
        now: Timestamp,
    ) -> Result<Grant, Refusal> {
        let key = hash(code);
        let Some(pending) = self.codes.remove(&key) else {
            if let Some(family) = self.used_codes.get(&key).copied() {
                // RFC 6749 §4.1.2: a code used twice revokes what it produced.
                self.revoke_family(family);
                return Err(("invalid_grant", "the code was already used".to_owned()));
            }
            return Err(("invalid_grant", "the code is unknown".to_owned()));
        };
        let family = self.next_family;
        self.next_family += 1;
        self.used_codes.insert(key, family);
        let auth = pending.auth;
        if now.as_second() - pending.issued.as_second() > CODE_LIFETIME_SECS {
            return Err(("invalid_grant", "the code has expired".to_owned()));
        }
        if auth.client_id != client_id {
            return Err((
                "invalid_grant",
                "the code was issued to another client".to_owned(),
            ));
        }
        if auth.redirect_uri != redirect_uri {
            return Err((
                "invalid_grant",
                "redirect_uri differs from the authorize request".to_owned(),
            ));
        }
        if !(43..=128).contains(&verifier.len()) || s256(verifier) != auth.challenge {
            return Err((
                "invalid_grant",
                "the code_verifier does not match the code_challenge".to_owned(),
            ));
        }
        Ok(self.grant(auth.client_id, auth.scopes, family, now))
    }

    /// Redeems a refresh token for a new one (rotation): the old one is dead from now on.
    pub fn redeem_refresh(
        &mut self,
        token: &str,
        client_id: &str,
        now: Timestamp,
    ) -> Result<Grant, Refusal> {
        let key = hash(token);
        let Some(live) = self.refresh.remove(&key) else {
            if let Some(family) = self.used_refresh.get(&key).copied() {
                self.revoke_family(family);
                return Err((
                    "invalid_grant",
                    "the refresh token was already used".to_owned(),
                ));
            }
            return Err(("invalid_grant", "the refresh token is unknown".to_owned()));
        };
        self.used_refresh.insert(key, live.family);
        if now >= live.expires {
            return Err(("invalid_grant", "the refresh token has expired".to_owned()));
        }
        if live.client_id != client_id {
            return Err((
                "invalid_grant",
                "the refresh token was issued to another client".to_owned(),
            ));
        }
        Ok(self.grant(live.client_id, live.scopes, live.family, now))
    }

    fn grant(
        &mut self,
        client_id: String,
        scopes: Vec<String>,
        family: u64,
        now: Timestamp,
    ) -> Grant {
        let refresh_token = scopes.iter().any(|s| s == "offline_access").then(|| {
            let token = random_token();
            self.refresh.insert(
                hash(&token),
                LiveRefresh {
                    client_id: client_id.clone(),
                    scopes: scopes.clone(),
                    family,
                    expires: now
                        .checked_add(jiff::SignedDuration::from_secs(REFRESH_LIFETIME_SECS))
                        .unwrap_or(now),
                },
            );
            token
        });
        Grant {
            client_id,
            scopes,
            refresh_token,
        }
    }

    fn revoke_family(&mut self, family: u64) {
        self.refresh.retain(|_, r| r.family != family);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::demo::demo_org;

    const UIPATHCLI: &str = DEMO_LOGIN_CLIENT_ID;
    const REG: &str = DEMO_LOGIN_REDIRECT_URI;

    fn now() -> Timestamp {
        "2026-03-01T12:00:00Z".parse().unwrap()
    }

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    fn good(redirect: &str, scope: &str) -> HashMap<String, String> {
        params(&[
            ("client_id", UIPATHCLI),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("scope", scope),
            ("code_challenge", &s256(VERIFIER)),
            ("code_challenge_method", "S256"),
        ])
    }

    /// A login for `scope` whose code was redeemed at `now()`: the logins and the grant.
    fn logged_in(scope: &str) -> (Logins, Grant) {
        let org = demo_org(now());
        let mut logins = Logins::default();
        let auth = authorize(&org, &good(REG, scope)).unwrap();
        let code = logins.new_code(auth, now());
        let grant = logins
            .redeem_code(&code, UIPATHCLI, REG, VERIFIER, now())
            .unwrap();
        (logins, grant)
    }

    #[test]
    fn rfc7636_example_challenge() {
        assert_eq!(
            s256(VERIFIER),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn redirects_match_exactly_port_and_trailing_slash_included() {
        let org = demo_org(now());
        let app = org.find(UIPATHCLI).unwrap();
        assert!(redirect_registered(app, "http://localhost:12700"));
        assert!(!redirect_registered(app, "http://localhost:40001"));
        assert!(!redirect_registered(app, "http://localhost:12700/"));
        assert!(!redirect_registered(app, "https://localhost:12700"));
        assert!(!redirect_registered(app, "http://127.0.0.1:12700"));
        let mut p = good("http://localhost:40001", "OR.Jobs");
        assert!(matches!(
            authorize(&org, &p),
            Err(AuthorizeError::Page {
                code: "invalid_request",
                ..
            })
        ));
        p = good(REG, "OR.Default OR.Jobs");
        assert!(
            authorize(&org, &p).is_ok(),
            "OR.Default is granted to anyone"
        );
    }

    #[test]
    fn authorize_checks_each_parameter() {
        let org = demo_org(now());
        let ok = authorize(&org, &good(REG, "OR.Jobs offline_access")).unwrap();
        assert_eq!(ok.scopes, vec!["OR.Jobs", "offline_access"]);

        let mut p = good(REG, "PM.OAuthApp");
        assert!(matches!(
            authorize(&org, &p),
            Err(AuthorizeError::Redirect {
                error: "invalid_scope",
                ..
            })
        ));
        p = good("http://elsewhere.example/cb", "OR.Jobs");
        assert!(matches!(
            authorize(&org, &p),
            Err(AuthorizeError::Page { .. })
        ));
        p = good(REG, "OR.Jobs");
        p.insert("code_challenge_method".into(), "plain".into());
        assert!(matches!(
            authorize(&org, &p),
            Err(AuthorizeError::Redirect {
                error: "invalid_request",
                ..
            })
        ));
        p = good(REG, "OR.Jobs");
        p.insert("client_id".into(), "nobody".into());
        assert!(matches!(
            authorize(&org, &p),
            Err(AuthorizeError::Page { .. })
        ));
    }

    #[test]
    fn codes_are_single_use_and_short_lived() {
        let org = demo_org(now());
        let mut logins = Logins::default();
        let auth = authorize(&org, &good(REG, "OR.Jobs offline_access")).unwrap();
        let code = logins.new_code(auth.clone(), now());
        let grant = logins
            .redeem_code(&code, UIPATHCLI, REG, VERIFIER, now())
            .unwrap();
        let refresh = grant.refresh_token.unwrap();
        assert_eq!(
            logins
                .redeem_code(&code, UIPATHCLI, REG, VERIFIER, now())
                .unwrap_err()
                .1,
            "the code was already used"
        );
        // Reusing the code revoked the refresh token it produced.
        assert!(logins.redeem_refresh(&refresh, UIPATHCLI, now()).is_err());

        let late = now()
            .checked_add(jiff::SignedDuration::from_secs(61))
            .unwrap();
        let code = logins.new_code(auth, now());
        assert_eq!(
            logins
                .redeem_code(&code, UIPATHCLI, REG, VERIFIER, late)
                .unwrap_err()
                .1,
            "the code has expired"
        );
    }

    #[test]
    fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
        let (mut logins, grant) = logged_in("OR.Jobs offline_access");
        let first = grant.refresh_token.unwrap();
        let second = logins
            .redeem_refresh(&first, UIPATHCLI, now())
            .unwrap()
            .refresh_token
            .unwrap();
        assert_ne!(first, second);
        assert_eq!(
            logins
                .redeem_refresh(&first, UIPATHCLI, now())
                .unwrap_err()
                .1,
            "the refresh token was already used"
        );
        assert!(logins.redeem_refresh(&second, UIPATHCLI, now()).is_err());
    }

    #[test]
    fn refresh_tokens_last_sixty_days() {
        let (mut logins, grant) = logged_in("OR.Jobs offline_access");
        let at = |days: i64| {
            now()
                .checked_add(jiff::SignedDuration::from_hours(24 * days))
                .unwrap()
        };
        let first = grant.refresh_token.unwrap();
        // Used on day 59, the new one lives 60 days from then.
        let second = logins
            .redeem_refresh(&first, UIPATHCLI, at(59))
            .unwrap()
            .refresh_token
            .unwrap();
        assert_eq!(
            logins
                .redeem_refresh(&second, UIPATHCLI, at(59 + 60))
                .unwrap_err(),
            ("invalid_grant", "the refresh token has expired".to_owned())
        );
    }

    #[test]
    fn no_offline_access_no_refresh_token() {
        let (_, grant) = logged_in("OR.Jobs");
        assert_eq!(grant.refresh_token, None);
    }
}
