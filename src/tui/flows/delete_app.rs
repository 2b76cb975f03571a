//! Deleting an app: the typed confirmation, the backup, the request.
