//! Integration tests of easel-workflow: the shared corpus (every file imports or fails with a
//! located error; editor->API conversion checked against the API graph embedded beside it),
//! round-trip properties on generated graphs, edited values written back into editor graphs
//! (corpus files and hostile ones), and the limits that keep hostile files cheap: long chains,
//! node caps, subgraph bombs and PNG text bombs.

mod corpus;
mod expansion;
mod long_graphs;
mod matching;
mod png_budget;
mod roundtrip;
mod writeback;
mod writeback_hostile;
