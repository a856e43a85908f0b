//! How the shared folder is found. One test only: it changes `AFC_SHARED` for this process,
//! which would race with other tests of the same binary.

use af_testkit::{shared_dir, shared_or_skip, SchemaSet, SHARED_ENV};

#[test]
fn shared_folder_follows_the_environment_variable() {
    let here = std::env::temp_dir().join(format!("af-testkit-shared-{}", std::process::id()));
    std::fs::create_dir_all(&here).unwrap_or_else(|e| panic!("cannot create {here:?}: {e}"));
    let missing = here.join("no-such-folder");

    std::env::set_var(SHARED_ENV, &missing);
    assert_eq!(shared_dir(), None);
    assert_eq!(shared_or_skip("locate_shared"), None);

    std::env::set_var(SHARED_ENV, &here);
    assert_eq!(shared_dir(), Some(here.clone()));
    assert_eq!(shared_or_skip("locate_shared"), Some(here.clone()));

    // A folder without the schemas gives an error value, not a panic.
    match SchemaSet::load(&here) {
        Ok(_) => panic!("an empty folder must not load"),
        Err(e) => assert!(e.contains("oasis-open"), "{e}"),
    }
    std::env::remove_var(SHARED_ENV);
    let _ = std::fs::remove_dir_all(&here);
}
