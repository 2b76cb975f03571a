//! What a new admin reads when extapps has no settings at all: where the credentials come
//! from. One text, so that the TUI's first-run screen and the CLI's message never disagree.
//! The question it answers is the one admins keep asking: "where do I get an API token?".

/// The heading of the first-run screen.
pub const TITLE: &str = "No settings yet: connect extapps to your organization";

/// The steps, one paragraph per line. Scope names as the Identity Server spells them.
pub const STEPS: [&str; 6] = [
    "extapps signs in as an external application of your organization. To create one:",
    "1. In the Automation Cloud Admin portal, open External Applications and add an application: \
     Confidential application.",
    "2. Under Application scopes, pick the resource Platform Management and the scope \
     PM.OAuthApp, or PM.OAuthApp.Read for a read-only session.",
    "3. Save, then copy the App ID and the App Secret it shows (the secret is shown only once).",
    "4. Run `extapps config init`: it asks for the organization, the App ID and where the secret \
     is kept, then tests the profile.",
    "Or try extapps first without an account: extapps --demo",
];

/// The steps as one text: the CLI's message (stderr, exit status 2).
pub fn text() -> String {
    let mut out = format!("{TITLE}.\n");
    for line in STEPS {
        out.push_str(line);
        out.push('\n');
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_the_scopes_and_both_ways_on() {
        let t = text();
        for needed in [
            "External Applications",
            "Confidential application",
            "PM.OAuthApp,",
            "PM.OAuthApp.Read",
            "extapps config init",
            "extapps --demo",
        ] {
            assert!(t.contains(needed), "{needed}: {t}");
        }
    }
}
