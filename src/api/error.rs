//! One error type for everything the Identity Server can answer, with messages written for the
//! person at the keyboard. No variant ever carries a secret or a token: bodies are quoted only
//! after `redact` has had its say.

use std::time::Duration;

use reqwest::StatusCode;

/// The OAuth error codes of the token endpoint that extapps explains; anything else is kept
/// verbatim in `Other`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthCode {
    InvalidClient,
    InvalidScope,
    InvalidRequest,
    InvalidGrant,
    UnauthorizedClient,
    Other(String),
}

impl OAuthCode {
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_client" => OAuthCode::InvalidClient,
            "invalid_scope" => OAuthCode::InvalidScope,
            "invalid_request" => OAuthCode::InvalidRequest,
            "invalid_grant" => OAuthCode::InvalidGrant,
            "unauthorized_client" => OAuthCode::UnauthorizedClient,
            other => OAuthCode::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            OAuthCode::InvalidClient => "invalid_client",
            OAuthCode::InvalidScope => "invalid_scope",
            OAuthCode::InvalidRequest => "invalid_request",
            OAuthCode::InvalidGrant => "invalid_grant",
            OAuthCode::UnauthorizedClient => "unauthorized_client",
            OAuthCode::Other(s) => s,
        }
    }

    fn explain(&self) -> &'static str {
        match self {
            OAuthCode::InvalidClient => {
                "the client id is unknown, or the secret is wrong or expired"
            }
            OAuthCode::InvalidScope => {
                "a requested scope is not a registered application scope of this app, or the scope list is too long"
            }
            OAuthCode::InvalidRequest => "the token request was refused as malformed",
            OAuthCode::InvalidGrant => "the code or refresh token is invalid, used or expired",
            OAuthCode::UnauthorizedClient => {
                "this app may not use that grant: public apps sign users in and cannot get a client-credentials token"
            }
            OAuthCode::Other(_) => "the token endpoint refused the request",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("cannot reach {host}: {detail}. Check the URI setting and that the server is up.")]
    Network { host: String, detail: String },

    #[error("{what} took longer than {}s and was abandoned. The server may be overloaded; try again.", .after.as_secs())]
    Timeout { what: String, after: Duration },

    #[error("{}: {}{}", .code.as_str(), .code.explain(), .description.as_deref().map(|d| format!(" (server said: {d})")).unwrap_or_default())]
    OAuth {
        code: OAuthCode,
        description: Option<String>,
    },

    #[error("the server rejected the request: {message}")]
    BadRequest { message: String },

    #[error("not authenticated: {message}")]
    Unauthorized { message: String },

    #[error("permission denied: this token lacks {}{}", .needed.join(" or "), .message.as_deref().map(|m| format!(" (server said: {m})")).unwrap_or_default())]
    Forbidden {
        needed: Vec<String>,
        message: Option<String>,
    },

    #[error("{what} was not found (it may have been deleted)")]
    NotFound { what: String },

    #[error("conflict: {message}")]
    Conflict { message: String },

    #[error("rate limited by the server{}", .retry_after.map(|d| format!("; retry after {}s", d.as_secs())).unwrap_or_else(|| "; wait a minute and retry".to_owned()))]
    RateLimited { retry_after: Option<Duration> },

    #[error("the server failed ({status}){}", .message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Server {
        status: u16,
        message: Option<String>,
    },

    #[error(
        "the server answered {status} with something that is not the JSON expected ({problem}); it began: {snippet:?}"
    )]
    UnexpectedBody {
        status: u16,
        problem: String,
        snippet: String,
    },

    #[error(
        "the organization id (partition) is not in the token's prt_id claim; set it with UIPATH_PARTITION_ID or the profile's partition_id"
    )]
    MissingPartition,

    #[error("{0}")]
    Config(String),

    /// A 3xx: extapps follows no redirect, since a resent body could carry the secret elsewhere.
    #[error(
        "{what} at {from} redirected to {location}; extapps does not follow redirects (they could carry the secret elsewhere). Set the URI to the final address."
    )]
    Redirected {
        what: String,
        from: String,
        location: String,
    },

    /// An answer longer than extapps reads; `status` is the answer's, so a 2xx to a change
    /// means the change was probably made.
    #[error("the answer to {what} was larger than {}; extapps stopped reading", crate::bounded::size(*.limit))]
    TooLarge {
        what: String,
        limit: u64,
        status: u16,
    },

    /// The token endpoint failed or did not answer, so nothing reached the API.
    #[error("the token endpoint ({host}) {detail}")]
    TokenEndpoint { host: String, detail: String },
}

impl ApiError {
    /// Whether an idempotent request may be sent again after this error.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ApiError::Network { .. }
                | ApiError::Timeout { .. }
                | ApiError::RateLimited { .. }
                | ApiError::Server { .. }
        )
    }

    /// For a request that is not idempotent: may it have been carried out (its outcome is
    /// unknown, or it happened and only the answer is lost)? Then the user must look rather
    /// than send it again. `outcome` tells the two apart.
    pub fn outcome_unknown(&self) -> bool {
        self.outcome() != super::outcome::Outcome::NotDone
    }

    pub fn short_kind(&self) -> &'static str {
        match self {
            ApiError::Network { .. } => "network",
            ApiError::Timeout { .. } => "timeout",
            ApiError::OAuth { .. } => "oauth",
            ApiError::BadRequest { .. } => "bad_request",
            ApiError::Unauthorized { .. } => "unauthorized",
            ApiError::Forbidden { .. } => "forbidden",
            ApiError::NotFound { .. } => "not_found",
            ApiError::Conflict { .. } => "conflict",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Server { .. } => "server",
            ApiError::UnexpectedBody { .. } => "unexpected_body",
            ApiError::MissingPartition => "missing_partition",
            ApiError::Config(_) => "config",
            ApiError::Redirected { .. } => "redirected",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::TokenEndpoint { .. } => "token_endpoint",
        }
    }

    pub(crate) fn from_reqwest(e: &reqwest::Error, what: &str, timeout: Duration) -> Self {
        if e.is_timeout() && !e.is_connect() {
            return ApiError::Timeout {
                what: what.to_owned(),
                after: timeout,
            };
        }
        let host = e
            .url()
            .and_then(|u| {
                u.host_str().map(|h| match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_owned(),
                })
            })
            .unwrap_or_else(|| "the server".to_owned());
        // reqwest's Display includes the URL, which never holds a secret here (secrets travel
        // in bodies), but its source chain is what says *why*; keep only that.
        let mut detail = String::new();
        let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
        while let Some(s) = src {
            detail = s.to_string();
            src = s.source();
        }
        if detail.is_empty() {
            detail = if e.is_connect() {
                "connection failed".to_owned()
            } else if e.is_body() || e.is_decode() {
                "the connection dropped while reading the answer".to_owned()
            } else {
                "request failed".to_owned()
            };
        }
        // A connection that was never made carried no request: the one network failure after
        // which a change is known not to have happened (see `outcome`).
        if e.is_connect() {
            detail = if detail.to_ascii_lowercase().contains("refused") {
                super::outcome::REFUSED.to_owned()
            } else {
                format!("{}: {detail}", super::outcome::NOT_CONNECTED)
            };
        }
        ApiError::Network { host, detail }
    }

    /// Turns a non-success answer into an error. `needed` names the scopes the route requires,
    /// so a 403 can say which one is missing.
    pub(crate) fn from_status(
        status: StatusCode,
        body: &[u8],
        retry_after: Option<Duration>,
        what: &str,
        needed: &[&str],
    ) -> Self {
        let message = server_message(body);
        match status.as_u16() {
            400 => {
                if let Some(oauth) = oauth_error(body) {
                    return oauth;
                }
                ApiError::BadRequest {
                    message: message.unwrap_or_else(|| "no reason given".to_owned()),
                }
            }
            401 => {
                if let Some(oauth @ ApiError::OAuth { .. }) = oauth_error(body) {
                    return oauth;
                }
                ApiError::Unauthorized {
                    message: message
                        .unwrap_or_else(|| "the token is missing, expired or invalid".to_owned()),
                }
            }
            403 => ApiError::Forbidden {
                needed: needed.iter().map(|s| (*s).to_owned()).collect(),
                message,
            },
            404 => ApiError::NotFound {
                what: what.to_owned(),
            },
            409 => ApiError::Conflict {
                message: message.unwrap_or_else(|| "the resource changed".to_owned()),
            },
            429 => ApiError::RateLimited { retry_after },
            s if s >= 500 => ApiError::Server { status: s, message },
            s => ApiError::BadRequest {
                message: format!(
                    "unexpected status {s}{}",
                    message.map(|m| format!(": {m}")).unwrap_or_default()
                ),
            },
        }
    }

    pub(crate) fn unexpected_body(status: StatusCode, body: &[u8], problem: &str) -> Self {
        ApiError::UnexpectedBody {
            status: status.as_u16(),
            problem: problem.to_owned(),
            snippet: snippet(body),
        }
    }
}

/// The OAuth envelope, when the body is one.
pub(crate) fn oauth_error(body: &[u8]) -> Option<ApiError> {
    let parsed: super::model::OAuthErrorBody = serde_json::from_slice(body).ok()?;
    Some(ApiError::OAuth {
        code: OAuthCode::parse(&server_text(&parsed.error)),
        description: parsed.error_description.map(|d| server_text(&d)),
    })
}

/// What the server said, from any of the shapes it answers in: `errorMessage` (missing scopes,
/// sometimes localised), `StatusCode`/`Message` (validation), ASP.NET ProblemDetails (`title`,
/// `detail`, `errors: {field: [messages]}`), a bare string, `message` or `error_description`.
fn server_message(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            return (!text.is_empty() && text.len() < 500 && !text.starts_with('<'))
                .then(|| server_text(text));
        }
    };
    let pick = |k: &str| {
        v.get(k)
            .and_then(|m| m.as_str())
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
    };
    let msg = v
        .as_str()
        .map(str::to_owned)
        .or_else(|| pick("errorMessage"))
        .or_else(|| pick("message"))
        .or_else(|| pick("Message"))
        .or_else(|| pick("error_description"))
        .or_else(|| problem_details(&v))
        .or_else(|| pick("error"));
    msg.map(|m| server_text(&m))
}

/// Server text as a message may quote it: credentials blanked, control characters shown.
fn server_text(text: &str) -> String {
    crate::domain::sanitize(&redact(text)).into_owned()
}

/// ProblemDetails as one line: `detail` when it says something, else `title`, followed by each
/// field's messages as `field: message; field: message`.
fn problem_details(v: &serde_json::Value) -> Option<String> {
    let text = |k: &str| {
        v.get(k)
            .and_then(|m| m.as_str())
            .map(str::trim)
            .filter(|m| !m.is_empty())
    };
    let head = text("detail").or_else(|| text("title"));
    let fields: Vec<String> = v
        .get("errors")
        .and_then(|e| e.as_object())
        .map(|errors| {
            errors
                .iter()
                .flat_map(|(field, messages)| {
                    let messages: Vec<String> = match messages {
                        serde_json::Value::Array(a) => a
                            .iter()
                            .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
                            .collect(),
                        serde_json::Value::String(m) => vec![m.clone()],
                        other => vec![other.to_string()],
                    };
                    messages.into_iter().map(move |m| {
                        let field = field.trim_start_matches("$.");
                        if field.is_empty() || field == "$" {
                            m
                        } else {
                            format!("{field}: {m}")
                        }
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    match (head, fields.is_empty()) {
        (None, true) => None,
        (Some(h), true) => Some(h.to_owned()),
        (None, false) => Some(fields.join("; ")),
        (Some(h), false) => Some(format!(
            "{}: {}",
            h.trim_end_matches('.'),
            fields.join("; ")
        )),
    }
}

/// The first bytes of an unexpected body, for the error message, with anything that looks like
/// a token or secret blanked out.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(120)]);
    let mut s = server_text(&text);
    if body.len() > 120 {
        s.push('…');
    }
    s
}

/// Blanks values that could be credentials: JWT-shaped runs and the values of JSON keys named
/// like secrets. Crude on purpose: it errs towards hiding too much.
pub fn redact(text: &str) -> String {
    redact_secret_values(&redact_jwts(text))
}

/// A character a JWT (three base64url parts and their dots) may hold; `+ / =` too, for tokens
/// written in plain base64.
fn jwt_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=')
}

/// Every run of JWT characters that starts with `eyJ` (the encoding of `{"`, how every JWT
/// header begins) and is longer than 20, wherever it stands: after a space, a quote, `=`, a
/// line break or any other punctuation.
fn redact_jwts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("eyJ") {
        // Mid-word `eyJ` (`keyJ…`) is not a token; after `=` or `/` (a query or a path) it is.
        let starts_run = !rest[..pos]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let run = rest[pos..]
            .find(|c: char| !jwt_char(c))
            .unwrap_or(rest.len() - pos);
        out.push_str(&rest[..pos]);
        if starts_run && run > 20 {
            out.push_str("[redacted]");
        } else {
            out.push_str(&rest[pos..pos + run]);
        }
        rest = &rest[pos + run..];
    }
    out.push_str(rest);
    out
}

/// The string values of JSON keys named like secrets, up to their closing quote: an escaped
/// quote or backslash inside the value does not end it.
fn redact_secret_values(text: &str) -> String {
    let mut out = text.to_owned();
    for key in [
        "\"secret\"",
        "\"access_token\"",
        "\"refresh_token\"",
        "\"client_secret\"",
    ] {
        let mut from = 0;
        while let Some(pos) = out[from..].find(key) {
            let start = from + pos + key.len();
            let rest = &out[start..];
            let Some(q1) = rest.find('"') else { break };
            if !rest[..q1].trim().trim_start_matches(':').trim().is_empty() {
                from = start;
                continue;
            }
            let val_start = start + q1 + 1;
            let Some(len) = string_body_len(&out[val_start..]) else {
                out.truncate(val_start);
                out.push_str("[redacted]");
                break;
            };
            out.replace_range(val_start..val_start + len, "[redacted]");
            from = val_start + "[redacted]".len();
        }
    }
    out
}

/// The length in bytes of a JSON string's body up to its unescaped closing quote; `None` when
/// it never closes.
fn string_body_len(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_secret_values_and_jwts() {
        let s = redact(
            r#"{"secret":"abc123","name":"x","access_token": "eyJhbGciOiJIUzI1NiJ9.eyJ4Ijox"}"#,
        );
        assert!(!s.contains("abc123"));
        assert!(!s.contains("eyJhbGciOiJIUzI1NiJ9"));
        assert!(s.contains("\"name\":\"x\""));
        assert!(!redact("Bearer eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig").contains("eyJhbGci"));
    }

    #[test]
    fn messages_read_like_sentences() {
        let e = ApiError::from_status(
            StatusCode::FORBIDDEN,
            b"",
            None,
            "the app list",
            &["PM.OAuthApp", "PM.OAuthApp.Read"],
        );
        assert_eq!(
            e.to_string(),
            "permission denied: this token lacks PM.OAuthApp or PM.OAuthApp.Read"
        );
        let e = ApiError::from_status(
            StatusCode::BAD_REQUEST,
            br#"{"error":"invalid_scope"}"#,
            None,
            "token",
            &[],
        );
        assert!(matches!(
            e,
            ApiError::OAuth {
                code: OAuthCode::InvalidScope,
                ..
            }
        ));
        let e = ApiError::from_status(
            StatusCode::BAD_REQUEST,
            br#"{"message":"Not all scopes=OR.Nope are present in database"}"#,
            None,
            "create",
            &[],
        );
        assert_eq!(
            e.to_string(),
            "the server rejected the request: Not all scopes=OR.Nope are present in database"
        );
    }

    #[test]
    fn server_text_in_messages_cannot_drive_the_terminal() {
        let bodies: [&[u8]; 4] = [
            br#"{"message":"bad\u001b]52;c;aGk=\u0007 name\nforged"}"#,
            b"plain \x1b]0;pwned\x07 text",
            br#"{"error":"invalid_client","error_description":"x\u001b[2J\u202e"}"#,
            br#"{"error":"odd\u001bcode"}"#,
        ];
        let statuses = [
            StatusCode::BAD_REQUEST,
            StatusCode::UNAUTHORIZED,
            StatusCode::FORBIDDEN,
            StatusCode::CONFLICT,
            StatusCode::BAD_GATEWAY,
        ];
        for body in bodies {
            for status in statuses {
                let text = ApiError::from_status(status, body, None, "x", &[]).to_string();
                assert!(
                    !text.contains(['\u{1b}', '\u{7}', '\n', '\u{202e}']),
                    "{status}: {text:?}"
                );
            }
        }
        let e = ApiError::unexpected_body(StatusCode::OK, b"<html>\x1b]0;t\x07", "not JSON");
        let ApiError::UnexpectedBody { snippet, .. } = &e else {
            unreachable!()
        };
        assert!(!snippet.contains('\u{1b}'), "{snippet:?}");
    }

    #[test]
    fn each_error_body_shape_gives_its_message() {
        let msg = |body: &str| server_message(body.as_bytes());
        assert_eq!(
            msg(r#"{"errorMessage":"Scope(s) 'OR.Jobs' is(are) invalid. Expect to have 'PM.OAuthApp'. "}"#)
                .as_deref(),
            Some("Scope(s) 'OR.Jobs' is(are) invalid. Expect to have 'PM.OAuthApp'.")
        );
        assert_eq!(
            msg(r#"{"StatusCode":400,"StatusDescription":"Bad Request","Message":"Not all scopes=X are present in database"}"#)
                .as_deref(),
            Some("Not all scopes=X are present in database")
        );
        assert_eq!(
            msg(r#"{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"name":["The Name field is required."],"$.scopes[0].type":["Bad type.","Must be 0 or 1."]}}"#)
                .as_deref(),
            Some(
                "One or more validation errors occurred: scopes[0].type: Bad type.; scopes[0].type: Must be 0 or 1.; name: The Name field is required."
            )
        );
        assert_eq!(
            msg(r#"{"title":"Bad Request","status":400,"detail":"The partition is not valid."}"#)
                .as_deref(),
            Some("The partition is not valid.")
        );
        let e = ApiError::from_status(
            StatusCode::FORBIDDEN,
            r#"{"errorMessage":"Scope(s) 'OR.Jobs' is(are) invalid."}"#.as_bytes(),
            None,
            "the app list",
            &["PM.OAuthApp"],
        );
        assert!(
            e.to_string()
                .contains("server said: Scope(s) 'OR.Jobs' is(are) invalid."),
            "{e}"
        );
    }
}
