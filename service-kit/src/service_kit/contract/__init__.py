"""The API's request and response models: one definition drives validation, the OpenAPI
component schemas and their documentation (pydantic v2; see docs/models.md)."""
