//! `apps list --json`: each app in the API's shape plus `detailsKnown`, written straight to
//! the output. The entries used to be built as a `serde_json::Value` each (a map per app,
//! resource, scope and secret, every text copied) and printed from there, which sorted their
//! keys; the keys stay in that alphabetical order here, so the output is the same text.

use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use secrecy::ExposeSecret;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use jiff::Timestamp;

use super::output::json_fragment;
use crate::api::model::{App, Resource, Scope, Secret};
use crate::domain::secret_state;

/// The apps as the list writes them, with their secret states at `now`.
pub struct ListOut<'a> {
    apps: &'a [App],
    now: Timestamp,
    scopes: ScopeTexts,
}

impl<'a> ListOut<'a> {
    pub fn new(apps: &'a [App], now: Timestamp) -> Self {
        ListOut {
            apps,
            now,
            scopes: ScopeTexts::default(),
        }
    }
}

impl Serialize for ListOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.apps.iter().map(|app| ListEntry {
            app,
            now: self.now,
            scopes: &self.scopes,
        }))
    }
}

/// Each distinct scope's text, made once per list. An organization's 100,000 scopes are a few
/// hundred catalog scopes over and over (parsing shares them, see `SharedStr`), and writing
/// each through serde again was most of the output's time. Keyed by the shared allocation:
/// the apps, and so every key's allocation, outlive the writing of the list, so no key can be
/// freed and reused for another scope meanwhile.
#[derive(Default)]
struct ScopeTexts(RefCell<HashMap<*const Scope, Box<RawValue>>>);

impl ScopeTexts {
    fn write<S: SerializeSeq>(&self, seq: &mut S, scope: &Arc<Scope>) -> Result<(), S::Error> {
        let mut texts = self.0.borrow_mut();
        let text = match texts.entry(Arc::as_ptr(scope)) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => match json_fragment(&ScopeOut(scope)) {
                Ok(text) => slot.insert(text),
                // Not expected (a scope is plain text), but never worth failing the list for.
                Err(_) => return seq.serialize_element(&ScopeOut(scope)),
            },
        };
        seq.serialize_element(&**text)
    }
}

/// One app of the list. Scopes and secrets not loaded are `null`, so that no script reads an
/// empty list as "none".
struct ListEntry<'a> {
    app: &'a App,
    now: Timestamp,
    scopes: &'a ScopeTexts,
}

impl Serialize for ListEntry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let app = self.app;
        let known = app.details_known();
        let status = secret_state::of(app, self.now);
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
            m.serialize_entry("resources", &ResourcesOut(&app.resources, self.scopes))?;
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

struct ResourcesOut<'a>(&'a [Resource], &'a ScopeTexts);

impl Serialize for ResourcesOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|r| ResourceOut(r, self.1)))
    }
}

struct ResourceOut<'a>(&'a Resource, &'a ScopeTexts);

impl Serialize for ResourceOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("description", &r.description)?;
        m.serialize_entry("displayName", &r.display_name)?;
        m.serialize_entry("name", &r.name)?;
        m.serialize_entry("scopes", &ScopesOut(&r.scopes, self.1))?;
        m.end()
    }
}

struct ScopesOut<'a>(&'a [Arc<Scope>], &'a ScopeTexts);

impl Serialize for ScopesOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for scope in self.0 {
            self.1.write(&mut seq, scope)?;
        }
        seq.end()
    }
}

struct ScopeOut<'a>(&'a Scope);

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
        let values: Vec<serde_json::Value> = apps
            .iter()
            .map(|a| crate::cli::apps::list_entry(a, now).unwrap())
            .collect();
        (text(&ListOut::new(apps, now)), text(&values))
    }

    fn text<T: Serialize>(value: &T) -> String {
        let mut out = Vec::new();
        crate::cli::output::write_json(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
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
