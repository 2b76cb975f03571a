//! Property-based fuzzing (proptest, stable toolchain) of everything that reads outside input:
//! JWTs, API response bodies, error bodies, config files in both formats, durations. Where a
//! writer exists the property is a round trip (format then parse gives the value back: wire
//! types, durations, the profile `config init` writes); `redact` must remove every
//! secret-shaped substring; elsewhere any input gives a value or an explained error, never a
//! panic, and an error message never repeats a secret it was given.
//!
//! CI runs the default case count; `PROPTEST_CASES=100000 cargo test --test fuzz_props` runs
//! longer (see SECURITY.md).

use std::path::Path;
use std::sync::Arc;

use extapps::api::jwt;
use extapps::api::model::{App, Details, Resource, Scope, ScopeType, Secret, TokenResponse};
use extapps::config::default_file::NewProfile;
use extapps::config::secret::SecretSource;
use extapps::config::{file, uipathcli};
use extapps::domain::duration::{self, Style, format};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use secrecy::{ExposeSecret, SecretString};

/// Any text a server may send, including quotes, backslashes, control and non-ASCII characters.
fn text() -> impl Strategy<Value = String> {
    prop_oneof!["\\PC{0,16}", ".{0,16}", "[\"\\\\a\n\t\u{1b}é😀]{0,6}"]
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    // Whole seconds and nanoseconds across the years 1970..9999.
    (
        0i64..253_402_300_799,
        prop_oneof![Just(0i32), 0i32..1_000_000_000],
    )
        .prop_map(|(s, n)| Timestamp::new(s, n).unwrap())
}

fn scope_type() -> impl Strategy<Value = ScopeType> {
    prop_oneof![
        Just(ScopeType::User),
        Just(ScopeType::Application),
        Just(ScopeType::UserAndApplication),
    ]
}

fn scope() -> impl Strategy<Value = Scope> {
    (
        text(),
        proptest::option::of(text()),
        proptest::option::of(text()),
        scope_type(),
    )
        .prop_map(|(name, display, description, kind)| Scope {
            name: name.as_str().into(),
            display_name: display.as_deref().map(Into::into),
            description: description.as_deref().map(Into::into),
            kind,
        })
}

fn secret() -> impl Strategy<Value = Secret> {
    (
        any::<i64>(),
        proptest::option::of(text()),
        proptest::option::of(text()),
        timestamp(),
        proptest::option::of(timestamp()),
    )
        .prop_map(
            |(id, description, value, creation_time, expiry_time)| Secret {
                id,
                description,
                secret: value.map(SecretString::from),
                creation_time,
                expiry_time,
            },
        )
}

fn app() -> impl Strategy<Value = App> {
    let resource = (
        text(),
        proptest::option::of(text()),
        prop::collection::vec(scope(), 0..3),
    )
        .prop_map(|(name, display, scopes)| Resource {
            name: name.as_str().into(),
            display_name: display.as_deref().map(Into::into),
            description: None,
            scopes: scopes.into_iter().map(Arc::new).collect(),
        });
    (
        (text(), text(), proptest::option::of(text()), any::<bool>()),
        proptest::option::of(text()),
        prop::collection::vec(resource, 0..3),
        prop::collection::vec(secret(), 0..3),
        // Opaque to the client and passed on as they came. Floats are left out: serde_json
        // without `float_roundtrip` may change a float's last digit, which is not ours to test.
        proptest::option::of(prop::collection::vec(
            prop::collection::btree_map("[a-z]{1,6}", text(), 0..3).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k, v.into())).collect())
            }),
            0..2,
        )),
    )
        .prop_map(
            |((name, id, value, is_confidential), redirect_uri, resources, secrets, certs)| App {
                name,
                id,
                secret: value.map(SecretString::from),
                is_confidential,
                redirect_uri,
                resources,
                secrets,
                client_certificates: certs,
                details: Details::Known,
            },
        )
}

fn exposed(s: &Option<SecretString>) -> Option<&str> {
    s.as_ref().map(|s| s.expose_secret())
}

/// `App`'s and `Secret`'s equality leaves secret values out on purpose; a round trip must
/// keep them too.
fn assert_secret_values_kept(a: &Secret, b: &Secret) -> Result<(), TestCaseError> {
    prop_assert_eq!(exposed(&a.secret), exposed(&b.secret));
    Ok(())
}

/// A JWT-shaped word: three base64url parts, the first starting like every JSON header does.
fn jwt_shaped() -> impl Strategy<Value = String> {
    "eyJ[A-Za-z0-9_-]{18,40}\\.[A-Za-z0-9_-]{4,40}\\.[A-Za-z0-9_-]{0,40}"
}

/// A secret value that cannot occur in the text around it by chance (the filler has no `Q`).
fn secret_value() -> impl Strategy<Value = String> {
    "Q[A-Za-z0-9+/=_.~-]{11,30}"
}

/// Text that may surround a secret: words, punctuation, other JSON, line breaks.
fn filler() -> impl Strategy<Value = String> {
    "[a-pR-Z0-9 :,{}\\[\\]\"=\n\t]{0,24}"
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        ".{0,20}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("2026-01-02T03:04:05Z"),
            Just("2026-01-02T03:04:05"),
            Just("user"),
            Just("Application"),
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("name".to_owned()),
                    Just("id".to_owned()),
                    Just("secret".to_owned()),
                    Just("isConfidential".to_owned()),
                    Just("redirectUri".to_owned()),
                    Just("resources".to_owned()),
                    Just("secrets".to_owned()),
                    Just("scopes".to_owned()),
                    Just("type".to_owned()),
                    Just("creationTime".to_owned()),
                    Just("expiryTime".to_owned()),
                    "[a-z]{1,8}",
                ],
                inner,
                0..8,
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn jwt_decoding_never_panics(s in ".{0,400}") {
        // Nothing to compare with for arbitrary text; a decoded token at least has a header
        // and claims that are JSON objects.
        if let Ok(d) = jwt::decode(&s) {
            prop_assert!(s.contains('.'), "decoded a token without parts: {s:?} -> {d:?}");
        }
    }

    #[test]
    fn jwt_decoding_of_dotted_base64ish_input(parts in prop::collection::vec("[A-Za-z0-9_=+/-]{0,60}", 0..5)) {
        let token = parts.join(".");
        match jwt::decode(&token) {
            // Only three parts make a JWT; the readers of a decoded one never panic.
            Ok(d) => {
                prop_assert_eq!(parts.len(), 3);
                let _ = (d.scopes(), d.exp(), d.partition_id());
            }
            Err(e) if parts.len() != 3 => prop_assert!(matches!(e, jwt::JwtError::NotAJwt), "{e:?}"),
            Err(e) => prop_assert!(!matches!(e, jwt::JwtError::NotAJwt), "three parts called not a JWT: {e:?}"),
        }
    }

    #[test]
    fn jwt_claims_of_any_shape_are_read_safely(claims in json_value()) {
        let token = format!("{}.sig", jwt::encode_parts(&serde_json::json!({"alg": "HS256"}), &claims));
        // What went in comes out: the claims as JSON reads them, when they are an object.
        let expected = serde_json::from_slice::<serde_json::Value>(&serde_json::to_vec(&claims).unwrap()).unwrap();
        match (jwt::decode(&token), expected) {
            (Ok(d), serde_json::Value::Object(map)) => {
                prop_assert_eq!(&d.claims, &map);
                prop_assert_eq!(d.header.get("alg"), Some(&serde_json::json!("HS256")));
                let _ = (d.scopes(), d.exp(), d.partition_id(), d.client_id());
            }
            (Ok(d), other) => prop_assert!(false, "claims {other} decoded as {:?}", d.claims),
            (Err(e), serde_json::Value::Object(_)) => prop_assert!(false, "an object's claims refused: {e}"),
            (Err(_), _) => {}
        }
    }

    #[test]
    fn api_bodies_parse_or_fail_cleanly(v in json_value()) {
        let body = serde_json::to_vec(&v).unwrap();
        // Whatever parses is a fixed point: written out and read again it is the same value,
        // so nothing read from a server is changed by passing through extapps.
        if let Ok(apps) = serde_json::from_slice::<Vec<App>>(&body) {
            let again: Vec<App> = serde_json::from_slice(&serde_json::to_vec(&apps).unwrap()).unwrap();
            prop_assert_eq!(&again, &apps);
            prop_assert!(apps.iter().all(|a| a.details == Details::Unknown));
        }
        if let Ok(app) = serde_json::from_slice::<App>(&body) {
            let again: App = serde_json::from_slice(&serde_json::to_vec(&app).unwrap()).unwrap();
            prop_assert_eq!(&again, &app);
            prop_assert_eq!(exposed(&again.secret), exposed(&app.secret));
        }
        if let Ok(secret) = serde_json::from_slice::<Secret>(&body) {
            let again: Secret = serde_json::from_slice(&serde_json::to_vec(&secret).unwrap()).unwrap();
            prop_assert_eq!(&again, &secret);
            assert_secret_values_kept(&again, &secret)?;
        }
        if let Ok(resources) = serde_json::from_slice::<Vec<Resource>>(&body) {
            let again: Vec<Resource> = serde_json::from_slice(&serde_json::to_vec(&resources).unwrap()).unwrap();
            prop_assert_eq!(&again, &resources);
        }
        if let Ok(token) = serde_json::from_slice::<TokenResponse>(&body) {
            let again: TokenResponse = serde_json::from_slice(&serde_json::to_vec(&token).unwrap()).unwrap();
            prop_assert_eq!(again.access_token.expose_secret(), token.access_token.expose_secret());
            prop_assert_eq!(again.expires_in, token.expires_in);
            prop_assert_eq!(&again.token_type, &token.token_type);
            prop_assert_eq!(&again.scope, &token.scope);
        }
    }

    #[test]
    fn raw_bytes_as_api_bodies(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = serde_json::from_slice::<Vec<App>>(&bytes);
        // Text with nothing secret-shaped in it passes redaction unchanged.
        let text = String::from_utf8_lossy(&bytes);
        let out = extapps::api::error::redact(&text);
        if !text.contains("eyJ") && !text.contains('"') {
            prop_assert_eq!(out.as_str(), text.as_ref());
        }
    }

    #[test]
    fn extapps_config_files_parse_or_explain(text in "(\\[profiles\\.[a-z]{1,5}\\]\n|[a-z_]{1,14} = (\"[^\"\n]{0,12}\"|[0-9]{1,4}|true|\\[\\])\n|#.*\n|.{0,20}\n){0,8}") {
        match file::parse(Path::new("/tmp/fuzz.toml"), &text, false) {
            Ok(_) => {}
            Err(e) => prop_assert!(e.to_string().contains("/tmp/fuzz.toml"), "{}", e),
        }
    }

    #[test]
    fn uipathcli_files_parse_or_explain(text in "(profiles:\n|- name: [a-z]{1,6}\n|  [a-zA-Z]{1,12}: [^\n]{0,16}\n|    [a-zA-Z]{1,12}: [^\n]{0,16}\n|.{0,20}\n){0,8}") {
        // No round trip: extapps never writes this file (it is UiPath's CLI's). A refusal
        // names the file, as every config error does.
        if let Err(e) = uipathcli::parse(Path::new("/tmp/config"), &text, false) {
            prop_assert!(e.to_string().contains("/tmp/config"), "{}", e);
        }
    }

    #[test]
    fn secrets_in_config_errors_are_not_echoed(secret in "[A-Za-z0-9]{16,24}") {
        let text = format!("[profiles.p]\nclient_secret = \"{secret}\"\nclient_secret = \"{secret}\"\n");
        if let Err(e) = file::parse(Path::new("/tmp/c.toml"), &text, false) {
            prop_assert!(!e.to_string().contains(&secret), "{}", e);
        }
    }

    #[test]
    fn durations_parse_or_fail(s in ".{0,12}") {
        match duration::parse(&s) {
            Ok(d) => prop_assert!(d >= SignedDuration::ZERO && d <= duration::MAX, "{s:?} -> {d:?}"),
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }

    #[test]
    fn durations_round_trip(secs in 0i64..=duration::MAX.as_secs()) {
        let d = SignedDuration::from_secs(secs);
        let text = format(d.as_secs(), Style::Exact);
        prop_assert_eq!(duration::parse(&text), Ok(d), "formatted as {}", text);
    }

    #[test]
    fn durations_typed_with_a_unit_round_trip(n in 0i64..40_000, unit in "(s|m|min|h|d|w|mo|y)") {
        let typed = format!("{n}{unit}");
        if let Ok(d) = duration::parse(&typed) {
            let again = duration::parse(&format(d.as_secs(), Style::Exact));
            prop_assert_eq!(again, Ok(d), "{}", typed);
        }
    }

    #[test]
    fn scopes_round_trip(s in scope()) {
        let json = serde_json::to_string(&s).unwrap();
        let back: Scope = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, s);
    }

    #[test]
    fn secrets_round_trip(s in secret()) {
        let json = serde_json::to_string(&s).unwrap();
        let back: Secret = serde_json::from_str(&json).unwrap();
        assert_secret_values_kept(&back, &s)?;
        prop_assert_eq!(back, s);
    }

    #[test]
    fn apps_round_trip(a in app()) {
        let json = serde_json::to_string(&a).unwrap();
        let mut back: App = serde_json::from_str(&json).unwrap();
        // Not on the wire: the reader says whether details are known.
        prop_assert_eq!(back.details, Details::Unknown);
        back.details = Details::Known;
        prop_assert_eq!(exposed(&back.secret), exposed(&a.secret));
        for (b, s) in back.secrets.iter().zip(&a.secrets) {
            assert_secret_values_kept(b, s)?;
        }
        prop_assert_eq!(&back, &a);
        // A list of them too, as the list endpoint sends it.
        let list = serde_json::to_vec(&vec![a.clone(), a.clone()]).unwrap();
        let back: Vec<App> = serde_json::from_slice(&list).unwrap();
        prop_assert_eq!(back.len(), 2);
        prop_assert_eq!(back[1].name.as_str(), a.name.as_str());
    }

    #[test]
    fn a_written_profile_reads_back_the_same(
        name in "[A-Za-z0-9_-]{1,12}|\\PC{1,12}",
        uri in text(),
        organization in text(),
        client_id in text(),
        source in prop_oneof![
            Just((None, None)),
            text().prop_map(|v| (Some(v), None)),
            text().prop_map(|c| (None, Some(c))),
        ],
    ) {
        let written = NewProfile {
            name: name.clone(),
            uri: uri.clone(),
            organization: organization.clone(),
            client_id: client_id.clone(),
            secret_env: source.0.clone(),
            secret_command: source.1.clone(),
        }
        .to_toml();
        let read = file::parse(Path::new("/tmp/written.toml"), &written, false)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{written}")))?;
        prop_assert_eq!(read.profiles.len(), 1);
        let p = &read.profiles[0];
        prop_assert_eq!(&p.name, &name);
        prop_assert_eq!(p.uri.as_deref(), Some(uri.as_str()));
        prop_assert_eq!(p.organization.as_deref(), Some(organization.as_str()));
        prop_assert_eq!(p.client_id.as_deref(), Some(client_id.as_str()));
        match (&p.secret, source) {
            (None, (None, None)) => {}
            (Some(SecretSource::Env(v)), (Some(w), None)) => prop_assert_eq!(v, &w),
            (Some(SecretSource::Command(c)), (None, Some(w))) => prop_assert_eq!(c, &w),
            (_, other) => prop_assert!(false, "secret source not read back as {other:?}\n{written}"),
        }
    }

    #[test]
    fn redaction_removes_jwt_shaped_words(
        before in filler(),
        token in jwt_shaped(),
        after in filler(),
        sep in "[ \n\t\"',=:;(){}\\[\\]]",
    ) {
        let text = format!("{before}{sep}{token}{sep}{after}");
        let out = extapps::api::error::redact(&text);
        prop_assert!(!out.contains(&token[..20]), "{text:?} -> {out:?}");
        // What comes before is kept (after a `=` the run may go on into what follows: too
        // much hidden rather than too little).
        prop_assert!(out.starts_with(&format!("{before}{sep}")), "{out:?}");
    }

    #[test]
    fn redaction_removes_secret_values_in_json(
        key in prop_oneof![Just("secret"), Just("access_token"), Just("refresh_token"), Just("client_secret")],
        value in secret_value(),
        other in "[a-p]{1,8}",
        pretty in any::<bool>(),
        prefix in filler(),
    ) {
        let body = serde_json::json!({ "name": other, key: value, "id": 7 });
        let json = if pretty {
            serde_json::to_string_pretty(&body).unwrap()
        } else {
            serde_json::to_string(&body).unwrap()
        };
        let text = format!("{prefix} {json}");
        let out = extapps::api::error::redact(&text);
        prop_assert!(!out.contains(&value[..8]), "{text:?} -> {out:?}");
        prop_assert!(out.contains(&other), "{out:?}");
    }

    #[test]
    fn redaction_removes_escaped_and_nested_secret_values(
        key in prop_oneof![Just("secret"), Just("access_token"), Just("refresh_token"), Just("client_secret")],
        head in "Q[A-Za-z0-9]{8,12}",
        tail in "Q[A-Za-z0-9]{8,12}",
        mid in "[\"\\\\\n/]",
        nest in any::<bool>(),
    ) {
        // A value holding a quote or backslash is escaped on the wire; the part after the
        // escape is as secret as the part before it.
        let value = format!("{head}{mid}{tail}");
        let body = if nest {
            serde_json::json!({ "error": { "detail": [ { key: value } ] } })
        } else {
            serde_json::json!({ key: value })
        };
        let text = serde_json::to_string(&body).unwrap();
        let out = extapps::api::error::redact(&text);
        prop_assert!(!out.contains(&head), "{text:?} -> {out:?}");
        prop_assert!(!out.contains(&tail), "{text:?} -> {out:?}");
    }
}
