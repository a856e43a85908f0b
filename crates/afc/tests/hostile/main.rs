//! Hostile and huge input, run as the built binary (issues 12 and 13): every reproduction of
//! issue 12 that afc's CLI owns is a test here, and every run of afc goes through
//! [`harness`], which bounds its memory (`ulimit -v`) and CPU time (`ulimit -t`) so that a
//! regression ends in a signal, and a failed test, instead of a slow or swapping machine.
//!
//! - [`files`]: no command writes over its inputs or outputs; atomic writes (items 1, 2).
//! - [`bounds`]: the size reproductions — dangling refs, duplicate names and edges, stray
//!   characters, symbolic link loops, `**` patterns, devices that never end (items 3, 4, 6, 7).
//! - [`streams`]: control characters, failed writes, CR line endings (items 13, 14, 15).
//! - [`first_hour`]: where `compile` prints diagnostics, `import dir/`, help (issue 13).
//! - [`survey`]: every command on every hostile input.
#![cfg(unix)]

mod bounds;
mod files;
mod first_hour;
mod harness;
mod streams;
mod survey;
