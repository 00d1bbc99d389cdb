//! The `easel` binary as a process.
