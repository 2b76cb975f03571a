//! Command-line arguments (clap derive). With no subcommand, extapps opens the TUI.

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "extapps",
    version,
    about = "Manage UiPath external applications (OAuth clients) from the terminal",
    long_about = "Manage UiPath external applications (OAuth clients) from the terminal.\n\n\
        With no subcommand, extapps opens the TUI on the configured organization. \
        Connection settings come from UIPATH_URI, UIPATH_ORGANIZATION, UIPATH_CLIENT_ID, \
        UIPATH_CLIENT_SECRET, UIPATH_AUTH_SCOPES and UIPATH_IDENTITY_URI. \
        Try it without an account: extapps --demo"
)]
pub struct Cli {
    /// Run against a built-in Identity simulator with a demo organization.
    #[arg(long, global = true)]
    pub demo: bool,

    /// Never change anything: editing keys and commands are refused.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Write the log here instead of the default log file.
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<std::path::PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Identity simulator in the foreground until Ctrl-C.
    Sim(SimArgs),
    /// List and inspect external applications.
    #[command(subcommand)]
    Apps(AppsCommand),
    /// Show the current access token's claims and what it allows, decode a pasted token, or
    /// clear the token cache.
    Token(TokenArgs),
    /// Sign in as a user (Authorization Code with PKCE) and keep the tokens for renewal.
    Login(LoginArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub action: Option<TokenCommand>,
    /// Print the decoded header, claims and permissions as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print the access token itself instead of its claims.
    #[arg(long, conflicts_with_all = ["json", "decode"])]
    pub raw: bool,
    /// Decode this token instead of the current one; `-` reads it from standard input.
    #[arg(long, value_name = "TOKEN|-")]
    pub decode: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Delete every cached token (after changing an app's scopes, for instance).
    Clear,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The app to sign in with (default: UIPATH_CLIENT_ID).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// A loopback redirect URI registered on the app (default: UIPATH_AUTH_REDIRECT_URI, else
    /// http://localhost:12700); port 0 takes any free port.
    #[arg(long, value_name = "URI")]
    pub redirect_uri: Option<String>,
    /// A user scope to ask for; repeatable (default: UIPATH_AUTH_SCOPES).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Do not try to open a browser; print the URL only.
    #[arg(long)]
    pub no_browser: bool,
    /// Give up waiting for the browser after this many seconds.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Add this many generated apps to the demo organization (scale tests).
    #[arg(long, default_value_t = 0)]
    pub apps: usize,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    pub token_lifetime: u64,
}

#[derive(Debug, Subcommand)]
pub enum AppsCommand {
    /// List every external application of the organization.
    List {
        /// Print JSON (an array in the API's shape) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one application: its scopes, redirect URIs and secrets.
    Show {
        /// The app's client id.
        id: String,
        /// Print JSON (an object in the API's shape).
        #[arg(long)]
        json: bool,
    },
    /// Create an app. A confidential app's first secret is printed once, to stdout.
    Create {
        /// The app's name (names need not be unique).
        #[arg(long)]
        name: String,
        /// A public app (user scopes only, needs a redirect URI) instead of a confidential one.
        #[arg(long)]
        public: bool,
        /// A redirect URI; repeat for several.
        #[arg(long = "redirect-uri", value_name = "URI")]
        redirect_uris: Vec<String>,
        /// A scope, as NAME, NAME:user or NAME:app; repeat for several.
        #[arg(long = "scope", value_name = "SCOPE")]
        scopes: Vec<String>,
        /// Print the created app as JSON (including its first secret).
        #[arg(long)]
        json: bool,
    },
    /// Change an app: the app is read fresh, changed, and written back whole.
    Update {
        /// The app's client id.
        id: String,
        /// A new name.
        #[arg(long)]
        name: Option<String>,
        /// Add a scope (NAME, NAME:user or NAME:app); repeatable.
        #[arg(long = "add-scope", value_name = "SCOPE")]
        add_scopes: Vec<String>,
        /// Remove a scope by name; repeatable.
        #[arg(long = "remove-scope", value_name = "NAME")]
        remove_scopes: Vec<String>,
        /// Replace the redirect URIs with these; repeatable.
        #[arg(long = "redirect-uri", value_name = "URI")]
        redirect_uris: Option<Vec<String>>,
        /// Add a redirect URI; repeatable.
        #[arg(long = "add-redirect-uri", value_name = "URI")]
        add_redirect_uris: Vec<String>,
        /// Remove a redirect URI; repeatable.
        #[arg(long = "remove-redirect-uri", value_name = "URI")]
        remove_redirect_uris: Vec<String>,
        /// Print the updated app as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete an app, after writing its definition (never its secrets) to a backup file.
    Delete {
        /// The app's client id.
        id: String,
        /// Do not ask; required when standard input is not a terminal.
        #[arg(long)]
        yes: bool,
    },
    /// Re-create an app from a backup file written by delete; prints the new client id.
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
        /// Print the created app as JSON (including its first secret).
        #[arg(long)]
        json: bool,
    },
}
