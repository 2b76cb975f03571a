//! Property-based fuzzing (proptest, stable toolchain) of everything that reads outside input:
//! JWTs, API response bodies, error bodies, config files in both formats, durations. The
//! property is always the same: any input gives a value or an error, never a panic, and an
//! error message never repeats a secret it was given.
//!
//! CI runs the default case count; `PROPTEST_CASES=100000 cargo test --test fuzz_props` runs
//! longer (see SECURITY.md).

use std::path::Path;

use extapps::api::jwt;
use extapps::api::model::{App, Resource, Secret, TokenResponse};
use extapps::config::{duration, file, uipathcli};
use proptest::prelude::*;

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
        let _ = jwt::decode(&s);
    }

    #[test]
    fn jwt_decoding_of_dotted_base64ish_input(parts in prop::collection::vec("[A-Za-z0-9_=+/-]{0,60}", 0..5)) {
        let token = parts.join(".");
        if let Ok(d) = jwt::decode(&token) {
            let _ = (d.scopes(), d.exp(), d.partition_id());
        }
    }

    #[test]
    fn jwt_claims_of_any_shape_are_read_safely(claims in json_value()) {
        let token = format!("{}.sig", jwt::encode_parts(&serde_json::json!({"alg": "HS256"}), &claims));
        if let Ok(d) = jwt::decode(&token) {
            let _ = (d.scopes(), d.exp(), d.partition_id(), d.client_id());
        }
    }

    #[test]
    fn api_bodies_parse_or_fail_cleanly(v in json_value()) {
        let body = serde_json::to_vec(&v).unwrap();
        let _ = serde_json::from_slice::<Vec<App>>(&body);
        let _ = serde_json::from_slice::<App>(&body);
        let _ = serde_json::from_slice::<Secret>(&body);
        let _ = serde_json::from_slice::<Vec<Resource>>(&body);
        let _ = serde_json::from_slice::<TokenResponse>(&body);
    }

    #[test]
    fn raw_bytes_as_api_bodies(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = serde_json::from_slice::<Vec<App>>(&bytes);
        let _ = extapps::api::error::redact(&String::from_utf8_lossy(&bytes));
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
        let _ = uipathcli::parse(Path::new("/tmp/config"), &text, false);
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
        let _ = duration::parse(&s);
    }
}
