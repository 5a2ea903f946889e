//! Where things live in the repository, resolved from the xtask crate's own location so the
//! tasks work from any current directory.

use std::path::{Path, PathBuf};

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the repository root")
        .to_path_buf()
}

/// The checked-in OpenAPI document every generated line comes from.
pub fn spec() -> PathBuf {
    root().join("openapi/workspaces.json")
}

/// Cargo's build directory: `CARGO_TARGET_DIR` when set, else `target/` at the root.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}
