//! The Claude vision extractor (feature `anthropic`): in progress.
