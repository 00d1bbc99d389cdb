//! The journal's two caches, per backend: uploads by content (SHA-256 → resource id), so the
//! same bytes are uploaded once; and model info by id (the JSON the form, the gallery and the
//! PNG chunk read), so a model is looked up once per library and backend however many processes
//! run. Both are plain rows with a time; deciding what is fresh is the caller's.

use rusqlite::{params, OptionalExtension};

use super::{unix_now, Store};
use crate::EngineError;

impl Store {
    /// The resource id the same bytes became on `backend`, if uploaded after `fresh_after`.
    pub fn uploaded(&self, backend: &str, sha256: &str, fresh_after: i64) -> Result<Option<String>, EngineError> {
        self.conn
            .query_row(
                "SELECT resource FROM uploads WHERE backend = ?1 AND sha256 = ?2 AND uploaded_at > ?3",
                params![backend, sha256, fresh_after],
                |r| r.get(0),
            )
            .optional()
            .map_err(EngineError::sql)
    }

    /// Remembers an upload (a newer upload of the same bytes replaces the older).
    pub fn record_upload(&self, backend: &str, sha256: &str, resource: &str, bytes: usize) -> Result<(), EngineError> {
        self.conn
            .execute(
                "INSERT INTO uploads (backend, sha256, resource, bytes, uploaded_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (backend, sha256) DO UPDATE SET resource = ?3, bytes = ?4, uploaded_at = ?5",
                params![backend, sha256, resource, bytes as i64, unix_now()],
            )
            .map_err(EngineError::sql)?;
        Ok(())
    }

    /// A cached model entry: (info JSON or `None` for "the service does not know it", fetched at).
    pub fn model(&self, backend: &str, id: &str) -> Result<Option<(Option<String>, i64)>, EngineError> {
        self.conn
            .query_row(
                "SELECT info, fetched_at FROM models WHERE backend = ?1 AND id = ?2",
                params![backend, id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(EngineError::sql)
    }

    /// Stores what the service said of a model (`None`: it does not know it).
    pub fn record_model(&self, backend: &str, id: &str, info: Option<&str>) -> Result<(), EngineError> {
        self.conn
            .execute(
                "INSERT INTO models (backend, id, info, fetched_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (backend, id) DO UPDATE SET info = ?3, fetched_at = ?4",
                params![backend, id, info, unix_now()],
            )
            .map_err(EngineError::sql)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_and_models_are_kept_per_backend() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("easel.sqlite")).unwrap();
        store.record_upload("a", "abc", "res-1", 10).unwrap();
        assert_eq!(store.uploaded("a", "abc", 0).unwrap().as_deref(), Some("res-1"));
        assert_eq!(store.uploaded("b", "abc", 0).unwrap(), None, "another backend never saw it");
        assert_eq!(store.uploaded("a", "abc", unix_now() + 1).unwrap(), None, "too old to reuse");
        store.record_upload("a", "abc", "res-2", 10).unwrap();
        assert_eq!(store.uploaded("a", "abc", 0).unwrap().as_deref(), Some("res-2"));
        store.record_model("a", "7", Some("{}")).unwrap();
        store.record_model("a", "8", None).unwrap();
        assert_eq!(store.model("a", "7").unwrap().unwrap().0.as_deref(), Some("{}"));
        assert_eq!(store.model("a", "8").unwrap().unwrap().0, None);
        assert_eq!(store.model("b", "7").unwrap(), None);
    }
}
