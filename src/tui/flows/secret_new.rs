//! Minting a new secret: description and expiry preset, sent once.
