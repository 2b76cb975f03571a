//! Command-line arguments (clap derive). With no subcommand, extapps opens the TUI.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::cli::secrets::Format;

/// The heading the options shared by every command go under, after each command's own.
pub const CONNECTION_HEADING: &str = "Connection options";
const GLOBAL_HEADING: &str = "Global options";

#[derive(Debug, Parser)]
#[command(
    name = "extapps",
    version,
    about = "Manage UiPath external applications (OAuth clients) from the terminal",
    long_about = "Manage UiPath external applications (OAuth clients) from the terminal.\n\n\
        With no subcommand, extapps opens the TUI on the configured organization. \
        Settings come from flags, then the UIPATH_* environment variables UiPath's CLI uses \
        (UIPATH_URI, UIPATH_ORGANIZATION, UIPATH_CLIENT_ID, UIPATH_CLIENT_SECRET, \
        UIPATH_AUTH_SCOPES, UIPATH_IDENTITY_URI, UIPATH_PROFILE, ...), then a profile in the \
        extapps config file or in ~/.uipath/config, then defaults. \
        Try it without an account: extapps --demo"
)]
pub struct Cli {
    /// Run against a built-in Identity simulator with a demo organization.
    #[arg(long, global = true, help_heading = CONNECTION_HEADING)]
    pub demo: bool,

    /// Never change the organization: editing keys and commands that write to it are refused
    /// (local files such as the token and details caches and the config file are yours).
    #[arg(long, global = true, help_heading = CONNECTION_HEADING)]
    pub read_only: bool,

    /// Write the log here instead of the default log file.
    #[arg(long, global = true, value_name = "FILE", help_heading = GLOBAL_HEADING)]
    pub log_file: Option<PathBuf>,

    /// Give up on a request (or its answer) after this many seconds (default 30). A change
    /// whose answer does not arrive in time has an unknown outcome (exit status 5).
    #[arg(long, global = true, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..), help_heading = CONNECTION_HEADING)]
    pub timeout: Option<u64>,

    /// Reload the app list in the TUI this often (default 5m; `off` turns it off). Overrides
    /// the profile's auto_refresh.
    #[arg(long, global = true, value_name = "DURATION|off", value_parser = crate::config::parse_auto_refresh, help_heading = CONNECTION_HEADING)]
    pub auto_refresh: Option<jiff::SignedDuration>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Print an annotated example config file and exit.
    #[arg(long)]
    pub print_default_config: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Which organization to manage. The client secret is not a flag on purpose: it would be
/// saved in shell history and visible in `ps`.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = CONNECTION_HEADING)]
pub struct ConnectionArgs {
    /// Use this profile (env: UIPATH_PROFILE).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Read profiles from this file (env: EXTAPPS_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Cloud, Automation Suite or Orchestrator host (env: UIPATH_URI).
    #[arg(long, global = true, value_name = "URL")]
    pub uri: Option<String>,

    /// Organization name or GUID (env: UIPATH_ORGANIZATION).
    #[arg(long, visible_alias = "org", global = true, value_name = "ORG")]
    pub organization: Option<String>,

    /// Client id of the app extapps signs in as (env: UIPATH_CLIENT_ID).
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,

    /// Where /connect/token lives when not {uri}/identity_ (env: UIPATH_IDENTITY_URI).
    #[arg(long, global = true, value_name = "URL")]
    pub identity_uri: Option<String>,

    /// Organization GUID, for tokens without a prt_id claim (env: UIPATH_PARTITION_ID).
    #[arg(long, global = true, value_name = "GUID")]
    pub partition_id: Option<String>,

    /// Accept self-signed TLS certificates (env: UIPATH_INSECURE).
    #[arg(long, global = true)]
    pub insecure: bool,
}

impl Cli {
    /// The connection flags as the configuration resolver takes them.
    pub fn config_flags(&self) -> crate::config::Flags {
        let c = &self.connection;
        crate::config::Flags {
            profile: c.profile.clone(),
            uri: c.uri.clone(),
            organization: c.organization.clone(),
            client_id: c.client_id.clone(),
            identity_uri: c.identity_uri.clone(),
            partition_id: c.partition_id.clone(),
            config: c.config.clone(),
            insecure: c.insecure,
            read_only: self.read_only,
            auto_refresh: self.auto_refresh,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Identity simulator in the foreground until Ctrl-C.
    Sim(SimArgs),
    /// List and inspect external applications.
    #[command(subcommand)]
    Apps(AppsCommand),
    /// Secrets across the organization, for monitoring.
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Profiles and the config file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script (e.g. `extapps completions bash > ~/.local/share/bash-completion/completions/extapps`).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff) on stdout (`extapps man | man -l -`).
    Man,
    /// Show the current access token's claims and what it allows, decode a pasted token, or
    /// clear the token cache.
    Token(TokenArgs),
    /// Sign in as a user (Authorization Code with PKCE) and keep the tokens for renewal.
    Login(LoginArgs),
    /// The apps' details kept between runs (scopes, secret ids and dates; never a value).
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Write every app's definition (name, kind, redirect URIs, scopes; never a secret) to a
    /// file that `extapps plan` and `extapps apply` read.
    #[command(after_help = EXPORT_HELP)]
    Export(ExportArgs),
    /// Compare a definition file with the organization and print what apply would do.
    #[command(after_help = PLAN_HELP)]
    Plan(PlanArgs),
    /// Make the organization match a definition file: shows the plan, asks, then makes one
    /// change at a time.
    #[command(after_help = APPLY_HELP)]
    Apply(ApplyArgs),
}

const EXPORT_HELP: &str = "Apps are sorted by name, so that two exports of an unchanged \
    organization differ only in the header's time (set SOURCE_DATE_EPOCH to fix it too) and \
    a change reads well in git. Each app carries its clientId: applied to the same organization, \
    apps match by id (a rename stays a rename); applied to another, they match by name.\n\n\
    Promote from one organization to another:\n  \
    extapps --profile dev export | extapps --profile prod apply -f - --yes\n\n\
    Exit status: 0 written; 1 failed; 2 usage; 6 some app could not be read (nothing written).";

const PLAN_HELP: &str = "The file is checked first (unknown scopes, a public app with \
    application scopes or without a redirect URI, malformed URIs, a name given twice), every \
    mistake with its line and column, before anything is asked of the server but the catalog \
    and the apps.\n\n\
    Exit status (as terraform plan -detailed-exitcode): 0 nothing would change; 2 something \
    would change (2 is also a usage error: a usage error prints no plan); 1 the file has \
    mistakes or the organization could not be read; 6 some app could not be read.";

const APPLY_HELP: &str = "Every app changed or deleted is backed up first (EXTAPPS_BACKUP_DIR, \
    else the data directory; restore with extapps apps restore FILE). A created confidential \
    app's first secret is printed once to stdout, or with --secrets-to DIR written to a file \
    of its own (mode 0600); never into the definition file. On the first failure apply stops \
    and says what was done, what failed and what was not tried.\n\n\
    Exit status: 0 done (or nothing to do); 1 a change failed or the file has mistakes; 2 \
    usage (a refusal without --yes included); 5 the outcome of a change is UNKNOWN: its \
    answer was lost, nothing was sent again; look with extapps plan -f FILE before applying \
    again; 6 some app could not be read (nothing changed).";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FileFormat {
    #[default]
    Yaml,
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = FileFormat::Yaml)]
    pub format: FileFormat,
    /// Add each app's secret ids and expiry dates (never a value), for the record.
    #[arg(long)]
    pub with_secrets_metadata: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The definition file (YAML or JSON); `-` reads standard input.
    #[arg(short = 'f', long = "file", value_name = "FILE|-")]
    pub file: PathBuf,
    /// Also delete the organization's apps the file does not name (never the app extapps
    /// signs in as).
    #[arg(long)]
    pub prune: bool,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The definition file (YAML or JSON); `-` reads standard input (then --yes is needed).
    #[arg(short = 'f', long = "file", value_name = "FILE|-")]
    pub file: PathBuf,
    /// Also delete the organization's apps the file does not name (never the app extapps
    /// signs in as).
    #[arg(long)]
    pub prune: bool,
    /// Do not ask; required when standard input is not a terminal.
    #[arg(long)]
    pub yes: bool,
    /// Write each created app's first secret to a file of its own in this directory (mode
    /// 0600) instead of printing it.
    #[arg(long, value_name = "DIR")]
    pub secrets_to: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Forget every organization's cached app details; the next run reads them again.
    Clear,
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
    /// Keep each write invisible to reads (list and get) for this many milliseconds, as the
    /// live server does.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub read_lag_ms: u64,
    /// What the app list carries: `summary` (name, id, kind, redirect URI; scopes and secrets
    /// null, as the live server answers) or `full` (every app whole).
    #[arg(long, value_enum, default_value_t = crate::sim::ListShape::Summary)]
    pub list_shape: crate::sim::ListShape,
    /// How the app list's body is sent: `streamed` (written as it is serialised, in pieces) or
    /// `buffered` (serialised whole, then sent with its length).
    #[arg(long, value_enum, default_value_t = crate::sim::ListDelivery::Streamed)]
    pub list_delivery: crate::sim::ListDelivery,
    /// Serve this many organizations: demo-org, then demo-org-2, ... each with its own
    /// partition id, admin app (demo-admin-N, secret demo-admin-N-secret) and --apps
    /// generated apps; the first one alone has the demo apps.
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=100))]
    pub orgs: u16,
    /// This app's own read answers 500 (repeatable): to watch extapps report what it could
    /// not read.
    #[arg(long = "fail-detail-read", value_name = "CLIENT_ID")]
    pub fail_detail_reads: Vec<String>,
    #[command(flatten)]
    pub faults: FaultArgs,
}

/// Failures the simulator injects into API answers, to see how extapps copes.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Fault injection")]
pub struct FaultArgs {
    /// Delay every API answer by this many milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,
    /// Share (0 to 1) of API requests answered 500, 502 or 503.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub error_rate: f64,
    /// Answer every API request 429 with this Retry-After, in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub storm: Option<u64>,
    /// Share of API requests whose connection drops before the server acts.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub drop_rate: f64,
    /// Share of API requests carried out whose answer is then lost.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub drop_after_rate: f64,
    /// Share of answers cut off halfway.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub truncate_rate: f64,
    /// Share of answers replaced by malformed JSON.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    pub malformed_rate: f64,
    /// Hold every answer's body back this many milliseconds.
    #[arg(long, value_name = "MS")]
    pub slow_body_ms: Option<u64>,
    /// The token endpoint answers 503.
    #[arg(long)]
    pub token_down: bool,
    /// Apply the API faults only to requests that change something; reads answer normally.
    #[arg(long)]
    pub faults_on_writes_only: bool,
    /// Seed of the fault draws, to replay a run.
    #[arg(long, default_value_t = 0)]
    pub fault_seed: u64,
}

impl FaultArgs {
    pub fn to_faults(&self) -> crate::sim::Faults {
        use std::time::Duration;
        crate::sim::Faults {
            latency: Duration::from_millis(self.latency_ms),
            storm_retry_after: self.storm,
            storm_as_date: false,
            error_rate: self.error_rate,
            drop_before_rate: self.drop_rate,
            drop_after_rate: self.drop_after_rate,
            truncate_rate: self.truncate_rate,
            malformed_rate: self.malformed_rate,
            slow_body: self.slow_body_ms.map(Duration::from_millis),
            token_down: self.token_down,
            writes_only: self.faults_on_writes_only,
            seed: self.fault_seed,
        }
    }
}

/// The exit statuses of every command that changes something.
const CHANGE_EXIT: &str = "Exit status: 0 done (deleting what is already gone included); 1 failed; \
    2 usage error; 5 the outcome is UNKNOWN: the request was sent and its answer was lost, so it \
    may or may not have happened. Nothing is sent twice: look with the command the message names \
    (extapps apps show ID, or extapps apps list for a create) before running it again.";

#[derive(Debug, Subcommand)]
pub enum AppsCommand {
    /// List every external application of the organization.
    List {
        /// Print JSON (an array in the API's shape) instead of a table.
        #[arg(long)]
        json: bool,
        /// Every configured profile at once, with a PROFILE column; a profile that fails is
        /// named on stderr and the exit status is 6 (incomplete).
        #[arg(long)]
        all_profiles: bool,
    },
    /// Show one application: its scopes, redirect URIs and secrets.
    Show {
        /// The app's client id, or its exact name.
        id: String,
        /// Print JSON (an object in the API's shape).
        #[arg(long)]
        json: bool,
    },
    /// Create an app. A confidential app's first secret is printed once, to stdout.
    #[command(after_help = CHANGE_EXIT)]
    Create {
        /// The app's name. Names need not be unique; one already taken is warned about on stderr.
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
    #[command(
        long_about = "Change an app: the app is read fresh, changed, and written back whole. \
        The app is then read back (a few times: the server shows writes after a lag) and \
        compared with what was intended: when another edit at the same time overwrote this one, \
        the changes that are not on the server are named and the exit status is 1.",
        after_help = CHANGE_EXIT
    )]
    Update {
        /// The app's client id, or its exact name.
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
    #[command(after_help = CHANGE_EXIT)]
    Delete {
        /// The app's client id, or its exact name.
        id: String,
        /// Do not ask; required when standard input is not a terminal.
        #[arg(long)]
        yes: bool,
    },
    /// Re-create an app from a backup file written by delete; prints the new client id.
    #[command(after_help = CHANGE_EXIT)]
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
        /// Print the created app as JSON (including its first secret).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// List every secret of every app, soonest expiry first.
    #[command(
        long_about = "List every secret of every app, expired first, then by expiry date, \
        never-expiring last.\n\n\
        Exit status: 0 when nothing matches; 3 when some secret expires within \
        --expiring-within; 4 when some secret has already expired (4 wins over 3); 6 when \
        some app's details could not be read, so the list is incomplete (6 wins over all: \
        the rows read are printed and the apps not read are named on stderr). \
        Without --expiring-within every secret is listed and only expired secrets change the \
        exit status (4). A one-line summary goes to stderr when the status is not 0, so cron \
        mails it.\n\n\
        The server's app list carries no secrets, so each app is read on its own: from the \
        details cache when it was read less than --max-age ago, else from the server, paced \
        within --read-budget."
    )]
    List {
        /// Only secrets expiring within this window (30m, 48h, 7d, 2w, 1y), plus expired ones.
        #[arg(long, value_name = "DURATION", value_parser = crate::domain::duration::parse)]
        expiring_within: Option<jiff::SignedDuration>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Use an app's cached details when read less than this long ago (0s: always read).
        #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = crate::domain::duration::parse)]
        max_age: jiff::SignedDuration,
        /// At most this many reads per time window (the server allows 300 GETs per 5 minutes
        /// per organization).
        #[arg(long, value_name = "COUNT/DURATION", default_value = "250/5m", value_parser = crate::api::pacer::Budget::parse)]
        read_budget: crate::api::pacer::Budget,
        /// Every configured profile at once, concurrently (each within its own organization's
        /// read budget), in one list with a PROFILE column. A profile that fails is named on
        /// stderr, its rows missing, and the exit status is 6 (incomplete); else the worst of
        /// 0, 3 and 4 over all profiles.
        #[arg(long)]
        all_profiles: bool,
    },
    /// Mint a new secret for an app; its value is printed once, to stdout.
    #[command(after_help = CHANGE_EXIT)]
    Create {
        /// The app's client id, or its exact name.
        app: String,
        #[command(flatten)]
        new: NewSecretArgs,
        /// Print the new secret (with its value) as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete one secret (asks first; refuses on a non-terminal without --yes).
    #[command(after_help = CHANGE_EXIT)]
    Delete {
        /// The secret's id (see `extapps secrets list`).
        secret_id: i64,
        /// Do not ask; required when standard input is not a terminal.
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Rotate: mint a new secret (printed once), verify it with a token request, and with
    /// --delete-old delete the secrets that existed before.
    #[command(after_help = CHANGE_EXIT)]
    Rotate {
        /// The app's client id, or its exact name.
        app: String,
        #[command(flatten)]
        new: NewSecretArgs,
        /// After a successful check, delete every older secret (asks first, or --yes).
        #[arg(long)]
        delete_old: bool,
        /// Do not ask; required with --delete-old when standard input is not a terminal.
        #[arg(long)]
        yes: bool,
        /// Print one JSON report (new secret with its value, check, deleted, kept).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args, Default)]
pub struct NewSecretArgs {
    /// Description (default: "created by extapps on DATE").
    #[arg(long)]
    pub description: Option<String>,
    /// Lifetime: 30d, 90d, 180d, 365d, 1y... (default 90d).
    #[arg(long, value_name = "DURATION", value_parser = crate::domain::duration::parse, conflicts_with_all = ["expires", "never_expires"])]
    pub expires_in: Option<jiff::SignedDuration>,
    /// Expire at the end of this day, UTC (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", conflicts_with = "never_expires")]
    pub expires: Option<jiff::civil::Date>,
    /// Never expire. Not recommended: a leaked secret then stays valid.
    #[arg(long)]
    pub never_expires: bool,
}

impl NewSecretArgs {
    pub fn expiry(&self) -> crate::cli::secret_ops::ExpiryFlags {
        crate::cli::secret_ops::ExpiryFlags {
            expires_in: self.expires_in,
            expires: self.expires,
            never_expires: self.never_expires,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a new profile to the config file, asking on a terminal, then test it.
    Init(InitArgs),
    /// Show the resolved settings and where each value comes from (secret masked).
    Show,
    /// List every profile and the file it comes from.
    Profiles,
}

#[derive(Debug, Args, Default)]
pub struct InitArgs {
    /// Name of the new profile.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Read the client secret from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "secret_command")]
    pub secret_env: Option<String>,
    /// Read the client secret from this command's stdout (a password manager).
    #[arg(long, value_name = "COMMAND")]
    pub secret_command: Option<String>,
    /// Do not ask the token endpoint whether the profile works.
    #[arg(long)]
    pub no_test: bool,
}
