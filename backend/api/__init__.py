"""HTTP handlers, one module per resource, plus the middlewares and the OpenAPI document."""
