//! Editing an app as JSON in $VISUAL or $EDITOR: suspend, edit, validate, diff, confirm.
