//! Create and edit an app: the form, its validation, and the diff shown before sending.
