//! Choosing scopes from the organization's catalog: a tree by resource, search as you type, multi-select.
