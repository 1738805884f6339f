"""The pets service: pets CRUD, user preferences and medical-record intake, on Redis."""
