//! `apps list --json`: each app in the API's shape plus `detailsKnown`, written straight to
//! the output. The entries used to be built as a `serde_json::Value` each (a map per app,
//! resource, scope and secret, every text copied) and printed from there, which sorted their
//! keys; the keys stay in that alphabetical order here, so the output is the same text.

use std::sync::Arc;

use secrecy::ExposeSecret;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use jiff::Timestamp;

use crate::api::model::{App, Resource, Scope, Secret};
use crate::domain::secret_state;

/// One app of the list, with its secret state at the given time. Scopes and secrets not
/// loaded are `null`, so that no script reads an empty list as "none".
pub struct ListEntry<'a>(pub &'a App, pub Timestamp);

impl Serialize for ListEntry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let app = self.0;
        let known = app.details_known();
        let status = secret_state::of(app, self.1);
        let mut m = s.serialize_map(None)?;
        if let Some(certs) = &app.client_certificates {
            m.serialize_entry("clientCertificates", certs)?;
        }
        m.serialize_entry("detailsKnown", &known)?;
        m.serialize_entry("expiredSecrets", &status.expired_known())?;
        m.serialize_entry("id", &app.id)?;
        m.serialize_entry("isConfidential", &app.is_confidential)?;
        m.serialize_entry("name", &app.name)?;
        m.serialize_entry("nextExpiry", &status.next_expiry().as_ref().map(Display))?;
        m.serialize_entry("redirectUri", &app.redirect_uri)?;
        if known {
            m.serialize_entry("resources", &Each::<_, ResourceOut>::new(&app.resources))?;
        } else {
            m.serialize_entry("resources", &())?;
        }
        m.serialize_entry("secret", &app.secret.as_ref().map(|v| v.expose_secret()))?;
        m.serialize_entry("secretState", status.state.key())?;
        if known {
            m.serialize_entry("secrets", &Each::<_, SecretOut>::new(&app.secrets))?;
        } else {
            m.serialize_entry("secrets", &())?;
        }
        m.end()
    }
}

/// A slice, each element written as `W`.
struct Each<'a, T, W>(&'a [T], std::marker::PhantomData<W>);

impl<'a, T, W> Each<'a, T, W> {
    fn new(items: &'a [T]) -> Self {
        Each(items, std::marker::PhantomData)
    }
}

impl<'a, T, W: From<&'a T> + Serialize> Serialize for Each<'a, T, W> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&W::from(item))?;
        }
        seq.end()
    }
}

struct ResourceOut<'a>(&'a Resource);

impl<'a> From<&'a Resource> for ResourceOut<'a> {
    fn from(r: &'a Resource) -> Self {
        ResourceOut(r)
    }
}

impl Serialize for ResourceOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("description", &r.description)?;
        m.serialize_entry("displayName", &r.display_name)?;
        m.serialize_entry("name", &r.name)?;
        m.serialize_entry("scopes", &Each::<_, ScopeOut>::new(&r.scopes))?;
        m.end()
    }
}

struct ScopeOut<'a>(&'a Scope);

impl<'a> From<&'a Arc<Scope>> for ScopeOut<'a> {
    fn from(s: &'a Arc<Scope>) -> Self {
        ScopeOut(s)
    }
}

impl Serialize for ScopeOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let scope = self.0;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("description", &scope.description)?;
        m.serialize_entry("displayName", &scope.display_name)?;
        m.serialize_entry("name", &scope.name)?;
        m.serialize_entry("type", &scope.kind)?;
        m.end()
    }
}

struct SecretOut<'a>(&'a Secret);

impl<'a> From<&'a Secret> for SecretOut<'a> {
    fn from(s: &'a Secret) -> Self {
        SecretOut(s)
    }
}

impl Serialize for SecretOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let secret = self.0;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("creationTime", &Display(&secret.creation_time))?;
        m.serialize_entry("description", &secret.description)?;
        m.serialize_entry("expiryTime", &secret.expiry_time.as_ref().map(Display))?;
        m.serialize_entry("id", &secret.id)?;
        m.serialize_entry("secret", &secret.secret.as_ref().map(|v| v.expose_secret()))?;
        m.end()
    }
}

/// A timestamp as the wire types write it (`collect_str`), without a `String` in between.
struct Display<'a, T>(&'a T);

impl<T: std::fmt::Display> Serialize for Display<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::Details;

    /// The entry as `apps::list_entry` builds it: the app as a `Value`, patched.
    fn both(apps: &[App], now: Timestamp) -> (String, String) {
        let entries: Vec<ListEntry> = apps.iter().map(|a| ListEntry(a, now)).collect();
        let values: Vec<serde_json::Value> = apps
            .iter()
            .map(|a| crate::cli::apps::list_entry(a, now).unwrap())
            .collect();
        (
            serde_json::to_string_pretty(&entries).unwrap(),
            serde_json::to_string_pretty(&values).unwrap(),
        )
    }

    #[test]
    fn the_entries_are_the_text_the_values_were() {
        let now = "2026-03-01T12:00:00Z".parse().unwrap();
        let mut apps = crate::sim::generated_apps(200, 7, now);
        for (i, app) in apps.iter_mut().enumerate() {
            app.details = if i % 3 == 0 {
                Details::Unknown
            } else {
                Details::Known
            };
        }
        apps[1].client_certificates = Some(vec![serde_json::json!({"z": 1, "a": [true, null]})]);
        apps[2].name = "evil\u{202e}\n\"name\"".into();
        apps[2].redirect_uri = Some("http://x/\u{7f}".into());
        let (got, want) = both(&apps, now);
        assert!(want.contains("\"detailsKnown\": false") && want.contains("clientCertificates"));
        assert_eq!(got, want);
    }
}
