//! `Sensitive<T>`: a value (the API key) that must never be printed. Debug and Display show
//! `<redacted>`; the only way to the inner value is the explicit `expose()`.

use std::fmt;

/// A secret that redacts itself in every formatted output.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    /// Wraps a secret.
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The secret itself; call only where it is sent or stored in the keychain.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn never_formats_the_secret() {
        let key = super::Sensitive::new("sk-123456".to_string());
        assert_eq!(format!("{key:?} {key}"), "<redacted> <redacted>");
        assert_eq!(key.expose(), "sk-123456");
    }
}
