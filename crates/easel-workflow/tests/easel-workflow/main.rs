//! Integration tests of easel-workflow: the shared corpus (every file imports or fails with a
//! located error; editor->API conversion checked against the API graph embedded beside it) and
//! round-trip properties on generated graphs.

mod corpus;
mod matching;
mod roundtrip;
