//! `extapps token`: the current token's claims (the token itself only with `--raw`), a pasted
//! token decoded, and `token clear`.

use std::io::{Read, Write};

use jiff::Timestamp;
use secrecy::ExposeSecret;
use serde_json::{Map, Value, json};

use crate::domain::cells;

use super::Failure;
use crate::api::IdentityClient;
use crate::api::inspect::{Expiry, TokenView, inspect};
use crate::api::jwt::{self, DecodedJwt};
use crate::api::token_cache::TokenCache;
use crate::domain::cells::pad;
use crate::domain::sanitize;

/// Prints the claims of the token extapps signs in with (fetching one if needed).
pub async fn show(
    client: &IdentityClient,
    json: bool,
    raw: bool,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let tok = client.token().await?;
    if raw {
        writeln!(out, "{}", tok.value.expose_secret())?;
        return Ok(());
    }
    let Some(decoded) = &tok.claims else {
        return Err(Failure::new(
            "the server's access token is not a JWT, so there are no claims to show; --raw prints it as it is.",
            1,
        ));
    };
    print(decoded, json, out)
}

/// Decodes a pasted token; `-` reads it from standard input.
pub fn decode(
    input: &str,
    json: bool,
    stdin: &mut impl Read,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let mut buf = String::new();
    let token = if input == "-" {
        stdin
            .take(jwt::MAX_TOKEN_LEN as u64 + 1)
            .read_to_string(&mut buf)
            .map_err(|e| Failure::new(format!("cannot read the token from stdin: {e}"), 2))?;
        buf.as_str()
    } else {
        input
    };
    // The message never quotes the input: it may be a secret pasted by mistake.
    let decoded = jwt::decode(token)
        .map_err(|e| Failure::new(format!("cannot decode the token: {e}."), 2))?;
    print(&decoded, json, out)
}

/// `token clear`: deletes every cached token and says how many.
pub fn clear(cache: Option<&TokenCache>, out: &mut impl Write) -> Result<(), Failure> {
    super::cache::report_cleared(
        "token cache",
        cache.map(|c| (c.dir(), c.clear())),
        |n| {
            let noun = if n == 1 { "token" } else { "tokens" };
            format!("Removed {n} cached {noun}")
        },
        out,
    )
}

fn print(decoded: &DecodedJwt, json: bool, out: &mut impl Write) -> Result<(), Failure> {
    let view = inspect(decoded, Timestamp::now());
    if json {
        let v = to_json(decoded, &view);
        super::output::write_json(out, &v)?;
    } else {
        write!(out, "{}", render_text(&view))?;
    }
    Ok(())
}

/// The inspector as plain text, for the terminal.
pub fn render_text(view: &TokenView) -> String {
    let mut s = format!("{}\n\nHeader\n", view.note);
    // Claim names and values come from whoever minted the token: shown, never obeyed.
    let width = view
        .header
        .iter()
        .chain(&view.claims)
        .map(|r| cells::width(&sanitize(&label_of(r))))
        .max()
        .unwrap_or(0);
    let line = |s: &mut String, r: &crate::api::inspect::Row| {
        let detail = r
            .detail
            .as_ref()
            .map(|d| format!(" ({})", sanitize(d)))
            .unwrap_or_default();
        let label = sanitize(&label_of(r)).into_owned();
        s.push_str(&format!(
            "  {}  {}{detail}\n",
            pad(&label, width),
            sanitize(&r.value)
        ));
    };
    for r in &view.header {
        line(&mut s, r);
    }
    s.push_str("\nClaims\n");
    for r in &view.claims {
        line(&mut s, r);
    }
    let count: usize = view.scopes.iter().map(|g| g.scopes.len()).sum();
    s.push_str(&format!("\nScopes ({count})\n"));
    let pw = view
        .scopes
        .iter()
        .map(|g| cells::width(&sanitize(&g.prefix)))
        .max()
        .unwrap_or(0);
    for g in &view.scopes {
        s.push_str(&format!(
            "  {}  {}\n",
            pad(&sanitize(&g.prefix), pw),
            sanitize(&g.scopes.join(", "))
        ));
    }
    s.push_str("\nWhat this token allows\n");
    let aw = view
        .permissions
        .iter()
        .map(|p| p.action.label().len())
        .max()
        .unwrap_or(0);
    for p in &view.permissions {
        let verdict = match &p.allowed {
            Ok(by) => format!("yes ({by})"),
            Err(m) => format!("no: {m}"),
        };
        s.push_str(&format!("  {:aw$}  {verdict}\n", p.action.label()));
    }
    s
}

fn label_of(r: &crate::api::inspect::Row) -> String {
    if r.label == r.name {
        r.name.clone()
    } else {
        format!("{} ({})", r.label, r.name)
    }
}

fn to_json(decoded: &DecodedJwt, view: &TokenView) -> Value {
    let scopes: Map<String, Value> = view
        .scopes
        .iter()
        .map(|g| (g.prefix.clone(), json!(g.scopes)))
        .collect();
    let allows: Map<String, Value> = view
        .permissions
        .iter()
        .map(|p| {
            let v = match &p.allowed {
                Ok(by) => json!({"allowed": true, "by": by}),
                Err(m) => json!({"allowed": false, "reason": m.to_string(), "needs": m.needs}),
            };
            (p.action.key().to_owned(), v)
        })
        .collect();
    let expires_in = match view.expiry {
        Expiry::Valid { seconds_left } => json!(seconds_left),
        Expiry::Expired { seconds_ago } => json!(-seconds_ago),
        Expiry::Unknown => Value::Null,
    };
    json!({
        "signature_verified": false,
        "header": decoded.header,
        "claims": decoded.claims,
        "scopes_by_prefix": scopes,
        "expires_in_seconds": expires_in,
        "allows": allows,
    })
}

/// `extapps token`: clear and decode need no server; showing the token connects.
pub async fn run(cli: &super::args::Cli, args: &super::args::TokenArgs) -> Result<(), Failure> {
    use super::args::{TokenArgs, TokenCommand};
    let mut shown = super::output::stdout();
    let out = &mut shown;
    let result = match args {
        TokenArgs {
            action: Some(TokenCommand::Clear),
            ..
        } => clear(
            TokenCache::default_location(|k| std::env::var(k).ok()).as_ref(),
            out,
        ),
        TokenArgs {
            decode: Some(token),
            json,
            ..
        } => decode(token, *json, &mut std::io::stdin().lock(), out),
        TokenArgs { json, raw, .. } => {
            let conn = super::connect::connect(cli).await?;
            show(&conn.client, *json, *raw, out).await
        }
    };
    shown.finish(result)
}
