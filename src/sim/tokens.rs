//! Access tokens: HS256 JWTs signed with a key that lives only in this process, and the grant
//! logic of the token endpoint.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use rand::RngExt;
use secrecy::SecretString;
use serde_json::json;
use sha2::Sha256;

use super::login::{DEMO_USER_ID, DEMO_USER_NAME, Logins};
use super::store::{Org, hash_secret};
use crate::api::jwt::{self, DecodedJwt};
use crate::api::model::{OAuthErrorBody, ScopeType, TokenResponse};

/// The longest `scope` parameter the token endpoint accepts (the highest limit seen live).
pub const MAX_SCOPE_LEN: usize = 1250;

/// The longest granted scope list an empty client-credentials request may produce: past it the
/// live server answers `invalid_scope`, as seen with an app holding every application scope.
pub const MAX_GRANTED_LEN: usize = 1000;

/// Granted to every token without being asked for, and never held by an app.
pub const IMPLICIT_SCOPE: &str = "OR.Default";

/// Tolerated clock difference when checking `nbf`.
const LEEWAY_SECS: i64 = 5;

type HmacSha256 = Hmac<Sha256>;

pub struct Signer {
    key: [u8; 32],
    kid: String,
    issuer: String,
    /// Serial of the next token (`jti`).
    next_serial: AtomicU64,
    /// Tokens with a serial below this are revoked.
    revoked_below: AtomicU64,
}

/// Why a bearer token was refused; the text goes into the 401 body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejection {
    #[error("no bearer token was sent")]
    Missing,
    #[error("the bearer token is malformed")]
    Malformed,
    #[error("the bearer token's signature is invalid")]
    BadSignature,
    #[error("the bearer token has expired")]
    Expired,
    #[error("the bearer token is not valid yet")]
    NotYetValid,
    #[error("the bearer token has been revoked")]
    Revoked,
    #[error("the bearer token was issued for another organization")]
    WrongOrganization,
}

/// What a token endpoint grant produced.
pub struct Issued {
    pub response: TokenResponse,
}

/// An OAuth error of the token endpoint (always answered with 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError(pub OAuthErrorBody);

impl OAuthError {
    fn new(error: &str, description: Option<String>) -> Self {
        OAuthError(OAuthErrorBody {
            error: error.to_owned(),
            error_description: description,
        })
    }
}

impl Signer {
    pub fn new(issuer: String) -> Self {
        let mut rng = rand::rng();
        let key: [u8; 32] = rng.random();
        let kid = format!("{:016X}", rng.random::<u64>());
        Signer {
            key,
            kid,
            issuer,
            next_serial: AtomicU64::new(1),
            revoked_below: AtomicU64::new(0),
        }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length; this cannot fail.
        <HmacSha256 as KeyInit>::new_from_slice(&self.key).expect("HMAC accepts any key length")
    }

    /// Every token issued so far stops working, even before it expires.
    pub fn revoke_all(&self) {
        self.revoked_below
            .store(self.next_serial.load(Ordering::SeqCst), Ordering::SeqCst);
    }

    pub fn sign(&self, claims: &serde_json::Value) -> String {
        let header = json!({"alg": "HS256", "typ": "JWT", "kid": self.kid});
        let unsigned = jwt::encode_parts(&header, claims);
        let mut mac = self.mac();
        mac.update(unsigned.as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{unsigned}.{sig}")
    }

    pub fn issue(
        &self,
        org: &Org,
        client_id: &str,
        scopes: &[String],
        lifetime_secs: u64,
        now: Timestamp,
    ) -> String {
        self.issue_as(org, client_id, None, scopes, lifetime_secs, now)
    }

    /// A token for `user` (a login) or for the app itself (`None`: client credentials, where
    /// `sub` is the client id).
    pub fn issue_as(
        &self,
        org: &Org,
        client_id: &str,
        user: Option<(&str, &str)>,
        scopes: &[String],
        lifetime_secs: u64,
        now: Timestamp,
    ) -> String {
        let serial = self.next_serial.fetch_add(1, Ordering::SeqCst);
        let iat = now.as_second();
        let mut aud: Vec<String> = scopes.iter().filter_map(|s| resource_of(org, s)).collect();
        aud.sort();
        aud.dedup();
        let mut claims = json!({
            "iss": self.issuer,
            "aud": aud,
            "nbf": iat,
            "iat": iat,
            "exp": iat + lifetime_secs as i64,
            "client_id": client_id,
            "sub": user.map_or(client_id, |(sub, _)| sub),
            "prt_id": org.partition_id,
            "jti": serial.to_string(),
            "scope": scopes,
        });
        if let Some((_, name)) = user {
            claims["name"] = json!(name);
            claims["auth_time"] = json!(iat);
            claims["amr"] = json!(["pwd"]);
        }
        self.sign(&claims)
    }

    /// Checks the signature, the times, revocation and the organization; the claims on success.
    pub fn verify(
        &self,
        token: &str,
        partition_id: &str,
        now: Timestamp,
    ) -> Result<DecodedJwt, TokenRejection> {
        let token = token.trim();
        if token.is_empty() {
            return Err(TokenRejection::Missing);
        }
        if token.len() > jwt::MAX_TOKEN_LEN {
            return Err(TokenRejection::Malformed);
        }
        let (unsigned, sig) = token.rsplit_once('.').ok_or(TokenRejection::Malformed)?;
        let decoded = jwt::decode(token).map_err(|_| TokenRejection::Malformed)?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| TokenRejection::Malformed)?;
        if decoded.header.get("alg").and_then(|v| v.as_str()) != Some("HS256") {
            return Err(TokenRejection::BadSignature);
        }
        let mut mac = self.mac();
        mac.update(unsigned.as_bytes());
        mac.verify_slice(&sig)
            .map_err(|_| TokenRejection::BadSignature)?;
        let now = now.as_second();
        let exp = decoded.exp().ok_or(TokenRejection::Malformed)?;
        if now >= exp {
            return Err(TokenRejection::Expired);
        }
        if decoded
            .int_claim("nbf")
            .is_some_and(|nbf| nbf > now + LEEWAY_SECS)
        {
            return Err(TokenRejection::NotYetValid);
        }
        let serial: u64 = decoded
            .str_claim("jti")
            .and_then(|j| j.parse().ok())
            .ok_or(TokenRejection::Malformed)?;
        if serial < self.revoked_below.load(Ordering::SeqCst) {
            return Err(TokenRejection::Revoked);
        }
        if !decoded
            .partition_id()
            .is_some_and(|p| p.eq_ignore_ascii_case(partition_id))
        {
            return Err(TokenRejection::WrongOrganization);
        }
        Ok(decoded)
    }
}

/// Adds `OR.Default` first, as the live token endpoint does whatever was asked.
fn with_implicit(scopes: &mut Vec<String>) {
    if !scopes.iter().any(|s| s == IMPLICIT_SCOPE) {
        scopes.insert(0, IMPLICIT_SCOPE.to_owned());
    }
}

fn resource_of(org: &Org, scope: &str) -> Option<String> {
    org.catalog()
        .iter()
        .find(|r| r.scopes.iter().any(|s| s.name == scope))
        .map(|r| r.name.to_string())
}

/// The parameters of a token request, whichever way the client sent them.
pub struct TokenRequest {
    pub form: std::collections::HashMap<String, String>,
    /// Client id and secret from an `Authorization: Basic` header (client_secret_basic).
    pub basic: Option<(String, String)>,
}

impl TokenRequest {
    fn field(&self, name: &str) -> Option<&str> {
        self.form.get(name).map(String::as_str)
    }
}

/// Runs a token request against `org`.
pub fn grant(
    org: &Org,
    signer: &Signer,
    logins: &mut Logins,
    req: &TokenRequest,
    lifetime_secs: u64,
    org_now: Timestamp,
    token_now: Timestamp,
) -> Result<Issued, OAuthError> {
    match req.field("grant_type").map(str::trim) {
        None | Some("") => Err(OAuthError::new(
            "invalid_request",
            Some("grant_type is missing".to_owned()),
        )),
        Some("client_credentials") => {
            client_credentials(org, signer, req, lifetime_secs, org_now, token_now)
        }
        Some(kind @ ("authorization_code" | "refresh_token")) => {
            let client_id = login_client(org, req, org_now)?;
            let redeemed = if kind == "authorization_code" {
                logins.redeem_code(
                    req.field("code").unwrap_or(""),
                    &client_id,
                    req.field("redirect_uri").unwrap_or(""),
                    req.field("code_verifier").unwrap_or(""),
                    token_now,
                )
            } else {
                logins.redeem_refresh(
                    req.field("refresh_token").unwrap_or(""),
                    &client_id,
                    token_now,
                )
            };
            let grant = redeemed.map_err(|(error, description)| {
                tracing::info!(client_id, kind, description, "sim: login grant refused");
                OAuthError::new(error, Some(description))
            })?;
            let mut scopes = grant.scopes.clone();
            with_implicit(&mut scopes);
            let token = signer.issue_as(
                org,
                &grant.client_id,
                Some((DEMO_USER_ID, DEMO_USER_NAME)),
                &scopes,
                lifetime_secs,
                token_now,
            );
            tracing::info!(client_id, kind, "sim: login token issued");
            Ok(Issued {
                response: TokenResponse {
                    access_token: SecretString::from(token),
                    expires_in: lifetime_secs,
                    token_type: "Bearer".to_owned(),
                    scope: Some(scopes.join(" ")),
                    refresh_token: grant.refresh_token.map(SecretString::from),
                },
            })
        }
        Some(other) => {
            tracing::info!(grant_type = other, "sim: unsupported grant");
            Err(OAuthError::new("unsupported_grant_type", None))
        }
    }
}

/// The client of a code or refresh grant: a known app, and for a confidential one, a valid
/// secret (public apps prove themselves with PKCE or the refresh token alone).
fn login_client(org: &Org, req: &TokenRequest, org_now: Timestamp) -> Result<String, OAuthError> {
    let (client_id, secret) = match (&req.basic, req.field("client_id")) {
        (Some((id, secret)), _) => (id.as_str(), Some(secret.as_str())),
        (None, Some(id)) => (id, req.field("client_secret")),
        (None, None) => return Err(OAuthError::new("invalid_client", None)),
    };
    let Some(app) = org.find(client_id) else {
        tracing::info!("sim: login grant refused, unknown client");
        return Err(OAuthError::new("invalid_client", None));
    };
    if app.is_confidential {
        let hash = hash_secret(secret.unwrap_or(""));
        let ok = secret.is_some()
            && app
                .secrets
                .iter()
                .any(|s| s.hash == Some(hash) && !s.is_expired(org_now));
        if !ok {
            tracing::info!(
                client_id,
                "sim: login grant refused, wrong or expired secret"
            );
            return Err(OAuthError::new("invalid_client", None));
        }
    }
    Ok(app.id.clone())
}

fn client_credentials(
    org: &Org,
    signer: &Signer,
    req: &TokenRequest,
    lifetime_secs: u64,
    org_now: Timestamp,
    token_now: Timestamp,
) -> Result<Issued, OAuthError> {
    let (client_id, secret) = match (&req.basic, req.field("client_id")) {
        (Some((id, secret)), _) => (id.as_str(), Some(secret.as_str())),
        (None, Some(id)) => (id, req.field("client_secret")),
        (None, None) => return Err(OAuthError::new("invalid_client", None)),
    };
    let Some(app) = org.find(client_id) else {
        // The id is not logged: a secret pasted into the wrong field would land in the log.
        tracing::info!("sim: token refused, unknown client");
        return Err(OAuthError::new("invalid_client", None));
    };
    if !app.is_confidential {
        tracing::info!(client_id, "sim: token refused, public client");
        return Err(OAuthError::new("unauthorized_client", None));
    }
    let hash = hash_secret(secret.unwrap_or(""));
    let authenticated = secret.is_some()
        && app
            .secrets
            .iter()
            .any(|s| s.hash == Some(hash) && !s.is_expired(org_now));
    if !authenticated {
        tracing::info!(client_id, "sim: token refused, wrong or expired secret");
        return Err(OAuthError::new("invalid_client", None));
    }

    let raw_scope = req.field("scope").unwrap_or("");
    if raw_scope.len() > MAX_SCOPE_LEN {
        return Err(OAuthError::new(
            "invalid_request",
            Some("Invalid scope".to_owned()),
        ));
    }
    let mut granted: Vec<String> = Vec::new();
    let requested: Vec<&str> = raw_scope.split_whitespace().collect();
    if requested.is_empty() {
        granted.extend(app.application_scopes().map(str::to_owned));
        if granted.is_empty() {
            return Err(OAuthError::new(
                "invalid_scope",
                Some("the client has no application scopes".to_owned()),
            ));
        }
        if granted.join(" ").len() > MAX_GRANTED_LEN {
            tracing::info!(client_id, "sim: token refused, granted scope list too long");
            return Err(OAuthError::new("invalid_scope", None));
        }
    }
    for s in requested {
        if s == "offline_access" {
            return Err(OAuthError::new("invalid_scope", None));
        }
        if s == IMPLICIT_SCOPE {
            continue;
        }
        if app.has_scope(s, ScopeType::Application) {
            if !granted.iter().any(|g| g == s) {
                granted.push(s.to_owned());
            }
        } else if app.has_scope(s, ScopeType::User) {
            return Err(OAuthError::new(
                "invalid_request",
                Some(format!(
                    "Client={client_id} is not allowed to access User scopes"
                )),
            ));
        } else {
            return Err(OAuthError::new("invalid_scope", None));
        }
    }
    with_implicit(&mut granted);
    let token = signer.issue(org, client_id, &granted, lifetime_secs, token_now);
    tracing::info!(client_id, scopes = granted.len(), "sim: token issued");
    Ok(Issued {
        response: TokenResponse {
            access_token: SecretString::from(token),
            expires_in: lifetime_secs,
            token_type: "Bearer".to_owned(),
            scope: Some(granted.join(" ")),
            refresh_token: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::demo::demo_org;

    fn now() -> Timestamp {
        "2026-03-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn sign_then_verify_and_every_way_to_fail() {
        let org = demo_org(now());
        let signer = Signer::new("http://127.0.0.1/identity_".to_owned());
        let tok = signer.issue(&org, "demo-admin", &["PM.OAuthApp".to_owned()], 60, now());
        let claims = signer.verify(&tok, &org.partition_id, now()).unwrap();
        assert_eq!(claims.client_id(), Some("demo-admin"));
        assert_eq!(claims.scopes(), vec!["PM.OAuthApp"]);
        assert_eq!(
            claims
                .header
                .get("kid")
                .and_then(|v| v.as_str())
                .map(str::len),
            Some(16)
        );

        let later = now()
            .checked_add(jiff::SignedDuration::from_secs(60))
            .unwrap();
        assert_eq!(
            signer.verify(&tok, &org.partition_id, later).unwrap_err(),
            TokenRejection::Expired
        );
        let other = Signer::new("x".to_owned());
        assert_eq!(
            other.verify(&tok, &org.partition_id, now()).unwrap_err(),
            TokenRejection::BadSignature
        );
        assert_eq!(
            signer.verify("abc", &org.partition_id, now()).unwrap_err(),
            TokenRejection::Malformed
        );
        assert_eq!(
            signer.verify(&tok, "another-org", now()).unwrap_err(),
            TokenRejection::WrongOrganization
        );
        signer.revoke_all();
        assert_eq!(
            signer.verify(&tok, &org.partition_id, now()).unwrap_err(),
            TokenRejection::Revoked
        );
        let fresh = signer.issue(&org, "demo-admin", &[], 60, now());
        assert!(signer.verify(&fresh, &org.partition_id, now()).is_ok());
    }

    #[test]
    fn tampered_claims_fail_the_signature() {
        let org = demo_org(now());
        let signer = Signer::new("iss".to_owned());
        let tok = signer.issue(
            &org,
            "demo-reader",
            &["PM.OAuthApp.Read".to_owned()],
            60,
            now(),
        );
        let sig = tok.rsplit_once('.').unwrap().1;
        let forged_claims = json!({"client_id":"demo-reader","prt_id":org.partition_id,
            "exp": now().as_second() + 60, "jti":"1", "scope":["PM.OAuthApp"]});
        let forged = format!(
            "{}.{sig}",
            jwt::encode_parts(&json!({"alg":"HS256","typ":"JWT"}), &forged_claims)
        );
        assert_eq!(
            signer
                .verify(&forged, &org.partition_id, now())
                .unwrap_err(),
            TokenRejection::BadSignature
        );
        let none_alg = format!(
            "{}.",
            jwt::encode_parts(&json!({"alg":"none"}), &forged_claims)
        );
        assert!(signer.verify(&none_alg, &org.partition_id, now()).is_err());
    }
}
