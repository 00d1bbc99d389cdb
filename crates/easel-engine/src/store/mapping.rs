//! The journal's model mappings: a model file name a person chose an id for, per namespace of
//! ids (`tensorart`, shared by the service and the offline demo, whose catalogue holds Tensor.Art
//! ids). Rows are looked up by file when sending and by id for the reverse direction. What it
//! leaves out: fetching a model's type and checking it fits (`crate::mapping`).

use rusqlite::{params, OptionalExtension};

use super::{unix_now, Store};
use crate::EngineError;

/// Mappings kept per library; a save beyond this is refused (a person maps dozens, not this many).
pub const MAX_MODEL_MAPPINGS: usize = 10_000;

/// One stored mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedRow {
    /// The file name as workflows write it (`v1-5-pruned-emaonly.safetensors`).
    pub file: String,
    /// The model id it stands for.
    pub model_id: String,
    /// The id's model type when it was mapped (`CHECKPOINT`, `LORA`...).
    pub model_type: String,
    /// When it was mapped (Unix seconds).
    pub mapped_at: i64,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MappedRow> {
    Ok(MappedRow { file: r.get(0)?, model_id: r.get(1)?, model_type: r.get(2)?, mapped_at: r.get(3)? })
}

impl Store {
    /// Every mapping of `namespace`, by file name.
    pub fn model_mappings(&self, namespace: &str) -> Result<Vec<MappedRow>, EngineError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT file, model_id, model_type, mapped_at FROM model_map WHERE namespace = ?1 ORDER BY file LIMIT ?2",
            )
            .map_err(EngineError::sql)?;
        let rows = stmt.query_map(params![namespace, MAX_MODEL_MAPPINGS as i64], row).map_err(EngineError::sql)?;
        rows.collect::<rusqlite::Result<_>>().map_err(EngineError::sql)
    }

    /// The mapping of one file, if any.
    pub fn model_mapping(&self, namespace: &str, file: &str) -> Result<Option<MappedRow>, EngineError> {
        self.conn
            .query_row(
                "SELECT file, model_id, model_type, mapped_at FROM model_map WHERE namespace = ?1 AND file = ?2",
                params![namespace, file],
                row,
            )
            .optional()
            .map_err(EngineError::sql)
    }

    /// Maps `file` to an id (replacing an earlier choice). Refused past `MAX_MODEL_MAPPINGS`.
    pub fn record_mapping(
        &self,
        namespace: &str,
        file: &str,
        model_id: &str,
        model_type: &str,
    ) -> Result<(), EngineError> {
        let count: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM model_map WHERE namespace = ?1 AND file <> ?2",
                params![namespace, file],
                |r| r.get(0),
            )
            .map_err(EngineError::sql)?;
        if count as usize >= MAX_MODEL_MAPPINGS {
            return Err(EngineError::Store(format!(
                "this library already maps {MAX_MODEL_MAPPINGS} model files, the limit; remove some first"
            )));
        }
        self.conn
            .execute(
                "INSERT INTO model_map (namespace, file, model_id, model_type, mapped_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (namespace, file) DO UPDATE SET model_id = ?3, model_type = ?4, mapped_at = ?5",
                params![namespace, file, model_id, model_type, unix_now()],
            )
            .map_err(EngineError::sql)?;
        Ok(())
    }

    /// Forgets the mapping of `file`; true when there was one.
    pub fn remove_mapping(&self, namespace: &str, file: &str) -> Result<bool, EngineError> {
        let removed = self
            .conn
            .execute("DELETE FROM model_map WHERE namespace = ?1 AND file = ?2", params![namespace, file])
            .map_err(EngineError::sql)?;
        Ok(removed > 0)
    }

    /// The files mapped to `model_id` (the reverse direction: an id back to the names a local
    /// server knows).
    pub fn files_for_model(&self, namespace: &str, model_id: &str) -> Result<Vec<String>, EngineError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT file FROM model_map WHERE namespace = ?1 AND model_id = ?2 ORDER BY file")
            .map_err(EngineError::sql)?;
        let rows = stmt.query_map(params![namespace, model_id], |r| r.get(0)).map_err(EngineError::sql)?;
        rows.collect::<rusqlite::Result<_>>().map_err(EngineError::sql)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_are_kept_per_namespace_and_read_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("easel.sqlite")).unwrap();
        store.record_mapping("tensorart", "base.safetensors", "1", "CHECKPOINT").unwrap();
        store.record_mapping("tensorart", "base-copy.safetensors", "1", "CHECKPOINT").unwrap();
        store.record_mapping("other", "base.safetensors", "9", "CHECKPOINT").unwrap();
        // Mapping again replaces the earlier choice.
        store.record_mapping("tensorart", "lora.safetensors", "2", "CHECKPOINT").unwrap();
        store.record_mapping("tensorart", "lora.safetensors", "3", "LORA").unwrap();

        let all = store.model_mappings("tensorart").unwrap();
        let files: Vec<_> = all.iter().map(|m| (m.file.as_str(), m.model_id.as_str())).collect();
        assert_eq!(files, [("base-copy.safetensors", "1"), ("base.safetensors", "1"), ("lora.safetensors", "3")]);
        assert_eq!(store.model_mapping("other", "base.safetensors").unwrap().unwrap().model_id, "9");
        assert_eq!(store.files_for_model("tensorart", "1").unwrap(), ["base-copy.safetensors", "base.safetensors"]);
        assert!(store.files_for_model("tensorart", "2").unwrap().is_empty(), "the replaced id is gone");

        assert!(store.remove_mapping("tensorart", "base.safetensors").unwrap());
        assert!(!store.remove_mapping("tensorart", "base.safetensors").unwrap());
        assert_eq!(store.model_mapping("other", "base.safetensors").unwrap().unwrap().model_id, "9");
    }
}
