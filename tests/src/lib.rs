//! Shared helpers for socklab end-to-end tests.
