//! `config init`: the questions, the refusal without a terminal, and the file it writes.

use std::io::Cursor;
use std::os::unix::fs::PermissionsExt;

use extapps::cli::args::InitArgs;
use extapps::cli::config_cmd::{gather, write_profile};
use extapps::config::{Flags, file};

#[test]
fn asks_for_what_flags_left_out() {
    let flags = Flags {
        organization: Some("acme".into()),
        ..Flags::default()
    };
    let answers = "prod\n\nmy-client\nbogus\ncmd\npass show uipath/prod\n";
    let mut prompts = Vec::new();
    let p = gather(
        &flags,
        &InitArgs::default(),
        true,
        &mut Cursor::new(answers),
        &mut prompts,
    )
    .unwrap();
    assert_eq!(p.name, "prod");
    assert_eq!(p.uri, "https://cloud.uipath.com");
    assert_eq!(p.organization, "acme");
    assert_eq!(p.client_id, "my-client");
    assert_eq!(p.secret_command.as_deref(), Some("pass show uipath/prod"));
    let prompts = String::from_utf8(prompts).unwrap();
    assert!(prompts.contains("Host (Automation Cloud"), "{prompts}");
    assert!(
        !prompts.contains("Organization"),
        "given by flag: {prompts}"
    );
}

#[test]
fn without_a_terminal_everything_must_come_from_flags() {
    let err = gather(
        &Flags::default(),
        &InitArgs::default(),
        false,
        &mut Cursor::new(""),
        &mut Vec::new(),
    )
    .unwrap_err();
    assert_eq!(err.code, 2);
    assert!(err.message.contains("--secret-env VAR"), "{}", err.message);
    let flags = Flags {
        organization: Some("acme".into()),
        client_id: Some("c".into()),
        ..Flags::default()
    };
    let args = InitArgs {
        secret_env: Some("S".into()),
        ..InitArgs::default()
    };
    let p = gather(&flags, &args, false, &mut Cursor::new(""), &mut Vec::new()).unwrap();
    assert_eq!(
        (p.name.as_str(), p.secret_env.as_deref()),
        ("default", Some("S"))
    );
}

#[test]
fn writes_a_private_file_appends_and_refuses_a_taken_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/config.toml");
    let mut p = extapps::config::default_file::NewProfile {
        name: "prod".into(),
        uri: "https://cloud.uipath.com".into(),
        organization: "acme".into(),
        client_id: "c".into(),
        secret_env: Some("S".into()),
        secret_command: None,
    };
    write_profile(&path, &p).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    p.name = "test \"quoted\"".into();
    p.secret_env = None;
    p.secret_command = Some("pass show 'x'".into());
    write_profile(&path, &p).unwrap();
    let f = file::load(&path).unwrap();
    let names: Vec<_> = f.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["prod", "test \"quoted\""]);
    let err = write_profile(&path, &p).unwrap_err();
    assert!(
        err.message.contains("already has a profile"),
        "{}",
        err.message
    );
}
