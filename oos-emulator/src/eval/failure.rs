//! Why a value, a task or an execution failed, and whose doing it is: the template's, or a
//! limit of the emulator. The kind travels with the reason from where it arises (a function,
//! an action, a nested child execution) up to the execution's status, so that nothing has to
//! read it back out of the text.

use std::fmt;

/// How every failure that comes from a limit of the emulator reads, in front of its reason.
const UNSUPPORTED: &str = "Unsupported by the emulator:";

/// A failure, with whose doing it is. Written out (by `Display`, the only place that writes
/// the marker) it is the message the API shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// What the template asked for failed, as it would in OOS.
    Failed(String),
    /// What the template asked for failed in a way no retry can mend (a `WaitFor` that met
    /// one of its `StopRetryValues`).
    Final(String),
    /// The emulator cannot do what the template asks. It is never retried nor absorbed by
    /// `OnError` or a loop's `MaxErrors`: a test must not pass on what the emulator could
    /// not do.
    Unsupported(String),
}

impl Failure {
    /// A limit of the emulator, `why` saying which (without the marker).
    pub fn unsupported(why: impl Into<String>) -> Self {
        Self::Unsupported(why.into())
    }

    pub fn is_unsupported(&self) -> bool {
        matches!(self, Self::Unsupported(_))
    }

    /// Whether trying again might mend it (when the task's `Retries` allow).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Failed(_))
    }

    /// The reason reworded: a template's failure by `failed`, a limit of the emulator by
    /// `unsupported` (both given the reason without any marker).
    pub fn reword(
        self,
        failed: impl FnOnce(String) -> String,
        unsupported: impl FnOnce(String) -> String,
    ) -> Self {
        match self {
            Self::Failed(why) => Self::Failed(failed(why)),
            Self::Final(why) => Self::Final(failed(why)),
            Self::Unsupported(why) => Self::Unsupported(unsupported(why)),
        }
    }

    /// The failure said of `context`: `context: why`, except that a limit of the emulator
    /// keeps its marker in front (`Unsupported by the emulator: …, in context`), so that every
    /// message that carries it, up to the execution's, begins with it.
    pub fn within(self, context: &str) -> Self {
        self.reword(
            |why| format!("{context}: {why}"),
            |why| format!("{why}, in {context}"),
        )
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed(why) | Self::Final(why) => f.write_str(why),
            Self::Unsupported(why) => write!(f, "{UNSUPPORTED} {why}"),
        }
    }
}

/// A reason given as text is the template's failure: only what names itself unsupported is
/// the emulator's.
impl From<String> for Failure {
    fn from(why: String) -> Self {
        Self::Failed(why)
    }
}

impl From<&str> for Failure {
    fn from(why: &str) -> Self {
        Self::Failed(why.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::Failure;

    #[test]
    fn only_a_limit_of_the_emulator_is_marked_and_its_marker_stays_in_front() {
        let failed = Failure::from("no such key").within("Properties");
        assert_eq!(failed.to_string(), "Properties: no such key");
        assert!(!failed.is_unsupported());
        let limit = Failure::unsupported("ACS::Nope")
            .within("task a")
            .within("the child execution c of t");
        assert!(limit.is_unsupported());
        assert_eq!(
            limit.to_string(),
            "Unsupported by the emulator: ACS::Nope, in task a, in the child execution c of t"
        );
        assert!(!limit.is_retryable());
        let reworded = limit.reword(|w| format!("never {w}"), |w| format!("{w}, so no"));
        assert!(reworded.to_string().ends_with("of t, so no"), "{reworded}");
        let stop = Failure::Final("it is `Deleted`".into()).within("task w");
        assert_eq!(stop, Failure::Final("task w: it is `Deleted`".into()));
        assert!(!stop.is_retryable() && !stop.is_unsupported());
        assert!(Failure::from("not yet").is_retryable());
    }
}
