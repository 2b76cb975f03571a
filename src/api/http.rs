//! The one way extapps builds an HTTP client and reads an answer: redirects are never followed
//! and no answer is read past a size limit.
//!
//! A followed 307/308 resends the body, and the token request's body holds the client secret:
//! a server (or anyone who can answer in its name) could send it to any host, in clear text.
//! An endless body would grow the process until the machine gives out.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::LOCATION;

use super::error::ApiError;

/// The largest API answer extapps reads. A list of 20,000 apps is about 120 MB.
pub const MAX_ANSWER: u64 = 256 * 1024 * 1024;

/// The largest token endpoint answer extapps reads; real ones are a few kilobytes.
pub const MAX_TOKEN_ANSWER: u64 = 1024 * 1024;

/// An HTTP client with extapps' settings: no redirects, the user agent, the timeouts, and
/// certificate checks unless `insecure`.
pub fn client(timeout: Duration, insecure: bool) -> Result<reqwest::Client, ApiError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .danger_accept_invalid_certs(insecure)
        .user_agent(concat!("extapps/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ApiError::Config(format!("cannot set up HTTP: {e}")))
}

/// The error for a 3xx answer, naming where the server pointed; `None` for any other status.
pub fn redirected(resp: &reqwest::Response, what: &str) -> Option<ApiError> {
    if !resp.status().is_redirection() {
        return None;
    }
    let location = resp
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|loc| resp.url().join(loc.trim()).ok())
        .map(|u| shown_url(&u))
        .unwrap_or_else(|| "an address it did not give".to_owned());
    Some(ApiError::Redirected {
        what: what.to_owned(),
        from: shown_url(resp.url()),
        location,
    })
}

/// A URL fit for a message: without user:password@, query or fragment (either may carry a
/// credential).
pub fn shown_url(url: &url::Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// The body, read in chunks and abandoned as soon as it passes `limit` bytes (or at once when
/// its Content-Length says it will).
pub async fn read_limited(
    mut resp: reqwest::Response,
    limit: u64,
    what: &str,
    timeout: Duration,
) -> Result<(StatusCode, bytes::Bytes), ApiError> {
    let status = resp.status();
    let too_large = || ApiError::TooLarge {
        what: what.to_owned(),
        limit,
        status: status.as_u16(),
    };
    if resp.content_length().is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| ApiError::from_reqwest(&e, what, timeout))?
    {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, body.freeze()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_urls_carry_no_credentials() {
        let u = url::Url::parse("http://user:pw@other:1234/y?client_secret=s#frag").unwrap();
        assert_eq!(shown_url(&u), "http://other:1234/y");
    }
}
