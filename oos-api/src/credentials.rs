//! Access keys and where they come from: given directly, from the environment, or from the
//! Alibaba Cloud CLI's profile file.
//!
//! Secrets and security tokens never appear in `Debug` output, errors or traces.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use serde::Deserialize;

/// Environment variable holding the AccessKey id.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Environment variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Environment variable holding an STS security token.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// Environment variable holding the region id.
pub const ENV_REGION_ID: &str = "ALIBABA_CLOUD_REGION_ID";
/// Environment variable naming the CLI profile to use.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";

/// A way to read an environment variable; tests pass a map instead of the process environment.
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The process environment (emptiness is judged by [`lookup_nonempty`]).
pub(crate) fn process_env() -> EnvLookup {
    Arc::new(|name| std::env::var(name).ok())
}

/// Reads `name`, treating an empty (or all-blank) value as unset.
pub(crate) fn lookup_nonempty(lookup: &EnvLookup, name: &str) -> Option<String> {
    lookup(name).filter(|v| !v.trim().is_empty())
}

/// An AccessKey pair, optionally with an STS security token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
}

impl Credentials {
    /// A long-lived AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }

    /// Temporary STS credentials: an AccessKey pair and its security token.
    pub fn with_security_token(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: Some(security_token.into()),
        }
    }

    /// The AccessKey id (not secret: it is sent with every request).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS security token, if these are temporary credentials.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"** redacted **")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// Why no credentials could be had. The message never contains a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsError {
    message: String,
}

impl CredentialsError {
    /// An error with the given explanation. Never put a secret in it.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The explanation.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {}

/// The future a [`ProvideCredentials`] returns.
pub type ProvideCredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials, asked once per call (so rotating credentials are picked up).
pub trait ProvideCredentials: Send + Sync {
    /// The credentials to sign the next call with.
    fn provide(&self) -> ProvideCredentialsFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        (**self).provide()
    }
}

/// Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and,
/// for STS, `ALIBABA_CLOUD_SECURITY_TOKEN`, read on every call.
#[derive(Clone)]
pub struct EnvironmentProvider {
    lookup: EnvLookup,
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self {
            lookup: process_env(),
        }
    }

    /// Reads variables through `lookup` instead of the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            lookup: Arc::new(lookup),
        }
    }

    pub(crate) fn from_shared_lookup(lookup: EnvLookup) -> Self {
        Self { lookup }
    }

    /// Whether an AccessKey id is set, i.e. whether this provider is meant to be used.
    pub(crate) fn is_configured(&self) -> bool {
        lookup_nonempty(&self.lookup, ENV_ACCESS_KEY_ID).is_some()
    }

    fn read(&self) -> Result<Credentials, CredentialsError> {
        let id = lookup_nonempty(&self.lookup, ENV_ACCESS_KEY_ID)
            .ok_or_else(|| CredentialsError::new(format!("{ENV_ACCESS_KEY_ID} is not set")))?;
        let secret = lookup_nonempty(&self.lookup, ENV_ACCESS_KEY_SECRET).ok_or_else(|| {
            CredentialsError::new(format!(
                "{ENV_ACCESS_KEY_ID} is set but {ENV_ACCESS_KEY_SECRET} is not"
            ))
        })?;
        Ok(match lookup_nonempty(&self.lookup, ENV_SECURITY_TOKEN) {
            Some(token) => Credentials::with_security_token(id, secret, token),
            None => Credentials::new(id, secret),
        })
    }
}

impl Default for EnvironmentProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EnvironmentProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvironmentProvider")
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        let result = self.read();
        Box::pin(async move { result })
    }
}

/// The path of the CLI profile file under a home directory: `<home>/.aliyun/config.json`.
pub fn profile_file_path(home: &Path) -> PathBuf {
    home.join(".aliyun").join("config.json")
}

/// The home directory as the environment tells it (`HOME`, else `USERPROFILE`).
pub(crate) fn home_dir(lookup: &EnvLookup) -> Option<PathBuf> {
    lookup_nonempty(lookup, "HOME")
        .or_else(|| lookup_nonempty(lookup, "USERPROFILE"))
        .map(PathBuf::from)
}

/// One profile of the Alibaba Cloud CLI's `config.json`.
#[derive(Clone, Default, Deserialize)]
pub struct Profile {
    /// The profile's name.
    #[serde(default)]
    pub name: String,
    /// The credential mode: `AK` and `StsToken` are supported.
    #[serde(default)]
    pub mode: String,
    /// The AccessKey id.
    #[serde(default)]
    pub access_key_id: String,
    #[serde(default)]
    access_key_secret: String,
    #[serde(default)]
    sts_token: String,
    /// The profile's default region.
    #[serde(default)]
    pub region_id: String,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("mode", &self.mode)
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"** redacted **")
            .field("sts_token", &"** redacted **")
            .field("region_id", &self.region_id)
            .finish()
    }
}

/// The Alibaba Cloud CLI's profile file (`~/.aliyun/config.json`).
#[derive(Clone, Debug)]
pub struct ProfileFile {
    path: PathBuf,
    current: Option<String>,
    profiles: Vec<Profile>,
}

#[derive(Deserialize)]
struct RawProfileFile {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<Profile>,
}

impl ProfileFile {
    /// Reads and parses the file at `path`.
    pub fn from_path(path: impl Into<PathBuf>) -> Result<Self, CredentialsError> {
        let path = path.into();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| CredentialsError::new(format!("cannot read {}: {e}", path.display())))?;
        Self::parse(&text, path)
    }

    /// Parses `text`; `path` is only used in messages.
    pub fn parse(text: &str, path: impl Into<PathBuf>) -> Result<Self, CredentialsError> {
        let path = path.into();
        // serde_json's message names a line and column, never the offending value.
        let raw: RawProfileFile = serde_json::from_str(text).map_err(|e| {
            CredentialsError::new(format!(
                "{} is not a valid profile file: {e}",
                path.display()
            ))
        })?;
        let current = Some(raw.current).filter(|c| !c.is_empty());
        Ok(Self {
            path,
            current,
            profiles: raw.profiles,
        })
    }

    /// Where the file was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name of the file's current profile, if it names one.
    pub fn current(&self) -> Option<&str> {
        self.current.as_deref()
    }

    /// The profiles, in file order.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// The profile called `name`, else the file's current one, else one called `default`.
    pub fn profile(&self, name: Option<&str>) -> Result<&Profile, CredentialsError> {
        let wanted = name.or(self.current()).unwrap_or("default");
        self.profiles
            .iter()
            .find(|p| p.name == wanted)
            .ok_or_else(|| {
                CredentialsError::new(format!(
                    "profile `{wanted}` is not in {}",
                    self.path.display()
                ))
            })
    }

    /// The credentials of the profile chosen as in [`profile`](Self::profile).
    pub fn credentials(&self, name: Option<&str>) -> Result<Credentials, CredentialsError> {
        let profile = self.profile(name)?;
        let mode = if profile.mode.is_empty() {
            "AK"
        } else {
            profile.mode.as_str()
        };
        let missing = |field: &str| {
            CredentialsError::new(format!(
                "profile `{}` in {} has mode {mode} but no `{field}`",
                profile.name,
                self.path.display()
            ))
        };
        if profile.access_key_id.is_empty() {
            return Err(missing("access_key_id"));
        }
        if profile.access_key_secret.is_empty() {
            return Err(missing("access_key_secret"));
        }
        match mode {
            "AK" => Ok(Credentials::new(
                &profile.access_key_id,
                &profile.access_key_secret,
            )),
            "StsToken" => {
                if profile.sts_token.is_empty() {
                    return Err(missing("sts_token"));
                }
                Ok(Credentials::with_security_token(
                    &profile.access_key_id,
                    &profile.access_key_secret,
                    &profile.sts_token,
                ))
            }
            other => Err(CredentialsError::new(format!(
                "profile `{}` in {} uses credential mode `{other}`, which this client does not \
                 support (only `AK` and `StsToken`); set {ENV_ACCESS_KEY_ID} and \
                 {ENV_ACCESS_KEY_SECRET} or pass credentials explicitly",
                profile.name,
                self.path.display()
            ))),
        }
    }
}

/// Credentials from a profile of the CLI's profile file, re-read on every call so that a
/// refreshed STS token is picked up.
#[derive(Clone, Debug)]
pub struct ProfileProvider {
    path: Option<PathBuf>,
    profile: Option<String>,
}

impl ProfileProvider {
    /// `~/.aliyun/config.json`, profile from `ALIBABA_CLOUD_PROFILE`, else the file's current one.
    pub fn new() -> Self {
        Self::from_lookup_env(&process_env())
    }

    pub(crate) fn from_lookup_env(lookup: &EnvLookup) -> Self {
        Self {
            path: home_dir(lookup).map(|home| profile_file_path(&home)),
            profile: lookup_nonempty(lookup, ENV_PROFILE),
        }
    }

    /// Reads the file at `path`, profile chosen by the file's `current`.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Some(path.into()),
            profile: None,
        }
    }

    /// Uses the profile called `name` instead of the file's current one.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// The file this provider reads, if a home directory was found.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(crate) fn load(&self) -> Result<ProfileFile, CredentialsError> {
        let path = self.path.as_ref().ok_or_else(|| {
            CredentialsError::new(
                "no home directory (HOME is not set), so no ~/.aliyun/config.json",
            )
        })?;
        ProfileFile::from_path(path)
    }

    /// The region of the chosen profile, if the file and profile exist and name one.
    pub(crate) fn region(&self) -> Option<String> {
        let file = self.load().ok()?;
        let region = file
            .profile(self.profile.as_deref())
            .ok()?
            .region_id
            .clone();
        Some(region).filter(|r| !r.is_empty())
    }

    fn read(&self) -> Result<Credentials, CredentialsError> {
        self.load()?.credentials(self.profile.as_deref())
    }
}

impl Default for ProfileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        // The file is small and local; a blocking read is cheaper than a thread hop.
        let result = self.read();
        Box::pin(async move { result })
    }
}

/// The default chain: the environment when `ALIBABA_CLOUD_ACCESS_KEY_ID` is set, else the
/// CLI profile file.
#[derive(Clone, Debug)]
pub struct DefaultProvider {
    env: EnvironmentProvider,
    profile: ProfileProvider,
}

impl DefaultProvider {
    /// Reads the process environment and `~/.aliyun/config.json`.
    pub fn new() -> Self {
        Self::from_lookup_env(process_env())
    }

    pub(crate) fn from_lookup_env(lookup: EnvLookup) -> Self {
        Self {
            profile: ProfileProvider::from_lookup_env(&lookup),
            env: EnvironmentProvider::from_shared_lookup(lookup),
        }
    }

    fn read(&self) -> Result<Credentials, CredentialsError> {
        if self.env.is_configured() {
            return self.env.read();
        }
        self.profile.read().map_err(|e| {
            CredentialsError::new(format!(
                "{ENV_ACCESS_KEY_ID} is not set and the CLI profile gave none: {e}"
            ))
        })
    }
}

impl Default for DefaultProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for DefaultProvider {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        let result = self.read();
        Box::pin(async move { result })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> EnvLookup {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Arc::new(move |name| map.get(name).cloned())
    }

    /// A fresh directory under the system temp dir, removed on drop.
    pub(crate) struct TempHome(pub PathBuf);

    impl TempHome {
        pub(crate) fn new() -> Self {
            static N: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "oos-api-test-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join(".aliyun")).expect("temp dir");
            Self(dir)
        }

        pub(crate) fn write_config(&self, text: &str) -> PathBuf {
            let path = profile_file_path(&self.0);
            std::fs::write(&path, text).expect("write config");
            path
        }
    }

    impl Drop for TempHome {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const CONFIG: &str = r#"{
        "current": "sts",
        "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "id1", "access_key_secret": "s1",
             "region_id": "cn-hangzhou", "output_format": "json", "language": "en"},
            {"name": "sts", "mode": "StsToken", "access_key_id": "id2", "access_key_secret": "s2",
             "sts_token": "t2", "region_id": "cn-beijing"},
            {"name": "role", "mode": "RamRoleArn", "access_key_id": "id3", "access_key_secret": "s3",
             "ram_role_arn": "acs:ram::1:role/x"},
            {"name": "broken", "mode": "StsToken", "access_key_id": "id4", "access_key_secret": "s4"}
        ],
        "meta_path": ""
    }"#;

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    #[test]
    fn debug_redacts_secrets() {
        let c = Credentials::with_security_token("AKID", "SUPERSECRET", "TOKENVALUE");
        let shown = format!("{c:?} {c:#?}");
        assert!(shown.contains("AKID"));
        assert!(
            !shown.contains("SUPERSECRET") && !shown.contains("TOKENVALUE"),
            "{shown}"
        );

        let file = ProfileFile::parse(CONFIG, "/x/config.json").expect("parse");
        let shown = format!("{file:?}");
        assert!(
            !shown.contains("\"s2\"") && !shown.contains("\"t2\""),
            "{shown}"
        );
    }

    #[test]
    fn credentials_provide_themselves() {
        let c = Credentials::new("a", "b");
        assert_eq!(block_on(c.provide()), Ok(c.clone()));
        assert_eq!(c.security_token(), None);
        assert_eq!((c.access_key_id(), c.access_key_secret()), ("a", "b"));
    }

    #[test]
    fn environment_provider() {
        let p = EnvironmentProvider::from_shared_lookup(env(&[
            (ENV_ACCESS_KEY_ID, "id"),
            (ENV_ACCESS_KEY_SECRET, "sec"),
        ]));
        assert_eq!(block_on(p.provide()), Ok(Credentials::new("id", "sec")));

        let p = EnvironmentProvider::from_lookup(|name| match name {
            ENV_ACCESS_KEY_ID => Some("id".into()),
            ENV_ACCESS_KEY_SECRET => Some("sec".into()),
            ENV_SECURITY_TOKEN => Some("tok".into()),
            _ => None,
        });
        assert_eq!(
            block_on(p.provide()),
            Ok(Credentials::with_security_token("id", "sec", "tok"))
        );

        let p = EnvironmentProvider::from_shared_lookup(env(&[
            (ENV_ACCESS_KEY_ID, "id"),
            (ENV_ACCESS_KEY_SECRET, " "),
        ]));
        let err = block_on(p.provide()).expect_err("blank secret");
        assert!(err.message().contains(ENV_ACCESS_KEY_SECRET), "{err}");

        let p = EnvironmentProvider::from_shared_lookup(env(&[]));
        assert!(!p.is_configured());
        assert!(block_on(p.provide()).is_err());
    }

    #[test]
    fn profile_file_modes() {
        let file = ProfileFile::parse(CONFIG, "/x/config.json").expect("parse");
        assert_eq!(file.current(), Some("sts"));
        assert_eq!(file.profiles().len(), 4);
        assert_eq!(
            file.credentials(None),
            Ok(Credentials::with_security_token("id2", "s2", "t2"))
        );
        assert_eq!(
            file.credentials(Some("default")),
            Ok(Credentials::new("id1", "s1"))
        );
        assert_eq!(
            file.profile(Some("default")).map(|p| p.region_id.as_str()),
            Ok("cn-hangzhou")
        );

        let err = file
            .credentials(Some("role"))
            .expect_err("unsupported mode");
        assert!(
            err.message().contains("RamRoleArn") && err.message().contains("/x/config.json"),
            "{err}"
        );
        assert!(!err.message().contains("s3"), "{err}");

        let err = file.credentials(Some("broken")).expect_err("no token");
        assert!(err.message().contains("sts_token"), "{err}");

        let err = file.credentials(Some("nope")).expect_err("absent");
        assert!(err.message().contains("`nope`"), "{err}");
    }

    #[test]
    fn profile_file_without_current_uses_default() {
        let file = ProfileFile::parse(
            r#"{"profiles": [{"name": "default", "access_key_id": "i", "access_key_secret": "s"}]}"#,
            "p",
        )
        .expect("parse");
        assert_eq!(file.current(), None);
        assert_eq!(file.credentials(None), Ok(Credentials::new("i", "s")));
    }

    #[test]
    fn malformed_profile_file_is_a_clear_error() {
        let err = ProfileFile::parse("{\"profiles\": [", "/x/config.json").expect_err("malformed");
        assert!(err.message().contains("/x/config.json"), "{err}");
        let err = ProfileFile::from_path("/nonexistent/oos-api/config.json").expect_err("missing");
        assert!(err.message().contains("cannot read"), "{err}");
    }

    #[test]
    fn profile_provider_reads_temp_home() {
        let home = TempHome::new();
        let path = home.write_config(CONFIG);
        let lookup = env(&[
            ("HOME", home.0.to_str().expect("utf-8 temp dir")),
            (ENV_PROFILE, "default"),
        ]);
        let p = ProfileProvider::from_lookup_env(&lookup);
        assert_eq!(p.path(), Some(path.as_path()));
        assert_eq!(block_on(p.provide()), Ok(Credentials::new("id1", "s1")));
        assert_eq!(p.region().as_deref(), Some("cn-hangzhou"));

        let p = ProfileProvider::from_path(&path);
        assert_eq!(
            block_on(p.provide()),
            Ok(Credentials::with_security_token("id2", "s2", "t2"))
        );
        let p = p.profile_name("default");
        assert_eq!(block_on(p.provide()), Ok(Credentials::new("id1", "s1")));
    }

    #[test]
    fn default_chain_prefers_environment() {
        let home = TempHome::new();
        home.write_config(CONFIG);
        let h = home.0.to_str().expect("utf-8 temp dir");

        let with_env = DefaultProvider::from_lookup_env(env(&[
            ("HOME", h),
            (ENV_ACCESS_KEY_ID, "envid"),
            (ENV_ACCESS_KEY_SECRET, "envsec"),
        ]));
        assert_eq!(
            block_on(with_env.provide()),
            Ok(Credentials::new("envid", "envsec"))
        );

        let from_file = DefaultProvider::from_lookup_env(env(&[("HOME", h)]));
        assert_eq!(
            block_on(from_file.provide()),
            Ok(Credentials::with_security_token("id2", "s2", "t2"))
        );

        let nothing =
            DefaultProvider::from_lookup_env(env(&[("HOME", "/nonexistent/oos-api-home")]));
        let err = block_on(nothing.provide()).expect_err("no credentials");
        assert!(err.message().contains(ENV_ACCESS_KEY_ID), "{err}");

        let no_home = DefaultProvider::from_lookup_env(env(&[]));
        assert!(block_on(no_home.provide()).is_err());
    }
}
