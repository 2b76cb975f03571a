//! Deleting a secret: the confirmation, stricter for an app's last working secret.
