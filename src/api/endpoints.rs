//! Where the API and the token endpoint live for each kind of deployment (the contract's "Base
//! URLs" table), with both overridable.

use url::Url;

use super::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// `…/{org}/identity_` (cloud, Automation Suite) or `…/identity` (standalone); routes are
    /// appended as `/api/...`.
    pub api_base: Url,
    /// `…/identity_`; `/connect/token` and `/connect/authorize` are appended.
    pub token_base: Url,
}

impl Endpoints {
    /// `uri` is the host (`https://cloud.uipath.com`), `org` the organization name or GUID.
    /// `identity_uri` overrides the token base; when it ends in `/identity` (standalone
    /// Orchestrator) the API lives there too. `api_uri` overrides the API base outright.
    pub fn resolve(
        uri: &str,
        org: &str,
        identity_uri: Option<&str>,
        api_uri: Option<&str>,
    ) -> Result<Self, ApiError> {
        let host = parse_base(uri, "UIPATH_URI")?;
        let org = org.trim().trim_matches('/');
        let token_base = match identity_uri {
            Some(id) => parse_base(id, "UIPATH_IDENTITY_URI")?,
            None => join(&host, "identity_")?,
        };
        let standalone = token_base
            .path()
            .trim_end_matches('/')
            .ends_with("/identity");
        let api_base = match api_uri {
            Some(api) => parse_base(api, "the API base URI")?,
            None if standalone => token_base.clone(),
            None => {
                if org.is_empty() {
                    return Err(ApiError::Config(
                        "no organization is set: set UIPATH_ORGANIZATION (the name or GUID in your \
                         Automation Cloud URL) or the profile's organization"
                            .to_owned(),
                    ));
                }
                join(&host, &format!("{org}/identity_"))?
            }
        };
        Ok(Endpoints {
            api_base,
            token_base,
        })
    }

    pub fn api(&self, route: &str) -> String {
        format!(
            "{}/{}",
            self.api_base.as_str().trim_end_matches('/'),
            route.trim_start_matches('/')
        )
    }

    pub fn token_url(&self) -> String {
        format!(
            "{}/connect/token",
            self.token_base.as_str().trim_end_matches('/')
        )
    }

    pub fn authorize_url(&self) -> String {
        format!(
            "{}/connect/authorize",
            self.token_base.as_str().trim_end_matches('/')
        )
    }

    /// The identity host as the header shows it.
    pub fn host(&self) -> String {
        let u = &self.token_base;
        match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => u.to_string(),
        }
    }
}

fn join(base: &Url, path: &str) -> Result<Url, ApiError> {
    let s = format!("{}/{}", base.as_str().trim_end_matches('/'), path);
    Url::parse(&s).map_err(|e| ApiError::Config(format!("cannot build a URL from {s:?}: {e}")))
}

/// Accepts `https://` anywhere and `http://` on loopback only: credentials must not cross a
/// network in clear text.
fn parse_base(raw: &str, setting: &str) -> Result<Url, ApiError> {
    let raw = raw.trim();
    let url = Url::parse(raw).map_err(|e| {
        ApiError::Config(format!(
            "{setting} is not a valid URL ({raw:?}: {e}); it should look like https://cloud.uipath.com"
        ))
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(ApiError::Config(format!(
            "{setting} uses plain http:// for a host that is not loopback ({raw}); use https://"
        ))),
        other => Err(ApiError::Config(format!(
            "{setting} has the scheme {other:?}; use https://"
        ))),
    }
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_layout() {
        let e = Endpoints::resolve("https://cloud.uipath.com", "acme", None, None).unwrap();
        assert_eq!(
            e.api("/api/ExternalClient/p"),
            "https://cloud.uipath.com/acme/identity_/api/ExternalClient/p"
        );
        assert_eq!(
            e.token_url(),
            "https://cloud.uipath.com/identity_/connect/token"
        );
    }

    #[test]
    fn standalone_layout_from_identity_uri() {
        let e = Endpoints::resolve(
            "https://orch.example",
            "",
            Some("https://orch.example/identity"),
            None,
        )
        .unwrap();
        assert_eq!(
            e.api("api/ExternalApiResource"),
            "https://orch.example/identity/api/ExternalApiResource"
        );
        assert_eq!(e.token_url(), "https://orch.example/identity/connect/token");
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(Endpoints::resolve("http://127.0.0.1:8080", "o", None, None).is_ok());
        assert!(Endpoints::resolve("http://localhost:8080", "o", None, None).is_ok());
        let err = Endpoints::resolve("http://cloud.uipath.com", "o", None, None).unwrap_err();
        assert!(err.to_string().contains("https://"), "{err}");
        assert!(Endpoints::resolve("not a url", "o", None, None).is_err());
        assert!(Endpoints::resolve("https://cloud.uipath.com", " ", None, None).is_err());
    }
}
