//! Both config formats: extapps' TOML and uipathcli's YAML, and every config error message.

use std::path::{Path, PathBuf};

use extapps::config::{ConfigFiles, ProfileSource, Theme, file, uipathcli};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn env_with<'a>(pairs: &'a [(&'a str, String)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
}

#[test]
fn extapps_file_reads_every_key() {
    let f = file::load(&fixture("extapps.toml")).unwrap();
    assert_eq!(f.default_profile.as_deref(), Some("prod"));
    let names: Vec<_> = f.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["prod", "suite", "test"]);
    let prod = &f.profiles[0];
    assert_eq!(prod.organization.as_deref(), Some("acme"));
    assert_eq!(prod.read_only, Some(true));
    assert_eq!(prod.theme, Some(Theme::Dark));
    assert_eq!(prod.auto_refresh.unwrap().as_secs(), 300);
    assert_eq!(
        prod.scopes.as_deref(),
        Some(&["PM.OAuthApp".to_owned()][..])
    );
    assert_eq!(
        prod.login_redirect_uri.as_deref(),
        Some("http://localhost:12700")
    );
    assert_eq!(
        prod.login_scopes.clone().unwrap(),
        ["openid", "profile", "offline_access"]
    );
    assert_eq!(
        format!("{:?}", prod.secret.as_ref().unwrap()),
        "environment variable ACME_PROD_SECRET"
    );
    let test = &f.profiles[2];
    // Scopes written as one string are split like UIPATH_AUTH_SCOPES.
    assert_eq!(
        test.scopes.clone().unwrap(),
        ["PM.OAuthApp.Read", "PM.OAuthAppSecret.Write"]
    );
    assert_eq!(
        test.partition_id.as_deref(),
        Some("0c9e7b2a-1d3f-4e5a-8b6c-7d8e9f0a1b2c")
    );
}

#[test]
fn default_config_is_a_valid_file() {
    let f = file::parse(
        Path::new("default.toml"),
        extapps::config::default_file::DEFAULT_CONFIG,
        false,
    )
    .unwrap();
    assert_eq!(f.default_profile.as_deref(), Some("prod"));
    assert_eq!(f.profiles[0].theme, Some(Theme::Auto));
}

#[test]
fn real_looking_uipathcli_config_is_offered() {
    let f = uipathcli::load(&fixture("uipathcli-config.yaml")).unwrap();
    let names: Vec<_> = f.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["default", "apikey", "alpha", "automationsuite", "prod"]
    );
    let default = &f.profiles[0];
    assert_eq!(default.organization.as_deref(), Some("acmeprod"));
    assert_eq!(
        default.client_id.as_deref(),
        Some("3f0b5e2c-9a1d-4c8e-b7f6-2d4a6c8e0b1f")
    );
    // The secret is there but never printed.
    let dbg = format!("{default:?}");
    assert!(!dbg.contains("Yh7#kQ2"), "{dbg}");
    assert!(dbg.contains("inline in"), "{dbg}");
    // A login profile: scopes go to the login, with its redirect URI.
    let alpha = &f.profiles[2];
    assert_eq!(alpha.uri.as_deref(), Some("https://alpha.uipath.com"));
    assert_eq!(
        alpha.login_redirect_uri.as_deref(),
        Some("http://localhost:12700")
    );
    assert_eq!(
        alpha.login_scopes.clone().unwrap(),
        ["OR.Users", "OR.Robots", "offline_access"]
    );
    assert!(alpha.scopes.is_none() && alpha.secret.is_none());
    // Automation Suite: insecure, and auth.uri is the identity server.
    let suite = &f.profiles[3];
    assert_eq!(suite.insecure, Some(true));
    assert_eq!(suite.scopes.clone().unwrap(), ["PM.OAuthApp"]);
    assert_eq!(
        suite.identity_uri.as_deref(),
        Some("https://sfdev1234567-cluster.infra-sf-ea.infra.uipath-dev.com/identity_")
    );
    assert!(matches!(suite.source, ProfileSource::Uipathcli(_)));
}

#[test]
fn empty_uipathcli_config_has_no_profiles() {
    let f = uipathcli::parse(Path::new("c"), "\n", false).unwrap();
    assert!(f.profiles.is_empty());
}

#[test]
fn profiles_are_listed_with_their_source() {
    let vars = [
        (
            "EXTAPPS_CONFIG",
            fixture("extapps.toml").display().to_string(),
        ),
        (
            "UIPATH_CONFIGURATION_PATH",
            fixture("uipathcli-config.yaml").display().to_string(),
        ),
    ];
    let files = ConfigFiles::load(None, &env_with(&vars)).unwrap();
    assert!(files.warnings.is_empty(), "{:?}", files.warnings);
    let list = files.profiles();
    let rows: Vec<_> = list
        .iter()
        .map(|p| {
            (
                p.selector.as_str(),
                p.source.is_uipathcli(),
                p.read_only,
                p.is_default,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("prod", false, true, true),
            ("suite", false, false, false),
            ("test", false, false, false),
            ("default", true, false, false),
            ("apikey", true, false, false),
            ("alpha", true, false, false),
            ("automationsuite", true, false, false),
            // Hidden by the extapps profile of the same name, still reachable.
            ("uipathcli:prod", true, false, false),
        ]
    );
    assert_eq!(
        files.find("uipathcli:prod").unwrap().client_id.as_deref(),
        Some("shadowed")
    );
    assert_eq!(
        files.find("prod").unwrap().client_id.as_deref(),
        Some("8d5a6c1e-0f1b-4c7e-9a43-5b2d1c0e9f11")
    );
    assert!(list[0].source.to_string().starts_with("extapps config "));
}

#[test]
fn unknown_profile_suggests_the_closest() {
    // /dev/null: an empty uipathcli file, so that the machine's own ~/.uipath/config stays out.
    let vars = [("UIPATH_CONFIGURATION_PATH", "/dev/null".to_owned())];
    let files = ConfigFiles::load(Some(&fixture("extapps.toml")), &env_with(&vars)).unwrap();
    let err = files.get("prdo").unwrap_err().to_string();
    assert!(err.contains("no profile `prdo`"), "{err}");
    assert!(err.contains("Did you mean `prod`?"), "{err}");
    let err = files.get("zzzzzz").unwrap_err().to_string();
    assert!(err.contains("Known profiles: prod, suite, test"), "{err}");
}

#[test]
fn a_named_config_file_must_exist() {
    let missing = fixture("nope.toml");
    let err = ConfigFiles::load(Some(&missing), &|_| None::<String>)
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope.toml: no such file"), "{err}");
    assert!(err.contains("extapps config init"), "{err}");
}

#[test]
fn a_broken_uipathcli_config_is_a_warning_with_its_location() {
    let vars = [
        (
            "EXTAPPS_CONFIG",
            fixture("extapps.toml").display().to_string(),
        ),
        (
            "UIPATH_CONFIGURATION_PATH",
            fixture("uipathcli-broken.yaml").display().to_string(),
        ),
    ];
    let files = ConfigFiles::load(None, &env_with(&vars)).unwrap();
    assert!(files.uipathcli.is_none());
    assert_eq!(files.warnings.len(), 1);
    let w = &files.warnings[0];
    assert!(w.contains("uipathcli-broken.yaml:4:10: "), "{w}");
    assert!(w.contains("mapping values are not allowed"), "{w}");
}

fn error_of(name: &str) -> String {
    let err = file::load(&fixture(name)).unwrap_err().to_string();
    let prefix = format!("{}:", fixture(name).display());
    assert!(err.starts_with(&prefix), "{err}");
    err[prefix.len()..].to_owned()
}

#[test]
fn every_config_error_names_file_line_column_and_problem() {
    assert_eq!(
        error_of("unknown-key.toml"),
        "3:1: unknown key `organisation`; did you mean `organization`?"
    );
    assert_eq!(
        error_of("bad-theme.toml"),
        "2:9: unknown value `drak`; did you mean `dark`?"
    );
    assert_eq!(
        error_of("bad-duration.toml"),
        "3:16: `minutes` in `5 minutes` is not a unit; use s, m, h, d, w, mo or y; \
         auto_refresh takes a duration like 5m or 30s, or \"off\""
    );
    assert_eq!(
        error_of("two-secrets.toml"),
        "1:1: profile `prod` sets `client_secret_env` and `client_secret_command`; keep only one source for the client secret"
    );
    assert_eq!(
        error_of("bad-default.toml"),
        "1:19: default_profile names `prd`, which is not a profile here; did you mean `prod`?"
    );
    assert_eq!(
        error_of("bad-syntax.toml"),
        "2:21: invalid basic string, expected `\"`"
    );
    assert_eq!(
        error_of("wrong-type.toml"),
        "2:13: `read_only` should be a boolean, not a string"
    );
}

#[test]
fn unknown_top_level_key_lists_known_keys_when_nothing_is_close() {
    let err = file::parse(Path::new("x.toml"), "colour = 1\n", false)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "x.toml:1:1: unknown key `colour`; known keys: `default_profile`, `profiles`"
    );
}

#[test]
fn inline_secret_is_never_in_messages() {
    let err = file::parse(
        Path::new("x.toml"),
        "[profiles.a]\nclient_secret = \"hunter2\"\nclient_secret_env = \"X\"\n",
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(!err.contains("hunter2"), "{err}");
}
