//! Online payment (work in progress).
#![forbid(unsafe_code)]
