//! Workspace-level tests live in `suite/`; this library is empty on purpose (one test binary links everything once).
#![forbid(unsafe_code)]
