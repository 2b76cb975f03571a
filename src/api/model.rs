//! The wire format of the External Client API, shared by the client and the simulator so that
//! one definition is tested from both sides. Field names follow the contract exactly (camelCase).

use std::cell::RefCell;
use std::sync::Arc;

use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use super::shared_str::SharedStr;

/// What a scope may be granted through. In an app only `User` and `Application` occur; the
/// catalog also uses `UserAndApplication`. The live API sends integers although the docs show
/// strings, so both are read and integers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScopeType {
    User,
    Application,
    UserAndApplication,
}

impl ScopeType {
    pub fn code(self) -> u8 {
        match self {
            ScopeType::User => 0,
            ScopeType::Application => 1,
            ScopeType::UserAndApplication => 2,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ScopeType::User => "user",
            ScopeType::Application => "application",
            ScopeType::UserAndApplication => "user+app",
        }
    }

    pub fn allows_user(self) -> bool {
        matches!(self, ScopeType::User | ScopeType::UserAndApplication)
    }

    pub fn allows_application(self) -> bool {
        matches!(self, ScopeType::Application | ScopeType::UserAndApplication)
    }

    fn from_code(code: i64) -> Option<Self> {
        match code {
            0 => Some(ScopeType::User),
            1 => Some(ScopeType::Application),
            2 => Some(ScopeType::UserAndApplication),
            _ => None,
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "user" | "0" => Some(ScopeType::User),
            "application" | "1" => Some(ScopeType::Application),
            "userandapplication" | "2" => Some(ScopeType::UserAndApplication),
            _ => None,
        }
    }
}

impl Serialize for ScopeType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for ScopeType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor rather than an untagged enum: every scope of a 10,000-app list passes
        // here, and an untagged enum buffers each value before trying its variants.
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ScopeType;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a scope type: 0, 1, 2 or its name")
            }

            fn visit_i64<E: serde::de::Error>(self, i: i64) -> Result<ScopeType, E> {
                ScopeType::from_code(i)
                    .ok_or_else(|| E::custom(format!("scope type {i} is not 0, 1 or 2")))
            }

            fn visit_u64<E: serde::de::Error>(self, u: u64) -> Result<ScopeType, E> {
                match i64::try_from(u) {
                    Ok(i) => self.visit_i64(i),
                    Err(_) => Err(E::custom(format!("scope type {u} is not 0, 1 or 2"))),
                }
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ScopeType, E> {
                ScopeType::from_name(s).ok_or_else(|| {
                    E::custom(format!(
                        "scope type {s:?} is not user, application or userAndApplication"
                    ))
                })
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// A scope as the catalog and apps describe it. Apps hold theirs shared (`Arc<Scope>`): the
/// same few hundred catalog scopes recur across every app of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scope {
    pub name: SharedStr,
    #[serde(default)]
    pub display_name: Option<SharedStr>,
    #[serde(default)]
    pub description: Option<SharedStr>,
    #[serde(rename = "type")]
    pub kind: ScopeType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub name: SharedStr,
    #[serde(default)]
    pub display_name: Option<SharedStr>,
    #[serde(default)]
    pub description: Option<SharedStr>,
    #[serde(default, deserialize_with = "shared_scopes")]
    pub scopes: Vec<Arc<Scope>>,
}

thread_local! {
    static SCOPES: RefCell<super::shared_str::InternTable<Scope>> = RefCell::default();
}

impl Scope {
    /// The shared copy of this scope: the same allocation as every equal scope parsed or
    /// shared before on this thread (while the table has room).
    pub fn shared(self) -> Arc<Scope> {
        SCOPES.with(|table| super::shared_str::intern_in(table, &self, || Arc::new(self.clone())))
    }
}

thread_local! {
    // A scope's JSON text to its shared copy: the same catalog scope comes as the same text in
    // app after app, so one lookup of the text replaces parsing it (three texts to share, then
    // the scope) every time.
    static SCOPE_TEXTS: RefCell<ScopeTexts> = RefCell::default();
}

type ScopeTexts = std::collections::HashMap<Box<str>, Arc<Scope>, foldhash::fast::RandomState>;

/// Scope texts longer than this are parsed every time: catalog scopes are short.
const MAX_SCOPE_TEXT: usize = 1024;
/// How many scope texts a thread remembers, so that unique texts cannot grow the table
/// without end.
const MAX_SCOPE_TEXTS: usize = 4096;

impl Scope {
    /// The scope `text` (one JSON object) describes, shared: looked up by its text when the
    /// same text was read before on this thread.
    fn from_text(text: &str) -> serde_json::Result<Arc<Scope>> {
        if let Some(found) = SCOPE_TEXTS.with(|t| t.borrow().get(text).cloned()) {
            return Ok(found);
        }
        let scope = serde_json::from_str::<Scope>(text)?.shared();
        if text.len() <= MAX_SCOPE_TEXT {
            SCOPE_TEXTS.with(|t| {
                let mut t = t.borrow_mut();
                if t.len() < MAX_SCOPE_TEXTS {
                    t.insert(text.into(), Arc::clone(&scope));
                }
            });
        }
        Ok(scope)
    }
}

/// A resource's scopes, `null` as none, each taken as its raw text and shared by it.
fn shared_scopes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Arc<Scope>>, D::Error> {
    struct Scopes;
    impl<'de> serde::de::Visitor<'de> for Scopes {
        type Value = Vec<Arc<Scope>>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of scopes or null")
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut scopes = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(text) = seq.next_element::<Box<serde_json::value::RawValue>>()? {
                let scope = Scope::from_text(text.get()).map_err(|e| {
                    serde::de::Error::custom(format_args!("scope {}: {e}", scopes.len() + 1))
                })?;
                scopes.push(scope);
            }
            Ok(scopes)
        }
    }
    d.deserialize_option(Scopes)
}

/// A client secret as the API describes it. `secret` holds the value only in the answer that
/// created it; everywhere else it is null.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    pub id: i64,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, serialize_with = "expose_opt")]
    pub secret: Option<SecretString>,
    #[serde(with = "lenient_ts")]
    pub creation_time: Timestamp,
    #[serde(default, with = "lenient_ts_opt")]
    pub expiry_time: Option<Timestamp>,
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        // Secret values are deliberately left out: two views of the same secret compare equal
        // whether or not one of them still carries its one-time value.
        self.id == other.id
            && self.description == other.description
            && self.creation_time == other.creation_time
            && self.expiry_time == other.expiry_time
    }
}

/// Whether an app's scopes and secrets are known. The live server's list carries summaries
/// only (`resources` and `secrets` null), so an app from such a list has empty vectors that
/// mean "not loaded", never "none": only its own read (or a list that shows it carries
/// details) makes them facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Details {
    #[default]
    Unknown,
    Known,
}

/// An external application (OAuth client). `id` is its client id.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct App {
    pub name: String,
    pub id: String,
    #[serde(default, serialize_with = "expose_opt")]
    pub secret: Option<SecretString>,
    #[serde(default)]
    pub is_confidential: bool,
    #[serde(default)]
    pub redirect_uri: Option<String>,
    /// Empty when absent or null: see `details` for whether that is a fact.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub resources: Vec<Resource>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub secrets: Vec<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificates: Option<Vec<serde_json::Value>>,
    /// Not on the wire: whoever read the app says whether its scopes and secrets are known.
    #[serde(skip)]
    pub details: Details,
}

/// A list field that may be absent, `null` or `[]`; the first two read as empty.
fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

impl PartialEq for App {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.id == other.id
            && self.is_confidential == other.is_confidential
            && self.redirect_uri == other.redirect_uri
            && self.resources == other.resources
            && self.secrets == other.secrets
            && self.client_certificates == other.client_certificates
            && self.details == other.details
    }
}

impl App {
    /// Whether the scopes and secrets are facts rather than "not loaded".
    pub fn details_known(&self) -> bool {
        self.details == Details::Known
    }

    /// Whether this app, as a list entry, shows that the list carries details.
    pub fn shows_details(&self) -> bool {
        !self.secrets.is_empty() || self.resources.iter().any(|r| !r.scopes.is_empty())
    }

    /// The redirect URIs, split from the comma-separated string the API stores.
    pub fn redirect_uris(&self) -> Vec<String> {
        split_redirect_uris(self.redirect_uri.as_deref())
    }

    pub fn scope_count(&self) -> usize {
        self.resources.iter().map(|r| r.scopes.len()).sum()
    }

    /// Every scope of the app, flattened, as create and update bodies send them.
    pub fn scope_refs(&self) -> Vec<ScopeRef> {
        self.resources
            .iter()
            .flat_map(|r| r.scopes.iter())
            .map(|s| ScopeRef {
                name: s.name.to_string(),
                kind: s.kind,
            })
            .collect()
    }

    /// The earliest expiry among the app's secrets; `None` when it has no secret that expires.
    pub fn nearest_expiry(&self) -> Option<Timestamp> {
        self.secrets.iter().filter_map(|s| s.expiry_time).min()
    }
}

pub fn split_redirect_uris(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn join_redirect_uris(uris: &[String]) -> Option<String> {
    let joined = uris
        .iter()
        .map(|u| u.trim())
        .filter(|u| !u.is_empty())
        .collect::<Vec<_>>()
        .join(",");
    (!joined.is_empty()).then_some(joined)
}

/// A scope as create and update bodies carry it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScopeRef {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ScopeType,
}

/// Body of `POST /api/ExternalClient`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAppRequest {
    pub partition_global_id: String,
    pub name: String,
    pub is_confidential: bool,
    #[serde(default)]
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub scopes: Vec<ScopeRef>,
}

/// Body of `PUT /api/ExternalClient/{prt}/{clientId}`. The server replaces scopes and redirect
/// URIs wholesale, so this is always the whole editable state of the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateAppRequest {
    pub name: String,
    #[serde(default)]
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub scopes: Vec<ScopeRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificates: Option<Vec<serde_json::Value>>,
}

/// For tests: an update named `name` with these application scopes; an empty `uris` means no
/// redirect URI.
#[cfg(test)]
pub(crate) fn test_update(name: &str, uris: &str, scopes: &[&str]) -> UpdateAppRequest {
    UpdateAppRequest {
        name: name.into(),
        redirect_uri: (!uris.is_empty()).then(|| uris.into()),
        scopes: scopes
            .iter()
            .map(|n| ScopeRef {
                name: (*n).into(),
                kind: ScopeType::Application,
            })
            .collect(),
        client_certificates: None,
    }
}

impl UpdateAppRequest {
    /// The update that leaves `app` as it is: the starting point of every edit.
    pub fn from_app(app: &App) -> Self {
        UpdateAppRequest {
            name: app.name.clone(),
            redirect_uri: app.redirect_uri.clone(),
            scopes: app.scope_refs(),
            client_certificates: app.client_certificates.clone(),
        }
    }
}

/// Body of `POST /api/ExternalClient/GenerateSecret`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateSecretRequest {
    pub partition_global_id: String,
    pub client_id: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, with = "lenient_ts_opt")]
    pub expiry_time: Option<Timestamp>,
}

/// A successful answer of the token endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenResponse {
    #[serde(serialize_with = "expose")]
    pub access_token: SecretString,
    pub expires_in: u64,
    #[serde(default = "bearer")]
    pub token_type: String,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(
        default,
        serialize_with = "expose_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub refresh_token: Option<SecretString>,
}

fn bearer() -> String {
    "Bearer".to_owned()
}

/// The OAuth error envelope of the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

// Secret values are serialised only where the wire needs them (the simulator's answers, the
// token endpoint); `secrecy` refuses to do it implicitly, which is the point.
fn expose<S: Serializer>(v: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.expose_secret())
}

fn expose_opt<S: Serializer>(v: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(v.expose_secret()),
        None => s.serialize_none(),
    }
}

/// Timestamps as the server writes them: RFC 3339 with an offset, or (seen on some versions)
/// a civil date-time without one, which is taken as UTC.
pub mod lenient_ts {
    use jiff::{Timestamp, civil::DateTime, tz::TimeZone};
    use serde::{Deserializer, Serializer};

    pub fn parse(s: &str) -> Option<Timestamp> {
        let s = s.trim();
        if let Ok(t) = s.parse::<Timestamp>() {
            return Some(t);
        }
        s.parse::<DateTime>()
            .ok()
            .and_then(|dt| dt.to_zoned(TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    }

    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(t)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        d.deserialize_str(TimestampVisitor {
            blank_is_none: false,
        })?
        .ok_or_else(|| serde::de::Error::custom("not a timestamp: \"\""))
    }

    /// Reads the text where it lies: a list carries two timestamps per secret, and taking
    /// each as a `String` first was an allocation apiece.
    pub(super) struct TimestampVisitor {
        /// An empty text is "no timestamp" (optional fields) rather than an error.
        pub blank_is_none: bool,
    }

    impl serde::de::Visitor<'_> for TimestampVisitor {
        type Value = Option<Timestamp>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a timestamp string")
        }

        fn visit_str<E: serde::de::Error>(self, raw: &str) -> Result<Option<Timestamp>, E> {
            if self.blank_is_none && raw.trim().is_empty() {
                return Ok(None);
            }
            parse(raw)
                .map(Some)
                .ok_or_else(|| E::custom(format!("not a timestamp: {raw:?}")))
        }
    }
}

pub mod lenient_ts_opt {
    use jiff::Timestamp;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.collect_str(t),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        d.deserialize_option(OptionVisitor)
    }

    struct OptionVisitor;

    impl<'de> serde::de::Visitor<'de> for OptionVisitor {
        type Value = Option<Timestamp>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a timestamp string or null")
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Option<Timestamp>, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Option<Timestamp>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Timestamp>, D::Error> {
            d.deserialize_str(super::lenient_ts::TimestampVisitor {
                blank_is_none: true,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_type_reads_integers_and_strings_and_writes_integers() {
        for (raw, want) in [
            ("0", ScopeType::User),
            ("1", ScopeType::Application),
            ("2", ScopeType::UserAndApplication),
            ("\"user\"", ScopeType::User),
            ("\"Application\"", ScopeType::Application),
            ("\"USERANDAPPLICATION\"", ScopeType::UserAndApplication),
        ] {
            let got: ScopeType = serde_json::from_str(raw).unwrap();
            assert_eq!(got, want, "{raw}");
            assert_eq!(
                serde_json::to_string(&got).unwrap(),
                want.code().to_string()
            );
        }
        assert!(serde_json::from_str::<ScopeType>("7").is_err());
        assert!(serde_json::from_str::<ScopeType>("\"robot\"").is_err());
    }

    #[test]
    fn app_parses_nullable_fields_and_civil_timestamps() {
        let raw = r#"{"name":"a","id":"c1","secret":null,"isConfidential":true,"redirectUri":null,
            "resources":[{"name":"UiPath.Orchestrator","displayName":"Orchestrator","description":null,
              "scopes":[{"name":"OR.Jobs","displayName":"Jobs","description":"d","type":"Application"}]}],
            "secrets":[{"id":9007199254740993,"description":null,"secret":null,
              "creationTime":"2026-01-02T03:04:05","expiryTime":null}]}"#;
        let app: App = serde_json::from_str(raw).unwrap();
        assert_eq!(app.secrets[0].id, 9007199254740993);
        assert_eq!(app.secrets[0].expiry_time, None);
        assert_eq!(app.resources[0].scopes[0].kind, ScopeType::Application);
        assert_eq!(
            app.secrets[0].creation_time.to_string(),
            "2026-01-02T03:04:05Z"
        );
        assert!(app.redirect_uris().is_empty());
    }

    #[test]
    fn absent_null_and_empty_lists_all_parse_and_leave_details_unknown() {
        for raw in [
            r#"{"name":"a","id":"c1","isConfidential":true,"redirectUri":null}"#,
            r#"{"name":"a","id":"c1","isConfidential":true,"resources":null,"secrets":null}"#,
            r#"{"name":"a","id":"c1","isConfidential":true,"resources":[],"secrets":[]}"#,
            r#"{"name":"a","id":"c1","resources":[{"name":"R","scopes":null}],"secrets":null}"#,
        ] {
            let app: App = serde_json::from_str(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(app.scope_count(), 0, "{raw}");
            assert!(app.secrets.is_empty(), "{raw}");
            assert!(!app.details_known(), "parsing alone never knows: {raw}");
            assert!(!app.shows_details(), "{raw}");
        }
    }

    #[test]
    fn details_take_part_in_equality() {
        let a: App = serde_json::from_str(r#"{"name":"a","id":"c1"}"#).unwrap();
        let mut b = a.clone();
        b.details = Details::Known;
        assert_ne!(a, b);
        assert!(b.details_known());
    }

    #[test]
    fn optional_timestamps_take_null_blank_civil_and_refuse_garbage() {
        #[derive(Deserialize)]
        struct T {
            #[serde(default, with = "lenient_ts_opt")]
            t: Option<Timestamp>,
        }
        let read = |raw: &str| serde_json::from_str::<T>(raw).map(|t| t.t);
        assert_eq!(read(r#"{"t":null}"#).unwrap(), None);
        assert_eq!(read(r#"{}"#).unwrap(), None);
        assert_eq!(read(r#"{"t":"  "}"#).unwrap(), None);
        assert_eq!(
            read(r#"{"t":"2026-01-02T03:04:05"}"#).unwrap(),
            Some("2026-01-02T03:04:05Z".parse().unwrap())
        );
        let err = read(r#"{"t":"soon"}"#).unwrap_err().to_string();
        assert!(err.contains(r#"not a timestamp: "soon""#), "{err}");
        assert!(read(r#"{"t":42}"#).is_err());

        let err = serde_json::from_str::<Secret>(r#"{"id":1,"creationTime":"","expiryTime":null}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a timestamp"), "{err}");
    }

    #[test]
    fn equal_scopes_of_different_apps_share_one_copy() {
        let raw = r#"[
            {"name":"a","id":"1","resources":[{"name":"R","scopes":[
                {"name":"OR.Jobs","type":1},{"name":"OR.Robots","type":1}]}]},
            {"name":"b","id":"2","resources":[{"name":"R","scopes":[
                {"name":"OR.Jobs","type":1},{"name":"OR.Robots","type":0}]}]}]"#;
        let apps: Vec<App> = serde_json::from_str(raw).unwrap();
        let (a, b) = (&apps[0].resources[0].scopes, &apps[1].resources[0].scopes);
        assert!(Arc::ptr_eq(&a[0], &b[0]));
        assert!(!Arc::ptr_eq(&a[1], &b[1]), "same name, other type");
        assert_eq!(b[1].kind, ScopeType::User);
        // Written back as they came.
        let again: Vec<App> = serde_json::from_str(&serde_json::to_string(&apps).unwrap()).unwrap();
        assert_eq!(again, apps);
    }

    #[test]
    fn a_scope_is_shared_by_its_text_and_read_the_same_however_it_is_written() {
        let one =
            r#"{"name":"OR.Folders","displayName":"Folders","description":"d \u00e9","type":1}"#;
        let spaced = r#"{ "type": "application", "name": "OR.Folders", "displayName": "Folders", "description": "d é" }"#;
        let raw = format!(
            r#"[{{"name":"a","id":"1","resources":[{{"name":"R","scopes":[{one},{spaced}]}}]}},
               {{"name":"b","id":"2","resources":[{{"name":"R","scopes":[{one}]}}]}}]"#
        );
        let apps: Vec<App> = serde_json::from_str(&raw).unwrap();
        let (a, b) = (&apps[0].resources[0].scopes, &apps[1].resources[0].scopes);
        assert!(Arc::ptr_eq(&a[0], &b[0]), "the same text");
        assert_eq!(a[1], a[0], "another text of the same scope");
        assert!(
            Arc::ptr_eq(&a[1], &a[0]),
            "shared by value when the text differs"
        );
        assert_eq!(a[0].description.as_deref(), Some("d é"));
        // A reader that owns its text (a `Value`) gives the same.
        let value: serde_json::Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(serde_json::from_value::<Vec<App>>(value).unwrap(), apps);
    }

    #[test]
    fn scope_texts_are_remembered_while_short_and_while_the_table_has_room() {
        let remembered = |text: &str| SCOPE_TEXTS.with(|t| t.borrow().contains_key(text));
        let read = |text: &str| Scope::from_text(text).unwrap();
        let short = r#"{"name":"OR.Jobs","type":1}"#;
        read(short);
        assert!(remembered(short));
        let long = format!(r#"{{"name":"{}","type":1}}"#, "x".repeat(MAX_SCOPE_TEXT));
        assert_eq!(read(&long).name.len(), MAX_SCOPE_TEXT);
        assert!(!remembered(&long));
        let at_most = format!(
            r#"{{"name":"{}","type":1}}"#,
            "y".repeat(MAX_SCOPE_TEXT - 20)
        );
        assert_eq!(at_most.len(), MAX_SCOPE_TEXT);
        read(&at_most);
        assert!(remembered(&at_most));
        // This test's thread starts with an empty table: fill it, then one more.
        let held = SCOPE_TEXTS.with(|t| t.borrow().len());
        for i in held..MAX_SCOPE_TEXTS {
            read(&format!(r#"{{"name":"s{i}","type":0}}"#));
        }
        assert_eq!(SCOPE_TEXTS.with(|t| t.borrow().len()), MAX_SCOPE_TEXTS);
        let extra = r#"{"name":"one too many","type":0}"#;
        assert_eq!(read(extra).name, "one too many");
        assert!(!remembered(extra));
    }

    #[test]
    fn a_bad_scope_is_an_error_that_names_it_and_the_problem() {
        let err = serde_json::from_str::<Resource>(
            r#"{"name":"R","scopes":[{"name":"x","type":1},{"name":"y","type":7}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("scope 2") && err.contains("scope type 7"),
            "{err}"
        );
        let err = serde_json::from_str::<Resource>(r#"{"name":"R","scopes":{}}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("a list of scopes or null"), "{err}");
        assert!(serde_json::from_str::<Resource>(r#"{"name":"R","scopes":[1]}"#).is_err());
        let none: Resource = serde_json::from_str(r#"{"name":"R","scopes":null}"#).unwrap();
        assert!(none.scopes.is_empty());
    }

    #[test]
    fn redirect_uris_split_and_join() {
        let uris = split_redirect_uris(Some("http://localhost:1, https://x.example/cb,,"));
        assert_eq!(uris, vec!["http://localhost:1", "https://x.example/cb"]);
        assert_eq!(
            join_redirect_uris(&uris).as_deref(),
            Some("http://localhost:1,https://x.example/cb")
        );
        assert_eq!(join_redirect_uris(&[]), None);
    }

    #[test]
    fn debug_never_shows_secret_values() {
        let s = Secret {
            id: 1,
            description: None,
            secret: Some(SecretString::from("hunter2-value")),
            creation_time: Timestamp::UNIX_EPOCH,
            expiry_time: None,
        };
        assert!(!format!("{s:?}").contains("hunter2-value"));
    }
}
