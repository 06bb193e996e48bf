//! Claude vision extractor tests against a local mock server (in progress).
