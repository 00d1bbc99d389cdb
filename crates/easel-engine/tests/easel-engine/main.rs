//! The engine against the emulator over real HTTP on 127.0.0.1, with a real SQLite library.

mod run;
