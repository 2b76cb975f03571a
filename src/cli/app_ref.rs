//! The app a command names: by its client id or by its exact name. Names need not be unique,
//! so a name that several apps share is refused with the list of them (exit status 2), and a
//! name that matches nothing says so rather than passing for an unknown id.

use super::Failure;
use crate::api::IdentityClient;
use crate::api::model::App;
use crate::domain::sanitize;

/// Whether `text` has the shape of a GUID, as the live server's client ids do: such an
/// argument is taken as the client id without reading the list (one GET saved, and an app
/// created a moment ago, not listed yet, is still found).
fn looks_like_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The client id of the app `text` names.
pub async fn resolve(client: &IdentityClient, text: &str) -> Result<String, Failure> {
    if looks_like_guid(text) {
        return Ok(text.to_owned());
    }
    let apps = client.list_apps().await?;
    pick(&apps, text)
}

/// The client id `text` names among `apps`: an exact client id first, then an exact name.
pub fn pick(apps: &[App], text: &str) -> Result<String, Failure> {
    if let Some(app) = apps.iter().find(|a| a.id == text) {
        return Ok(app.id.clone());
    }
    let named: Vec<&App> = apps.iter().filter(|a| a.name == text).collect();
    match named[..] {
        [app] => Ok(app.id.clone()),
        [] => Err(Failure::new(
            format!(
                "{:?} was not found: no app has that client id or name (`extapps apps list` \
                 shows them; a name must match exactly)",
                sanitize(text)
            ),
            1,
        )),
        _ => {
            let mut lines = format!(
                "{} apps are named {:?}; name the one you mean by its client id:",
                named.len(),
                sanitize(text)
            );
            for app in named {
                lines.push_str(&format!(
                    "\n  {}  {}",
                    sanitize(&app.id),
                    sanitize(&app.name)
                ));
            }
            Err(Failure::new(lines, 2))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_taken_as_ids() {
        assert!(looks_like_guid("4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9c0"));
        assert!(!looks_like_guid("demo-admin"));
        assert!(!looks_like_guid("4b5c6d7e-8f90-41a2-b3c4-d5e6f7a8b9cz"));
    }
}
