//! The shared credentials file of Alibaba's official libraries,
//! `~/.alibabacloud/credentials.ini` (or `ALIBABA_CLOUD_CREDENTIALS_FILE`; the Go library's
//! `~/.alibabacloud/credentials` is read when the `.ini` is absent).
//!
//! ```ini
//! [default]
//! type = access_key                  # or ram_role_arn, oidc_role_arn, ecs_ram_role
//! access_key_id = LTAI...
//! access_key_secret = ...
//! ```
//!
//! The section is the one named in code, else by `ALIBABA_CLOUD_PROFILE`, else `default`;
//! `enable = false` in it skips it (as the Java library does). Text after a `#` is a comment,
//! as in the official libraries. The file is parsed with `configparser`, Python's format.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cache::{cached_provider, CachedProvider};
use super::ecs::EcsFetcher;
use super::oidc::OidcFetcher;
use super::sts::{AssumeRoleFetcher, RoleSettings};
use super::{
    home_dir, lookup_nonempty, process_env, Credentials, CredentialsError, EnvLookup,
    ProvideCredentials, ProvideCredentialsFuture, ENV_CREDENTIALS_FILE, ENV_PROFILE,
};

/// The path of the shared credentials file under a home directory:
/// `<home>/.alibabacloud/credentials.ini`.
pub fn credentials_file_path(home: &Path) -> PathBuf {
    home.join(".alibabacloud").join("credentials.ini")
}

const SUPPORTED_TYPES: &str = "access_key, ram_role_arn, oidc_role_arn, ecs_ram_role";

/// How the section was chosen, which decides what its absence means.
#[derive(Clone, Debug)]
enum Choice {
    Named(String),
    FromEnv(String),
    Default,
}

/// One section of the file.
struct Section<'a> {
    name: &'a str,
    path: &'a Path,
    keys: &'a HashMap<String, Option<String>>,
}

impl Section<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.keys
            .get(key)
            .and_then(|v| v.as_deref())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    fn require(&self, key: &str) -> Result<&str, CredentialsError> {
        self.get(key).ok_or_else(|| {
            CredentialsError::invalid_configuration(format!(
                "section [{}] of {} has no `{key}`",
                self.name,
                self.path.display()
            ))
        })
    }
}

/// Reads the file and fetches the chosen section's credentials; not cached by itself.
pub(crate) struct IniFetcher {
    path: Option<PathBuf>,
    path_explicit: bool,
    choice: Choice,
    lookup: EnvLookup,
    /// The client offered by [`ProvideCredentials::use_http_client`], handed to each
    /// fetching source as it is made (the file is read again at every fetch).
    http: std::sync::OnceLock<reqwest::Client>,
}

impl IniFetcher {
    pub(crate) fn from_lookup(lookup: &EnvLookup) -> Self {
        let (path, path_explicit) = match lookup_nonempty(lookup, ENV_CREDENTIALS_FILE) {
            Some(path) => (Some(PathBuf::from(path.trim())), true),
            None => (home_dir(lookup).map(|h| credentials_file_path(&h)), false),
        };
        Self {
            path,
            path_explicit,
            choice: match lookup_nonempty(lookup, ENV_PROFILE) {
                Some(name) => Choice::FromEnv(name.trim().to_owned()),
                None => Choice::Default,
            },
            lookup: Arc::clone(lookup),
            http: std::sync::OnceLock::new(),
        }
    }

    /// The file's path and text.
    fn read(&self) -> Result<(PathBuf, String), CredentialsError> {
        let path = self.path.clone().ok_or_else(|| {
            CredentialsError::not_configured(
                "no home directory (HOME is not set), so no ~/.alibabacloud/credentials.ini",
            )
        })?;
        let mut candidates = vec![path.clone()];
        if !self.path_explicit {
            candidates.push(path.with_extension(""));
        }
        let mut absent = None;
        for candidate in &candidates {
            match std::fs::read_to_string(candidate) {
                Ok(text) => return Ok((candidate.clone(), text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !self.path_explicit => {
                    absent = Some(e);
                }
                Err(e) => {
                    return Err(CredentialsError::invalid_configuration(format!(
                        "cannot read {}",
                        candidate.display()
                    ))
                    .with_source(e))
                }
            }
        }
        let error = CredentialsError::not_configured(format!("{} does not exist", path.display()));
        Err(match absent {
            Some(e) => error.with_source(e),
            None => error,
        })
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let (path, text) = self.read()?;
        let sections = parse(&text, &path)?;
        let (name, absent) = match &self.choice {
            Choice::Named(name) => (
                name.as_str(),
                CredentialsError::invalid_configuration(format!(
                    "{} has no section [{name}]",
                    path.display()
                )),
            ),
            Choice::FromEnv(name) => (
                name.as_str(),
                CredentialsError::not_configured(format!(
                    "{} has no section [{name}] (named by {ENV_PROFILE})",
                    path.display()
                )),
            ),
            Choice::Default => (
                "default",
                CredentialsError::not_configured(format!(
                    "{} has no section [default]",
                    path.display()
                )),
            ),
        };
        let keys = sections.get(name).ok_or(absent)?;
        let section = Section {
            name,
            path: &path,
            keys,
        };
        let context = format!("section [{name}] of {}", path.display());
        match section.get("enable") {
            None => {}
            Some(v) if v.eq_ignore_ascii_case("true") => {}
            Some(v) if v.eq_ignore_ascii_case("false") => {
                return Err(CredentialsError::not_configured(format!(
                    "{context} has enable = false"
                )))
            }
            Some(_) => {
                return Err(CredentialsError::invalid_configuration(format!(
                    "{context}: `enable` must be true or false"
                )))
            }
        }
        let source = self.source(&section)?;
        if let Some(client) = self.http.get() {
            source.use_http_client(client);
        }
        let result = source.provide().await;
        result.map_err(|e| e.configured().context(&context))
    }

    fn source(
        &self,
        section: &Section<'_>,
    ) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let access_key = || -> Result<Credentials, CredentialsError> {
            Ok(Credentials::new(
                section.require("access_key_id")?,
                section.require("access_key_secret")?,
            ))
        };
        let role_settings = || -> Result<RoleSettings, CredentialsError> {
            let mut settings = RoleSettings::new(
                section.require("role_arn")?.to_owned(),
                Arc::clone(&self.lookup),
            );
            settings.session_name = section.get("role_session_name").map(str::to_owned);
            settings.policy = section.get("policy").map(str::to_owned);
            Ok(settings)
        };
        let ty = section.require("type")?;
        Ok(match ty {
            "access_key" => Arc::new(access_key()?),
            "ram_role_arn" => {
                let settings = role_settings()?;
                Arc::new(AssumeRoleFetcher::new(
                    Arc::new(access_key()?),
                    "its AccessKey",
                    settings,
                ))
            }
            "oidc_role_arn" => Arc::new(OidcFetcher::new(
                role_settings()?,
                section.require("oidc_provider_arn")?,
                section.require("oidc_token_file_path")?,
            )),
            "ecs_ram_role" => {
                let mut fetcher = EcsFetcher::from_lookup(&self.lookup);
                fetcher.set_role(section.get("role_name").map(str::to_owned));
                Arc::new(fetcher)
            }
            "rsa_key_pair" => {
                return Err(CredentialsError::invalid_configuration(format!(
                    "section [{}] of {} has type rsa_key_pair, which this client does not \
                     support (supported: {SUPPORTED_TYPES})",
                    section.name,
                    section.path.display()
                )))
            }
            // The value is not repeated: it could be a secret written on the wrong line.
            _ => {
                return Err(CredentialsError::invalid_configuration(format!(
                    "section [{}] of {} has an unknown `type` (supported: {SUPPORTED_TYPES})",
                    section.name,
                    section.path.display()
                )))
            }
        })
    }
}

/// Sections by name, keys as written (case kept), values cut at the first `#`.
fn parse(
    text: &str,
    path: &Path,
) -> Result<HashMap<String, HashMap<String, Option<String>>>, CredentialsError> {
    let mut ini = configparser::ini::Ini::new_cs();
    ini.set_comment_symbols(&['#', ';']);
    ini.set_inline_comment_symbols(Some(&['#']));
    // Keys before the first section would otherwise land in a section called `default`.
    ini.set_default_section("\u{0}");
    // configparser's messages give a line number and what is wrong, not the line itself.
    let map = ini.read(text.to_owned()).map_err(|e| {
        CredentialsError::invalid_configuration(format!(
            "{} is not a valid credentials file: {e}",
            path.display()
        ))
    })?;
    Ok(map.into_iter().collect())
}

impl ProvideCredentials for IniFetcher {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.fetch())
    }

    fn use_http_client(&self, client: &reqwest::Client) {
        let _ = self.http.set(client.clone());
    }
}

impl fmt::Debug for IniFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IniFetcher")
            .field("path", &self.path)
            .field("choice", &self.choice)
            .finish_non_exhaustive()
    }
}

/// Credentials from a section of `~/.alibabacloud/credentials.ini`; static ones are read
/// once, fetched ones cached and refreshed ahead of expiry (the file is read again at each
/// refresh).
pub struct CredentialsFileProvider {
    inner: CachedProvider<IniFetcher>,
}

impl CredentialsFileProvider {
    /// `~/.alibabacloud/credentials.ini` (or `ALIBABA_CLOUD_CREDENTIALS_FILE`), section from
    /// `ALIBABA_CLOUD_PROFILE`, else `default`.
    pub fn new() -> Self {
        Self::from_shared_lookup(&process_env())
    }

    /// As [`new`](Self::new), reading variables (`HOME` included) through `lookup`.
    pub fn from_env_lookup(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self::from_shared_lookup(&(Arc::new(lookup) as EnvLookup))
    }

    pub(crate) fn from_shared_lookup(lookup: &EnvLookup) -> Self {
        Self {
            inner: CachedProvider::labelled(
                IniFetcher::from_lookup(lookup),
                "the credentials file",
            ),
        }
    }

    /// Reads the file at `path`, section `default`.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let mut provider = Self::new();
        let fetcher = provider.inner.source_mut();
        fetcher.path = Some(path.into());
        fetcher.path_explicit = true;
        fetcher.choice = Choice::Default;
        provider
    }

    /// Uses the section called `name`.
    pub fn section(mut self, name: impl Into<String>) -> Self {
        self.inner.source_mut().choice = Choice::Named(name.into());
        self
    }
}

cached_provider!(CredentialsFileProvider);

impl Default for CredentialsFileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for CredentialsFileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CredentialsFileProvider")
            .field(self.inner.source())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::testing::{block_on, env, typed_cause, TempHome};
    use crate::credentials::{CredentialsErrorKind, ENV_ECS_METADATA_DISABLED};

    const FILE: &str = "\
# the keys of the team
[default]
type = access_key
access_key_id = INI_ID
access_key_secret = INI_SK   # trailing comment

[off]
enable = false
type = access_key
access_key_id = x
access_key_secret = y

; another comment style
[Prod]
enable = true
type = access_key
access_key_id: PROD_ID
access_key_secret: PROD_SK

[rsa]
type = rsa_key_pair
public_key_id = k
private_key_file = /k

[notype]
access_key_id = x

[half]
type = access_key
access_key_id = x

[role]
type = ram_role_arn
access_key_id = x
";

    fn fetch(home: &TempHome, extra: &[(&str, &str)]) -> Result<Credentials, CredentialsError> {
        let mut pairs = vec![("HOME", home.path()), (ENV_ECS_METADATA_DISABLED, "true")];
        pairs.extend_from_slice(extra);
        block_on(IniFetcher::from_lookup(&env(&pairs)).fetch())
    }

    #[test]
    fn sections_types_and_comments() {
        let home = TempHome::new();
        let err = fetch(&home, &[]).expect_err("no file");
        assert!(
            err.is_not_configured() && err.message().contains("credentials.ini"),
            "{err}"
        );

        home.write(".alibabacloud/credentials.ini", FILE);
        assert_eq!(fetch(&home, &[]), Ok(Credentials::new("INI_ID", "INI_SK")));
        assert_eq!(
            fetch(&home, &[(ENV_PROFILE, "Prod")]),
            Ok(Credentials::new("PROD_ID", "PROD_SK"))
        );
        let err = fetch(&home, &[(ENV_PROFILE, "off")]).expect_err("disabled section");
        assert!(
            err.is_not_configured() && err.message().contains("enable = false"),
            "{err}"
        );
        let err = fetch(&home, &[(ENV_PROFILE, "missing")]).expect_err("absent");
        assert!(err.is_not_configured(), "{err}");

        for (section, expected) in [
            (
                "rsa",
                "type rsa_key_pair, which this client does not support",
            ),
            ("notype", "section [notype] of"),
            ("half", "has no `access_key_secret`"),
            ("role", "has no `role_arn`"),
        ] {
            let err = fetch(&home, &[(ENV_PROFILE, section)]).expect_err(section);
            assert_eq!(
                err.kind(),
                CredentialsErrorKind::InvalidConfiguration,
                "{err}"
            );
            assert!(err.message().contains(expected), "{section}: {err}");
            assert!(err.message().contains("credentials.ini"), "{err}");
        }
        let err = fetch(&home, &[(ENV_PROFILE, "notype")]).expect_err("no type");
        assert!(err.message().contains("no `type`"), "{err}");
    }

    #[test]
    fn paths() {
        let home = TempHome::new();
        // The Go library's name, read when the .ini is absent.
        home.write(
            ".alibabacloud/credentials",
            "[default]\ntype = access_key\naccess_key_id = GO\naccess_key_secret = S\n",
        );
        assert_eq!(fetch(&home, &[]), Ok(Credentials::new("GO", "S")));

        let elsewhere = home.write(
            "creds",
            "[x]\ntype=access_key\naccess_key_id=E\naccess_key_secret=S\n",
        );
        let file = elsewhere.to_str().expect("utf-8");
        assert_eq!(
            fetch(&home, &[(ENV_CREDENTIALS_FILE, file), (ENV_PROFILE, "x")]),
            Ok(Credentials::new("E", "S"))
        );
        let err = fetch(&home, &[(ENV_CREDENTIALS_FILE, "/nonexistent/oos/creds")])
            .expect_err("explicit file missing");
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);

        let p = CredentialsFileProvider::from_path(&elsewhere).section("x");
        assert_eq!(block_on(p.provide()), Ok(Credentials::new("E", "S")));
        let p = CredentialsFileProvider::from_path(&elsewhere);
        let err = block_on(p.provide()).expect_err("no default section");
        assert!(err.message().contains("[default]"), "{err}");
    }

    #[test]
    fn syntax_errors_name_the_line_not_its_text() {
        let home = TempHome::new();
        home.write(
            ".alibabacloud/credentials.ini",
            "[default]\ntype = access_key\n[SECRETVALUE\n",
        );
        let err = fetch(&home, &[]).expect_err("bad syntax");
        assert!(err.message().contains("line 3"), "{err}");
        assert!(!err.message().contains("SECRETVALUE"), "{err}");
        home.write(
            ".alibabacloud/credentials.ini",
            "[default]\n = SECRETVALUE\n",
        );
        let err = fetch(&home, &[]).expect_err("empty key");
        assert!(
            err.message().contains("line 2") && !err.message().contains("SECRETVALUE"),
            "{err}"
        );
    }

    #[test]
    fn read_errors_keep_the_io_error_as_their_cause() {
        let home = TempHome::new();
        // A directory named by the variable: set up, but not readable as a file.
        let dir = home.0.join(".alibabacloud");
        let shown_dir = dir.display().to_string();
        let err = fetch(&home, &[(ENV_CREDENTIALS_FILE, &shown_dir)]).expect_err("a directory");
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
        assert_eq!(err.message(), format!("cannot read {shown_dir}"));
        let io = typed_cause::<std::io::Error>(&err, "SECRETVALUE");
        assert!(io.raw_os_error().is_some(), "{io:?}");

        let err =
            block_on(CredentialsFileProvider::from_path(&dir).provide()).expect_err("a directory");
        assert!(err.message().contains(&shown_dir), "{err}");
        typed_cause::<std::io::Error>(&err, "SECRETVALUE");

        // Neither name at its default place: not set up, the last lookup's error kept.
        let err = fetch(&home, &[]).expect_err("no file");
        assert!(err.is_not_configured(), "{err}");
        let io = typed_cause::<std::io::Error>(&err, "SECRETVALUE");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);

        // Not UTF-8: the reader's error says so without the bytes around it.
        let path = credentials_file_path(&home.0);
        std::fs::write(
            &path,
            b"[default]\ntype = access_key\naccess_key_secret = SECRETVALUE\xff\n",
        )
        .expect("write");
        let err = fetch(&home, &[]).expect_err("not UTF-8");
        assert_eq!(err.message(), format!("cannot read {}", path.display()));
        let io = typed_cause::<std::io::Error>(&err, "SECRETVALUE");
        assert_eq!(io.kind(), std::io::ErrorKind::InvalidData);
    }
}
