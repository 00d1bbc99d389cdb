//! The client against the emulator over real HTTP on 127.0.0.1.

mod jobs;
