//! [`MockError`]: why the mock could not start or deliver.

/// Why the mock could not start or deliver.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// Generating key material failed.
    #[error("could not generate the mock's {0}: the crypto backend failed")]
    KeyGen(&'static str),
    /// A key or certificate could not be loaded.
    #[error(
        "the mock's key material does not load: delete the --state directory to regenerate it"
    )]
    Key(#[from] chop::key::KeyError),
    /// The state file is not what the mock wrote.
    #[error("the --state directory holds an unreadable state ({0}): delete it to regenerate")]
    State(String),
    /// Reading, writing or serving failed.
    #[error("i/o failed: {0}")]
    Io(#[source] std::io::Error),
    /// A callback URL is not on the loopback interface.
    #[error(
        "callback url `{0}` is not on 127.0.0.1, ::1 or localhost: the mock only calls loopback"
    )]
    NotLoopback(String),
    /// The order is unknown.
    #[error("no order with out_trade_no `{0}`: create it first")]
    UnknownOrder(String),
}
