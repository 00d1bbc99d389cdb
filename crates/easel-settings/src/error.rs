//! The one error type of this crate. Every message says which setting or which favourite is wrong
//! and why, so the UI can show it next to the field.

use easel_error::ErrorCode;
/// A setting or a favourite that cannot be accepted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    /// A settings field holds a value that cannot work.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field's name as the UI knows it (`customUrl`, `concurrency`...).
        field: &'static str,
        /// Why, in plain words.
        reason: String,
    },
    /// A favourite (from the list or an imported file) is unusable.
    #[error("{place}: {reason}")]
    Favourite {
        /// Which favourite: `favourite "Name"` or `favourites.json, entry 3 ("Name")`.
        place: String,
        /// Why.
        reason: String,
    },
    /// No favourite has this id.
    #[error("no favourite has the id {0}")]
    NotFound(String),
}

impl SettingsError {
    /// Stable code for the UI: `invalidSettings`, `invalidFavourite` or `notFound`.
    pub fn code(&self) -> ErrorCode {
        match self {
            SettingsError::Invalid { .. } => ErrorCode::InvalidSettings,
            SettingsError::Favourite { .. } => ErrorCode::InvalidFavourite,
            SettingsError::NotFound(_) => ErrorCode::NotFound,
        }
    }
}
