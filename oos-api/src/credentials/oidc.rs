//! OIDC role sessions (`AssumeRoleWithOIDC`), which is what ACK's RRSA sets up: a service
//! account token mounted in the pod, the role and the identity provider in the environment.
//!
//! The call is anonymous: the OIDC token is the proof, so it travels in the form body, never
//! in the URL. The token file is read again at each refresh, because the kubelet rotates it.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use super::cache::{cached_provider, CachedProvider};
use super::http::Http;
use super::sts::{call, new_http, role_settings_methods, RoleSettings, API_VERSION};
use super::{
    lookup_nonempty, names_are, process_env, Credentials, CredentialsError, EnvLookup,
    ProvideCredentials, ProvideCredentialsFuture, ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE,
    ENV_ROLE_ARN,
};
use crate::redact::Redactor;
use crate::send::timestamp_now;

/// Fetches a role session for the OIDC token; not cached by itself.
pub(crate) struct OidcFetcher {
    settings: RoleSettings,
    provider_arn: String,
    token_file: PathBuf,
    http: Http,
}

impl OidcFetcher {
    pub(crate) fn new(
        settings: RoleSettings,
        provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> Self {
        Self {
            settings,
            provider_arn: provider_arn.into(),
            token_file: token_file.into(),
            http: new_http(),
        }
    }

    /// From `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
    /// `ALIBABA_CLOUD_OIDC_TOKEN_FILE`: none set is
    /// [`NotConfigured`](super::CredentialsErrorKind::NotConfigured), some set is an error
    /// naming the others.
    pub(crate) fn from_env(lookup: &EnvLookup) -> Result<Self, CredentialsError> {
        let vars = [ENV_ROLE_ARN, ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE];
        let values: Vec<Option<String>> = vars.iter().map(|v| lookup_nonempty(lookup, v)).collect();
        match values.as_slice() {
            [Some(role), Some(provider), Some(file)] => Ok(Self::new(
                RoleSettings::new(role.trim().to_owned(), Arc::clone(lookup)),
                provider.trim(),
                file.trim(),
            )),
            [None, None, None] => Err(CredentialsError::not_configured(format!(
                "{ENV_ROLE_ARN}, {ENV_OIDC_PROVIDER_ARN} and {ENV_OIDC_TOKEN_FILE} are not set"
            ))),
            _ => {
                let set: Vec<(&str, bool)> = vars
                    .iter()
                    .zip(&values)
                    .map(|(name, value)| (*name, value.is_some()))
                    .collect();
                let missing: Vec<(&str, bool)> =
                    set.iter().map(|(name, is_set)| (*name, !is_set)).collect();
                Err(CredentialsError::invalid_configuration(format!(
                    "OIDC needs {ENV_ROLE_ARN}, {ENV_OIDC_PROVIDER_ARN} and \
                     {ENV_OIDC_TOKEN_FILE}; {} set but {} missing",
                    names_are(&set),
                    names_are(&missing)
                )))
            }
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let context = format!("assuming role `{}` with OIDC", self.settings.role_arn);
        let result = self.assume().await;
        result.map_err(|e| e.context(&context))
    }

    async fn assume(&self) -> Result<Credentials, CredentialsError> {
        if self.provider_arn.trim().is_empty() {
            return Err(CredentialsError::invalid_configuration(
                "the OIDC provider ARN is empty",
            ));
        }
        let endpoint = self.settings.endpoint.resolve(&self.settings.lookup)?;
        let mut form = self.settings.params()?;
        let token = self.read_token()?;
        form.push(("OIDCProviderArn", self.provider_arn.trim().to_owned()));
        form.push(("OIDCToken", token.clone()));
        let timestamp = timestamp_now();
        let query = [
            ("Action", "AssumeRoleWithOIDC"),
            ("Format", "JSON"),
            ("Version", API_VERSION),
            ("Timestamp", timestamp.as_str()),
        ];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // The service may echo the token in an error; it is masked like a secret.
        let scrub = Redactor::new(&Credentials::new("", token.as_str()));
        call(
            &self.http,
            &endpoint,
            "AssumeRoleWithOIDC",
            &query,
            &form,
            &scrub,
        )
        .await
    }

    fn read_token(&self) -> Result<String, CredentialsError> {
        let path = self.token_file.display();
        // io::Error's message is about the file, never its content.
        let text = std::fs::read_to_string(&self.token_file).map_err(|e| {
            CredentialsError::invalid_configuration(format!(
                "cannot read the OIDC token file {path}"
            ))
            .with_source(e)
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(CredentialsError::invalid_configuration(format!(
                "the OIDC token file {path} is empty"
            )));
        }
        Ok(token.to_owned())
    }
}

impl ProvideCredentials for OidcFetcher {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.fetch())
    }

    fn use_http_client(&self, client: &reqwest::Client) {
        self.http.use_client(client);
    }
}

impl fmt::Debug for OidcFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcFetcher")
            .field("settings", &self.settings)
            .field("provider_arn", &self.provider_arn)
            .field("token_file", &self.token_file)
            .finish()
    }
}

/// Temporary credentials of a RAM role from STS `AssumeRoleWithOIDC`, as ACK's RRSA sets
/// them up; cached and refreshed ahead of expiry, re-reading the token file each time.
pub struct OidcRoleArnProvider {
    inner: CachedProvider<OidcFetcher>,
}

impl OidcRoleArnProvider {
    /// Assumes `role_arn` with the token in `token_file`, issued by the identity provider
    /// `oidc_provider_arn`; defaults are read from the process environment.
    pub fn new(
        role_arn: impl Into<String>,
        oidc_provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> Self {
        Self::from_fetcher(OidcFetcher::new(
            RoleSettings::new(role_arn.into(), process_env()),
            oidc_provider_arn,
            token_file,
        ))
    }

    /// From `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
    /// `ALIBABA_CLOUD_OIDC_TOKEN_FILE` (all three, or an error naming the missing ones), with
    /// `ALIBABA_CLOUD_ROLE_SESSION_NAME` and the STS endpoint variables.
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::from_shared_lookup(&process_env())
    }

    /// As [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_env_lookup(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Result<Self, CredentialsError> {
        Self::from_shared_lookup(&(Arc::new(lookup) as EnvLookup))
    }

    pub(crate) fn from_shared_lookup(lookup: &EnvLookup) -> Result<Self, CredentialsError> {
        OidcFetcher::from_env(lookup).map(Self::from_fetcher)
    }

    fn from_fetcher(fetcher: OidcFetcher) -> Self {
        Self {
            inner: CachedProvider::labelled(fetcher, "the OIDC role session"),
        }
    }

    fn settings_mut(&mut self) -> &mut RoleSettings {
        &mut self.inner.source_mut().settings
    }

    role_settings_methods!();
}

cached_provider!(OidcRoleArnProvider);

impl fmt::Debug for OidcRoleArnProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OidcRoleArnProvider")
            .field(self.inner.source())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::testing::{block_on, env, typed_cause, TempHome};
    use crate::credentials::CredentialsErrorKind;

    #[test]
    fn all_three_variables_or_none() {
        let err = OidcFetcher::from_env(&env(&[])).expect_err("none");
        assert!(err.is_not_configured(), "{err:?}");

        let err = OidcFetcher::from_env(&env(&[(ENV_ROLE_ARN, "acs:ram::1:role/r")]))
            .expect_err("partial");
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
        assert!(
            err.message().ends_with(
                "ALIBABA_CLOUD_ROLE_ARN is set but ALIBABA_CLOUD_OIDC_PROVIDER_ARN and \
                 ALIBABA_CLOUD_OIDC_TOKEN_FILE are missing"
            ),
            "{err}"
        );
        let err = OidcFetcher::from_env(&env(&[
            (ENV_ROLE_ARN, "r"),
            (ENV_OIDC_PROVIDER_ARN, "p"),
            (ENV_OIDC_TOKEN_FILE, "  "),
        ]))
        .expect_err("blank is unset");
        assert!(
            err.message()
                .ends_with("ALIBABA_CLOUD_OIDC_TOKEN_FILE is missing"),
            "{err}"
        );

        let f = OidcFetcher::from_env(&env(&[
            (ENV_ROLE_ARN, "r"),
            (ENV_OIDC_PROVIDER_ARN, "p"),
            (ENV_OIDC_TOKEN_FILE, "/t"),
        ]))
        .expect("all three");
        assert_eq!(
            (f.settings.role_arn.as_str(), f.provider_arn.as_str()),
            ("r", "p")
        );
        assert_eq!(f.token_file, PathBuf::from("/t"));
    }

    #[test]
    fn token_file_problems_name_the_file() {
        let home = TempHome::new();
        let missing = home.0.join("no-token");
        let p = OidcRoleArnProvider::new("r", "p", &missing).env_lookup(|_| None);
        let err = block_on(p.provide()).expect_err("no file");
        assert!(
            err.message().contains("cannot read the OIDC token file")
                && err.message().contains("no-token")
                && err.message().starts_with("assuming role `r` with OIDC"),
            "{err}"
        );
        let empty = home.write("token", "\n");
        let p = OidcRoleArnProvider::new("r", "p", empty).env_lookup(|_| None);
        let err = block_on(p.provide()).expect_err("empty");
        assert!(err.message().contains("is empty"), "{err}");
    }

    #[test]
    fn token_file_read_errors_keep_the_io_error_as_their_cause() {
        let home = TempHome::new();
        let cases = [
            // A directory where the token should be.
            (home.0.join(".aliyun"), None),
            (home.0.join("no-token"), Some(std::io::ErrorKind::NotFound)),
            // A token that is not UTF-8: the reader's error says so without the token.
            (
                {
                    let path = home.0.join("binary-token");
                    std::fs::write(&path, b"SECRETVALUE\xff").expect("write");
                    path
                },
                Some(std::io::ErrorKind::InvalidData),
            ),
        ];
        for (path, kind) in cases {
            let p = OidcRoleArnProvider::new("r", "p", &path).env_lookup(|_| None);
            let err = block_on(p.provide()).expect_err("unreadable");
            assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
            assert_eq!(
                err.message(),
                format!(
                    "assuming role `r` with OIDC: cannot read the OIDC token file {}",
                    path.display()
                )
            );
            let io = typed_cause::<std::io::Error>(&err, "SECRETVALUE");
            match kind {
                Some(kind) => assert_eq!(io.kind(), kind, "{io:?}"),
                None => assert!(io.raw_os_error().is_some(), "{io:?}"),
            }
        }
    }
}
