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
    resp: reqwest::Response,
    limit: u64,
    what: &str,
    timeout: Duration,
) -> Result<(StatusCode, bytes::Bytes), ApiError> {
    let status = resp.status();
    let mut body = bytes::BytesMut::new();
    read_chunks(resp, limit, what, timeout, |chunk| {
        body.extend_from_slice(chunk);
        true
    })
    .await?;
    Ok((status, body.freeze()))
}

/// How a successful answer's body is taken in: whole ([`Whole`]), or parsed as it arrives
/// (`list_stream::ListStream`).
pub trait Intake: Default {
    type Output;
    /// The next chunk; the error says what is wrong with the body.
    fn push(&mut self, chunk: &[u8]) -> Result<(), String>;
    /// The result once the body has ended.
    fn finish(&mut self) -> Result<Self::Output, String>;
    /// The body's first bytes, for an error to quote.
    fn head(&self) -> &[u8];
}

/// The body as it came, for a caller that parses it whole.
#[derive(Default)]
pub struct Whole(bytes::BytesMut);

impl Intake for Whole {
    type Output = bytes::Bytes;

    fn push(&mut self, chunk: &[u8]) -> Result<(), String> {
        self.0.extend_from_slice(chunk);
        Ok(())
    }

    fn finish(&mut self) -> Result<bytes::Bytes, String> {
        Ok(std::mem::take(&mut self.0).freeze())
    }

    fn head(&self) -> &[u8] {
        &self.0
    }
}

/// The body, chunk by chunk, to `take` as it arrives, under the same limit as
/// [`read_limited`]; `take` returns false to stop reading. Returns the bytes read.
pub async fn read_chunks(
    mut resp: reqwest::Response,
    limit: u64,
    what: &str,
    timeout: Duration,
    mut take: impl FnMut(&[u8]) -> bool,
) -> Result<u64, ApiError> {
    let status = resp.status();
    let too_large = || ApiError::TooLarge {
        what: what.to_owned(),
        limit,
        status: status.as_u16(),
    };
    if resp.content_length().is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut read = 0u64;
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| ApiError::from_reqwest(&e, what, timeout))?
    {
        read += chunk.len() as u64;
        if read > limit {
            return Err(too_large());
        }
        if !take(&chunk) {
            break;
        }
    }
    Ok(read)
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
