//! The Alibaba Cloud CLI's profile file, `~/.aliyun/config.json` (or
//! `ALIBABA_CLOUD_CONFIG_FILE`), in every mode a service can use: `AK`, `StsToken`,
//! `RamRoleArn`, `EcsRamRole`, `ChainableRamRoleArn`, `OIDC` and `CredentialsURI`. The modes
//! that need a person at hand (`CloudSSO`, `OAuth`) or run a program (`External`) are
//! refused with a message saying so.
//!
//! The profile is the one named in code, else by `ALIBABA_CLOUD_PROFILE`, else the file's
//! `current`, else `default`. A missing file, a profile named by `ALIBABA_CLOUD_PROFILE`
//! that the file does not have (it may be in `credentials.ini`) and an `AK` profile with no
//! key at all (as the CLI writes before `aliyun configure`) count as not configured; every
//! other problem is an error naming the file, the profile and the field.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::cache::{cached_provider, CachedProvider};
use super::ecs::EcsFetcher;
use super::oidc::OidcFetcher;
use super::sts::{AssumeRoleFetcher, EndpointSettings, RoleSettings, DEFAULT_DURATION};
use super::uri::UriFetcher;
use super::{
    home_dir, lookup_flag, lookup_nonempty, process_env, Credentials, CredentialsError, EnvLookup,
    ProvideCredentials, ProvideCredentialsFuture, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET,
    ENV_CLI_PROFILE_DISABLED, ENV_CONFIG_FILE, ENV_PROFILE,
};

/// The path of the CLI profile file under a home directory: `<home>/.aliyun/config.json`.
pub fn profile_file_path(home: &Path) -> PathBuf {
    home.join(".aliyun").join("config.json")
}

const SUPPORTED_MODES: &str =
    "AK, StsToken, RamRoleArn, EcsRamRole, ChainableRamRoleArn, OIDC, CredentialsURI";

/// One profile of the Alibaba Cloud CLI's `config.json`.
#[derive(Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Profile {
    /// The profile's name.
    #[serde(default)]
    pub name: String,
    /// The credential mode (`AK` when empty).
    #[serde(default)]
    pub mode: String,
    /// The AccessKey id (`AK`, `StsToken`, `RamRoleArn`).
    #[serde(default)]
    pub access_key_id: String,
    #[serde(default)]
    access_key_secret: String,
    #[serde(default)]
    sts_token: String,
    /// The profile's default region.
    #[serde(default)]
    pub region_id: String,
    /// The role to assume (`RamRoleArn`, `ChainableRamRoleArn`, `OIDC`).
    #[serde(default)]
    pub ram_role_arn: String,
    /// The role session's name.
    #[serde(default)]
    pub ram_session_name: String,
    /// The name the Python library reads for `OIDC` profiles; used when `ram_session_name`
    /// is empty.
    #[serde(default)]
    role_session_name: String,
    /// The role session's length in seconds (0: one hour).
    #[serde(default)]
    pub expired_seconds: u64,
    /// A policy narrowing the role session.
    #[serde(default)]
    pub policy: String,
    #[serde(default)]
    external_id: String,
    /// The region whose STS endpoint is used.
    #[serde(default)]
    pub sts_region: String,
    /// Whether that endpoint is the VPC one; when absent, `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`.
    #[serde(default)]
    pub enable_vpc: Option<bool>,
    /// The STS endpoint, a host or a URL.
    #[serde(default)]
    pub sts_endpoint: String,
    /// The ECS instance's RAM role (`EcsRamRole`; empty: asked of the metadata service).
    #[serde(default)]
    pub ram_role_name: String,
    /// The profile whose credentials assume the role (`ChainableRamRoleArn`).
    #[serde(default)]
    pub source_profile: String,
    /// The OIDC identity provider (`OIDC`).
    #[serde(default)]
    pub oidc_provider_arn: String,
    /// The OIDC token file (`OIDC`).
    #[serde(default)]
    pub oidc_token_file: String,
    #[serde(default)]
    credentials_uri: String,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |value: &str| (!value.is_empty()).then_some("** redacted **");
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("mode", &self.mode)
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"** redacted **")
            .field("sts_token", &"** redacted **")
            .field("region_id", &self.region_id)
            .field("ram_role_arn", &self.ram_role_arn)
            .field("ram_session_name", &self.ram_session_name)
            .field("expired_seconds", &self.expired_seconds)
            .field("external_id", &set(&self.external_id))
            .field("sts_region", &self.sts_region)
            .field("enable_vpc", &self.enable_vpc)
            .field("sts_endpoint", &self.sts_endpoint)
            .field("ram_role_name", &self.ram_role_name)
            .field("source_profile", &self.source_profile)
            .field("oidc_provider_arn", &self.oidc_provider_arn)
            .field("oidc_token_file", &self.oidc_token_file)
            .field("credentials_uri", &set(&self.credentials_uri))
            .finish_non_exhaustive()
    }
}

impl Profile {
    fn mode(&self) -> &str {
        if self.mode.is_empty() {
            "AK"
        } else {
            &self.mode
        }
    }

    /// An `AK` profile with neither key, as the CLI leaves `default` before it is configured.
    fn is_blank(&self) -> bool {
        self.mode() == "AK" && self.access_key_id.is_empty() && self.access_key_secret.is_empty()
    }

    fn endpoint_settings(&self) -> EndpointSettings {
        EndpointSettings {
            endpoint: Some(self.sts_endpoint.clone()).filter(|e| !e.is_empty()),
            region: Some(self.sts_region.clone()).filter(|r| !r.is_empty()),
            vpc: self.enable_vpc,
        }
    }

    fn role_settings(&self, lookup: &EnvLookup) -> RoleSettings {
        let mut settings = RoleSettings::new(self.ram_role_arn.clone(), Arc::clone(lookup));
        settings.session_name = [&self.ram_session_name, &self.role_session_name]
            .into_iter()
            .find(|n| !n.is_empty())
            .cloned();
        settings.duration = match self.expired_seconds {
            0 => DEFAULT_DURATION,
            secs => std::time::Duration::from_secs(secs),
        };
        settings.policy = Some(self.policy.clone()).filter(|p| !p.is_empty());
        settings.endpoint = self.endpoint_settings();
        settings
    }
}

/// Reads the fields of one profile object, refusing wrong types without quoting values.
fn parse_profile(value: &Value, index: usize, path: &Path) -> Result<Profile, CredentialsError> {
    let Value::Object(map) = value else {
        return Err(CredentialsError::invalid_configuration(format!(
            "profile #{} in {} is not an object",
            index + 1,
            path.display()
        )));
    };
    let label = match map.get("name") {
        Some(Value::String(name)) => format!("profile `{name}`"),
        _ => format!("profile #{}", index + 1),
    };
    let wrong = |field: &str, expected: &str| {
        CredentialsError::invalid_configuration(format!(
            "{label} in {}: `{field}` must be {expected}",
            path.display()
        ))
    };
    let string = |field: &str| -> Result<String, CredentialsError> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.trim().to_owned()),
            Some(_) => Err(wrong(field, "a string")),
        }
    };
    let number = |field: &str| -> Result<u64, CredentialsError> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(0),
            Some(Value::Number(n)) => n.as_u64().ok_or_else(|| wrong(field, "a whole number")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(0),
            Some(Value::String(s)) => s.trim().parse().map_err(|_| wrong(field, "a whole number")),
            Some(_) => Err(wrong(field, "a whole number")),
        }
    };
    let boolean = |field: &str| -> Result<Option<bool>, CredentialsError> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(_) => Err(wrong(field, "true or false")),
        }
    };
    Ok(Profile {
        name: string("name")?,
        mode: string("mode")?,
        access_key_id: string("access_key_id")?,
        access_key_secret: string("access_key_secret")?,
        sts_token: string("sts_token")?,
        region_id: string("region_id")?,
        ram_role_arn: string("ram_role_arn")?,
        ram_session_name: string("ram_session_name")?,
        role_session_name: string("role_session_name")?,
        expired_seconds: number("expired_seconds")?,
        policy: string("policy")?,
        external_id: string("external_id")?,
        sts_region: string("sts_region")?,
        enable_vpc: boolean("enable_vpc")?,
        sts_endpoint: string("sts_endpoint")?,
        ram_role_name: string("ram_role_name")?,
        source_profile: string("source_profile")?,
        oidc_provider_arn: string("oidc_provider_arn")?,
        oidc_token_file: string("oidc_token_file")?,
        credentials_uri: string("credentials_uri")?,
    })
}

/// The Alibaba Cloud CLI's profile file (`~/.aliyun/config.json`).
#[derive(Clone, Debug)]
pub struct ProfileFile {
    path: PathBuf,
    current: Option<String>,
    profiles: Vec<Profile>,
}

/// How the profile to use was chosen, which decides what its absence means.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Choice {
    /// Named in code: its absence is an error.
    Named(String),
    /// Named by `ALIBABA_CLOUD_PROFILE`: absent here, it may be in `credentials.ini`.
    FromEnv(String),
    /// The file's `current`, else `default`.
    FileDefault,
}

impl ProfileFile {
    /// Reads and parses the file at `path`.
    pub fn from_path(path: impl Into<PathBuf>) -> Result<Self, CredentialsError> {
        let path = path.into();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            CredentialsError::invalid_configuration(format!("cannot read {}", path.display()))
                .with_source(e)
        })?;
        Self::parse(&text, path)
    }

    /// Parses `text`; `path` is only used in messages.
    pub fn parse(text: &str, path: impl Into<PathBuf>) -> Result<Self, CredentialsError> {
        let path = path.into();
        let invalid = |what: String| {
            CredentialsError::invalid_configuration(format!("{} {what}", path.display()))
        };
        // serde_json's message names a line and column, never the offending value; the
        // position is said here too so that the message alone tells where to look.
        let value: Value = serde_json::from_str(text).map_err(|e| {
            invalid(format!(
                "is not a valid profile file: invalid JSON at line {}, column {}",
                e.line(),
                e.column()
            ))
            .with_source(e)
        })?;
        let Value::Object(top) = value else {
            return Err(invalid(
                "is not a valid profile file: not a JSON object".into(),
            ));
        };
        let current = match top.get("current") {
            None | Some(Value::Null) => None,
            Some(Value::String(c)) => Some(c.trim().to_owned()).filter(|c| !c.is_empty()),
            Some(_) => return Err(invalid("has a `current` that is not a string".into())),
        };
        let profiles = match top.get("profiles") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list
                .iter()
                .enumerate()
                .map(|(i, p)| parse_profile(p, i, &path))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(invalid("has `profiles` that are not a list".into())),
        };
        Ok(Self {
            path,
            current,
            profiles,
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

    fn find(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// The profile called `name`, else the file's current one, else one called `default`.
    pub fn profile(&self, name: Option<&str>) -> Result<&Profile, CredentialsError> {
        let choice = match name {
            Some(name) => Choice::Named(name.to_owned()),
            None => Choice::FileDefault,
        };
        self.choose(&choice)
    }

    fn choose(&self, choice: &Choice) -> Result<&Profile, CredentialsError> {
        let path = self.path.display();
        let (wanted, absent) = match (choice, &self.current) {
            (Choice::Named(name), _) => (
                name.as_str(),
                CredentialsError::invalid_configuration(format!(
                    "profile `{name}` is not in {path}"
                )),
            ),
            (Choice::FromEnv(name), _) => (
                name.as_str(),
                CredentialsError::not_configured(format!(
                    "profile `{name}` (named by {ENV_PROFILE}) is not in {path}"
                )),
            ),
            (Choice::FileDefault, Some(current)) => (
                current.as_str(),
                CredentialsError::invalid_configuration(format!(
                    "the current profile `{current}` is not in {path}"
                )),
            ),
            (Choice::FileDefault, None) => (
                "default",
                CredentialsError::not_configured(format!(
                    "{path} names no current profile and has none called `default`"
                )),
            ),
        };
        self.find(wanted).ok_or(absent)
    }

    /// The credentials of the profile chosen as in [`profile`](Self::profile), for the
    /// modes that hold them (`AK`, `StsToken`); the others need a fetch, which
    /// [`ProfileProvider`] does.
    pub fn credentials(&self, name: Option<&str>) -> Result<Credentials, CredentialsError> {
        let profile = self.profile(name)?;
        match profile.mode() {
            "AK" | "StsToken" => self.static_credentials(profile),
            mode => Err(CredentialsError::invalid_configuration(format!(
                "profile `{}` in {} has mode {mode}, whose credentials are fetched: use \
                 ProfileProvider",
                profile.name,
                self.path.display()
            ))),
        }
    }

    fn missing(&self, profile: &Profile, field: &str) -> CredentialsError {
        CredentialsError::invalid_configuration(format!(
            "profile `{}` in {} has mode {} but no `{field}`",
            profile.name,
            self.path.display(),
            profile.mode()
        ))
    }

    fn require<'p>(
        &self,
        profile: &'p Profile,
        field: &str,
        value: &'p str,
    ) -> Result<&'p str, CredentialsError> {
        if value.is_empty() {
            Err(self.missing(profile, field))
        } else {
            Ok(value)
        }
    }

    fn access_key(&self, profile: &Profile) -> Result<Credentials, CredentialsError> {
        let id = self.require(profile, "access_key_id", &profile.access_key_id)?;
        let secret = self.require(profile, "access_key_secret", &profile.access_key_secret)?;
        // The CLI signs AssumeRole with a RamRoleArn profile's `sts_token` when it has one.
        Ok(if profile.sts_token.is_empty() {
            Credentials::new(id, secret)
        } else {
            Credentials::with_security_token(id, secret, &profile.sts_token)
        })
    }

    fn static_credentials(&self, profile: &Profile) -> Result<Credentials, CredentialsError> {
        if profile.mode() == "StsToken" {
            self.require(profile, "sts_token", &profile.sts_token)?;
        }
        let credentials = self.access_key(profile)?;
        Ok(if profile.mode() == "AK" {
            Credentials::new(credentials.access_key_id(), credentials.access_key_secret())
        } else {
            credentials
        })
    }

    /// What hands out the credentials of `profile`: the credentials themselves, or a fetcher
    /// (not cached: the caller caches). `visited` holds the profiles a chain went through.
    fn source(
        &self,
        profile: &Profile,
        lookup: &EnvLookup,
        visited: &mut Vec<String>,
    ) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let path = self.path.display();
        Ok(match profile.mode() {
            "AK" | "StsToken" => Arc::new(self.static_credentials(profile)?),
            "RamRoleArn" => {
                self.require(profile, "ram_role_arn", &profile.ram_role_arn)?;
                let source = self.access_key(profile)?;
                self.assume_role(profile, Arc::new(source), "its AccessKey", lookup)
            }
            "ChainableRamRoleArn" => {
                self.require(profile, "ram_role_arn", &profile.ram_role_arn)?;
                let source_name =
                    self.require(profile, "source_profile", &profile.source_profile)?;
                visited.push(profile.name.clone());
                if visited.iter().any(|v| v == source_name) {
                    return Err(CredentialsError::invalid_configuration(format!(
                        "profiles in {path} form a loop through `source_profile`: {} -> {source_name}",
                        visited.join(" -> ")
                    )));
                }
                let source_profile = self.find(source_name).ok_or_else(|| {
                    CredentialsError::invalid_configuration(format!(
                        "profile `{}` in {path} has `source_profile` `{source_name}`, which \
                         is not in the file",
                        profile.name
                    ))
                })?;
                let source = self.source(source_profile, lookup, visited)?;
                self.assume_role(profile, source, &format!("profile `{source_name}`"), lookup)
            }
            "EcsRamRole" => {
                let mut fetcher = EcsFetcher::from_lookup(lookup);
                fetcher.set_role(Some(profile.ram_role_name.clone()));
                Arc::new(fetcher)
            }
            "OIDC" => {
                self.require(profile, "ram_role_arn", &profile.ram_role_arn)?;
                let provider =
                    self.require(profile, "oidc_provider_arn", &profile.oidc_provider_arn)?;
                let file = self.require(profile, "oidc_token_file", &profile.oidc_token_file)?;
                Arc::new(OidcFetcher::new(
                    profile.role_settings(lookup),
                    provider,
                    file,
                ))
            }
            "CredentialsURI" => {
                let uri = self.require(profile, "credentials_uri", &profile.credentials_uri)?;
                Arc::new(UriFetcher::new(uri, "its `credentials_uri`"))
            }
            mode @ ("CloudSSO"
            | "OAuth"
            | "External"
            | "RsaKeyPair"
            | "RamRoleArnWithRoleName"
            | "BearerToken") => {
                return Err(CredentialsError::invalid_configuration(format!(
                    "profile `{}` in {path} has mode {mode}, which this client does not \
                     support (supported: {SUPPORTED_MODES}); set {ENV_ACCESS_KEY_ID} and \
                     {ENV_ACCESS_KEY_SECRET}, use another profile, or pass credentials in code",
                    profile.name
                )))
            }
            // The value is not repeated: it could be a secret written in the wrong field.
            _ => {
                return Err(CredentialsError::invalid_configuration(format!(
                    "profile `{}` in {path} has an unknown `mode` (supported: \
                     {SUPPORTED_MODES})",
                    profile.name
                )))
            }
        })
    }

    fn assume_role(
        &self,
        profile: &Profile,
        source: Arc<dyn ProvideCredentials>,
        source_name: &str,
        lookup: &EnvLookup,
    ) -> Arc<dyn ProvideCredentials> {
        let mut fetcher =
            AssumeRoleFetcher::new(source, source_name, profile.role_settings(lookup));
        fetcher.set_external_id(Some(profile.external_id.clone()));
        Arc::new(fetcher)
    }
}

/// Reads the profile file and fetches the chosen profile's credentials; not cached by
/// itself.
pub(crate) struct ProfileFetcher {
    path: Option<PathBuf>,
    /// A path given in code or by `ALIBABA_CLOUD_CONFIG_FILE` must exist.
    path_explicit: bool,
    choice: Choice,
    disabled: bool,
    lookup: EnvLookup,
    /// The client offered by [`ProvideCredentials::use_http_client`], handed to each
    /// fetching source as it is made (the file is read again at every fetch).
    http: std::sync::OnceLock<reqwest::Client>,
}

impl ProfileFetcher {
    pub(crate) fn from_lookup(lookup: &EnvLookup) -> Self {
        let (path, path_explicit) = match lookup_nonempty(lookup, ENV_CONFIG_FILE) {
            Some(path) => (Some(PathBuf::from(path.trim())), true),
            None => (home_dir(lookup).map(|home| profile_file_path(&home)), false),
        };
        Self {
            path,
            path_explicit,
            choice: match lookup_nonempty(lookup, ENV_PROFILE) {
                Some(name) => Choice::FromEnv(name.trim().to_owned()),
                None => Choice::FileDefault,
            },
            disabled: lookup_flag(lookup, ENV_CLI_PROFILE_DISABLED),
            lookup: Arc::clone(lookup),
            http: std::sync::OnceLock::new(),
        }
    }

    fn load(&self) -> Result<ProfileFile, CredentialsError> {
        if self.disabled {
            return Err(CredentialsError::not_configured(format!(
                "{ENV_CLI_PROFILE_DISABLED} is true"
            )));
        }
        let path = self.path.as_ref().ok_or_else(|| {
            CredentialsError::not_configured(
                "no home directory (HOME is not set), so no ~/.aliyun/config.json",
            )
        })?;
        match std::fs::read_to_string(path) {
            Ok(text) => ProfileFile::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !self.path_explicit => Err(
                CredentialsError::not_configured(format!("{} does not exist", path.display()))
                    .with_source(e),
            ),
            Err(e) => Err(CredentialsError::invalid_configuration(format!(
                "cannot read {}",
                path.display()
            ))
            .with_source(e)),
        }
    }

    fn chosen<'f>(&self, file: &'f ProfileFile) -> Result<&'f Profile, CredentialsError> {
        let profile = file.choose(&self.choice)?;
        if profile.is_blank() {
            return Err(CredentialsError::not_configured(format!(
                "profile `{}` in {} has no AccessKey (the CLI is not configured)",
                profile.name,
                file.path.display()
            )));
        }
        Ok(profile)
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let file = self.load()?;
        let profile = self.chosen(&file)?;
        let context = format!("profile `{}` in {}", profile.name, file.path.display());
        let source = file.source(profile, &self.lookup, &mut Vec::new())?;
        if let Some(client) = self.http.get() {
            source.use_http_client(client);
        }
        let result = source.provide().await;
        // The profile is set up, so whatever its source lacks is a failure, not a reason to
        // try the next source of a chain.
        result.map_err(|e| e.configured().context(&context))
    }
}

impl ProvideCredentials for ProfileFetcher {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.fetch())
    }

    fn use_http_client(&self, client: &reqwest::Client) {
        let _ = self.http.set(client.clone());
    }
}

impl fmt::Debug for ProfileFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileFetcher")
            .field("path", &self.path)
            .field("choice", &self.choice)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// Credentials from a profile of the CLI's profile file, in any mode a service can use;
/// static ones are read once, fetched ones cached and refreshed ahead of expiry (the file is
/// read again at each refresh).
pub struct ProfileProvider {
    inner: CachedProvider<ProfileFetcher>,
}

impl ProfileProvider {
    /// `~/.aliyun/config.json` (or `ALIBABA_CLOUD_CONFIG_FILE`), profile from
    /// `ALIBABA_CLOUD_PROFILE`, else the file's current one.
    pub fn new() -> Self {
        Self::from_lookup_env(&process_env())
    }

    /// As [`new`](Self::new), reading variables (`HOME` included) through `lookup`.
    pub fn from_env_lookup(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self::from_lookup_env(&(Arc::new(lookup) as EnvLookup))
    }

    pub(crate) fn from_lookup_env(lookup: &EnvLookup) -> Self {
        Self::from_fetcher(ProfileFetcher::from_lookup(lookup))
    }

    fn from_fetcher(fetcher: ProfileFetcher) -> Self {
        Self {
            inner: CachedProvider::labelled(fetcher, "the CLI profile"),
        }
    }

    /// Reads the file at `path`, profile chosen by the file's `current`.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let mut fetcher = ProfileFetcher::from_lookup(&process_env());
        fetcher.path = Some(path.into());
        fetcher.path_explicit = true;
        fetcher.choice = Choice::FileDefault;
        fetcher.disabled = false;
        Self::from_fetcher(fetcher)
    }

    /// Uses the profile called `name` instead of the file's current one.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.inner.source_mut().choice = Choice::Named(name.into());
        self
    }

    /// The file this provider reads, if a home directory was found.
    pub fn path(&self) -> Option<&Path> {
        self.inner.source().path.as_deref()
    }

    /// The region of the chosen profile, if the file and profile exist and name one.
    pub(crate) fn region(&self) -> Option<String> {
        let fetcher = self.inner.source();
        let file = fetcher.load().ok()?;
        let region = file.choose(&fetcher.choice).ok()?.region_id.clone();
        Some(region).filter(|r| !r.is_empty())
    }
}

cached_provider!(ProfileProvider);

impl Default for ProfileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ProfileProvider")
            .field(self.inner.source())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::testing::{block_on, env, typed_cause, TempHome};
    use crate::credentials::{CredentialsErrorKind, ENV_ECS_METADATA_DISABLED};

    const CONFIG: &str = r#"{
        "current": "sts",
        "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "id1", "access_key_secret": "s1",
             "region_id": "cn-hangzhou", "output_format": "json", "language": "en"},
            {"name": "sts", "mode": "StsToken", "access_key_id": "id2", "access_key_secret": "s2",
             "sts_token": "t2", "region_id": "cn-beijing"},
            {"name": "role", "mode": "RamRoleArn", "access_key_id": "id3", "access_key_secret": "s3",
             "ram_role_arn": "acs:ram::1:role/x", "expired_seconds": 900, "enable_vpc": true,
             "sts_region": "cn-shanghai"},
            {"name": "broken", "mode": "StsToken", "access_key_id": "id4", "access_key_secret": "s4"}
        ],
        "meta_path": ""
    }"#;

    #[test]
    fn debug_redacts_secrets() {
        let file = ProfileFile::parse(CONFIG, "/x/config.json").expect("parse");
        let shown = format!("{file:?}");
        assert!(
            !shown.contains("\"s2\"") && !shown.contains("\"t2\"") && !shown.contains("\"s3\""),
            "{shown}"
        );
        assert!(shown.contains("acs:ram::1:role/x"), "{shown}");
    }

    #[test]
    fn static_modes() {
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
        let role = file.profile(Some("role")).expect("role");
        assert_eq!(role.expired_seconds, 900);
        assert_eq!(role.enable_vpc, Some(true));

        let err = file.credentials(Some("role")).expect_err("fetched mode");
        assert!(
            err.message().contains("RamRoleArn") && err.message().contains("ProfileProvider"),
            "{err}"
        );
        let err = file.credentials(Some("broken")).expect_err("no token");
        assert!(err.message().contains("`sts_token`"), "{err}");
        assert!(err.message().contains("/x/config.json"), "{err}");
        let err = file.credentials(Some("nope")).expect_err("absent");
        assert!(err.message().contains("`nope`"), "{err}");
    }

    #[test]
    fn without_current_default_is_used() {
        let file = ProfileFile::parse(
            r#"{"profiles": [{"name": "default", "access_key_id": "i", "access_key_secret": "s"}]}"#,
            "p",
        )
        .expect("parse");
        assert_eq!(file.current(), None);
        assert_eq!(file.credentials(None), Ok(Credentials::new("i", "s")));
    }

    #[test]
    fn malformed_files_are_clear_errors_without_values() {
        let err = ProfileFile::parse("{\"profiles\": [", "/x/config.json").expect_err("malformed");
        assert!(
            err.message().contains("/x/config.json") && err.message().contains("line"),
            "{err}"
        );
        let err = ProfileFile::from_path("/nonexistent/oos-api/config.json").expect_err("missing");
        assert!(err.message().contains("cannot read"), "{err}");
        let cases = [
            (r#"["SECRETVALUE"]"#, "not a JSON object"),
            (r#"{"current": 5}"#, "`current` that is not a string"),
            (
                r#"{"profiles": "SECRETVALUE"}"#,
                "`profiles` that are not a list",
            ),
            (
                r#"{"profiles": ["SECRETVALUE"]}"#,
                "profile #1 in /x/config.json is not an object",
            ),
            (
                r#"{"profiles": [{"name": "p", "access_key_secret": 12345}]}"#,
                "profile `p` in /x/config.json: `access_key_secret` must be a string",
            ),
            (
                r#"{"profiles": [{"name": "p", "expired_seconds": "SECRETVALUE"}]}"#,
                "`expired_seconds` must be a whole number",
            ),
            (
                r#"{"profiles": [{"name": "p", "enable_vpc": "SECRETVALUE"}]}"#,
                "`enable_vpc` must be true or false",
            ),
        ];
        for (text, expected) in cases {
            let err = ProfileFile::parse(text, "/x/config.json").expect_err(text);
            assert!(err.message().contains(expected), "{err}");
            assert!(
                !err.message().contains("SECRETVALUE") && !err.message().contains("12345"),
                "{err}"
            );
            assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
        }
        let lenient = ProfileFile::parse(
            r#"{"profiles": [{"name": "p", "expired_seconds": "1200", "enable_vpc": "TRUE"}]}"#,
            "p",
        )
        .expect("strings the CLI may write");
        assert_eq!(lenient.profiles()[0].expired_seconds, 1200);
        assert_eq!(lenient.profiles()[0].enable_vpc, Some(true));
    }

    fn fetcher(home: &TempHome, extra: &[(&str, &str)]) -> ProfileFetcher {
        let mut pairs = vec![("HOME", home.path()), (ENV_ECS_METADATA_DISABLED, "true")];
        pairs.extend_from_slice(extra);
        ProfileFetcher::from_lookup(&env(&pairs))
    }

    fn fetch(home: &TempHome, extra: &[(&str, &str)]) -> Result<Credentials, CredentialsError> {
        block_on(fetcher(home, extra).fetch())
    }

    #[test]
    fn which_profile_and_what_absence_means() {
        let home = TempHome::new();
        let err = fetch(&home, &[]).expect_err("no file");
        assert!(
            err.is_not_configured() && err.message().contains("does not exist"),
            "{err}"
        );

        home.write_config(CONFIG);
        assert_eq!(
            fetch(&home, &[]),
            Ok(Credentials::with_security_token("id2", "s2", "t2"))
        );
        assert_eq!(
            fetch(&home, &[(ENV_PROFILE, "default")]),
            Ok(Credentials::new("id1", "s1"))
        );
        let err = fetch(&home, &[(ENV_PROFILE, "elsewhere")]).expect_err("not here");
        assert!(err.is_not_configured(), "may be in credentials.ini: {err}");
        assert!(err.message().contains("ALIBABA_CLOUD_PROFILE"), "{err}");
        let err = fetch(&home, &[(ENV_CLI_PROFILE_DISABLED, "True")]).expect_err("disabled");
        assert!(err.is_not_configured(), "{err}");

        let err = fetch(&home, &[(ENV_PROFILE, "broken")]).expect_err("broken");
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);

        home.write_config(r#"{"current": "gone", "profiles": []}"#);
        let err = fetch(&home, &[]).expect_err("current absent");
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
        assert!(
            err.message().contains("the current profile `gone`"),
            "{err}"
        );

        // What `aliyun` leaves behind before it is configured.
        home.write_config(
            r#"{"current": "default", "profiles": [{"name": "default", "mode": "AK",
                "access_key_id": "", "access_key_secret": "", "region_id": ""}]}"#,
        );
        let err = fetch(&home, &[]).expect_err("blank");
        assert!(err.is_not_configured(), "{err}");

        let err = fetch(&home, &[(ENV_CONFIG_FILE, "/nonexistent/oos/config.json")])
            .expect_err("explicit path");
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);

        let no_home = ProfileFetcher::from_lookup(&env(&[]));
        assert!(block_on(no_home.fetch())
            .expect_err("no home")
            .is_not_configured());
    }

    #[test]
    fn fetched_modes_are_checked_before_any_request() {
        let home = TempHome::new();
        let cases = [
            (
                r#"{"mode": "RamRoleArn", "access_key_id": "i", "access_key_secret": "s"}"#,
                "`ram_role_arn`",
            ),
            (
                r#"{"mode": "RamRoleArn", "ram_role_arn": "r", "access_key_id": "i"}"#,
                "`access_key_secret`",
            ),
            (
                r#"{"mode": "ChainableRamRoleArn", "ram_role_arn": "r"}"#,
                "`source_profile`",
            ),
            (
                r#"{"mode": "ChainableRamRoleArn", "ram_role_arn": "r", "source_profile": "ghost"}"#,
                "`ghost`, which is not in the file",
            ),
            (
                r#"{"mode": "ChainableRamRoleArn", "ram_role_arn": "r", "source_profile": "p"}"#,
                "loop through `source_profile`: p -> p",
            ),
            (
                r#"{"mode": "OIDC", "ram_role_arn": "r", "oidc_token_file": "/t"}"#,
                "`oidc_provider_arn`",
            ),
            (r#"{"mode": "CredentialsURI"}"#, "`credentials_uri`"),
            (
                r#"{"mode": "CredentialsURI", "credentials_uri": "nope?SECRETVALUE"}"#,
                "`credentials_uri` is not an http(s) URL",
            ),
            (
                r#"{"mode": "CloudSSO"}"#,
                "mode CloudSSO, which this client does not support",
            ),
            (r#"{"mode": "External"}"#, "does not support"),
            (r#"{"mode": "Weird"}"#, "unknown `mode`"),
            (
                r#"{"mode": "EcsRamRole"}"#,
                "ALIBABA_CLOUD_ECS_METADATA_DISABLED is true",
            ),
        ];
        for (profile, expected) in cases {
            let p = profile.replacen('{', r#"{"name": "p", "#, 1);
            home.write_config(&format!(r#"{{"current": "p", "profiles": [{p}]}}"#));
            let err = fetch(&home, &[]).expect_err(profile);
            assert!(!err.is_not_configured(), "{profile}: {err:?}");
            assert!(err.message().contains(expected), "{profile}: {err}");
            assert!(err.message().contains("config.json"), "{profile}: {err}");
            assert!(!err.message().contains("SECRETVALUE"), "{err}");
        }
        // A loop through several profiles names them in order.
        home.write_config(
            r#"{"current": "a", "profiles": [
                {"name": "a", "mode": "ChainableRamRoleArn", "ram_role_arn": "r", "source_profile": "b"},
                {"name": "b", "mode": "ChainableRamRoleArn", "ram_role_arn": "r", "source_profile": "a"}]}"#,
        );
        let err = fetch(&home, &[]).expect_err("loop");
        assert!(err.message().contains("a -> b -> a"), "{err}");
    }

    #[test]
    fn provider_reads_temp_home_once() {
        let home = TempHome::new();
        let path = home.write_config(CONFIG);
        let p = ProfileProvider::from_env_lookup({
            let h = home.path().to_owned();
            move |name| match name {
                "HOME" => Some(h.clone()),
                ENV_PROFILE => Some("default".to_owned()),
                _ => None,
            }
        });
        assert_eq!(p.path(), Some(path.as_path()));
        assert_eq!(block_on(p.provide()), Ok(Credentials::new("id1", "s1")));
        assert_eq!(p.region().as_deref(), Some("cn-hangzhou"));
        // Static credentials are kept: a rewritten file is not read again.
        home.write_config("not json");
        assert_eq!(block_on(p.provide()), Ok(Credentials::new("id1", "s1")));

        home.write_config(CONFIG);
        let p = ProfileProvider::from_path(&path);
        assert_eq!(
            block_on(p.provide()),
            Ok(Credentials::with_security_token("id2", "s2", "t2"))
        );
        let p = ProfileProvider::from_path(&path).profile_name("default");
        assert_eq!(block_on(p.provide()), Ok(Credentials::new("id1", "s1")));
        let p = ProfileProvider::from_path(&path).profile_name("nope");
        let err = block_on(p.provide()).expect_err("named in code");
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
    }

    #[test]
    fn file_errors_keep_the_io_or_json_error_as_their_cause() {
        let home = TempHome::new();
        // A directory where the file should be: there, but not readable as a file.
        let dir = home.0.join(".aliyun");
        let shown_dir = dir.display().to_string();
        let err = ProfileFile::from_path(&dir).expect_err("a directory");
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
        assert_eq!(err.message(), format!("cannot read {shown_dir}"));
        let io = typed_cause::<std::io::Error>(&err, "SECRETVALUE");
        assert!(io.raw_os_error().is_some(), "{io:?}");

        let err = block_on(ProfileProvider::from_path(&dir).provide()).expect_err("a directory");
        assert!(err.message().contains(&shown_dir), "{err}");
        typed_cause::<std::io::Error>(&err, "SECRETVALUE");

        // Absent at its default place: not set up, which a chain passes over.
        let err = fetch(&home, &[]).expect_err("no file");
        assert!(err.is_not_configured(), "{err}");
        assert!(err.message().contains("config.json"), "{err}");
        let io = typed_cause::<std::io::Error>(&err, "SECRETVALUE");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);

        // Not UTF-8: the reader's error says so without the bytes around it.
        let path = profile_file_path(&home.0);
        std::fs::write(
            &path,
            b"{\"profiles\": [{\"name\": \"p\", \"access_key_secret\": \"SECRETVALUE\xff\"}]}",
        )
        .expect("write");
        let err = fetch(&home, &[]).expect_err("not UTF-8");
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
        assert!(err.message().contains(&path.display().to_string()), "{err}");
        let io = typed_cause::<std::io::Error>(&err, "SECRETVALUE");
        assert_eq!(io.kind(), std::io::ErrorKind::InvalidData);

        // JSON that breaks off after a secret: serde_json's error is the cause, and the
        // message names the file, the line and the column.
        home.write_config(
            "{\"profiles\": [\n  {\"name\": \"p\", \"access_key_secret\": \"SECRETVALUE\" ",
        );
        let err = fetch(&home, &[]).expect_err("malformed");
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
        let json = typed_cause::<serde_json::Error>(&err, "SECRETVALUE");
        assert!(json.is_eof(), "{json:?}");
        assert_eq!(
            err.message(),
            format!(
                "{} is not a valid profile file: invalid JSON at line 2, column {}",
                path.display(),
                json.column()
            )
        );
        assert_eq!(json.line(), 2);
        let err = ProfileFile::parse("{\"current\": SECRETVALUE}", "/x/config.json")
            .expect_err("not a value");
        let json = typed_cause::<serde_json::Error>(&err, "SECRETVALUE");
        assert!(json.is_syntax(), "{json:?}");
        assert_eq!(
            err.message(),
            "/x/config.json is not a valid profile file: invalid JSON at line 1, column 13"
        );
    }
}
