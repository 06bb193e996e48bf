//! The HTTP API (axum) and the admin dashboard over ratiba-core. The wire shape of a
//! tenant is `ratiba_core::Tenant`'s serialization, the same the CLI prints with `--json`.
