"""marshmallow schemas of the API, one module per domain: they validate what comes in and
describe what goes out (and so the OpenAPI document)."""
