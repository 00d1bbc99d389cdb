//! The one error type of this crate: what can go wrong when starting the emulator or reading its
//! configuration. Errors a client provokes over HTTP are not Rust errors here; they are replies
//! (`rpc::Status`), because the emulator's job is to answer them, not to fail.

/// Why the emulator could not start, or why a configuration string was rejected.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The listening socket could not be opened.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for (0 = any).
        port: u16,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A fault specification (see `FaultSpec::parse`) is malformed.
    #[error("bad fault specification `{item}`: {reason}")]
    FaultSpec {
        /// The offending `key=value` item.
        item: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The configured RSA public key cannot be read.
    #[error("bad RSA public key: {0}")]
    PublicKey(String),
}
