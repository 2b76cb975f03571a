//! The rotation wizard: mint, reveal, verify with a real token request, then offer to delete old secrets.
