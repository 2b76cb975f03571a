//! Precedence: flags, then UIPATH_* variables, then the selected profile, then defaults.

use std::path::{Path, PathBuf};
use std::time::Duration;

use extapps::config::{ConfigFiles, Flags, Origin, Theme, explain, resolve, resolve_profile};
use secrecy::ExposeSecret;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Both fixture files, and variables from `pairs` (nothing from the real environment).
fn setup(pairs: &[(&str, &str)]) -> (ConfigFiles, impl Fn(&str) -> Option<String> + use<>) {
    let mut vars: Vec<(String, String)> = vec![
        (
            "EXTAPPS_CONFIG".into(),
            fixture("extapps.toml").display().to_string(),
        ),
        (
            "UIPATH_CONFIGURATION_PATH".into(),
            fixture("uipathcli-config.yaml").display().to_string(),
        ),
        ("ACME_PROD_SECRET".into(), "prod-secret-from-env".into()),
    ];
    vars.extend(pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())));
    let env = move |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let files = ConfigFiles::load(None, &env).unwrap();
    (files, env)
}

#[test]
fn the_default_profile_applies_when_nothing_is_named() {
    let (files, env) = setup(&[]);
    let r = resolve(&Flags::default(), &env, &files).unwrap();
    let s = &r.settings;
    assert_eq!(s.profile.as_deref(), Some("prod"));
    assert_eq!(s.source, "profile prod");
    assert_eq!(s.organization, "acme");
    assert!(s.read_only);
    assert_eq!(s.theme, Theme::Dark);
    assert_eq!(s.auto_refresh, Some(Duration::from_secs(300)));
    assert_eq!(
        s.login.redirect_uri.as_deref(),
        Some("http://localhost:12700")
    );
    assert_eq!(s.client_secret.expose_secret(), "prod-secret-from-env");
    assert_eq!(
        r.origin("organization"),
        Some(&Origin::Profile("prod".into()))
    );
    assert_eq!(r.origin("partition_id"), Some(&Origin::Default));
}

#[test]
fn env_beats_profile_and_flags_beat_env() {
    let (files, env) = setup(&[
        ("UIPATH_ORGANIZATION", "env-org"),
        ("UIPATH_URI", "https://alpha.uipath.com"),
        ("UIPATH_CLIENT_ID", "env-client"),
        ("UIPATH_CLIENT_SECRET", "env-secret"),
        ("UIPATH_AUTH_SCOPES", "PM.OAuthApp.Read"),
        ("UIPATH_TENANT", "ignored"),
    ]);
    let flags = Flags {
        organization: Some("flag-org".into()),
        ..Flags::default()
    };
    let r = resolve(&flags, &env, &files).unwrap();
    let s = &r.settings;
    assert_eq!(s.organization, "flag-org");
    assert_eq!(
        r.origin("organization"),
        Some(&Origin::Flag("--organization"))
    );
    assert_eq!(s.uri, "https://alpha.uipath.com");
    assert_eq!(r.origin("uri"), Some(&Origin::Env("UIPATH_URI".into())));
    assert_eq!(s.client_id, "env-client");
    assert_eq!(s.client_secret.expose_secret(), "env-secret");
    assert_eq!(s.scopes, ["PM.OAuthApp.Read"]);
    // The profile still fills what neither flags nor variables set.
    assert_eq!(s.theme, Theme::Dark);
    assert_eq!(r.origin("theme"), Some(&Origin::Profile("prod".into())));
}

#[test]
fn profile_flag_beats_uipath_profile_which_beats_the_default() {
    let (files, env) = setup(&[("UIPATH_PROFILE", "test")]);
    let r = resolve(&Flags::default(), &env, &files).unwrap();
    assert_eq!(r.settings.profile.as_deref(), Some("test"));
    assert_eq!(r.settings.uri, "https://staging.uipath.com");
    assert_eq!(
        r.settings.partition_id.as_deref(),
        Some("0c9e7b2a-1d3f-4e5a-8b6c-7d8e9f0a1b2c")
    );
    let flags = Flags {
        profile: Some("suite".into()),
        ..Flags::default()
    };
    let r = resolve(&flags, &env, &files).unwrap();
    assert_eq!(r.settings.profile.as_deref(), Some("suite"));
    assert!(r.settings.insecure);
    assert_eq!(r.settings.uri, "https://suite.lab.example");
}

#[test]
fn defaults_fill_the_rest() {
    let (files, env) = setup(&[]);
    let flags = Flags {
        profile: Some("uipathcli:prod".into()),
        ..Flags::default()
    };
    let r = resolve(&flags, &env, &files).unwrap();
    let s = &r.settings;
    assert_eq!(s.uri, "https://cloud.uipath.com");
    assert_eq!(r.origin("uri"), Some(&Origin::Default));
    assert!(!s.read_only && !s.insecure);
    assert_eq!(s.theme, Theme::Auto);
    // On by default, every five minutes.
    assert_eq!(s.auto_refresh, Some(Duration::from_secs(300)));
    assert!(s.scopes.is_empty());
    assert_eq!(s.organization, "other-org");
    assert_eq!(s.client_secret.expose_secret(), "shadowed-secret");
}

#[test]
fn read_only_flag_adds_but_never_removes_the_restriction() {
    let (files, env) = setup(&[]);
    let flags = Flags {
        profile: Some("test".into()),
        read_only: true,
        ..Flags::default()
    };
    assert!(resolve(&flags, &env, &files).unwrap().settings.read_only);
    // prod is read_only in the file; no flag turns that off.
    assert!(
        resolve(&Flags::default(), &env, &files)
            .unwrap()
            .settings
            .read_only
    );
}

#[test]
fn insecure_from_flag_env_or_profile() {
    let (files, env) = setup(&[("UIPATH_INSECURE", "false")]);
    let suite = Flags {
        profile: Some("suite".into()),
        ..Flags::default()
    };
    assert!(!resolve(&suite, &env, &files).unwrap().settings.insecure);
    let with_flag = Flags {
        insecure: true,
        ..suite.clone()
    };
    assert!(resolve(&with_flag, &env, &files).unwrap().settings.insecure);
    let (files, env) = setup(&[("UIPATH_INSECURE", "maybe")]);
    let err = resolve(&suite, &env, &files).unwrap_err().to_string();
    assert!(err.contains("UIPATH_INSECURE=maybe"), "{err}");
}

#[test]
fn uipathcli_profiles_work_as_they_are() {
    let (files, env) = setup(&[]);
    let flags = Flags {
        profile: Some("automationsuite".into()),
        ..Flags::default()
    };
    let s = resolve(&flags, &env, &files).unwrap().settings;
    assert_eq!(s.organization, "test");
    assert!(s.insecure);
    let cfg = s.client_config().unwrap();
    assert_eq!(
        cfg.endpoints.token_url(),
        "https://sfdev1234567-cluster.infra-sf-ea.infra.uipath-dev.com/identity_/connect/token"
    );
    assert_eq!(cfg.credentials.client_id, "suite-cli");
}

#[test]
fn switching_profile_ignores_uipath_variables() {
    let (files, env) = setup(&[("UIPATH_ORGANIZATION", "env-org")]);
    let r = resolve_profile("test", &env, &files).unwrap();
    assert_eq!(r.settings.organization, "acme-test");
    assert_eq!(r.settings.profile.as_deref(), Some("test"));
    // The profile's own client_secret_env is still read from the environment.
    let r = resolve_profile("prod", &env, &files).unwrap();
    assert_eq!(
        r.settings.client_secret.expose_secret(),
        "prod-secret-from-env"
    );
}

#[test]
fn missing_settings_name_what_to_set() {
    let env = |_: &str| None::<String>;
    let err = resolve(&Flags::default(), &env, &ConfigFiles::default())
        .unwrap_err()
        .to_string();
    for needle in [
        "UIPATH_ORGANIZATION or --organization",
        "UIPATH_CLIENT_ID or --client-id",
        "client_secret_env / client_secret_command",
        "extapps config init",
        "--demo",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    // A profile that lacks something says which profile, and where it lives.
    let (files, env) = setup(&[]);
    let flags = Flags {
        profile: Some("apikey".into()),
        ..Flags::default()
    };
    let err = resolve(&flags, &env, &files).unwrap_err().to_string();
    assert!(err.contains("Profile `apikey` (uipathcli config "), "{err}");
}

#[test]
fn explain_never_runs_the_secret_command() {
    let (files, env) = setup(&[]);
    let flags = Flags {
        profile: Some("test".into()),
        ..Flags::default()
    };
    let r = explain(&flags, &env, &files).unwrap();
    assert_eq!(r.settings.client_secret.expose_secret(), "");
    assert_eq!(
        r.secret_source.unwrap().describe(),
        r#"command `printf "from-command\n"`"#
    );
}

#[test]
fn auto_refresh_off_in_the_profile_and_the_flag_over_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("extapps.toml");
    std::fs::write(
        &path,
        "default_profile = \"p\"\n[profiles.p]\norganization = \"acme\"\nclient_id = \"c\"\n\
         client_secret_env = \"S\"\nauto_refresh = \"off\"\n",
    )
    .unwrap();
    let config = path.display().to_string();
    let env = move |k: &str| match k {
        "EXTAPPS_CONFIG" => Some(config.clone()),
        "S" => Some("shh".to_owned()),
        _ => None,
    };
    let files = ConfigFiles::load(None, &env).unwrap();
    let r = resolve(&Flags::default(), &env, &files).unwrap();
    assert_eq!(r.settings.auto_refresh, None, "off");
    assert_eq!(r.origin("auto_refresh"), Some(&Origin::Profile("p".into())));
    let flags = Flags {
        auto_refresh: Some(extapps::config::parse_auto_refresh("2m").unwrap()),
        ..Flags::default()
    };
    let r = resolve(&flags, &env, &files).unwrap();
    assert_eq!(r.settings.auto_refresh, Some(Duration::from_secs(120)));
    assert_eq!(
        r.origin("auto_refresh"),
        Some(&Origin::Flag("--auto-refresh"))
    );
    let flags = Flags {
        auto_refresh: Some(extapps::config::parse_auto_refresh("OFF").unwrap()),
        ..Flags::default()
    };
    assert_eq!(
        resolve(&flags, &env, &files).unwrap().settings.auto_refresh,
        None
    );
    // Zero is not a way to write off, and a typo is a clear error.
    assert!(
        extapps::config::parse_auto_refresh("0s")
            .unwrap_err()
            .contains("\"off\"")
    );
    assert!(
        extapps::config::parse_auto_refresh("5 mins")
            .unwrap_err()
            .contains("\"off\"")
    );
}
