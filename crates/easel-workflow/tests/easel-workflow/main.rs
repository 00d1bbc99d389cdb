//! Integration tests of easel-workflow: the shared corpus (every file imports or fails with a
//! located error; editor->API conversion checked against the API graph embedded beside it),
//! round-trip properties on generated graphs, and edited values written back into editor graphs
//! (corpus files and hostile ones).

mod corpus;
mod matching;
mod roundtrip;
mod writeback;
mod writeback_hostile;
