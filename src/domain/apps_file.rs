//! The definition file of an organization's apps ("apps as code"): what `extapps export`
//! writes and `extapps plan` / `apply` read. Sorted and stable, so that two exports of an
//! unchanged organization are the same bytes and a change reads well in git; never a secret
//! value. Written with serde (a hostile name cannot break the YAML), read with positions
//! (`marked_yaml`), so that every mistake is reported at its line and column.

use std::collections::BTreeMap;

use serde::Serialize;

use super::marked_yaml::{self, Node, Pos};
use crate::api::model::{App, ScopeRef, ScopeType};

pub const FORMAT: &str = "extapps-apps/1";

/// The whole file as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportFile {
    /// JSON has no comments: the header's lines go here.
    #[serde(rename = "_comment", skip_serializing_if = "Vec::is_empty")]
    pub comment: Vec<String>,
    pub format: String,
    pub organization: String,
    pub host: String,
    pub apps: Vec<AppDef>,
}

/// One app's definition. `clientId` lets a re-import into the same organization match the
/// app even after a rename; another organization matches by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppDef {
    pub name: String,
    pub client_id: String,
    pub kind: &'static str,
    pub redirect_uris: Vec<String>,
    /// Resource → scope → `user` or `application`.
    pub scopes: BTreeMap<String, BTreeMap<String, &'static str>>,
    /// Only with `--with-secrets-metadata`: ids and expiries, never a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets: Option<Vec<SecretMeta>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretMeta {
    pub id: i64,
    /// RFC 3339, or `never`.
    pub expires: String,
}

pub const CONFIDENTIAL: &str = "confidential";
pub const PUBLIC: &str = "public";

/// How the file writes a scope's type.
pub fn kind_word(kind: ScopeType) -> &'static str {
    match kind {
        ScopeType::User => "user",
        ScopeType::Application => "application",
        ScopeType::UserAndApplication => "userAndApplication",
    }
}

fn kind_from_word(word: &str) -> Option<ScopeType> {
    match word {
        "user" => Some(ScopeType::User),
        "application" | "app" => Some(ScopeType::Application),
        "userAndApplication" => Some(ScopeType::UserAndApplication),
        _ => None,
    }
}

impl AppDef {
    /// `app` must have its details known: a summary's empty scopes are not "none".
    pub fn of(app: &App, with_secrets: bool) -> Self {
        let mut scopes: BTreeMap<String, BTreeMap<String, &'static str>> = BTreeMap::new();
        for r in &app.resources {
            let entry = scopes.entry(r.name.to_string()).or_default();
            for s in &r.scopes {
                entry.insert(s.name.to_string(), kind_word(s.kind));
            }
        }
        scopes.retain(|_, s| !s.is_empty());
        let mut redirect_uris = app.redirect_uris();
        redirect_uris.sort();
        redirect_uris.dedup();
        let secrets = with_secrets.then(|| {
            let mut list: Vec<SecretMeta> = app
                .secrets
                .iter()
                .map(|s| SecretMeta {
                    id: s.id,
                    expires: s
                        .expiry_time
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| "never".to_owned()),
                })
                .collect();
            list.sort_by_key(|s| s.id);
            list
        });
        AppDef {
            name: app.name.clone(),
            client_id: app.id.clone(),
            kind: if app.is_confidential {
                CONFIDENTIAL
            } else {
                PUBLIC
            },
            redirect_uris,
            scopes,
            secrets,
        }
    }
}

/// The header's lines: which organization, where, when. Organization and host come from the
/// settings, and are cleaned so that none can end the comment.
pub fn header(organization: &str, host: &str, at: jiff::Timestamp) -> Vec<String> {
    vec![
        format!(
            "extapps export of organization {} on {}",
            super::sanitize(organization),
            super::sanitize(host)
        ),
        format!("exported at {at}"),
        "No secret values. Review changes with: extapps plan -f FILE; make them so with: extapps apply -f FILE"
            .to_owned(),
    ]
}

impl ExportFile {
    /// Apps sorted by name, then client id: the order of the server's list does not matter.
    pub fn new(organization: &str, host: &str, apps: &[App], with_secrets: bool) -> Self {
        let mut defs: Vec<AppDef> = apps.iter().map(|a| AppDef::of(a, with_secrets)).collect();
        defs.sort_by(|a, b| (&a.name, &a.client_id).cmp(&(&b.name, &b.client_id)));
        ExportFile {
            comment: Vec::new(),
            format: FORMAT.to_owned(),
            organization: organization.to_owned(),
            host: host.to_owned(),
            apps: defs,
        }
    }

    /// YAML with the header as `#` lines.
    pub fn to_yaml(&self, header: &[String]) -> Result<String, String> {
        let body = serde_norway::to_string(self).map_err(|e| e.to_string())?;
        let mut out = String::new();
        for line in header {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&body);
        Ok(out)
    }

    /// Pretty JSON with the header in `_comment`.
    pub fn to_json(&self, header: &[String]) -> Result<String, String> {
        let mut with = self.clone();
        with.comment = header.to_vec();
        let mut text = serde_json::to_string_pretty(&with).map_err(|e| e.to_string())?;
        text.push('\n');
        Ok(text)
    }
}

// ---- reading ---------------------------------------------------------------------------------

/// A value and where the file says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub at: Pos,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredScope {
    pub resource: String,
    pub name: String,
    /// `None` when the file leaves it out: the catalog or the app's kind decide.
    pub kind: Option<ScopeType>,
    pub at: Pos,
}

/// One app as the file wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredApp {
    pub at: Pos,
    pub name: Located<String>,
    pub client_id: Option<Located<String>>,
    pub confidential: bool,
    pub kind_at: Pos,
    pub redirect_uris: Vec<Located<String>>,
    pub scopes: Vec<DesiredScope>,
}

impl DesiredApp {
    pub fn uris(&self) -> Vec<String> {
        self.redirect_uris.iter().map(|u| u.value.clone()).collect()
    }

    /// The scopes as the API takes them, each type settled: the file's, else the catalog's
    /// when it allows one kind only, else the app's kind.
    pub fn scope_refs(&self, catalog: &[crate::api::model::Resource]) -> Vec<ScopeRef> {
        self.scopes
            .iter()
            .map(|s| ScopeRef {
                name: s.name.clone(),
                kind: s.kind.unwrap_or_else(|| {
                    let listed = catalog
                        .iter()
                        .flat_map(|r| &r.scopes)
                        .find(|c| *c.name == *s.name)
                        .map(|c| c.kind);
                    super::app_rules::default_scope_kind(listed, self.confidential)
                }),
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DesiredFile {
    pub organization: Option<String>,
    pub host: Option<String>,
    pub apps: Vec<DesiredApp>,
}

/// A mistake in the file, where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileError {
    pub at: Pos,
    pub message: String,
}

impl FileError {
    pub fn new(at: Pos, message: impl Into<String>) -> Self {
        FileError {
            at,
            message: message.into(),
        }
    }
}

/// Reads a definition file (YAML or JSON). Every mistake in its shape is reported, not the
/// first only.
pub fn parse(text: &str) -> Result<DesiredFile, Vec<FileError>> {
    let root = match marked_yaml::parse(text) {
        Ok(Some(root)) => root,
        Ok(None) => {
            return Err(vec![FileError::new(
                Pos { line: 1, col: 1 },
                "the file is empty: expected `apps:` with a list of apps",
            )]);
        }
        Err(e) => return Err(vec![FileError::new(e.at, e.message)]),
    };
    let mut errors = Vec::new();
    let mut file = DesiredFile::default();
    let Some(entries) = mapping(&root, "the file", &mut errors) else {
        return Err(errors);
    };
    let mut apps_seen = false;
    for (key, value) in entries {
        match key.value.as_str() {
            "format" => {
                if let Some(f) = text_of(value, "format", &mut errors)
                    && f.value != FORMAT
                {
                    errors.push(FileError::new(
                        f.at,
                        format!("format {:?}: this extapps reads {FORMAT:?}", f.value),
                    ));
                }
            }
            "organization" => file.organization = opt_text(value, "organization", &mut errors),
            "host" => file.host = opt_text(value, "host", &mut errors),
            "_comment" => {}
            "apps" => {
                apps_seen = true;
                match value {
                    Node::Seq(items, _) => {
                        for item in items {
                            if let Some(app) = read_app(item, &mut errors) {
                                file.apps.push(app);
                            }
                        }
                    }
                    Node::Scalar { null: true, .. } => {}
                    other => errors.push(FileError::new(
                        other.at(),
                        format!("apps: expected a list of apps, found {}", other.what()),
                    )),
                }
            }
            _ => errors.push(unknown_key(
                &key,
                &["format", "organization", "host", "apps"],
            )),
        }
    }
    if !apps_seen {
        errors.push(FileError::new(
            root.at(),
            "no `apps:` list: the file must say which apps should exist (an empty list deletes every app with --prune)",
        ));
    }
    if errors.is_empty() {
        Ok(file)
    } else {
        errors.sort();
        Err(errors)
    }
}

fn read_app(node: &Node, errors: &mut Vec<FileError>) -> Option<DesiredApp> {
    let entries = mapping(node, "an app", errors)?;
    let before = errors.len();
    let mut name = None;
    let mut client_id = None;
    let mut kind: Option<Located<String>> = None;
    let mut redirect_uris = Vec::new();
    let mut scopes = Vec::new();
    for (key, value) in entries {
        match key.value.as_str() {
            "name" => name = text_of(value, "name", errors),
            "clientId" => {
                client_id = match value {
                    Node::Scalar { null: true, .. } => None,
                    v => text_of(v, "clientId", errors),
                }
            }
            "kind" => kind = text_of(value, "kind", errors),
            "redirectUris" => match value {
                Node::Seq(items, _) => {
                    for item in items {
                        if let Some(u) = text_of(item, "a redirect URI", errors) {
                            redirect_uris.push(u);
                        }
                    }
                }
                Node::Scalar { null: true, .. } => {}
                other => errors.push(FileError::new(
                    other.at(),
                    format!(
                        "redirectUris: expected a list of URIs, found {}",
                        other.what()
                    ),
                )),
            },
            "scopes" => read_scopes(value, &mut scopes, errors),
            // Written by --with-secrets-metadata, for the record: never applied.
            "secrets" => {}
            _ => errors.push(unknown_key(
                &key,
                &[
                    "name",
                    "clientId",
                    "kind",
                    "redirectUris",
                    "scopes",
                    "secrets",
                ],
            )),
        }
    }
    let Some(name) = name else {
        if errors.len() == before {
            errors.push(FileError::new(node.at(), "this app has no `name:`"));
        }
        return None;
    };
    let Some(kind) = kind else {
        errors.push(FileError::new(
            name.at,
            format!(
                "the app {:?} has no `kind:` (confidential or public)",
                name.value
            ),
        ));
        return None;
    };
    let confidential = match kind.value.as_str() {
        CONFIDENTIAL => true,
        PUBLIC => false,
        other => {
            errors.push(FileError::new(
                kind.at,
                format!("kind {other:?}: expected confidential or public"),
            ));
            return None;
        }
    };
    Some(DesiredApp {
        at: node.at(),
        name,
        client_id,
        confidential,
        kind_at: kind.at,
        redirect_uris,
        scopes,
    })
}

fn read_scopes(node: &Node, out: &mut Vec<DesiredScope>, errors: &mut Vec<FileError>) {
    if let Node::Scalar { null: true, .. } = node {
        return;
    }
    let Some(resources) = mapping(node, "scopes (resource: {scope: type})", errors) else {
        return;
    };
    for (resource, scopes) in resources {
        if let Node::Scalar { null: true, .. } = scopes {
            continue;
        }
        let Some(entries) = mapping(scopes, "a resource's scopes (scope: type)", errors) else {
            continue;
        };
        for (scope, kind) in entries {
            let (name, at) = (scope.value, scope.at);
            let kind = match kind {
                Node::Scalar { null: true, .. } => None,
                Node::Scalar { text, at, .. } => match kind_from_word(text) {
                    Some(k) => Some(k),
                    None => {
                        errors.push(FileError::new(
                            *at,
                            format!("scope {name}: type {text:?} is not user or application"),
                        ));
                        continue;
                    }
                },
                other => {
                    errors.push(FileError::new(
                        other.at(),
                        format!(
                            "scope {name}: expected user or application, found {}",
                            other.what()
                        ),
                    ));
                    continue;
                }
            };
            out.push(DesiredScope {
                resource: resource.value.clone(),
                name,
                kind,
                at,
            });
        }
    }
}

/// A mapping's entries by key; a key that is not text, or comes twice, is an error.
fn mapping<'a>(
    node: &'a Node,
    what: &str,
    errors: &mut Vec<FileError>,
) -> Option<Vec<(Located<String>, &'a Node)>> {
    let Node::Map(entries, _) = node else {
        errors.push(FileError::new(
            node.at(),
            format!(
                "{what}: expected a mapping (key: value), found {}",
                node.what()
            ),
        ));
        return None;
    };
    let mut out: Vec<(Located<String>, &Node)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        match k {
            Node::Scalar { text, at, .. } => {
                if out.iter().any(|(seen, _)| seen.value == *text) {
                    errors.push(FileError::new(*at, format!("{text:?} is given twice")));
                    continue;
                }
                out.push((
                    Located {
                        value: text.clone(),
                        at: *at,
                    },
                    v,
                ));
            }
            other => errors.push(FileError::new(
                other.at(),
                format!("{what}: a key must be text, found {}", other.what()),
            )),
        }
    }
    Some(out)
}

fn text_of(node: &Node, what: &str, errors: &mut Vec<FileError>) -> Option<Located<String>> {
    match node {
        Node::Scalar {
            text,
            null: false,
            at,
        } => Some(Located {
            value: text.clone(),
            at: *at,
        }),
        other => {
            errors.push(FileError::new(
                other.at(),
                format!("{what}: expected text, found {}", other.what()),
            ));
            None
        }
    }
}

fn opt_text(node: &Node, what: &str, errors: &mut Vec<FileError>) -> Option<String> {
    match node {
        Node::Scalar { null: true, .. } => None,
        other => text_of(other, what, errors).map(|l| l.value),
    }
}

fn unknown_key(key: &Located<String>, known: &[&str]) -> FileError {
    FileError::new(
        key.at,
        format!("unknown key {:?} (known: {})", key.value, known.join(", ")),
    )
}
