//! The one-time reveal of a new secret: masked until asked, copied on request, dropped on close.
