//! The sign-in defaults the CLI, the TUI and the simulator agree on, so that none of them
//! imports another for a constant.

/// The registered redirect UiPath's own CLI uses; extapps defaults to it.
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost:12700";

/// The demo app a login uses: the public "UiPath CLI (uipathcli)" app of the demo organization,
/// with its registered loopback redirect and its user scopes.
pub const DEMO_LOGIN_CLIENT_ID: &str = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
/// The demo app's registered redirect: the one uipathcli registers.
pub const DEMO_LOGIN_REDIRECT_URI: &str = DEFAULT_REDIRECT_URI;
