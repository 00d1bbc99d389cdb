//! Counts for the gallery's side bar: totals, and how many images each model, tag and workflow
//! has, so filters can show their sizes. Each is one grouped query over indexed columns.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DbStep, LibraryError};
use crate::{Library, ModelRef};

/// Totals for the whole library.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LibraryCounts {
    /// Images in the gallery (trash excluded).
    #[ts(type = "number")]
    pub images: u64,
    /// Favourites in the gallery.
    #[ts(type = "number")]
    pub favourites: u64,
    /// Images in the library's trash.
    #[ts(type = "number")]
    pub trashed: u64,
}

/// A filter value and how many gallery images it matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Facet<T> {
    /// The value (a model, a tag name, a workflow name).
    pub value: T,
    /// Images with it.
    #[ts(type = "number")]
    pub count: u64,
}

impl Library {
    /// Totals for the whole library.
    pub fn counts(&self) -> Result<LibraryCounts, LibraryError> {
        self.totals_reader()?
            .query_row(
                "SELECT count(*) FILTER (WHERE trashed_at IS NULL),
                        count(*) FILTER (WHERE trashed_at IS NULL AND favourite = 1),
                        count(*) FILTER (WHERE trashed_at IS NOT NULL) FROM images",
                [],
                |r| {
                    Ok(LibraryCounts {
                        images: r.get::<_, i64>(0)? as u64,
                        favourites: r.get::<_, i64>(1)? as u64,
                        trashed: r.get::<_, i64>(2)? as u64,
                    })
                },
            )
            .step("count library")
    }

    /// Every model with its image count, most used first.
    pub fn model_counts(&self) -> Result<Vec<Facet<ModelRef>>, LibraryError> {
        let conn = self.totals_reader()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT m.kind, m.ident, m.name, count(*) AS n FROM image_models im
                 JOIN models m ON m.id = im.model_id JOIN images i ON i.id = im.image_id
                 WHERE i.trashed_at IS NULL GROUP BY m.id ORDER BY n DESC, m.name",
            )
            .step("count models")?;
        let rows = stmt
            .query_map([], |r| {
                let value = ModelRef { kind: r.get(0)?, ident: r.get(1)?, name: r.get(2)? };
                Ok(Facet { value, count: r.get::<_, i64>(3)? as u64 })
            })
            .step("count models")?;
        rows.collect::<Result<_, _>>().step("count models")
    }

    /// Every tag with its image count, alphabetical.
    pub fn tag_counts(&self) -> Result<Vec<Facet<String>>, LibraryError> {
        self.named_counts(
            "SELECT t.name, count(*) FROM image_tags it JOIN tags t ON t.id = it.tag_id
             JOIN images i ON i.id = it.image_id WHERE i.trashed_at IS NULL GROUP BY t.id ORDER BY t.name",
        )
    }

    /// Every workflow name with its image count, most used first.
    pub fn workflow_counts(&self) -> Result<Vec<Facet<String>>, LibraryError> {
        self.named_counts(
            "SELECT workflow, count(*) AS n FROM images WHERE workflow IS NOT NULL AND trashed_at IS NULL
             GROUP BY workflow ORDER BY n DESC, workflow",
        )
    }

    fn named_counts(&self, sql: &str) -> Result<Vec<Facet<String>>, LibraryError> {
        let conn = self.totals_reader()?;
        let mut stmt = conn.prepare_cached(sql).step("count values")?;
        let rows = stmt
            .query_map([], |r| Ok(Facet { value: r.get(0)?, count: r.get::<_, i64>(1)? as u64 }))
            .step("count values")?;
        rows.collect::<Result<_, _>>().step("count values")
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{mpsc, Arc};
    use std::time::Duration;

    use crate::sample::write_sample_image;
    use crate::{ImageQuery, Library};

    #[test]
    fn pages_and_thumbnails_do_not_queue_behind_counting() {
        let dir = tempfile::tempdir().unwrap();
        let library = Arc::new(Library::open_with_threads(dir.path(), 1).unwrap());
        let id = library.add_file(&write_sample_image(dir.path(), 1).unwrap()).unwrap();
        // The counting connection is busy (as during a 300 ms facet count at 100,000 images)...
        let held = library.totals_reader().unwrap();
        let (tx, rx) = mpsc::channel();
        let other = library.clone();
        std::thread::spawn(move || {
            let page = other.query(&ImageQuery { limit: 10, ..ImageQuery::default() }).map(|p| p.items.len());
            let thumbnail = other.thumbnail(id).is_ok();
            tx.send((page.ok(), thumbnail)).unwrap();
        });
        // ...and a page and a thumbnail's lookup still answer. (Were they on the same connection
        // they would wait for `held` forever; the bound only ends a failing run.)
        let answered = rx.recv_timeout(Duration::from_secs(60)).expect("answered while the totals are busy");
        assert_eq!(answered, (Some(1), true));
        drop(held);
        assert_eq!(library.count(&Default::default()).unwrap(), 1);
        assert_eq!(library.counts().unwrap().images, 1);
    }
}
