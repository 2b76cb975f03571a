//! Snapshots of the token inspector on a fixed clock over the demo organization, no colour:
//! exactly what a NO_COLOR user reads.

use crate::common::tui::{now, render, screen_options, signed_in};

use extapps::api::jwt::{self, DecodedJwt, encode_parts};
use extapps::tui::flows::token::open_inspector;
use extapps::tui::msg::Msg;
use extapps::tui::{Model, update};
use serde_json::json;

/// A token issued 13 minutes ago, valid for 47 more, with fixed claims.
fn token(client: &str, scopes: &[&str]) -> DecodedJwt {
    let claims = json!({
        "client_id": client,
        "sub": client,
        "prt_id": "6f1d2c3b-4a5e-4f60-9b7a-8c9d0e1f2a3b",
        "iss": "https://cloud.uipath.com/identity_",
        "aud": "UiPath.PlatformManagement",
        "scope": scopes,
        "iat": now().as_second() - 13 * 60,
        "nbf": now().as_second() - 13 * 60,
        "exp": now().as_second() + 47 * 60,
        "jti": "4F1C8A",
    });
    let header = json!({"alg": "RS256", "kid": "D39F9CF2831D8CC1", "typ": "JWT"});
    jwt::decode(&format!("{}.c2lnbmF0dXJl", encode_parts(&header, &claims))).unwrap()
}

const ADMIN: &[&str] = &[
    "PM.OAuthApp",
    "PM.OAuthApp.Read",
    "PM.User.Read",
    "PM.Group.Read",
    "OR.Jobs",
    "openid",
];

fn inspecting(client: &str, scopes: &[&str]) -> Model {
    let mut model = signed_in(screen_options());
    open_inspector(
        &mut model,
        token(client, scopes),
        format!("session token of {client}"),
    );
    model
}

#[test]
fn inspector_120x35() {
    let mut model = inspecting("ops-cli", ADMIN);
    insta::assert_snapshot!(render(&mut model, 120, 35));
}

#[test]
fn inspector_80x24() {
    let mut model = inspecting("ops-cli", ADMIN);
    insta::assert_snapshot!(render(&mut model, 80, 24));
}

#[test]
fn permissions_of_a_read_only_token() {
    let mut model = inspecting("reader", &["PM.OAuthApp.Read"]);
    let screen = render(&mut model, 120, 35);
    assert!(screen.contains("create an app   ✗ no"), "{screen}");
    assert!(screen.contains("list apps       ✓ yes"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn permissions_of_an_admin_token() {
    let mut model = inspecting("admin", ADMIN);
    let screen = render(&mut model, 120, 35);
    assert!(!screen.contains("✗ no"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn paste_field_is_masked() {
    let mut model = inspecting("ops-cli", ADMIN);
    extapps::tui::flows::token::open_paste(&mut model);
    update(&mut model, Msg::Paste("not-a-token".to_owned()));
    update(&mut model, Msg::Key(extapps::tui::keymap::Action::Submit));
    let screen = render(&mut model, 120, 35);
    assert!(!screen.contains("not-a-token"), "{screen}");
    insta::assert_snapshot!(screen);
}
