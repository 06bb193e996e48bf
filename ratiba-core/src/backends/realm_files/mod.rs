//! Realms as Keycloak realm-representation JSON files, one per realm
//! (`<dir>/<name>.json`): the embedded default's identity store, importable into
//! Keycloak later (`kc.sh import --file`, or `ratiba realms push`).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ports::realm::check_realm_owner;
use crate::ports::{RealmDeletion, RealmInfo, RealmProvisioner, RealmRequest};
use crate::tenant::Slug;

#[derive(Debug, Clone)]
pub struct RealmFiles {
    dir: PathBuf,
}

impl RealmFiles {
    pub fn open(dir: &Path) -> Result<Self> {
        fs::create_dir_all(dir)
            .map_err(|e| Error::from(e).context(format!("realm directory {}", dir.display())))?;
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }

    /// Realm names are slugs, so a name can never escape the directory.
    fn path(&self, name: &str) -> Result<PathBuf> {
        let slug = Slug::parse(name)
            .map_err(|_| Error::field("realm", format!("'{name}' is not a valid realm name")))?;
        Ok(self.dir.join(format!("{slug}.json")))
    }

    fn read(&self, path: &Path) -> Result<Option<Value>> {
        match fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                Error::backend(format!("realm file {} is not valid JSON", path.display()))
                    .with_source(e)
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::from(e).context(format!("realm file {}", path.display()))),
        }
    }

    /// The stored document, for `realms push` and tests.
    pub fn representation(&self, name: &str) -> Result<Option<Value>> {
        self.read(&self.path(name)?)
    }
}

#[async_trait]
impl RealmProvisioner for RealmFiles {
    fn backend_name(&self) -> &'static str {
        "realm files"
    }

    async fn ping(&self) -> Result<()> {
        fs::metadata(&self.dir)
            .map(|_| ())
            .map_err(|e| Error::from(e).context(format!("realm directory {}", self.dir.display())))
    }

    async fn create(&self, realm: &RealmRequest) -> Result<()> {
        let target = self.path(&realm.name)?;
        let body = serde_json::to_vec_pretty(&realm.representation())
            .map_err(|e| Error::backend("cannot encode realm").with_source(e))?;
        // Write a temporary file, then link it into place: the link fails if the
        // realm exists, and a reader never sees half a file.
        let tmp = self
            .dir
            .join(format!(".{}.{}.tmp", realm.name, realm.onboarding_id));
        let write = || -> std::io::Result<()> {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(&body)?;
            f.sync_all()
        };
        let result = write().and_then(|()| fs::hard_link(&tmp, &target));
        let _ = fs::remove_file(&tmp);
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::conflict(
                format!("realm '{}' already exists", realm.name),
            )),
            Err(e) => Err(Error::from(e).context(format!("realm file {}", target.display()))),
        }
    }

    async fn get(&self, name: &str) -> Result<Option<RealmInfo>> {
        self.read(&self.path(name)?)?
            .as_ref()
            .map(RealmInfo::from_representation)
            .transpose()
    }

    async fn list(&self) -> Result<Vec<RealmInfo>> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&self.dir)? {
            let path = entry?.path();
            let is_realm = path.extension().is_some_and(|e| e == "json")
                && !path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if is_realm {
                if let Some(doc) = self.read(&path)? {
                    out.push(RealmInfo::from_representation(&doc)?);
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn delete(&self, name: &str, only_if_created_by: Option<&str>) -> Result<RealmDeletion> {
        let path = self.path(name)?;
        let Some(doc) = self.read(&path)? else {
            return Ok(RealmDeletion::AlreadyGone);
        };
        check_realm_owner(&RealmInfo::from_representation(&doc)?, only_if_created_by)?;
        match fs::remove_file(&path) {
            Ok(()) => Ok(RealmDeletion::Deleted),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RealmDeletion::AlreadyGone),
            Err(e) => Err(Error::from(e).context(format!("realm file {}", path.display()))),
        }
    }

    /// A realm file has no credentials: writing a password into it would leave it
    /// in plain text on disk. Owners sign in once the realms are in Keycloak.
    async fn set_temporary_password(
        &self,
        name: &str,
        _username: &str,
        _password: &crate::secrets::Secret,
    ) -> Result<()> {
        if self.read(&self.path(name)?)?.is_none() {
            return Err(Error::not_found(format!("no realm '{name}'")));
        }
        Err(Error::conflict(format!(
            "realm '{name}' is a file, and nobody can sign in to a realm file: \
             set KEYCLOAK_URL and run `ratiba realms push`, then set the owner's password"
        )))
    }
}
