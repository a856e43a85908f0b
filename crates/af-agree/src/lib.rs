//! Tests that the tools agree, in `tests/`: a value the compiler refuses in a flow the
//! validator refuses in a bundle (`agree.rs`), random valid flows compile to bundles the
//! validator accepts (`properties.rs`), and real bundles and the compiled examples validate as
//! the official schemas say (`corpus.rs`).
//!
//! The crate holds no code and is not published. It exists so that the crates it checks stay
//! independent of each other: `af-validate` checks bundles from any producer and must not
//! depend on `af-compile`, not even for its tests (`crates/afc/tests/layering.rs` holds that).
