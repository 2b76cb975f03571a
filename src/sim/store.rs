//! The organization's state: apps, their scopes and secrets, and the scope catalog. Everything
//! the API validates lives here so that the HTTP layer only translates.

use std::collections::HashMap;

use jiff::Timestamp;
use rand::RngExt;
use secrecy::SecretString;
use sha2::{Digest, Sha256};

use super::lag::{ReadLag, Seen};
use crate::api::model::{
    App, CreateAppRequest, GenerateSecretRequest, Resource, Scope, ScopeRef, ScopeType, Secret,
    UpdateAppRequest, split_redirect_uris,
};

/// A validation failure with the HTTP status the real server answers and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub status: u16,
    pub message: String,
}

impl StoreError {
    pub fn bad(message: impl Into<String>) -> Self {
        StoreError {
            status: 400,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        StoreError {
            status: 404,
            message: message.into(),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone)]
pub struct StoredSecret {
    pub id: i64,
    pub description: Option<String>,
    /// SHA-256 of the value. `None` for secrets whose value nobody knows (generated data): they
    /// exist to be listed, never to authenticate.
    pub hash: Option<[u8; 32]>,
    pub creation_time: Timestamp,
    pub expiry_time: Option<Timestamp>,
}

impl StoredSecret {
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expiry_time.is_some_and(|t| t <= now)
    }

    fn view(&self) -> Secret {
        Secret {
            id: self.id,
            description: self.description.clone(),
            secret: None,
            creation_time: self.creation_time,
            expiry_time: self.expiry_time,
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoredApp {
    pub id: String,
    pub name: String,
    pub is_confidential: bool,
    pub redirect_uri: Option<String>,
    pub scopes: Vec<ScopeRef>,
    pub secrets: Vec<StoredSecret>,
    pub client_certificates: Option<Vec<serde_json::Value>>,
}

impl StoredApp {
    pub fn has_scope(&self, name: &str, kind: ScopeType) -> bool {
        self.scopes.iter().any(|s| s.name == name && s.kind == kind)
    }

    pub fn application_scopes(&self) -> impl Iterator<Item = &str> {
        self.scopes
            .iter()
            .filter(|s| s.kind == ScopeType::Application)
            .map(|s| s.name.as_str())
    }
}

/// Where a scope sits in the catalog: resource index, scope index, catalog type.
#[derive(Debug, Clone, Copy)]
struct CatalogEntry {
    resource: usize,
    scope: usize,
    kind: ScopeType,
}

#[derive(Debug, Clone)]
pub struct Org {
    pub name: String,
    pub partition_id: String,
    catalog: Vec<Resource>,
    index: HashMap<String, CatalogEntry>,
    /// In creation order, which is the order the list route answers in.
    apps: Vec<StoredApp>,
    next_secret_id: i64,
    /// How far reads through the API trail the writes (off by default).
    pub lag: ReadLag,
}

impl Org {
    pub fn new(name: String, partition_id: String, catalog: Vec<Resource>) -> Self {
        let mut index = HashMap::new();
        for (ri, r) in catalog.iter().enumerate() {
            for (si, s) in r.scopes.iter().enumerate() {
                index.entry(s.name.to_string()).or_insert(CatalogEntry {
                    resource: ri,
                    scope: si,
                    kind: s.kind,
                });
            }
        }
        Org {
            name,
            partition_id,
            catalog,
            index,
            apps: Vec::new(),
            next_secret_id: 1,
            lag: ReadLag::default(),
        }
    }

    pub fn catalog(&self) -> &[Resource] {
        &self.catalog
    }

    /// `org` in a URL may be the organization's name or its GUID.
    pub fn matches_org(&self, org: &str) -> bool {
        org.eq_ignore_ascii_case(&self.name) || org.eq_ignore_ascii_case(&self.partition_id)
    }

    pub fn matches_partition(&self, prt: &str) -> bool {
        prt.eq_ignore_ascii_case(&self.partition_id)
    }

    pub fn app_count(&self) -> usize {
        self.apps.len()
    }

    pub fn find(&self, client_id: &str) -> Option<&StoredApp> {
        self.apps.iter().find(|a| a.id == client_id)
    }

    pub fn find_mut(&mut self, client_id: &str) -> Option<&mut StoredApp> {
        self.apps.iter_mut().find(|a| a.id == client_id)
    }

    fn find_or_404(&self, client_id: &str) -> StoreResult<&StoredApp> {
        self.find(client_id)
            .ok_or_else(|| StoreError::not_found(format!("Client with id={client_id} not found")))
    }

    /// The catalog type of a scope, if the organization knows it.
    #[cfg(test)]
    pub fn catalog_type(&self, name: &str) -> Option<ScopeType> {
        self.index.get(name).map(|e| e.kind)
    }

    pub fn next_secret_id(&mut self) -> i64 {
        let id = self.next_secret_id;
        self.next_secret_id += 1;
        id
    }

    /// Keeps the id counter ahead of ids that came from outside (demo data).
    pub fn reserve_secret_id(&mut self, id: i64) {
        self.next_secret_id = self.next_secret_id.max(id.saturating_add(1));
    }

    /// Inserts an app without validation: demo data and the generator are trusted.
    pub fn insert_unchecked(&mut self, app: StoredApp) {
        for s in &app.secrets {
            self.reserve_secret_id(s.id);
        }
        self.apps.push(app);
    }

    // ---- views --------------------------------------------------------------------------

    /// The app as the API shows it: scopes grouped under their catalog resources (in catalog
    /// order), secrets without values.
    pub fn view(&self, app: &StoredApp) -> App {
        let mut entries: Vec<(CatalogEntry, ScopeType)> = app
            .scopes
            .iter()
            .filter_map(|s| self.index.get(&s.name).map(|e| (*e, s.kind)))
            .collect();
        entries.sort_by_key(|(e, kind)| (e.resource, e.scope, *kind));
        let mut resources: Vec<Resource> = Vec::new();
        let mut current: Option<usize> = None;
        for (e, kind) in entries {
            let cat_res = &self.catalog[e.resource];
            if current != Some(e.resource) {
                current = Some(e.resource);
                resources.push(Resource {
                    name: cat_res.name.clone(),
                    display_name: cat_res.display_name.clone(),
                    description: cat_res.description.clone(),
                    scopes: Vec::new(),
                });
            }
            let cat_scope = &cat_res.scopes[e.scope];
            if let Some(r) = resources.last_mut() {
                r.scopes.push(
                    Scope {
                        name: cat_scope.name.clone(),
                        display_name: cat_scope.display_name.clone(),
                        description: cat_scope.description.clone(),
                        kind,
                    }
                    .shared(),
                );
            }
        }
        App {
            name: app.name.clone(),
            id: app.id.clone(),
            secret: None,
            is_confidential: app.is_confidential,
            redirect_uri: app.redirect_uri.clone(),
            resources,
            secrets: app.secrets.iter().map(StoredSecret::view).collect(),
            client_certificates: app.client_certificates.clone(),
            details: crate::api::model::Details::Known,
        }
    }

    pub fn list(&self) -> Vec<App> {
        self.apps.iter().map(|a| self.view(a)).collect()
    }

    pub fn get(&self, client_id: &str) -> StoreResult<App> {
        Ok(self.view(self.find_or_404(client_id)?))
    }

    /// The list as API reads see it at `now`, through the read lag: apps in creation order, a
    /// deleted app that reads still show at the end.
    pub fn visible_list(&self, now: Timestamp) -> Vec<App> {
        if !self.lag.is_on() {
            return self.list();
        }
        let mut out: Vec<App> = self
            .apps
            .iter()
            .filter_map(|a| match self.lag.seen(&a.id, now) {
                Seen::Current => Some(self.view(a)),
                Seen::Old(old) => old.map(|o| self.view(o)),
            })
            .collect();
        let mut gone: Vec<&str> = self
            .lag
            .pending_ids()
            .filter(|id| self.find(id).is_none())
            .collect();
        gone.sort_unstable();
        for id in gone {
            if let Seen::Old(Some(old)) = self.lag.seen(id, now) {
                out.push(self.view(old));
            }
        }
        out
    }

    /// One app as API reads see it at `now` (see [`Org::visible_list`]).
    pub fn visible_get(&self, client_id: &str, now: Timestamp) -> StoreResult<App> {
        match self.lag.seen(client_id, now) {
            Seen::Current => self.get(client_id),
            Seen::Old(Some(old)) => Ok(self.view(old)),
            Seen::Old(None) => Err(StoreError::not_found(format!(
                "Client with id={client_id} not found"
            ))),
        }
    }

    /// Runs a change to one app and keeps its previous version for lagged reads.
    pub fn changing<T>(
        &mut self,
        client_id: &str,
        now: Timestamp,
        change: impl FnOnce(&mut Org) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let before = self.lag.is_on().then(|| self.find(client_id).cloned());
        let out = change(self)?;
        if let Some(before) = before {
            self.lag.record(client_id, before, now);
        }
        Ok(out)
    }

    /// The app holding secret `secret_id`.
    pub fn secret_owner(&self, secret_id: i64) -> Option<String> {
        self.apps
            .iter()
            .find(|a| a.secrets.iter().any(|s| s.id == secret_id))
            .map(|a| a.id.clone())
    }

    // ---- changes ------------------------------------------------------------------------

    pub fn create(&mut self, req: CreateAppRequest, now: Timestamp) -> StoreResult<App> {
        if !self.matches_partition(&req.partition_global_id) {
            return Err(StoreError::bad(format!(
                "partitionGlobalId={} is not this organization",
                req.partition_global_id
            )));
        }
        let name = valid_name(&req.name)?;
        let redirect_uri = normalise_redirect(req.redirect_uri.as_deref());
        let scopes =
            self.valid_scopes(&req.scopes, req.is_confidential, redirect_uri.as_deref())?;
        let mut app = StoredApp {
            id: new_client_id(),
            name,
            is_confidential: req.is_confidential,
            redirect_uri,
            scopes,
            secrets: Vec::new(),
            client_certificates: None,
        };
        let first = if app.is_confidential {
            let value = new_secret_value();
            app.secrets.push(StoredSecret {
                id: self.next_secret_id(),
                description: None,
                hash: Some(hash_secret(&value)),
                creation_time: now,
                expiry_time: None,
            });
            Some(value)
        } else {
            None
        };
        let mut view = self.view(&app);
        view.secret = first.map(SecretString::from);
        tracing::info!(client_id = %app.id, confidential = app.is_confidential, scopes = app.scopes.len(), "sim: app created");
        self.apps.push(app);
        Ok(view)
    }

    pub fn update(&mut self, client_id: &str, req: UpdateAppRequest) -> StoreResult<App> {
        let confidential = self.find_or_404(client_id)?.is_confidential;
        let name = valid_name(&req.name)?;
        let redirect_uri = normalise_redirect(req.redirect_uri.as_deref());
        let scopes = self.valid_scopes(&req.scopes, confidential, redirect_uri.as_deref())?;
        let app = self.find_mut(client_id).ok_or_else(|| {
            StoreError::not_found(format!("Client with id={client_id} not found"))
        })?;
        app.name = name;
        app.redirect_uri = redirect_uri;
        app.scopes = scopes;
        if req.client_certificates.is_some() {
            app.client_certificates = req.client_certificates;
        }
        tracing::info!(client_id, "sim: app updated");
        self.get(client_id)
    }

    pub fn delete(&mut self, client_id: &str) -> StoreResult<()> {
        let before = self.apps.len();
        self.apps.retain(|a| a.id != client_id);
        if self.apps.len() == before {
            return Err(StoreError::not_found(format!(
                "Client with id={client_id} not found"
            )));
        }
        tracing::info!(client_id, "sim: app deleted");
        Ok(())
    }

    /// Mints a secret; the answer is the only place its value ever appears.
    pub fn generate_secret(
        &mut self,
        req: GenerateSecretRequest,
        now: Timestamp,
    ) -> StoreResult<Secret> {
        if !self.matches_partition(&req.partition_global_id) {
            return Err(StoreError::bad(format!(
                "partitionGlobalId={} is not this organization",
                req.partition_global_id
            )));
        }
        if let Some(t) = req.expiry_time
            && t <= now
        {
            return Err(StoreError::bad("expiryTime must be in the future"));
        }
        let value = new_secret_value();
        let stored = self.add_secret(
            &req.client_id,
            &value,
            req.description,
            req.expiry_time,
            now,
        )?;
        let mut view = stored.view();
        view.secret = Some(SecretString::from(value));
        Ok(view)
    }

    /// Adds a secret with a known value (also how tests plant one with a chosen expiry).
    pub fn add_secret(
        &mut self,
        client_id: &str,
        value: &str,
        description: Option<String>,
        expiry_time: Option<Timestamp>,
        now: Timestamp,
    ) -> StoreResult<StoredSecret> {
        let confidential = self.find_or_404(client_id)?.is_confidential;
        if !confidential {
            return Err(StoreError::bad(format!(
                "Client with id={client_id} is not confidential and cannot have secrets"
            )));
        }
        let secret = StoredSecret {
            id: self.next_secret_id(),
            description: description.filter(|d| !d.trim().is_empty()),
            hash: Some(hash_secret(value)),
            creation_time: now,
            expiry_time,
        };
        if let Some(app) = self.find_mut(client_id) {
            app.secrets.push(secret.clone());
        }
        tracing::info!(client_id, secret_id = secret.id, "sim: secret generated");
        Ok(secret)
    }

    pub fn delete_secret(&mut self, secret_id: i64) -> StoreResult<()> {
        for app in &mut self.apps {
            let before = app.secrets.len();
            app.secrets.retain(|s| s.id != secret_id);
            if app.secrets.len() != before {
                tracing::info!(client_id = %app.id, secret_id, "sim: secret deleted");
                return Ok(());
            }
        }
        Err(StoreError::not_found(format!(
            "Secret with id={secret_id} not found"
        )))
    }

    pub fn secret_mut(&mut self, secret_id: i64) -> Option<&mut StoredSecret> {
        self.apps
            .iter_mut()
            .flat_map(|a| a.secrets.iter_mut())
            .find(|s| s.id == secret_id)
    }

    /// The rules of the real server for the scopes of an app, in the order it checks them.
    fn valid_scopes(
        &self,
        requested: &[ScopeRef],
        confidential: bool,
        redirect_uri: Option<&str>,
    ) -> StoreResult<Vec<ScopeRef>> {
        let unknown: Vec<&str> = requested
            .iter()
            .filter(|s| !self.index.contains_key(&s.name))
            .map(|s| s.name.as_str())
            .collect();
        if !unknown.is_empty() {
            return Err(StoreError::bad(format!(
                "Not all scopes={} are present in database",
                unknown.join(",")
            )));
        }
        let mut out: Vec<ScopeRef> = Vec::with_capacity(requested.len());
        for s in requested {
            // Granted to every token anyway; an app does not hold it.
            if s.name == super::tokens::IMPLICIT_SCOPE {
                continue;
            }
            let catalog = self.index[&s.name].kind;
            let allowed = match s.kind {
                ScopeType::User => catalog.allows_user(),
                ScopeType::Application => catalog.allows_application(),
                ScopeType::UserAndApplication => false,
            };
            if !allowed {
                return Err(StoreError::bad(format!(
                    "Scope={} cannot be granted as a {} scope (the catalog allows {})",
                    s.name,
                    s.kind.label(),
                    catalog.label()
                )));
            }
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
        if !confidential {
            let app_scopes: Vec<&str> = out
                .iter()
                .filter(|s| s.kind == ScopeType::Application)
                .map(|s| s.name.as_str())
                .collect();
            if !app_scopes.is_empty() {
                return Err(StoreError::bad(format!(
                    "A non-confidential application can only have user scopes; these are application scopes: {}",
                    app_scopes.join(",")
                )));
            }
            if split_redirect_uris(redirect_uri).is_empty() {
                return Err(StoreError::bad(
                    "A non-confidential application needs a redirect URI",
                ));
            }
        }
        Ok(out)
    }
}

fn valid_name(name: &str) -> StoreResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::bad("The application name is required"));
    }
    Ok(name.to_owned())
}

fn normalise_redirect(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

pub fn hash_secret(value: &str) -> [u8; 32] {
    Sha256::digest(value.as_bytes()).into()
}

/// A client id shaped like the real ones (a lowercase GUID).
pub fn new_client_id() -> String {
    guid_from(rand::rng().random::<u128>())
}

pub fn guid_from(bits: u128) -> String {
    let h = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Real secrets mix letters, digits and punctuation that needs form encoding, which is exactly
/// what a client must get right; so do these.
pub fn new_secret_value() -> String {
    const CHARS: &[u8] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%^&*()+=";
    let mut rng = rand::rng();
    (0..24)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}
