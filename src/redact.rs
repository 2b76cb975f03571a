//! Credentials written into URIs (`https://user:password@host`) are hidden wherever a URI is
//! shown or logged: `config show`, error messages, warnings, and every line of the log.

use std::borrow::Cow;

/// Replaces the userinfo of every URL in `text` with `***`: `http://user:pw@host/x` becomes
/// `http://***@host/x`, also inside a longer message. Text without a `scheme://…@` is
/// returned as it is.
pub fn userinfo(text: &str) -> Cow<'_, str> {
    if !text.contains("://") || !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let authority_start = at + 3;
        out.push_str(&rest[..authority_start]);
        let after = &rest[authority_start..];
        // Where the URL ends in running text. A password may hold `/`, `?` or `#` when the
        // user did not percent-encode it, so the last `@` before the end counts, even if that
        // hides a little more than the userinfo of an unusual URL.
        let end = after.find(ends_url).unwrap_or(after.len());
        match after[..end].rfind('@') {
            Some(sign) => {
                out.push_str("***");
                rest = &after[sign..];
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn ends_url(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>' | ',' | ';')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_user_and_password() {
        assert_eq!(userinfo("http://user:pw@host"), "http://***@host");
        assert_eq!(
            userinfo("https://u@h.example:8443/identity"),
            "https://***@h.example:8443/identity"
        );
        assert_eq!(
            userinfo(
                "UIPATH_URI uses plain http:// for a host (http://a:b@example.com/x); use https://"
            ),
            "UIPATH_URI uses plain http:// for a host (http://***@example.com/x); use https://"
        );
        assert_eq!(
            userinfo(r#"not a valid URL ("http://a:p/w@host": invalid port) and ftp://x:y@z"#),
            r#"not a valid URL ("http://***@host": invalid port) and ftp://***@z"#
        );
    }

    #[test]
    fn leaves_other_text_alone() {
        for t in [
            "https://cloud.uipath.com/acme/identity_",
            "mail me@example.com",
            "http://host/path and user@example.com",
            "",
        ] {
            assert_eq!(userinfo(t), t);
        }
    }
}
